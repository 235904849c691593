"""``certif referential lint`` and ``show``: work on files alone, without a database."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from typing import Any, Protocol

from certif.domain.referential.lint import Severity, has_errors, lint, schema_findings
from certif.domain.referential.loading import (
    ReferentialFileError,
    load_builtin_referential,
    load_referential_file,
)
from certif.domain.referential.render import referential_to_json, referential_to_text


class Writer(Protocol):
    def write(self, text: str, /) -> Any: ...


def lint_files(paths: Sequence[str], out: Writer) -> int:
    """Print one line per finding; return 1 when any file has an error, else 0."""
    status = 0
    for path in paths:
        try:
            findings = lint(load_referential_file(path))
        except ReferentialFileError as error:
            findings = schema_findings(error)
        for finding in findings:
            out.write(finding.describe(path) + "\n")
        errors = sum(1 for f in findings if f.severity is Severity.ERROR)
        warnings = len(findings) - errors
        out.write(f"{path} : {errors} erreur(s), {warnings} avertissement(s)\n")
        if has_errors(findings):
            status = 1
    return status


def show_file(path: str | None, output_format: str, out: Writer, err: Writer) -> int:
    try:
        loaded = load_referential_file(path) if path else load_builtin_referential()
    except ReferentialFileError as error:
        err.write(str(error) + "\n")
        return 1
    if output_format == "json":
        json.dump(referential_to_json(loaded.referential), out, ensure_ascii=False, indent=2)
        out.write("\n")
    else:
        out.write(referential_to_text(loaded.referential))
    return 0


def build_parser(prog: str = "certif referential") -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=prog, description="Référentiels : vérifier et afficher.")
    commands = parser.add_subparsers(dest="action", required=True)
    lint_parser = commands.add_parser(
        "lint", help="vérifier un ou plusieurs fichiers de référentiel"
    )
    lint_parser.add_argument("files", nargs="+", metavar="FILE")
    show_parser = commands.add_parser("show", help="afficher un référentiel en entier")
    show_parser.add_argument(
        "file", nargs="?", metavar="FILE", help="par défaut : le référentiel livré"
    )
    show_parser.add_argument("--format", choices=["text", "json"], default="text")
    return parser


FILE_ACTIONS = ("lint", "show")


def main(argv: Sequence[str]) -> int:
    options = build_parser().parse_args(argv)
    if options.action == "lint":
        return lint_files(options.files, sys.stdout)
    return show_file(options.file, options.format, sys.stdout, sys.stderr)
