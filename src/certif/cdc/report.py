"""The processing report (« rapport de traitement ») that the CDC returns for a flux.

Its shape, from the example in ``tests/cdc/fixtures`` (no official schema of the report was
available): a root ``rapport`` in the namespace ``urn:cdc:cpf:pc5:rapport:schema`` (any
prefix), unqualified children ``nomFichier`` (optional), ``idFlux``, ``idTraitement``,
``PassagesKO/passage{idTechnique, messageErreur}`` and ``PassagesOK/idTechnique``; either
section may be absent or hold one entry. Children qualified in the report's namespace are read
too.

The file comes from outside: it is read with entities unresolved, no network, no DTD, no huge
trees, and a size limit; a document type declaration is refused outright. Whether the flux and
its passages are known is for the caller to check.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lxml import etree

from certif.cdc.errors import ReportUnreadable
from certif.cdc.untrusted import XML_OPTIONS

REPORT_NAMESPACE = "urn:cdc:cpf:pc5:rapport:schema"
REPORT_ROOT = "rapport"
MAX_REPORT_BYTES = 64 * 1024 * 1024


@dataclass(frozen=True)
class RejectedPassage:
    technical_id: str
    message: str


@dataclass(frozen=True)
class ProcessingReport:
    flux_id: str
    processing_id: str
    file_name: str | None
    accepted: tuple[str, ...]
    rejected: tuple[RejectedPassage, ...]


def parse_report(
    source: bytes | str | os.PathLike[str], *, max_bytes: int = MAX_REPORT_BYTES
) -> ProcessingReport:
    """Read a report from its bytes, or from a file path (``str`` or path). Raises
    :class:`ReportUnreadable` with a French message."""
    data = source if isinstance(source, bytes) else _read(Path(source), max_bytes)
    if len(data) > max_bytes:
        raise ReportUnreadable(
            f"rapport trop volumineux : {len(data):,} octets, {max_bytes:,} au plus".replace(
                ",", "\u202f"
            )
        )
    root = _parse(data)
    if root.tag != f"{{{REPORT_NAMESPACE}}}{REPORT_ROOT}":
        raise ReportUnreadable(
            f"ce n'est pas un rapport de traitement de la CDC : racine « {_shown(root.tag)} », "
            f"« {REPORT_ROOT} » de l'espace de noms {REPORT_NAMESPACE} attendu"
        )
    return ProcessingReport(
        flux_id=_required_text(root, "idFlux"),
        processing_id=_required_text(root, "idTraitement"),
        file_name=_text(_child(root, "nomFichier")) or None,
        accepted=tuple(_accepted(root)),
        rejected=tuple(_rejected(root)),
    )


def _read(path: Path, max_bytes: int) -> bytes:
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise ReportUnreadable(
                f"rapport trop volumineux : {path.name} fait {size} octets, {max_bytes} au plus"
            )
        return path.read_bytes()
    except OSError as error:
        raise ReportUnreadable(f"rapport illisible : {path.name} ({error.strerror})") from error


def _parse(data: bytes) -> Any:
    parser = etree.XMLParser(
        **XML_OPTIONS, dtd_validation=False, remove_comments=True, remove_pis=True
    )
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as error:
        raise ReportUnreadable(f"rapport mal formé (ligne {error.lineno}) : {error.msg}") from error
    if root.getroottree().docinfo.doctype:
        # Nothing legitimate needs a DTD here; entity tricks do.
        raise ReportUnreadable("rapport refusé : il contient une déclaration DOCTYPE")
    return root


def _shown(text: str) -> str:
    return text if len(text) <= 80 else text[:79] + "…"


def _matches(element: Any, name: str) -> bool:
    return element.tag in (name, f"{{{REPORT_NAMESPACE}}}{name}")


def _child(parent: Any, name: str) -> Any | None:
    return next((child for child in parent if _matches(child, name)), None)


def _children(parent: Any, name: str) -> list[Any]:
    return [child for child in parent if _matches(child, name)]


def _text(element: Any | None) -> str:
    return "" if element is None else (element.text or "").strip()


def _required_text(parent: Any, name: str) -> str:
    value = _text(_child(parent, name))
    if not value:
        raise ReportUnreadable(f"rapport incomplet : « {name} » manquant ou vide")
    return value


def _accepted(root: Any) -> list[str]:
    identifiers = []
    for section in _children(root, "PassagesOK"):
        for element in _children(section, "idTechnique"):
            identifier = _text(element)
            if not identifier:
                raise ReportUnreadable(
                    f"rapport incomplet : idTechnique vide dans PassagesOK (ligne {element.sourceline})"
                )
            identifiers.append(identifier)
    return identifiers


def _rejected(root: Any) -> list[RejectedPassage]:
    rejected = []
    for section in _children(root, "PassagesKO"):
        for passage in _children(section, "passage"):
            identifier = _text(_child(passage, "idTechnique"))
            if not identifier:
                raise ReportUnreadable(
                    "rapport incomplet : passage refusé sans idTechnique "
                    f"(ligne {passage.sourceline})"
                )
            rejected.append(RejectedPassage(identifier, _text(_child(passage, "messageErreur"))))
    return rejected
