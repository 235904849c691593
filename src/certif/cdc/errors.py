"""What can go wrong with a CDC flux or report; every message is French, for a gestionnaire."""

from __future__ import annotations

from dataclasses import dataclass


class CdcError(Exception):
    """Base of the package's errors: ``str(error)`` is a French sentence for the user."""


class SchemaUnavailable(CdcError):
    """The chosen XSD cannot be found or read as a schema."""


class FluxRefused(CdcError):
    """A value cannot be declared as it is (missing, too long, impossible): nothing was written.

    ``problems`` lists every French reason found for the header or the one passage concerned;
    ``technical_id`` names that passage (None for the header).
    """

    def __init__(self, problems: list[str], technical_id: str | None = None) -> None:
        self.problems = tuple(problems)
        self.technical_id = technical_id
        where = "en-tête du flux" if technical_id is None else f"passage « {technical_id} »"
        super().__init__(f"{where} : " + " ; ".join(self.problems))


@dataclass(frozen=True)
class ValidationIssue:
    """One schema error: its line in the file, and a French sentence with its context."""

    line: int
    message: str

    def __str__(self) -> str:
        return f"ligne {self.line} : {self.message}"


class FluxInvalid(CdcError):
    """The file does not validate against the schema; ``issues`` holds the first errors."""

    def __init__(self, path: str, issues: list[ValidationIssue], schema_name: str) -> None:
        self.path = path
        self.issues = tuple(issues)
        self.schema_name = schema_name
        shown = "\n".join(f"- {issue}" for issue in self.issues)
        super().__init__(
            f"le fichier {path} n'est pas conforme au schéma CDC {schema_name} :\n{shown}"
        )


class ReportUnreadable(CdcError):
    """A processing report that is not one: malformed, too large, or of another format."""
