"""A job's page: its progress polled by htmx, then its file or its errors; who may see it;
« Mes tâches »."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.contrib.auth.models import AbstractUser
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from certif.candidates.models import Candidate
from certif.core.roles import Role
from certif.tasks.models import Job, JobStatus
from certif.tasks.services import mark_running, start
from certif.web.tasks.views import duration
from tests.tasks.sample_jobs import count_job, failed_job, rejected_job

pytestmark = pytest.mark.django_db

OTHER_ROLES = [Role.EVALUATOR, Role.JURY_MEMBER, Role.JURY_PRESIDENT, Role.CANDIDATE]


def signed_in(user: AbstractUser) -> Client:
    client = Client()
    client.force_login(user)
    return client


def urls(job: Job) -> list[str]:
    return [
        reverse("tasks:detail", args=[job.pk]),
        reverse("tasks:state", args=[job.pk]),
        reverse("tasks:download", args=[job.pk]),
    ]


@pytest.fixture
def owner(make_user: Callable[..., AbstractUser]) -> AbstractUser:
    # Not a gestionnaire: an évaluateur may start a job of their own one day.
    return make_user(Role.EVALUATOR)


@pytest.fixture
def finished(owner: AbstractUser, run_jobs: Callable[[], int]) -> Job:
    job = start(count_job, actor=owner, upto=3, write_file=True)
    run_jobs()
    job.refresh_from_db()
    return job


# -- who may see a job --------------------------------------------------------------------------


def test_the_person_who_started_a_job_sees_its_page_and_file(
    owner: AbstractUser, finished: Job
) -> None:
    client = signed_in(owner)
    for url in urls(finished):
        assert client.get(url).status_code == 200, url


def test_a_gestionnaire_sees_any_job(client_as: Callable[..., Client], finished: Job) -> None:
    client = client_as(Role.STAFF)
    for url in urls(finished):
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("role", OTHER_ROLES)
def test_anyone_else_is_refused_whatever_their_role(
    role: Role,
    client_as: Callable[..., Client],
    finished: Job,
    candidates: list[Candidate],
) -> None:
    client = client_as(role, candidate=candidates[0] if role is Role.CANDIDATE else None)
    for url in urls(finished):
        assert client.get(url).status_code == 403, url


def test_anonymous_visitors_are_sent_to_the_login_page(finished: Job) -> None:
    for url in [*urls(finished), reverse("tasks:mine")]:
        response = Client().get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("login"))


def test_an_unknown_job_is_not_found(client_as: Callable[..., Client]) -> None:
    assert client_as(Role.STAFF).get(reverse("tasks:detail", args=[999])).status_code == 404


# -- while it runs --------------------------------------------------------------------------------


@pytest.fixture
def midway(owner: AbstractUser) -> Job:
    job = mark_running(start(count_job, actor=owner, upto=200).pk)
    now = timezone.now()
    Job.objects.filter(pk=job.pk).update(
        phase="Écriture des notes",
        done=5000,
        total=20000,
        phase_started_at=now - timedelta(seconds=1000),
        progress_at=now,
        heartbeat_at=now,
    )
    job.refresh_from_db()
    return job


def test_a_running_job_shows_its_phase_progress_rate_and_time_left(
    owner: AbstractUser, midway: Job
) -> None:
    html = signed_in(owner).get(reverse("tasks:detail", args=[midway.pk])).content.decode()

    assert "Écriture des notes" in html
    assert '<progress id="job-progress" max="20000" value="5000"' in html
    assert "5\xa0000 sur 20\xa0000 (25 %)" in html
    assert "5,0 par seconde" in html
    assert "environ 50 min 00 s" in html


def test_a_running_job_polls_every_second_and_refreshes_itself_without_javascript(
    owner: AbstractUser, midway: Job
) -> None:
    html = signed_in(owner).get(reverse("tasks:detail", args=[midway.pk])).content.decode()

    assert f'hx-get="{reverse("tasks:state", args=[midway.pk])}"' in html
    assert 'hx-trigger="every 1s"' in html
    assert '<noscript><meta http-equiv="refresh" content="2"></noscript>' in html
    assert f'href="{reverse("tasks:detail", args=[midway.pk])}">Rafraîchir</a>' in html


def test_the_htmx_partial_is_the_state_alone(owner: AbstractUser, midway: Job) -> None:
    client = signed_in(owner)
    for response in (
        client.get(reverse("tasks:state", args=[midway.pk])),
        client.get(reverse("tasks:detail", args=[midway.pk]), headers={"HX-Request": "true"}),
    ):
        html = response.content.decode()
        assert html.lstrip().startswith('<section id="job-state"')
        assert "<html" not in html
        assert 'hx-trigger="every 1s"' in html


def test_a_queued_job_says_it_waits_for_a_worker(owner: AbstractUser) -> None:
    job = start(count_job, actor=owner, upto=1)
    html = signed_in(owner).get(reverse("tasks:state", args=[job.pk])).content.decode()
    assert "En attente" in html
    assert "hx-trigger" in html


# -- once finished --------------------------------------------------------------------------------


def test_a_finished_job_stops_polling_and_offers_its_file(
    owner: AbstractUser, finished: Job
) -> None:
    client = signed_in(owner)
    html = client.get(reverse("tasks:state", args=[finished.pk])).content.decode()

    assert "hx-trigger" not in html
    assert "3 comptés." in html
    assert "Télécharger compte.csv" in html
    page = client.get(reverse("tasks:detail", args=[finished.pk])).content.decode()
    assert "http-equiv" not in page

    download = client.get(reverse("tasks:download", args=[finished.pk]))
    assert download["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="compte.csv"' in download["Content-Disposition"]
    assert b"".join(download.streaming_content) == b"n\n0\n1\n2\n"  # type: ignore[attr-defined]


def test_a_file_no_longer_on_disk_is_not_found(
    owner: AbstractUser, finished: Job, task_files: object
) -> None:
    Job.objects.filter(pk=finished.pk).update(file_path=f"{finished.pk}/parti.csv")
    assert signed_in(owner).get(reverse("tasks:download", args=[finished.pk])).status_code == 404


def test_a_path_outside_the_files_folder_is_never_served(
    owner: AbstractUser, finished: Job
) -> None:
    Job.objects.filter(pk=finished.pk).update(file_path="../../../etc/passwd")
    assert signed_in(owner).get(reverse("tasks:download", args=[finished.pk])).status_code == 404


def test_a_failed_job_shows_its_error_and_its_problems_line_by_line(
    owner: AbstractUser, run_jobs: Callable[[], int]
) -> None:
    job = start(rejected_job, actor=owner)
    run_jobs()
    html = signed_in(owner).get(reverse("tasks:detail", args=[job.pk])).content.decode()

    assert "Échouée" in html
    assert "Fichier refusé, rien n&#x27;a été écrit : 2 problèmes trouvés." in html
    assert "« 31/02/1990 »" in html
    assert "date impossible" in html
    assert "ligne vide au milieu du fichier" in html
    assert "hx-trigger" not in html
    assert reverse("tasks:download", args=[job.pk]) not in html


def test_a_failed_job_says_how_many_problems_it_does_not_list(
    owner: AbstractUser, run_jobs: Callable[[], int]
) -> None:
    job = start(failed_job, actor=owner)
    run_jobs()
    html = signed_in(owner).get(reverse("tasks:detail", args=[job.pk])).content.decode()
    assert "… et 1 autre problème." in html


def test_a_job_page_is_in_english_for_an_english_reader(owner: AbstractUser, finished: Job) -> None:
    client = signed_in(owner)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    html = client.get(reverse("tasks:detail", args=[finished.pk])).content.decode()
    assert "Done" in html
    assert "Download compte.csv" in html
    assert "My tasks" in html


# -- « Mes tâches » -----------------------------------------------------------------------------


def test_my_tasks_lists_my_jobs_only_newest_first(
    owner: AbstractUser, make_user: Callable[..., AbstractUser]
) -> None:
    first = start(count_job, actor=owner, upto=1)
    second = start(count_job, actor=owner, upto=2)
    someone_else = start(count_job, actor=make_user(Role.STAFF), upto=3)

    html = signed_in(owner).get(reverse("tasks:mine")).content.decode()

    assert html.index(f"n° {second.pk}<") < html.index(f"n° {first.pk}<")
    assert f"n° {someone_else.pk}<" not in html


def test_my_tasks_is_in_the_user_menu(client_as: Callable[..., Client]) -> None:
    html = client_as(Role.JURY_MEMBER).get(reverse("tasks:mine")).content.decode()
    assert f'href="{reverse("tasks:mine")}"' in html
    assert "Aucune tâche pour le moment." in html


@pytest.mark.parametrize(
    ("seconds", "shown"),
    [(0.2, "1 s"), (45, "45 s"), (200, "3 min 20 s"), (3900, "1 h 05 min")],
)
def test_time_left_reads_as_people_say_it(seconds: float, shown: str) -> None:
    assert duration(seconds) == shown


def test_a_status_is_never_shown_by_colour_alone(owner: AbstractUser, finished: Job) -> None:
    html = signed_in(owner).get(reverse("tasks:mine")).content.decode()
    assert f'<span class="status status--validated">{JobStatus.SUCCEEDED.label}</span>' in html


def test_the_journal_shows_who_started_a_job(
    client_as: Callable[..., Client], owner: AbstractUser
) -> None:
    job = start(count_job, actor=owner, upto=1)
    html = client_as(Role.STAFF).get(reverse("journal:list")).content.decode()
    assert "Tâche lancée" in html
    assert str(job) in html
    assert owner.get_username() in html


@pytest.mark.parametrize(
    "name", ["admin:tasks_job_changelist", "admin:django_tasks_database_dbtaskresult_changelist"]
)
def test_the_admin_lists_jobs_and_the_queue_read_only(
    name: str, admin_client: Client, finished: Job
) -> None:
    assert admin_client.get(reverse(name)).status_code == 200
