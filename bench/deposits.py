"""A mémoire deposit of 50 MB through a real server: the memory it costs the web worker.

``python -m bench deposits [--megabytes 49] [--port 8117] [--s3]``

With ``--s3`` the files go to a bucket (``CERTIF_STORAGE_S3_*``) of moto's S3 server, run on
this machine in its own process on the next port (``pip install 'moto[server]'`` first).

A fresh SQLite database; a candidate with an approved subject, enrolled in the mémoire of a
session a month ahead; ``certif serve`` with one gunicorn worker. A small deposit first (so
that pypdf and the pages are loaded; on the page, after signing in), then the worker's
high-water mark is reset and its resident memory (VmRSS) read, then the large PDF — pages each
carrying an incompressible 1 MiB image, as a mémoire's photos do — posted by curl, streamed from
disk (as the API's body, then as the page's form); then the worker's peak (VmHWM).
The baseline beside it is the worker at rest and the size of the file: a server that held
the upload in memory would need at least the file once more.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Any

from bench.scale import RESULTS

SETUP = """
import django, json
django.setup()
from datetime import timedelta
from django.core.management import call_command
from django.utils import timezone
call_command("migrate", verbosity=0)
from certif.accounts.services import create_user
from certif.accounts.tokens import issue_token
from certif.candidates.models import Candidate
from certif.core.roles import Role, ensure_groups
from certif.referential.models import Block
from certif.referential.services import load_builtin
from certif.sessions.models import Enrolment, ExamSession
from certif.submissions.models import Subject
ensure_groups()
version = load_builtin().version
candidate = Candidate.objects.create(numero="C001", birth_name="Bench", first_name="Anne",
                                     birth_date="1990-01-01")
user = create_user("anne", password="bench-password-1", roles=[Role.CANDIDATE],
                   candidate=candidate, email="anne@example.org")
start = timezone.localdate() + timedelta(days=40)
session = ExamSession.objects.create(code="2027-01", referential_version=version,
                                     start_date=start, end_date=start)
Enrolment.objects.create(session=session, candidate=candidate,
                         block=Block.objects.get(version=version, code="MEM"))
Subject.objects.create(candidate=candidate, title="Sujet", problem="P", outline="O",
                       status="approved", proposed_at=timezone.now())
