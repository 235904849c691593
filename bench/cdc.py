"""The CDC declaration flux at scale: 100,000 passages written and validated, streaming, against
the same flux built as one in-memory tree.

``python -m bench cdc [--passages 100000] [--repeat 3] [--schema 1.1.5]``

Each run of a step is its own process, for a clean peak memory (``ru_maxrss``); figures are
medians over ``--repeat`` runs, the two ways alternating so that the machine's load weighs on
both alike. No database: the passages are synthetic holders made on the fly (French names with
accents and apostrophes; a third with a NIR, a sixth born abroad; 997 identities cycled).

- **streamed**: ``certif.cdc.flux.write_flux`` (incremental ``lxml.etree.xmlfile`` to a file),
  then ``certif.cdc.validation.validate_flux_file`` (incremental parse, one passage in memory
  at a time): what the application does;
- **in-memory baseline**: the same flux as one lxml tree (``build_flux_tree``), serialised with
  ``tostring``, written, and validated with ``XMLSchema.validate`` on the tree.

Figures and method: bench/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from bench.scale import RESULTS, run_step

TARGET_SECONDS = 10.0
TARGET_PEAK_MB = 500.0

BIRTH_NAMES = ["Lefèvre", "N'Diaye", "Dupont-Aignan", "Le Goff", "Müller", "Da Silva", "Œuvrard"]
FIRST_NAMES = ["Éloïse", "Jean-Baptiste", "Anaïs", "Noël", "Zoé", "Maël", "Hélène", "Loïc"]

# -- in the step's process ---------------------------------------------------------------------


HOLDERS = 997  # distinct identities, cycled: a prime, so that they meet every access path


def synthetic_holders() -> list[Any]:
    from certif.cdc.flux import HolderIdentity
    from certif.domain.nir import with_key

    holders = []
    for number in range(HOLDERS):
        born = date(1960 + number % 45, 1 + number % 12, 1 + number % 28)
        abroad = number % 6 == 5
        nir = None
        if number % 3 == 0 and not abroad:
            sex_digit = "12"[number % 2]
            nir = with_key(f"{sex_digit}{born:%y%m}75056{1 + number % 999:03d}")
        holders.append(
            HolderIdentity(
                birth_name=BIRTH_NAMES[number % len(BIRTH_NAMES)],
                first_names=(FIRST_NAMES[number % len(FIRST_NAMES)], FIRST_NAMES[number % 5]),
                sex="MF"[number % 2],
                birth_date=born,
                usage_name=BIRTH_NAMES[(number + 3) % len(BIRTH_NAMES)] if number % 4 == 0 else "",
                birth_commune_code="" if abroad else "75056",
                birth_commune_name="Alger" if abroad else "Paris",
                birth_country_code="352" if abroad else "",
                birth_country_name="Algérie" if abroad else "",
                nir=nir,
            )
        )
    return holders


def synthetic_passages(count: int) -> Iterator[Any]:
    """``count`` plausible passages, made as they are consumed (never all in memory), each
    with its own technical id, their holders drawn from a pool of identities."""
    from certif.cdc.flux import AccessPath, ExamMode, Passage

    holders = synthetic_holders()
    paths = list(AccessPath)
    for number in range(count):
        yield Passage(
            technical_id=f"2026-06-C{number:06d}",
            holder=holders[number % HOLDERS],
            validity_start=date(2026, 7, 1),
            access_path=paths[number % len(paths)],
            exam_start=date(2026, 6, 15),
            exam_end=date(2026, 6, 19),
            exam_mode=ExamMode.EN_PRESENTIEL,
            exam_centre_postcode="76000",
            registration_date=date(2026, 1, 10),
        )


def _header() -> Any:
    from certif.cdc.flux import Certification, FluxHeader

    return FluxHeader(
        timestamp=datetime(2026, 7, 1, 10, 15, tzinfo=timezone(timedelta(hours=2))),
        emitter_id="AB123CDE",
        certifier_id="E564ACB0",
        contract_id="2560080000127J",
        certification=Certification("RNCP12345"),
    )


def _peak_mb() -> float:
    # Linux reports ru_maxrss in kibibytes.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def step_streamed(count: int, schema_name: str) -> dict[str, Any]:
    from certif.cdc.flux import write_flux
    from certif.cdc.schemas import load_schema
    from certif.cdc.validation import validate_flux_file

    schema = load_schema(schema_name)
    started_peak = _peak_mb()
    with tempfile.TemporaryDirectory(prefix="certif-bench-cdc-") as folder:
        path = Path(folder) / "flux.xml"
        started = time.perf_counter()
        written = write_flux(
            path, _header(), synthetic_passages(count), schema=schema, validate=False
        )
        built = time.perf_counter()
        validated = validate_flux_file(path, schema)
        done = time.perf_counter()
        assert validated == written.passages == count
    return {
        "passages": count,
        "build_s": built - started,
        "validate_s": done - built,
        "total_s": done - started,
        "bytes": written.size,
        "peak_mb": _peak_mb(),
        "peak_before_mb": started_peak,
        "load_average_1min": os.getloadavg()[0],
    }


def step_in_memory(count: int, schema_name: str) -> dict[str, Any]:
    from lxml import etree

    from certif.cdc.flux import build_flux_tree
    from certif.cdc.schemas import load_schema

    schema = load_schema(schema_name)
    started_peak = _peak_mb()
    with tempfile.TemporaryDirectory(prefix="certif-bench-cdc-") as folder:
        path = Path(folder) / "flux.xml"
        started = time.perf_counter()
        root = build_flux_tree(_header(), synthetic_passages(count), schema=schema)
        content = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
        path.write_bytes(content)
        built = time.perf_counter()
        valid = schema.xml_schema.validate(root)
        done = time.perf_counter()
        assert valid, schema.xml_schema.error_log
    return {
        "passages": count,
        "build_s": built - started,
        "validate_s": done - built,
        "total_s": done - started,
        "bytes": len(content),
        "peak_mb": _peak_mb(),
        "peak_before_mb": started_peak,
        "load_average_1min": os.getloadavg()[0],
    }


def step_generation(count: int) -> dict[str, Any]:
    """The synthetic passages alone, to know what of the figures is the data's making."""
    started = time.perf_counter()
    made = sum(1 for _ in synthetic_passages(count))
    return {"passages": made, "seconds": time.perf_counter() - started}


