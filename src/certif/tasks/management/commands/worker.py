"""``certif worker``: run the queued background tasks (django-tasks-db's worker, Certif's rules).

Any number of workers, on any number of machines, may share one PostgreSQL queue: each task
is claimed by one of them. Ctrl+C or SIGTERM stops a worker cleanly (see certif.tasks.worker).
"""

from __future__ import annotations

import argparse
import logging
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from certif.tasks.worker import (
    DEFAULT_GRACE,
    CertifWorker,
    private_temp_dir,
    stop_with_parent,
    supervise,
    worker_id,
)


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("au moins 1")
    return value


def _seconds(text: str) -> float:
    value = float(text)
    if not value >= 0:
        raise argparse.ArgumentTypeError("un nombre de secondes positif ou nul")
    return value


class Command(BaseCommand):
    help = (
        "Exécute les tâches de fond en attente (imports, exports, documents) ; Ctrl+C ou "
        "SIGTERM l'arrête proprement."
    )

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument(
            "--concurrency",
            type=_positive,
            default=settings.WORKER_CONCURRENCY,
            help="processus de travail, chacun une tâche à la fois "
            "(CERTIF_WORKER_CONCURRENCY, %(default)s par défaut)",
        )
        parser.add_argument(
            "--queue-name",
            default="default",
            help="files à traiter, séparées par des virgules, ou * pour toutes (%(default)s)",
        )
        parser.add_argument(
            "--interval",
            type=_seconds,
            default=1.0,
            help="secondes d'attente quand la file est vide (%(default)s)",
        )
        parser.add_argument(
            "--grace",
            type=_seconds,
            default=DEFAULT_GRACE,
            help="secondes laissées à la tâche en cours pour finir à l'arrêt (%(default)s)",
        )
        parser.add_argument(
            "--batch", action="store_true", help="exécute les tâches en attente, puis s'arrête"
        )
        parser.add_argument("--max-tasks", type=_positive, default=None)
        parser.add_argument("--worker-id", default=None, help=argparse.SUPPRESS)
        parser.add_argument("--stop-with-parent", type=int, default=None, help=argparse.SUPPRESS)

    def handle(self, *args: Any, **options: Any) -> None:
        self._configure_logging(options["verbosity"])
        if options["stop_with_parent"] is not None:
            stop_with_parent(options["stop_with_parent"])
        if options["concurrency"] > 1 and not options["batch"]:
            passed = [
                f"--queue-name={options['queue_name']}",
                f"--interval={options['interval']}",
                f"--grace={options['grace']}",
                f"--verbosity={options['verbosity']}",
            ]
            if options["max_tasks"] is not None:
                passed.append(f"--max-tasks={options['max_tasks']}")
            self.stdout.write(f"{options['concurrency']} processus de travail démarrés.")
            supervise(options["concurrency"], passed)
            return
        queues = options["queue_name"].split(",")
        if not queues or "" in queues:
            raise CommandError("--queue-name : au moins une file")
        worker = CertifWorker(
            queue_names=queues,
            interval=options["interval"],
            batch=options["batch"],
            backend_name="default",
            startup_delay=not options["batch"],
            max_tasks=options["max_tasks"],
            worker_id=options["worker_id"] or worker_id(),
            excluded_queue_names=[],
            grace=options["grace"],
        )
        worker.configure_signals()
        self.stdout.write(
            f"Processus de travail {worker.worker_id} prêt (Ctrl+C pour arrêter).", ending="\n"
        )
        self.stdout.flush()
        with private_temp_dir():
            worker.run()

    def _configure_logging(self, verbosity: int) -> None:
        level = {0: logging.ERROR, 1: logging.INFO}.get(verbosity, logging.DEBUG)
        handler = logging.StreamHandler(self.stdout)
        handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(message)s", "%H:%M:%S"))
        for name in ("certif.tasks", "django_tasks", "django_tasks_db"):
            named = logging.getLogger(name)
            named.setLevel(level)
            if not named.handlers:
                named.addHandler(handler)
            named.propagate = False
