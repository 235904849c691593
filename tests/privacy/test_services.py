"""Candidates' personal data: anonymisation keeps the bare verification of issued documents,
the export holds everything held on a person, the purge applies each retention period."""

from __future__ import annotations

import json
import zipfile
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.contrib.auth.models import AbstractUser
from django.test import Client
from django.utils import timezone

from certif.candidates.models import Candidate
from certif.config import Retention
from certif.core.errors import Forbidden, Invalid
from certif.core.models import AuditEvent
from certif.core.roles import Role
from certif.declarations import services as declarations
from certif.declarations.models import Declaration, Flux
from certif.deliberations.models import Decision, Deliberation
from certif.documents.models import IssuedDocument
from certif.grading.models import Score, ScoreSheet
from certif.privacy import actions, services
from certif.privacy.models import Anonymisation, Purge
from certif.results.models import CandidateResult
from tests.support.declarations import MARIE_NIR, complete_identity, report

pytestmark = pytest.mark.django_db

REASON = "Demande d'effacement reçue le 3 mars 2026 par courrier."


def confirmed(candidate: Candidate) -> dict[str, str]:
    return {"confirmation": candidate.numero, "reason": REASON}


def journal_text() -> str:
    return json.dumps(
        list(AuditEvent.objects.values("object_label", "before", "after", "reason")),
        ensure_ascii=False,
    )


def verified(public_id: str) -> str:
    response = Client().get(f"/verifier/{public_id}/")
    assert response.status_code == 200
    return response.content.decode()


# -- anonymisation ---------------------------------------------------------------------------


def test_anonymising_removes_the_identity_and_keeps_the_bare_verification_of_issued_documents(
    parchemin: IssuedDocument, candidates: list[Candidate], make_user: Callable[..., AbstractUser]
) -> None:
    marie = complete_identity(candidates[0], MARIE_NIR)
    account = make_user(Role.CANDIDATE, candidate=marie)
    decisions = list(Decision.objects.filter(candidate=marie).values_list("unit", "status"))
    assert "DUPONT" in journal_text()

    done = services.anonymise(marie, confirmed(marie))

    done.refresh_from_db()
    assert done.numero != "C001"
    assert (done.birth_name, done.first_name, done.nir, done.birth_place) == (
        "ANONYME",
        "Anonyme",
        "",
        "",
    )
    assert done.birth_date == date(1990, 1, 1), "the year stays for the statistics"
    assert done.user is None
    account.refresh_from_db()
    assert not account.is_active
    assert account.email == ""
    assert list(Decision.objects.filter(candidate=done).values_list("unit", "status")) == decisions
    assert CandidateResult.objects.get(candidate=done).certified
    document = IssuedDocument.objects.get(pk=parchemin.pk)
    assert (document.holder_name, bytes(document.pdf), document.data) == ("", b"", {})
    assert document.sha256 == parchemin.sha256, "a copy the holder kept still matches"
    page = verified(parchemin.public_id)
    assert parchemin.title.replace("'", "&#x27;") in page or "Certificat" in page
    assert "DUPONT" not in page.upper()
    assert "valide" in page
    assert "DUPONT" not in journal_text().upper()
    assert "Dupont" not in journal_text()
    record = Anonymisation.objects.get(candidate=done)
    assert AuditEvent.objects.filter(
        action=actions.ANONYMISED.code, object_id=str(record.pk), reason=REASON
    ).exists()


def test_anonymising_needs_the_numero_typed_again_and_a_reason_and_changes_nothing_otherwise(
    certified: Deliberation, candidates: list[Candidate]
) -> None:
    marie = candidates[0]
    with pytest.raises(Invalid) as refused:
        services.anonymise(marie, {"confirmation": "C002", "reason": "trop court"})
    assert set(refused.value.errors) == {"confirmation", "reason"}
    assert Candidate.objects.get(pk=marie.pk).birth_name == "Dupont"
    assert not Anonymisation.objects.exists()


