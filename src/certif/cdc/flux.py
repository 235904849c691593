"""The declaration flux of certified holders to the Caisse des Dépôts (CDC), written as a stream.

A flux is one XML file: a header (``idFlux``, ``horodatage``, with schema 1.1.5 an ``action``,
the emitter, the certifier and its contract, one certification) then its passages
(« passages de certification »), one per holder. Element names, order, lengths and
enumerations follow the XSD (see :mod:`certif.cdc.schemas`).

Decisions the formats leave open, taken here:

- one certification per flux (the XSD allows several): a certifier declares one RNCP code at
  a time, and a file per certification is easier to follow in the CDC's reports;
- the holder's identity is the ``identifiantNational`` branch (NIR without its key and birth
  name) when the holder has a NIR and the schema has that branch, else the ``titulaire``
  branch; ``dossierFormation`` (a CPF file number) is not used;
- a holder born abroad gets ``codeCommuneNaissance/codePostalNaissance/codePostal`` as
  ``xsi:nil`` (the XSD makes it nillable and requires the element), with ``codePaysNaissance``;
  born in France, the commune's INSEE code;
- a missing usage name, end of validity, mention or scoring is written ``xsi:nil`` (required
  but nillable elements); every other optional element is left out when empty;
- text is written in Unicode NFC with surrounding spaces removed; nothing is ever cut: a value
  too long for its element refuses the passage, with a French message naming the field;
- a SUPPRESSION flux carries the same passages as their CREATION (the XSD gives no other
  shape); a schema without ``action`` (1.1.2) cannot express it and refuses it;
- a NIR that contradicts the holder's recorded sex, birth year or month refuses the passage
  (one of the two is mistyped; the CDC would match someone else, or nobody);
- the same ``idTechnique`` twice in a flux, or a flux without passage, is refused.

Writing is incremental (``lxml.etree.xmlfile``): the header element by element, then each
passage as one element, go to a temporary file beside the target, which is renamed once
complete and valid; memory does not grow with the number of passages. Each
``passageCertification`` repeats the root's namespace declarations (see
:class:`_PassageTemplates`): the same document for any XML reader.
"""

from __future__ import annotations

import hashlib
import itertools
import os
import re
import tempfile
import unicodedata
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum, auto
from functools import cache
from pathlib import Path
from typing import Any, BinaryIO, Protocol

from lxml import etree

from certif.cdc.errors import FluxRefused
from certif.cdc.schemas import DEFAULT_SCHEMA, CdcSchema, SchemaChoice, load_schema
from certif.cdc.validation import validate_flux_file
from certif.domain.codes import CodeEnum
from certif.domain.nir import Nir

XSI = "http://www.w3.org/2001/XMLSchema-instance"
DEFAULT_MAX_PASSAGES = 10_000
FRANCE_COUNTRY_CODE = "100"  # INSEE's country code of France (99100), as the flux writes it

# The horodatage's pattern in the XSD, as is: seconds, no fraction, an offset with a colon.
_TIMESTAMP_PATTERN = re.compile(
    r"(19|20)[0-9]{2}-(0[1-9]|1[0-2])-(0[1-9]|[1-2][0-9]|3[0-1])"
    r"T(2[0-3]|[01][0-9]):[0-5][0-9]:[0-5][0-9](\+|-)(:2[0-3]|[01][0-9]):[0-5][0-9]"
)
_INSEE_COMMUNE = re.compile(r"[0-9]{5}|2[AB][0-9]{3}")
_INSEE_COUNTRY = re.compile(r"[0-9]{3}")
# Characters XML 1.0 cannot carry, or that have no place in a name or code.
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f\ud800-\udfff\ufffe\uffff]")


class Action(CodeEnum):
    CREATION = auto()
    SUPPRESSION = auto()


class Obtention(CodeEnum):
    PAR_ADMISSION = auto()
    PAR_SCORING = auto()


class AccessPath(CodeEnum):
    """``modaliteAcces``: how the holder came to the certification."""

    FORMATION_INITIALE_HORS_APPRENTISSAGE = auto()
    FORMATION_INITIALE_APPRENTISSAGE = auto()
    FORMATION_CONTINUE_HORS_CONTRAT_DE_PROFESSIONNALISATION = auto()
    FORMATION_CONTINUE_CONTRAT_DE_PROFESSIONNALISATION = auto()
    VAE = auto()
    EQUIVALENCE_DIPLOME_ETRANGER = auto()
    CANDIDAT_LIBRE = auto()


class ExamMode(CodeEnum):
    A_DISTANCE = auto()
    EN_PRESENTIEL = auto()
    MIXTE = auto()


