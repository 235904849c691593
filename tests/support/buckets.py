"""An S3 bucket in the test's own process (moto): the stores of deposits and cases in it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto import mock_aws

from certif.core import storage_backends

BUCKET = "certif-tests"
REGION = "eu-west-3"


@pytest.fixture
def bucket(settings: Any, tmp_path: Path) -> Iterator[Any]:
    """The stores in a fresh bucket (under a prefix, as a shared bucket would have them); the
    local folders hold only uploads being checked. Yields the bucket (boto3)."""
    environ = {
        "CERTIF_STORAGE_S3_BUCKET": BUCKET,
        "CERTIF_STORAGE_S3_REGION": REGION,
        "CERTIF_STORAGE_S3_ACCESS_KEY_ID": "test-key",
        "CERTIF_STORAGE_S3_SECRET_ACCESS_KEY": "test-secret",
        "CERTIF_STORAGE_S3_PREFIX": "certif",
    }
    with mock_aws():
        storage_backends._s3_storage.cache_clear()
        s3 = boto3.resource("s3", region_name=REGION)
        s3.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION})
        settings.FILES_S3 = storage_backends.s3_options(environ)
        settings.DEPOSITS_DIR = tmp_path / "depots"
        settings.CASE_FILES_DIR = tmp_path / "cas"
        yield s3.Bucket(BUCKET)
        storage_backends._s3_storage.cache_clear()


def keys(bucket: Any) -> list[str]:
    return sorted(summary.key for summary in bucket.objects.all())


def local_files(folder: Path) -> list[Path]:
    return sorted(path for path in folder.rglob("*") if path.is_file()) if folder.exists() else []