def test_anonymising_waits_for_the_cdc_to_settle_a_declaration(
    certified: Deliberation, candidates: list[Candidate]
) -> None:
    declarations.refresh_declarations()
    with pytest.raises(services.AnonymisationRefused, match="Caisse des Dépôts"):
        services.anonymise(candidates[0], confirmed(candidates[0]))


def test_anonymising_waits_for_an_open_deliberation_to_close(
    deliberation: Deliberation, candidates: list[Candidate]
) -> None:
    with pytest.raises(services.AnonymisationRefused, match="délibère"):
        services.anonymise(candidates[0], confirmed(candidates[0]))


def test_anonymising_twice_is_refused(certified: Deliberation, candidates: list[Candidate]) -> None:
    done = services.anonymise(candidates[1], confirmed(candidates[1]))
    with pytest.raises(services.AnonymisationRefused, match="déjà anonymisé"):
        services.anonymise(done, confirmed(done))


@pytest.mark.parametrize("role", [Role.EVALUATOR, Role.JURY_PRESIDENT, Role.CANDIDATE])
def test_only_a_gestionnaire_exports_anonymises_or_purges(
    certified: Deliberation,
    candidates: list[Candidate],
    make_user: Callable[..., AbstractUser],
    staff: AbstractUser,
    role: Role,
    tmp_path: Path,
) -> None:
    person = make_user(role, candidate=candidates[0] if role == Role.CANDIDATE else None)
    with pytest.raises(Forbidden):
        services.anonymise(candidates[1], confirmed(candidates[1]), actor=person)
    with pytest.raises(Forbidden):
        services.export_personal_data(candidates[1], tmp_path / "x.zip", actor=person)
    with pytest.raises(Forbidden):
        services.purge(dry_run=True, actor=person)
    assert not (tmp_path / "x.zip").exists()
    services.anonymise(candidates[1], confirmed(candidates[1]), actor=staff)


# -- the right of access ---------------------------------------------------------------------


def test_the_export_holds_everything_held_on_the_candidate_the_nir_masked_unless_asked(
    parchemin: IssuedDocument, candidates: list[Candidate], tmp_path: Path
) -> None:
    marie = complete_identity(candidates[0], MARIE_NIR)
    count = services.export_personal_data(marie, tmp_path / "marie.zip")
    with zipfile.ZipFile(tmp_path / "marie.zip") as archive:
        data = json.loads(archive.read("donnees.json"))
        names = archive.namelist()
        pdf = archive.read(data["documents délivrés"][0]["fichier"])
    assert count == 1
    assert pdf == bytes(parchemin.pdf)
    assert "LISEZMOI.txt" in names
    assert data["numéro"] == "C001"
    assert data["identité"]["nom de naissance"] == "Dupont"
    assert data["identité"]["NIR"] == MARIE_NIR.masked
    assert data["inscriptions"] or data["grilles d'évaluation"]
    assert data["grilles d'évaluation"][0]["notes"]
    assert {d["unité"] for d in data["décisions du jury"]} >= {"B1"}
    assert data["documents délivrés"][0]["empreinte SHA-256"] == parchemin.sha256
    assert data["résultat calculé"] is not None
    assert any(entry["action"] == "Identité modifiée" for entry in data["journal"])

    services.export_personal_data(marie, tmp_path / "clair.zip", with_nir=True)
    with zipfile.ZipFile(tmp_path / "clair.zip") as archive:
        assert json.loads(archive.read("donnees.json"))["identité"]["NIR"] == MARIE_NIR.value
    exports = AuditEvent.objects.filter(action=actions.EXPORTED.code).order_by("pk")
    assert [event.after["with_nir"] for event in exports] == [False, True]
    assert MARIE_NIR.value not in journal_text()


# -- the purge -------------------------------------------------------------------------------


