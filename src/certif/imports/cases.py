"""``certif import cases FILE``: cases for the bank from a CSV or XLSX file, all or nothing.

One row per case: ``epreuve`` (the épreuve key, « B2 », « B3:pme », « B4Me1 »), ``reference``,
``titre``, ``texte``, ``script`` (the client's script of a scenario), ``pdf`` (a PDF's path,
relative to the file's folder). Each row goes through the bank's own verb (validation, PDF
checks, journal); any refused row refuses the file, every error listed with its line.
"""

from __future__ import annotations

from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

from django.core.files import File
from django.db import transaction

from certif.casebank.services import create_case
from certif.core.audit import Actor
from certif.core.errors import Invalid, Refused
from certif.core.text import quoted
from certif.imports.problems import FileRejected, Problem
from certif.imports.reading import read_file

CASE_COLUMNS: tuple[str, ...] = ("epreuve", "reference", "titre", "texte", "script", "pdf")
CASE_REQUIRED: tuple[str, ...] = ("epreuve", "reference", "titre")
# The form's fields, by the file's column names.
FIELDS = {"slot": "epreuve", "reference": "reference", "title": "titre", "text": "texte",
          "client_script": "script"}  # fmt: skip


@dataclass
class CasesReport:
    rows: int = 0
    created: int = 0
    encoding: str | None = None

    def lines(self) -> list[str]:
        lines = [f"{self.rows} ligne(s) : {self.created} cas créé(s)"]
        if self.encoding is not None:
            lines.append(f"Fichier lu en {self.encoding}")
        return lines


def _problems(line: int, error: Refused, row: dict[str, str]) -> list[Problem]:
    if not isinstance(error, Invalid) or not error.errors:
        return [Problem(line, None, None, str(error))]
    problems = []
    for field, messages in error.errors.items():
        column = FIELDS.get(field)
        value = quoted(row.get(column, "")) if column else None
        problems += [Problem(line, column, value, str(message)) for message in messages]
    return problems


def _pdf(folder: Path, name: str, stack: ExitStack) -> File[bytes] | None:
    if not name.strip():
        return None
    path = (folder / name.strip()).resolve()
    if not path.is_file():
        raise Refused(f"PDF introuvable : {quoted(name)}")
    return File(stack.enter_context(path.open("rb")), name=path.name)


def import_cases(path: str | Path, *, actor: Actor = None) -> CasesReport:
    table = read_file(path)
    frame = table.frame
    missing = [column for column in CASE_REQUIRED if column not in frame.columns]
    if missing:
        raise FileRejected(
            [Problem(None, column, None, "colonne obligatoire absente") for column in missing]
        )
    folder = Path(path).resolve().parent
    problems: list[Problem] = []
    report = CasesReport(rows=frame.height, encoding=table.encoding)
    with transaction.atomic(), ExitStack() as stack:
        for record in frame.iter_rows(named=True):
            row = {c: (record.get(c) or "") for c in CASE_COLUMNS}
            line = int(record["__line"])
            data = {field: row[column] for field, column in FIELDS.items()} | {"note": ""}
            try:
                with transaction.atomic():
                    create_case(data, _pdf(folder, row["pdf"], stack), actor=actor)
            except Refused as error:
                problems += _problems(line, error, row)
            else:
                report.created += 1
        if problems:
            # Leaving the block by this exception undoes every row written.
            raise FileRejected(problems)
    return report
