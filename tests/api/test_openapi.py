"""The OpenAPI 3.1 schema and the interactive documentation, served without any outside
resource."""

from __future__ import annotations

import re
from collections import Counter

import pytest
from django.test import Client

from certif.api.api import api

pytestmark = pytest.mark.django_db


def test_the_schema_is_openapi_3_1_titled_certif_api_version_1(client: Client) -> None:
    schema = client.get("/api/v1/openapi.json").json()
    assert schema["openapi"].startswith("3.1")
    assert (schema["info"]["title"], schema["info"]["version"]) == ("Certif API", "1")
    assert "Authentification" in schema["info"]["description"]


def test_errors_are_documented_as_problem_details(client: Client) -> None:
    schema = client.get("/api/v1/openapi.json").json()
    operation = schema["paths"]["/api/v1/sheets/{sheet_id}"]["put"]
    for status in ("401", "403", "404", "409", "412", "422", "428"):
        assert list(operation["responses"][status]["content"]) == ["application/problem+json"]
    assert "ETag" in operation["responses"]["200"]["headers"]


def test_every_operation_has_a_unique_id_and_a_french_summary(client: Client) -> None:
    schema = api.get_openapi_schema(path_prefix="/api/v1/")
    operations = [op for path in schema["paths"].values() for op in path.values()]
    ids = Counter(op["operationId"] for op in operations)
    assert [name for name, count in ids.items() if count > 1] == []
    assert all(op["summary"] for op in operations)


def test_both_ways_in_are_documented(client: Client) -> None:
    schemes = client.get("/api/v1/openapi.json").json()["components"]["securitySchemes"]
    assert schemes["BearerToken"]["scheme"] == "bearer"
    assert schemes["BrowserSession"]["in"] == "cookie"


def test_the_documentation_page_loads_nothing_from_outside(client: Client) -> None:
    page = client.get("/api/v1/docs").content.decode()
    sources = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert sources
    assert not [source for source in sources if source.startswith(("http:", "https:", "//"))]
    assert "/api/v1/openapi.json" in page


def test_the_documentation_assets_are_served_from_the_installed_package(client: Client) -> None:
    script = client.get("/api/v1/docs/ressources/swagger-ui-bundle.js")
    style = client.get("/api/v1/docs/ressources/swagger-ui.css")
    assert script.status_code == 200
    assert style["Content-Type"].startswith("text/css")
    assert client.get("/api/v1/docs/ressources/settings.py").status_code == 404


def test_an_unknown_api_address_is_a_404_problem(client: Client) -> None:
    response = client.get("/api/v1/nulle-part")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/problem+json")


def test_the_apis_address_leads_to_its_documentation(client: Client) -> None:
    response = client.get("/api/v1/")
    assert response.status_code == 302
    assert response["Location"] == "/api/v1/docs"
