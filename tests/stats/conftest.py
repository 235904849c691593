"""The cohort of known numbers and signed-in clients per role, shared by the statistics' tests."""

from collections.abc import Iterator

import pytest
from django.core.cache import cache

from certif.stats import population
from tests.support.deliberations import client_for  # noqa: F401
from tests.support.stats import cohort  # noqa: F401


@pytest.fixture(autouse=True)
def no_kept_figures() -> Iterator[None]:
    """Each test computes its figures: none kept from another test's database."""
    cache.clear()
    population.forget()
    yield
    cache.clear()
    population.forget()
