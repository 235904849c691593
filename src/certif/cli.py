"""The ``certif`` command: Django's management commands plus Certif's own.

``certif referential lint|show`` work on files alone and need no configuration;
``certif init`` prepares the data folder (and a local secret key) before Django
reads its settings.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    try:
        return _dispatch(list(sys.argv[1:] if argv is None else argv))
    except BrokenPipeError:
        # Output piped into `head` and closed early: not an error worth a traceback.
        sys.stderr.close()
        return 0


def _dispatch(args: list[str]) -> int:
    if len(args) >= 2 and args[0] == "referential":
        from certif.referential import commandline

        if args[1] in commandline.FILE_ACTIONS or args[1] in ("-h", "--help"):
            return commandline.main(args[1:])
    if args[:1] == ["init"]:
        from certif.config import ensure_local_field_key, ensure_local_secret_key

        created = ensure_local_secret_key()
        if created is not None:
            print(f"Clé secrète créée : {created}")
        field_key = ensure_local_field_key()
        if field_key is not None:
            print(f"Clé de chiffrement des données sensibles créée : {field_key}")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "certif.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["certif", *args])
    return 0


if __name__ == "__main__":
    sys.exit(main())
