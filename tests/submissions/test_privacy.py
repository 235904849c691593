"""A candidate's subjects and deposits in her export of personal data; her files erased when she
is anonymised, their records kept."""

from __future__ import annotations

from typing import Any

import pytest

from certif.candidates.models import Candidate
from certif.core.models import AuditEvent
from certif.deposits.storage import stored_path
from certif.privacy import services as privacy
from certif.submissions.models import Deposit, Subject, SubjectReview, SubjectStatus
from certif.submissions.queries import store_folder
from certif.submissions.services import SUBJECT_TEXTS
from tests.submissions.conftest import World

pytestmark = pytest.mark.django_db


def test_an_export_of_personal_data_holds_her_subject_and_her_deposits(world: World) -> None:
    exported = privacy.personal_data(world.candidate, with_nir=False)
    assert [s["titre"] for s in exported["sujets de mémoire"]] == [world.subject.title]
    assert {d["livrable"] for d in exported["dépôts"]} == {"B1Support", "MEMDocument"}


def test_anonymising_a_candidate_erases_her_files_and_keeps_their_records(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    stored = [stored_path(store_folder(), d.sha256) for d in (world.support, world.memoire)]
    assert all(path.exists() for path in stored)
    candidate = world.candidate
    with django_capture_on_commit_callbacks(execute=True):
        privacy.anonymise(
            candidate, {"confirmation": candidate.numero, "reason": "Demande d'effacement reçue"}
        )
    assert not any(path.exists() for path in stored)
    kept = Deposit.objects.filter(candidate=candidate)
    assert kept.count() == 2
    assert set(kept.values_list("original_name", flat=True)) == {""}


def _copy_for(deposit: Deposit, other: Candidate, *, erased: bool) -> Deposit:
    """Another candidate's deposit of the very same content (same digest)."""
    copy = Deposit.objects.get(pk=deposit.pk)
    copy.pk = None
    copy.candidate = other
    copy.receipt_sha256 = ""
    copy.original_name = "" if erased else "copie.pdf"
    copy.save()
    return copy


@pytest.mark.parametrize(("erased", "kept"), [(False, True), (True, False)])
def test_a_file_another_candidate_still_holds_stays_one_already_erased_goes(
    world: World,
    candidates: list[Candidate],
    django_capture_on_commit_callbacks: Any,
    erased: bool,
    kept: bool,
) -> None:
    _copy_for(world.support, candidates[1], erased=erased)
    path = stored_path(store_folder(), world.support.sha256)
    candidate = world.candidate
    with django_capture_on_commit_callbacks(execute=True):
        privacy.anonymise(
            candidate, {"confirmation": candidate.numero, "reason": "Demande d'effacement reçue"}
        )
    assert path.exists() is kept


def test_anonymising_a_candidate_erases_her_subjects_texts_in_rows_and_journal(
    world: World,
) -> None:
    subject = world.subject
    # The reviewers' words may name her employer: give them some, so that their erasure shows.
    SubjectReview.objects.filter(subject=subject).update(comment="Chez Assurances Dupont")
    Subject.objects.filter(pk=subject.pk).update(comment="Chez Assurances Dupont")
    assert AuditEvent.objects.filter(
        object_type="submissions.subject", object_id=str(subject.pk)
    ).exists()
    candidate = world.candidate
    privacy.anonymise(
        candidate, {"confirmation": candidate.numero, "reason": "Demande d'effacement reçue"}
    )
    subject.refresh_from_db()
    assert (subject.title, subject.problem, subject.outline, subject.comment) == (
        privacy.ERASED,
        "",
        "",
        "",
    )
    assert subject.status == SubjectStatus.APPROVED  # the row stays, counted as reviewed
    assert list(
        SubjectReview.objects.filter(subject=subject).values_list("comment", flat=True)
    ) == [""]
    for event in AuditEvent.objects.filter(
        object_type="submissions.subject", object_id=str(subject.pk)
    ):
        for payload in (event.before or {}, event.after or {}):
            assert {payload.get(key) for key in SUBJECT_TEXTS} <= {None, privacy.ERASED}
