"""What a text field may hold, and how an error message may quote a value.

The rule, for every text field (names, titles, comments…):

- control characters are refused: C0 (U+0000–U+001F) but TAB and LF, DEL (U+007F) and C1
  (U+0080–U+009F). They are invisible on screen, and once stored they break what is built
  from the data later: a CSV export (a CR ends a record for some readers), an XLSX export
  (XML 1.0 cannot hold most of them, openpyxl refuses to write them), a PDF;
- multi-line text (comments, observations) keeps TAB and LF; CR only as part of CRLF, which
  browsers send for a textarea and ``normalise_newlines`` turns into LF before saving;
- single-line text (a name, a code, a title) refuses TAB, LF and CR as well, and the Unicode
  line and paragraph separators U+2028 and U+2029 (``str.splitlines`` splits on them, so
  does JavaScript);
- lone surrogates (U+D800–U+DFFF, which no UTF-8 encoder accepts: saving would fail) and the
  Unicode noncharacters (U+FDD0–U+FDEF and the last two code points of every plane, reserved
  for a program's internal use and never meant to be interchanged) are refused everywhere.

``check_single_line`` and ``check_multiline`` raise ``ValueError`` with a French message that
names the first such character by its code point and its position (from 1); the Django
validators ``SingleLineText`` and ``MultilineText`` raise ``ValidationError`` with the same
message. ``quoted`` renders a value for an error message: short, and with nothing invisible.

This module needs nothing from Django but ``django.core.exceptions``, and only for the
validators.
"""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import ValidationError

# Noncharacters: U+FDD0–U+FDEF, and U+nFFFE, U+nFFFF in each of the 17 planes.
_NONCHARACTERS = "\ufdd0-\ufdef" + "".join(
    chr(plane << 16 | 0xFFFE) + chr(plane << 16 | 0xFFFF) for plane in range(17)
)
_SURROGATES = "\ud800-\udfff"
_CONTROLS_BUT_TAB_LF_CR = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"

# One regular expression per rule: a C-speed search, whatever the length of the value.
_FORBIDDEN_SINGLE_LINE = re.compile(
    f"[\x00-\x1f\x7f-\x9f\u2028\u2029{_SURROGATES}{_NONCHARACTERS}]"
)
_FORBIDDEN_MULTILINE = re.compile(
    f"[{_CONTROLS_BUT_TAB_LF_CR}{_SURROGATES}{_NONCHARACTERS}]|\r(?!\n)"
)

_NAMES = {
    0x00: "NUL",
    0x09: "tabulation",
    0x0A: "saut de ligne",
    0x0D: "retour chariot",
    0x1B: "échappement",
    0x7F: "suppression",
    0x85: "fin de ligne",
    0x2028: "séparateur de ligne",
    0x2029: "séparateur de paragraphe",
}


def code_point(character: str) -> str:
    """« U+001F », « U+1FFFE »: how a message names a character."""
    return f"U+{ord(character):04X}"


def _describe(character: str, position: int, single_line: bool) -> str:
    number = ord(character)
    name = _NAMES.get(number)
    label = f"{code_point(character)} ({name})" if name else code_point(character)
    where = f"(position {position})"
    if 0xD800 <= number <= 0xDFFF:
        return f"caractère de substitution isolé {label} interdit {where}"
    if number in (0x2028, 0x2029):
        return f"{label} interdit dans un texte d'une ligne {where}"
    if number > 0x9F:
        return f"non-caractère Unicode {label} interdit {where}"
    if single_line and number in (0x09, 0x0A, 0x0D):
        return f"caractère de contrôle {label} interdit dans un texte d'une ligne {where}"
    if number == 0x0D:
        return f"caractère de contrôle {label} interdit hors d'une fin de ligne CRLF {where}"
    return f"caractère de contrôle {label} interdit {where}"


