"""The deliberation fixtures, shared: a candidate's space shows what a deliberation decided
(the staff, president and member accounts come from tests/conftest.py)."""

from tests.deliberations.conftest import (  # noqa: F401
    client_for,
    deliberation,
    jury,
    session,
)