print(json.dumps({"token": issue_token(user, "bench").secret}))
"""


def big_pdf(path: Path, megabytes: int) -> int:
    """A PDF of about ``megabytes`` MiB: one page per MiB, each drawing a random 1 MiB image."""
    from pypdf import PdfWriter
    from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject, NumberObject

    writer = PdfWriter()
    side = 591  # 591 x 591 RGB pixels ≈ 1 MiB
    for _ in range(megabytes):
        page = writer.add_blank_page(595, 842)
        image = DecodedStreamObject()
        image.set_data(os.urandom(side * side * 3))
        image.update({
            NameObject("/Type"): NameObject("/XObject"),
            NameObject("/Subtype"): NameObject("/Image"),
            NameObject("/Width"): NumberObject(side),
            NameObject("/Height"): NumberObject(side),
            NameObject("/ColorSpace"): NameObject("/DeviceRGB"),
            NameObject("/BitsPerComponent"): NumberObject(8),
        })  # fmt: skip
        reference = writer._add_object(image)
        xobjects = DictionaryObject({NameObject("/Im0"): reference})
        resources = DictionaryObject({NameObject("/XObject"): xobjects})
        page[NameObject("/Resources")] = writer._add_object(resources)
    with path.open("wb") as out:
        writer.write(out)
    return path.stat().st_size


def status_of(pid: int) -> dict[str, int]:
    found = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            found[key] = int(value.split()[0]) // 1024  # MiB
    return found


def worker_pid(master: int) -> int:
    for _ in range(100):
        children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
        if children:
            return int(children[0])
        time.sleep(0.2)
    raise RuntimeError("no gunicorn worker")


def post(port: int, token: str, path: Path) -> dict[str, Any]:
    url = (
        f"http://127.0.0.1:{port}/api/v1/me/sessions/2027-01/deliverables/MEMDocument/deposits"
        f"?file_name={path.name}"
    )
    completed = subprocess.run(
        ["curl", "-s", "-X", "POST", "-T", str(path), "-H", f"Authorization: Bearer {token}",
         "-H", "Content-Type: application/pdf", "-w", "\n%{http_code} %{time_total}", url],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    body, _, tail = completed.stdout.rpartition("\n")
    code, seconds = tail.split()
    return {"status": int(code), "seconds": float(seconds), "body": body[:300]}


def sign_in(port: int, jar: Path) -> None:
    """The candidate signs in on the page (its cookies kept in ``jar``). Done before the
    measure: checking a password with Argon2 costs 100 MiB by design (Django's
    ``memory_cost``), which is the sign-in's, not the deposit's."""
    base = f"http://127.0.0.1:{port}"
    _curl(jar, f"{base}/comptes/login/")
    _curl(jar, "-X", "POST", "-e", f"{base}/comptes/login/", "-d", "username=anne",
          "-d", "password=bench-password-1", "-d", f"csrfmiddlewaretoken={_token(jar)}",
          f"{base}/comptes/login/")  # fmt: skip


def _curl(jar: Path, *args: str) -> str:
    return subprocess.run(["curl", "-s", "-b", str(jar), "-c", str(jar), *args],
                          capture_output=True, text=True, check=True).stdout  # fmt: skip


def _token(jar: Path) -> str:
    for line in jar.read_text().splitlines():
        if "csrftoken" in line:
            return line.split()[-1]
    raise RuntimeError("no CSRF cookie")


def page_post(port: int, path: Path, jar: Path) -> dict[str, Any]:
    """The candidate's page, signed in (``sign_in``): read the form, post the file as
    multipart."""
    base = f"http://127.0.0.1:{port}"
    page = _curl(jar, f"{base}/mon-espace/depots/")
    action = page.split('enctype="multipart/form-data" action="', 1)[1].split('"', 1)[0]
    out = _curl(jar, "-X", "POST", "-e", f"{base}/mon-espace/depots/", "-F", f"file=@{path}",
                "-F", f"csrfmiddlewaretoken={_token(jar)}", "-w",
                "\n%{http_code} %{time_total}", base + action)  # fmt: skip
    code, seconds = out.rpartition("\n")[2].split()
    return {"status": int(code), "seconds": float(seconds), "body": ""}


def reset_peak(pid: int) -> None:
    """Start the worker's high-water mark (VmHWM) afresh: what came before (the warm-up, a
    sign-in) is not the deposit's."""
    Path(f"/proc/{pid}/clear_refs").write_text("5")


