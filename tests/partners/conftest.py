"""The deliberation fixtures, shared: the portal shows what a published deliberation decided
(the staff, president and member accounts come from the support plugin)."""

from tests.support.deliberations import (  # noqa: F401
    client_for,
    deliberation,
    jury,
    session,
)
