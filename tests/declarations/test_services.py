"""The declaration to the Caisse des Dépôts: who is declared, the flux validated against both
shipped schemas, the deposit, the processing report, the deadlines."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from django.contrib.auth.models import AbstractUser
from lxml import etree

from certif.candidates.models import Candidate
from certif.cdc.schemas import load_schema
from certif.cdc.validation import validate_flux_file
from certif.core.errors import Forbidden
from certif.core.roles import Role
from certif.declarations import queries, services
from certif.declarations.models import (
    CorrectionRequest,
    Declaration,
    Flux,
    FluxEntry,
    Status,
    months_after,
)
from certif.deliberations import services as jury
from certif.deliberations.models import Deliberation
from tests.support.declarations import MARIE_NIR, RNCP, complete_identity, report
from tests.support.deliberations import closed, seat_jury

pytestmark = pytest.mark.django_db

NS = "urn:cdc:cpf:pc5:schema:1.0.0"


def written(flux: Flux, tmp_path: Path) -> Path:
    path = tmp_path / flux.file_name
    path.write_bytes(bytes(flux.content))
    return path


def test_a_certification_granted_by_a_closed_jury_is_to_be_declared_within_three_months(
    certified: Deliberation, candidates: list[Candidate]
) -> None:
    services.refresh_declarations()
    [declaration] = Declaration.objects.all()
    assert declaration.candidate == candidates[0]
    assert declaration.certification_code == RNCP
    assert declaration.granted_on == certified.date
    assert declaration.due_on == months_after(certified.date, 3)
    assert declaration.status == Status.PENDING


def test_refreshing_twice_declares_each_holder_once(certified: Deliberation) -> None:
    services.refresh_declarations()
    services.refresh_declarations()
    assert Declaration.objects.count() == 1


def test_three_months_after_the_31st_is_the_last_day_of_the_month() -> None:
    assert months_after(date(2026, 11, 30), 3) == date(2027, 2, 28)
    assert months_after(date(2026, 8, 31), 3) == date(2026, 11, 30)


@pytest.mark.parametrize("schema", ["1.1.5", "1.1.2"])
def test_the_flux_validates_against_each_shipped_schema(
    schema: str,
    certified: Deliberation,
    candidates: list[Candidate],
    cdc_settings: object,
    tmp_path: Path,
) -> None:
    complete_identity(candidates[0])
    generated = services.generate_flux(schema=schema)
    [flux] = generated.flux
    assert validate_flux_file(written(flux, tmp_path), load_schema(schema)) == 1
    assert flux.passages == 1
    assert Declaration.objects.get().status == Status.GENERATED


def test_a_holder_with_a_nir_is_declared_by_the_national_identifier_under_1_1_5(
    certified: Deliberation, candidates: list[Candidate], cdc_settings: object, tmp_path: Path
) -> None:
    complete_identity(candidates[0], MARIE_NIR)
    [flux] = services.generate_flux(schema="1.1.5").flux
    tree = etree.fromstring(bytes(flux.content))
    nir = tree.findtext(f".//{{{NS}}}identifiantNational/{{{NS}}}nir")
    assert nir == MARIE_NIR.without_key
    assert tree.find(f".//{{{NS}}}titulaire") is None


def test_under_1_1_2_the_same_holder_is_declared_by_name_and_birth(
    certified: Deliberation, candidates: list[Candidate], cdc_settings: object
) -> None:
    complete_identity(candidates[0], MARIE_NIR)
    [flux] = services.generate_flux(schema="1.1.2").flux
    tree = etree.fromstring(bytes(flux.content))
    assert tree.findtext(f".//{{{NS}}}titulaire/{{{NS}}}nomNaissance") == "Dupont"
    assert tree.findtext(f".//{{{NS}}}codeCommuneNaissance//{{{NS}}}codeInsee") == "75056"


def test_the_flux_carries_the_jury_date_the_session_dates_and_a_stable_technical_id(
    certified: Deliberation, candidates: list[Candidate], cdc_settings: object
) -> None:
    complete_identity(candidates[0])
    [flux] = services.generate_flux().flux
    tree = etree.fromstring(bytes(flux.content))
    session = certified.session
    assert tree.findtext(f".//{{{NS}}}dateDebutValidite") == certified.date.isoformat()
    assert tree.findtext(f".//{{{NS}}}dateDebutExamen") == session.start_date.isoformat()
    assert tree.findtext(f".//{{{NS}}}idTechnique") == Declaration.objects.get().technical_id
    assert tree.findtext(f".//{{{NS}}}code") == RNCP
    assert tree.findtext(f".//{{{NS}}}idFlux") == str(flux.id)


def test_a_holder_without_birth_commune_is_left_out_naming_what_lacks_and_nothing_is_written(
    certified: Deliberation, cdc_settings: object
) -> None:
    with pytest.raises(services.NothingToDeclare) as refused:
        services.generate_flux()
    [excluded] = refused.value.excluded
    assert "code INSEE de la commune de naissance" in excluded.reasons
    assert not Flux.objects.exists()
    assert Declaration.objects.get().status == Status.PENDING


def test_the_readiness_check_lists_what_each_holder_lacks(certified: Deliberation) -> None:
    services.refresh_declarations()
    [row] = queries.readiness()
    assert set(row.missing) == {"sexe", "code INSEE de la commune de naissance"}


def test_a_flux_is_refused_without_the_certifier_cdc_identifiers(
    certified: Deliberation, candidates: list[Candidate]
) -> None:
    complete_identity(candidates[0])
    with pytest.raises(services.DeclarationRefused, match="identifiant client"):
        services.generate_flux()
    assert not Flux.objects.exists()


def test_only_gestionnaires_declare(
    certified: Deliberation, make_user: object, cdc_settings: object
) -> None:
    evaluator = make_user(Role.EVALUATOR)  # type: ignore[operator]
    with pytest.raises(Forbidden):
        services.generate_flux(evaluator)


def test_the_example_report_round_trips_accepted_and_rejected_passages(
    certified: Deliberation, candidates: list[Candidate], cdc_settings: object
) -> None:
    complete_identity(candidates[0])
    [flux] = services.generate_flux().flux
    declaration = Declaration.objects.get()
    services.mark_deposited(flux)
    assert Declaration.objects.get().status == Status.DEPOSITED
    message = "Aucun titulaire ne correspond aux critères obligatoires"
    outcome = services.import_report(report(flux, rejected={declaration.technical_id: message}))
    declaration.refresh_from_db()
    assert (outcome.accepted, outcome.rejected) == (0, 1)
    assert (declaration.status, declaration.message) == (Status.REJECTED, message)


def test_a_rejected_passage_goes_again_in_the_next_flux_under_the_same_id(
    certified: Deliberation, candidates: list[Candidate], cdc_settings: object
) -> None:
    complete_identity(candidates[0])
    [first] = services.generate_flux().flux
    declaration = Declaration.objects.get()
    services.import_report(
        report(
            first, rejected={declaration.technical_id: "Plusieurs titulaires ont été identifiés"}
        )
    )
    [second] = services.generate_flux().flux
    services.import_report(report(second, accepted=[declaration.technical_id]))
    declaration.refresh_from_db()
    assert second.id != first.id
    assert declaration.status == Status.ACCEPTED
    assert FluxEntry.objects.filter(declaration=declaration).count() == 2


def test_an_accepted_passage_is_never_sent_again(
    certified: Deliberation, candidates: list[Candidate], cdc_settings: object
) -> None:
    complete_identity(candidates[0])
    [flux] = services.generate_flux().flux
    services.import_report(report(flux, accepted=[Declaration.objects.get().technical_id]))
    with pytest.raises(services.NothingToDeclare):
        services.generate_flux()


def test_a_report_naming_an_unknown_passage_is_refused_and_nothing_is_written(
    certified: Deliberation, candidates: list[Candidate], cdc_settings: object
) -> None:
    complete_identity(candidates[0])
    [flux] = services.generate_flux().flux
    declaration = Declaration.objects.get()
    with pytest.raises(services.DeclarationRefused, match="absents du flux"):
        services.import_report(report(flux, accepted=[declaration.technical_id, "inconnu-1"]))
    declaration.refresh_from_db()
    flux.refresh_from_db()
    assert declaration.status == Status.GENERATED
    assert flux.report_imported_at is None


def test_a_report_of_an_unknown_flux_is_refused(
    certified: Deliberation, candidates: list[Candidate], cdc_settings: object
) -> None:
    complete_identity(candidates[0])
    [flux] = services.generate_flux().flux
    flux.id = "00000000-0000-4000-8000-000000000000"  # type: ignore[assignment]
    with pytest.raises(services.DeclarationRefused, match="n'a pas généré"):
        services.import_report(report(flux, accepted=["x"]))


def test_an_amendment_withdrawing_an_accepted_certification_produces_a_suppression_then_a_creation(
    certified: Deliberation,
    candidates: list[Candidate],
    cdc_settings: object,
    staff: AbstractUser,
    president: AbstractUser,
    member: AbstractUser,
    tmp_path: Path,
) -> None:
    complete_identity(candidates[0])
    [flux] = services.generate_flux().flux
    first = Declaration.objects.get()
    services.import_report(report(flux, accepted=[first.technical_id]))
    amendment = jury.open_amendment(
        certified.session, staff, "Erreur matérielle sur la date du jury.", [candidates[0]],
        date=certified.date + timedelta(days=7),
    )  # fmt: skip
    seat_jury(amendment, president, member)
    closed(amendment, president)
    generated = services.generate_flux()
    actions = sorted(flux.action for flux in generated.flux)
    first.refresh_from_db()
    second = Declaration.objects.exclude(pk=first.pk).get()
    assert actions == ["CREATION", "SUPPRESSION"]
    assert first.withdrawn_at is not None
    assert second.granted_on == amendment.date
    for made in generated.flux:
        validate_flux_file(written(made, tmp_path), load_schema("1.1.5"))


def test_the_deadlines_show_what_is_due_within_thirty_days_and_what_is_overdue(
    certified: Deliberation,
) -> None:
    services.refresh_declarations()
    declaration = Declaration.objects.get()
    soon = queries.deadlines(declaration.due_on - timedelta(days=10))
    late = queries.deadlines(declaration.due_on + timedelta(days=1))
    calm = queries.deadlines(declaration.due_on - timedelta(days=60))
    assert soon.due_soon == [declaration]
    assert late.overdue == [declaration]
    assert calm.count == 0


def test_a_correction_request_is_due_three_months_after_it_was_received(
    certified: Deliberation,
) -> None:
    services.refresh_declarations()
    declaration = Declaration.objects.get()
    request = services.record_correction(
        {
            "technical_id": declaration.technical_id,
            "received_on": "2026-09-15",
            "subject": "Commune de naissance à corriger",
        }
    )
    assert request.due_on == date(2026, 12, 15)
    assert queries.deadlines(date(2026, 10, 1)).corrections == [request]
    services.answer_correction(request)
    assert not CorrectionRequest.objects.filter(answered_on__isnull=True).exists()
