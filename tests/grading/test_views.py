"""The grading pages: who may open them, the grid's saving, preview, submission and reopening."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.contrib.auth.models import AbstractUser
from django.test import Client
from django.urls import reverse

from certif.accounts.models import ConflictKind
from certif.accounts.services import declare_conflict
from certif.core.models import AuditEvent
from certif.core.roles import Role
from certif.domain.numbers import format_score
from certif.domain.referential.schema import Referential
from certif.grading.forms import grid_data
from certif.grading.models import Score, ScoreSheet, SheetStatus
from certif.grading.queries import sheet_values
from certif.grading.services import open_sheet, save_sheet
from certif.sessions.models import Assignment
from tests.support.builders import passing
from tests.support.grading import as_typed, full_marks, signed_in, submitted, text_of, totalling

pytestmark = pytest.mark.django_db

OTHER_THAN_EVALUATOR = [role for role in Role if role is not Role.EVALUATOR]
OTHER_THAN_STAFF = [role for role in Role if role is not Role.STAFF]
OTHER_THAN_BOTH = [role for role in Role if role not in (Role.STAFF, Role.EVALUATOR)]


def grid_url(assignment: Assignment) -> str:
    return reverse("grading:sheet", args=[assignment.pk])


def preview_url(assignment: Assignment) -> str:
    return reverse("grading:preview", args=[assignment.pk])


def grid_post(sheet: ScoreSheet, typed: dict[str, str], action: str = "save") -> dict[str, str]:
    return {"revision": str(sheet.revision), "action": action, **typed}


def _with_one_value(assignment: Assignment) -> ScoreSheet:
    """The assignment's sheet with one value saved as a draft (the lowest a criterion takes)."""
    sheet = open_sheet(assignment, actor=assignment.evaluator)
    save_sheet(
        sheet.pk, {"revision": str(sheet.revision), "v_B1Cr1": "0"}, actor=assignment.evaluator
    )
    return sheet


# -- access ------------------------------------------------------------------------------------


def test_mine_is_open_to_evaluators(as_role: Callable[[Role], Client]) -> None:
    assert as_role(Role.EVALUATOR).get(reverse("grading:mine")).status_code == 200


@pytest.mark.parametrize("role", OTHER_THAN_EVALUATOR)
def test_mine_is_refused_to_other_roles(role: Role, as_role: Callable[[Role], Client]) -> None:
    assert as_role(role).get(reverse("grading:mine")).status_code == 403


def test_anonymous_visitors_are_sent_to_login_from_every_page(assignment: Assignment) -> None:
    sheet = open_sheet(assignment)
    urls = [
        reverse("grading:mine"),
        grid_url(assignment),
        preview_url(assignment),
        reverse("grading:reopen", args=[sheet.pk]),
        reverse("grading:reconciliations"),
        reverse(
            "grading:reconcile",
            args=[assignment.session_id, assignment.candidate_id, assignment.block_id],
        ),
    ]
    for url in urls:
        response = Client().post(url) if "apercu" in url or "rouvrir" in url else Client().get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("login")), url


def test_the_assigned_evaluator_opens_the_grid(assignment: Assignment) -> None:
    assert signed_in(assignment.evaluator).get(grid_url(assignment)).status_code == 200


def test_a_gestionnaire_sees_the_grid_read_only(
    assignment: Assignment, as_role: Callable[[Role], Client]
) -> None:
    open_sheet(assignment)
    response = as_role(Role.STAFF).get(grid_url(assignment))
    assert response.status_code == 200
    assert b'name="v_B1Cr1"' not in response.content
    assert "Valeurs de la feuille" in text_of(response)


def test_an_evaluator_is_refused_a_sheet_assigned_to_someone_else(
    assignment: Assignment, as_role: Callable[[Role], Client]
) -> None:
    assert as_role(Role.EVALUATOR).get(grid_url(assignment)).status_code == 403
    assert not ScoreSheet.objects.exists()


