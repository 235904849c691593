"""Compile the .po catalogues of every Certif app into .mo files, without GNU gettext.

``python -m certif.core.translations`` (run by ``make``): a fresh machine has no msgfmt,
so Babel compiles. A catalogue is compiled only when its .po is newer than its .mo.
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

PACKAGE = Path(__file__).resolve().parent.parent


def catalogues() -> list[Path]:
    return sorted(PACKAGE.glob("**/locale/*/LC_MESSAGES/*.po"))


def compile_all(force: bool = False) -> list[Path]:
    compiled = []
    for po in catalogues():
        mo = po.with_suffix(".mo")
        if not force and mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        with po.open("rb") as source:
            catalog = read_po(source)
        with mo.open("wb") as target:
            write_mo(target, catalog, use_fuzzy=False)
        compiled.append(mo)
    return compiled


if __name__ == "__main__":
    for path in compile_all(force="--force" in sys.argv):
        print(f"compiled {path.relative_to(PACKAGE.parent)}")
