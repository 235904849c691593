"""The declaration's tests: a registered référentiel, a closed jury that certified C001 (the
fixtures live in ``tests.support.declarations`` and ``tests.support.deliberations``)."""

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
