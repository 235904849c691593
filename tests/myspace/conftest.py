"""The deliberation fixtures, shared: a candidate's space shows what a deliberation decided."""

from tests.deliberations.conftest import (  # noqa: F401
    client_for,
    deliberation,
    jury,
    member,
    president,
    session,
    staff,
)
