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
