"""Writing small import files for tests."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from openpyxl import Workbook

SCORE_HEADER = ("candidat", "session", "bloc", "partie", "critere", "valeur")
CANDIDATE_HEADER = ("numero", "nom_naissance", "prenoms", "date_naissance")


def write_csv(
    path: Path,
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    separator: str = ";",
    bom: bool = False,
) -> Path:
    lines = [separator.join(header), *(separator.join(row) for row in rows)]
    data = "\n".join(lines) + "\n"
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + data.encode("utf-8"))
    return path


def write_xlsx(path: Path, header: Sequence[str], rows: Sequence[Sequence[object]]) -> Path:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    workbook.save(path)
    return path
