"""The SIRET of a partner's establishment and the SIREN of its legal unit.

A SIREN identifies a legal unit (9 digits); a SIRET identifies one of its establishments
(14 digits): the SIREN, then the NIC (« numéro interne de classement »: a 4-digit order number
and a check digit). Code de commerce, art. R123-221: « Le numéro d'identification attribué à
chaque établissement est composé des neuf chiffres du numéro d'identification de l'unité légale
[…], suivis d'un numéro d'identification complémentaire de cinq chiffres propre à cet
établissement. »

Both carry a Luhn check digit (the « formule de Luhn », modulo 10): from the right, every second
digit is doubled (9 subtracted when the double exceeds 9) and the sum must be a multiple of 10.
A SIRET is checked twice: its 14 digits, and the SIREN it starts with.

**La Poste's exception.** When La Poste became a société anonyme (2010), all its establishments
were grouped under one SIREN, 356 000 000. There are too many of them for the NIC's Luhn key, so
their SIRETs follow another rule: **the sum of the 14 digits is a multiple of 5**. Only the head
office, 356 000 000 00048, satisfies Luhn. Sources: the French Wikipedia article « Système
d'identification du répertoire des établissements », section « Exceptions pour le groupe La
Poste » (read through its mirror https://hu.frwiki.wiki/wiki/Syst%C3%A8me_d'identification_du_r%C3%A9pertoire_des_%C3%A9tablissements),
and python-stdnum's ``stdnum/fr/siret.py`` (github.com/arthurdejong/python-stdnum), which applies
the same rule: La Poste's SIRETs other than the head office by their digit sum, every other
SIRET (the head office included) by Luhn. Certif does the same. The digit-sum rule is weaker
than Luhn: it misses a digit typed 5 too high or too low, which is why it is kept to La Poste.

Error messages are French, name what is wrong, and quote at most 80 characters of the input.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from certif.domain.nir import quoted

SIREN_LENGTH = 9
SIRET_LENGTH = 14

LA_POSTE_SIREN = "356000000"
LA_POSTE_HEAD_OFFICE = "35600000000048"
LA_POSTE_DIGIT_SUM_MODULUS = 5

# What a person may type between groups of digits: spaces (the non-breaking ones that word
# processors put in too) and dots, as in « 732 829 320 00074 » or « 732.829.320.00074 ».
_SEPARATORS = re.compile(r"[\s.\u00a0\u202f]+")


class IdentifierRejected(ValueError):
    """The text is not an acceptable identifier; the message (French) says what is wrong."""


def luhn_remainder(digits: str) -> int:
    """The Luhn sum of ``digits`` modulo 10: 0 for a valid number."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10


def luhn_is_valid(digits: str) -> bool:
    return digits.isdigit() and luhn_remainder(digits) == 0


def luhn_check_digit(body: str) -> str:
    """The digit that makes ``body`` followed by it satisfy Luhn."""
    return str((10 - luhn_remainder(body + "0")) % 10)


def digit_sum(digits: str) -> int:
    return sum(int(char) for char in digits)


def compact(text: str) -> str:
    """Separators removed: « 732 829 320 00074 » → « 73282932000074 »."""
    return _SEPARATORS.sub("", text)


def is_la_poste(siret: str) -> bool:
    """An establishment of La Poste other than its head office: checked by its digit sum."""
    return siret.startswith(LA_POSTE_SIREN) and siret != LA_POSTE_HEAD_OFFICE


def siret_key_is_valid(siret: str) -> bool:
    """The 14 digits satisfy their control rule: Luhn, or La Poste's digit sum."""
    if is_la_poste(siret):
        return digit_sum(siret) % LA_POSTE_DIGIT_SUM_MODULUS == 0
    return luhn_is_valid(siret)


@dataclass(frozen=True, slots=True)
class Siren:
    """A checked SIREN, 9 digits. Build it with :func:`parse_siren`."""

    value: str

    def __post_init__(self) -> None:
        _check_siren(self.value, self.value)

    @property
    def formatted(self) -> str:
        """« 732 829 320 »."""
        return f"{self.value[:3]} {self.value[3:6]} {self.value[6:]}"

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True, slots=True)
class Siret:
    """A checked SIRET, 14 digits. Build it with :func:`parse_siret`."""

    value: str

    def __post_init__(self) -> None:
        _check_siret(self.value, self.value)

    @property
    def siren(self) -> Siren:
        return Siren(self.value[:SIREN_LENGTH])

    @property
    def nic(self) -> str:
        """The establishment's 5 digits: its order number and the check digit."""
        return self.value[SIREN_LENGTH:]

    @property
    def is_la_poste(self) -> bool:
        return is_la_poste(self.value)

    @property
    def formatted(self) -> str:
        """« 732 829 320 00074 », as INSEE prints it."""
        return f"{self.siren.formatted} {self.nic}"

    def __str__(self) -> str:
        return self.value


