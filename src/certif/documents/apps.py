from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _archive_minutes(sender: Any, deliberation: Any, actor: Any, **kwargs: Any) -> None:
    from certif.documents.services import archive_minutes

    archive_minutes(deliberation, actor)


class DocumentsConfig(AppConfig):
    name = "certif.documents"
    label = "documents"
    verbose_name = _("Documents officiels")

    def ready(self) -> None:
        from certif.deliberations import signals

        # The minutes are archived in the closing's own transaction.
        signals.closed.connect(_archive_minutes, dispatch_uid="documents.archive_minutes")
        # What a document was issued for is not removed under it (certif.sessions.signals).
        from certif.documents import removals
        from certif.sessions import signals as sessions

        sessions.removal_blockers.connect(
            removals.documents_issued, dispatch_uid="documents.blockers"
        )
