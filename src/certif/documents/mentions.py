"""The linter of the certifier's settings: mentions its documents must not carry.

France compétences' rules: a certificate names France compétences only in the registration
mention (« enregistrée au RNCP par décision du directeur général de France compétences… »,
which Certif prints itself); it carries neither France compétences' logo nor a provisional
mention (« sous réserve », « en cours » d'enregistrement). The issuer's identity texts are
printed on every document, so such words there would end up on every parchemin.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass

from django.db.models import Field
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from certif.documents.models import CertifierSettings

StrOrPromise = str | Promise

# The texts of the settings printed on the documents.
CHECKED_FIELDS = ("legal_name", "address", "issue_place", "signatory_name", "signatory_title")


@dataclass(frozen=True)
class Forbidden:
    pattern: re.Pattern[str]
    why: StrOrPromise


# Matched on the text without accents, in lower case, its spaces collapsed.
FORBIDDEN = (
    Forbidden(
        re.compile(r"france\s*competences|francecompetences"),
        _(
            "France compétences n'est citée que dans la mention d'enregistrement, que Certif "
            "imprime ; ni son nom ni son logo ne figurent dans l'identité du certificateur"
        ),
    ),
    Forbidden(
        re.compile(r"\blogo\b"),
        _("aucun logo de France compétences ne figure sur les documents"),
    ),
    Forbidden(
        re.compile(r"\bsous reserve\b"),
        _("« sous réserve » : un document délivré ne porte aucune mention provisoire"),
    ),
    Forbidden(
        re.compile(r"\ben cours\b"),
        _(
            "« en cours » : un document délivré ne porte aucune mention provisoire (« en cours "
            "d'enregistrement »…)"
        ),
    ),
)


@dataclass(frozen=True)
class Finding:
    field: str
    message: StrOrPromise

    @property
    def label(self) -> str:
        field = CertifierSettings._meta.get_field(self.field)
        assert isinstance(field, Field)
        return str(field.verbose_name)

    def __str__(self) -> str:
        return gettext("%(field)s : %(message)s.") % {"field": self.label, "message": self.message}


def folded(text: str) -> str:
    """Lower case, accents removed, spaces collapsed: « Sous  Réserve » reads « sous reserve »."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(bare.replace("’", "'").split())


def lint_texts(texts: Mapping[str, str]) -> list[Finding]:
    """What the issuer's identity texts say that no document may print, field by field."""
    findings = []
    for name in CHECKED_FIELDS:
        text = folded(texts.get(name, "") or "")
        for rule in FORBIDDEN:
            if rule.pattern.search(text):
                findings.append(Finding(name, rule.why))
    return findings


def lint_certifier(settings: CertifierSettings | None = None) -> list[Finding]:
    settings = settings if settings is not None else CertifierSettings.load()
    return lint_texts({name: str(getattr(settings, name)) for name in CHECKED_FIELDS})
