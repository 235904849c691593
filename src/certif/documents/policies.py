"""Who may do what to the official documents' settings."""

from __future__ import annotations

from typing import Any

from certif.core.roles import Role, has_role


def may_edit_certifier_settings(user: Any) -> bool:
    """Gestionnaires set the certifier's identity, its signatory and signature image."""
    return has_role(user, Role.STAFF)


SETTINGS_REFUSED = (
    "Seul un gestionnaire modifie les paramètres du certificateur (identité, signataire, "
    "signature) imprimés sur les documents officiels."
)


def may_send_documents(user: Any) -> bool:
    """Gestionnaires send a session's convocations to its candidates."""
    return has_role(user, Role.STAFF)


SEND_REFUSED = "Seul un gestionnaire envoie les convocations par courriel."
