"""The French NIR (numéro d'inscription au répertoire, the « numéro de sécurité sociale »).

A NIR has 15 characters: 13 for the person, then a 2-digit control key::

    S AA MM DD CCC OOO KK      (born in metropolitan France or abroad)
    S AA MM DDD CC OOO KK      (born overseas: 97x / 98x)

- ``S``, sex: 1 (man) or 2 (woman). 3, 4, 7 and 8 are temporary numbers (a registration in
  progress, or the NIA, « numéro d'identification d'attente », given while the civil status is
  checked). They are **refused**: this is a product decision, as the Caisse des Dépôts matches a
  holder on a definitive NIR (its 1.1.5 schema only allows ``[12]`` as first character).
- ``AA``, the last two digits of the birth year (the century is not in the number).
- ``MM``, the birth month: 01–12, or a « pseudo-month » that INSEE gives when the civil status
  document does not give the month (incomplete birth records, often people born abroad):
  20, 30–42 and 50–99. Public descriptions differ on the exact ranges: comptavoo.com (« Vérifier
  et décomposer un numéro de sécurité sociale ») says « on peut trouver des numéros de 20 à 30
  ou 50 pour des personnes inscrites à partir d'un acte civil incomplet »; the French Wikipedia
  article « Numéro de sécurité sociale en France », as quoted by several public validators,
  gives 20, 30 to 42 and 50 to 99. The union actually used here is 20, 30–42 and 50–99;
  21–29 and 43–49 are refused. No INSEE text could be read to settle it.
- ``DD``, the birth département: 01–95 (Corsica: 2A and 2B since 1976; 20 before), 96 (Tunisia
  before 1964, as service-public.fr notes beside 91–94 for Algeria and 95 for Morocco), 97x and
  98x overseas (three characters, then a 2-digit commune), 99 for a birth abroad (then a
  3-digit INSEE country code).
- ``CCC``, the commune (or the country), ``OOO`` the order number in the month: 001–999.
- ``KK``, the key: 97 − (the 13 characters as a number, mod 97), where 2A counts as 19 and
  2B as 18 (INSEE's convention, so that the number stays numeric).

Everything is checked on parsing; a :class:`Nir` always holds a well-formed number. Error
messages are French, name the part that is wrong, and quote at most 80 characters of what was
typed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

NIR_LENGTH = 15
BODY_LENGTH = 13
QUOTE_LIMIT = 80

# What a person may type between groups: spaces (including the non-breaking ones that word
# processors put in), dots and dashes.
_SEPARATORS = re.compile(r"[\s.\-\u00a0\u202f]+")
_ALLOWED = re.compile(r"[0-9AB]*")

DEFINITIVE_SEX_DIGITS = frozenset("12")
TEMPORARY_SEX_DIGITS = frozenset("3478")
PSEUDO_MONTHS = frozenset({20, *range(30, 43), *range(50, 100)})
CORSICA_FOR_KEY = {"2A": "19", "2B": "18"}
OVERSEAS_PREFIXES = frozenset({"97", "98"})
ABROAD = "99"


class NirRejected(ValueError):
    """The text is not an acceptable NIR; the message (French) says which part is wrong."""


def quoted(text: str) -> str:
    """The typed text between French quotes, cut to 80 characters so that a pasted paragraph
    never ends up whole in a message or a log."""
    shown = text if len(text) <= QUOTE_LIMIT else text[: QUOTE_LIMIT - 1] + "…"
    return f"« {shown} »"


def control_key(body: str) -> int:
    """The key of a 13-character body: 97 − (body mod 97), Corsica's letters counted as INSEE
    says (2A → 19, 2B → 18)."""
    department = body[5:7]
    numeric = body[:5] + CORSICA_FOR_KEY.get(department, department) + body[7:]
    return 97 - int(numeric) % 97


def normalise(text: str) -> str:
    """Separators removed, letters upper-cased: « 2 95 10 99-126.111 93 » → « 295109912611193 »."""
    return _SEPARATORS.sub("", text).upper()


@dataclass(frozen=True, slots=True)
class Nir:
    """A checked NIR, 15 characters (13 + key). Build it with :func:`parse_nir`."""

    value: str

    def __post_init__(self) -> None:
        check_nir(self.value)

    @property
    def without_key(self) -> str:
        """The 13 characters the Caisse des Dépôts' 1.1.5 flux asks for."""
        return self.value[:BODY_LENGTH]

    @property
    def key(self) -> str:
        return self.value[BODY_LENGTH:]

    @property
    def sex_digit(self) -> str:
        return self.value[0]

    @property
    def sex(self) -> str:
        """« M » or « F », the register's codes."""
        return "M" if self.sex_digit == "1" else "F"

    @property
    def birth_year_digits(self) -> int:
        """The last two digits of the birth year (0–99); the century is not in a NIR."""
        return int(self.value[1:3])

    @property
    def birth_month_code(self) -> int:
        """The month as written: 1–12, or a pseudo-month (20, 30–42, 50–99)."""
        return int(self.value[3:5])

    @property
    def birth_month(self) -> int | None:
        """The real month (1–12), or None when the NIR carries a pseudo-month."""
        code = self.birth_month_code
        return code if 1 <= code <= 12 else None

    @property
    def department(self) -> str:
        """« 75 », « 2A », « 971 », or « 99 » for a birth abroad."""
        prefix = self.value[5:7]
        return self.value[5:8] if prefix in OVERSEAS_PREFIXES else prefix

    @property
    def born_abroad(self) -> bool:
        return self.department == ABROAD

    @property
    def place_code(self) -> str:
        """The commune within the département (3 digits, 2 overseas), or the country abroad."""
        return self.value[5 + len(self.department) : 10]

    @property
    def order_number(self) -> str:
        return self.value[10:13]

    @property
    def formatted(self) -> str:
        """Grouped as printed on a carte Vitale: « 2 95 10 99 126 111 93 »; overseas, the
        département takes three digits and the commune two (« 1 81 09 974 41 611 24 »)."""
        return " ".join(
            (
                self.value[0],
                self.value[1:3],
                self.value[3:5],
                self.department,
                self.place_code,
                self.order_number,
                self.key,
            )
        )

    @property
    def masked(self) -> str:
        """Safe to show on a list or in a log: the sex digit and the key only, every other
        digit a star, always in the metropolitan grouping (so that the mask does not tell a
        birth overseas either): « 1 ** ** ** *** *** 42 ». The key alone, two digits out of 97
        possible values, cannot lead back to the number."""
        return f"{self.sex_digit} ** ** ** *** *** {self.key}"

    def disagreements(self, birth_date: date | None, sex: str) -> list[str]:
        """What the NIR says that the recorded identity contradicts, in French (empty when
        they agree). A pseudo-month agrees with any month; a missing date or sex with anything."""
        found = []
        if sex in {"M", "F"} and sex != self.sex:
            found.append(f"le NIR indique le sexe {self.sex}, la fiche {sex}")
        if birth_date is not None:
            if birth_date.year % 100 != self.birth_year_digits:
                found.append(
                    f"le NIR indique une naissance en …{self.value[1:3]}, "
                    f"la fiche en {birth_date.year}"
                )
            month = self.birth_month
            if month is not None and month != birth_date.month:
                found.append(
                    f"le NIR indique le mois {month:02d}, la fiche le mois {birth_date.month:02d}"
                )
        return found

    def __str__(self) -> str:
        # A NIR printed by accident (f-string, log) shows masked.
        return self.masked

    def __repr__(self) -> str:
        return f"Nir({self.masked!r})"


