"""The cohort of known numbers and signed-in clients per role, shared by the statistics' tests."""

from tests.support.deliberations import client_for  # noqa: F401
from tests.support.stats import cohort  # noqa: F401
