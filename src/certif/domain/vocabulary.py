"""Words of the domain in both of Certif's languages.

The domain core has no gettext: a term is written here once, in French and in English, and the
layers above show it in the reader's language (``certif.core.vocabulary`` makes it lazy for
Django's choices and templates).
"""

from __future__ import annotations

from dataclasses import dataclass

LANGUAGES = ("fr", "en")


def language_of(lang: str) -> str:
    """« fr » or « en » from a language code such as « en-gb »; French by default."""
    short = lang.split("-")[0].lower() if lang else "fr"
    return short if short in LANGUAGES else "fr"


@dataclass(frozen=True, slots=True)
class Label:
    fr: str
    en: str

    def in_language(self, lang: str) -> str:
        return self.en if language_of(lang) == "en" else self.fr

    def __str__(self) -> str:
        return self.fr
