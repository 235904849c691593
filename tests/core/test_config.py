from __future__ import annotations

from pathlib import Path

import pytest

from certif.config import ensure_local_secret_key, parse_database_url, read_secret_key


def test_no_database_url_means_sqlite_in_the_data_folder(tmp_path: Path) -> None:
    config = parse_database_url(None, tmp_path / "certif.sqlite3")
    assert config.engine == "django.db.backends.sqlite3"
    assert config.name == str(tmp_path / "certif.sqlite3")


def test_postgresql_url_gives_every_part() -> None:
    config = parse_database_url("postgresql://postgres:s%40cret@127.0.0.1:5432/test", Path("x"))
    assert (config.engine, config.user, config.password, config.host, config.port, config.name) == (
        "django.db.backends.postgresql",
        "postgres",
        "s@cret",
        "127.0.0.1",
        "5432",
        "test",
    )


def test_absolute_sqlite_url_is_kept() -> None:
    assert (
        parse_database_url("sqlite:////var/lib/certif/db.sqlite3", Path("x")).name
        == "/var/lib/certif/db.sqlite3"
    )


def test_unknown_database_scheme_is_refused() -> None:
    with pytest.raises(ValueError, match="mysql"):
        parse_database_url("mysql://root@localhost/x", Path("x"))


def test_secret_key_file_is_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    key_file = tmp_path / "key"
    key_file.write_text("from-a-file\n", encoding="utf-8")
    monkeypatch.delenv("CERTIF_SECRET_KEY", raising=False)
    monkeypatch.setenv("CERTIF_SECRET_KEY_FILE", str(key_file))
    assert read_secret_key() == "from-a-file"


def test_init_creates_a_private_key_in_the_data_folder_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CERTIF_SECRET_KEY", raising=False)
    monkeypatch.delenv("CERTIF_SECRET_KEY_FILE", raising=False)
    monkeypatch.setenv("CERTIF_DATA_DIR", str(tmp_path))
    created = ensure_local_secret_key()
    assert created == tmp_path / "secret_key"
    assert created.stat().st_mode & 0o777 == 0o600
    assert ensure_local_secret_key() is None
    assert read_secret_key() == created.read_text(encoding="utf-8").strip()


# -- mail ------------------------------------------------------------------------------------


def test_an_smtp_url_gives_every_part() -> None:
    from certif.config import SMTP_BACKEND, parse_email_url

    config = parse_email_url("smtp://certif%40exemple.fr:s%3Acret@mail.exemple.fr:587")
    assert (config.backend, config.host, config.port, config.user, config.password) == (
        SMTP_BACKEND,
        "mail.exemple.fr",
        587,
        "certif@exemple.fr",
        "s:cret",
    )
    assert (config.use_tls, config.use_ssl) == (True, False)


def test_smtps_means_tls_from_the_start_on_465() -> None:
    from certif.config import parse_email_url

    config = parse_email_url("smtps://u:p@mail.exemple.fr")
    assert (config.port, config.use_tls, config.use_ssl) == (465, False, True)


def test_without_mail_settings_mail_goes_to_the_console(monkeypatch: pytest.MonkeyPatch) -> None:
    from certif.config import CONSOLE_BACKEND, email_config

    for name in ("CERTIF_EMAIL_URL", "CERTIF_EMAIL_HOST", "CERTIF_EMAIL_BACKEND"):
        monkeypatch.delenv(name, raising=False)
    assert email_config().backend == CONSOLE_BACKEND


def test_mail_from_host_port_and_account(monkeypatch: pytest.MonkeyPatch) -> None:
    from certif.config import SMTP_BACKEND, email_config

    monkeypatch.delenv("CERTIF_EMAIL_URL", raising=False)
    monkeypatch.delenv("CERTIF_EMAIL_BACKEND", raising=False)
    monkeypatch.setenv("CERTIF_EMAIL_HOST", "smtp.exemple.fr")
    monkeypatch.setenv("CERTIF_EMAIL_PORT", "2525")
    monkeypatch.setenv("CERTIF_EMAIL_USER", "certif")
    monkeypatch.setenv("CERTIF_EMAIL_PASSWORD", "secret")
    monkeypatch.setenv("CERTIF_EMAIL_TLS", "1")
    config = email_config()
    assert (config.backend, config.host, config.port, config.user, config.use_tls) == (
        SMTP_BACKEND,
        "smtp.exemple.fr",
        2525,
        "certif",
        True,
    )