def first_forbidden(value: str, single_line: bool) -> tuple[int, str] | None:
    """The first character the rule refuses, as (index from 0, character), or None."""
    pattern = _FORBIDDEN_SINGLE_LINE if single_line else _FORBIDDEN_MULTILINE
    found = pattern.search(value)
    return None if found is None else (found.start(), found.group()[0])


def _check(value: str, single_line: bool) -> None:
    found = first_forbidden(value, single_line)
    if found is not None:
        index, character = found
        raise ValueError(_describe(character, index + 1, single_line))


def check_single_line(value: str) -> None:
    """Raise ``ValueError`` (French message) if ``value`` may not be a single-line text."""
    _check(value, single_line=True)


def check_multiline(value: str) -> None:
    """Raise ``ValueError`` (French message) if ``value`` may not be a multi-line text."""
    _check(value, single_line=False)


def normalise_newlines(value: str) -> str:
    """CRLF as LF: what a multi-line field stores (browsers send a textarea with CRLF)."""
    return value.replace("\r\n", "\n")


class _TextValidator:
    """A validator Django can call and migrations can write down (``deconstruct``).

    Written by hand rather than with ``django.utils.deconstruct.deconstructible`` so that this
    module imports nothing of Django beyond ``django.core``: the migration writer serialises any
    object that has a ``deconstruct`` method.
    """

    code = "forbidden_character"
    single_line = True

    def __call__(self, value: Any) -> None:
        if not isinstance(value, str):
            return  # Other validators (and the field itself) say what a non-text is worth.
        try:
            _check(value, self.single_line)
        except ValueError as error:
            raise ValidationError(str(error), code=self.code) from None

    def deconstruct(self) -> tuple[str, tuple[Any, ...], dict[str, Any]]:
        return f"{__name__}.{type(self).__name__}", (), {}

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self)

    def __hash__(self) -> int:
        return hash(type(self))

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class SingleLineText(_TextValidator):
    """Refuses control characters, TAB, LF, CR, U+2028/U+2029, lone surrogates, noncharacters."""

    single_line = True


class MultilineText(_TextValidator):
    """Refuses control characters but TAB, LF and CRLF; lone surrogates, noncharacters."""

    single_line = False


# What ``quoted`` shows as \uXXXX: everything the rule refuses, and the invisible characters
# that reorder or hide text (bidirectional controls), so that a message shows what is there.
_UNSHOWABLE = re.compile(
    f"[\x00-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff"
    f"{_SURROGATES}{_NONCHARACTERS}]"
)
ELLIPSIS = "…"


def _escape(character: str) -> str:
    number = ord(character)
    return f"\\u{number:04x}" if number <= 0xFFFF else f"\\U{number:08x}"


def _group(number: int) -> str:
    """1 500 000 000: French digit grouping, with a narrow no-break space."""
    return f"{number:,}".replace(",", "\u202f")


def quoted(value: str, limit: int = 80, length: int | None = None) -> str:
    """``value`` as an error message may quote it.

    At most ``limit`` characters of it, invisible characters shown as ``\\uXXXX`` (an escape
    counts for its six characters), then, when cut, an ellipsis and the full length:
    « Jean-Pier… (612 caractères) ». The result is never longer than ``limit`` plus 32
    characters, so that a message never echoes a huge value. Reads at most ``limit``
    characters of ``value``, which may be only the start of the value when ``length`` gives
    the whole value's length (a reader that never copied the whole value).
    """
    total = len(value) if length is None else length
    limit = max(limit, 1)
    pieces: list[str] = []
    used = 0
    for index, character in enumerate(value[: limit + 1]):
        piece = _escape(character) if _UNSHOWABLE.match(character) else character
        # Keep room for the ellipsis if anything remains after this piece.
        remains = index + 1 < total
        if used + len(piece) > limit - (1 if remains else 0):
            return "".join(pieces) + f"{ELLIPSIS} ({_group(total)} caractères)"
        pieces.append(piece)
        used += len(piece)
    return "".join(pieces)
