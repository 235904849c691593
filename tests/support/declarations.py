"""For the declaration to the Caisse des Dépôts: a référentiel registered (an RNCP code), a
closed jury that certified C001, the certifier's CDC identifiers, a complete identity.

Fixtures here are imported by the test packages that use them (``version`` overrides the
plugin's: it is the registered référentiel)."""

from __future__ import annotations

import pytest
import yaml
from django.contrib.auth.models import AbstractUser

from certif.candidates.models import Candidate
from certif.candidates.services import update_candidate
from certif.declarations.models import CdcSettings, Flux
from certif.declarations.services import update_settings
from certif.deliberations.models import Deliberation
from certif.domain.nir import Nir, with_key
from certif.domain.referential.loading import LoadedReferential
from certif.domain.referential.schema import Referential
from certif.referential.models import ReferentialVersion
from certif.referential.services import load_builtin, load_referential
from tests.support.deliberations import closed

RNCP = "RNCP00000"
# Marie Dupont (C001), born 12 March 1990 in Paris: a woman (2), 90, March, Paris 75 056.
MARIE_NIR = with_key("2900375056123")


@pytest.fixture
def version(db: None, ccab: Referential) -> ReferentialVersion:
    """The shipped référentiel with its RNCP registration filled in, in force."""
    load_builtin()
    document = ccab.model_dump(mode="json")
    document["metadata"]["rncp_code"] = RNCP
    document["version"] = f"{ccab.version} (enregistré)"
    text = yaml.safe_dump(document, allow_unicode=True)
    loaded = LoadedReferential(Referential.model_validate(document), "ccab-enregistre.yaml", text)
    return load_referential(loaded).version


@pytest.fixture
def cdc_settings(db: None) -> CdcSettings:
    return update_settings(
        {"emitter_id": "AB123CDE", "certifier_id": "E564ACB0", "contract_id": "2560080000127J"}
    )


def complete_identity(candidate: Candidate, nir: Nir | None = None) -> Candidate:
    """What the CDC matches a holder on: sex and commune of birth (Paris), and a NIR if given."""
    data = {"sex": "F", "birth_place_code": "75056", "birth_place": "Paris"}
    if nir is not None:
        data["nir"] = nir.value
    return update_candidate(candidate, data)


@pytest.fixture
def certified(
    deliberation: Deliberation,
    jury: object,
    president: AbstractUser,
    candidates: list[Candidate],
) -> Deliberation:
    """The session's deliberation closed: C001 certified, C002 not."""
    return closed(deliberation, president)


REPORT = """<?xml version="1.0" encoding="UTF-8"?>
<rapport xmlns="urn:cdc:cpf:pc5:rapport:schema">
  <idFlux>{flux}</idFlux>
  <idTraitement>T-001</idTraitement>
  {rejected}
  {accepted}
</rapport>"""


def report(flux: Flux, accepted: list[str] = (), rejected: dict[str, str] | None = None) -> bytes:
    rejected_xml = "".join(
        f"<passage><idTechnique>{tid}</idTechnique><messageErreur>{message}</messageErreur></passage>"
        for tid, message in (rejected or {}).items()
    )
    accepted_xml = "".join(f"<idTechnique>{tid}</idTechnique>" for tid in accepted)
    return REPORT.format(
        flux=flux.id,
        rejected=f"<PassagesKO>{rejected_xml}</PassagesKO>" if rejected_xml else "",
        accepted=f"<PassagesOK>{accepted_xml}</PassagesOK>" if accepted_xml else "",
    ).encode("utf-8")
