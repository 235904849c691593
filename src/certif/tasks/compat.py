"""Django's tasks API, from the ``django_tasks`` backport while Certif runs on Django 5.2.

Django 6.0 ships the same API as ``django.tasks``: moving to it changes these imports only.
"""

from __future__ import annotations

from django_tasks import TaskResult, TaskResultStatus, task
from django_tasks.base import Task

__all__ = ["Task", "TaskResult", "TaskResultStatus", "task"]
