"""A partner: a training body (organisme de formation) the certifier may habilitate.

It is known by the SIRET of the establishment that is habilitated (France compétences lists
partners by SIRET), its legal name, and optionally its NDA and Qualiopi certificate number,
which the certifier checks before habilitating it.
"""

from __future__ import annotations

from dataclasses import dataclass

from certif.domain.nir import quoted
from certif.domain.partners.registrations import Nda, QualiopiNumber
from certif.domain.partners.siret import Siret

# INSEE's « dénomination » field holds 120 characters; 200 leaves room for a name typed with
# its legal form spelt out, while refusing a paragraph pasted in the wrong field.
LEGAL_NAME_MAX = 200


class PartnerRejected(ValueError):
    """The partner's data are refused; the message (French) says why."""


@dataclass(frozen=True, slots=True)
class Partner:
    siret: Siret
    legal_name: str
    nda: Nda | None = None
    qualiopi: QualiopiNumber | None = None

    def __post_init__(self) -> None:
        check_legal_name(self.legal_name)

    @property
    def key(self) -> str:
        """How habilitations name their partner: its SIRET's 14 digits."""
        return self.siret.value


def normalise_legal_name(text: str) -> str:
    """Whitespace collapsed: « ÉCOLE  DU\u00a0BOIS » → « ÉCOLE DU BOIS »."""
    return " ".join(text.split())


def check_legal_name(name: str) -> None:
    if not name.strip():
        raise PartnerRejected("raison sociale manquante")
    if name != normalise_legal_name(name):
        raise PartnerRejected(f"raison sociale mal formée {quoted(name)} : espaces en trop")
    if len(name) > LEGAL_NAME_MAX:
        raise PartnerRejected(
            f"raison sociale trop longue ({len(name)} caractères, {LEGAL_NAME_MAX} au plus) : "
            f"{quoted(name)}"
        )
