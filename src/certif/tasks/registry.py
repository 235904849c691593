"""The kinds of job: a name stored with each job, a French label, the task that runs it.

Filled as the apps' ``tasks`` modules are imported (``TasksConfig.ready``); nothing here
touches the database.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise

    from certif.tasks.compat import Task


@dataclass(frozen=True)
class JobKind:
    name: str
    label: _StrOrPromise
    task: Task[Any, Any]


_by_name: dict[str, JobKind] = {}
_by_task: dict[str, JobKind] = {}


def register(kind: JobKind) -> None:
    known = _by_name.get(kind.name)
    if known is not None and known.task.module_path != kind.task.module_path:
        raise ValueError(f"Two tasks share the job kind {kind.name!r}")
    _by_name[kind.name] = kind
    _by_task[kind.task.module_path] = kind


def kind_named(name: str) -> JobKind | None:
    return _by_name.get(name)


def kind_of(task: Task[Any, Any]) -> JobKind:
    try:
        return _by_task[task.module_path]
    except KeyError:
        raise ValueError(f"{task.module_path} is not a job task (see job_task)") from None


def label_of(name: str) -> str:
    kind = _by_name.get(name)
    return str(kind.label) if kind is not None else name
