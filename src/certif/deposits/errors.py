"""Why a deposit is refused; every message is a French sentence for the candidate or the staff."""

from __future__ import annotations

from enum import StrEnum

# A value quoted in a message (a file name) is cut to this many characters.
QUOTED_LENGTH = 80


class RefusalReason(StrEnum):
    """A stable code per kind of refusal, for pages, the API and the audit journal."""

    EMPTY = "empty"
    NOT_PDF = "not_pdf"
    UNREADABLE = "unreadable"
    ENCRYPTED = "encrypted"
    ACTIVE_CONTENT = "active_content"
    EMBEDDED_FILE = "embedded_file"
    NO_PAGES = "no_pages"
    TOO_LARGE = "too_large"
    INVALID_ANNEXES_PAGE = "invalid_annexes_page"


class DepositError(Exception):
    """Base of the package's errors: ``str(error)`` is a French sentence."""


class DepositRefused(DepositError):
    """The file cannot be accepted as a deposit; ``reason`` says why in a stable code."""

    def __init__(self, reason: RefusalReason, message: str) -> None:
        self.reason = reason
        super().__init__(message)


def quoted(value: str) -> str:
    """« value », cut to QUOTED_LENGTH characters so that a hostile name cannot flood a page."""
    shown = value if len(value) <= QUOTED_LENGTH else value[: QUOTED_LENGTH - 1] + "…"
    return f"« {shown} »"
