"""The certifier's settings through their service: one validation, one policy, journalled."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.contrib.auth.models import AbstractUser
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.datastructures import MultiValueDict

from certif.core.audit import AuditEvent
from certif.core.errors import Invalid
from certif.core.roles import Role
from certif.documents import services
from certif.documents.forms import MAX_SIGNATURE
from certif.documents.models import CertifierSettings, IssuedDocument, Kind
from certif.sessions.models import ExamSession

pytestmark = pytest.mark.django_db

TEXTS = {
    "legal_name": "Institut de la Banque",
    "address": "3 place de la Bourse\n69002 Lyon",
    "issue_place": "Lyon",
    "signatory_name": "Anne Morel",
    "signatory_title": "Présidente",
    "public_url": "",
}


def upload(data: bytes) -> MultiValueDict[str, SimpleUploadedFile]:
    return MultiValueDict({"signature_file": [SimpleUploadedFile("signature", data)]})


def test_a_person_who_is_not_a_gestionnaire_may_not_change_the_certifier_settings(
    world: object, make_user: Callable[..., AbstractUser]
) -> None:
    evaluator = make_user(Role.EVALUATOR)
    with pytest.raises(services.SettingsForbidden):
        services.save_certifier_settings(TEXTS, None, evaluator)
    assert CertifierSettings.load().legal_name != TEXTS["legal_name"]
    assert AuditEvent.objects.filter(action="access.refused", actor=evaluator).exists()


def test_a_signature_that_is_not_an_image_is_invalid_whatever_the_door(
    world: object, staff: AbstractUser
) -> None:
    with pytest.raises(Invalid) as refused:
        services.save_certifier_settings(TEXTS, upload(b"GIF89a..."), staff)
    assert "signature_file" in refused.value.errors
    assert CertifierSettings.load().signature_format == ""


def test_a_signature_over_the_size_limit_is_invalid(world: object, staff: AbstractUser) -> None:
    png = b"\x89PNG\r\n\x1a\n" + b"\0" * MAX_SIGNATURE
    with pytest.raises(Invalid) as refused:
        services.save_certifier_settings(TEXTS, upload(png), staff)
    assert "signature_file" in refused.value.errors


def test_settings_saved_by_a_gestionnaire_are_journalled(
    world: object, staff: AbstractUser
) -> None:
    services.save_certifier_settings(TEXTS, None, staff)
    assert CertifierSettings.load().issue_place == "Lyon"
    event = AuditEvent.objects.filter(action="certifier.settings").latest("pk")
    assert event.after["signatory_name"] == "Anne Morel"


def test_convocations_for_a_session_already_held_wait_for_an_acknowledgement(
    session: ExamSession, staff: AbstractUser
) -> None:
    with pytest.raises(services.NeedsAcknowledgement) as told:
        services.generate(session, Kind.CONVOCATION, staff)
    assert any("est terminée" in warning for warning in told.value.warnings)
    assert not IssuedDocument.objects.filter(kind=Kind.CONVOCATION).exists()
    assert services.generate(session, Kind.CONVOCATION, staff, acknowledged=True).issued
