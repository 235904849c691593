"""Sessions with stored results, juries and deliberations, built through the services (the
fixtures live in ``tests.support.deliberations``, shared with the candidate's space)."""

from tests.support.deliberations import (  # noqa: F401
    client_for,
    december,
    deliberation,
    jury,
    session,
)
