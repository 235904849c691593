"""The référentiel through the API: every version, in the JSON of ``certif referential show``."""

from __future__ import annotations

import pytest

from certif.domain.referential.render import JSON_FORMAT
from certif.domain.referential.schema import Referential
from certif.referential.models import ReferentialVersion
from tests.support.api import Api
from tests.support.deliberations import load_variant, threshold

pytestmark = pytest.mark.django_db


def test_every_version_is_listed_and_the_one_in_force_marked(
    staff_api: Api, version: ReferentialVersion, ccab: Referential
) -> None:
    newer = load_variant(ccab, "B1", threshold(ccab, "B1") + 1)
    items = staff_api.get("/referential/versions").json()["items"]
    assert [(v["id"], v["current"]) for v in items] == [(version.pk, False), (newer.pk, True)]


def test_the_version_in_force_comes_whole(
    staff_api: Api, version: ReferentialVersion, ccab: Referential
) -> None:
    body = staff_api.get("/referential/current").json()
    assert body["referential"]["format"] == JSON_FORMAT
    assert [b["code"] for b in body["referential"]["blocks"]] == [b.code for b in ccab.blocks]


def test_an_older_version_is_read_by_its_id(
    staff_api: Api, version: ReferentialVersion, ccab: Referential
) -> None:
    load_variant(ccab, "B1", threshold(ccab, "B1") + 1)
    body = staff_api.get(f"/referential/versions/{version.pk}").json()
    assert body["number"] == 1
    assert body["current"] is False


def test_no_referential_loaded_is_a_404_problem(staff_api: Api) -> None:
    assert staff_api.get("/referential/current").status_code == 404
