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
from django.db import DatabaseError
from gunicorn.app.base import BaseApplication

from certif.config import ensure_private_dir
from certif.documents.models import DEFAULT_PUBLIC_URL, CertifierSettings, setting_public_url
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


# Addresses that listen on every interface: no address to print on a document.
WILDCARDS = ("0.0.0.0", "::", "[::]", "")


def public_url_warning(host: str, port: int) -> str:
    """A warning when no public address is configured, else nothing.

    The QR code of every document leads to the verification page at the configured public
    address; without one, documents would point at the default development address whatever
    the port served. This server's documents then point at the address it serves (unless it
    listens on every interface), so that a demo's QR codes lead to it."""
    try:
        configured = CertifierSettings.load().configured_url
    except DatabaseError:  # a database not created yet: only the environment can tell
        configured = setting_public_url()
    if configured:
        return ""
    served = f"http://{host}:{port}"
    if host not in WILDCARDS:
        # Read by this process's settings and by the worker it starts, which inherits it.
        settings.PUBLIC_URL = os.environ["CERTIF_PUBLIC_URL"] = served
    printed = served if host not in WILDCARDS else DEFAULT_PUBLIC_URL
    return (
        "Attention : aucune adresse publique n'est configurée (variable CERTIF_PUBLIC_URL, ou "
        "« Adresse publique de vérification » dans les paramètres du certificateur). Les QR "
        f"codes des documents produits par ce serveur mèneront à {printed}, et ceux des "
        f"documents produits par une commande à {DEFAULT_PUBLIC_URL} : configurez l'adresse "
        "publique avant de délivrer des documents."
    )


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
        warning = public_url_warning(options["host"], options["port"])
        if warning:
            self.stderr.write(warning)
        self.stdout.write(f"Certif sert sur http://{address}/ (Ctrl+C pour arrêter)")
        self.stdout.flush()
        # The worker stops with the server: on Ctrl+C, on an error, and (watching its parent)
        # even when this process is killed.
        with worker_beside() if options["with_worker"] else nullcontext():
            _Gunicorn(gunicorn_options(address, options["workers"])).run()
