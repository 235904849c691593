"""Official documents at scale: 10,000 parchemins, one compiler reused against a new compiler per
document.

``python -m bench documents [--count 10000] [--baseline 200] [--full-count 10000]``

Steps, each in its own process against a fresh SQLite database (``bench.scale.fresh_database``):

- **render**: the parchemin's data (synthetic holders from ``certif.demo.generator``, a QR code
  each) and its PDF/A-2b, without the database: one compiler reused in one thread; the same in
  the batch's worker threads (one compiler per thread); and the naive baseline, a new compiler
  per document, on ``--baseline`` documents in the same run;
- **full**: the whole issuance through ``certif.documents.services.generate``: the jury's
  decisions read, data built, PDFs rendered, every document and its audit event written; then
  the session's batch as a zip read back from the archive. Setting it up closes a deliberation
  on every candidate, which renders its minutes (measured too).

Figures and method: bench/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from typing import Any

from bench.scale import RESULTS, fresh_database, run_step

TARGET_PER_SECOND = 100.0
SESSION = "2026-06"

# -- in the step's process ---------------------------------------------------------------------


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "certif.settings")
    import django

    django.setup()


def _registered_text() -> str:
    from certif.demo.loader import registered_demo_text

    return registered_demo_text()


def _holders(count: int) -> list[Any]:
    """Unsaved candidates with plausible French identities (the demo generator's)."""
    from datetime import date

    from certif.candidates.models import Candidate
    from certif.demo.generator import generate_cohort
    from certif.domain.referential.loading import load_builtin_referential

    frame = generate_cohort(load_builtin_referential().referential, count).candidates
    holders = []
    for row in frame.iter_rows(named=True):
        first, *others = row["prenoms"].split()
        day, month, year = (int(part) for part in row["date_naissance"].split("/"))
        holders.append(
            Candidate(
                numero=row["numero"],
                birth_name=row["nom_naissance"],
                usage_name=row["nom_usage"] or "",
                first_name=first,
                second_first_name=others[0] if others else "",
                third_first_name=others[1] if len(others) > 1 else "",
                sex=row["sexe"],
                birth_date=date(year, month, day),
                birth_place=row["commune_naissance"] or "",
                birth_country=row["pays_naissance"] or "",
            )
        )
    return holders


def _issuer() -> Any:
    from certif.documents.content import Issuer

    return Issuer(
        legal_name="Institut Européen de l'Assurance",
        address=["12, rue de la Paix", "75002 Paris"],
        place="Paris",
        signatory_name="Hélène Delacroix",
        signatory_title="Directrice générale",
        signature="",
        base_url="https://certif.example.fr",
    )


def _data_builder() -> Callable[[Any], tuple[dict[str, Any], datetime]]:
    """What ``content.parchemin_data`` gathers, from an in-memory référentiel and holder."""
    from django.utils import timezone

    from certif.documents import content
    from certif.documents.models import new_public_id
    from certif.domain.referential.loading import parse_referential

    referential = parse_referential(_registered_text(), "ccab-enregistre.yaml").referential
    metadata = referential.metadata
    assert metadata.registration_decision_date is not None
    certification = {
        "title": referential.title,
        "rncp": content.rncp_label(metadata.rncp_code),
        "level": content.level_label(metadata.level),
        "nsf": metadata.nsf_code,
        "decision_date": content.french.long_date(metadata.registration_decision_date),
        "duration": f"{metadata.registration_duration_years} ans",
        "validity_years": None,
    }
    issuer = _issuer()
    jury = {"date": "1er juillet 2026", "place": "Rouen", "number": 1, "amendment": False}
    session = {"code": SESSION, "title": "", "dates": "du 15 au 19 juin 2026", "place": "Rouen"}

    def build(holder: Any) -> tuple[dict[str, Any], datetime]:
        now = timezone.now()
        stamp = content.Stamp(new_public_id(), now)
        content.check_holder(holder)
        return {
            "certifier": issuer.data(),
            "certification": certification,
            "holder": content.holder_data(holder),
            "jury": jury,
            "session": session,
            "document": content.stamp_data(stamp, issuer.base_url),
        }, now

    return build


def _rate(count: int, seconds: float) -> dict[str, Any]:
    """Documents per second, with the machine's load (other work shares its two cores)."""
    return {
        "documents": count,
        "seconds": seconds,
        "per_second": count / seconds,
        "load_average_1min": os.getloadavg()[0],
    }


def step_render(count: int, baseline: int, workers: int) -> dict[str, Any]:
    from certif.documents.rendering import Renderer, renderer

    holders = [h for h in _holders(count) if h.birth_place]
    build = _data_builder()
    Renderer("parchemin").pdf(*build(holders[0]))  # fonts read once by the OS cache, as in use
    figures: dict[str, Any] = {"skipped_without_birth_place": count - len(holders)}

    # The baseline and the same documents with one compiler, back to back: the load of the
    # machine changes over minutes, the ratio compares like with like.
    sample = holders[:baseline]
    started = time.perf_counter()
    for holder in sample:
        Renderer("parchemin").pdf(*build(holder))
    figures["naive"] = _rate(len(sample), time.perf_counter() - started)
    started = time.perf_counter()
    beside = Renderer("parchemin")
    for holder in sample:
        beside.pdf(*build(holder))
    figures["reused_beside_naive"] = _rate(len(sample), time.perf_counter() - started)

    started = time.perf_counter()
    reused = Renderer("parchemin")
    size = 0
    for holder in holders:
        size += len(reused.pdf(*build(holder)))
    figures["reused_one_thread"] = _rate(len(holders), time.perf_counter() - started)
    figures["average_pdf_bytes"] = size / len(holders)

    def render(holder: Any) -> int:
        return len(renderer("parchemin").pdf(*build(holder)))

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=workers) as pool:
        total = sum(pool.map(render, holders, chunksize=50))
    figures["reused_threads"] = {
        **_rate(len(holders), time.perf_counter() - started),
        "workers": workers,
        "bytes": total,
    }

    return figures