@pytest.mark.parametrize("role", OTHER_THAN_BOTH)
def test_the_grid_is_refused_to_other_roles(
    role: Role, assignment: Assignment, as_role: Callable[[Role], Client]
) -> None:
    assert as_role(role).get(grid_url(assignment)).status_code == 403


def test_a_gestionnaire_cannot_post_values_on_a_grid(
    assignment: Assignment, as_role: Callable[[Role], Client]
) -> None:
    sheet = open_sheet(assignment)
    response = as_role(Role.STAFF).post(grid_url(assignment), grid_post(sheet, {"v_B1Cr1": "1"}))
    assert response.status_code == 403
    assert not Score.objects.exists()


def test_the_preview_is_for_the_assigned_evaluator(assignment: Assignment) -> None:
    response = signed_in(assignment.evaluator).post(
        preview_url(assignment), {"v_B1Cr1": "2"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200


@pytest.mark.parametrize("role", list(Role))
def test_the_preview_is_refused_to_everyone_else(
    role: Role, assignment: Assignment, as_role: Callable[[Role], Client]
) -> None:
    response = as_role(role).post(preview_url(assignment), {}, HTTP_HX_REQUEST="true")
    assert response.status_code == 403


def test_a_declared_link_of_interest_forbids_opening_the_grid(assignment: Assignment) -> None:
    declare_conflict(assignment.evaluator, assignment.candidate, ConflictKind.TRAINER)
    response = signed_in(assignment.evaluator).get(grid_url(assignment))
    assert response.status_code == 403
    assert "lien d'intérêt" in text_of(response)
    assert not ScoreSheet.objects.exists()


# -- the list ----------------------------------------------------------------------------------


def test_mine_lists_each_assignment_with_the_state_of_its_sheet(
    assign: Callable[..., Assignment], evaluator: AbstractUser
) -> None:
    first = assign(evaluator, "B1")
    assign(evaluator, "B2")
    _with_one_value(first)
    page = text_of(signed_in(evaluator).get(reverse("grading:mine")))
    assert "Brouillon" in page
    assert "À faire" in page
    assert grid_url(first) in page
    assert "C001" in page
    assert "DUPONT" in page


def test_mine_filters_by_state(assign: Callable[..., Assignment], evaluator: AbstractUser) -> None:
    first = assign(evaluator, "B1")
    second = assign(evaluator, "B2")
    _with_one_value(first)
    page = text_of(signed_in(evaluator).get(reverse("grading:mine"), {"state": "todo"}))
    assert grid_url(second) in page
    assert grid_url(first) not in page


def test_mine_shows_only_the_signed_in_evaluators_assignments(
    assign: Callable[..., Assignment],
    evaluator: AbstractUser,
    make_user: Callable[..., AbstractUser],
) -> None:
    theirs = assign(make_user(Role.EVALUATOR), "B2")
    page = text_of(signed_in(evaluator).get(reverse("grading:mine")))
    assert grid_url(theirs) not in page


def test_the_htmx_filter_returns_only_the_table(assignment: Assignment) -> None:
    response = signed_in(assignment.evaluator).get(
        reverse("grading:mine"), {"state": "todo"}, HTTP_HX_REQUEST="true"
    )
    assert "<table" in text_of(response)
    assert "<html" not in text_of(response)


# -- the grid ----------------------------------------------------------------------------------


def test_the_grid_shows_each_criterion_with_its_maximum_from_the_referential(
    assignment: Assignment, ccab: Referential
) -> None:
    page = text_of(signed_in(assignment.evaluator).get(grid_url(assignment)))
    for criterion in ccab.block("B1").criteria:
        assert criterion.code_as_printed in page
        assert f'name="v_{criterion.code}"' in page
    assert ccab.block("B1").title in page


def test_opening_the_grid_creates_a_single_marking_sheet(assignment: Assignment) -> None:
    signed_in(assignment.evaluator).get(grid_url(assignment))
    sheet = ScoreSheet.objects.get()
    assert (sheet.marking, sheet.evaluator_id, sheet.status) == (
        "single",
        assignment.evaluator_id,
        SheetStatus.DRAFT,
    )


def test_saving_a_draft_with_a_decimal_comma_stores_hundredths(assignment: Assignment) -> None:
    sheet = open_sheet(assignment)
    response = signed_in(assignment.evaluator).post(
        grid_url(assignment), grid_post(sheet, {"v_B1Cr1": "2,5", "c_B1Cr1": "Cible claire"})
    )
    assert response.status_code == 302
    score = Score.objects.get(sheet=sheet, criterion__code="B1Cr1")
    assert (score.value, score.comment) == (250, "Cible claire")


def test_a_decimal_point_is_accepted_too(assignment: Assignment) -> None:
    sheet = open_sheet(assignment)
    signed_in(assignment.evaluator).post(grid_url(assignment), grid_post(sheet, {"v_B1Cr1": "2.5"}))
    assert Score.objects.get(sheet=sheet, criterion__code="B1Cr1").value == 250


def test_an_out_of_range_value_is_refused_naming_the_criterion_and_nothing_is_stored(
    assignment: Assignment,
) -> None:
    sheet = open_sheet(assignment)
    response = signed_in(assignment.evaluator).post(
        grid_url(assignment), grid_post(sheet, {"v_B1Cr1": "2", "v_B1Cr2": "4,5"})
    )
    page = text_of(response)
    assert response.status_code == 200
    assert "hors barème" in page
    assert "B1Cr2" in page
    assert 'aria-invalid="true"' in page
    assert 'aria-describedby="id_v_B1Cr2-hint id_v_B1Cr2-error"' in page
    assert not Score.objects.exists()


def test_a_refused_value_keeps_what_was_typed(assignment: Assignment) -> None:
    sheet = open_sheet(assignment)
    page = text_of(
        signed_in(assignment.evaluator).post(
            grid_url(assignment), grid_post(sheet, {"v_B1Cr1": "3,25", "v_B1Cr2": "abc"})
        )
    )
    assert 'value="3,25"' in page
    assert 'value="abc"' in page


def test_the_preview_fragment_shows_the_running_total_and_status(assignment: Assignment) -> None:
    response = signed_in(assignment.evaluator).post(
        preview_url(assignment), {"v_B1Cr1": "2,5", "v_B1Cr2": "3"}, HTTP_HX_REQUEST="true"
    )
    fragment = text_of(response)
    assert "<html" not in fragment
    assert "5,50" in fragment
    assert "/ 20" in fragment
    assert "incomplet" in fragment
    assert "B1Cr3" in fragment


def test_the_preview_of_a_full_sheet_gives_the_provisional_decision(
    assignment: Assignment, ccab: Referential
) -> None:
    typed = as_typed(full_marks(ccab, "B1"))
    fragment = text_of(
        signed_in(assignment.evaluator).post(preview_url(assignment), typed, HTTP_HX_REQUEST="true")
    )
    assert "20,00" in fragment
    assert "status--validated" in fragment


def test_the_preview_flags_a_refused_value_next_to_its_field(assignment: Assignment) -> None:
    fragment = text_of(
        signed_in(assignment.evaluator).post(
            preview_url(assignment), {"v_B1Cr2": "9"}, HTTP_HX_REQUEST="true"
        )
    )
    assert 'id="id_v_B1Cr2-error"' in fragment
    assert 'hx-swap-oob="true"' in fragment
    assert "hors barème" in fragment


def test_the_preview_saves_nothing(assignment: Assignment) -> None:
    sheet = open_sheet(assignment)
    signed_in(assignment.evaluator).post(
        preview_url(assignment), {"v_B1Cr1": "2"}, HTTP_HX_REQUEST="true"
    )
    assert not Score.objects.filter(sheet=sheet).exists()


def test_without_javascript_recalculating_re_renders_the_grid_with_the_total(
    assignment: Assignment,
) -> None:
    open_sheet(assignment)
    page = text_of(
        signed_in(assignment.evaluator).post(
            preview_url(assignment), {"v_B1Cr1": "2,5", "v_B1Cr2": "1"}
        )
    )
    assert "<html" in page
    assert "3,50" in page
    assert 'value="2,5"' in page
    assert not Score.objects.exists()


def test_a_stale_revision_is_refused_and_the_typed_values_stay_in_the_form(
    assignment: Assignment,
) -> None:
    sheet = open_sheet(assignment)
    read_revision = sheet.revision
    save_sheet(sheet.pk, grid_data({"B1Cr1": "1"}, revision=read_revision))
    response = signed_in(assignment.evaluator).post(
        grid_url(assignment), grid_post(sheet, {"v_B1Cr1": "3,75", "v_B1Cr2": "2"})
    )
    page = text_of(response)
    assert "modifiée entre-temps" in page
    assert 'value="3,75"' in page
    assert 'value="2"' in page
    assert Score.objects.get(sheet=sheet, criterion__code="B1Cr1").value == 100
    assert not Score.objects.filter(sheet=sheet, criterion__code="B1Cr2").exists()


def test_after_a_stale_refusal_saving_again_keeps_the_persons_values(
    assignment: Assignment,
) -> None:
    sheet = open_sheet(assignment)
    save_sheet(sheet.pk, grid_data({"B1Cr1": "1"}, revision=sheet.revision))
    client = signed_in(assignment.evaluator)
    stale = grid_post(sheet, {"v_B1Cr1": "3,75"})
    client.post(grid_url(assignment), stale)
    sheet.refresh_from_db()
    assert (
        client.post(grid_url(assignment), grid_post(sheet, {"v_B1Cr1": "3,75"})).status_code == 302
    )
    assert Score.objects.get(sheet=sheet, criterion__code="B1Cr1").value == 375


def test_submit_refuses_an_incomplete_sheet_and_lists_the_missing_criteria(
    assignment: Assignment,
) -> None:
    sheet = open_sheet(assignment)
    response = signed_in(assignment.evaluator).post(
        grid_url(assignment), grid_post(sheet, {"v_B1Cr1": "2"}, action="submit")
    )
    page = text_of(response)
    assert "incomplète" in page
    assert "B1Cr5" in page
    sheet.refresh_from_db()
    assert sheet.status == SheetStatus.DRAFT
    assert 'value="2"' in page


def test_submitting_a_complete_grid_asks_for_confirmation_and_keeps_what_was_typed(
    assignment: Assignment, ccab: Referential
) -> None:
    sheet = open_sheet(assignment)
    typed = as_typed(totalling(ccab, "B1", str(passing(ccab, "B1"))))
    response = signed_in(assignment.evaluator).post(
        grid_url(assignment), grid_post(sheet, typed, "submit")
    )
    page = text_of(response)
    sheet.refresh_from_db()
    assert response.status_code == 200
    assert "verrouillée" in page
    assert format_score(passing(ccab, "B1")) in page
    assert 'name="confirmed" value="1"' in page
    assert sheet.status == SheetStatus.DRAFT
    assert sheet_values(sheet) == totalling(ccab, "B1", str(passing(ccab, "B1")))


def test_submitting_a_complete_grid_locks_it_once_confirmed(
    assignment: Assignment, ccab: Referential
) -> None:
    sheet = open_sheet(assignment)
    client = signed_in(assignment.evaluator)
    typed = as_typed(totalling(ccab, "B1", str(passing(ccab, "B1"))))
    posted = {**grid_post(sheet, typed, "submit"), "confirmed": "1"}
    assert client.post(grid_url(assignment), posted).status_code == 302
    sheet.refresh_from_db()
    assert sheet.status == SheetStatus.SUBMITTED
    assert sheet.submitted_at is not None
    page = text_of(client.get(grid_url(assignment)))
    assert 'name="v_B1Cr1"' not in page
    assert format_score(passing(ccab, "B1")) in page


def test_a_submitted_sheet_cannot_be_edited_by_its_evaluator(
    assignment: Assignment, ccab: Referential
) -> None:
    sheet = submitted(assignment, full_marks(ccab, "B1"))
    before = dict(Score.objects.filter(sheet=sheet).values_list("criterion__code", "value"))
    response = signed_in(assignment.evaluator).post(
        grid_url(assignment), grid_post(sheet, {**as_typed(full_marks(ccab, "B1")), "v_B1Cr1": "0"})
    )
    assert "verrouillée" in text_of(response)
    assert dict(Score.objects.filter(sheet=sheet).values_list("criterion__code", "value")) == before


def test_a_comment_without_a_value_is_refused_rather_than_lost(assignment: Assignment) -> None:
    sheet = open_sheet(assignment)
    page = text_of(
        signed_in(assignment.evaluator).post(
            grid_url(assignment), grid_post(sheet, {"c_B1Cr3": "À revoir"})
        )
    )
    assert "un commentaire s'enregistre avec une valeur" in page
    assert "À revoir" in page


def test_the_thesis_grid_asks_oui_non_with_a_select_and_pages_with_a_number(
    assign: Callable[..., Assignment], evaluator: AbstractUser, ccab: Referential
) -> None:
    page = text_of(signed_in(evaluator).get(grid_url(assign(evaluator, "MEM"))))
    for criterion in ccab.block("MEM").criteria:
        if criterion.kind == "yes_no":
            assert f'<select name="v_{criterion.code}"' in page
        else:
            assert f'type="number" name="v_{criterion.code}"' in page


def test_oui_and_a_page_count_are_saved_in_their_stored_form(
    assign: Callable[..., Assignment], evaluator: AbstractUser
) -> None:
    assignment = assign(evaluator, "MEM")
    sheet = open_sheet(assignment)
    signed_in(evaluator).post(
        grid_url(assignment), grid_post(sheet, {"v_MEMCr1": "oui", "v_MEMPages": "32"})
    )
    stored = dict(Score.objects.filter(sheet=sheet).values_list("criterion__code", "value"))
    assert stored == {"MEMCr1": 1, "MEMPages": 32}


# -- reopening ---------------------------------------------------------------------------------


def test_reopening_requires_a_reason(
    assignment: Assignment, ccab: Referential, as_role: Callable[[Role], Client]
) -> None:
    sheet = submitted(assignment, full_marks(ccab, "B1"))
    response = as_role(Role.STAFF).post(
        reverse("grading:reopen", args=[sheet.pk]), {"reason": "  "}, follow=True
    )
    assert "motif" in text_of(response)
    sheet.refresh_from_db()
    assert sheet.status == SheetStatus.SUBMITTED


def test_reopening_is_audited_with_its_reason_and_lets_the_evaluator_edit_again(
    assignment: Assignment, ccab: Referential, as_role: Callable[[Role], Client]
) -> None:
    sheet = submitted(assignment, full_marks(ccab, "B1"))
    response = as_role(Role.STAFF).post(
        reverse("grading:reopen", args=[sheet.pk]), {"reason": "erreur sur B1Cr2"}
    )
    assert response.status_code == 302
    assert response["Location"] == grid_url(assignment)
    event = AuditEvent.objects.get(action="grading.sheet.reopened")
    assert event.reason == "erreur sur B1Cr2"
    sheet.refresh_from_db()
    assert (sheet.status, sheet.submitted_at) == (SheetStatus.DRAFT, None)
    page = text_of(signed_in(assignment.evaluator).get(grid_url(assignment)))
    assert 'name="v_B1Cr2"' in page


@pytest.mark.parametrize("role", OTHER_THAN_STAFF)
def test_reopening_is_refused_to_other_roles(
    role: Role, assignment: Assignment, ccab: Referential, as_role: Callable[[Role], Client]
) -> None:
    sheet = submitted(assignment, full_marks(ccab, "B1"))
    response = as_role(role).post(reverse("grading:reopen", args=[sheet.pk]), {"reason": "x"})
    assert response.status_code == 403
    sheet.refresh_from_db()
    assert sheet.status == SheetStatus.SUBMITTED


def test_a_gestionnaire_sees_the_reopen_form_on_a_submitted_sheet(
    assignment: Assignment, ccab: Referential, as_role: Callable[[Role], Client]
) -> None:
    sheet = submitted(assignment, full_marks(ccab, "B1"))
    page = text_of(as_role(Role.STAFF).get(grid_url(assignment)))
    assert reverse("grading:reopen", args=[sheet.pk]) in page


# -- dashboard ---------------------------------------------------------------------------------


def test_the_dashboard_lists_the_evaluators_grids_to_grade(
    assign: Callable[..., Assignment], evaluator: AbstractUser, ccab: Referential
) -> None:
    done = assign(evaluator, "B1")
    waiting = assign(evaluator, "B2")
    submitted(done, full_marks(ccab, "B1"))
    page = text_of(signed_in(evaluator).get(reverse("home")))
    assert "Grilles à corriger" in page
    assert grid_url(waiting) in page
    assert grid_url(done) not in page


def test_the_grid_speaks_english_to_an_english_reader(assignment: Assignment) -> None:
    client = signed_in(assignment.evaluator)
    client.cookies["django_language"] = "en"
    page = text_of(client.get(grid_url(assignment)))
    assert "Save the draft" in page
    assert "Points (out of" in page


# -- comfort -----------------------------------------------------------------------------------


def test_a_sheet_opened_and_left_empty_is_still_to_do(
    assign: Callable[..., Assignment], evaluator: AbstractUser
) -> None:
    opened = assign(evaluator, "B1")
    open_sheet(opened)
    client = signed_in(evaluator)
    assert grid_url(opened) in text_of(client.get(reverse("grading:mine"), {"state": "todo"}))
    assert grid_url(opened) not in text_of(client.get(reverse("grading:mine"), {"state": "draft"}))
    assert "aucune valeur enregistrée" in text_of(client.get(grid_url(opened)))


def test_a_sheet_becomes_a_draft_once_a_value_is_saved(
    assign: Callable[..., Assignment], evaluator: AbstractUser
) -> None:
    started = assign(evaluator, "B1")
    _with_one_value(started)
    page = text_of(signed_in(evaluator).get(reverse("grading:mine"), {"state": "draft"}))
    assert grid_url(started) in page


def test_after_submitting_the_evaluator_is_offered_the_next_sheet(
    assign: Callable[..., Assignment], evaluator: AbstractUser, ccab: Referential
) -> None:
    done = assign(evaluator, "B1")
    following = assign(evaluator, "B2")
    submitted(done, full_marks(ccab, "B1"))
    page = text_of(signed_in(evaluator).get(grid_url(done)))
    assert "Feuille suivante" in page
    assert grid_url(following) in page


def test_the_last_sheet_offers_no_next_one(assignment: Assignment, ccab: Referential) -> None:
    submitted(assignment, full_marks(ccab, "B1"))
    assert "Feuille suivante" not in text_of(
        signed_in(assignment.evaluator).get(grid_url(assignment))
    )


def test_a_refused_save_puts_its_summary_first_for_the_keyboard(assignment: Assignment) -> None:
    sheet = open_sheet(assignment)
    response = signed_in(assignment.evaluator).post(
        grid_url(assignment), grid_post(sheet, {"v_B1Cr1": "-1"})
    )
    page = text_of(response)
    assert "data-focus-on-load" in page
    assert "jamais négatifs" in page


def test_the_running_total_stays_in_sight(assignment: Assignment) -> None:
    open_sheet(assignment)
    assert "sheet-summary" in text_of(signed_in(assignment.evaluator).get(grid_url(assignment)))
