"""Deposits, their receipts and the cases' PDFs in an S3-compatible bucket (moto, in process):
written there under their digest, streamed back, erased with the candidate, backed up; a failed
upload leaves nothing, in the bucket or on the disk."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.test import Client

from certif.candidates.models import Candidate
from certif.core.roles import Role
from certif.core.storage_backends import BucketStore, s3_options
from certif.deposits.storage import CHUNK_SIZE
from certif.privacy import services as privacy
from certif.referential.models import ReferentialVersion
from certif.submissions import services
from certif.submissions.models import Deposit
from tests.deposits.pdfs import pdf_bytes
from tests.support.buckets import keys, local_files
from tests.support.submissions import approved_subject, deposited, session_in

pytestmark = pytest.mark.django_db


def key(sha256: str, store: str = "depots") -> str:
    return f"certif/{store}/{sha256[:2]}/{sha256}.pdf"


@pytest.fixture
def owner(make_user: Callable[..., AbstractUser], candidates: list[Candidate]) -> AbstractUser:
    return make_user(Role.CANDIDATE, candidate=candidates[0])


def test_a_deposit_is_stored_in_the_bucket_under_its_digest_and_nowhere_else(
    bucket: Any, version: ReferentialVersion, candidates: list[Candidate], owner: AbstractUser
) -> None:
    session = session_in(version, candidates[0], 30)
    deposit = deposited(candidates[0], session, "B1Support", owner, pages=5)
    assert isinstance(services.deposit_store(), BucketStore)
    assert deposit.sha256 == hashlib.sha256(pdf_bytes(5)).hexdigest()
    assert keys(bucket) == [key(deposit.sha256)]
    assert local_files(Path(settings.DEPOSITS_DIR)) == []  # the upload waited there, then went


def test_a_deposit_is_streamed_back_from_the_bucket_by_chunks(
    bucket: Any,
    version: ReferentialVersion,
    candidates: list[Candidate],
    owner: AbstractUser,
    make_user: Callable[..., AbstractUser],
) -> None:
    session = session_in(version, candidates[0], 30)
    approved_subject(candidates[0], owner, make_user(Role.PEDAGOGY))
    deposit = deposited(candidates[0], session, "MEMDocument", owner, pages=40, name="m.pdf")
    _, stream = services.open_deposit(deposit.pk, actor=owner)
    with stream:
        chunks = list(stream)
    assert stream.size == deposit.size
    assert all(len(chunk) <= CHUNK_SIZE for chunk in chunks)
    assert b"".join(chunks) == pdf_bytes(40)


def test_the_page_streams_the_file_and_the_kept_receipt_from_the_bucket(
    bucket: Any,
    version: ReferentialVersion,
    candidates: list[Candidate],
    owner: AbstractUser,
) -> None:
    session = session_in(version, candidates[0], 30)
    deposit = deposited(candidates[0], session, "B1Support", owner)
    browser = Client()
    browser.force_login(owner)
    opened = browser.get(f"/depots/fichiers/{deposit.pk}/")
    assert b"".join(opened.streaming_content) == pdf_bytes(3)
    first = b"".join(browser.get(f"/depots/fichiers/{deposit.pk}/accuse.pdf").streaming_content)
    again = b"".join(browser.get(f"/depots/fichiers/{deposit.pk}/accuse.pdf").streaming_content)
    assert first.startswith(b"%PDF-")
    assert first == again
    deposit.refresh_from_db()
    assert deposit.receipt_sha256 == hashlib.sha256(first).hexdigest()
    assert keys(bucket) == sorted([key(deposit.sha256), key(deposit.receipt_sha256)])


def test_a_failed_upload_to_the_bucket_leaves_nothing_anywhere(
    bucket: Any,
    version: ReferentialVersion,
    candidates: list[Candidate],
    owner: AbstractUser,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    session = session_in(version, candidates[0], 30)

    def broken(*args: Any, **kwargs: Any) -> None:
        raise ConnectionError("the bucket went away")

    monkeypatch.setattr("storages.backends.s3.S3Storage._save", broken)
    with pytest.raises(ConnectionError):
        deposited(candidates[0], session, "B1Support", owner)
    assert keys(bucket) == []
    assert local_files(Path(settings.DEPOSITS_DIR)) == []
    assert not Deposit.objects.exists()


def test_anonymising_a_candidate_erases_her_files_and_receipts_from_the_bucket(
    bucket: Any,
    version: ReferentialVersion,
    candidates: list[Candidate],
    owner: AbstractUser,
    make_user: Callable[..., AbstractUser],
    django_capture_on_commit_callbacks: Any,
) -> None:
    candidate = candidates[0]
    session = session_in(version, candidate, 30)
    approved_subject(candidate, owner, make_user(Role.PEDAGOGY))
    deposit = deposited(candidate, session, "MEMDocument", owner, pages=31, name="m.pdf")
    services.open_receipt(deposit.pk, actor=owner, render=lambda d: b"%PDF-1.7 receipt")
    assert len(keys(bucket)) == 2
    with django_capture_on_commit_callbacks(execute=True):
        privacy.anonymise(
            candidate, {"confirmation": candidate.numero, "reason": "Demande d'effacement reçue"}
        )
    assert keys(bucket) == []
    deposit.refresh_from_db()
    assert (deposit.original_name, deposit.receipt_sha256) == ("", "")


def test_a_case_pdf_goes_to_the_bucket_and_is_read_back(
    bucket: Any, version: ReferentialVersion
) -> None:
    from certif.casebank.services import attachment_stream
    from tests.support.casebank import bank_case

    case = bank_case("B2", "B2-001", pdf=True)
    first = case.versions.get()
    assert keys(bucket) == [key(first.attachment_sha256, "cas")]
    with attachment_stream(first) as stream:
        assert hashlib.sha256(b"".join(stream)).hexdigest() == first.attachment_sha256


def test_the_bucket_is_configured_from_the_environment_all_or_nothing() -> None:
    assert s3_options({}) is None
    options = s3_options({"CERTIF_STORAGE_S3_BUCKET": "b", "CERTIF_STORAGE_S3_ENDPOINT_URL": "http://127.0.0.1:9000", "CERTIF_STORAGE_S3_ADDRESSING_STYLE": "path"})  # fmt: skip
    assert options is not None
    assert (options["bucket_name"], options["endpoint_url"]) == ("b", "http://127.0.0.1:9000")
    assert options["access_key"] is None  # boto3's own chain: AWS_* variables, a role…
    with pytest.raises(ValueError, match="without CERTIF_STORAGE_S3_BUCKET"):
        s3_options({"CERTIF_STORAGE_S3_ENDPOINT_URL": "http://127.0.0.1:9000"})
    with pytest.raises(ValueError, match="go together"):
        s3_options({"CERTIF_STORAGE_S3_BUCKET": "b", "CERTIF_STORAGE_S3_ACCESS_KEY_ID": "k"})
