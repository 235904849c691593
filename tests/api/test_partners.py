"""The partners' API: a partner account reads its own partner and candidates only; another
partner's are refused exactly as unknown ones; no answer carries a NIR."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from certif.candidates.models import Candidate
from certif.core.roles import Role
from tests.support.api import Api
from tests.support.partners import OTHER_SIRET, make_habilitation, make_partner

pytestmark = pytest.mark.django_db


@pytest.fixture
def partner_api(api_for: Callable[..., Api], candidates: list[Candidate], version) -> Api:  # type: ignore[no-untyped-def]
    from tests.support.partners import default_partner

    own = default_partner()
    make_habilitation(own, nature="preparer")
    other = make_partner(OTHER_SIRET, "Autre organisme")
    Candidate.objects.filter(numero="C001").update(partner=own, nir="290037505612345")
    Candidate.objects.filter(numero="C002").update(partner=other)
    return api_for(Role.PARTNER)


def test_a_partner_reads_its_habilitations(partner_api: Api) -> None:
    from tests.support.partners import THIRD_SIRET

    answer = partner_api.send("GET", f"/partners/{THIRD_SIRET}/habilitations")
    assert answer.status_code == 200
    assert answer.json()[0]["nature"] == "preparer"


def test_another_partner_is_refused_as_an_unknown_one(partner_api: Api) -> None:
    other = partner_api.send("GET", f"/partners/{OTHER_SIRET}/candidates")
    unknown = partner_api.send("GET", "/partners/00000000000000/candidates")
    assert other.status_code == unknown.status_code == 404


def test_another_partners_candidate_is_refused_as_an_unknown_one(partner_api: Api) -> None:
    from tests.support.partners import THIRD_SIRET

    other = partner_api.send("GET", f"/partners/{THIRD_SIRET}/candidates/C002")
    unknown = partner_api.send("GET", f"/partners/{THIRD_SIRET}/candidates/C999")
    assert other.status_code == unknown.status_code == 404
    assert other.json()["detail"].replace("C002", "…") == unknown.json()["detail"].replace(
        "C999", "…"
    )


def test_the_nir_is_never_in_an_answer(partner_api: Api) -> None:
    from tests.support.partners import THIRD_SIRET

    answer = partner_api.send("GET", f"/partners/{THIRD_SIRET}/candidates/C001")
    assert answer.json()["nir_recorded"] is True
    assert "290037505612345" not in answer.content.decode()