def _closed_session(count: int) -> tuple[Any, Any, dict[str, float]]:
    """A session of ``count`` candidates whose jury validated everything, closed (which renders
    and archives the minutes)."""
    from datetime import date

    from django.contrib.auth import get_user_model

    from certif.accounts.services import create_user
    from certif.candidates.models import Candidate
    from certif.core.roles import Role
    from certif.deliberations import services as deliberations
    from certif.deliberations.models import Decision, Resolution, UnitStatus
    from certif.documents.models import CertifierSettings
    from certif.domain.referential.loading import parse_referential
    from certif.referential.services import load_referential
    from certif.sessions.services import create_session, enrol

    timings: dict[str, float] = {}
    version = load_referential(parse_referential(_registered_text(), "ccab.yaml")).version
    issuer = _issuer()
    CertifierSettings(
        legal_name=issuer.legal_name,
        address="\n".join(issuer.address),
        issue_place=issuer.place,
        signatory_name=issuer.signatory_name,
        signatory_title=issuer.signatory_title,
        public_url=issuer.base_url,
    ).save()
    holders = [h for h in _holders(count) if h.birth_place]
    Candidate.objects.bulk_create(holders, batch_size=2000)
    ids = list(Candidate.objects.values_list("pk", flat=True))
    session = create_session({"code": SESSION, "referential_version": version, "place": "Rouen"})
    enrol(session, ids, [("B1", "")])
    staff = create_user("gestion", password=None, roles=[Role.STAFF])
    president = create_user("presidente", password=None, roles=[Role.JURY_PRESIDENT])
    member = create_user("membre", password=None, roles=[Role.JURY_MEMBER])
    started = time.perf_counter()
    deliberation = deliberations.open_deliberation(session, staff, date(2026, 7, 1), "Rouen")
    timings["open_deliberation_s"] = time.perf_counter() - started
    for user, role in ((president, "president"), (member, "member")):
        deliberations.record_member(
            deliberation,
            None,
            full_name=user.get_username(),
            role=role,
            affiliation="external",
            user=user,
        )
    # The jury validates every unit of every candidate (it is sovereign): all are certified.
    Decision.objects.filter(deliberation=deliberation).update(
        resolution=Resolution.CONFIRMED, status=UnitStatus.VALIDATED, decided_by=president
    )
    started = time.perf_counter()
    deliberations.close_deliberation(deliberation, president)
    timings["close_with_minutes_s"] = time.perf_counter() - started
    assert get_user_model().objects.filter(pk=staff.pk).exists()
    return session, staff, timings


def step_full(count: int, workers: int) -> dict[str, Any]:
    import io

    from certif.documents import services
    from certif.documents.archive import archived, write_zip
    from certif.documents.models import IssuedDocument, Kind, Status

    session, staff, figures = _closed_session(count)
    started = time.perf_counter()
    outcome = services.generate(session, Kind.PARCHEMIN, staff, workers=workers)
    elapsed = time.perf_counter() - started
    assert not outcome.refused, outcome.refused[:3]
    figures["issue"] = {**_rate(len(outcome.issued), elapsed), "workers": workers}
    started = time.perf_counter()
    services.generate(session, Kind.PARCHEMIN, staff, workers=workers)
    figures["issue_again_idempotent_s"] = time.perf_counter() - started
    started = time.perf_counter()
    out = io.BytesIO()
    documents = IssuedDocument.objects.filter(
        session=session, kind=Kind.PARCHEMIN, status=Status.VALID
    ).select_related("session", "candidate", "deliberation")
    files = write_zip(archived(documents.iterator(chunk_size=200)), out)
    figures["zip"] = {"files": files, "seconds": time.perf_counter() - started, "bytes": out.tell()}
    minutes = IssuedDocument.objects.get(kind=Kind.PV)
    figures["minutes_pdf_bytes"] = len(bytes(minutes.pdf))
    return figures


