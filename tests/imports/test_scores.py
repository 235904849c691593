"""``import scores``: checked as a whole, written all at once, or not at all."""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction
from pathlib import Path
from unittest.mock import patch

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractUser
from hypothesis import example, given
from hypothesis import strategies as st

from certif.accounts.models import ConflictKind
from certif.accounts.services import declare_conflict
from certif.candidates.models import Candidate
from certif.core.roles import Role
from certif.domain.referential.schema import Referential
from certif.domain.rules.results import Status
from certif.grading.models import Score, ScoreChange, ScoreSheet
from certif.imports.reading import FileRejected
from certif.imports.scores import import_scores
from certif.results.models import CandidateResult
from certif.sessions.models import Enrolment, ExamSession
from tests.support.builders import failing, passing, score_rows, thesis_rows
from tests.support.deliberations import threshold
from tests.support.files import SCORE_HEADER, write_csv, write_xlsx

pytestmark = pytest.mark.django_db


def rejected(path: Path, **options: bool) -> list[str]:
    with pytest.raises(FileRejected) as caught:
        import_scores(path, **{"create_sessions": True, **options})
    return [problem.describe() for problem in caught.value.problems]


def test_a_valid_file_creates_the_session_sheets_scores_and_results(
    ccab: Referential, candidates: list[Candidate], tmp_path: Path
) -> None:
    rows = score_rows(ccab, "C001", "B1", "14.5") + score_rows(
        ccab, "C001", "B3", "13.8", part="eti"
    )
    report = import_scores(
        write_csv(tmp_path / "notes.csv", SCORE_HEADER, rows), create_sessions=True
    )
    assert report.sessions_created == ["2026-06"]
    assert report.created == len(rows)
    assert ScoreSheet.objects.count() == 2
    assert Enrolment.objects.count() == 2
    decision = CandidateResult.objects.get(candidate__numero="C001").decision
    assert decision.blocks["B1"].status is Status.VALIDATED
    assert decision.blocks["B3"].parts["eti"].score == 12


def test_a_session_the_file_names_is_not_created_unless_asked(
    ccab: Referential, candidates: list[Candidate], tmp_path: Path
) -> None:
    rows = score_rows(ccab, "C001", "B1", "14.5", "2027-21")
    problems = rejected(
        write_csv(tmp_path / "faute.csv", SCORE_HEADER, rows), create_sessions=False
    )
    assert problems
    assert all("session inconnue" in problem and "2027-21" in problem for problem in problems)
    assert not ExamSession.objects.filter(code="2027-21").exists()
    assert not ScoreSheet.objects.exists()


def test_a_decimal_comma_and_a_decimal_point_mean_the_same(
    ccab: Referential, candidates: list[Candidate], tmp_path: Path
) -> None:
    rows = [
        ("C001", "2026-06", "B1", "", "B1Cr1", "2,5"),
        ("C002", "2026-06", "B1", "", "B1Cr1", "2.5"),
    ]
    import_scores(write_csv(tmp_path / "notes.csv", SCORE_HEADER, rows), create_sessions=True)
    assert set(Score.objects.values_list("value", flat=True)) == {250}


def test_importing_the_same_file_twice_changes_nothing(
    ccab: Referential, candidates: list[Candidate], tmp_path: Path
) -> None:
    path = write_csv(
        tmp_path / "notes.csv", SCORE_HEADER, score_rows(ccab, "C001", "B2", threshold(ccab, "B2"))
    )
    import_scores(path, create_sessions=True)
    before = list(Score.objects.order_by("id").values_list("id", "value"))
    report = import_scores(path, create_sessions=True)
    assert report.created == report.replaced == 0
    assert report.unchanged == len(before)
    assert list(Score.objects.order_by("id").values_list("id", "value")) == before


def test_a_different_value_for_a_recorded_score_is_an_error(
    ccab: Referential, candidates: list[Candidate], tmp_path: Path
) -> None:
    import_scores(
        write_csv(tmp_path / "a.csv", SCORE_HEADER, [("C001", "2026-06", "B1", "", "B1Cr1", "3")]),
        create_sessions=True,
    )
    problems = rejected(
        write_csv(tmp_path / "b.csv", SCORE_HEADER, [("C001", "2026-06", "B1", "", "B1Cr1", "2")])
    )
    assert problems == [
        "ligne 2, colonne valeur, valeur « 2 » : une autre valeur est déjà enregistrée pour B1Cr1 : "
        "« 3,00 » (utilisez --replace pour la remplacer)"
    ]


