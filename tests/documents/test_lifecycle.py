"""Issuing is idempotent, a reissue supersedes, a revocation is motivated and kept, and the
minutes are produced once, at closing, and never change."""

from __future__ import annotations

import hashlib
from concurrent.futures import Executor, ProcessPoolExecutor

import pytest
from django.contrib.auth.models import AbstractUser

from certif.core.models import AuditEvent
from certif.deliberations import services as deliberations
from certif.deliberations.models import Deliberation
from certif.documents import services
from certif.documents.models import DocumentArchived, IssuedDocument, Kind, Status
from certif.sessions.models import ExamSession
from tests.support.documents import candidate, pdf_text

pytestmark = pytest.mark.django_db

REASON = "Nom d'usage corrigé à la demande de la titulaire."


def parchemin(session: ExamSession, actor: AbstractUser) -> IssuedDocument:
    return services.issue(services.Subject(Kind.PARCHEMIN, session, candidate("C001")), actor)


def test_issuing_again_returns_the_document_already_issued(
    session: ExamSession, staff: AbstractUser
) -> None:
    first = parchemin(session, staff)
    again = parchemin(session, staff)
    assert again.pk == first.pk
    assert IssuedDocument.objects.filter(kind=Kind.PARCHEMIN).count() == 1
    assert first.sha256 == hashlib.sha256(bytes(first.pdf)).hexdigest()
    assert AuditEvent.objects.filter(action="document.issued", object_id=str(first.pk)).exists()


def test_a_batch_issues_what_the_jury_decided_and_only_once(
    session: ExamSession, staff: AbstractUser
) -> None:
    first = services.generate(session, Kind.ATTESTATION, staff)
    issued = sorted((d.candidate.numero, d.block_code) for d in first.issued if d.candidate)
    # C001 validated every competency block; C002 B1, and B2 by the jury's override.
    assert issued == [
        ("C001", "B1"),
        ("C001", "B2"),
        ("C001", "B3"),
        ("C001", "B4"),
        ("C002", "B1"),
        ("C002", "B2"),
    ]
    second = services.generate(session, Kind.ATTESTATION, staff)
    assert second.issued == []
    assert {d.pk for d in second.existing} == {d.pk for d in first.issued}
    parchemins = services.generate(session, Kind.PARCHEMIN, staff)
    assert [d.candidate.numero for d in parchemins.issued if d.candidate] == ["C001"]


