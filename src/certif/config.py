"""Reading Certif's configuration from the environment (no Django import here).

Kept apart from settings.py so that the command line can prepare a data folder
(and its secret key) before Django reads its settings.
"""

from __future__ import annotations

import base64
import os
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

TRUE_VALUES = {"1", "true", "yes", "on", "oui"}


def env_flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in TRUE_VALUES


def env_int(name: str, default: int, minimum: int = 0) -> int:
    """An integer setting; a value that is not one, or below ``minimum``, stops the start."""
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        number = int(value)
    except ValueError:
        raise ValueError(f"{name}: an integer is expected, not {value!r}") from None
    if number < minimum:
        raise ValueError(f"{name}: at least {minimum}, not {number}")
    return number


def data_dir() -> Path:
    return Path(os.environ.get("CERTIF_DATA_DIR") or Path.cwd() / "data").resolve()


# The data folder holds the secret keys, the database and candidates' files: its owner only.
PRIVATE_DIR_MODE = 0o700
PRIVATE_FILE_MODE = 0o600


def ensure_private_dir(path: Path) -> Path:
    """Create ``path`` (and missing parents) readable by its owner only; an existing folder is
    left as its administrator set it."""
    if not path.exists():
        path.mkdir(mode=PRIVATE_DIR_MODE, parents=True, exist_ok=True)
        # mkdir's mode goes through the umask, which may only remove bits: set it exactly.
        path.chmod(PRIVATE_DIR_MODE)
    return path


def _key_file_text(variable: str, default: Path) -> str | None:
    """The text of the key file the environment ``variable`` names, else of ``default``; None
    when there is none. A file named that is missing is an error, not a key left unset."""
    named = os.environ.get(variable, "").strip()
    path = Path(named) if named else default
    if path.is_file():
        return path.read_text(encoding="utf-8")
    if named:
        raise FileNotFoundError(f"{variable}: no such file {path}")
    return None


def _ensure_local_key(
    value_variable: str, file_variable: str, path: Path, new_key: Callable[[], str]
) -> Path | None:
    """Write ``new_key()`` to ``path``, readable by its owner only, unless the environment
    gives the key (``value_variable``) or its file (``file_variable``), or ``path`` is there
    already; its path if created."""
    if os.environ.get(value_variable, "").strip() or os.environ.get(file_variable):
        return None
    if path.exists():
        return None
    ensure_private_dir(path.parent)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE_MODE)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(new_key() + "\n")
    return path


def default_secret_key_file() -> Path:
    return data_dir() / "secret_key"


def read_secret_key() -> str | None:
    """The secret key from CERTIF_SECRET_KEY, else the file CERTIF_SECRET_KEY_FILE, else the data folder's."""
    key = os.environ.get("CERTIF_SECRET_KEY", "").strip()
    if key:
        return key
    content = _key_file_text("CERTIF_SECRET_KEY_FILE", default_secret_key_file())
    return (content or "").strip() or None


def ensure_local_secret_key() -> Path | None:
    """Create a random key in the data folder when none is configured; return its path if created."""
    return _ensure_local_key(
        "CERTIF_SECRET_KEY",
        "CERTIF_SECRET_KEY_FILE",
        default_secret_key_file(),
        lambda: secrets.token_urlsafe(50),
    )


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
    content = _key_file_text("CERTIF_FIELD_KEY_FILE", default_field_key_file())
    return [line.strip() for line in (content or "").splitlines() if line.strip()]


def ensure_local_field_key() -> Path | None:
    """Create a field key in the data folder when none is configured; its path if created."""
    # A Fernet key: 32 random bytes, URL-safe base64 (cryptography is not imported here).
    return _ensure_local_key(
        "CERTIF_FIELD_KEYS",
        "CERTIF_FIELD_KEY_FILE",
        default_field_key_file(),
        lambda: base64.urlsafe_b64encode(secrets.token_bytes(32)).decode("ascii"),
    )