def _step_main(argv: list[str]) -> int:
    step, count, *rest = argv
    if step == "streamed":
        result = step_streamed(int(count), rest[0])
    elif step == "in-memory":
        result = step_in_memory(int(count), rest[0])
    else:
        result = step_generation(int(count))
    print(json.dumps(result))
    return 0


# -- the orchestrator --------------------------------------------------------------------------


def _run(*args: str) -> dict[str, Any]:
    return run_step("bench.cdc", dict(os.environ), "--step", *args)


def _medians(runs: list[dict[str, Any]]) -> dict[str, Any]:
    keys = ("build_s", "validate_s", "total_s", "peak_mb", "load_average_1min")
    summary = {key: statistics.median(run[key] for run in runs) for key in keys}
    summary["peak_mb_max"] = max(run["peak_mb"] for run in runs)
    summary["bytes"] = runs[0]["bytes"]
    summary["passages"] = runs[0]["passages"]
    return summary


def report(figures: dict[str, Any]) -> list[str]:
    streamed, memory = figures["streamed"], figures["in_memory"]
    count = streamed["passages"]
    return [
        f"streamed (xmlfile, then iterparse + per-passage validation), {count:,} passages: "
        f"build {streamed['build_s']:.1f} s + validate {streamed['validate_s']:.1f} s = "
        f"{streamed['total_s']:.1f} s   target ≤ {TARGET_SECONDS:.0f} s",
        f"  peak memory {streamed['peak_mb']:.0f} MB (worst run {streamed['peak_mb_max']:.0f} MB)"
        f"   target ≤ {TARGET_PEAK_MB:.0f} MB; file {streamed['bytes'] / 1024 / 1024:.0f} MiB",
        f"in-memory baseline (one tree, tostring, XMLSchema.validate): build "
        f"{memory['build_s']:.1f} s + validate {memory['validate_s']:.1f} s = "
        f"{memory['total_s']:.1f} s, peak {memory['peak_mb']:.0f} MB",
        f"  streamed against the baseline: time ×{memory['total_s'] / streamed['total_s']:.2f}, "
        f"memory ÷{memory['peak_mb'] / streamed['peak_mb']:.1f}",
        f"  making the synthetic passages alone: {figures['generation']['seconds']:.1f} s "
        f"(inside both figures); load average during the runs: streamed "
        f"{streamed['load_average_1min']:.1f}, baseline {memory['load_average_1min']:.1f}",
    ]


def main(argv: list[str]) -> int:
    if argv[:1] == ["--step"]:
        return _step_main(argv[1:])
    parser = argparse.ArgumentParser(prog="python -m bench cdc")
    parser.add_argument("--passages", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--schema", default="1.1.5")
    options = parser.parse_args(argv)
    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    print(f"Certif CDC flux benchmark — {datetime.now():%Y-%m-%d %H:%M} — {machine}", flush=True)
    count = str(options.passages)
    streamed, in_memory = [], []
    for _ in range(options.repeat):
        streamed.append(_run("streamed", count, options.schema))
        in_memory.append(_run("in-memory", count, options.schema))
    figures: dict[str, Any] = {
        "machine": machine,
        "schema": options.schema,
        "streamed": _medians(streamed),
        "in_memory": _medians(in_memory),
        "generation": _run("generation", count),
        "runs": {"streamed": streamed, "in_memory": in_memory},
    }
    for line in report(figures):
        print(line)
    RESULTS.mkdir(exist_ok=True)
    text = json.dumps(figures, indent=2)
    (RESULTS / "cdc-latest.json").write_text(text, encoding="utf-8")
    out = RESULTS / f"cdc-{datetime.now():%Y%m%d-%H%M%S}.json"
    out.write_text(text, encoding="utf-8")
    print(f"figures written to {out}")
    met = (
        figures["streamed"]["total_s"] <= TARGET_SECONDS
        and figures["streamed"]["peak_mb_max"] <= TARGET_PEAK_MB
    )
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
