"""The declaration through the API: the same verbs as the page and the command."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from certif.candidates.models import Candidate
from certif.declarations.models import Declaration, Status
from tests.support.api import Api, problem
from tests.support.declarations import (  # noqa: F401 (fixtures, used by name below)
    cdc_settings,
    certified,
    complete_identity,
    version,
)
from tests.support.deliberations import deliberation, jury  # noqa: F401 (fixtures)

# A registered référentiel, a closed jury that certified C001, the certifier's identifiers.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("certified", "cdc_settings")]

REPORT = (
    '<rapport xmlns="urn:cdc:cpf:pc5:rapport:schema"><idFlux>{flux}</idFlux>'
    "<idTraitement>T-9</idTraitement><PassagesOK><idTechnique>{tid}</idTechnique></PassagesOK>"
    "</rapport>"
)


def test_a_gestionnaire_generates_downloads_and_records_the_report_through_the_api(
    candidates: list[Candidate],
    staff_api: Api,
) -> None:
    complete_identity(candidates[0])
    created = staff_api.post("/cdc/flux", {"schema": "1.1.2"})
    [flux] = created.json()["flux"]
    xml = staff_api.get(f"/cdc/flux/{flux['id']}/xml")
    technical_id = Declaration.objects.get().technical_id
    answered = staff_api.post(
        "/cdc/reports", {"xml": REPORT.format(flux=flux["id"], tid=technical_id)}
    )
    [row] = staff_api.get("/cdc/status").json()
    assert created.status_code == 201
    assert flux["schema_name"] == "1.1.2"
    assert xml.content.startswith(b"<?xml")
    assert answered.json()["accepted"] == 1
    assert row["status"] == Status.ACCEPTED.value


def test_the_readiness_names_what_lacks_and_generating_then_is_refused(staff_api: Api) -> None:
    [row] = staff_api.get("/cdc/readiness").json()
    refused = staff_api.post("/cdc/flux", {})
    assert "code INSEE de la commune de naissance" in row["missing"]
    assert refused.status_code == 409
    assert "Aucun titulaire" in problem(refused)["detail"]


def test_a_report_of_an_unknown_passage_is_a_409_and_changes_nothing(
    candidates: list[Candidate],
    staff_api: Api,
    api_for: Callable[..., Api],
) -> None:
    complete_identity(candidates[0])
    [flux] = staff_api.post("/cdc/flux", {}).json()["flux"]
    refused = staff_api.post("/cdc/reports", {"xml": REPORT.format(flux=flux["id"], tid="x")})
    assert refused.status_code == 409
    assert Declaration.objects.get().status == Status.GENERATED
