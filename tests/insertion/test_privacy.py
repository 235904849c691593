"""What the survey offers the privacy services: a holder's answers in words, and their free
text erased on anonymisation."""

from __future__ import annotations

import pytest

from certif.insertion.models import Answer
from certif.insertion.queries import insertion_rates, personal_answers
from certif.insertion.services import erase_free_text
from tests.support.insertion import answered, employed, survey

pytestmark = pytest.mark.django_db


def test_a_holder_reads_their_answers_in_words(version: object) -> None:
    found = survey("P1")
    answered(found, **employed())
    [entry] = personal_answers(found.candidate_id)
    assert entry["enquête"] == "à 6 mois"
    assert entry["réponse"]["contrat"] == "CDI"
    assert entry["réponse"]["intitulé du poste"] == "Conseiller clientèle"


def test_erasing_keeps_the_rates_but_not_the_job_title(version: object) -> None:
    found = survey("P1")
    answered(found, **employed())
    before = insertion_rates()
    assert erase_free_text(found.candidate_id) == 1
    assert Answer.objects.get().job_title == ""
    assert insertion_rates() == before