def _step_main(argv: list[str]) -> int:
    _setup()
    step, *args = argv
    if step == "render":
        result = step_render(int(args[0]), int(args[1]), int(args[2]))
    else:
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        result = step_full(int(args[0]), int(args[1]))
    print(json.dumps(result))
    return 0


# -- the orchestrator --------------------------------------------------------------------------


def _run(env: dict[str, str], *args: str) -> dict[str, Any]:
    return run_step("bench.documents", env, "--step", *args)


def report(figures: dict[str, Any]) -> list[str]:
    render, full = figures["render"], figures["full"]
    one, threads, naive = render["reused_one_thread"], render["reused_threads"], render["naive"]
    beside, issue = render["reused_beside_naive"], full["issue"]
    target = f"target ≥ {TARGET_PER_SECOND:.0f}/s"
    return [
        f"render only (data + PDF/A), compiler reused, 1 thread : {one['documents']:,} in "
        f"{one['seconds']:.1f} s = {one['per_second']:.0f}/s   {target}",
        f"render only, compiler reused per thread, {threads['workers']} threads: "
        f"{threads['documents']:,} in {threads['seconds']:.1f} s = {threads['per_second']:.0f}/s",
        f"naive baseline (a new compiler per document)    : {naive['documents']:,} in "
        f"{naive['seconds']:.1f} s = {naive['per_second']:.0f}/s; the same documents with one "
        f"compiler, right after: {beside['per_second']:.0f}/s "
        f"(×{beside['per_second'] / naive['per_second']:.1f})",
        f"  batch threads against the naive baseline: "
        f"×{threads['per_second'] / naive['per_second']:.1f}",
        f"  load average (1 min) during the steps: naive {naive['load_average_1min']:.1f}, "
        f"1 thread {one['load_average_1min']:.1f}, threads {threads['load_average_1min']:.1f}, "
        f"full issuance {issue['load_average_1min']:.1f}",
        f"  average parchemin: {render['average_pdf_bytes'] / 1024:.0f} KiB",
        f"full issuance (DB reads, render, PDF + audit written): {issue['documents']:,} in "
        f"{issue['seconds']:.1f} s = {issue['per_second']:.0f}/s   {target}",
        f"  issuing again (idempotent): {full['issue_again_idempotent_s']:.2f} s; "
        f"batch zip of {full['zip']['files']:,} files: {full['zip']['seconds']:.1f} s, "
        f"{full['zip']['bytes'] / 1024 / 1024:.0f} MiB",
        f"  setup: opening the deliberation {full['open_deliberation_s']:.1f} s; closing it "
        f"(minutes of {issue['documents']:,} candidates rendered and archived) "
        f"{full['close_with_minutes_s']:.1f} s, {full['minutes_pdf_bytes'] / 1024:.0f} KiB",
    ]


def main(argv: list[str]) -> int:
    if argv[:1] == ["--step"]:
        return _step_main(argv[1:])
    parser = argparse.ArgumentParser(prog="python -m bench documents")
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--baseline", type=int, default=200)
    parser.add_argument("--full-count", type=int, default=None)
    parser.add_argument("--workers", type=int, default=2)
    options = parser.parse_args(argv)
    full_count = options.full_count if options.full_count is not None else options.count
    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    print(f"Certif documents benchmark — {datetime.now():%Y-%m-%d %H:%M} — {machine}", flush=True)
    figures: dict[str, Any] = {"machine": machine}
    with fresh_database("sqlite") as env:
        figures["render"] = _run(
            env, "render", str(options.count), str(options.baseline), str(options.workers)
        )
    with fresh_database("sqlite") as env:
        figures["full"] = _run(env, "full", str(full_count), str(options.workers))
    for line in report(figures):
        print(line)
    RESULTS.mkdir(exist_ok=True)
    text = json.dumps(figures, indent=2)
    (RESULTS / "documents-latest.json").write_text(text, encoding="utf-8")
    out = RESULTS / f"documents-{datetime.now():%Y%m%d-%H%M%S}.json"
    out.write_text(text, encoding="utf-8")
    print(f"figures written to {out}")
    render = figures["render"]["reused_threads"]["per_second"]
    return 0 if min(render, figures["full"]["issue"]["per_second"]) >= TARGET_PER_SECOND else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
