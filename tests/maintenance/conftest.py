"""A closed jury (C001 certified, its minutes archived) and a NIR, to back up and restore."""

from tests.support.declarations import (  # noqa: F401
    certified,
    version,
)
from tests.support.deliberations import (  # noqa: F401
    deliberation,
    jury,
    session,
)
