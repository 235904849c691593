from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GradingConfig(AppConfig):
    name = "certif.grading"
    label = "grading"
    verbose_name = _("Notation")

    def ready(self) -> None:
        # A session or an enrolment is removed only while no sheet of it holds scores; its
        # empty sheets go with it (see certif.sessions.signals).
        from certif.grading import removals
        from certif.sessions import signals

        signals.removal_blockers.connect(removals.graded_sheets, dispatch_uid="grading.blockers")
        signals.removing.connect(removals.remove_empty_sheets, dispatch_uid="grading.removing")