def parse_nir(text: str) -> Nir:
    """Read a NIR as a person types it: « 2 95 10 99 126 111 93 », « 2.95.10.99.126.111-93 »,
    « 253072a07300443 »… Raises :class:`NirRejected` with a French message."""
    compact = normalise(text)
    if not compact:
        raise NirRejected("NIR vide : 15 caractères attendus (13 chiffres et la clé)")
    if _ALLOWED.fullmatch(compact) is None:
        wrong = next(char for char in compact if char not in "0123456789AB")
        raise NirRejected(f"caractère non autorisé « {wrong[:1]} » dans le NIR {quoted(text)}")
    if len(compact) == BODY_LENGTH:
        raise NirRejected(
            "clé de contrôle manquante : 15 caractères attendus (13 chiffres et la clé), 13 saisis"
        )
    if len(compact) != NIR_LENGTH:
        raise NirRejected(
            f"un NIR compte 15 caractères (13 chiffres et la clé), {len(compact)} saisis "
            f"dans {quoted(text)}"
        )
    return Nir(compact)


def check_nir(value: str) -> None:
    """Check a normalised 15-character NIR, part by part, in reading order."""
    if len(value) != NIR_LENGTH or _ALLOWED.fullmatch(value) is None:
        raise NirRejected(f"NIR mal formé {quoted(value)} : 15 caractères attendus")
    _check_body(value[:BODY_LENGTH])
    _check_key(value)


