"""Reading a référentiel file, with errors that name the file, the place in it and the fault.

Locations are given as a path inside the document (``blocks[2].criteria[4].max_points``)
and the line of the YAML source where that element starts.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from certif.domain.referential.schema import Referential

Location = tuple[str | int, ...]

BUILTIN_PACKAGE = "certif.referentials"
BUILTIN_FILES = ("ccab.yaml",)


def format_location(location: Location) -> str:
    text = ""
    for part in location:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else part
    return text or "(racine)"


def format_place(source: str, line: int | None) -> str:
    """The file, and the line when it is known: « ref.yaml:12 »."""
    return f"{source}:{line}" if line else source


@dataclass(frozen=True)
class Problem:
    location: Location
    line: int | None
    message: str

    def describe(self, source: str) -> str:
        return (
            f"{format_place(source, self.line)}: {format_location(self.location)} : {self.message}"
        )


class ReferentialFileError(Exception):
    """The file cannot be read as a référentiel; ``problems`` says every place and why."""

    def __init__(self, source: str, problems: Sequence[Problem]) -> None:
        self.source = source
        self.problems = list(problems)
        super().__init__("\n".join(problem.describe(source) for problem in self.problems))


@dataclass(frozen=True)
class LoadedReferential:
    """A parsed file: the typed référentiel plus what is needed to point back into the source."""

    referential: Referential
    source: str
    text: str
    lines: dict[Location, int] = field(default_factory=dict)

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()

    def line_of(self, location: Location) -> int | None:
        for end in range(len(location), -1, -1):
            line = self.lines.get(location[:end])
            if line is not None:
                return line
        return None


def _node_lines(node: yaml.Node, location: Location = ()) -> Iterator[tuple[Location, int]]:
    yield location, node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            yield from _node_lines(value, (*location, str(key.value)))
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            yield from _node_lines(item, (*location, index))


_PYDANTIC_MESSAGES = {
    "missing": "champ obligatoire manquant",
    "extra_forbidden": "champ inconnu",
    "string_type": "doit être un texte",
    "string_too_short": "ne doit pas être vide",
    "string_too_long": "trop long (au plus {max_length} caractères)",
    "string_pattern_mismatch": "code invalide (lettres, chiffres, « _ », « - » ou « . » seulement)",
    "int_type": "doit être un nombre entier",
    "int_parsing": "doit être un nombre entier",
    "int_from_float": "doit être un nombre entier",
    "decimal_type": "doit être un nombre",
    "decimal_parsing": "doit être un nombre",
    "bool_type": "doit valoir true ou false",
    "bool_parsing": "doit valoir true ou false",
    "date_type": "doit être une date AAAA-MM-JJ",
    "date_from_datetime_parsing": "doit être une date AAAA-MM-JJ",
    "list_type": "doit être une liste",
    "dict_type": "doit être un ensemble de champs",
    "model_type": "doit être un ensemble de champs",
    "too_short": "doit contenir au moins {min_length} élément(s)",
    "greater_than": "doit être supérieur à {gt}",
    "greater_than_equal": "doit être supérieur ou égal à {ge}",
    "literal_error": "valeur non admise (attendu : {expected})",
    "enum": "valeur non admise (attendu : {expected})",
    "union_tag_invalid": "valeur non admise pour « {discriminator} » (attendu : {expected_tags})",
    "union_tag_not_found": "le champ {discriminator} est obligatoire",
    "value_error": "{error}",
}


def _french_message(error: Any) -> str:
    template = _PYDANTIC_MESSAGES.get(error["type"])
    if template is None:
        return str(error["msg"])
    try:
        return template.format(**error.get("ctx", {}))
    except (KeyError, IndexError):
        return str(error["msg"])


_UNION_TAGS = frozenset({"points", "pass_fail", "function-after", "str", "list[str]"})


def _document_location(data: Any, loc: Sequence[str | int]) -> Location:
    """Keep the parts of a pydantic location that exist in the document (drop union tags)."""
    location: list[str | int] = []
    node = data
    for part in loc:
        if isinstance(part, int):
            if not (isinstance(node, list) and 0 <= part < len(node)):
                break
            node = node[part]
        elif part in _UNION_TAGS:
            continue
        elif isinstance(node, dict) and part in node:
            node = node[part]
        else:
            # A missing or unknown field: name it, and stop there.
            location.append(part)
            break
        location.append(part)
    return tuple(location)


def parse_referential(text: str, source: str) -> LoadedReferential:
    """Parse and type-check a référentiel; raise ``ReferentialFileError`` naming every fault."""
    try:
        root = yaml.compose(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        raise ReferentialFileError(
            source, [Problem((), line, f"YAML illisible : {getattr(error, 'problem', error)}")]
        ) from error
    if root is None:
        raise ReferentialFileError(source, [Problem((), None, "le fichier est vide")])
    lines = dict(_node_lines(root))
    data = yaml.safe_load(text)
    if not isinstance(data, dict):
        raise ReferentialFileError(
            source, [Problem((), 1, "le document doit être un ensemble de champs")]
        )
    try:
        referential = Referential.model_validate(data)
    except ValidationError as error:
        problems = []
        for item in error.errors():
            location = _document_location(data, item["loc"])
            line = next(
                (
                    lines[location[:end]]
                    for end in range(len(location), -1, -1)
                    if location[:end] in lines
                ),
                None,
            )
            problems.append(Problem(location, line, _french_message(item)))
        raise ReferentialFileError(source, problems) from error
    return LoadedReferential(referential, source, text, lines)


def load_referential_file(path: str | Path) -> LoadedReferential:
    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8")
    except FileNotFoundError as error:
        raise ReferentialFileError(str(file), [Problem((), None, "fichier introuvable")]) from error
    except UnicodeDecodeError as error:
        raise ReferentialFileError(
            str(file), [Problem((), None, "le fichier n'est pas encodé en UTF-8")]
        ) from error
    return parse_referential(text, str(file))


def builtin_referential_paths() -> list[Path]:
    folder = resources.files(BUILTIN_PACKAGE)
    return [Path(str(folder.joinpath(name))) for name in BUILTIN_FILES]


def load_builtin_referential(name: str = BUILTIN_FILES[0]) -> LoadedReferential:
    return parse_referential(
        resources.files(BUILTIN_PACKAGE).joinpath(name).read_text(encoding="utf-8"), name
    )
