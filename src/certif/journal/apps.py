from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JournalConfig(AppConfig):
    """The journal as people read it: every score change and audit event, in words, and its
    exports. A read model over the apps below it; it writes nothing but export files."""

    name = "certif.journal"
    label = "journal"
    verbose_name = _("Journal")
