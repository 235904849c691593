"""The small helpers that write a record's machine form and codes spelled as their names."""

from __future__ import annotations

from dataclasses import dataclass
from enum import auto

from certif.domain.codes import CodeEnum
from certif.domain.records import attributes


@dataclass(frozen=True)
class _Record:
    code: str
    label: str
    size: int


def test_attributes_are_read_under_their_own_names_in_the_order_given() -> None:
    found = attributes(_Record("B1", "Bloc 1", 3), "size", "code")

    assert found == {"size": 3, "code": "B1"}
    assert list(found) == ["size", "code"]


class _Kind(CodeEnum):
    PAR_ADMISSION = auto()
    VAE = auto()


def test_a_code_enum_member_is_spelled_as_its_name() -> None:
    assert [kind.value for kind in _Kind] == ["PAR_ADMISSION", "VAE"]
    assert _Kind("VAE") is _Kind.VAE
    assert f"{_Kind.PAR_ADMISSION}" == "PAR_ADMISSION"
