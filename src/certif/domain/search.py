"""Text folded for searching: what a person types finds what was stored, whatever the accents,
the case, the punctuation or the order of the words (« guerin » finds GUÉRIN, « Nathalie
Gauthier » finds GAUTHIER Nathalie, « c000007 » finds C000007)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

# Letters NFKD does not decompose, written as French spells them without ligature.
_LIGATURES = str.maketrans({"œ": "oe", "æ": "ae", "ø": "o", "ł": "l", "đ": "d", "ı": "i"})
_NOT_A_WORD = re.compile(r"[^0-9a-z]+")


def folded(text: str) -> str:
    """Lower case, accents and ligatures spelt out, anything but letters and digits a space."""
    decomposed = unicodedata.normalize("NFKD", text.casefold().translate(_LIGATURES))
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(_NOT_A_WORD.sub(" ", bare.translate(_LIGATURES)).split())


def search_words(text: str) -> list[str]:
    """The distinct folded words of what was typed, longest first (the most selective)."""
    return sorted(set(folded(text).split()), key=lambda word: (-len(word), word))


def search_key(parts: Iterable[str]) -> str:
    """What is stored to be searched: the folded parts, each word once, space-separated and
    framed by spaces, so that a word typed in full can also be matched at a word boundary."""
    seen: dict[str, None] = {}
    for part in parts:
        for word in folded(part).split():
            seen.setdefault(word, None)
    return f" {' '.join(seen)} " if seen else ""