def test_replace_keeps_the_history_of_the_change(
    ccab: Referential, candidates: list[Candidate], tmp_path: Path
) -> None:
    import_scores(
        write_csv(tmp_path / "a.csv", SCORE_HEADER, [("C001", "2026-06", "B1", "", "B1Cr1", "3")]),
        create_sessions=True,
    )
    report = import_scores(
        write_csv(
            tmp_path / "b.csv", SCORE_HEADER, [("C001", "2026-06", "B1", "", "B1Cr1", "2,25")]
        ),
        replace=True,
        create_sessions=True,
    )
    assert report.replaced == 1
    change = ScoreChange.objects.get()
    assert (change.before, change.after, change.source) == (300, 225, "import")
    assert Score.objects.get().value == 225
    assert ScoreSheet.objects.get().revision == 2


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (
            ("C999", "2026-06", "B1", "", "B1Cr1", "3"),
            "colonne candidat, valeur « C999 » : candidat inconnu",
        ),
        (
            ("C001", "2026-06", "B7", "", "B1Cr1", "3"),
            "colonne bloc, valeur « B7 » : bloc inconnu (blocs : B1, B2, B3, B4, MEM)",
        ),
        (
            ("C001", "2026-06", "B1", "", "B1Cr9", "3"),
            "colonne critere, valeur « B1Cr9 » : critère inconnu du bloc B1",
        ),
        (
            ("C001", "2026-06", "B1", "", "B2Cr1", "3"),
            "le critère B2Cr1 appartient au bloc B2, pas au bloc B1",
        ),
        (
            ("C001", "2026-06", "B1", "pme", "B1Cr1", "3"),
            "colonne partie, valeur « pme » : le bloc B1 n'a pas de parties",
        ),
        (("C001", "2026-06", "B3", "", "B3Cr1", "1"), "partie obligatoire pour le bloc B3"),
        (("C001", "2026-06", "B3", "tpe", "B3Cr1", "1"), "partie inconnue pour le bloc B3"),
        (
            ("C001", "2026-06", "B1", "", "B1Cr1", "4,01"),
            "hors barème : B1Cr1 vaut au plus 4 point(s)",
        ),
        (
            ("C001", "2026-06", "B1", "", "B1Cr1", "2,555"),
            "valeur « 2,555 » : plus de deux décimales",
        ),
        (("C001", "2026-06", "B1", "", "B1Cr1", "-1"), "n'est pas un nombre de points"),
        (("C001", "2026-06", "B1", "", "B1Cr1", "trois"), "n'est pas un nombre de points"),
        (
            ("C001", "2026-06", "MEM", "", "MEMCr1", "vrai"),
            "attendu « oui » ou « non » pour MEMCr1",
        ),
        (
            ("C001", "2026-06", "MEM", "", "MEMPages", "30,5"),
            "attendu un nombre entier pour MEMPages",
        ),
        (
            ("C001", "", "B1", "", "B1Cr1", "3"),
            "colonne session, valeur «  » : valeur obligatoire manquante",
        ),
    ],
)
def test_each_bad_row_is_named_with_its_line_column_and_value(
    candidates: list[Candidate], tmp_path: Path, row: tuple[str, ...], message: str
) -> None:
    good = ("C002", "2026-06", "B1", "", "B1Cr1", "3")
    problems = rejected(write_csv(tmp_path / "notes.csv", SCORE_HEADER, [good, row]))
    assert len(problems) == 1
    assert problems[0].startswith("ligne 3, ")
    assert message in problems[0]


def test_a_rejected_file_writes_nothing(
    ccab: Referential, candidates: list[Candidate], tmp_path: Path
) -> None:
    rows = [*score_rows(ccab, "C001", "B1", "14"), ("C001", "2026-06", "B1", "", "B1Cr1", "9")]
    rejected(write_csv(tmp_path / "notes.csv", SCORE_HEADER, rows))
    assert not ExamSession.objects.exists()
    assert not ScoreSheet.objects.exists()
    assert not Score.objects.exists()


def test_a_duplicated_row_is_an_error_naming_the_first(
    candidates: list[Candidate], tmp_path: Path
) -> None:
    row = ("C001", "2026-06", "B1", "", "B1Cr1", "3")
    problems = rejected(write_csv(tmp_path / "notes.csv", SCORE_HEADER, [row, row]))
    assert problems == [
        "ligne 3, colonne critere, valeur « B1Cr1 » : note en double (déjà ligne 2)"
    ]


