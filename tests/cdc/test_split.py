"""Splitting a stream of passages into flux files of at most N passages."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from certif.cdc.errors import FluxRefused
from certif.cdc.flux import Passage, write_flux_files
from certif.cdc.schemas import load_schema
from certif.cdc.validation import validate_flux_file
from tests.cdc.factories import a_header, a_passage, born_in_paris, passages, texts, validates_whole


def test_passages_are_split_into_files_of_at_most_n(tmp_path: Path) -> None:
    written = write_flux_files(tmp_path, a_header(), passages(25), max_passages=10)
    assert [flux.passages for flux in written] == [10, 10, 5]
    assert [flux.path.name for flux in written] == [
        "cdc-RNCP12345-20260701T101500-001.xml",
        "cdc-RNCP12345-20260701T101500-002.xml",
        "cdc-RNCP12345-20260701T101500-003.xml",
    ]


def test_each_file_has_its_own_flux_id_and_its_own_passages(tmp_path: Path) -> None:
    written = write_flux_files(tmp_path, a_header(), passages(25), max_passages=10)
    assert len({flux.flux_id for flux in written}) == 3
    for flux in written:
        assert texts(flux.path, "/cpf:flux/cpf:idFlux/text()") == [str(flux.flux_id)]
        assert tuple(texts(flux.path, "//cpf:idTechnique/text()")) == flux.technical_ids
    assert written[2].technical_ids[-1] == "2026-06-C00025"


def test_each_file_is_valid_and_described_by_its_hash(tmp_path: Path) -> None:
    written = write_flux_files(tmp_path, a_header(), passages(7), max_passages=3)
    for flux in written:
        assert validates_whole(flux.path, load_schema())
        assert validate_flux_file(flux.path) == flux.passages
        assert flux.sha256 == hashlib.sha256(flux.path.read_bytes()).hexdigest()


def test_exactly_n_passages_make_one_file(tmp_path: Path) -> None:
    written = write_flux_files(tmp_path, a_header(), passages(10), max_passages=10)
    assert [flux.passages for flux in written] == [10]


def test_no_passage_makes_no_file(tmp_path: Path) -> None:
    assert write_flux_files(tmp_path, a_header(), []) == []
    assert list(tmp_path.iterdir()) == []


def test_the_default_is_ten_thousand_passages_a_file(tmp_path: Path) -> None:
    written = write_flux_files(tmp_path, a_header(), passages(10_001), validate=False)
    assert [flux.passages for flux in written] == [10_000, 1]


def test_the_passages_are_read_as_a_stream_one_file_at_a_time(tmp_path: Path) -> None:
    read: list[int] = []

    def source() -> Iterator[Passage]:
        for passage in passages(6):
            read.append(len(list(tmp_path.glob("*.xml"))))
            yield passage

    write_flux_files(tmp_path, a_header(), source(), max_passages=4)
    # The first file is complete before the fifth passage is asked for.
    assert read == [0, 0, 0, 0, 1, 1]


def test_names_and_ids_can_be_chosen(tmp_path: Path) -> None:
    ids = iter([uuid.UUID(int=1), uuid.UUID(int=2)])
    written = write_flux_files(
        tmp_path,
        a_header(),
        passages(3),
        max_passages=2,
        new_flux_id=lambda: next(ids),
        file_name=lambda index, flux_id: f"depot-{index}-{flux_id.int}.xml",
    )
    assert [flux.path.name for flux in written] == ["depot-1-1.xml", "depot-2-2.xml"]


def test_a_refusal_in_a_later_file_removes_the_files_already_written(tmp_path: Path) -> None:
    stream = [*passages(5), a_passage(99, born_in_paris(sex=""))]
    with pytest.raises(FluxRefused, match="passage « 2026-06-C00099 »"):
        write_flux_files(tmp_path, a_header(), stream, max_passages=2)
    assert list(tmp_path.iterdir()) == []


def test_n_must_be_at_least_one(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="at least 1"):
        write_flux_files(tmp_path, a_header(), passages(1), max_passages=0)
