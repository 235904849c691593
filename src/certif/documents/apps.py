import logging
from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)


def _archive_minutes(sender: Any, deliberation: Any, actor: Any, **kwargs: Any) -> None:
    from certif.documents.services import MentionsMissing, archive_minutes

    try:
        archive_minutes(deliberation, actor)
    except MentionsMissing as missing:
        # A jury's closing does not wait for the certifier's settings: its decisions are
        # sealed by the closing's digest, and the minutes printing exactly them are refused
        # until the issuer's identity is complete, then produced from the session's documents.
        logger.warning("Minutes of deliberation %s not produced: %s", deliberation.pk, missing)


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
