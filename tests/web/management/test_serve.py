"""``certif serve`` and the public address printed under the documents' QR codes."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest

from certif.documents.models import DEFAULT_PUBLIC_URL, CertifierSettings
from certif.web.management.commands.serve import public_url_warning

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def environment() -> Iterator[None]:
    """The command may set CERTIF_PUBLIC_URL for the worker it starts: put it back."""
    before = os.environ.get("CERTIF_PUBLIC_URL")
    yield
    if before is None:
        os.environ.pop("CERTIF_PUBLIC_URL", None)
    else:
        os.environ["CERTIF_PUBLIC_URL"] = before


def test_serve_warns_when_no_public_address_is_configured(settings: Any) -> None:
    settings.PUBLIC_URL = ""
    warning = public_url_warning("127.0.0.1", 8123)
    assert "aucune adresse publique n'est configurée" in warning
    assert "CERTIF_PUBLIC_URL" in warning


def test_without_a_public_address_the_server_s_documents_point_at_the_port_it_serves(
    settings: Any,
) -> None:
    settings.PUBLIC_URL = ""
    public_url_warning("127.0.0.1", 8123)
    assert CertifierSettings.load().base_url == "http://127.0.0.1:8123"
    assert os.environ["CERTIF_PUBLIC_URL"] == "http://127.0.0.1:8123"


def test_a_server_listening_everywhere_keeps_the_default_address(
    settings: Any,
) -> None:
    settings.PUBLIC_URL = ""
    warning = public_url_warning("0.0.0.0", 8123)
    assert f"mèneront à {DEFAULT_PUBLIC_URL}" in warning
    assert CertifierSettings.load().base_url == DEFAULT_PUBLIC_URL


def test_serve_says_nothing_when_the_setting_gives_the_address(settings: Any) -> None:
    settings.PUBLIC_URL = "https://certif.example.fr"
    assert public_url_warning("127.0.0.1", 8000) == ""


def test_serve_says_nothing_when_the_certifier_settings_give_the_address(
    settings: Any,
) -> None:
    settings.PUBLIC_URL = ""
    CertifierSettings(public_url="https://certif.example.fr").save()
    assert public_url_warning("127.0.0.1", 8000) == ""
