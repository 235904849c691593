"""Checking a flux file against its XSD without loading it whole.

lxml's streaming validation (``iterparse(..., schema=...)``) reports errors without line
numbers, so the file is checked in two parts, which together are the whole validation:

- each ``passageCertification``, as soon as it is parsed, against the same XSD where that
  element is also declared at the top level (:attr:`CdcSchema.passage_schema`), then dropped;
- at the end, what is left (the header, the first passage kept as a stand-in for the others,
  anything unexpected) against the real schema.

Memory holds one passage at a time; errors keep the line of the element in the file.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from lxml import etree

from certif.cdc.errors import CdcError, FluxInvalid, ValidationIssue
from certif.cdc.schemas import DEFAULT_SCHEMA, PASSAGE_ELEMENT, CdcSchema, SchemaChoice, load_schema
from certif.cdc.untrusted import XML_OPTIONS

DEFAULT_MAX_ISSUES = 20

_NAMESPACED = re.compile(r"\{[^}]*\}")
_ELEMENT = re.compile(r"^Element '([^']+)'(?:, attribute '([^']+)')?: (.*)$", re.DOTALL)
# libxml2's most frequent schema messages, in French; anything else is kept as it comes.
_TRANSLATIONS = [
    (
        re.compile(r"\[facet 'maxLength'\] The value has a length of '(\d+)'.*of '(\d+)'"),
        "{0} caractères, {1} au plus",
    ),
    (
        re.compile(r"\[facet 'minLength'\] The value has a length of '(\d+)'.*of '(\d+)'"),
        "{0} caractère(s), {1} au moins",
    ),
    (
        re.compile(r"\[facet 'length'\] The value has a length of '(\d+)'.*length of '(\d+)'"),
        "{0} caractères, {1} attendus",
    ),
    (
        re.compile(r"\[facet 'enumeration'\] The value '(.*)' is not an element of the set (.*)\."),
        "valeur « {0} » hors de la liste {1}",
    ),
    (
        re.compile(r"\[facet 'pattern'\] The value '(.*)' is not accepted by the pattern"),
        "valeur « {0} » hors du format attendu",
    ),
    (
        re.compile(r"\[facet '(?:min|max)Inclusive'\] The value '(.*)' is (?:less|greater)"),
        "valeur « {0} » hors de la plage permise",
    ),
    (
        re.compile(r"'(.*)' is not a valid value of the atomic type '(.*)'"),
        "valeur « {0} » invalide pour le type {1}",
    ),
    (
        re.compile(r"This element is not expected\. Expected is \( (.*) \)"),
        "inattendu ici ; attendu : {0}",
    ),
    (re.compile(r"This element is not expected"), "inattendu ici"),
    (
        re.compile(r"Missing child element\(s\)\. Expected is (?:one of )?\( (.*) \)"),
        "incomplet, il manque : {0}",
    ),
    (
        re.compile(r"No matching global declaration available for the validation root"),
        "n'est pas la racine d'un flux de ce schéma",
    ),
    (re.compile(r"The element is not 'nillable'"), "ne peut pas être vide (xsi:nil)"),
]


def validate_flux_file(
    path: str | os.PathLike[str],
    schema: SchemaChoice | CdcSchema = DEFAULT_SCHEMA,
    *,
    max_issues: int = DEFAULT_MAX_ISSUES,
    shown_name: str | None = None,
) -> int:
    """Validate a flux file, streaming; returns its number of passages.

    Raises :class:`FluxInvalid` with the first ``max_issues`` errors, each with its line and a
    French sentence naming the element (and the passage's technical id). ``shown_name`` is the
    file name used in the message (the writer validates a temporary file).
    """
    chosen = load_schema(schema)
    whole_schema, passage_schema = chosen.fresh_validators()
    passage_tag = (
        f"{{{chosen.namespace}}}{PASSAGE_ELEMENT}" if chosen.namespace else PASSAGE_ELEMENT
    )
    issues: list[ValidationIssue] = []
    count = 0
    first = None
    # The first passage stays for the final check, which reports its errors again.
    already_reported: set[tuple[int, str]] = set()
    try:
        events = _passage_ends(path, passage_tag)
        for _, element in events:
            count += 1
            if not passage_schema.validate(element):
                log = passage_schema.error_log
                issues.extend(_issues(log, _context(element, chosen)))
                if first is None:
                    already_reported = {
                        (entry.line, french_message(entry.message)) for entry in log
                    }
                if len(issues) >= max_issues:
                    break
            if first is None:
                first = element
            else:
                _drop_finished(element, first, passage_tag)
        else:
            root = events.root
            _drop_all_but(root, first, passage_tag)
            if not whole_schema.validate(root):
                issues.extend(
                    issue
                    for issue in _issues(whole_schema.error_log, "")
                    if (issue.line, issue.message) not in already_reported
                )
    except etree.XMLSyntaxError as error:
        line = error.lineno or (error.position[0] if error.position else 0)
        issues.append(ValidationIssue(line, f"XML mal formé : {error.msg}"))
    except OSError as error:
        name = shown_name or Path(path).name
        raise CdcError(f"fichier illisible : {name} ({error.strerror or error})") from error
    unique = list(dict.fromkeys(issues))[:max_issues]
    if unique:
        raise FluxInvalid(shown_name or Path(path).name, unique, chosen.name)
    return count


def _passage_ends(path: str | os.PathLike[str], passage_tag: str) -> Any:
    """Each passage as soon as it is parsed; the file is untrusted input."""
    return etree.iterparse(
        str(path),
        events=("end",),
        tag=passage_tag,
        **XML_OPTIONS,
        # The indentation would double the number of nodes to build and walk.
        remove_blank_text=True,
    )


def _drop_finished(element: Any, keep: Any, passage_tag: str) -> None:
    """Free a validated passage, and remove the passages before it (finished, all but the one
    kept for the final check)."""
    element.clear(keep_tail=True)
    parent = element.getparent()
    previous = element.getprevious()
    while previous is not None and previous is not keep and previous.tag == passage_tag:
        parent.remove(previous)
        previous = element.getprevious()


def _drop_all_but(root: Any, keep: Any, passage_tag: str) -> None:
    for passage in list(root.iter(passage_tag)):
        if passage is not keep:
            passage.getparent().remove(passage)


def _context(passage: Any, schema: CdcSchema) -> str:
    tag = f"{{{schema.namespace}}}idTechnique" if schema.namespace else "idTechnique"
    technical_id = (passage.findtext(tag) or "").strip()
    return f"passage « {technical_id[:80]} »" if technical_id else "passage sans idTechnique"


def _issues(log: Iterable[Any], context: str) -> list[ValidationIssue]:
    prefix = f"{context}, " if context else ""
    return [ValidationIssue(entry.line, prefix + french_message(entry.message)) for entry in log]


def french_message(message: str) -> str:
    """A libxml2 schema message in French, namespaces removed: « élément « nomNaissance » :
    61 caractères, 60 au plus »."""
    plain = _NAMESPACED.sub("", message).strip()
    match = _ELEMENT.match(plain)
    if match is None:
        return plain
    element, attribute, detail = match.groups()
    subject = f"élément « {element} »" + (f", attribut « {attribute} »" if attribute else "")
    for pattern, template in _TRANSLATIONS:
        found = pattern.search(detail)
        if found is not None:
            return f"{subject} : {template.format(*found.groups())}"
    return f"{subject} : {detail}"