def test_a_dry_run_counts_what_the_purge_would_do_and_writes_nothing(
    convocation: IssuedDocument, candidates: list[Candidate]
) -> None:
    later = timezone.now() + timedelta(days=365 * 10)
    events, sheets = AuditEvent.objects.count(), ScoreSheet.objects.count()
    outcome = services.purge(dry_run=True, now=later)
    assert outcome.dry_run
    assert outcome.counts["identity"] == 1, "C002 validated nothing"
    assert outcome.counts["documents"] == 1
    assert outcome.counts["sheets"] == sheets
    assert outcome.counts["journal"] == events
    assert (AuditEvent.objects.count(), ScoreSheet.objects.count()) == (events, sheets)
    assert not Purge.objects.exists()
    assert services.purge(dry_run=True).counts == dict.fromkeys(outcome.counts, 0)


def test_the_purge_applies_each_retention_period_keeps_what_is_for_life_and_is_journalled(
    parchemin: IssuedDocument,
    convocation: IssuedDocument,
    candidates: list[Candidate],
    cdc_settings: object,
) -> None:
    marie = complete_identity(candidates[0], MARIE_NIR)
    [flux] = declarations.generate_flux().flux
    declarations.import_report(report(flux, accepted=[Declaration.objects.get().technical_id]))
    decisions = Decision.objects.count()
    later = timezone.now() + timedelta(days=365 * 10)

    outcome = services.purge(now=later)

    assert outcome.counts == {
        "nir": 1,
        "flux": 1,
        "identity": 1,
        "sheets": outcome.counts["sheets"],
        "deposits": 0,
        "documents": 1,
        "journal": outcome.counts["journal"],
    }
    marie.refresh_from_db()
    assert marie.nir == ""
    assert marie.birth_name == "Dupont", "a holder's identity is for life"
    assert bytes(Flux.objects.get().content) == b""
    assert Candidate.objects.get(pk=candidates[1].pk).birth_name == "ANONYME"
    assert not ScoreSheet.objects.exists()
    assert not Score.objects.exists()
    assert Decision.objects.count() == decisions, "the jury's decisions keep their scores"
    assert bytes(IssuedDocument.objects.get(pk=parchemin.pk).pdf) == bytes(parchemin.pdf)
    assert IssuedDocument.objects.get(pk=convocation.pk).holder_name == ""
    assert "valide" in verified(convocation.public_id)
    run = Purge.objects.get()
    assert run.counts == outcome.counts
    assert AuditEvent.objects.filter(action=actions.PURGED.code, object_id=str(run.pk)).exists()
    again = services.purge(dry_run=True, now=later)
    assert {kind: again.counts[kind] for kind in ("nir", "flux", "identity", "documents")} == {
        "nir": 0,
        "flux": 0,
        "identity": 0,
        "documents": 0,
    }


def test_nothing_is_purged_before_its_period_is_over(
    convocation: IssuedDocument, candidates: list[Candidate], cdc_settings: object
) -> None:
    complete_identity(candidates[0], MARIE_NIR)
    [flux] = declarations.generate_flux().flux
    declarations.import_report(report(flux, accepted=[Declaration.objects.get().technical_id]))
    soon = timezone.now() + timedelta(days=Retention().nir_days - 1)
    assert set(services.purge(dry_run=True, now=soon).counts.values()) == {0}


def test_an_anonymised_candidate_is_no_longer_found_by_their_former_name(
    parchemin: IssuedDocument, candidates: list[Candidate]
) -> None:
    from certif.candidates.queries import name_or_numero

    marie = candidates[0]
    former = f"{marie.first_name} {marie.birth_name}"
    assert Candidate.objects.filter(name_or_numero(former)).exists()
    services.anonymise(marie, confirmed(marie))
    assert not Candidate.objects.filter(name_or_numero(former)).exists()
    assert not Candidate.objects.filter(name_or_numero("C001")).exists()
