"""``certif serve``: the application behind gunicorn, static files served by WhiteNoise."""

from __future__ import annotations

import errno
import os
import socket
from argparse import ArgumentParser
from contextlib import nullcontext
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from gunicorn.app.base import BaseApplication

from certif.config import ensure_private_dir
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


def check_port_free(host: str, port: int) -> None:
    """Refuse, in French and before anything starts, an address another program listens on
    (gunicorn would retry five times, then stop with a traceback)."""
    try:
        infos = socket.getaddrinfo(host.strip("[]"), port, type=socket.SOCK_STREAM)
    except socket.gaierror as error:
        raise CommandError(f"Adresse d'écoute inconnue : {host} ({error.strerror}).") from error
    family, kind, proto, _name, address = infos[0]
    with socket.socket(family, kind, proto) as probe:
        # As gunicorn binds: SO_REUSEADDR lets a socket in TIME_WAIT go, never a listener.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as error:
            if error.errno == errno.EADDRINUSE:
                raise CommandError(
                    f"Le port {port} de {host} est déjà utilisé (une autre instance de Certif ?) : "
                    "arrêtez-la ou choisissez un autre port avec --port."
                ) from error
            raise CommandError(
                f"Impossible d'écouter sur {host}:{port} : {error.strerror}."
            ) from error


def gunicorn_options(address: str, workers: int) -> dict[str, Any]:
    return {
        "bind": address,
        "workers": workers,
        "worker_class": "gthread",
        "threads": 4,
        "accesslog": "-",
        "timeout": 120,
        # gunicorn ≥ 25 opens a control socket at one fixed path per user
        # (~/.gunicorn/gunicorn.ctl): a second instance would take over the first's, and whoever
        # reaches it could stop or resize the other. Certif does not use it.
        "control_socket_disable": True,
    }


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
        check_port_free(options["host"], options["port"])
        ensure_private_dir(settings.DATA_DIR)
        call_command("collectstatic", interactive=False, verbosity=0)
        address = f"{options['host']}:{options['port']}"
        self.stdout.write(f"Certif sert sur http://{address}/ (Ctrl+C pour arrêter)")
        self.stdout.flush()
        # The worker stops with the server: on Ctrl+C, on an error, and (watching its parent)
        # even when this process is killed.
        with worker_beside() if options["with_worker"] else nullcontext():
            _Gunicorn(gunicorn_options(address, options["workers"])).run()
