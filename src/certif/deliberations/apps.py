from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeliberationsConfig(AppConfig):
    name = "certif.deliberations"
    label = "deliberations"
    verbose_name = _("Délibérations du jury")

    def ready(self) -> None:
        # A deliberated session keeps its enrolments (see certif.sessions.signals).
        from certif.deliberations import removals
        from certif.sessions import signals

        signals.removal_blockers.connect(
            removals.deliberation_held, dispatch_uid="deliberations.blockers"
        )
        signals.acquired_blocks.connect(
            removals.acquired_blocks, dispatch_uid="deliberations.acquired"
        )
