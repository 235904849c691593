"""A production deployment as the README describes it (« Déploiement en production »):
`check --deploy` clean, HTTPS enforced, the data folder and database private, and `certif
serve` refusing a taken port and opening no shared control socket."""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
from pathlib import Path

from certif.web.management.commands.serve import gunicorn_options

# The production configuration the README documents (a random key, the site's own name).
PRODUCTION = {
    "CERTIF_ALLOWED_HOSTS": "certif.exemple.fr",
    "CERTIF_HTTPS": "1",
    "CERTIF_HSTS_INCLUDE_SUBDOMAINS": "1",
    "CERTIF_HSTS_PRELOAD": "1",
    "CERTIF_EMAIL_URL": "smtp://certif:secret@smtp.exemple.fr:587",
    "CERTIF_EMAIL_FROM": "certif@exemple.fr",
}


def environment(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("CERTIF_") and key != "DJANGO_SETTINGS_MODULE"
    }
    env.update(
        CERTIF_DATA_DIR=str(tmp_path / "data"),
        HOME=str(tmp_path),
    )
    env.pop("XDG_RUNTIME_DIR", None)
    # The browser tests' process allows Django's async-unsafe calls (Playwright beside the live
    # server): a deployment never does, and check --deploy says so.
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    env.update(extra)
    return env


def certif(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "certif", *args],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=environment(tmp_path, **env),
        timeout=120,
        check=False,
        # The usual umask, whatever the test runner's: files would be created 0644.
        preexec_fn=lambda: os.umask(0o022),
    )


def production(tmp_path: Path) -> dict[str, str]:
    return {
        **PRODUCTION,
        "CERTIF_SECRET_KEY": secrets.token_urlsafe(50),
        "CERTIF_FIELD_KEYS": "dHR0dHR0dHR0dHR0dHR0dHR0dHR0dHR0dHR0dHR0dHQ=",
    }


def test_check_deploy_is_clean_for_the_documented_production_configuration(
    tmp_path: Path,
) -> None:
    completed = certif(
        tmp_path, "check", "--deploy", "--fail-level", "WARNING", **production(tmp_path)
    )
    assert completed.returncode == 0, completed.stderr
    assert "no issues" in completed.stdout


def test_check_deploy_says_when_no_mail_server_is_configured(tmp_path: Path) -> None:
    env = production(tmp_path)
    del env["CERTIF_EMAIL_URL"]
    completed = certif(tmp_path, "check", "--deploy", **env)
    assert "certif.W001" in completed.stderr


def test_https_turns_on_redirect_hsts_secure_cookies_and_the_proxy_header(
    tmp_path: Path,
) -> None:
    code = (
        "from django.conf import settings as s\n"
        "print(s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, s.SESSION_COOKIE_SECURE,"
        " s.CSRF_COOKIE_SECURE, s.SECURE_PROXY_SSL_HEADER)\n"
    )
    completed = certif(tmp_path, "shell", "-c", code, **production(tmp_path))
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.strip().splitlines()[-1] == (
        "True 31536000 True True ('HTTP_X_FORWARDED_PROTO', 'https')"
    )


def test_without_https_nothing_is_redirected(tmp_path: Path) -> None:
    code = "from django.conf import settings as s\nprint(s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS)\n"
    completed = certif(tmp_path, "shell", "-c", code, CERTIF_DEBUG="1")
    assert completed.stdout.strip().splitlines()[-1] == "False 0"


# -- the data folder and the database --------------------------------------------------------


def mode(path: Path) -> int:
    return path.stat().st_mode & 0o777


def test_init_creates_the_data_folder_and_the_database_private(tmp_path: Path) -> None:
    completed = certif(tmp_path, "init")
    assert completed.returncode == 0, completed.stderr
    data = tmp_path / "data"
    assert mode(data) == 0o700
    assert mode(data / "certif.sqlite3") == 0o600
    assert mode(data / "secret_key") == 0o600


def test_migrate_alone_creates_the_database_private(tmp_path: Path) -> None:
    completed = certif(tmp_path, "migrate", "--verbosity=0", CERTIF_DEBUG="1")
    assert completed.returncode == 0, completed.stderr
    assert mode(tmp_path / "data") == 0o700
    database = tmp_path / "data" / "certif.sqlite3"
    assert mode(database) == 0o600
    for companion in (tmp_path / "data").glob("certif.sqlite3-*"):
        assert mode(companion) == 0o600, companion


# -- certif serve ----------------------------------------------------------------------------


def test_serve_refuses_a_port_already_taken_in_french(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        completed = certif(tmp_path, "serve", "--port", str(port), CERTIF_DEBUG="1")
    assert completed.returncode != 0
    assert f"Le port {port} de 127.0.0.1 est déjà utilisé" in completed.stderr
    assert "Traceback" not in completed.stderr


def test_serve_opens_no_control_socket_another_instance_could_share() -> None:
    from gunicorn.config import Config

    config = Config()
    for name, value in gunicorn_options("127.0.0.1:8000", 1).items():
        config.set(name, value)  # a setting this gunicorn does not know would raise here
    assert config.control_socket_disable is True
