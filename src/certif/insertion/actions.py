"""The kinds of audit events of the insertion survey."""

from django.utils.translation import gettext_lazy as _

from certif.core.audit import action
from certif.insertion.models import AnswerSource, Point

SURVEY_OPENED = action(
    "insertion.survey_opened", _("Enquête d'insertion ouverte"), point=dict(Point.choices)
)
SURVEY_SENT = action(
    "insertion.survey_sent", _("Enquête d'insertion envoyée"), point=dict(Point.choices)
)
ANSWERED = action(
    "insertion.answered",
    _("Réponse à l'enquête d'insertion"),
    point=dict(Point.choices),
    source=dict(AnswerSource.choices),
)
