"""A closed jury that certified C001 and not C002, the CDC's identifiers (fixtures of
``tests.support.declarations`` and ``tests.support.deliberations``), and issued documents."""

from __future__ import annotations

import pytest

from certif.candidates.models import Candidate
from certif.documents.models import IssuedDocument, Kind
from tests.support.buckets import bucket  # noqa: F401
from tests.support.declarations import (  # noqa: F401
    cdc_settings,
    certified,
    version,
)
from tests.support.deliberations import (  # noqa: F401
    client_for,
    deliberation,
    jury,
    session,
)
from tests.support.registry import issued


@pytest.fixture
def parchemin(request: pytest.FixtureRequest, candidates: list[Candidate]) -> IssuedDocument:
    request.getfixturevalue("certified")
    return issued(candidates[0], Kind.PARCHEMIN)


@pytest.fixture
def convocation(request: pytest.FixtureRequest, candidates: list[Candidate]) -> IssuedDocument:
    request.getfixturevalue("certified")
    return issued(candidates[0], Kind.CONVOCATION)