def test_every_error_is_listed_up_to_100_then_counted(
    candidates: list[Candidate], tmp_path: Path
) -> None:
    rows = [("C999", "2026-06", "B1", "", "B1Cr1", "3")] * 150
    with pytest.raises(FileRejected) as caught:
        import_scores(write_csv(tmp_path / "notes.csv", SCORE_HEADER, rows), create_sessions=True)
    assert caught.value.total >= 150
    assert caught.value.describe().splitlines()[-1].startswith("… et ")
    assert len(caught.value.describe().splitlines()) == 101


def test_a_missing_column_is_refused_at_once(candidates: list[Candidate], tmp_path: Path) -> None:
    problems = rejected(
        write_csv(
            tmp_path / "notes.csv", SCORE_HEADER[:-1], [("C001", "2026-06", "B1", "", "B1Cr1")]
        )
    )
    assert problems[0].startswith("ligne 1, colonne valeur : colonne obligatoire absente")


def test_an_unknown_column_is_refused(candidates: list[Candidate], tmp_path: Path) -> None:
    problems = rejected(
        write_csv(
            tmp_path / "notes.csv",
            (*SCORE_HEADER, "note"),
            [("C001", "2026-06", "B1", "", "B1Cr1", "3", "x")],
        )
    )
    assert problems[0].startswith("ligne 1, colonne note : colonne inconnue")


def test_an_unknown_evaluator_is_an_error(candidates: list[Candidate], tmp_path: Path) -> None:
    problems = rejected(
        write_csv(
            tmp_path / "notes.csv",
            (*SCORE_HEADER, "evaluateur"),
            [("C001", "2026-06", "B1", "", "B1Cr1", "3", "personne")],
        )
    )
    assert problems == ["ligne 2, colonne evaluateur, valeur « personne » : évaluateur inconnu"]


def evaluator_row(username: str) -> list[tuple[str, ...]]:
    return [("C001", "2026-06", "B1", "", "B1Cr1", "3", username)]


@pytest.mark.parametrize("role", [Role.CANDIDATE, Role.STAFF, Role.JURY_MEMBER])
def test_an_account_without_the_evaluator_role_is_refused_as_evaluator(
    role: Role,
    candidates: list[Candidate],
    make_user: Callable[..., AbstractUser],
    tmp_path: Path,
) -> None:
    account = make_user(role, candidate=candidates[1] if role is Role.CANDIDATE else None)
    header = (*SCORE_HEADER, "evaluateur")
    problems = rejected(write_csv(tmp_path / "n.csv", header, evaluator_row(account.username)))
    assert problems == [
        f"ligne 2, colonne evaluateur, valeur « {account.username} » : ce compte n'a pas le "
        "rôle d'évaluateur"
    ]


def test_an_administrator_is_not_an_evaluator_by_holding_every_role(
    candidates: list[Candidate], tmp_path: Path
) -> None:
    admin = get_user_model().objects.create_superuser("admin-x", password="x" * 16)
    header = (*SCORE_HEADER, "evaluateur")
    problems = rejected(write_csv(tmp_path / "n.csv", header, evaluator_row(admin.username)))
    assert problems[0].endswith("ce compte n'a pas le rôle d'évaluateur")


def test_an_evaluator_linked_to_the_candidate_is_refused_on_that_row(
    candidates: list[Candidate], make_user: Callable[..., AbstractUser], tmp_path: Path
) -> None:
    evaluator = make_user(Role.EVALUATOR)
    declare_conflict(evaluator, candidates[0], ConflictKind.EMPLOYER)
    header = (*SCORE_HEADER, "evaluateur")
    rows = [
        *evaluator_row(evaluator.username),
        ("C002", "2026-06", "B1", "", "B1Cr1", "3", evaluator.username),
    ]
    problems = rejected(write_csv(tmp_path / "n.csv", header, rows))
    assert problems == [
        f"ligne 2, colonne evaluateur, valeur « {evaluator.username} » : un lien d'intérêt est "
        "déclaré entre cet évaluateur et le candidat"
    ]
    assert not Score.objects.exists()


