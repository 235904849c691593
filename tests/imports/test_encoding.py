"""Which encoding a CSV file is in: UTF-8 with or without BOM, UTF-16, Windows-1252."""

from __future__ import annotations

import codecs
import resource
from pathlib import Path

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from certif.imports.encoding import (
    CP1252,
    UTF8,
    UTF8_BOM,
    UTF16,
    decode_bytes,
    transcode_to_utf8,
    utf8_source,
)
from certif.imports.reading import FileRejected, Problem

TEXT = "numero;nom_naissance;prenoms\n000123;GUÉRIN;Élodie\n000124;LEFÈVRE;Zoé « Zaza »\n"

SAMPLES = {
    "utf-8": (TEXT.encode("utf-8"), UTF8),
    "utf-8 with BOM": (codecs.BOM_UTF8 + TEXT.encode("utf-8"), UTF8_BOM),
    "utf-16 (Python's, with BOM)": (TEXT.encode("utf-16"), UTF16),
    "utf-16 little-endian with BOM": (codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le"), UTF16),
    "utf-16 big-endian with BOM": (codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be"), UTF16),
    "windows-1252 (Excel's French CSV)": (TEXT.encode("cp1252"), CP1252),
}


def test_plain_ascii_is_utf8() -> None:
    assert decode_bytes(b"numero;nom\n1;DUPONT\n", "f.csv") == ("numero;nom\n1;DUPONT\n", UTF8)


def refusal(raw: bytes, tmp_path: Path | None = None) -> str:
    with pytest.raises(FileRejected) as refused:
        decode_bytes(raw, "notes.csv")
    if tmp_path is not None:  # the streamed reading refuses the same way
        path = tmp_path / "notes.csv"
        path.write_bytes(raw)
        with pytest.raises(FileRejected) as streamed:
            transcode_to_utf8(path, chunk_size=7)
        assert streamed.value.problems == refused.value.problems
    return str(refused.value)


@pytest.mark.parametrize("name", SAMPLES)
def test_each_accepted_encoding_gives_the_text_and_its_label(name: str, tmp_path: Path) -> None:
    raw, label = SAMPLES[name]
    assert decode_bytes(raw, "candidats.csv") == (TEXT, label)
    path = tmp_path / "candidats.csv"
    path.write_bytes(raw)
    copy, streamed_label = transcode_to_utf8(path, directory=tmp_path, chunk_size=5)
    try:
        assert streamed_label == label
        assert copy.read_bytes() == TEXT.encode("utf-8")  # no BOM, whatever the source
    finally:
        copy.unlink()


@pytest.mark.parametrize("name", SAMPLES)
def test_polars_reads_what_utf8_source_gives(name: str, tmp_path: Path) -> None:
    raw, label = SAMPLES[name]
    path = tmp_path / "candidats.csv"
    path.write_bytes(raw)
    with utf8_source(path, directory=tmp_path) as (source, given_label):
        assert given_label == label
        frame = pl.read_csv(source, separator=";", infer_schema=False)
        copied = source != path
    assert frame["nom_naissance"].to_list() == ["GUÉRIN", "LEFÈVRE"]
    assert frame.columns[0] == "numero"  # the BOM is not part of the first column's name
    assert copied == (label not in (UTF8, UTF8_BOM))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["candidats.csv"]  # copy deleted


def test_a_byte_without_character_in_windows_1252_is_refused_with_its_line(
    tmp_path: Path,
) -> None:
    raw = "a;b\n1;2\nGU\xc9RIN;x\n".encode("cp1252") + b"ok;\x81\n"
    message = refusal(raw, tmp_path)
    assert message.startswith("ligne 4 : notes.csv n'est ni en UTF-8 ni en Windows-1252")
    assert "octet 0x81" in message
    assert "enregistrez le fichier en CSV UTF-8" in message


@pytest.mark.parametrize("byte", [0x81, 0x8D, 0x8F, 0x90, 0x9D])
def test_every_undefined_byte_is_refused(byte: int) -> None:
    assert f"0x{byte:02X}" in refusal(b"nom\nCl\xe9ment" + bytes([byte]) + b"\n")


def test_a_nul_is_refused_with_its_line(tmp_path: Path) -> None:
    message = refusal(b"a;b\n1;2\n3;\x004\n", tmp_path)
    assert message.startswith("ligne 3 : notes.csv contient un caractère de contrôle U+0000 (NUL)")


def test_utf16_without_its_mark_is_named(tmp_path: Path) -> None:
    message = refusal(TEXT.encode("utf-16-le"), tmp_path)
    assert "semble encodé en UTF-16 sans BOM ; enregistrez le fichier en CSV UTF-8" in message


@pytest.mark.parametrize(
    ("raw", "line"),
    [
        (b"a;b\n1;\x1b[31m\n", 2),  # an escape sequence pasted from a terminal
        (b"a;b\n\n\n1;\x7f\n", 4),
        ("a;b\n1;\x85\n".encode(), 2),  # C1, in UTF-8
        ("é;b\n1;\x0c\n".encode("cp1252"), 2),  # in Windows-1252
        (codecs.BOM_UTF16_LE + "a\nb\x01".encode("utf-16-le"), 2),
    ],
)
def test_other_control_characters_are_refused_with_their_line(
    raw: bytes, line: int, tmp_path: Path
) -> None:
    message = refusal(raw, tmp_path)
    assert message.startswith(f"ligne {line} : notes.csv contient un caractère de contrôle U+")


def test_tab_cr_and_lf_are_text() -> None:
    assert decode_bytes(b"a\tb\r\nc\rd\n", "f.csv") == ("a\tb\r\nc\rd\n", UTF8)


def test_a_utf8_mark_with_invalid_bytes_is_refused(tmp_path: Path) -> None:
    message = refusal(codecs.BOM_UTF8 + b"a\nb\n\xe9\n", tmp_path)
    assert message.startswith("ligne 3 : notes.csv n'est pas un texte UTF-8 avec BOM valide")


def test_broken_utf16_is_refused(tmp_path: Path) -> None:
    odd = codecs.BOM_UTF16_LE + "a\nb".encode("utf-16-le") + b"\x00"
    assert "n'est pas un texte UTF-16 valide" in refusal(odd, tmp_path)
    lone = codecs.BOM_UTF16_LE + "a\n".encode("utf-16-le") + b"\x00\xdc" + "b".encode("utf-16-le")
    assert refusal(lone, tmp_path).startswith("ligne 2 : ")


def test_utf32_is_refused() -> None:
    assert "UTF-32" in refusal(codecs.BOM_UTF32_LE + "a".encode("utf-32-le"))


def test_the_first_problem_in_the_file_is_the_one_reported(tmp_path: Path) -> None:
    # A control character on line 2, a byte undefined in Windows-1252 on line 3.
    assert refusal(b"a\n\x01\n\x81\n", tmp_path).startswith("ligne 2 : ")
    assert refusal(b"a\n\x81\n\x01\n", tmp_path).startswith("ligne 2 : ")


def test_a_refused_transcoding_leaves_no_file(tmp_path: Path) -> None:
    path = tmp_path / "notes.csv"
    path.write_bytes(b"x" * 5000 + b"\n\x81")
    with pytest.raises(FileRejected):
        transcode_to_utf8(path, directory=tmp_path, chunk_size=1024)
    assert [p.name for p in tmp_path.iterdir()] == ["notes.csv"]


@settings(
    max_examples=300,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
    deadline=None,
)
@given(
    raw=st.one_of(
        st.binary(max_size=200),
        st.text(max_size=60).map(lambda t: t.encode("utf-8")),
        st.text(st.characters(codec="cp1252"), max_size=60).map(lambda t: t.encode("cp1252")),
        st.text(max_size=60).map(lambda t: t.encode("utf-16")),
    ),
    chunk_size=st.integers(1, 64),
)
def test_streaming_and_in_memory_decoding_agree(
    raw: bytes, chunk_size: int, tmp_path: Path
) -> None:
    """Any bytes: the same text and label, or the same refusal — and nothing else raised."""
    path = tmp_path / "f.csv"
    path.write_bytes(raw)
    assert streamed(path, chunk_size) == in_memory(raw)


def in_memory(raw: bytes) -> tuple[str, str] | list[Problem]:
    try:
        return decode_bytes(raw, "f.csv")
    except FileRejected as refused:
        return refused.problems


def streamed(path: Path, chunk_size: int) -> tuple[str, str] | list[Problem]:
    try:
        copy, label = transcode_to_utf8(path, "f.csv", path.parent, chunk_size)
    except FileRejected as refused:
        return refused.problems
    text = copy.read_bytes().decode("utf-8")
    copy.unlink()
    return text, label


def test_a_big_file_is_transcoded_in_bounded_memory(tmp_path: Path) -> None:
    line = "000123;GUÉRIN;Élodie;Saint-Étienne\n".encode("cp1252")
    path = tmp_path / "big.csv"
    with path.open("wb") as handle:
        for _ in range(200):
            handle.write(line * 5_000)  # 36 MB in all
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    copy, label = transcode_to_utf8(path, directory=tmp_path)
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert label == CP1252
    assert copy.stat().st_size == path.stat().st_size + 3 * 5_000 * 200  # é, É: two bytes each
    assert grown_mb < 30
    copy.unlink()


def test_binary_only_leaves_other_control_characters_to_the_importers(tmp_path: Path) -> None:
    path = tmp_path / "f.csv"
    path.write_bytes("a;b\nx\x13y;\x85\n".encode())
    with utf8_source(path, binary_only=True) as (source, label):
        assert label == "UTF-8"
        assert source.read_text(encoding="utf-8") == "a;b\nx\x13y;\x85\n"
    path.write_bytes(b"a;b\nx\x00y;2\n")
    with pytest.raises(FileRejected, match="U\\+0000"), utf8_source(path, binary_only=True):
        pass