def measure(
    env: dict[str, str], port: int, send: Any, small: Path, large: Path, prepare: Any = None
) -> dict[str, Any]:
    certif = str(Path(sys.executable).parent / "certif")
    server = subprocess.Popen(
        [certif, "serve", "--port", str(port), "--workers", "1"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        pid = worker_pid(server.pid)
        warm: dict[str, Any] = {}
        for _ in range(100):
            try:
                if prepare is not None:
                    prepare()
                warm = send(small)
                break
            except (subprocess.CalledProcessError, IndexError):
                time.sleep(0.3)
        reset_peak(pid)
        before = status_of(pid)
        samples: list[int] = []
        done = threading.Event()

        def sample() -> None:
            while not done.is_set():
                samples.append(status_of(pid)["VmRSS"])
                time.sleep(0.05)

        sampler = threading.Thread(target=sample)
        sampler.start()
        answer = send(large)
        done.set()
        sampler.join()
        after = status_of(pid)
    finally:
        server.terminate()
        server.wait(timeout=30)
    return {
        "warm_status": warm.get("status"),
        "status": answer["status"],
        "seconds": answer["seconds"],
        "rss_before_mib": before["VmRSS"],
        "peak_mib": after["VmHWM"],
        "added_mib": after["VmHWM"] - before["VmRSS"],
        "samples": samples,
    }


BUCKET = "certif-bench"


@contextmanager
def s3_server(port: int) -> Iterator[dict[str, str]]:
    """An S3 server on this machine (moto's, in its own process: its memory is not the web
    worker's), with an empty bucket; yields the variables that point Certif at it."""
    try:
        import boto3
        from moto.server import ThreadedMotoServer  # noqa: F401  (moto[server] is there)
    except ImportError as error:
        raise SystemExit("--s3 needs moto's server: pip install 'moto[server]'") from error
    server = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    variables = {
        "CERTIF_STORAGE_S3_BUCKET": BUCKET,
        "CERTIF_STORAGE_S3_ENDPOINT_URL": url,
        "CERTIF_STORAGE_S3_REGION": "us-east-1",
        "CERTIF_STORAGE_S3_ADDRESSING_STYLE": "path",
        "CERTIF_STORAGE_S3_ACCESS_KEY_ID": "bench",
        "CERTIF_STORAGE_S3_SECRET_ACCESS_KEY": "bench-secret",
    }
    try:
        client = boto3.client(
            "s3", endpoint_url=url, region_name="us-east-1",
            aws_access_key_id="bench", aws_secret_access_key="bench-secret",
        )  # fmt: skip
        for _ in range(100):
            try:
                client.create_bucket(Bucket=BUCKET)
                break
            except Exception:  # not listening yet
                time.sleep(0.2)
        yield variables
    finally:
        server.terminate()
        server.wait(timeout=30)


def run(megabytes: int, port: int, s3: bool = False) -> dict[str, Any]:
    with (
        tempfile.TemporaryDirectory(prefix="certif-bench-deposits-") as folder,
        s3_server(port + 1) if s3 else nullcontext({}) as bucket,
    ):
        env = {
            **os.environ,
            **bucket,
            "CERTIF_DATA_DIR": folder,
            "CERTIF_SECRET_KEY": "bench-only",
            "CERTIF_DEBUG": "1",
            "CERTIF_ALLOWED_HOSTS": "127.0.0.1",
            "DJANGO_SETTINGS_MODULE": "certif.settings",
        }
        token = json.loads(
            subprocess.run([sys.executable, "-c", SETUP], env=env, capture_output=True,
                           text=True, check=True).stdout.strip().splitlines()[-1]
        )["token"]  # fmt: skip
        small, large = Path(folder) / "petit.pdf", Path(folder) / "memoire.pdf"
        big_pdf(small, 1)
        size = big_pdf(large, megabytes)
        jar = Path(folder) / "cookies.txt"
        api = measure(env, port, lambda path: post(port, token, path), small, large)
        page = measure(env, port, lambda path: page_post(port, path, jar), small, large,
                       prepare=lambda: sign_in(port, jar))  # fmt: skip
    return {"file_mib": round(size / 2**20, 1), "s3": s3, "api": api, "page": page}


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench deposits")
    parser.add_argument("--megabytes", type=int, default=49)
    parser.add_argument("--port", type=int, default=8117)
    parser.add_argument(
        "--s3", action="store_true", help="the files in a bucket of moto's S3 server (port + 1)"
    )
    options = parser.parse_args(argv)
    figures = run(options.megabytes, options.port, options.s3)
    where = "S3 bucket" if options.s3 else "data folder"
    for door in ("api", "page"):
        f = figures[door]
        print(
            f"{door} ({where}): a {figures['file_mib']} MiB mémoire, HTTP {f['status']} in {f['seconds']:.1f} s;"
            f" web worker {f['rss_before_mib']} MiB at rest, peak {f['peak_mib']} MiB:"
            f" +{f['added_mib']} MiB   target ≤ 100 MB (baseline: the file alone,"
            f" {figures['file_mib']} MiB)"
        )
    RESULTS.mkdir(exist_ok=True)
    name = "deposits-s3.json" if options.s3 else "deposits.json"
    (RESULTS / name).write_text(json.dumps(figures, indent=2))
    return 0 if figures["api"]["status"] == 201 and figures["page"]["status"] == 302 else 1
