"""``certif insertion import FILE``: answers to the insertion survey collected outside its
form (by telephone, on paper), all or nothing.

One row per answer: the holder's ``numero``, the survey (``enquete``: « 6 mois » or « 2 ans »),
and the answer in the words below (docs/statistics.md). Each row goes through the survey's one
validation (``insertion.forms.AnswerForm``); every problem names its line, its column and the
value (80 characters at most), and nothing is written while one remains.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from certif.candidates.models import Candidate
from certif.core.audit import Actor
from certif.core.errors import Invalid
from certif.core.policies import require
from certif.core.progress import Reporter, Silent
from certif.core.text import quoted
from certif.imports import checks
from certif.imports.guard import file_sha256, importing
from certif.imports.reading import LINE, FileRejected, Problem, read_file
from certif.insertion.forms import NONE_OF_THEM
from certif.insertion.models import Answer, Point
from certif.insertion.policies import MANAGE_REFUSED, may_manage_insertion
from certif.insertion.queries import Holder, holders
from certif.insertion.services import ImportedAnswer, import_answers, validate_answer

REQUIRED = ("numero", "enquete", "situation")
OPTIONAL = (
    "intitule_poste",
    "metier_vise",
    "contrat",
    "temps_travail",
    "remuneration",
    "secteur",
    "hors_france",
)

POINTS = {"6 mois": Point.SIX_MONTHS, "6_mois": Point.SIX_MONTHS, "2 ans": Point.TWO_YEARS,
          "2_ans": Point.TWO_YEARS}  # fmt: skip
SITUATIONS = {
    "emploi": "employed",
    "recherche_emploi": "job_seeker",
    "poursuite_etudes": "further_studies",
    "impossibilite": "unable_to_work",
    "autre": "other",
}
CONTRACTS = {
    "cdi": "permanent",
    "cdd": "fixed_term",
    "interim": "temporary",
    "fonctionnaire": "civil_servant",
    "independant": "self_employed",
    "alternance": "work_study",
    "autre": "other",
}
WORKING_TIMES = {"plein": "full_time", "partiel": "part_time"}
YES_NO = {"oui": "yes", "non": "no"}
# The answer's fields, by the column that holds each, and the words a column admits.
FIELDS: dict[str, tuple[str, Mapping[str, str] | None]] = {
    "situation": ("situation", SITUATIONS),
    "intitule_poste": ("job_title", None),
    "metier_vise": ("targeted_job", None),
    "contrat": ("contract", CONTRACTS),
    "temps_travail": ("working_time", WORKING_TIMES),
    "remuneration": ("salary_band", None),
    "secteur": ("employer_sector", None),
    "hors_france": ("works_abroad", YES_NO),
}
COLUMN_OF = {field: column for column, (field, _words) in FIELDS.items()}


@dataclass
class InsertionReport:
    rows: int = 0
    encoding: str | None = None

    def lines(self) -> list[str]:
        lines = [f"{self.rows} réponse(s) enregistrée(s)"]
        if self.encoding is not None:
            lines.append(f"Fichier lu en {self.encoding}")
        return lines


def _word_problems(line: int, row: Mapping[str, str]) -> Iterator[Problem]:
    for column, (_field, words) in FIELDS.items():
        value = row[column].strip().lower()
        if words is not None and value and value not in words:
            yield Problem(
                line, column, quoted(row[column]), "attendu : " + ", ".join(sorted(words))
            )


def _form_data(row: Mapping[str, str]) -> dict[str, str]:
    data = {}
    for column, (field, words) in FIELDS.items():
        value = row[column].strip()
        data[field] = words.get(value.lower(), value) if words is not None else value
    if data["situation"] == "employed" and data["targeted_job"].lower() in ("", "non"):
        data["targeted_job"] = NONE_OF_THEM
    data.setdefault("works_abroad", "no")
    return data


def _row_answer(
    line: int,
    row: Mapping[str, str],
    found: Mapping[str, Holder],
    answered: set[tuple[int, str]],
    problems: list[Problem],
) -> ImportedAnswer | None:
    numero = row["numero"].strip()
    holder = found.get(numero)
    point = POINTS.get(row["enquete"].strip().lower())
    if holder is not None and point is not None and (holder.candidate_id, point) in answered:
        problems.append(
            Problem(line, "enquete", quoted(row["enquete"]), f"{numero} a déjà répondu à cette "
                    "enquête (une réponse par enquête)")
        )  # fmt: skip
    if holder is None:
        problems.append(
            Problem(line, "numero", quoted(numero), "aucun titulaire de la certification ne "
                    "porte ce numéro (un jury doit l'avoir certifié)")
        )  # fmt: skip
    if point is None:
        problems.append(
            Problem(line, "enquete", quoted(row["enquete"]), "attendu « 6 mois » ou « 2 ans »")
        )
    words = list(_word_problems(line, row))
    problems.extend(words)
    if words:
        return None
    try:
        values = validate_answer(_form_data(row))
    except Invalid as refused:
        for field, messages in refused.errors.items():
            column = COLUMN_OF.get(field)
            value = row.get(column, "") if column else None
            problems.extend(
                Problem(line, column, quoted(value) if value is not None else None, message)
                for message in messages
            )
        return None
    if holder is None or point is None:
        return None
    return ImportedAnswer(line, holder, point, values)


def import_insertion(
    path: str | Path, *, actor: Actor = None, reporter: Reporter | None = None
) -> InsertionReport:
    """Read, check every row, then record every answer in one transaction, or nothing."""
    require(actor, may_manage_insertion, message=MANAGE_REFUSED)
    report = reporter or Silent()
    file = Path(path)
    with importing("insertion", file_sha256(file)):
        report.phase("Lecture du fichier")
        table = read_file(file)
        frame = table.frame
        checks.check_columns(frame, REQUIRED, OPTIONAL)
        checks.refuse_forbidden_characters(frame, [c for c in frame.columns if c != LINE])
        frame = checks.with_optional_columns(frame, OPTIONAL)
        checks.raise_if_any(
            [*checks.required_values(frame, REQUIRED),
             checks.duplicates(frame, ["numero", "enquete"], "enquete", "réponse à cette enquête")]
        )  # fmt: skip
        report.phase("Vérification", frame.height)
        numeros = frame.get_column("numero").str.strip_chars().unique().to_list()
        ids = dict(Candidate.objects.filter(numero__in=numeros).values_list("pk", "numero"))
        found = {ids[holder.candidate_id]: holder for holder in holders(list(ids))}
        answered = set(
            Answer.objects.filter(survey__candidate_id__in=list(ids)).values_list(
                "survey__candidate_id", "survey__point"
            )
        )
        problems: list[Problem] = []
        rows = []
        for row in frame.iter_rows(named=True):
            answer = _row_answer(row[LINE], row, found, answered, problems)
            if answer is not None:
                rows.append(answer)
            report.advance()
        if problems:
            raise FileRejected(problems[:100], len(problems))
        report.phase("Écriture des réponses", len(rows))
        written = import_answers(rows, actor)
    return InsertionReport(written, table.encoding)
