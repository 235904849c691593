"""Inspecting an uploaded PDF before it is kept: refuse what is not a PDF, what cannot be read,
what is locked, and what would act on the machine of whoever opens it; count its pages.

What is refused, and why (docs/deposits.md says it for the staff):

- an empty file, or a file that is not a PDF whatever its name says (no ``%PDF-`` in its first
  1024 bytes, where readers look for it), or one pypdf cannot read: the jury could not read it
  either, and the archive would keep nothing usable;
- an encrypted PDF, even one that opens without a password: its content cannot be inspected,
  its restrictions may forbid printing or copying to the jury, and the archive must stay
  readable without a password that nobody will remember;
- active content, which runs on the jury's and the staff's computers without their asking:
  JavaScript (document-level names tree, ``/JS`` in any action), automatic actions (``/AA`` on
  the document, a page, an annotation or a form field; an ``/OpenAction`` that does more than
  show a page), ``/Launch`` actions that start a program or open a file, XFA forms (which carry
  scripts), RichMedia (Flash, 3D with scripts);
- attached files (the ``/EmbeddedFiles`` names tree, file specifications with an ``/EF``
  stream, file attachment annotations, ``/GoToE`` actions): an attachment escapes the jury's
  reading, may be anything (an executable), and the archive must hold what was assessed; annexes
  belong in the pages.

Links (``/URI``, ``/GoTo``), bookmarks, forms without scripts and an ``/OpenAction`` that only
opens at a page are accepted: they do nothing until someone clicks, and word processors produce
them. Every object reachable from the trailer is examined, not just the usual places, because
readers follow references wherever they are; objects nothing refers to are never run.

Inspection reads the file lazily (pypdf given a file, not a path, does not load it whole).
pypdf is fed hostile files here: keep it at a version without known denial-of-service bugs, and
run inspection where a stuck worker can be stopped (a time limit on the task).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from enum import Enum
from pathlib import Path
from typing import BinaryIO, TypeVar

from pypdf import PdfReader
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    IndirectObject,
    PdfObject,
    StreamObject,
)

from certif.deposits.errors import DepositRefused, RefusalReason, quoted

PDF_MAGIC = b"%PDF-"
# Acrobat accepts the header anywhere in the first 1024 bytes; so do we, and no further.
HEADER_WINDOW = 1024
# A mémoire has a few thousand objects; millions of tiny ones are an attempt to exhaust the
# inspection. Beyond this the file is refused as unreadable rather than walked for minutes.
MAX_OBJECTS = 500_000

_T = TypeVar("_T")


class ActiveFeature(Enum):
    """What a PDF may carry that is refused; the value describes it in French."""

    JAVASCRIPT = "du JavaScript"
    AUTOMATIC_ACTION = "des actions déclenchées automatiquement (à l'ouverture, à l'affichage…)"
    LAUNCH = "une action qui lance un programme ou ouvre un fichier"
    XFA_FORM = "un formulaire XFA, qui peut contenir des scripts"
    RICH_MEDIA = "un contenu multimédia interactif (RichMedia)"
    EMBEDDED_FILE = "un fichier joint"


_KEYS = {
    "/JS": ActiveFeature.JAVASCRIPT,
    "/JavaScript": ActiveFeature.JAVASCRIPT,  # as a key: the document-level names tree
    "/AA": ActiveFeature.AUTOMATIC_ACTION,
    "/XFA": ActiveFeature.XFA_FORM,
    "/EmbeddedFiles": ActiveFeature.EMBEDDED_FILE,
    "/EF": ActiveFeature.EMBEDDED_FILE,
}
_ACTIONS = {
    "/JavaScript": ActiveFeature.JAVASCRIPT,
    "/Launch": ActiveFeature.LAUNCH,
    "/GoToE": ActiveFeature.EMBEDDED_FILE,
    "/RichMediaExecute": ActiveFeature.RICH_MEDIA,
}
_SUBTYPES = {
    "/FileAttachment": ActiveFeature.EMBEDDED_FILE,
    "/RichMedia": ActiveFeature.RICH_MEDIA,
}
_TYPES = {"/EmbeddedFile": ActiveFeature.EMBEDDED_FILE}


class _TooComplex(Exception):
    pass


def inspect_pdf(path: str | Path, shown_name: str | None = None) -> int:
    """Check that the file at ``path`` is a PDF safe to keep and open; return its page count.

    ``shown_name`` is the name the candidate knows the file by (the upload's name), used in
    messages; by default the file's own name. Raises :class:`DepositRefused`.
    """
    file = Path(path)
    name = quoted(shown_name if shown_name is not None else file.name)
    if file.stat().st_size == 0:
        raise DepositRefused(RefusalReason.EMPTY, f"le fichier {name} est vide (0 octet)")
    with file.open("rb") as raw:
        _check_header(raw, name)
        raw.seek(0)
        reader = _parsed(lambda: PdfReader(raw, strict=False), name)
        if reader.is_encrypted:
            raise DepositRefused(
                RefusalReason.ENCRYPTED,
                f"le fichier {name} est protégé (mot de passe ou chiffrement) : déposez une "
                "version sans protection",
            )
        page_count = _parsed(lambda: len(reader.pages), name)
        if page_count == 0:
            raise DepositRefused(RefusalReason.NO_PAGES, f"le fichier {name} n'a aucune page")
        features = _parsed(lambda: active_features(reader), name)
    if features:
        raise _refusal(features, name)
    return page_count


def pages_before_annexes(page_count: int, annexes_start_page: int | None) -> int:
    """The pages that count towards a minimum « hors annexes »: those before the page where the
    candidate declares the annexes begin (1-based), or every page when there are none.

    Cover, contents and bibliography before the annexes count: the source excludes only the
    annexes. Raises :class:`DepositRefused` when the declared page is not in the file.
    """
    if page_count < 0:
        raise ValueError(f"nombre de pages négatif : {page_count}")
    if annexes_start_page is None:
        return page_count
    if not 1 <= annexes_start_page <= page_count:
        raise DepositRefused(
            RefusalReason.INVALID_ANNEXES_PAGE,
            f"la page où commencent les annexes ({annexes_start_page}) doit être comprise entre "
            f"1 et {page_count}, le nombre de pages du fichier",
        )
    return annexes_start_page - 1


def active_features(reader: PdfReader) -> set[ActiveFeature]:
    """Every refused feature found in the objects reachable from the trailer."""
    found: set[ActiveFeature] = set()
    for dictionary in _reachable_dictionaries(reader.trailer, reader):
        found |= _features_of(dictionary)
    catalog = _resolved(reader.trailer.raw_get("/Root"))
    if isinstance(catalog, DictionaryObject) and _acts_on_open(catalog):
        found.add(ActiveFeature.AUTOMATIC_ACTION)
    return found


def _check_header(raw: BinaryIO, name: str) -> None:
    if PDF_MAGIC not in raw.read(HEADER_WINDOW):
        raise DepositRefused(
            RefusalReason.NOT_PDF,
            f"le fichier {name} n'est pas un PDF, quel que soit son nom : enregistrez ou "
            "exportez votre document au format PDF",
        )


def _parsed(action: Callable[[], _T], name: str) -> _T:
    try:
        return action()
    except _TooComplex as error:
        limit = f"{MAX_OBJECTS:,}".replace(",", " ")
        raise DepositRefused(
            RefusalReason.UNREADABLE,
            f"le fichier {name} contient trop d'objets pour être vérifié (plus de {limit}) : "
            "réexportez-le en PDF",
        ) from error
    except Exception as error:
        # pypdf raises errors of many types on a damaged or hostile file (its own, but also
        # ValueError, KeyError, RecursionError…); whichever it is, the file cannot be read.
        raise DepositRefused(
            RefusalReason.UNREADABLE,
            f"le fichier {name} est un PDF endommagé ou illisible : réexportez-le en PDF",
        ) from error


def _resolved(value: object) -> object:
    return value.get_object() if isinstance(value, IndirectObject) else value


def _reachable_dictionaries(
    start: PdfObject, reader: PdfReader | None = None
) -> Iterator[DictionaryObject]:
    """Each dictionary (streams included) reachable from ``start``, once; iterative, so that a
    deep structure cannot exhaust the stack, and bounded by MAX_OBJECTS.

    A stream, once examined, is dropped from ``reader``'s cache of resolved objects: pypdf
    keeps every object it resolved, the stream's data included, so walking a mémoire's
    images would otherwise hold the whole file in memory; each is visited once here, so
    it is never read again."""
    seen: set[tuple[int, int]] = set()
    stack: list[object] = [start]
    visited = 0
    while stack:
        item = stack.pop()
        reference: tuple[int, int] | None = None
        if isinstance(item, IndirectObject):
            reference = (item.idnum, item.generation)
            if reference in seen:
                continue
            seen.add(reference)
            item = item.get_object()
        visited += 1
        if visited > MAX_OBJECTS:
            raise _TooComplex
        if isinstance(item, DictionaryObject):
            yield item
            stack.extend(item.values())  # raw values: references are followed above, once
            if reader is not None and reference is not None and _droppable(item):
                reader.resolved_objects.pop((reference[1], reference[0]), None)
        elif isinstance(item, ArrayObject):
            stack.extend(item)


def _droppable(item: DictionaryObject) -> bool:
    """A stream whose data pypdf need not keep: not an object stream, from which pypdf reads
    other objects (dropping it would have it decoded again for each of them)."""
    if not isinstance(item, StreamObject):
        return False
    return "/Type" not in item or _resolved(item.raw_get("/Type")) != "/ObjStm"


def _features_of(dictionary: DictionaryObject) -> set[ActiveFeature]:
    found = {feature for key, feature in _KEYS.items() if key in dictionary}
    for key, table in (("/S", _ACTIONS), ("/Subtype", _SUBTYPES), ("/Type", _TYPES)):
        value = _resolved(dictionary.raw_get(key)) if key in dictionary else None
        if isinstance(value, str) and value in table:
            found.add(table[value])
    return found


def _acts_on_open(catalog: DictionaryObject) -> bool:
    """An /OpenAction that is an action other than « go to a page » (a bare destination, the
    usual case, only says where the document opens)."""
    if "/OpenAction" not in catalog:
        return False
    action = _resolved(catalog.raw_get("/OpenAction"))
    if not isinstance(action, DictionaryObject):
        return False
    return _resolved(action.raw_get("/S")) != "/GoTo" or "/Next" in action


def _refusal(features: set[ActiveFeature], name: str) -> DepositRefused:
    ordered = [feature for feature in ActiveFeature if feature in features]
    listed = _french_list([feature.value for feature in ordered])
    active = [f for f in ordered if f is not ActiveFeature.EMBEDDED_FILE]
    reason = RefusalReason.ACTIVE_CONTENT if active else RefusalReason.EMBEDDED_FILE
    return DepositRefused(
        reason,
        f"le fichier {name} contient {listed} : ces contenus sont refusés pour la sécurité des "
        "postes qui l'ouvriront ; réexportez le document en PDF simple, sans script ni fichier "
        "joint (les annexes vont dans les pages)",
    )


def _french_list(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " et " + items[-1]
