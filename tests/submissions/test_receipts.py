"""A deposit's receipt is kept as it was issued: stored under its digest with the deposit, the
same bytes at every download, whatever changes after; made at the deposit through the API, at
the first download otherwise."""

from __future__ import annotations

import hashlib
from collections.abc import Callable

import pytest
from django.contrib.auth.models import AbstractUser
from django.test import Client

from certif.candidates.models import Candidate
from certif.core.errors import Forbidden
from certif.core.roles import Role
from certif.deposits.storage import stored_path
from certif.referential.models import ReferentialVersion
from certif.submissions import services
from certif.submissions.models import Deposit
from certif.submissions.queries import store_folder
from tests.api.conftest import api_for  # noqa: F401
from tests.deposits.pdfs import pdf_bytes
from tests.submissions.conftest import World
from tests.support.api import BASE, Api
from tests.support.submissions import session_in

pytestmark = pytest.mark.django_db


def receipt(user: AbstractUser, deposit: Deposit) -> bytes:
    client = Client()
    client.force_login(user)
    response = client.get(f"/depots/fichiers/{deposit.pk}/accuse.pdf")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    return b"".join(response.streaming_content)


def test_the_receipt_is_kept_and_downloaded_identically_whatever_changes_after(
    world: World,
) -> None:
    first = receipt(world.owner, world.support)
    world.support.refresh_from_db()
    kept = stored_path(store_folder(), world.support.receipt_sha256)
    assert kept.read_bytes() == first
    assert world.support.receipt_sha256 == hashlib.sha256(first).hexdigest()
    world.candidate.birth_name = "Renommée"  # what the receipt prints, changed afterwards
    world.candidate.save()
    assert receipt(world.staff, world.support) == first
    assert receipt(world.owner, world.support) == first


def test_only_the_candidate_and_gestionnaires_read_the_receipt(world: World) -> None:
    with pytest.raises(Forbidden):
        services.open_receipt(world.support.pk, actor=world.evaluator, render=lambda d: b"%PDF")


def test_a_receipt_whose_file_went_is_drawn_again_and_kept(world: World) -> None:
    first = receipt(world.owner, world.memoire)
    world.memoire.refresh_from_db()
    stored_path(store_folder(), world.memoire.receipt_sha256).unlink()
    again = receipt(world.owner, world.memoire)
    world.memoire.refresh_from_db()
    assert again.startswith(b"%PDF-")
    assert stored_path(store_folder(), world.memoire.receipt_sha256).read_bytes() == again
    assert first.startswith(b"%PDF-")


def test_a_deposit_through_the_api_keeps_its_receipt_at_once(
    version: ReferentialVersion,
    candidates: list[Candidate],
    api_for: Callable[..., Api],  # noqa: F811
) -> None:
    session_in(version, candidates[0], 30)
    api = api_for(Role.CANDIDATE, candidate=candidates[0])
    answer = api.client.post(
        BASE + "/me/sessions/2027-01/deliverables/B1Support/deposits?file_name=plan.pdf",
        pdf_bytes(2), content_type="application/pdf", headers=api.headers(),
    )  # fmt: skip
    assert answer.status_code == 201, answer.content
    digest = answer.json()["receipt_sha256"]
    assert stored_path(store_folder(), digest).is_file()
    downloaded = api.get(f"/deposits/{answer.json()['id']}/receipt")
    assert downloaded.status_code == 200
    body = b"".join(downloaded.streaming_content)  # type: ignore[attr-defined]
    assert hashlib.sha256(body).hexdigest() == digest


def test_a_receipt_that_cannot_be_drawn_at_the_deposit_does_not_cost_the_deposit(
    world: World,
) -> None:
    def broken(deposit: Deposit) -> bytes:
        raise RuntimeError("Typst is not there")

    deposit = services.deposit_file(
        world.candidate, world.session, "B1Support", [pdf_bytes(2)], shown_name="plan.pdf",
        actor=world.owner, receipt=broken,
    )  # fmt: skip
    deposit.refresh_from_db()
    assert (deposit.version, deposit.receipt_sha256) == (2, "")
    assert receipt(world.owner, deposit).startswith(b"%PDF-")  # drawn at its first download
