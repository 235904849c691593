"""The candidates pages: who may see them, the search, the filters, the file, the identity."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth.models import AbstractUser
from django.test import Client
from django.urls import reverse

from certif.accounts.models import ConflictKind, ConflictOfInterest
from certif.candidates.models import Candidate
from certif.core.models import AuditEvent
from certif.core.roles import Role
from certif.grading.models import ScoreSheet
from certif.grading.services import change_score
from certif.results.models import CandidateResult

pytestmark = pytest.mark.django_db

OTHER_ROLES = [Role.EVALUATOR, Role.JURY_MEMBER, Role.JURY_PRESIDENT, Role.CANDIDATE]


def pages(candidate: Candidate) -> list[str]:
    return [
        reverse("candidates:list"),
        reverse("candidates:create"),
        reverse("candidates:detail", args=[candidate.pk]),
        reverse("candidates:edit", args=[candidate.pk]),
    ]


def listed(client: Client, **params: str) -> list[str]:
    response = client.get(reverse("candidates:list"), params)
    assert response.status_code == 200
    return [row.candidate.numero for row in response.context["rows"]]


def test_a_gestionnaire_sees_every_candidates_page(
    client_as: Callable[..., Client], candidates: list[Candidate]
) -> None:
    client = client_as(Role.STAFF)
    for url in pages(candidates[0]):
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("role", OTHER_ROLES)
def test_other_roles_are_refused_every_candidates_page(
    role: Role, client_as: Callable[..., Client], candidates: list[Candidate]
) -> None:
    client = client_as(role, candidate=candidates[1] if role is Role.CANDIDATE else None)
    for url in [*pages(candidates[0]), reverse("candidates:conflict", args=[candidates[0].pk])]:
        method = client.post if url.endswith("/liens/") else client.get
        assert method(url).status_code == 403, url


def test_anonymous_visitors_are_sent_to_the_login_page(candidates: list[Candidate]) -> None:
    for url in pages(candidates[0]):
        response = Client().get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_the_search_finds_a_birth_name_whatever_its_case(
    client_as: Callable[..., Client], candidates: list[Candidate]
) -> None:
    client = client_as(Role.STAFF)
    assert listed(client, q="dupont") == ["C001"]
    assert listed(client, q="DUPONT") == ["C001"]


def test_the_search_ignores_accents_typed_or_stored(
    client_as: Callable[..., Client], candidates: list[Candidate]
) -> None:
    client = client_as(Role.STAFF)
    assert listed(client, q="lefèvre") == ["C002"]
    assert listed(client, q="LEFEVRE") == ["C002"]
    assert listed(client, q="lefêvre") == ["C002"]


def test_the_search_finds_first_name_and_name_in_any_order(
    client_as: Callable[..., Client], candidates: list[Candidate]
) -> None:
    candidate = Candidate.objects.get(numero="C002")
    client = client_as(Role.STAFF)
    assert listed(client, q=f"{candidate.first_name} {candidate.birth_name}") == ["C002"]
    assert listed(client, q=f"{candidate.birth_name.lower()}  {candidate.first_name}") == ["C002"]
    assert listed(client, q=f"{candidate.first_name} Nobody") == []


def test_the_search_finds_a_numero_typed_in_lower_case(
    client_as: Callable[..., Client], candidates: list[Candidate]
) -> None:
    assert listed(client_as(Role.STAFF), q="c002") == ["C002"]


def test_the_search_finds_a_name_in_use(
    client_as: Callable[..., Client], candidates: list[Candidate]
) -> None:
    candidate = Candidate.objects.get(numero="C001")
    candidate.usage_name = "Éluard"
    candidate.save(update_fields=["usage_name"])
    assert listed(client_as(Role.STAFF), q="eluard") == ["C001"]


def test_the_search_finds_a_numero(
    client_as: Callable[..., Client], candidates: list[Candidate]
) -> None:
    assert listed(client_as(Role.STAFF), q="C002") == ["C002"]


def test_the_status_filter_keeps_the_candidates_with_that_status_in_that_block(
    client_as: Callable[..., Client], scored: list[Candidate]
) -> None:
    client = client_as(Role.STAFF)
    assert listed(client, unite="B1", statut="not_validated") == ["C001"]
    assert listed(client, unite="B1", statut="validated") == ["C002"]
    assert listed(client, unite="B2", statut="not_assessed") == ["C001", "C002"]


def test_a_status_without_a_block_is_an_error_shown_to_the_person(
    client_as: Callable[..., Client], candidates: list[Candidate]
) -> None:
    response = client_as(Role.STAFF).get(reverse("candidates:list"), {"statut": "validated"})
    assert response.context["rows"] == []
    assert "Choisissez à la fois un bloc" in response.content.decode()


def test_the_filters_by_session_access_path_and_certification(
    client_as: Callable[..., Client], scored: list[Candidate]
) -> None:
    Candidate.objects.filter(numero="C002").update(access_path="VAE")
    Candidate.objects.create(
        numero="C003", birth_name="Petit", first_name="Jean", birth_date=date(1990, 1, 1)
    )
    client = client_as(Role.STAFF)
    assert listed(client, session="2026-06") == ["C001", "C002"]
    assert listed(client, voie="VAE") == ["C002"]
    assert listed(client, certifie="non") == ["C001", "C002"]
    assert listed(client, certifie="oui") == []


def test_the_list_shows_each_blocks_status_in_words(
    client_as: Callable[..., Client], scored: list[Candidate]
) -> None:
    html = client_as(Role.STAFF).get(reverse("candidates:list")).content.decode()
    assert 'class="status status--not_validated">non validé<' in html
    assert 'class="status status--validated">validé<' in html


def test_the_list_reads_stored_decisions_without_running_the_rules(
    client_as: Callable[..., Client], scored: list[Candidate], monkeypatch: pytest.MonkeyPatch
) -> None:
    def forbidden(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("the rules engine ran")

    monkeypatch.setattr("certif.domain.rules.engine.RulesEngine.evaluate", forbidden)
    monkeypatch.setattr("certif.domain.rules.engine._CompiledBlock.decide", forbidden)
    monkeypatch.setattr("certif.results.services.engines", forbidden)
    client = client_as(Role.STAFF)
    assert listed(client, unite="B1", statut="validated") == ["C002"]


def test_the_list_pages_by_numero_with_a_key(
    client_as: Callable[..., Client], version: object
) -> None:
    Candidate.objects.bulk_create(
        Candidate(numero=f"N{i:03d}", birth_name="Nom", first_name="P", birth_date=date(1990, 1, 1))
        for i in range(1, 121)
    )
    client = client_as(Role.STAFF)
    first = client.get(reverse("candidates:list"))
    page = first.context["page"]
    assert [c.numero for c in page.rows][:2] == ["N001", "N002"]
    assert len(page.rows) == 50
    assert page.next_after == "N050"
    assert page.is_first
    assert first.context["total"] == 120
    second = client.get(reverse("candidates:list"), {"apres": "N050"}).context["page"]
    assert second.rows[0].numero == "N051"
    assert second.previous_before == "N051"
    last = client.get(reverse("candidates:list"), {"apres": "N100"}).context["page"]
    assert len(last.rows) == 20
    assert last.next_after is None
    back = client.get(reverse("candidates:list"), {"avant": "N051"}).context["page"]
    assert back.rows[0].numero == "N001"
    assert back.next_after == "N050"
    assert back.is_first


def test_a_filtered_list_is_not_counted(
    client_as: Callable[..., Client], candidates: list[Candidate]
) -> None:
    response = client_as(Role.STAFF).get(reverse("candidates:list"), {"q": "dupont"})
    assert response.context["total"] is None


def test_the_list_answers_htmx_with_the_results_only(
    client_as: Callable[..., Client], candidates: list[Candidate]
) -> None:
    response = client_as(Role.STAFF).get(
        reverse("candidates:list"), {"q": "dupont"}, headers={"HX-Request": "true"}
    )
    html = response.content.decode()
    assert "C001" in html
    assert "<html" not in html


def test_the_file_shows_each_blocks_explanation_and_the_certification(
    client_as: Callable[..., Client], scored: list[Candidate]
) -> None:
    candidate = scored[0]
    decision = CandidateResult.objects.get(candidate=candidate).decision
    html = (
        client_as(Role.STAFF)
        .get(reverse("candidates:detail", args=[candidate.pk]))
        .content.decode()
    )
    assert decision.blocks["B1"].explanation("fr") in html
    assert decision.explanation("fr") in html


def test_the_file_explains_in_english_to_an_english_reader(
    client_as: Callable[..., Client], scored: list[Candidate]
) -> None:
    candidate = scored[0]
    decision = CandidateResult.objects.get(candidate=candidate).decision
    client = client_as(Role.STAFF)
    client.post(reverse("set_language"), {"language": "en"})
    html = client.get(reverse("candidates:detail", args=[candidate.pk])).content.decode()
    assert decision.blocks["B1"].explanation("en") in html


def test_the_file_shows_every_sheet_with_its_scores(
    client_as: Callable[..., Client], scored: list[Candidate]
) -> None:
    candidate = scored[0]
    response = client_as(Role.STAFF).get(reverse("candidates:detail", args=[candidate.pk]))
    (view,) = response.context["sheets"]
    assert view.unit == "B1"
    assert all(line.value for line in view.lines if line.code.startswith("B1"))
    assert "2026-06" in response.content.decode()


def test_the_file_shows_the_history_of_scores_and_identity(
    client_as: Callable[..., Client],
    make_user: Callable[..., AbstractUser],
    scored: list[Candidate],
) -> None:
    candidate = scored[0]
    staff = make_user(Role.STAFF, username="gestion")
    sheet = ScoreSheet.objects.get(candidate=candidate)
    change_score(sheet.pk, "B1Cr1", Decimal("0.5"), actor=staff, reason="erreur de report")
    client = Client()
    client.force_login(staff)
    client.post(
        reverse("candidates:edit", args=[candidate.pk]),
        {**identity(candidate), "phone": "06 12 34 56 78"},
    )
    html = client.get(reverse("candidates:detail", args=[candidate.pk])).content.decode()
    assert "erreur de report" in html
    assert "0,50" in html
    assert "06 12 34 56 78" in html
    assert "Identité modifiée" in html


def identity(candidate: Candidate) -> dict[str, Any]:
    return {
        "birth_name": candidate.birth_name,
        "usage_name": candidate.usage_name,
        "first_name": candidate.first_name,
        "second_first_name": candidate.second_first_name,
        "third_first_name": candidate.third_first_name,
        "sex": candidate.sex,
        "birth_date": candidate.birth_date.isoformat(),
        "birth_place_code": candidate.birth_place_code,
        "birth_place": candidate.birth_place,
        "birth_country_code": candidate.birth_country_code,
        "birth_country": candidate.birth_country,
        "email": candidate.email,
        "phone": candidate.phone,
        "access_path": candidate.access_path,
        "registration_date": "",
        "extra_time_percent": candidate.extra_time_percent,
        "accommodations": candidate.accommodations,
    }


def test_an_identity_edit_is_journaled_with_before_and_after(
    client_as: Callable[..., Client], candidates: list[Candidate]
) -> None:
    candidate = candidates[0]
    response = client_as(Role.STAFF).post(
        reverse("candidates:edit", args=[candidate.pk]),
        {**identity(candidate), "usage_name": "Martin", "extra_time_percent": "33"},
    )
    assert response.status_code == 302
    event = AuditEvent.objects.get(action="candidate.updated", object_id=str(candidate.pk))
    assert event.before == {"usage_name": "", "extra_time_percent": 0}
    assert event.after == {"usage_name": "Martin", "extra_time_percent": 33}
    assert event.actor_label.startswith("gestionnaire")


def test_an_invalid_identity_is_refused_and_changes_nothing(
    client_as: Callable[..., Client], candidates: list[Candidate]
) -> None:
    candidate = candidates[0]
    response = client_as(Role.STAFF).post(
        reverse("candidates:edit", args=[candidate.pk]),
        {**identity(candidate), "birth_date": "2999-01-01", "phone": "abc"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'role="alert"' in html
    assert "invraisemblable" in html
    candidate.refresh_from_db()
    assert candidate.birth_date.year != 2999
    assert not AuditEvent.objects.filter(action="candidate.updated").exists()


def test_a_new_candidate_is_created_journaled_and_given_a_decision(
    client_as: Callable[..., Client], version: object
) -> None:
    blank = Candidate(numero="", birth_name="", first_name="", birth_date=date(1990, 1, 1))
    data = {**identity(blank), "numero": "C100", "birth_name": "Nguyen", "first_name": "Paul"}
    response = client_as(Role.STAFF).post(reverse("candidates:create"), data)
    candidate = Candidate.objects.get(numero="C100")
    assert response["Location"] == reverse("candidates:detail", args=[candidate.pk])
    assert AuditEvent.objects.filter(
        action="candidate.created", object_id=str(candidate.pk)
    ).exists()
    assert CandidateResult.objects.filter(candidate=candidate).exists()


def test_a_numero_already_taken_is_refused(
    client_as: Callable[..., Client], candidates: list[Candidate]
) -> None:
    data = {**identity(candidates[0]), "numero": "C002"}
    response = client_as(Role.STAFF).post(reverse("candidates:create"), data)
    assert response.status_code == 200
    assert Candidate.objects.filter(numero="C002").count() == 1


def test_a_link_of_interest_is_declared_from_the_file(
    client_as: Callable[..., Client],
    make_user: Callable[..., AbstractUser],
    candidates: list[Candidate],
) -> None:
    evaluator = make_user(Role.EVALUATOR, username="eva")
    candidate = candidates[0]
    client = client_as(Role.STAFF)
    response = client.post(
        reverse("candidates:conflict", args=[candidate.pk]),
        {"user": evaluator.pk, "kind": ConflictKind.TRAINER, "note": "formation 2025"},
    )
    assert response.status_code == 302
    conflict = ConflictOfInterest.objects.get()
    assert (conflict.user, conflict.candidate, conflict.kind) == (
        evaluator,
        candidate,
        ConflictKind.TRAINER,
    )
    html = client.get(reverse("candidates:detail", args=[candidate.pk])).content.decode()
    assert "formation 2025" in html


def test_a_link_of_interest_declared_with_htmx_answers_with_the_links_only(
    client_as: Callable[..., Client],
    make_user: Callable[..., AbstractUser],
    candidates: list[Candidate],
) -> None:
    jury = make_user(Role.JURY_MEMBER, username="jules")
    response = client_as(Role.STAFF).post(
        reverse("candidates:conflict", args=[candidates[0].pk]),
        {"user": jury.pk, "kind": ConflictKind.EMPLOYER},
        headers={"HX-Request": "true"},
    )
    html = response.content.decode()
    assert "<html" not in html
    assert "jules" in html


def test_only_evaluators_and_jury_members_can_be_linked(
    client_as: Callable[..., Client],
    make_user: Callable[..., AbstractUser],
    candidates: list[Candidate],
) -> None:
    staff = make_user(Role.STAFF)
    response = client_as(Role.STAFF).post(
        reverse("candidates:conflict", args=[candidates[0].pk]),
        {"user": staff.pk, "kind": ConflictKind.OTHER},
    )
    assert response.status_code == 200
    assert not ConflictOfInterest.objects.exists()


def test_the_list_speaks_english_to_an_english_reader(
    client_as: Callable[..., Client], scored: list[Candidate]
) -> None:
    client = client_as(Role.STAFF)
    client.post(reverse("set_language"), {"language": "en"})
    html = client.get(reverse("candidates:list")).content.decode()
    assert "<h1>Candidates</h1>" in html
    assert ">not validated<" in html


def test_a_filter_few_candidates_meet_says_where_the_search_stopped(
    client_as: Callable[..., Client], scored: list[Candidate], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("certif.web.candidates.views.SCAN_WINDOW", 1)
    response = client_as(Role.STAFF).get(
        reverse("candidates:list"), {"unite": "B1", "statut": "validated"}
    )
    assert response.context["rows"] == []
    assert "jusqu'au numéro C001" in response.content.decode()
    assert "apres=C001" in response.content.decode()


def test_the_dashboard_counts_candidates_and_lists_recent_imports(
    client_as: Callable[..., Client], scored: list[Candidate]
) -> None:
    panels = {panel.title: panel for panel in client_as(Role.STAFF).get("/").context["panels"]}
    assert panels["Candidats"].count == 2
    assert [item.label for item in panels["Imports récents"].items] == [
        "notes.csv",
        "candidats.csv",
    ]


def test_the_dashboard_keeps_these_panels_for_the_gestionnaire(
    client_as: Callable[..., Client], candidates: list[Candidate]
) -> None:
    panels = client_as(Role.EVALUATOR).get("/").context["panels"]
    assert not {"Candidats", "Imports récents"} & {panel.title for panel in panels}
