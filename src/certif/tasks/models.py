"""A job: one task a person started, as people follow it (progress, outcome, errors).

The backend's own row (``django_tasks_db.DBTaskResult``, named by ``task_id``) is the queue;
this one is what the pages show and what the task writes its progress to.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from certif.core.fields import ActorField
from certif.tasks.registry import label_of


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("En attente")
    RUNNING = "running", _("En cours")
    SUCCEEDED = "succeeded", _("Terminée")
    FAILED = "failed", _("Échouée")


FINISHED = (JobStatus.SUCCEEDED, JobStatus.FAILED)


def stale_after() -> timedelta:
    return timedelta(seconds=settings.WORKER_STALE_AFTER)


class Job(models.Model):
    kind = models.CharField(_("nature"), max_length=64)
    task_id = models.CharField(_("identifiant dans la file"), max_length=64, blank=True)
    started_by = ActorField(_("demandée par"))
    created_at = models.DateTimeField(_("demandée le"), default=timezone.now)
    # What the person asked for, as shown to people: French labels (translated on display)
    # and values. The task's own arguments are in the backend's row.
    arguments: models.JSONField[Any, Any] = models.JSONField(
        _("paramètres"), default=dict, blank=True
    )
    status = models.CharField(
        _("état"), max_length=16, choices=JobStatus.choices, default=JobStatus.QUEUED
    )
    started_at = models.DateTimeField(_("commencée le"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finie le"), null=True, blank=True)
    # The last sign of life of the worker running it (see ``is_stale``).
    heartbeat_at = models.DateTimeField(_("dernier signe de vie"), null=True, blank=True)

    # Progress of the current phase, as the service reports it.
    phase = models.CharField(_("étape"), max_length=200, blank=True)
    done = models.BigIntegerField(_("fait"), default=0)
    total = models.BigIntegerField(_("total"), null=True, blank=True)
    phase_started_at = models.DateTimeField(_("étape commencée le"), null=True, blank=True)
    progress_at = models.DateTimeField(_("avancement relevé le"), null=True, blank=True)

    # The outcome: lines for people, data for programs, and maybe a file to download.
    summary: models.JSONField[Any, Any] = models.JSONField(_("bilan"), default=list, blank=True)
    result: models.JSONField[Any, Any] = models.JSONField(_("résultat"), null=True, blank=True)
    file_path = models.CharField(_("fichier produit"), max_length=255, blank=True)
    file_name = models.CharField(_("nom du fichier"), max_length=255, blank=True)
    file_type = models.CharField(_("type du fichier"), max_length=128, blank=True)

    # Why it failed: a French message and, for a refused file, its problems line by line.
    error = models.TextField(_("erreur"), blank=True)
    problems: models.JSONField[Any, Any] = models.JSONField(
        _("problèmes"), default=list, blank=True
    )
    problems_total = models.PositiveIntegerField(_("nombre de problèmes"), default=0)

    class Meta:
        verbose_name = _("tâche")
        verbose_name_plural = _("tâches")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["started_by", "-created_at"], name="job_person"),
            models.Index(fields=["status", "heartbeat_at"], name="job_status"),
        ]

    def __str__(self) -> str:
        return f"{self.label} n° {self.pk}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("tasks:detail", args=[self.pk])

    @property
    def label(self) -> str:
        return label_of(self.kind)

    # -- what the pages show ---------------------------------------------------------------

    @property
    def shown_arguments(self) -> list[tuple[str, str]]:
        """The arguments in the reader's language (labels, and values that are French words)."""
        return [(_translated(label), _translated(value)) for label, value in self.arguments.items()]

    @property
    def shown_phase(self) -> str:
        return _translated(self.phase)

    @property
    def shown_error(self) -> str:
        """The error as stored (French), translated when it is one of the fixed messages."""
        return _translated(self.error)

    def is_stale(self, now: datetime | None = None) -> bool:
        """Running, but its worker has given no sign of life for ``WORKER_STALE_AFTER``: the
        worker died (killed, machine stopped) and nobody will finish it."""
        if self.status != JobStatus.RUNNING:
            return False
        last = self.heartbeat_at or self.started_at or self.created_at
        return last < (now or timezone.now()) - stale_after()

    @property
    def shown_status(self) -> str:
        return JobStatus.FAILED if self.is_stale() else self.status

    @property
    def shown_status_label(self) -> str:
        return str(JobStatus(self.shown_status).label)

    @property
    def is_finished(self) -> bool:
        return self.shown_status in FINISHED

    @property
    def has_file(self) -> bool:
        return self.status == JobStatus.SUCCEEDED and bool(self.file_path)

    @property
    def percent(self) -> int | None:
        if not self.total:
            return None
        return min(100, int(100 * self.done / self.total))

    @property
    def rate(self) -> float | None:
        """Items per second over the current phase, from the last progress recorded."""
        if not self.done or self.phase_started_at is None or self.progress_at is None:
            return None
        elapsed = (self.progress_at - self.phase_started_at).total_seconds()
        return self.done / elapsed if elapsed > 0 else None

    @property
    def seconds_left(self) -> float | None:
        rate = self.rate
        if rate is None or not self.total or self.done >= self.total:
            return None
        return (self.total - self.done) / rate


def _translated(text: Any) -> str:
    # gettext("") is the catalogue's header, never a translation.
    return gettext(str(text)) if text else ""
