"""The kinds of audit events of sessions."""

from django.utils.translation import gettext_lazy as _

from certif.core.audit import action

SESSION_CREATED = action("session.created", _("Session créée"))
SESSION_UPDATED = action("session.updated", _("Session modifiée"))
ENROLLED = action("session.enrolled", _("Inscriptions"))
TIMETABLE = action("session.timetable", _("Horaire des épreuves modifié"))
ASSIGNMENT_CREATED = action("assignment.created", _("Affectation"))
ASSIGNMENT_CHANGED = action("assignment.changed", _("Affectation changée"))
ASSIGNMENTS_ASSIGNED = action("assignments.assigned", _("Affectations en nombre"))
SESSION_DELETED = action("session.deleted", _("Session supprimée"))
ENROLMENT_REMOVED = action("session.enrolment_removed", _("Inscription retirée"))
