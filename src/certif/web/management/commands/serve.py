"""``certif serve``: the application behind gunicorn, static files served by WhiteNoise."""

from __future__ import annotations

import os
from argparse import ArgumentParser
from contextlib import nullcontext
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand
from gunicorn.app.base import BaseApplication

from certif.tasks.worker import worker_beside


class _Gunicorn(BaseApplication):
    def __init__(self, options: dict[str, Any]) -> None:
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        # What certif/wsgi.py gives an external server, built here without importing it.
        from django.core.wsgi import get_wsgi_application

        return get_wsgi_application()


class Command(BaseCommand):
    help = "Sert l'application avec gunicorn (fichiers statiques compris)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument(
            "--workers", type=int, default=int(os.environ.get("CERTIF_WORKERS", "2"))
        )
        parser.add_argument(
            "--with-worker",
            action="store_true",
            help="lance aussi « certif worker » pour les tâches de fond, arrêté avec le serveur",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("collectstatic", interactive=False, verbosity=0)
        address = f"{options['host']}:{options['port']}"
        self.stdout.write(f"Certif sert sur http://{address}/ (Ctrl+C pour arrêter)")
        self.stdout.flush()
        # The worker stops with the server: on Ctrl+C, on an error, and (watching its parent)
        # even when this process is killed.
        with worker_beside() if options["with_worker"] else nullcontext():
            _Gunicorn(
                {
                    "bind": address,
                    "workers": options["workers"],
                    "worker_class": "gthread",
                    "threads": 4,
                    "accesslog": "-",
                    "timeout": 120,
                }
            ).run()
