"""The codes people and programs address things by: a session's code, a candidate's numero.

They go into addresses (``/api/v1/sessions/2026-06``), file names and journal keys: letters,
digits, « . », « _ » and « - » only, starting with a letter or a digit, 32 characters at most.
"""

from __future__ import annotations

import re
from enum import StrEnum

CODE_MAX = 32
CODE_PATTERN = rf"^[A-Za-z0-9][A-Za-z0-9._-]{{0,{CODE_MAX - 1}}}$"
CODE_RULE = (
    "lettres sans accent, chiffres, « . », « _ » et « - » seulement, en commençant par une lettre "
    f"ou un chiffre, {CODE_MAX} caractères au plus"
)

_CODE = re.compile(CODE_PATTERN)


def is_addressable(code: str) -> bool:
    # fullmatch: the pattern's « $ » would let a final line feed through.
    return bool(_CODE.fullmatch(code))


class CodeEnum(StrEnum):
    """Codes spelled as their members' names (``CREATION`` is « CREATION »), as the CDC's XSD
    and the référentiel linter's findings write them: ``auto()`` gives each member its own name,
    which is then written once. (``StrEnum``'s own ``auto()`` would lower its case.)"""

    @staticmethod
    def _generate_next_value_(name: str, start: int, count: int, last_values: list[str]) -> str:
        return name
