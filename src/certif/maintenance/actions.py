"""The kinds of audit events of backups and restores."""

from django.utils.translation import gettext_lazy as _

from certif.core.audit import action

BACKUP_MADE = action("maintenance.backup", _("Sauvegarde réalisée"))
RESTORED = action("maintenance.restore", _("Sauvegarde restaurée"))