SQLITE_ENGINE = "django.db.backends.sqlite3"


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
        return DatabaseConfig(SQLITE_ENGINE, str(default_sqlite))
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme == "sqlite":
        path = unquote(url[len("sqlite:///") :]) if url.startswith("sqlite:///") else ""
        if path in ("", ":memory:"):
            return DatabaseConfig(SQLITE_ENGINE, ":memory:" if path else str(default_sqlite))
        return DatabaseConfig(SQLITE_ENGINE, str(Path(path).resolve()))
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
    # Deposited files (mémoires, written supports): years after the later of their deposit and
    # the last closure of a deliberation of their session, once none of them is open.
    deposits_years: int = 5
    # Contents of documents that are not proofs for life (convocations): years after issue.
    documents_years: int = 1
    # Journal entries: years after they were written.
    journal_years: int = 5


RETENTION_VARIABLES = {
    "nir_days": "CERTIF_RETENTION_NIR_DAYS",
    "identity_years": "CERTIF_RETENTION_IDENTITY_YEARS",
    "sheets_years": "CERTIF_RETENTION_SHEETS_YEARS",
    "deposits_years": "CERTIF_RETENTION_DEPOSITS_YEARS",
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


@dataclass(frozen=True)
class EmailConfig:
    """Where mail goes: Django's backend and, for SMTP, the server and its account."""

    backend: str
    host: str = ""
    port: int = 25
    user: str = ""
    password: str = ""
    use_tls: bool = False
    use_ssl: bool = False


SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
CONSOLE_BACKEND = "django.core.mail.backends.console.EmailBackend"


def parse_email_url(url: str) -> EmailConfig:
    """``smtp://user:password@host:587`` (STARTTLS with ``?tls=1``, the default on 587),
    ``smtps://user:password@host:465`` (TLS from the start), ``console://`` or ``dummy://``."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme in ("console", "dummy"):
        return EmailConfig(f"django.core.mail.backends.{scheme}.EmailBackend")
    if scheme not in ("smtp", "smtps", "submission"):
        raise ValueError(
            f"CERTIF_EMAIL_URL: unsupported scheme {scheme!r} (use smtp://, smtps:// or console://)"
        )
    query = {
        key.lower(): value.lower()
        for key, _sep, value in (item.partition("=") for item in parts.query.split("&") if item)
    }
    use_ssl = scheme == "smtps" or query.get("ssl") in TRUE_VALUES
    default_port = 465 if use_ssl else 587 if scheme == "submission" else 25
    port = parts.port or default_port
    use_tls = not use_ssl and (query.get("tls") in TRUE_VALUES or port == 587)
    return EmailConfig(
        SMTP_BACKEND,
        host=parts.hostname or "",
        port=port,
        user=unquote(parts.username or ""),
        password=unquote(parts.password or ""),
        use_tls=use_tls,
        use_ssl=use_ssl,
    )


def email_config() -> EmailConfig:
    """CERTIF_EMAIL_URL, else CERTIF_EMAIL_HOST and its companions, else the console (which
    writes mail to the server's log: development only — see ``mail_leaves_the_server``)."""
    url = os.environ.get("CERTIF_EMAIL_URL", "").strip()
    if url:
        config = parse_email_url(url)
    elif os.environ.get("CERTIF_EMAIL_HOST", "").strip():
        use_ssl = env_flag("CERTIF_EMAIL_SSL", default=False)
        port = env_int("CERTIF_EMAIL_PORT", 465 if use_ssl else 587, minimum=1)
        config = EmailConfig(
            SMTP_BACKEND,
            host=os.environ["CERTIF_EMAIL_HOST"].strip(),
            port=port,
            user=os.environ.get("CERTIF_EMAIL_USER", ""),
            password=os.environ.get("CERTIF_EMAIL_PASSWORD", ""),
            use_tls=not use_ssl and env_flag("CERTIF_EMAIL_TLS", default=port == 587),
            use_ssl=use_ssl,
        )
    else:
        config = EmailConfig(CONSOLE_BACKEND)
    backend = os.environ.get("CERTIF_EMAIL_BACKEND", "").strip()
    if backend:
        # An explicit backend (a test, a special transport) wins over the guess.
        return EmailConfig(
            backend,
            config.host,
            config.port,
            config.user,
            config.password,
            config.use_tls,
            config.use_ssl,
        )
    return config
