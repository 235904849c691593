"""The kinds of audit events of grading."""

from django.utils.translation import gettext_lazy as _

from certif.core.audit import action
from certif.grading.models import Marking, SheetStatus

_MARKING = dict(Marking.choices)
_STATUS = dict(SheetStatus.choices)

SHEET_OPENED = action("grading.sheet.opened", _("Feuille ouverte"), marking=_MARKING)
SHEET_SAVED = action("grading.sheet.saved", _("Feuille enregistrée"))
SHEET_SUBMITTED = action("grading.sheet.submitted", _("Feuille soumise"), marking=_MARKING)
SHEET_REOPENED = action("grading.sheet.reopened", _("Feuille rouverte"), status=_STATUS)
SHEET_AGREED = action("grading.sheet.agreed", _("Correction concertée enregistrée"))
SHEET_EVALUATOR = action("grading.sheet.evaluator", _("Évaluateur de la feuille changé"))
SHEET_REMARKED = action(
    "grading.sheet.remarked", _("Nature de correction changée"), marking=_MARKING
)
