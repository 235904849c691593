from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SubmissionsConfig(AppConfig):
    name = "certif.submissions"
    label = "submissions"
    verbose_name = _("Dépôts et sujets de mémoire")

    def ready(self) -> None:
        from certif.sessions import signals
        from certif.submissions import removals

        signals.removal_blockers.connect(
            removals.deposits_made, dispatch_uid="submissions.blockers"
        )
