"""What a session's documents page says of each kind before anything is produced."""

from __future__ import annotations

import pytest

from certif.documents.models import CertifierSettings, Kind
from certif.documents.presenting import overview
from certif.sessions.models import ExamSession

pytestmark = pytest.mark.django_db


def problems(session: ExamSession) -> dict[str, str]:
    return {row.kind: row.problem for row in overview(session)}


def test_releves_and_minutes_say_what_the_issuer_identity_lacks(
    session: ExamSession, certifier: CertifierSettings
) -> None:
    CertifierSettings.objects.filter(pk=certifier.pk).update(signatory_name="")
    found = problems(session)
    for kind in (Kind.RELEVE, Kind.PV, Kind.PARCHEMIN, Kind.ATTESTATION):
        assert "nom du signataire (paramètres du certificateur)" in found[kind], kind
    assert found[Kind.CONVOCATION] == ""


def test_a_complete_identity_leaves_nothing_to_say(session: ExamSession) -> None:
    assert set(problems(session).values()) == {""}
