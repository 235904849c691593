"""Background work: long services run by a worker process, their progress on a page.

A service becomes a task by a function decorated with ``job_task`` (``certif.tasks.jobs``)
that calls it with the run's reporter; a page starts it with ``services.start`` and sends the
person to the job's page. The queue is django-tasks' database backend; ``certif worker`` runs
it. See docs/architecture.md, « Background work ».
"""
