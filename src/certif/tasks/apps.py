from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class TasksConfig(AppConfig):
    name = "certif.tasks"
    label = "tasks"
    verbose_name = _("Tâches de fond")

    def ready(self) -> None:
        # Each app declares its tasks in its own ``tasks`` module: importing them all registers
        # every kind of job, so that any process (a page, the worker) can name any job.
        autodiscover_modules("tasks")
