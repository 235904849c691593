"""``python -m bench [suite] [options]`` — see bench/README.md."""

from __future__ import annotations

import sys

from bench import browser_import, cdc, documents, hostile, scale, web

SUITES = {
    "scale": scale.main,
    "web": web.main,
    "documents": documents.main,
    "cdc": cdc.main,
    "hostile": hostile.main,
    "browser-import": browser_import.main,
}


def main(argv: list[str]) -> int:
    suite = argv[0] if argv and not argv[0].startswith("-") else "scale"
    rest = argv[1:] if argv and not argv[0].startswith("-") else argv
    if suite not in SUITES:
        print(f"unknown suite {suite!r}; known: {', '.join(SUITES)}", file=sys.stderr)
        return 2
    return SUITES[suite](rest)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