def parse_siren(text: str) -> Siren:
    """Read a SIREN as typed: « 732 829 320 », « 732829320 ». Raises :class:`IdentifierRejected`."""
    digits = _digits_only(text, "SIREN", SIREN_LENGTH)
    _check_siren(digits, text)
    return Siren(digits)


def parse_siret(text: str) -> Siret:
    """Read a SIRET as typed: « 732 829 320 00074 », « 73282932000074 ».

    Raises :class:`IdentifierRejected` with a French message naming what is wrong: a character,
    the number of digits, the SIREN's key or the SIRET's key.
    """
    digits = _digits_only(text, "SIRET", SIRET_LENGTH)
    _check_siret(digits, text)
    return Siret(digits)


def siret_with_key(first_13: str) -> Siret:
    """The SIRET whose first 13 digits are given, its Luhn key computed (tests, demo data). The
    SIREN part must already be valid; La Poste's numbers, checked otherwise, are refused."""
    digits = compact(first_13)
    if len(digits) != SIRET_LENGTH - 1 or not digits.isdigit():
        raise IdentifierRejected(f"13 chiffres attendus avant la clé : {quoted(first_13)}")
    if digits.startswith(LA_POSTE_SIREN):
        raise IdentifierRejected("les SIRET de La Poste ne suivent pas la formule de Luhn")
    return Siret(digits + luhn_check_digit(digits))


def _digits_only(text: str, name: str, length: int) -> str:
    digits = compact(text)
    if not digits:
        raise IdentifierRejected(f"{name} vide : {length} chiffres attendus")
    wrong = next((char for char in digits if not char.isascii() or not char.isdigit()), None)
    if wrong is not None:
        raise IdentifierRejected(
            f"caractère non autorisé « {wrong} » dans le {name} {quoted(text)} : "
            f"{length} chiffres attendus, espaces permis"
        )
    if len(digits) != length:
        raise IdentifierRejected(
            f"{len(digits)} chiffres au lieu de {length} dans le {name} {quoted(text)}"
        )
    return digits


def _check_siren(digits: str, typed: str) -> None:
    if len(digits) != SIREN_LENGTH or not digits.isdigit():
        raise IdentifierRejected(f"SIREN mal formé {quoted(typed)} : 9 chiffres attendus")
    if set(digits) == {"0"}:
        # 000 000 000 satisfies Luhn but is only ever a placeholder.
        raise IdentifierRejected("SIREN impossible « 000 000 000 »")
    if not luhn_is_valid(digits):
        raise IdentifierRejected(
            f"clé de contrôle incorrecte dans le SIREN {quoted(typed)} : ses 9 chiffres ne "
            "vérifient pas la formule de Luhn ; vérifiez la saisie"
        )


def _check_siret(digits: str, typed: str) -> None:
    if len(digits) != SIRET_LENGTH or not digits.isdigit():
        raise IdentifierRejected(f"SIRET mal formé {quoted(typed)} : 14 chiffres attendus")
    siren = digits[:SIREN_LENGTH]
    if set(siren) == {"0"}:
        raise IdentifierRejected(f"SIREN impossible « 000 000 000 » dans le SIRET {quoted(typed)}")
    # The SIREN first: when both keys fail, the mistake is in the first nine digits, and saying
    # so points the reader at them.
    if not luhn_is_valid(siren):
        raise IdentifierRejected(
            f"clé de contrôle incorrecte : le SIREN {siren} (les 9 premiers chiffres du SIRET "
            f"{quoted(typed)}) ne vérifie pas la formule de Luhn ; vérifiez la saisie"
        )
    if siret_key_is_valid(digits):
        return
    if is_la_poste(digits):
        raise IdentifierRejected(
            f"clé de contrôle incorrecte dans le SIRET de La Poste {quoted(typed)} : la somme de "
            "ses 14 chiffres doit être un multiple de 5"
        )
    raise IdentifierRejected(
        f"clé de contrôle incorrecte dans le SIRET {quoted(typed)} : ses 14 chiffres ne "
        "vérifient pas la formule de Luhn ; vérifiez la saisie"
    )
