"""The deliberation fixtures (a holder is certified by a jury), and the holder's survey."""

from tests.support.deliberations import (  # noqa: F401
    client_for,
    deliberation,
    jury,
    session,
)
from tests.support.insertion import certified  # noqa: F401
