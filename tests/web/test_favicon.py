from __future__ import annotations

import pytest
from django.test import Client


@pytest.mark.django_db
def test_the_address_browsers_try_for_an_icon_leads_to_certifs_icon(client: Client) -> None:
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert "certif/favicon" in response["Location"]
    assert response["Location"].endswith(".svg")


@pytest.mark.django_db
def test_the_sign_in_page_names_the_same_icon(client: Client) -> None:
    page = client.get("/comptes/login/").content.decode()
    icon = client.get("/favicon.ico")["Location"]
    assert f'<link rel="icon" href="{icon}"' in page
