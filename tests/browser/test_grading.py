"""An evaluator's grid in a real browser: live total and status, errors, submission, access."""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from playwright.sync_api import Locator, Page, expect

from certif.candidates.models import Candidate
from certif.core.roles import Role
from certif.domain.numbers import format_quantity, format_score
from certif.domain.referential.schema import Block, Criterion
from certif.domain.rules.engine import RulesEngine, Sheet, SheetPreview
from certif.domain.rules.results import Status
from certif.domain.values import Value
from certif.grading.forms import CriterionValueField
from certif.grading.models import ScoreSheet, SheetStatus
from certif.referential.models import ReferentialVersion
from certif.results.models import CandidateResult
from certif.sessions.models import Assignment
from tests.browser.pages import log_in, screenshot, visit
from tests.browser.scenes import PASSWORD, SESSION, account, assigned_unit, maximum
from tests.support.builders import values_totalling

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The grid's own words for a provisional status.
STATUS_LABELS = {
    Status.VALIDATED: "validé",
    Status.NOT_VALIDATED: "non validé",
    Status.INCOMPLETE: "incomplet",
}


def typed(value: Value) -> str:
    """A value as a French evaluator types it: « 2,25 »."""
    return f"{value}".replace(".", ",")


def preview_of(engine: RulesEngine, block: Block, part: str, given: Mapping[str, Value]) -> str:
    """The line the page must show for these values, from the engine itself."""
    result: SheetPreview = engine.preview(
        Sheet(SESSION, block.code, dict(given), part=part or None)
    )
    assert result.running is not None
    assert result.out_of is not None
    return f"Total : {format_score(result.running)} / {format_quantity(result.out_of)}"


def status_line(engine: RulesEngine, block: Block, part: str, given: Mapping[str, Value]) -> str:
    status = engine.preview(Sheet(SESSION, block.code, dict(given), part=part or None)).status
    return f"État provisoire : {STATUS_LABELS[status]}"


def refusal(criterion: Criterion, text: str) -> str:
    """What the grid says of a value the référentiel refuses, as the form itself words it."""
    with pytest.raises(ValidationError) as refused:
        CriterionValueField(criterion).clean(text)
    return str(refused.value.messages[0])


def criterion_group(page: Page, index: int, criterion: Criterion) -> Locator:
    """The fieldset of the index-th criterion (two criteria may share a printed code)."""
    group = page.get_by_role("main").get_by_role("group").nth(index)
    expect(group).to_contain_text(f"{criterion.code_as_printed} — {criterion.text}")
    return group


def value_field(group: Locator, criterion: Criterion) -> Locator:
    return group.get_by_label(f"Points (sur {format_quantity(criterion.max_points or 0)})")


@pytest.fixture
def candidate(version: ReferentialVersion, candidates: list[Candidate]) -> Candidate:
    return candidates[0]


def test_an_evaluator_grades_a_full_b3_part_and_sees_the_live_total_and_status(
    page: Page,
    live_server: object,
    engine: RulesEngine,
    version: ReferentialVersion,
    candidate: Candidate,
) -> None:
    block = engine.referential.block("B3")
    part = block.parts[-1].code
    evaluator = account("eva", Role.EVALUATOR, first_name="Eva", last_name="Martin")
    assigned_unit(version, candidate, evaluator, block.code, part)
    # Three quarters of the block's points, spread in quarter points: decimals to type.
    values = values_totalling(block, maximum(block) * Decimal("0.75"))
    assert any(value != int(value) for value in values.values())
    base = str(live_server)

    log_in(page, base, "eva", PASSWORD)
    page.get_by_role("navigation", name="Navigation principale").get_by_role(
        "link", name="Mes grilles"
    ).click()
    expect(page.get_by_role("heading", level=1, name="Mes grilles")).to_be_visible()
    page.get_by_role("link", name=f"Ouvrir la grille — {candidate.numero}").click()
    expect(page.get_by_role("heading", level=1, name="Grille d'évaluation — B3")).to_be_visible()
    page.evaluate("window.certifNotReloaded = true")
    summary = page.get_by_role("region", name="Total et état provisoires")
    expect(page.get_by_role("main").get_by_role("group")).to_have_count(len(block.criteria))

    given: dict[str, Value] = {}
    first, second = block.criteria[0], block.criteria[1]
    value_field(criterion_group(page, 0, first), first).fill(typed(values[first.code]))
    given[first.code] = values[first.code]
    expect(summary).to_contain_text(preview_of(engine, block, part, given))
    expect(summary).to_contain_text(status_line(engine, block, part, given))

    # A value beyond the criterion's maximum: refused next to its field, not counted.
    too_much = typed((second.max_points or Decimal(0)) + 1)
    second_group = criterion_group(page, 1, second)
    second_field = value_field(second_group, second)
    second_field.fill(too_much)
    expect(second_group).to_contain_text(refusal(second, too_much))
    expect(second_field).to_have_accessible_description(
        re.compile(re.escape(refusal(second, too_much)))
    )
    expect(summary).to_contain_text(preview_of(engine, block, part, given))
    screenshot(page, "grid-value-refused")

    for index, criterion in enumerate(block.criteria[1:], start=1):
        group = criterion_group(page, index, criterion)
        value_field(group, criterion).fill(typed(values[criterion.code]))
        given[criterion.code] = values[criterion.code]
    expect(second_group).not_to_contain_text(refusal(second, too_much))
    expect(summary).to_contain_text(preview_of(engine, block, part, given))
    expect(summary).to_contain_text(status_line(engine, block, part, given))
    assert page.evaluate("window.certifNotReloaded") is True
    screenshot(page, "grid-complete")

    page.get_by_role("button", name="Soumettre").click()
    expect(page.get_by_role("alertdialog")).to_contain_text("verrouillée")
    screenshot(page, "grid-confirm-submission")
    page.get_by_role("button", name="Soumettre et verrouiller").click()
    expect(page.get_by_role("status").filter(has_text="Feuille soumise")).to_be_visible()
    expect(page.get_by_role("table", name="Valeurs de la feuille — verrouillée")).to_be_visible()
    expect(page.get_by_role("textbox")).to_have_count(0)
    expect(page.get_by_role("button", name="Soumettre")).to_have_count(0)
    final = page.get_by_role("region", name="Total et état de la feuille")
    expect(final).to_contain_text(preview_of(engine, block, part, values))
    screenshot(page, "grid-submitted")

    sheet = ScoreSheet.objects.get(candidate=candidate, block__code=block.code, part=part)
    assert sheet.status == SheetStatus.SUBMITTED
    expected = engine.preview(Sheet(SESSION, block.code, dict(values), part=part or None))
    stored = CandidateResult.objects.get(candidate=candidate).decision.blocks[block.code]
    assert stored.parts[part].score == expected.running
    assert stored.parts[part].status == expected.status