class Mention(CodeEnum):
    SANS_MENTION = auto()
    MENTION_ASSEZ_BIEN = auto()
    MENTION_BIEN = auto()
    MENTION_TRES_BIEN = auto()
    MENTION_TRES_BIEN_AVEC_FELICITATIONS_DU_JURY = auto()


class DepositorNature(CodeEnum):
    CERTIFICATEUR = auto()
    TIERS_CONFIANCE = auto()


class VaeRoute(CodeEnum):
    CONGES_VAE = auto()
    VAE_CLASSIQUE = auto()


class RegistrationInitiative(CodeEnum):
    CERTIFIE = auto()
    OF = auto()
    POLE_EMPLOI = auto()
    EMPLOYEUR = auto()
    AUTRE = auto()


class LanguageLevel(CodeEnum):
    """``niveauLangueEuropeen`` (CECRL)."""

    A1 = auto()
    A2 = auto()
    B1 = auto()
    B2 = auto()
    C1 = auto()
    C2 = auto()
    INSUFFISANT = auto()


# -- what a flux holds --------------------------------------------------------------------------


@dataclass(frozen=True)
class Certification:
    """The certification declared: ``code`` as the CDC knows it (« RNCP12345 »)."""

    code: str
    type: str = "RNCP"
    depositor: DepositorNature | None = DepositorNature.CERTIFICATEUR


@dataclass(frozen=True)
class FluxHeader:
    """Everything but the passages. ``timestamp`` must be timezone-aware (the XSD wants an
    offset); the flux id is drawn when the file is written."""

    timestamp: datetime
    emitter_id: str
    certifier_id: str
    contract_id: str
    certification: Certification
    action: Action = Action.CREATION


@dataclass(frozen=True)
class HolderIdentity:
    """A holder's identity as the CDC matches it. Empty strings mean « not recorded ».

    ``birth_commune_code`` is the commune's INSEE code (5 characters, « 75056 », « 2A004 »);
    ``birth_country_code`` the INSEE country code's last 3 digits (« 352 » for Algeria), empty
    or « 100 » for France.
    """

    birth_name: str
    first_names: tuple[str, ...]
    sex: str
    birth_date: date | None
    usage_name: str = ""
    birth_commune_code: str = ""
    birth_commune_name: str = ""
    birth_country_code: str = ""
    birth_country_name: str = ""
    nir: Nir | None = None

    @property
    def born_abroad(self) -> bool:
        """Born outside France: a foreign country code, or a foreign country named without
        its code."""
        code = self.birth_country_code.strip()
        if code:
            return code != FRANCE_COUNTRY_CODE
        name = self.birth_country_name.strip().casefold()
        return bool(name) and name != "france"


@dataclass(frozen=True)
class DigitalResult:
    """One ``resultat`` of a European digital level (``niveauNumeriqueEuropeen``)."""

    level: int | None = None
    domain: str = ""
    competence: str = ""


@dataclass(frozen=True)
class DigitalLevel:
    score: int | None = None
    results: tuple[DigitalResult, ...] = ()


@dataclass(frozen=True)
class Passage:
    """One holder's passage of the certification. Empty strings and None mean « absent »."""

    technical_id: str
    holder: HolderIdentity
    validity_start: date
    access_path: AccessPath | None
    validity_end: date | None = None
    obtention: Obtention = Obtention.PAR_ADMISSION
    certified_data: bool = True
    exam_start: date | None = None
    exam_end: date | None = None
    exam_mode: ExamMode | None = None
    exam_centre_postcode: str = ""
    proof_url: str = ""
    option_label: str = ""
    language_level: LanguageLevel | None = None
    digital_level: DigitalLevel | None = None
    scoring: str = ""
    mention: Mention | None = None
    vae_route: VaeRoute | None = None
    initiative: RegistrationInitiative | None = None
    registration_date: date | None = None
    verbatim: str = ""


@dataclass(frozen=True)
class WrittenFlux:
    """A flux file written, complete and (unless asked otherwise) valid."""

    path: Path
    flux_id: uuid.UUID
    action: Action
    passages: int
    technical_ids: tuple[str, ...]
    sha256: str
    size: int
    schema_name: str
    validated: bool


# -- what is missing ----------------------------------------------------------------------------


