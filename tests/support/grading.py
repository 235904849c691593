"""Sessions, assignments and evaluators for the grading tests; points come from the référentiel."""

from __future__ import annotations

import html
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import AbstractUser
from django.test import Client

from certif.domain.referential.schema import Referential
from certif.domain.values import Value
from certif.grading.forms import grid_data
from certif.grading.models import ScoreSheet
from certif.grading.services import open_sheet, save_sheet, submit_sheet
from certif.referential.models import Block
from certif.sessions.models import Assignment, ExamSession
from tests.support.builders import values_totalling


def block_row(session: ExamSession, code: str) -> Block:
    return Block.objects.get(version=session.referential_version, code=code)


def full_marks(ccab: Referential, block: str) -> dict[str, Value]:
    """Every criterion of a points block at its maximum."""
    return {c.code: c.max_points or Decimal(0) for c in ccab.block(block).criteria}


def totalling(ccab: Referential, block: str, total: str) -> dict[str, Value]:
    return values_totalling(ccab.block(block), Decimal(total))


def as_typed(values: dict[str, Value]) -> dict[str, str]:
    """Values as a person types them in the grid, with a French decimal comma."""
    return {f"v_{code}": str(value).replace(".", ",") for code, value in values.items()}


def signed_in(user: AbstractUser) -> Client:
    client = Client()
    client.force_login(user)
    return client


def submitted(assignment: Assignment, values: dict[str, Value]) -> ScoreSheet:
    """The assignment's sheet, filled with ``values`` and submitted by its evaluator."""
    sheet = open_sheet(assignment, actor=assignment.evaluator)
    save_sheet(sheet.pk, grid_data(values, revision=sheet.revision), actor=assignment.evaluator)
    return submit_sheet(sheet.pk, actor=assignment.evaluator)


def text_of(response: Any) -> str:
    """A page's HTML with its entities decoded (« l'intérêt », not « l&#x27;intérêt »)."""
    return html.unescape(response.content.decode())
