"""The deliberation fixtures, shared: a candidate's space shows what a deliberation decided
(the staff, president and member accounts come from the support plugin)."""

from tests.support.deliberations import (  # noqa: F401
    client_for,
    deliberation,
    jury,
    session,
)
