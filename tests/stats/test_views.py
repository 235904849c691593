"""« Statistiques »: who opens it for which scope, its charts and tables, its exports."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from django.contrib.auth.models import AbstractUser
from django.test import Client
from django.urls import reverse

from certif.core.roles import Role
from certif.deliberations import services
from certif.deliberations.models import Deliberation
from certif.domain.referential.schema import Referential
from certif.sessions.models import ExamSession
from certif.tasks.models import Job
from tests.support.builders import score_rows, threshold
from tests.support.deliberations import (
    DECEMBER,
    DECEMBER_DAYS,
    held,
    import_rows,
    seat_jury,
)
from tests.support.grading import signed_in
from tests.support.stats import ABSENT, Cohort
from tests.tasks.fixtures import run_jobs, task_files  # noqa: F401

pytestmark = pytest.mark.django_db

PAGE = "stats:page"


@pytest.fixture
def juries(
    cohort: Cohort,
    ccab: Referential,
    staff: AbstractUser,
    president: AbstractUser,
    member: AbstractUser,
    make_user: Callable[..., AbstractUser],
    tmp_path: Path,
) -> tuple[Deliberation, Deliberation, AbstractUser]:
    """The June session's jury, presided by ``president``; December's, by another president."""
    june = services.open_deliberation(cohort.session, staff, date(2026, 7, 1), "Paris")
    seat_jury(june, president, member)
    rows = score_rows(ccab, ABSENT, "B1", threshold(ccab, "B1"), DECEMBER)
    import_rows(tmp_path, rows, "decembre.csv")
    december_session = held(DECEMBER, *DECEMBER_DAYS)
    december = services.open_deliberation(december_session, staff, date(2027, 1, 5), "Paris")
    other = make_user(Role.JURY_PRESIDENT, username="autre-president")
    seat_jury(december, other, make_user(Role.JURY_MEMBER))
    return june, december, other


def test_a_gestionnaire_sees_everyone_s_statistics_with_their_charts(
    cohort: Cohort, client_as: Callable[..., Client]
) -> None:
    response = client_as(Role.STAFF).get(reverse(PAGE))
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count('role="img"') >= 3
    assert 'id="chart-pass-rates"' in page
    assert 'id="table-units"' in page
    assert 'id="chart-histogram-B1"' in page
    assert "histogram-table" in page
    assert 'id="chart-criteria"' in page
    assert 'id="table-criteria"' in page
    assert response.context["found"].results.candidates == 7


def test_a_year_shows_france_competences_tables(
    cohort: Cohort, client_as: Callable[..., Client]
) -> None:
    page = client_as(Role.STAFF).get(reverse(PAGE), {"annee": "2026"}).content.decode()
    assert 'id="table-promotion"' in page
    assert 'id="table-access-paths"' in page


def test_the_president_of_the_session_s_jury_sees_its_statistics(
    juries: tuple[Deliberation, Deliberation, AbstractUser],
    cohort: Cohort,
    president: AbstractUser,
) -> None:
    client = signed_in(president)
    response = client.get(reverse(PAGE), {"session": cohort.session.code})
    assert response.status_code == 200
    assert response.context["scope"].session == cohort.session.code
    # Without a filter, the page opens on the president's own session.
    assert client.get(reverse(PAGE)).context["scope"].session == cohort.session.code


def test_a_president_is_offered_only_the_sessions_of_their_juries(
    juries: tuple[Deliberation, Deliberation, AbstractUser], president: AbstractUser
) -> None:
    form = signed_in(president).get(reverse(PAGE)).context["form"]
    assert [code for code, _label in form.session_choices] == ["2026-06"]
    assert "annee" not in form.fields


def test_the_president_of_another_jury_is_refused_this_session(
    juries: tuple[Deliberation, Deliberation, AbstractUser], cohort: Cohort
) -> None:
    _june, _december, other = juries
    client = signed_in(other)
    assert client.get(reverse(PAGE), {"session": cohort.session.code}).status_code == 403
    assert client.get(reverse(PAGE), {"session": DECEMBER}).status_code == 200


def test_a_president_cannot_read_every_session_at_once(
    juries: tuple[Deliberation, Deliberation, AbstractUser], president: AbstractUser
) -> None:
    assert signed_in(president).get(reverse(PAGE), {"session": ""}).status_code == 403


@pytest.mark.parametrize("role", [Role.JURY_MEMBER, Role.EVALUATOR, Role.CANDIDATE])
def test_other_roles_are_refused(
    role: Role,
    juries: tuple[Deliberation, Deliberation, AbstractUser],
    cohort: Cohort,
    client_for: Callable[[Role], Client],
) -> None:
    client = client_for(role)
    assert client.get(reverse(PAGE), {"session": cohort.session.code}).status_code == 403
    assert client.post(reverse("stats:export", args=["xlsx"])).status_code == 403


def test_a_jury_member_of_the_session_is_refused(
    juries: tuple[Deliberation, Deliberation, AbstractUser],
    cohort: Cohort,
    member: AbstractUser,
) -> None:
    response = signed_in(member).get(reverse(PAGE), {"session": cohort.session.code})
    assert response.status_code == 403


def test_anonymous_visitors_are_sent_to_the_login_page(cohort: Cohort) -> None:
    for response in (
        Client().get(reverse(PAGE)),
        Client().post(reverse("stats:export", args=["pdf"])),
    ):
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_an_unknown_year_is_refused_beside_its_field(
    cohort: Cohort, client_as: Callable[..., Client]
) -> None:
    response = client_as(Role.STAFF).get(reverse(PAGE), {"annee": "12"})
    assert response.status_code == 422


def test_the_navigation_leads_gestionnaires_to_the_page(
    cohort: Cohort, client_as: Callable[..., Client]
) -> None:
    page = client_as(Role.STAFF).get(reverse("home")).content.decode()
    assert f'href="{reverse(PAGE)}"' in page


@pytest.mark.parametrize(("kind", "signature"), [("xlsx", b"PK"), ("pdf", b"%PDF")])
def test_the_workbook_and_the_report_are_written_by_the_worker(
    kind: str,
    signature: bytes,
    cohort: Cohort,
    client_as: Callable[..., Client],
    run_jobs: Callable[[], int],  # noqa: F811
) -> None:
    client = client_as(Role.STAFF)
    asked = client.post(reverse("stats:export", args=[kind]), {"annee": "2026"})
    job = Job.objects.get()
    assert asked["Location"] == reverse("tasks:detail", args=[job.pk])
    assert run_jobs() == 1
    content = b"".join(client.get(reverse("tasks:download", args=[job.pk])).streaming_content)
    assert content.startswith(signature)


def test_a_president_exports_their_session_only(
    juries: tuple[Deliberation, Deliberation, AbstractUser],
    cohort: Cohort,
    president: AbstractUser,
) -> None:
    client = signed_in(president)
    assert (
        client.post(reverse("stats:export", args=["xlsx"]), {"session": DECEMBER}).status_code
        == 403
    )
    assert not Job.objects.exists()
    mine = client.post(reverse("stats:export", args=["xlsx"]), {"session": cohort.session.code})
    assert mine.status_code == 302


def test_sessions_are_listed_for_gestionnaires(
    cohort: Cohort, client_as: Callable[..., Client]
) -> None:
    form = client_as(Role.STAFF).get(reverse(PAGE)).context["form"]
    assert [code for code, _ in form.session_choices] == [
        "",
        *ExamSession.objects.values_list("code", flat=True),
    ]


def test_the_page_reads_in_english_with_its_charts(
    cohort: Cohort, client_as: Callable[..., Client]
) -> None:
    client = client_as(Role.STAFF)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = client.get(reverse(PAGE), {"annee": "2026"}).content.decode()
    assert "Pass rate by unit" in page
    assert "Threshold: 12" in page
    assert "France compétences: 2026 cohort" in page
    assert "Réussite par unité" not in page