def test_an_evaluator_is_refused_a_sheet_not_assigned_to_them(
    page: Page, live_server: object, version: ReferentialVersion, candidate: Candidate
) -> None:
    owner = account("eva", Role.EVALUATOR, first_name="Eva", last_name="Martin")
    account("bruno", Role.EVALUATOR, first_name="Bruno", last_name="Leroy")
    assignment: Assignment = assigned_unit(version, candidate, owner, "B1")
    base = str(live_server)

    log_in(page, base, "bruno", PASSWORD)
    assert visit(page, base + reverse("grading:sheet", args=[assignment.pk])) == 403
    expect(page.get_by_role("heading", level=1, name="Accès refusé")).to_be_visible()
    expect(page.get_by_role("textbox")).to_have_count(0)
    expect(page.get_by_text(candidate.numero)).to_have_count(0)
    assert not ScoreSheet.objects.exists()
    screenshot(page, "grid-refused-to-another-evaluator")


def has_visible_focus(page: Page) -> bool:
    """Whether the focused element draws an outline (the stylesheet's :focus-visible ring)."""
    style = page.evaluate(
        "() => { const s = getComputedStyle(document.activeElement);"
        " return [s.outlineStyle, s.outlineWidth]; }"
    )
    return bool(style[0] != "none" and style[1] not in ("0px", ""))


def test_the_grid_is_filled_and_submitted_with_the_keyboard_only(
    page: Page,
    live_server: object,
    engine: RulesEngine,
    version: ReferentialVersion,
    candidate: Candidate,
) -> None:
    block = engine.referential.block("B1")
    evaluator = account("eva", Role.EVALUATOR, first_name="Eva", last_name="Martin")
    assignment = assigned_unit(version, candidate, evaluator, block.code)
    values = values_totalling(block, maximum(block) * Decimal("0.6"))
    base = str(live_server)
    log_in(page, base, "eva", PASSWORD)
    page.goto(base + reverse("grading:sheet", args=[assignment.pk]))
    expect(page.get_by_role("heading", level=1, name="Grille d'évaluation — B1")).to_be_visible()

    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Aller au contenu")
    expect(skip).to_be_focused()
    assert has_visible_focus(page)
    page.keyboard.press("Enter")

    for index, criterion in enumerate(block.criteria):
        field = value_field(criterion_group(page, index, criterion), criterion)
        page.keyboard.press("Tab")
        expect(field).to_be_focused()
        assert has_visible_focus(page), criterion.code
        page.keyboard.type(typed(values[criterion.code]))
        page.keyboard.press("Tab")
        expect(criterion_group(page, index, criterion).get_by_label("Commentaire")).to_be_focused()
    summary = page.get_by_role("region", name="Total et état provisoires")
    expect(summary).to_contain_text(preview_of(engine, block, "", values))

    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Enregistrer le brouillon")).to_be_focused()
    page.keyboard.press("Tab")
    submit = page.get_by_role("button", name="Soumettre")
    expect(submit).to_be_focused()
    assert has_visible_focus(page)
    screenshot(page, "grid-keyboard-focus")
    page.keyboard.press("Enter")
    confirm = page.get_by_role("button", name="Soumettre et verrouiller")
    confirm.focus()
    expect(confirm).to_be_focused()
    page.keyboard.press("Enter")

    expect(page.get_by_role("status").filter(has_text="Feuille soumise")).to_be_visible()
    expect(page.get_by_role("table", name="Valeurs de la feuille — verrouillée")).to_be_visible()
    assert ScoreSheet.objects.get(candidate=candidate).status == SheetStatus.SUBMITTED
