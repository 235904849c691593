"""A backup of an installation whose files live in an S3-compatible bucket (moto, in process):
the files are read from the bucket into the backup, and a restore puts them back there."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest

from certif.deliberations.models import Deliberation
from certif.maintenance import services
from tests.maintenance.test_services import emptied, installation  # noqa: F401
from tests.support.buckets import bucket, keys, local_files  # noqa: F401

pytestmark = pytest.mark.django_db(transaction=True)


def put(bucket: Any, store: str, content: bytes) -> str:  # noqa: F811
    digest = hashlib.sha256(content).hexdigest()
    bucket.put_object(Key=f"certif/{store}/{digest[:2]}/{digest}.pdf", Body=content)
    return f"{store}/{digest[:2]}/{digest}.pdf"


def test_the_files_of_the_bucket_are_backed_up_and_put_back_in_it(
    installation: Deliberation,  # noqa: F811
    bucket: Any,  # noqa: F811
    tmp_path: Path,
) -> None:
    memoire = put(bucket, "depots", b"%PDF-1.7 a memoire")
    case = put(bucket, "cas", b"%PDF-1.7 a case study")
    bucket.put_object(Key="certif/depots/elsewhere.txt", Body=b"not a stored file")
    outcome = services.backup(tmp_path / "certif.tar.gz")
    assert sorted(n for n in outcome.manifest.members if n.startswith("files/")) == sorted(
        [f"files/{memoire}", f"files/{case}"]
    )
    emptied()
    bucket.objects.all().delete()

    services.restore(tmp_path / "certif.tar.gz")

    assert keys(bucket) == sorted([f"certif/{memoire}", f"certif/{case}"])
    body = bucket.Object(f"certif/{memoire}").get()["Body"].read()
    assert body == b"%PDF-1.7 a memoire"
    assert local_files(tmp_path / "depots") == []  # nothing left behind on the disk