def _check_body(value: str) -> None:
    _check_sex(value[0])
    _check_digits(value[1:3], "année de naissance")
    _check_month(value[3:5])
    prefix = _check_department(value[5:7], value[7])
    _check_place(value, prefix)
    _check_order(value[10:13])


def _check_digits(part: str, label: str) -> None:
    if not part.isdigit():
        raise NirRejected(f"{label} impossible « {part} » : des chiffres sont attendus")


def _check_sex(digit: str) -> None:
    if digit in TEMPORARY_SEX_DIGITS:
        raise NirRejected(
            f"premier chiffre « {digit} » : c'est un numéro provisoire (immatriculation en "
            "cours ou numéro d'attente) ; seul un NIR définitif, commençant par 1 ou 2, est "
            "accepté"
        )
    if digit not in DEFINITIVE_SEX_DIGITS:
        raise NirRejected(f"premier chiffre (sexe) impossible « {digit} » : 1 ou 2 attendu")


def _check_month(part: str) -> None:
    if not part.isdigit():
        raise NirRejected(f"mois de naissance impossible « {part} »")
    month = int(part)
    if not (1 <= month <= 12 or month in PSEUDO_MONTHS):
        raise NirRejected(f"mois de naissance impossible « {part} »")


def _check_department(prefix: str, third: str) -> str:
    if prefix in CORSICA_FOR_KEY:
        return prefix
    if not prefix.isdigit() or prefix == "00":
        raise NirRejected(f"département de naissance impossible « {prefix} »")
    if prefix in OVERSEAS_PREFIXES and third not in "123456789":
        raise NirRejected(f"département d'outre-mer impossible « {prefix}{third} »")
    return prefix


def _check_place(value: str, prefix: str) -> None:
    place = value[7:10]
    if prefix == ABROAD:
        _check_digits(place, "code du pays de naissance")
    elif prefix in OVERSEAS_PREFIXES:
        _check_digits(place[1:], "commune de naissance")
    else:
        _check_digits(place, "commune de naissance")


def _check_order(part: str) -> None:
    if not part.isdigit() or part == "000":
        raise NirRejected(f"numéro d'ordre impossible « {part} » : de 001 à 999")


def _check_key(value: str) -> None:
    typed = value[BODY_LENGTH:]
    if not typed.isdigit():
        raise NirRejected(f"clé de contrôle impossible « {typed} » : deux chiffres attendus")
    expected = control_key(value[:BODY_LENGTH])
    if int(typed) != expected:
        raise NirRejected(f"clé de contrôle incorrecte : {expected:02d} attendu, {typed} saisi")


def with_key(body: str) -> Nir:
    """The NIR whose first 13 characters are ``body``, its key computed (tests, demo data)."""
    compact = normalise(body)
    if len(compact) != BODY_LENGTH or _ALLOWED.fullmatch(compact) is None:
        raise NirRejected(f"13 caractères attendus avant la clé : {quoted(body)}")
    _check_body(compact)
    return Nir(f"{compact}{control_key(compact):02d}")
