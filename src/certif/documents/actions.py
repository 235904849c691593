"""The kinds of audit events of official documents."""

from django.utils.translation import gettext_lazy as _

from certif.core.audit import Words, action
from certif.documents.models import Kind, Status

_DOCUMENT: dict[str, Words] = {"status": dict(Status.choices), "kind": dict(Kind.choices)}

ISSUED = action("document.issued", _("Document délivré"), **_DOCUMENT)
REVOKED = action("document.revoked", _("Document révoqué"), **_DOCUMENT)
SUPERSEDED = action("document.superseded", _("Document remplacé par une réédition"), **_DOCUMENT)
REISSUED = action("document.reissued", _("Document réédité"), **_DOCUMENT)
CERTIFIER_SETTINGS = action("certifier.settings", _("Paramètres du certificateur modifiés"))
SENT = action("document.sent", _("Document envoyé par courriel"), **_DOCUMENT)
