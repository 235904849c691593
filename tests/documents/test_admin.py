"""The admin: the certifier's settings edited by a gestionnaire (signature checked), the
registry listed read-only, with revocation as an action that asks for a reason."""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import AbstractUser
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from certif.core.roles import Role
from certif.documents import services
from certif.documents.content import signature_svg
from certif.documents.models import (
    DEFAULT_PUBLIC_URL,
    CertifierSettings,
    ImageFormat,
    IssuedDocument,
    Kind,
    Status,
)
from certif.sessions.models import ExamSession
from tests.support.documents import candidate

pytestmark = pytest.mark.django_db

# A 1×1 transparent PNG.
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" width="40" height="10"><path d="M0 5h40"/></svg>'


@pytest.fixture
def admin(world: object, make_user: Callable[..., AbstractUser]) -> Client:
    """A gestionnaire allowed into the admin."""
    user = make_user(Role.STAFF)
    user.is_staff = True
    user.save()
    client = Client()
    client.force_login(user)
    return client


def settings_form(**changes: object) -> dict[str, object]:
    current = CertifierSettings.load()
    data: dict[str, object] = {
        "legal_name": current.legal_name,
        "address": current.address,
        "issue_place": current.issue_place,
        "signatory_name": current.signatory_name,
        "signatory_title": current.signatory_title,
        "public_url": current.public_url,
    }
    data.update(changes)
    return data


def change_url() -> str:
    return reverse("admin:documents_certifiersettings_change", args=[1])


def test_a_gestionnaire_uploads_a_png_signature(admin: Client) -> None:
    response = admin.post(
        change_url(), settings_form(signature_file=SimpleUploadedFile("s.png", PNG))
    )
    assert response.status_code == 302
    stored = CertifierSettings.load()
    assert stored.signature_format == ImageFormat.PNG
    assert bytes(stored.signature or b"") == PNG
    assert 'href="data:image/png;base64,' in signature_svg(stored)


def test_an_svg_signature_is_accepted_as_it_is(admin: Client) -> None:
    admin.post(change_url(), settings_form(signature_file=SimpleUploadedFile("s.svg", SVG)))
    stored = CertifierSettings.load()
    assert stored.signature_format == ImageFormat.SVG
    assert signature_svg(stored) == SVG.decode()


def test_a_signature_that_is_neither_png_nor_svg_is_refused(admin: Client) -> None:
    response = admin.post(
        change_url(), settings_form(signature_file=SimpleUploadedFile("s.png", b"GIF89a..."))
    )
    assert response.status_code == 200
    assert "La signature doit être une image PNG, JPEG ou SVG." in response.content.decode()
    assert not CertifierSettings.load().signature


def test_the_settings_are_a_single_row(admin: Client) -> None:
    assert admin.get(reverse("admin:documents_certifiersettings_add")).status_code == 403
    other = CertifierSettings(legal_name="Autre")
    other.save()
    assert CertifierSettings.objects.count() == 1
    assert CertifierSettings.load().legal_name == "Autre"


def test_the_public_url_defaults_to_the_setting(world: object, db: None, settings: Any) -> None:
    settings.PUBLIC_URL = "https://verif.example.org/"
    assert CertifierSettings(public_url="").base_url == "https://verif.example.org"
    settings.PUBLIC_URL = ""
    assert CertifierSettings(public_url="").configured_url == ""
    assert CertifierSettings(public_url="").base_url == DEFAULT_PUBLIC_URL


def test_the_registry_is_listed_read_only_and_revokes_with_a_reason(
    admin: Client, session: ExamSession, staff: AbstractUser
) -> None:
    document = services.issue(services.Subject(Kind.PARCHEMIN, session, candidate("C001")), staff)
    listing = reverse("admin:documents_issueddocument_changelist")
    assert admin.get(listing).status_code == 200
    page = admin.get(reverse("admin:documents_issueddocument_change", args=[document.pk]))
    assert page.status_code == 200
    assert 'name="title"' not in page.content.decode()
    admin.post(
        listing,
        {"action": "revoke_documents", "_selected_action": [document.pk], "motif": "court"},
    )
    assert IssuedDocument.objects.get(pk=document.pk).status == Status.VALID
    admin.post(
        listing,
        {
            "action": "revoke_documents",
            "_selected_action": [document.pk],
            "motif": "Titre délivré par erreur, décision annulée.",
        },
    )
    assert IssuedDocument.objects.get(pk=document.pk).status == Status.REVOKED
