"""Reading Certif's configuration from the environment (no Django import here).

Kept apart from settings.py so that the command line can prepare a data folder
(and its secret key) before Django reads its settings.
"""

from __future__ import annotations

import base64
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

TRUE_VALUES = {"1", "true", "yes", "on", "oui"}


def env_flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in TRUE_VALUES


def data_dir() -> Path:
    return Path(os.environ.get("CERTIF_DATA_DIR") or Path.cwd() / "data").resolve()


def default_secret_key_file() -> Path:
    return data_dir() / "secret_key"


def read_secret_key() -> str | None:
    """The secret key from CERTIF_SECRET_KEY, else the file CERTIF_SECRET_KEY_FILE, else the data folder's."""
    key = os.environ.get("CERTIF_SECRET_KEY", "").strip()
    if key:
        return key
    named = os.environ.get("CERTIF_SECRET_KEY_FILE", "").strip()
    path = Path(named) if named else default_secret_key_file()
    if path.is_file():
        content = path.read_text(encoding="utf-8").strip()
        return content or None
    if named:
        raise FileNotFoundError(f"CERTIF_SECRET_KEY_FILE: no such file {path}")
    return None


def ensure_local_secret_key() -> Path | None:
    """Create a random key in the data folder when none is configured; return its path if created."""
    if os.environ.get("CERTIF_SECRET_KEY", "").strip() or os.environ.get("CERTIF_SECRET_KEY_FILE"):
        return None
    path = default_secret_key_file()
    if path.exists():
        return None
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(secrets.token_urlsafe(50) + "\n")
    return path


def default_field_key_file() -> Path:
    return data_dir() / "field_key"


def read_field_keys() -> list[str]:
    """The keys that encrypt personal data of the highest sensitivity (the NIR) at rest:
    CERTIF_FIELD_KEYS (comma-separated, the first encrypts, all decrypt — a rotation adds the
    new key first), else the file CERTIF_FIELD_KEY_FILE, else the data folder's ``field_key``.
    Each is a Fernet key (32 bytes, URL-safe base64)."""
    listed = os.environ.get("CERTIF_FIELD_KEYS", "").strip()
    if listed:
        return [key.strip() for key in listed.split(",") if key.strip()]
    named = os.environ.get("CERTIF_FIELD_KEY_FILE", "").strip()
    path = Path(named) if named else default_field_key_file()
    if path.is_file():
        return [
            line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()
        ]
    if named:
        raise FileNotFoundError(f"CERTIF_FIELD_KEY_FILE: no such file {path}")
    return []


def ensure_local_field_key() -> Path | None:
    """Create a field key in the data folder when none is configured; its path if created."""
    if os.environ.get("CERTIF_FIELD_KEYS", "").strip() or os.environ.get("CERTIF_FIELD_KEY_FILE"):
        return None
    path = default_field_key_file()
    if path.exists():
        return None
    path.parent.mkdir(parents=True, exist_ok=True)
    # A Fernet key: 32 random bytes, URL-safe base64 (cryptography is not imported here).
    key = base64.urlsafe_b64encode(secrets.token_bytes(32)).decode("ascii")
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(key + "\n")
    return path


@dataclass(frozen=True)
class DatabaseConfig:
    engine: str
    name: str
    user: str = ""
    password: str = ""
    host: str = ""
    port: str = ""

    @property
    def is_postgresql(self) -> bool:
        return self.engine.endswith("postgresql")


def parse_database_url(url: str | None, default_sqlite: Path) -> DatabaseConfig:
    """``sqlite:///relative.db``, ``sqlite:////absolute.db`` or ``postgresql://user:pw@host:port/name``."""
    if not url:
        return DatabaseConfig("django.db.backends.sqlite3", str(default_sqlite))
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme == "sqlite":
        path = unquote(url[len("sqlite:///") :]) if url.startswith("sqlite:///") else ""
        if path in ("", ":memory:"):
            return DatabaseConfig(
                "django.db.backends.sqlite3", ":memory:" if path else str(default_sqlite)
            )
        return DatabaseConfig("django.db.backends.sqlite3", str(Path(path).resolve()))
    if scheme in ("postgres", "postgresql", "pgsql"):
        return DatabaseConfig(
            "django.db.backends.postgresql",
            unquote(parts.path.lstrip("/")),
            unquote(parts.username or ""),
            unquote(parts.password or ""),
            parts.hostname or "",
            str(parts.port or ""),
        )
    raise ValueError(
        f"CERTIF_DATABASE_URL: unsupported scheme {scheme!r} (use sqlite:// or postgresql://)"
    )


# -- Data protection (RGPD): how long each kind of personal data is kept ----------------------
# docs/rgpd.md gives the grounds of each default; `certif rgpd purge` applies them.


@dataclass(frozen=True)
class Retention:
    """Retention periods, kind by kind (never « for life » here: what is kept for life — the
    identity of a holder, the documents proving a certification — is not purged at all)."""

    # NIR: days after the Caisse des Dépôts accepted every passage declaring the holder.
    nir_days: int = 90
    # Identity of a candidate who validated nothing: years after their last activity.
    identity_years: int = 5
    # Score sheets, their scores and history: years after their last change, once no
    # deliberation of their session is open.
    sheets_years: int = 5
    # Contents of documents that are not proofs for life (convocations): years after issue.
    documents_years: int = 1
    # Journal entries: years after they were written.
    journal_years: int = 5


RETENTION_VARIABLES = {
    "nir_days": "CERTIF_RETENTION_NIR_DAYS",
    "identity_years": "CERTIF_RETENTION_IDENTITY_YEARS",
    "sheets_years": "CERTIF_RETENTION_SHEETS_YEARS",
    "documents_years": "CERTIF_RETENTION_DOCUMENTS_YEARS",
    "journal_years": "CERTIF_RETENTION_JOURNAL_YEARS",
}


def read_retention() -> Retention:
    """The retention periods from the environment, each a whole number (the defaults
    otherwise)."""
    values: dict[str, int] = {}
    for field_name, variable in RETENTION_VARIABLES.items():
        text = os.environ.get(variable, "").strip()
        if not text:
            continue
        if not text.isdigit():
            raise ValueError(f"{variable} : un nombre entier positif est attendu, pas {text!r}")
        values[field_name] = int(text)
    return Retention(**values)
