"""The kinds of audit events of deposits and mémoire subjects."""

from django.utils.translation import gettext_lazy as _

from certif.core.audit import action
from certif.submissions.models import SubjectStatus, Verdict

_WORDS = {"status": dict(SubjectStatus.choices), "verdict": dict(Verdict.choices)}

SUBJECT_PROPOSED = action("submissions.subject_proposed", _("Sujet de mémoire proposé"), **_WORDS)
SUBJECT_REVIEWED = action("submissions.subject_reviewed", _("Sujet de mémoire examiné"), **_WORDS)
DEPOSITED = action("submissions.deposited", _("Fichier déposé"))
DEPOSIT_OPENED = action("submissions.deposit_opened", _("Fichier déposé ouvert"))
EXTENSION_GRANTED = action("submissions.extension_granted", _("Prolongation de dépôt accordée"))