def test_a_large_batch_renders_in_processes_the_same_documents_as_a_small_one(
    session: ExamSession, staff: AbstractUser, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(services, "PROCESSES_FROM", 1)
    pools: list[Executor] = []
    chosen = services._rendering_pool

    def spied(pending: int, workers: int) -> Executor:
        pools.append(chosen(pending, workers))
        return pools[-1]

    monkeypatch.setattr(services, "_rendering_pool", spied)
    outcome = services.generate(session, Kind.ATTESTATION, staff)
    assert [type(pool) for pool in pools] == [ProcessPoolExecutor]
    texts = [pdf_text(bytes(IssuedDocument.objects.get(pk=d.pk).pdf)) for d in outcome.issued]
    assert len(texts) == 6
    assert all(
        document.number in text for document, text in zip(outcome.issued, texts, strict=True)
    )


def test_the_qr_code_is_drawn_at_rendering_not_stored_with_the_printed_data(
    session: ExamSession, staff: AbstractUser
) -> None:
    document = services.generate(session, Kind.PARCHEMIN, staff).issued[0]
    stored = IssuedDocument.objects.get(pk=document.pk).data["document"]
    assert stored["url"].endswith(f"/verifier/{document.public_id}/")
    assert "qr" not in stored


def test_a_reissue_supersedes_the_earlier_document_and_says_so(
    session: ExamSession, staff: AbstractUser
) -> None:
    old = parchemin(session, staff)
    holder = candidate("C001")
    holder.usage_name = "Durand"
    holder.save()
    new = services.reissue(old, staff, REASON)
    old.refresh_from_db()
    assert old.status == Status.SUPERSEDED
    assert old.superseded_by == new
    assert new.replaces == old
    assert new.status == Status.VALID
    text = pdf_text(bytes(new.pdf))
    assert f"Annule et remplace le document n° {old.number}" in text
    assert "nom d’usage : DURAND" in text
    assert parchemin(session, staff).pk == new.pk
    actions = set(AuditEvent.objects.filter(reason=REASON).values_list("action", flat=True))
    assert actions == {"document.superseded", "document.reissued"}


def test_a_revocation_needs_a_reason_and_is_kept_in_the_history(
    session: ExamSession, staff: AbstractUser
) -> None:
    document = parchemin(session, staff)
    with pytest.raises(services.DocumentRefused, match="motivée"):
        services.revoke(document, staff, "trop court")
    services.revoke(document, staff, "Fraude constatée après la délibération.")
    document.refresh_from_db()
    assert document.status == Status.REVOKED
    assert document.revoked_by == staff
    assert document.revocation_reason == "Fraude constatée après la délibération."
    event = AuditEvent.objects.get(action="document.revoked")
    assert event.reason == "Fraude constatée après la délibération."
    with pytest.raises(services.DocumentRefused, match="n'est plus valide"):
        services.revoke(document, staff, "Fraude constatée après la délibération.")


def test_a_revoked_document_is_not_issued_again_by_a_batch(
    session: ExamSession, staff: AbstractUser
) -> None:
    document = parchemin(session, staff)
    services.revoke(document, staff, "Fraude constatée après la délibération.")
    outcome = services.generate(session, Kind.PARCHEMIN, staff)
    assert outcome.issued == []
    assert outcome.refused[0].startswith("C001 : document révoqué")
    with pytest.raises(services.DocumentRefused, match="révoqué"):
        parchemin(session, staff)


def test_the_minutes_are_archived_when_the_deliberation_closes(
    ready: Deliberation, president: AbstractUser
) -> None:
    assert services.minutes_document(ready) is None
    deliberations.close_deliberation(ready, president)
    document = services.minutes_document(ready)
    assert document is not None
    assert document.kind == Kind.PV
    assert document.deliberation_id == ready.pk
    assert document.sha256 == hashlib.sha256(bytes(document.pdf)).hexdigest()
    ready.refresh_from_db()
    assert ready.digest in pdf_text(bytes(document.pdf))


def test_producing_the_minutes_again_returns_the_identical_archived_file(
    closed: Deliberation, staff: AbstractUser
) -> None:
    archived = services.minutes_document(closed)
    assert archived is not None
    outcome = services.generate(closed.session, Kind.PV, staff)
    assert outcome.issued == []
    assert [d.pk for d in outcome.existing] == [archived.pk]
    again = services.archive_minutes(closed, staff)
    assert bytes(again.pdf) == bytes(archived.pdf)
    assert again.sha256 == archived.sha256


def test_the_minutes_can_be_neither_revoked_nor_reissued(
    closed: Deliberation, staff: AbstractUser
) -> None:
    document = services.minutes_document(closed)
    assert document is not None
    with pytest.raises(services.DocumentRefused, match="ne change jamais"):
        services.revoke(document, staff, "Une raison suffisamment longue.")
    with pytest.raises(services.DocumentRefused, match="ne change jamais"):
        services.reissue(document, staff, "Une raison suffisamment longue.")


def test_the_model_refuses_any_change_to_an_archived_document(closed: Deliberation) -> None:
    document = services.minutes_document(closed)
    assert document is not None
    document.pdf = b"%PDF-1.7 forged"
    with pytest.raises(DocumentArchived):
        document.save()
    with pytest.raises(DocumentArchived):
        document.save(update_fields=["pdf", "sha256"])
    with pytest.raises(DocumentArchived):
        IssuedDocument.objects.filter(pk=document.pk).update(sha256="0" * 64)
    with pytest.raises(DocumentArchived):
        IssuedDocument.objects.filter(pk=document.pk).delete()
    with pytest.raises(DocumentArchived):
        document.delete()
    stored = IssuedDocument.objects.get(pk=document.pk)
    assert hashlib.sha256(bytes(stored.pdf)).hexdigest() == stored.sha256
