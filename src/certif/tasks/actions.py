"""The kinds of audit events of background work."""

from django.utils.translation import gettext_lazy as _

from certif.core.audit import action

STARTED = action("task.started", _("Tâche lancée"))
FINISHED = action("task.finished", _("Tâche terminée"))
FAILED = action("task.failed", _("Tâche en échec"))
