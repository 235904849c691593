"""Finding candidates and writing their identity, below the pages."""

from __future__ import annotations

from datetime import date

import pytest
from django.db.models import QuerySet

from certif.candidates.models import Candidate
from certif.candidates.queries import page_by_numero
from certif.candidates.services import create_candidate, update_candidate
from certif.core.errors import Invalid
from certif.core.models import AuditEvent
from certif.referential.models import ReferentialVersion
from certif.results.queries import CandidateQuery, matching_candidates

pytestmark = pytest.mark.django_db


@pytest.fixture
def thirty(version: ReferentialVersion) -> list[Candidate]:
    """N01…N30; every fifth one in VAE."""
    return Candidate.objects.bulk_create(
        Candidate(
            numero=f"N{i:02d}",
            birth_name="Nom",
            first_name="Prénom",
            birth_date=date(1990, 1, 1),
            access_path="VAE" if i % 5 == 0 else "",
        )
        for i in range(1, 31)
    )


def numeros(rows: list[Candidate]) -> list[str]:
    return [candidate.numero for candidate in rows]


def vae() -> QuerySet[Candidate]:
    return matching_candidates(CandidateQuery(access_path="VAE"))


def test_a_window_bounds_what_one_page_looks_at(thirty: list[Candidate]) -> None:
    page = page_by_numero(vae(), size=3, window=8)
    assert numeros(page.rows) == ["N05"]
    assert (page.next_after, page.stopped_at, page.previous_before) == ("N08", "N08", None)


def test_the_next_windows_find_the_rest_in_order(thirty: list[Candidate]) -> None:
    seen, after = [], ""
    while True:
        page = page_by_numero(vae(), after=after, size=3, window=8)
        seen += numeros(page.rows)
        if page.next_after is None:
            break
        after = page.next_after
    assert seen == ["N05", "N10", "N15", "N20", "N25", "N30"]


def test_a_full_page_stops_before_the_end_of_its_window(thirty: list[Candidate]) -> None:
    page = page_by_numero(vae(), size=1, window=20)
    assert numeros(page.rows) == ["N05"]
    assert (page.next_after, page.stopped_at) == ("N05", None)


def test_going_back_returns_the_page_before(thirty: list[Candidate]) -> None:
    page = page_by_numero(vae(), before="N20", size=2, window=100)
    assert numeros(page.rows) == ["N10", "N15"]
    assert (page.previous_before, page.next_after) == ("N10", "N15")
    first = page_by_numero(vae(), before="N10", size=2, window=100)
    assert numeros(first.rows) == ["N05"]
    assert first.is_first


def test_an_empty_window_going_forward_still_leads_back(thirty: list[Candidate]) -> None:
    page = page_by_numero(vae(), after="N10", size=3, window=4)
    assert page.rows == []
    assert (page.next_after, page.previous_before) == ("N14", "N11")


def test_a_new_candidate_needs_a_free_numero(version: ReferentialVersion) -> None:
    values = {"birth_name": "Roux", "first_name": "Zoé", "birth_date": date(2000, 2, 2)}
    create_candidate({"numero": "C1", **values})
    with pytest.raises(Invalid, match="déjà"):
        create_candidate({"numero": "C1", **values})


def test_an_unchanged_identity_leaves_no_journal_entry(candidates: list[Candidate]) -> None:
    update_candidate(candidates[0], {"birth_name": candidates[0].birth_name})
    assert not AuditEvent.objects.filter(action="candidate.updated").exists()


def test_the_numero_is_not_an_identity_field(candidates: list[Candidate]) -> None:
    with pytest.raises(Invalid, match="numero"):
        update_candidate(candidates[0], {"numero": "X"})
