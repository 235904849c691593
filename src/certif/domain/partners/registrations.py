"""A training body's registrations: its « numéro de déclaration d'activité » (NDA) and the number
of its Qualiopi certificate.

**NDA.** A training body declares its activity to the préfet de région (today through the DREETS
and the « Mon Activité Formation » service) and receives a registration number of 11 digits.
No official text giving its structure could be read; what public pages say and what real
numbers show:

- 11 digits (verp-formation.fr, « Le numéro de Déclaration d'activité (NDA) »; scorf.fr,
  « Numéro de déclaration d'activité (NDA) : comment l'obtenir ? »);
- the first two digits are the code of the region where it was declared (edusign.com,
  « Numéro NDA »), printed grouped as « RR DD NNNNN DD »: numbers published by training bodies
  read « 11 75 39666 75 » (Île-de-France), « 84 69 17837 69 » (Auvergne-Rhône-Alpes),
  « 93 06 10643 06 » (Provence-Alpes-Côte d'Azur), « 04 97 36763 97 » (La Réunion), and also
  « 82 69 11894 69 » (Rhône-Alpes) and « 91 34 06579 34 » (Languedoc-Roussillon): numbers given
  before the 2016 merger of regions keep their former region's code.

Certif therefore checks 11 digits and a first pair that is an INSEE region code, current
(2016) or former (1982–2015). The middle groups (a département, an order number, the
département again, in the numbers seen) are shown but not checked: no source states them as a
rule.

**Qualiopi.** The certificate number is chosen by each certifying body (« 25FOR02027.1 »,
« 26-042-04 », « FR059412-1 »…): no common format exists. Certif keeps it as free text,
normalised (spaces collapsed), between 3 and 50 characters, printable, with at least one digit
(a « number » without any digit is a word typed in the wrong field, « oui » or « en cours »).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from certif.domain.nir import quoted
from certif.domain.partners.siret import IdentifierRejected, compact

NDA_LENGTH = 11

# INSEE region codes: the regions since 1 January 2016, then the former regions whose codes
# no longer exist but which still start NDAs declared before the merger.
CURRENT_REGIONS: dict[str, str] = {
    "01": "Guadeloupe",
    "02": "Martinique",
    "03": "Guyane",
    "04": "La Réunion",
    "06": "Mayotte",
    "11": "Île-de-France",
    "24": "Centre-Val de Loire",
    "27": "Bourgogne-Franche-Comté",
    "28": "Normandie",
    "32": "Hauts-de-France",
    "44": "Grand Est",
    "52": "Pays de la Loire",
    "53": "Bretagne",
    "75": "Nouvelle-Aquitaine",
    "76": "Occitanie",
    "84": "Auvergne-Rhône-Alpes",
    "93": "Provence-Alpes-Côte d'Azur",
    "94": "Corse",
}
FORMER_REGIONS: dict[str, str] = {
    "21": "Champagne-Ardenne",
    "22": "Picardie",
    "23": "Haute-Normandie",
    "25": "Basse-Normandie",
    "26": "Bourgogne",
    "31": "Nord-Pas-de-Calais",
    "41": "Lorraine",
    "42": "Alsace",
    "43": "Franche-Comté",
    "54": "Poitou-Charentes",
    "72": "Aquitaine",
    "73": "Midi-Pyrénées",
    "74": "Limousin",
    "82": "Rhône-Alpes",
    "83": "Auvergne",
    "91": "Languedoc-Roussillon",
}
NDA_REGIONS: dict[str, str] = {**CURRENT_REGIONS, **FORMER_REGIONS}

QUALIOPI_MIN = 3
QUALIOPI_MAX = 50


@dataclass(frozen=True, slots=True)
class Nda:
    """A checked numéro de déclaration d'activité, 11 digits. Build it with :func:`parse_nda`."""

    value: str

    def __post_init__(self) -> None:
        _check_nda(self.value, self.value)

    @property
    def region_code(self) -> str:
        return self.value[:2]

    @property
    def region(self) -> str:
        """The region it was declared in (« Île-de-France », or a former region)."""
        return NDA_REGIONS[self.region_code]

    @property
    def formatted(self) -> str:
        """« 11 75 39666 75 », the grouping training bodies print."""
        value = self.value
        return f"{value[:2]} {value[2:4]} {value[4:9]} {value[9:]}"

    def __str__(self) -> str:
        return self.value


