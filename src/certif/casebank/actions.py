"""The kinds of audit events of the bank of cases."""

from django.utils.translation import gettext_lazy as _

from certif.core.audit import action

CASE_CREATED = action("case.created", _("Cas créé"))
CASE_VERSION_ADDED = action("case.version_added", _("Nouvelle version d'un cas"))
CASE_RETIRED = action("case.retired", _("Cas retiré"))
CASES_DRAWN = action("case.drawn", _("Cas tirés pour une session"))
CASE_REDRAWN = action("case.redrawn", _("Cas tiré à nouveau"))
CASE_OPENED = action("case.opened", _("Cas consulté"))
