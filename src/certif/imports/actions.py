"""The kinds of audit events of imports."""

from django.utils.translation import gettext_lazy as _

from certif.core.audit import action

CANDIDATES_IMPORTED = action("candidates.imported", _("Import de candidats"))
SCORES_IMPORTED = action("scores.imported", _("Import de notes"))
PARTNERS_IMPORTED = action("partners.imported", _("Import d'organismes ou d'habilitations"))
IMPORT_REVERTED = action("import.reverted", _("Import annulé"))
