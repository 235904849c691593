"""Test settings: the real settings, with a throwaway key and a fast password hasher."""

import os

os.environ.setdefault("CERTIF_SECRET_KEY", "tests-only-not-a-secret")
# A fixed Fernet key for the tests only (32 bytes of « t », URL-safe base64).
os.environ.setdefault("CERTIF_FIELD_KEYS", "dHR0dHR0dHR0dHR0dHR0dHR0dHR0dHR0dHR0dHR0dHQ=")

from certif.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# WhiteNoise looks for the collected files at start-up; tests serve none, an empty folder will do.
import tempfile  # noqa: E402
from pathlib import Path  # noqa: E402

STATIC_ROOT = Path(tempfile.mkdtemp(prefix="certif-static-"))

# Deposited files: a throwaway store.
DEPOSITS_DIR = Path(tempfile.mkdtemp(prefix="certif-deposits-"))
