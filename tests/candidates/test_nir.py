"""The NIR: checked on entry (forms, imports, API), encrypted at rest, shown masked, read in
clear only by a gestionnaire who asks — each reading journalled — and never exported."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from django.contrib.auth.models import AbstractUser
from django.db import connection
from django.test import Client
from django.urls import reverse

from certif.candidates.models import Candidate
from certif.candidates.services import reveal_nir, update_candidate
from certif.core.errors import Forbidden, Invalid
from certif.core.models import AuditEvent
from certif.core.roles import Role
from certif.domain.nir import Nir, with_key
from certif.imports.candidates import import_candidates
from certif.imports.exports import candidates_frame
from certif.imports.reading import FileRejected
from tests.support.files import CANDIDATE_HEADER, write_csv

pytestmark = pytest.mark.django_db

# C001, Marie Dupont, born 12 March 1990 (tests.support.plugin's candidates): a woman (2), 90,
# March (03), born in Paris (75 056), order 123.
MARIE = with_key("2900375056123")


def wrong_key(nir: Nir) -> str:
    return nir.without_key + f"{(int(nir.key) + 1) % 97:02d}"


def stored_text(candidate: Candidate) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT nir FROM {Candidate._meta.db_table} WHERE id = %s", [candidate.pk])
        return str(cursor.fetchone()[0])


def test_a_nir_typed_with_spaces_is_stored_compact_and_encrypted(
    candidates: list[Candidate],
) -> None:
    marie = update_candidate(candidates[0], {"nir": MARIE.formatted, "sex": "F"})
    marie.refresh_from_db()
    assert marie.nir == MARIE.value
    assert MARIE.value not in stored_text(marie)
    assert MARIE.without_key not in stored_text(marie)


def test_a_nir_with_a_wrong_key_is_refused_naming_the_expected_key(
    candidates: list[Candidate],
) -> None:
    with pytest.raises(Invalid) as refused:
        update_candidate(candidates[0], {"nir": wrong_key(MARIE)})
    assert f"{MARIE.key} attendu" in refused.value.errors["nir"][0]
    candidates[0].refresh_from_db()
    assert candidates[0].nir == ""


def test_a_nir_contradicting_the_recorded_sex_is_refused(candidates: list[Candidate]) -> None:
    with pytest.raises(Invalid, match="sexe"):
        update_candidate(candidates[0], {"nir": MARIE.value, "sex": "M"})


def test_a_nir_contradicting_the_birth_year_is_refused(candidates: list[Candidate]) -> None:
    other_year = with_key("2910375056123")
    with pytest.raises(Invalid, match="1990"):
        update_candidate(candidates[0], {"nir": other_year.value})


def test_the_journal_keeps_the_nir_masked(candidates: list[Candidate]) -> None:
    update_candidate(candidates[0], {"nir": MARIE.value, "sex": "F"})
    event = AuditEvent.objects.filter(action="candidate.updated").latest("pk")
    assert event.after["nir"] == MARIE.masked
    assert MARIE.without_key not in str(event.after)


def test_an_import_refuses_a_wrong_key_naming_the_line_without_quoting_the_number(
    version: object, tmp_path: Path
) -> None:
    path = write_csv(
        tmp_path / "c.csv",
        (*CANDIDATE_HEADER, "sexe", "nir"),
        [
            ("C101", "Dupont", "Marie", "12/03/1990", "F", MARIE.formatted),
            ("C102", "Martin", "Luc", "01/01/1985", "M", wrong_key(with_key("1850175056001"))),
        ],
    )
    with pytest.raises(FileRejected) as refused:
        import_candidates(path)
    [problem] = refused.value.problems
    assert (problem.line, problem.column) == (3, "nir")
    assert "clé de contrôle incorrecte" in problem.message
    assert "1850175056001" not in str(problem)
    assert not Candidate.objects.filter(numero__in=["C101", "C102"]).exists()


def test_an_import_stores_a_valid_nir_encrypted(version: object, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "c.csv",
        (*CANDIDATE_HEADER, "sexe", "nir"),
        [("C101", "Dupont", "Marie", "12/03/1990", "F", MARIE.formatted)],
    )
    import_candidates(path)
    imported = Candidate.objects.get(numero="C101")
    assert imported.nir == MARIE.value
    assert MARIE.value not in stored_text(imported)


def test_the_candidates_export_never_carries_the_nir(candidates: list[Candidate]) -> None:
    update_candidate(candidates[0], {"nir": MARIE.value, "sex": "F"})
    frame = candidates_frame()
    assert "nir" not in frame.columns
    assert not any(MARIE.without_key in str(value) for value in frame.row(0))


def test_a_gestionnaire_reads_the_nir_in_clear_and_the_reading_is_journalled(
    candidates: list[Candidate], staff: AbstractUser
) -> None:
    update_candidate(candidates[0], {"nir": MARIE.value, "sex": "F"})
    assert reveal_nir(candidates[0], staff) == MARIE.formatted
    event = AuditEvent.objects.get(action="candidate.nir_shown")
    assert (event.actor_id, event.after) == (staff.pk, {"nir": MARIE.masked})


@pytest.mark.parametrize("role", [Role.EVALUATOR, Role.JURY_PRESIDENT, Role.JURY_MEMBER])
def test_no_one_else_reads_a_nir_in_clear(
    role: Role, candidates: list[Candidate], make_user: Callable[..., AbstractUser]
) -> None:
    update_candidate(candidates[0], {"nir": MARIE.value, "sex": "F"})
    with pytest.raises(Forbidden):
        reveal_nir(candidates[0], make_user(role))
    assert not AuditEvent.objects.filter(action="candidate.nir_shown").exists()


def test_the_candidate_page_shows_the_nir_masked_until_asked(
    candidates: list[Candidate], client_as: Callable[..., Client]
) -> None:
    update_candidate(candidates[0], {"nir": MARIE.value, "sex": "F"})
    client = client_as(Role.STAFF)
    page = client.get(reverse("candidates:detail", args=[candidates[0].pk])).content.decode()
    shown = client.post(reverse("candidates:nir", args=[candidates[0].pk]))
    assert MARIE.masked in page
    assert MARIE.formatted not in page
    assert MARIE.formatted in shown.content.decode()
    assert "no-store" in shown["Cache-Control"]


def test_the_identity_page_keeps_the_nir_when_its_field_is_left_empty(
    candidates: list[Candidate], client_as: Callable[..., Client]
) -> None:
    update_candidate(candidates[0], {"nir": MARIE.value, "sex": "F"})
    client = client_as(Role.STAFF)
    url = reverse("candidates:edit", args=[candidates[0].pk])
    form = client.get(url).content.decode()
    client.post(
        url,
        {
            "birth_name": "Dupont",
            "first_name": "Marie",
            "birth_date": "1990-03-12",
            "sex": "F",
            "nir": "",
        },
    )
    candidates[0].refresh_from_db()
    assert MARIE.value not in form
    assert candidates[0].nir == MARIE.value