def test_an_xlsx_file_with_numbers_imports_like_a_csv(
    ccab: Referential, candidates: list[Candidate], tmp_path: Path
) -> None:
    rows = [
        ("C001", "2026-06", "B1", None, "B1Cr1", 2.5),
        ("C001", "2026-06", "MEM", None, "MEMPages", 31),
    ]
    import_scores(write_xlsx(tmp_path / "notes.xlsx", SCORE_HEADER, rows), create_sessions=True)
    assert sorted(Score.objects.values_list("value", flat=True)) == [31, 250]


def test_a_retake_in_a_second_session_validates_the_block(
    ccab: Referential, candidates: list[Candidate], tmp_path: Path
) -> None:
    first = score_rows(ccab, "C001", "B2", failing(ccab, "B2", "4"), session="2026-06")
    retake = score_rows(ccab, "C001", "B2", passing(ccab, "B2"), session="2026-12")
    import_scores(write_csv(tmp_path / "a.csv", SCORE_HEADER, first), create_sessions=True)
    assert (
        CandidateResult.objects.get(candidate__numero="C001").decision.blocks["B2"].status
        is Status.NOT_VALIDATED
    )
    import_scores(write_csv(tmp_path / "b.csv", SCORE_HEADER, retake), create_sessions=True)
    assert (
        CandidateResult.objects.get(candidate__numero="C001").decision.blocks["B2"].status
        is Status.VALIDATED
    )


def test_the_memoire_imports_yes_no_and_page_count(
    ccab: Referential, candidates: list[Candidate], tmp_path: Path
) -> None:
    import_scores(
        write_csv(tmp_path / "m.csv", SCORE_HEADER, thesis_rows(ccab, "C002", MEMPages=29)),
        create_sessions=True,
    )
    decision = CandidateResult.objects.get(candidate__numero="C002").decision
    assert decision.blocks["MEM"].status is Status.NOT_VALIDATED


def test_a_large_import_decides_in_a_worker_process_with_the_same_results(
    ccab: Referential, candidates: list[Candidate], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from certif.imports import scores

    monkeypatch.setattr(scores, "WORKER_THRESHOLD", 1)
    rows = [
        *score_rows(ccab, "C001", "B1", "14.5"),
        *score_rows(ccab, "C002", "B3", "13.75", part="eti"),
    ]
    import_scores(write_csv(tmp_path / "n.csv", SCORE_HEADER, rows), create_sessions=True)
    first = CandidateResult.objects.get(candidate__numero="C001").decision
    second = CandidateResult.objects.get(candidate__numero="C002").decision
    assert first.blocks["B1"].status is Status.VALIDATED
    assert second.blocks["B3"].parts["eti"].status is Status.NOT_VALIDATED


def test_a_large_reimport_decides_in_a_worker_with_the_stored_values_and_the_replaced_ones(
    ccab: Referential, candidates: list[Candidate], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from certif.imports import scores

    monkeypatch.setattr(scores, "WORKER_THRESHOLD", 1)
    b1 = threshold(ccab, "B1")
    import_scores(
        write_csv(tmp_path / "a.csv", SCORE_HEADER, score_rows(ccab, "C001", "B1", str(b1))),
        create_sessions=True,
    )
    lower = score_rows(ccab, "C001", "B1", str(b1 - 1))
    import_scores(
        write_csv(tmp_path / "b.csv", SCORE_HEADER, lower), replace=True, create_sessions=True
    )
    decision = CandidateResult.objects.get(candidate__numero="C001").decision
    assert decision.blocks["B1"].status is Status.NOT_VALIDATED
    assert decision.blocks["B1"].score == Fraction(b1 - 1)


@given(
    touched=st.lists(st.integers(1, 10**6), unique=True, max_size=300).map(sorted),
    cores=st.integers(1, 16),
    threshold=st.integers(1, 50),
)
@example(touched=list(range(1, 17)), cores=3, threshold=5)  # not 6 + 6 + 4: the last too small
def test_the_candidates_to_decide_are_shared_among_the_cores_in_contiguous_runs(
    touched: list[int], cores: int, threshold: int
) -> None:
    from certif.imports import scores

    with (
        patch.object(scores.os, "cpu_count", return_value=cores),
        patch.object(scores, "WORKER_THRESHOLD", threshold),
    ):
        shares = scores._shares(touched)
    assert [pk for share in shares for pk in share] == touched
    assert len(shares) <= max(1, min(cores, scores.MAX_WORKERS))
    assert len(shares) == 1 or all(len(share) >= threshold for share in shares)