def parse_nda(text: str) -> Nda:
    """Read an NDA as typed: « 11 75 39666 75 », « 11753966675 ». Raises
    :class:`IdentifierRejected` with a French message."""
    digits = compact(text)
    name = "numéro de déclaration d'activité"
    if not digits:
        raise IdentifierRejected(f"{name} vide : 11 chiffres attendus")
    wrong = next((char for char in digits if not char.isascii() or not char.isdigit()), None)
    if wrong is not None:
        raise IdentifierRejected(
            f"caractère non autorisé « {wrong} » dans le {name} {quoted(text)} : "
            "11 chiffres attendus, espaces permis"
        )
    if len(digits) != NDA_LENGTH:
        raise IdentifierRejected(
            f"{len(digits)} chiffres au lieu de {NDA_LENGTH} dans le {name} {quoted(text)}"
        )
    _check_nda(digits, text)
    return Nda(digits)


def _check_nda(digits: str, typed: str) -> None:
    if len(digits) != NDA_LENGTH or not digits.isdigit():
        raise IdentifierRejected(
            f"numéro de déclaration d'activité mal formé {quoted(typed)} : 11 chiffres attendus"
        )
    if digits[:2] not in NDA_REGIONS:
        raise IdentifierRejected(
            f"code région « {digits[:2]} » inconnu dans le numéro de déclaration d'activité "
            f"{quoted(typed)} : ses deux premiers chiffres sont le code de la région de "
            "déclaration (11 Île-de-France, 84 Auvergne-Rhône-Alpes, 93 Provence-Alpes-Côte "
            "d'Azur…)"
        )


@dataclass(frozen=True, slots=True)
class QualiopiNumber:
    """The number of a Qualiopi certificate, as its certifying body wrote it. Build it with
    :func:`parse_qualiopi_number`."""

    value: str

    def __post_init__(self) -> None:
        _check_qualiopi(self.value, self.value)

    def __str__(self) -> str:
        return self.value


def parse_qualiopi_number(text: str) -> QualiopiNumber:
    """Read a Qualiopi certificate number: whitespace collapsed, then checked (3 to 50
    printable characters, at least one digit). Raises :class:`IdentifierRejected`."""
    normalised = " ".join(text.split())
    _check_qualiopi(normalised, text)
    return QualiopiNumber(normalised)


def _check_qualiopi(value: str, typed: str) -> None:
    name = "numéro de certificat Qualiopi"
    if not value:
        raise IdentifierRejected(f"{name} vide")
    if value != " ".join(value.split()):
        raise IdentifierRejected(f"{name} mal formé {quoted(typed)} : espaces en trop")
    if len(value) < QUALIOPI_MIN:
        raise IdentifierRejected(
            f"{name} trop court {quoted(typed)} : {QUALIOPI_MIN} caractères au moins"
        )
    if len(value) > QUALIOPI_MAX:
        raise IdentifierRejected(
            f"{name} trop long ({len(value)} caractères) {quoted(typed)} : {QUALIOPI_MAX} au plus"
        )
    control = next((char for char in value if unicodedata.category(char).startswith("C")), None)
    if control is not None:
        raise IdentifierRejected(
            f"caractère invisible (U+{ord(control):04X}) dans le {name} {quoted(typed)}"
        )
    if not any(char.isdigit() for char in value):
        raise IdentifierRejected(
            f"{name} sans aucun chiffre {quoted(typed)} : indiquez le numéro porté sur le "
            "certificat"
        )
