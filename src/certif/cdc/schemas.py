"""Which XSD of the Caisse des Dépôts' certification flux to write and check against.

Three choices: ``"1.1.5"`` (the default: a reconstruction of 1.1.5, shipped beside this module,
see its header), ``"1.1.2"`` (the official 1.1.2 file, shipped too), or the path of an XSD file
(an official kit dropped on the server). What the flux may contain is read from the XSD itself,
never from its version number, so that an official 1.1.5 works as soon as it is given:

- whether ``flux`` has an ``action`` element, and which values it allows;
- whether ``identificationTitulaire`` has the ``identifiantNational`` (NIR) branch.

Compiled schemas are cached per file (path, modification time and size); validating a file
compiles its own copies (:meth:`CdcSchema.fresh_validators`), so threads may share a schema.
"""

from __future__ import annotations

import copy
import os
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from lxml import etree

from certif.cdc.errors import SchemaUnavailable

XSD = "http://www.w3.org/2001/XMLSchema"
XSD_PREFIXES = {"xs": XSD}

SHIPPED = {
    "1.1.5": "cdc-certification-flux-1.1.5-reconstructed.xsd",
    "1.1.2": "cdc-certification-flux-1.1.2.xsd",
}
DEFAULT_SCHEMA = "1.1.5"
PASSAGE_ELEMENT = "passageCertification"

SchemaChoice = str | os.PathLike[str]


@dataclass(frozen=True)
class CdcSchema:
    """A compiled flux schema and what it allows.

    ``actions`` is empty when the schema has no ``action`` element (1.1.2: every flux is a
    creation). ``passage_schema`` is the same XSD with ``passageCertification`` also declared
    as a top-level element, so that one passage can be validated on its own (streaming).
    """

    name: str
    path: Path
    version: str
    namespace: str
    actions: frozenset[str]
    has_national_identifier: bool
    xml_schema: Any = field(repr=False, compare=False)
    passage_schema: Any = field(repr=False, compare=False)
    documents: tuple[Any, Any] = field(repr=False, compare=False)

    @property
    def has_action(self) -> bool:
        return bool(self.actions)

    def fresh_validators(self) -> tuple[Any, Any]:
        """New compiled copies of (``xml_schema``, ``passage_schema``), about a millisecond:
        an lxml validator keeps the last errors on itself, so two threads validating with
        the shared ones could read each other's."""
        document, passage_document = self.documents
        return etree.XMLSchema(document), etree.XMLSchema(passage_document)


def shipped_schema_path(version: str) -> Path:
    """The file of a schema shipped in the package (``"1.1.5"`` or ``"1.1.2"``)."""
    folder = resources.files("certif.cdc") / "schemas"
    return Path(str(folder / SHIPPED[version]))


def load_schema(choice: SchemaChoice | CdcSchema = DEFAULT_SCHEMA) -> CdcSchema:
    """The schema for a choice: a shipped version, the path of an XSD, or a schema already
    loaded (returned as is). Raises :class:`SchemaUnavailable` with a French message."""
    if isinstance(choice, CdcSchema):
        return choice
    if isinstance(choice, str) and choice in SHIPPED:
        path, name = shipped_schema_path(choice), choice
    else:
        path = Path(choice)
        name = str(path)
    try:
        stat = path.stat()
    except OSError as error:
        raise SchemaUnavailable(
            f"schéma XSD introuvable : {path} ({error.strerror}) ; choisissez "
            f"{' ou '.join(SHIPPED)}, ou le chemin d'un fichier XSD"
        ) from error
    if not path.is_file():
        raise SchemaUnavailable(f"schéma XSD introuvable : {path} n'est pas un fichier")
    return _compiled(str(path.resolve()), stat.st_mtime_ns, stat.st_size, name)


@lru_cache(maxsize=8)
def _compiled(path: str, mtime_ns: int, size: int, name: str) -> CdcSchema:
    # mtime and size are part of the key: a kit replaced in place is read again.
    del mtime_ns, size
    document = _parse_xsd(path)
    root = document.getroot()
    if root.tag != f"{{{XSD}}}schema":
        raise SchemaUnavailable(f"{path} n'est pas un schéma XSD (racine « {root.tag} »)")
    namespace = root.get("targetNamespace") or ""
    passage_document = _with_top_level_passage(document)
    try:
        xml_schema = etree.XMLSchema(document)
        passage_schema = etree.XMLSchema(passage_document)
    except etree.XMLSchemaParseError as error:
        raise SchemaUnavailable(f"{path} n'est pas un schéma XSD utilisable : {error}") from error
    return CdcSchema(
        name=name,
        path=Path(path),
        version=root.get("version") or "",
        namespace=namespace,
        actions=_action_values(root),
        has_national_identifier=bool(
            root.xpath("//xs:element[@name='identifiantNational']", namespaces=XSD_PREFIXES)
        ),
        xml_schema=xml_schema,
        passage_schema=passage_schema,
        documents=(document, passage_document),
    )


def _parse_xsd(path: str) -> Any:
    # An XSD is trusted configuration, but still read without network nor entity expansion.
    parser = etree.XMLParser(resolve_entities=False, no_network=True, remove_comments=False)
    try:
        return etree.parse(path, parser)
    except (etree.XMLSyntaxError, OSError) as error:
        raise SchemaUnavailable(f"{path} n'est pas un XML lisible : {error}") from error


def _action_values(root: Any) -> frozenset[str]:
    """The values allowed for ``action`` (empty if the schema has no such element)."""
    elements = root.xpath("//xs:element[@name='action']", namespaces=XSD_PREFIXES)
    if not elements:
        return frozenset()
    element = elements[0]
    inline = element.xpath(".//xs:enumeration/@value", namespaces=XSD_PREFIXES)
    if inline:
        return frozenset(str(value) for value in inline)
    type_name = (element.get("type") or "").rpartition(":")[2]
    named = root.xpath(
        "//xs:simpleType[@name=$name]//xs:enumeration/@value",
        namespaces=XSD_PREFIXES,
        name=type_name,
    )
    # An action without an enumeration: the two values that the public descriptions give.
    return frozenset(str(value) for value in named) or frozenset({"CREATION", "SUPPRESSION"})


def _with_top_level_passage(document: Any) -> Any:
    """A copy of the XSD where ``passageCertification`` is also a top-level element."""
    derived = copy.deepcopy(document)
    # Relative includes and imports of an official kit resolve from the original folder.
    derived.docinfo.URL = document.docinfo.URL
    root = derived.getroot()
    top_level = root.xpath(f"xs:element[@name='{PASSAGE_ELEMENT}']", namespaces=XSD_PREFIXES)
    if top_level:
        return derived
    local = root.xpath(f"//xs:element[@name='{PASSAGE_ELEMENT}']", namespaces=XSD_PREFIXES)
    if not local:
        raise SchemaUnavailable(
            f"{document.docinfo.URL} ne déclare pas d'élément « {PASSAGE_ELEMENT} » : "
            "ce n'est pas un schéma de flux de certification"
        )
    declaration = copy.deepcopy(local[0])
    for attribute in ("minOccurs", "maxOccurs", "nillable"):
        declaration.attrib.pop(attribute, None)
    root.append(declaration)
    return derived