def missing_identity_fields(identity: HolderIdentity, *, accepts_nir: bool) -> list[str]:
    """What the CDC needs and the identity lacks, as French field labels (empty: complete).

    With a NIR and a schema that accepts it (``accepts_nir``, see
    :attr:`CdcSchema.has_national_identifier`), the birth name is enough; otherwise the birth
    name, a first name, the sex, the full birth date and the birth commune's INSEE code, or,
    born abroad, the birth country's INSEE code.
    """
    missing = []
    if not identity.birth_name.strip():
        missing.append("nom de naissance")
    if accepts_nir and identity.nir is not None:
        return missing
    if not any(name.strip() for name in identity.first_names):
        missing.append("prénom")
    if identity.sex not in {"M", "F"}:
        missing.append("sexe")
    if identity.birth_date is None:
        missing.append("date de naissance complète")
    if identity.born_abroad:
        if _INSEE_COUNTRY.fullmatch(identity.birth_country_code.strip()) is None:
            missing.append("code INSEE du pays de naissance")
    elif _INSEE_COMMUNE.fullmatch(identity.birth_commune_code.strip().upper()) is None:
        missing.append("code INSEE de la commune de naissance")
    return missing


# -- checks, turning values into the flux's text ------------------------------------------------


class _Checker:
    """Collects every French problem of one header or passage while converting its values."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def text(
        self, label: str, value: str, maximum: int, *, required: bool = False, exact: int = 0
    ) -> str | None:
        """The value as written (NFC, outer spaces removed), None when empty."""
        # ASCII is its own NFC; most codes and dates are, and a flux has millions of values.
        cleaned = (value if value.isascii() else unicodedata.normalize("NFC", value)).strip()
        if not cleaned:
            if required:
                self.problems.append(f"{label} manquant")
            return None
        # isprintable() is a fast pre-check; the pattern says whether it is really a control.
        if not cleaned.isprintable() and _CONTROL_CHARACTERS.search(cleaned):
            self.problems.append(f"{label} : caractère de contrôle interdit")
        elif exact and len(cleaned) != exact:
            self.problems.append(
                f"{label} « {cleaned[:80]} » : {exact} caractères attendus, {len(cleaned)} saisis"
            )
        elif len(cleaned) > maximum:
            self.problems.append(
                f"{label} trop long : {len(cleaned)} caractères, {maximum} au plus"
                f" (« {cleaned[:40]}… »)"
            )
        return cleaned

    def day(self, label: str, value: date | None, *, required: bool = False) -> str | None:
        if value is None:
            if required:
                self.problems.append(f"{label} manquante")
            return None
        if not 1900 <= value.year <= 2099:
            self.problems.append(f"{label} : année {value.year} hors de la plage 1900–2099")
        return value.isoformat()

    def choice(self, label: str, value: str | None, allowed: type[StrEnum]) -> str | None:
        if value is None or value == "":
            return None
        if value not in _values_of(allowed):
            self.problems.append(f"{label} : valeur inconnue « {str(value)[:80]} »")
        return str(value)

    def number(self, label: str, value: int | None, low: int, high: int) -> str | None:
        if value is None:
            return None
        if not low <= value <= high:
            self.problems.append(f"{label} : {value} hors de la plage {low}–{high}")
        return str(value)

    def not_before(self, label: str, start: date | None, end: date | None) -> None:
        if start is not None and end is not None and end < start:
            self.problems.append(f"{label} : la fin ({end:%d/%m/%Y}) précède le début")


@cache
def _values_of(allowed: type[StrEnum]) -> frozenset[str]:
    # Iterating an Enum is slow; a flux checks several of them per passage.
    return frozenset(member.value for member in allowed)


def format_timestamp(moment: datetime) -> str:
    """« 2026-07-01T10:15:00+02:00 », the horodatage's only accepted shape."""
    offset = moment.utcoffset()
    if offset is None:
        raise FluxRefused(["horodatage sans fuseau horaire (un décalage comme +02:00 est exigé)"])
    seconds = int(offset.total_seconds())
    sign = "+" if seconds >= 0 else "-"
    hours, minutes = divmod(abs(seconds) // 60, 60)
    text = f"{moment:%Y-%m-%dT%H:%M:%S}{sign}{hours:02d}:{minutes:02d}"
    if seconds % 60 or _TIMESTAMP_PATTERN.fullmatch(text) is None:
        raise FluxRefused([f"horodatage impossible dans le flux : {text}"])
    return text


@dataclass(frozen=True)
class CheckedHeader:
    """The header's texts as the flux writes them; ``action`` is None when the schema has no
    ``action`` element."""

    timestamp: str
    action: str | None
    emitter_id: str
    certifier_id: str
    contract_id: str
    certification_type: str
    certification_code: str
    depositor: str | None


def check_header(header: FluxHeader, schema: CdcSchema) -> CheckedHeader:
    """The header's values checked against the schema; raises :class:`FluxRefused` listing
    every problem."""
    check = _Checker()
    timestamp = format_timestamp(header.timestamp)
    labels = {
        "emitter": "identifiant client de l'émetteur",
        "certifier": "identifiant client du certificateur",
        "contract": "numéro de contrat du certificateur",
    }
    emitter = check.text(labels["emitter"], header.emitter_id, 8, required=True, exact=8)
    certifier = check.text(labels["certifier"], header.certifier_id, 8, required=True, exact=8)
    contract = check.text(labels["contract"], header.contract_id, 20, required=True)
    kind = check.text("type de certification", header.certification.type, 255, required=True)
    code = check.text("code de la certification", header.certification.code, 100, required=True)
    nature = check.choice("nature du déposant", header.certification.depositor, DepositorNature)
    action = check.choice("action", header.action, Action)
    if schema.has_action and action not in schema.actions:
        check.problems.append(f"action « {action} » inconnue du schéma {schema.name}")
    if not schema.has_action and action != Action.CREATION:
        check.problems.append(
            f"le schéma {schema.name} n'a pas d'élément « action » : un flux de {action} ne "
            "peut pas y être exprimé (choisissez le schéma 1.1.5)"
        )
    if check.problems:
        raise FluxRefused(check.problems)
    return CheckedHeader(
        timestamp=timestamp,
        action=action if schema.has_action else None,
        emitter_id=emitter or "",
        certifier_id=certifier or "",
        contract_id=contract or "",
        certification_type=kind or "",
        certification_code=code or "",
        depositor=nature,
    )


# -- emitting the flux's elements ----------------------------------------------------------------


class Emitter(Protocol):
    """Where the flux's elements go, in document order: a stream or a tree."""

    def leaf(self, name: str, text: str) -> None: ...

    def nil(self, name: str) -> None: ...

    def open(self, name: str) -> AbstractContextManager[object]: ...

    def passage(self, passage: Passage, schema: CdcSchema) -> str:
        """Emit one passage (see :func:`emit_passage`); returns its technical id."""
        ...


class _Discard:
    """An emitter that keeps nothing: checking a passage without writing it."""

    def leaf(self, name: str, text: str) -> None:
        pass

    def nil(self, name: str) -> None:
        pass

    def open(self, name: str) -> AbstractContextManager[object]:
        return nullcontext()

    def passage(self, passage: Passage, schema: CdcSchema) -> str:
        return emit_passage(self, passage, schema)


def passage_problems(
    passage: Passage, schema: SchemaChoice | CdcSchema = DEFAULT_SCHEMA
) -> list[str]:
    """Why a passage cannot be declared with this schema, in French (empty: it can)."""
    try:
        emit_passage(_Discard(), passage, load_schema(schema))
    except FluxRefused as refused:
        return list(refused.problems)
    return []


def emit_passage(out: Emitter, passage: Passage, schema: CdcSchema) -> str:
    """Emit one ``passageCertification`` in the XSD's order, checking every value on the way;
    returns its technical id. Raises :class:`FluxRefused` with all the passage's problems once
    it is emitted (the caller drops what was emitted)."""
    check = _Checker()
    technical_id = check.text("identifiant technique", passage.technical_id, 255, required=True)
    check.not_before("dates d'examen", passage.exam_start, passage.exam_end)
    check.not_before("validité", passage.validity_start, passage.validity_end)
    leaf = out.leaf
    with out.open("passageCertification"):
        leaf("idTechnique", technical_id or "")
        _optional(out, "urlPreuve", check.text("URL de preuve", passage.proof_url, 255))
        _optional(out, "libelleOption", check.text("libellé d'option", passage.option_label, 255))
        leaf(
            "obtentionCertification", check.choice("obtention", passage.obtention, Obtention) or ""
        )
        leaf("donneeCertifiee", "true" if passage.certified_data else "false")
        _optional(out, "dateDebutExamen", check.day("date de début d'examen", passage.exam_start))
        _optional(out, "dateFinExamen", check.day("date de fin d'examen", passage.exam_end))
        _optional(
            out,
            "modalitePassageExamen",
            check.choice("modalité d'examen", passage.exam_mode, ExamMode),
        )
        _optional(
            out,
            "codePostalCentreExamen",
            check.text("code postal du centre d'examen", passage.exam_centre_postcode, 9),
        )
        leaf(
            "dateDebutValidite",
            check.day("date de début de validité", passage.validity_start, required=True) or "",
        )
        _or_nil(out, "dateFinValidite", check.day("date de fin de validité", passage.validity_end))
        _emit_language(out, check, passage.language_level)
        _emit_digital(out, check, passage.digital_level)
        _or_nil(out, "scoring", check.text("scoring", passage.scoring, 255))
        _or_nil(out, "mentionValidee", check.choice("mention", passage.mention, Mention))
        _emit_registration(out, check, passage)
        with out.open("identificationTitulaire"):
            holder = passage.holder
            if holder.nir is not None and schema.has_national_identifier:
                _emit_national_identifier(out, check, holder, holder.nir)
            else:
                _emit_holder(out, check, holder)
        _optional(out, "verbatim", check.text("verbatim", passage.verbatim, 255))
    if check.problems:
        raise FluxRefused(check.problems, technical_id or passage.technical_id[:80])
    return technical_id or ""


def _optional(out: Emitter, name: str, text: str | None) -> None:
    """An optional element: written when it has a value."""
    if text is not None:
        out.leaf(name, text)


def _or_nil(out: Emitter, name: str, text: str | None) -> None:
    """A required but nillable element: its value, or ``xsi:nil``."""
    if text is None:
        out.nil(name)
    else:
        out.leaf(name, text)


def _emit_language(out: Emitter, check: _Checker, level: LanguageLevel | None) -> None:
    chosen = check.choice("niveau de langue européen", level, LanguageLevel)
    out.leaf("presenceNiveauLangueEuro", "false" if chosen is None else "true")
    _optional(out, "niveauLangueEuropeen", chosen)


def _emit_digital(out: Emitter, check: _Checker, level: DigitalLevel | None) -> None:
    out.leaf("presenceNiveauNumeriqueEuro", "false" if level is None else "true")
    if level is None:
        return
    with out.open("niveauNumeriqueEuropeen"):
        _optional(out, "scoreGeneral", check.number("score numérique", level.score, 1, 1000))
        if not level.results:
            return
        with out.open("resultats"):
            for result in level.results:
                with out.open("resultat"):
                    _optional(out, "niveau", check.number("niveau numérique", result.level, 1, 8))
                    _optional(
                        out,
                        "domaineCompetenceId",
                        check.text("domaine de compétence", result.domain, 1, exact=1),
                    )
                    _optional(
                        out,
                        "competenceId",
                        check.text("compétence", result.competence, 1, exact=1),
                    )


def _emit_registration(out: Emitter, check: _Checker, passage: Passage) -> None:
    with out.open("modalitesInscription"):
        _or_nil(
            out,
            "modaliteAcces",
            check.choice("modalité d'accès", passage.access_path, AccessPath),
        )
        _optional(
            out, "voieAccessVAE", check.choice("voie d'accès VAE", passage.vae_route, VaeRoute)
        )
        _optional(
            out,
            "initiativeInscription",
            check.choice("initiative de l'inscription", passage.initiative, RegistrationInitiative),
        )
        _optional(
            out, "dateInscription", check.day("date d'inscription", passage.registration_date)
        )


def _emit_national_identifier(
    out: Emitter, check: _Checker, holder: HolderIdentity, nir: Nir
) -> None:
    birth_name = check.text("nom de naissance", holder.birth_name, 60, required=True)
    # A NIR that contradicts the recorded identity is a typing error on one side: the CDC
    # would match the wrong person, or nobody.
    check.problems.extend(
        f"NIR et identité en désaccord : {disagreement}"
        for disagreement in nir.disagreements(holder.birth_date, holder.sex)
    )
    with out.open("identifiantNational"):
        out.leaf("nir", nir.without_key)
        out.leaf("nomNaissance", birth_name or "")


def _emit_holder(out: Emitter, check: _Checker, holder: HolderIdentity) -> None:
    missing = missing_identity_fields(holder, accepts_nir=False)
    if missing:
        check.problems.append("identité incomplète, il manque : " + ", ".join(missing))
    first_names = [name for name in holder.first_names if name.strip()]
    if len(first_names) > 3:
        check.problems.append(f"{len(first_names)} prénoms : le flux en accepte 3 au plus")
    born = holder.birth_date
    leaf = out.leaf
    with out.open("titulaire"):
        leaf("nomNaissance", check.text("nom de naissance", holder.birth_name, 60) or "")
        _or_nil(out, "nomUsage", check.text("nom d'usage", holder.usage_name, 60))
        for rank, name in enumerate(first_names[:3], 1):
            leaf(f"prenom{rank}", check.text(f"prénom {rank}", name, 60) or "")
        if not first_names:
            leaf("prenom1", "")
        year = None if born is None else born.year
        leaf("anneeNaissance", check.number("année de naissance", year, 1900, 2099) or "")
        _or_nil(out, "moisNaissance", None if born is None else str(born.month))
        _or_nil(out, "jourNaissance", None if born is None else str(born.day))
        leaf("sexe", holder.sex)
        with out.open("codeCommuneNaissance"):
            if holder.born_abroad:
                with out.open("codePostalNaissance"):
                    out.nil("codePostal")
            else:
                code = check.text(
                    "code INSEE de la commune de naissance", holder.birth_commune_code, 5
                )
                with out.open("codeInseeNaissance"):
                    leaf("codeInsee", (code or "").upper())
        _optional(
            out,
            "libelleCommuneNaissance",
            check.text("commune de naissance", holder.birth_commune_name, 60),
        )
        _optional(
            out,
            "codePaysNaissance",
            check.text("code du pays de naissance", holder.birth_country_code, 3, exact=3),
        )
        _optional(
            out,
            "libellePaysNaissance",
            check.text("pays de naissance", holder.birth_country_name, 60),
        )


def emit_document(
    out: Emitter,
    schema: CdcSchema,
    flux_id: uuid.UUID,
    header: CheckedHeader,
    passages: Iterable[Passage],
) -> list[str]:
    """The children of ``flux``: the header in the XSD's order, then each passage as it
    comes. Returns the passages' technical ids; refuses a flux without passage or with the
    same technical id twice."""
    technical_ids: list[str] = []
    seen: set[str] = set()
    leaf = out.leaf
    leaf("idFlux", str(flux_id))
    leaf("horodatage", header.timestamp)
    if header.action is not None:
        leaf("action", header.action)
    with out.open("emetteur"):
        leaf("idClient", header.emitter_id)
        with out.open("certificateurs"), out.open("certificateur"):
            leaf("idClient", header.certifier_id)
            leaf("idContrat", header.contract_id)
            with out.open("certifications"), out.open("certification"):
                leaf("type", header.certification_type)
                leaf("code", header.certification_code)
                _optional(out, "natureDeposant", header.depositor)
                with out.open("passageCertifications"):
                    for passage in passages:
                        technical_id = out.passage(passage, schema)
                        if technical_id in seen:
                            raise FluxRefused(
                                ["identifiant technique en double dans le flux"], technical_id
                            )
                        seen.add(technical_id)
                        technical_ids.append(technical_id)
    if not technical_ids:
        raise FluxRefused(["aucun passage à déclarer : un flux en contient au moins un"])
    return technical_ids


class TreeEmitter:
    """Emits into an lxml tree (small fluxes, tests, the benchmark's in-memory baseline)."""

    def __init__(self, parent: Any, namespace: str) -> None:
        self.stack = [parent]
        self.prefix = f"{{{namespace}}}" if namespace else ""
        self.nil_attribute = {f"{{{XSI}}}nil": "true"}

    def leaf(self, name: str, text: str) -> None:
        etree.SubElement(self.stack[-1], self.prefix + name).text = text

    def nil(self, name: str) -> None:
        etree.SubElement(self.stack[-1], self.prefix + name, self.nil_attribute)

    def open(self, name: str) -> TreeEmitter:
        self.stack.append(etree.SubElement(self.stack[-1], self.prefix + name))
        return self

    def __enter__(self) -> TreeEmitter:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stack.pop()

    def passage(self, passage: Passage, schema: CdcSchema) -> str:
        return emit_passage(self, passage, schema)


def _root_namespaces(schema: CdcSchema) -> dict[str, str]:
    # The prefix of the CDC's own example, so that a person comparing both reads the same.
    return {"cpf": schema.namespace, "xsi": XSI} if schema.namespace else {"xsi": XSI}


def build_flux_tree(
    header: FluxHeader,
    passages: Iterable[Passage],
    *,
    schema: SchemaChoice | CdcSchema = DEFAULT_SCHEMA,
    flux_id: uuid.UUID | None = None,
) -> Any:
    """The whole flux as an lxml element, in memory: the same content as :func:`write_flux`,
    for small fluxes only."""
    chosen = load_schema(schema)
    prefix = f"{{{chosen.namespace}}}" if chosen.namespace else ""
    root = etree.Element(prefix + "flux", nsmap=_root_namespaces(chosen))
    emit_document(
        TreeEmitter(root, chosen.namespace),
        chosen,
        flux_id or uuid.uuid4(),
        check_header(header, chosen),
        passages,
    )
    return root


# -- the streaming writer ------------------------------------------------------------------------


class _HashingSink:
    """A binary file that hashes and counts what goes through it."""

    def __init__(self, raw: BinaryIO) -> None:
        self.raw = raw
        self.digest = hashlib.sha256()
        self.size = 0

    def write(self, data: bytes) -> int:
        self.digest.update(data)
        self.size += len(data)
        return self.raw.write(data)


class _Recorder:
    """Records one passage instead of writing it: its shape (element names, nils, nesting) and
    its texts in document order."""

    __slots__ = ("shape", "texts")

    def __init__(self) -> None:
        self.shape: list[str] = []
        self.texts: list[str] = []

    def leaf(self, name: str, text: str) -> None:
        self.shape.append(name)
        self.texts.append(text)

    def nil(self, name: str) -> None:
        self.shape.append(_NIL + name)

    def open(self, name: str) -> _Recorder:
        self.shape.append(_OPEN + name)
        return self

    def __enter__(self) -> _Recorder:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.shape.append(_CLOSE)

    def passage(self, passage: Passage, schema: CdcSchema) -> str:
        return emit_passage(self, passage, schema)


_OPEN, _NIL, _CLOSE = "+", "!", "-"


class _PassageTemplates:
    """Ready-made, indented ``passageCertification`` trees, one per shape of passage.

    Creating an element from Python costs about a microsecond in lxml, and a passage has
    forty-odd; most passages of a flux share a handful of shapes. A passage is therefore
    recorded, the tree of its shape taken from here (built once), its texts set, and the tree
    written in one call: about three times faster than writing each element in turn. The
    price: each passage repeats the root's two namespace declarations, which XML allows.
    """

    MAX_SHAPES = 256

    def __init__(self, namespace: str, depth: int) -> None:
        self.prefix = f"{{{namespace}}}" if namespace else ""
        self.nsmap = {"cpf": namespace, "xsi": XSI} if namespace else {"xsi": XSI}
        self.depth = depth
        self.cache: dict[tuple[str, ...], tuple[Any, list[Any]]] = {}

    def filled(self, recorded: _Recorder) -> Any:
        shape = tuple(recorded.shape)
        entry = self.cache.get(shape)
        if entry is None:
            entry = self._build(shape)
            if len(self.cache) < self.MAX_SHAPES:
                self.cache[shape] = entry
        root, leaves = entry
        for element, text in zip(leaves, recorded.texts, strict=True):
            element.text = text
        return root

    def _build(self, shape: tuple[str, ...]) -> tuple[Any, list[Any]]:
        nil = {f"{{{XSI}}}nil": "true"}
        root = etree.Element(self.prefix + shape[0][1:], nsmap=self.nsmap)
        stack, leaves = [root], []
        for token in shape[1:-1]:
            if token == _CLOSE:
                stack.pop()
            elif token.startswith(_OPEN):
                stack.append(etree.SubElement(stack[-1], self.prefix + token[1:]))
            elif token.startswith(_NIL):
                etree.SubElement(stack[-1], self.prefix + token[1:], nil)
            else:
                leaves.append(etree.SubElement(stack[-1], self.prefix + token))
        etree.indent(root, space="  ", level=self.depth)
        return root, leaves


class StreamEmitter:
    """Emits through an ``lxml.etree.xmlfile``, incrementally: the header element by element,
    each passage as one element (see :class:`_PassageTemplates`). Every element is on its own
    indented line, so that a validation error's line number points at one element."""

    def __init__(self, xf: Any, namespace: str, depth: int = 1) -> None:
        self.xf = xf
        self.prefix = f"{{{namespace}}}" if namespace else ""
        self.nil_attribute = {f"{{{XSI}}}nil": "true"}
        self.depth = depth
        self.indents = ["\n" + "  " * level for level in range(32)]
        self.pending = ""
        self.opened: list[Any] = []
        self.templates: _PassageTemplates | None = None

    def leaf(self, name: str, text: str) -> None:
        xf = self.xf
        xf.write(self.indents[self.depth])
        with xf.element(self.prefix + name):
            xf.write(text)

    def nil(self, name: str) -> None:
        self.xf.write(self.indents[self.depth])
        with self.xf.element(self.prefix + name, self.nil_attribute):
            pass

    def open(self, name: str) -> StreamEmitter:
        self.pending = name
        return self

    def __enter__(self) -> StreamEmitter:
        self.xf.write(self.indents[self.depth])
        element = self.xf.element(self.prefix + self.pending)
        element.__enter__()
        self.opened.append(element)
        self.depth += 1
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.depth -= 1
        if exc_info[0] is None:
            self.xf.write(self.indents[self.depth])
        self.opened.pop().__exit__(*exc_info)

    def passage(self, passage: Passage, schema: CdcSchema) -> str:
        # Recorded first: a refused passage raises before anything of it is written.
        recorder = _Recorder()
        technical_id = emit_passage(recorder, passage, schema)
        if self.templates is None or self.templates.depth != self.depth:
            self.templates = _PassageTemplates(schema.namespace, self.depth)
        self.xf.write(self.indents[self.depth])
        self.xf.write(self.templates.filled(recorder))
        return technical_id


def write_flux(
    path: str | os.PathLike[str],
    header: FluxHeader,
    passages: Iterable[Passage],
    *,
    schema: SchemaChoice | CdcSchema = DEFAULT_SCHEMA,
    flux_id: uuid.UUID | None = None,
    validate: bool = True,
) -> WrittenFlux:
    """Write one flux file of ``passages`` (at least one), streaming; returns what was written.

    The file appears at ``path`` only once complete and, with ``validate`` (the default),
    valid against the schema (checked by reading it back, streaming). Raises
    :class:`FluxRefused` (a value that cannot be declared, naming the passage) or
    :class:`~certif.cdc.errors.FluxInvalid`; nothing is left behind.
    """
    chosen = load_schema(schema)
    target = Path(path)
    identifier = flux_id or uuid.uuid4()
    checked = check_header(header, chosen)
    descriptor, temporary = tempfile.mkstemp(
        dir=target.parent, prefix=f".{target.name}.", suffix=".part"
    )
    try:
        with os.fdopen(descriptor, "wb") as raw:
            sink = _HashingSink(raw)
            technical_ids = _stream_document(sink, chosen, identifier, checked, passages)
            raw.flush()
            os.fsync(raw.fileno())
        if validate:
            validate_flux_file(temporary, chosen, shown_name=target.name)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return WrittenFlux(
        path=target,
        flux_id=identifier,
        action=Action(header.action),
        passages=len(technical_ids),
        technical_ids=tuple(technical_ids),
        sha256=sink.digest.hexdigest(),
        size=sink.size,
        schema_name=chosen.name,
        validated=validate,
    )


def _stream_document(
    sink: _HashingSink,
    schema: CdcSchema,
    flux_id: uuid.UUID,
    header: CheckedHeader,
    passages: Iterable[Passage],
) -> list[str]:
    prefix = f"{{{schema.namespace}}}" if schema.namespace else ""
    with etree.xmlfile(sink, encoding="UTF-8") as xf:
        xf.write_declaration()
        with xf.element(prefix + "flux", nsmap=_root_namespaces(schema)):
            technical_ids = emit_document(
                StreamEmitter(xf, schema.namespace), schema, flux_id, header, passages
            )
            xf.write("\n")
    return technical_ids


def write_flux_files(
    folder: str | os.PathLike[str],
    header: FluxHeader,
    passages: Iterable[Passage],
    *,
    max_passages: int = DEFAULT_MAX_PASSAGES,
    schema: SchemaChoice | CdcSchema = DEFAULT_SCHEMA,
    file_name: Callable[[int, uuid.UUID], str] | None = None,
    new_flux_id: Callable[[], uuid.UUID] = uuid.uuid4,
    validate: bool = True,
) -> list[WrittenFlux]:
    """Split a stream of passages into flux files of at most ``max_passages`` each, in
    ``folder``; returns them in order (none for no passage). Each file has its own ``idFlux``.

    All or nothing: if a file cannot be written, those already written by this call are
    removed before the error is raised.
    """
    if max_passages < 1:
        raise ValueError("max_passages must be at least 1")
    chosen = load_schema(schema)
    name_for = file_name or _default_file_name(header)
    remaining: Iterator[Passage] = iter(passages)
    written: list[WrittenFlux] = []
    try:
        for index in itertools.count(1):
            first = next(remaining, None)
            if first is None:
                break
            chunk = itertools.chain([first], itertools.islice(remaining, max_passages - 1))
            identifier = new_flux_id()
            written.append(
                write_flux(
                    Path(folder) / name_for(index, identifier),
                    header,
                    chunk,
                    schema=chosen,
                    flux_id=identifier,
                    validate=validate,
                )
            )
    except BaseException:
        for flux in written:
            flux.path.unlink(missing_ok=True)
        raise
    return written


def _default_file_name(header: FluxHeader) -> Callable[[int, uuid.UUID], str]:
    """« cdc-RNCP12345-20260701T101500-001.xml »: sorted by time, then by part."""
    stamp = f"{header.timestamp:%Y%m%dT%H%M%S}"
    code = re.sub(r"[^A-Za-z0-9]+", "-", header.certification.code).strip("-") or "flux"

    def name(index: int, flux_id: uuid.UUID) -> str:
        return f"cdc-{code}-{stamp}-{index:03d}.xml"

    return name
