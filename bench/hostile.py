"""Hostile XLSX files: refused by Certif's import path against openpyxl reading them.

``python -m bench hostile [--cell-mb 1500] [--cell2-mb 600] [--rows 3000000] [--bomb-mb 4096]
[--shared-rows 1000000] [--timeout 60] [--cap-mb 4096] [--legit-rows 200000] [--keep]
[--only NAME]``

Files, generated on the fly into a temporary folder by streaming into the zip
(``tests.imports.xlsx_samples``, the tests' builders at full size; ``--keep`` keeps them in
``bench/.data/hostile/`` for the next run):

- **huge cell**: a header and one inline string cell of 1.5 GB, in a 1.5 MB file;
- **cell 600 MB**: the same with 600 MB (the one whose refusal once printed it whole);
- **rows**: 3 million rows of one random mark each, in a 2 MB file;
- **shared string**: a million rows all showing one shared string of 32,767 characters, in a
  file of 80 kilobytes: every cell within Excel's limits, 33 billion characters
  once each cell is copied into a table;
- **zip bomb**: ``xl/styles.xml`` (which openpyxl reads whole) holding 4 GiB of spaces;
- **dimension**: 200,000 rows of one cell, and a declared dimension ``A1:XFD200001``:
  openpyxl's read-only reader pads every row to 16,384 cells;
- **legit**: 200,000 rows of six columns written by openpyxl, the cost on a file accepted.

Each measure runs in its own process, under ``RLIMIT_AS`` (``--cap-mb``, 4 GiB) and killed at
``--timeout`` seconds; its peak memory is the child's ``ru_maxrss`` as ``wait4`` reports it,
so a killed child still has one:

- **import**: ``certif.imports.reading.read_file(path)``, what ``certif import`` and the import
  page run: the bounds of ``xlsx_bounds`` checked before any parser, then openpyxl; the figure
  beside it is the process's memory once the modules are imported, before reading. Target: a
  hostile file refused within 500 MB;
- **openpyxl** (the baseline, same run): openpyxl's plain ``load_workbook(read_only=True,
  data_only=True)`` of the same file, every row of the first sheet as values — what the import
  did before the bounds; « killed at N s / M MB » when it passes the timeout or the cap.

Figures and method: bench/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import signal
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
DATA = HERE / ".data" / "hostile"
RESULTS = HERE / "results"
MB = 1 << 20

# -- in the child process ----------------------------------------------------------------------


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _child(mode: str, path: str, cap_mb: int) -> int:
    """One measure; its figures as one JSON line on stdout."""
    cap = cap_mb * MB
    resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    if mode == "import":
        from certif.imports.reading import FileRejected, read_file

        imported_mb = _peak_mb()
        started = time.perf_counter()
        try:
            table = read_file(Path(path))
            outcome, first = "accepted", f"{table.frame.height:,} rows"
        except FileRejected as rejected:
            outcome, first = "refused", rejected.problems[0].describe()
        seconds = time.perf_counter() - started
        figures = {"outcome": outcome, "message": first}
        print(json.dumps({**figures, "seconds": seconds, "imported_mb": imported_mb}))
        return 0
    from openpyxl import load_workbook

    started = time.perf_counter()
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
        rows = sum(1 for _ in workbook.worksheets[0].iter_rows(values_only=True))
        workbook.close()
        outcome, detail = "finished", f"{rows:,} rows"
    except MemoryError:
        outcome, detail = "MemoryError", f"address space capped at {cap_mb:,} MB"
    except Exception as error:  # what openpyxl raises on a damaged file
        outcome, detail = type(error).__name__, str(error)[:200]
    seconds = time.perf_counter() - started
    print(json.dumps({"outcome": outcome, "message": detail, "seconds": seconds}))
    return 0


# -- in the parent ------------------------------------------------------------------------------


def measure(mode: str, path: Path, timeout: float, cap_mb: int) -> dict[str, Any]:
    """Run one measure in a child process; its figures, and its peak memory from wait4."""
    started = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, "-m", "bench.hostile", "--child", mode, str(path), str(cap_mb)],
        cwd=HERE.parent,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": f"{HERE.parent}:{HERE.parent / 'src'}"},
    )
    # Poll with wait4 rather than Popen.poll, which would reap the child and lose its usage.
    killed = False
    while True:
        pid, status, usage = os.wait4(child.pid, os.WNOHANG)
        if pid:
            break
        if time.perf_counter() - started > timeout:
            os.kill(child.pid, signal.SIGKILL)
            killed = True
            _, status, usage = os.wait4(child.pid, 0)
            break
        time.sleep(0.05)
    child.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - started
    out = child.stdout.read().decode() if child.stdout else ""
    err = child.stderr.read().decode() if child.stderr else ""
    peak_mb = usage.ru_maxrss / 1024
    lines = out.strip().splitlines()
    if killed:
        figures: dict[str, Any] = {"outcome": "killed", "message": f"timeout {timeout:.0f} s"}
    elif lines:
        figures = json.loads(lines[-1])
    else:  # died without a word: a Rust allocation failing under the cap aborts the process
        code = os.waitstatus_to_exitcode(status)
        died = f"killed by {signal.Signals(-code).name}" if code < 0 else f"exit {code}"
        first = err.strip().splitlines()[:1]
        figures = {"outcome": died, "message": first[0][:200] if first else ""}
    return {**figures, "wall_seconds": wall, "peak_mb": peak_mb}


def build_files(options: argparse.Namespace, folder: Path) -> dict[str, Path]:
    from tests.imports import xlsx_samples as samples

    folder.mkdir(parents=True, exist_ok=True)
    files = {
        "huge cell": (
            folder / f"cell-{options.cell_mb}mb.xlsx",
            lambda p: samples.huge_cell(p, options.cell_mb * 1_000_000),
        ),
        "cell 600 MB": (
            folder / f"cell-{options.cell2_mb}mb.xlsx",
            lambda p: samples.huge_cell(p, options.cell2_mb * 1_000_000),
        ),
        "rows": (
            folder / f"rows-{options.rows}.xlsx",
            lambda p: samples.many_rows(p, options.rows, marks=6),
        ),
        "shared string": (
            folder / f"shared-{options.shared_rows}.xlsx",
            lambda p: samples.repeated_shared_string(p, options.shared_rows),
        ),
        "zip bomb": (
            folder / f"bomb-{options.bomb_mb}mb.xlsx",
            lambda p: samples.zip_bomb(p, options.bomb_mb * MB),
        ),
        "dimension": (folder / "dimension.xlsx", _dimension_file),
        "legit": (
            folder / f"legit-{options.legit_rows}.xlsx",
            lambda p: _legit_file(p, options.legit_rows),
        ),
    }
    built = {}
    for name, (path, build) in files.items():
        if options.only and name not in options.only:
            continue
        if not path.exists():
            started = time.perf_counter()
            partial = path.with_suffix(".part")
            build(partial)
            partial.rename(path)
            print(f"  built {path.name} in {time.perf_counter() - started:.1f} s", flush=True)
        built[name] = path
    return built


def _dimension_file(path: Path, count: int = 200_000) -> Path:
    from tests.imports import xlsx_samples as samples

    def rows() -> Any:
        yield f'<row r="1">{samples.inline("A1", "nom")}</row>'.encode()
        for start in range(2, count + 2, 10_000):
            numbers = range(start, min(start + 10_000, count + 2))
            yield b"".join(b'<row r="%d"><c r="A%d"><v>1</v></c></row>' % (n, n) for n in numbers)

    return samples.write_workbook(path, rows(), dimension=f"A1:XFD{count + 1}")


def _legit_file(path: Path, rows: int) -> Path:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(["candidat", "session", "bloc", "partie", "critere", "valeur"])
    for number in range(rows):
        sheet.append(
            [f"C{number:06}", "2026-06", f"B{number % 4 + 1}", "P1", f"C{number % 7}", number % 21]
        )
    workbook.save(path)
    return path


def _mb(value: float) -> str:
    return f"{value:,.0f} MB"


TARGET_MB = 500


def report(name: str, path: Path, mine: dict[str, Any], baseline: dict[str, Any]) -> str:
    size = path.stat().st_size / MB
    if mine["outcome"] in ("accepted", "refused"):
        ours = (
            f"{mine['outcome']} in {mine['seconds']:.2f} s, peak {_mb(mine['peak_mb'])}"
            f" ({_mb(mine['imported_mb'])} after imports; target ≤ {TARGET_MB} MB)"
        )
    else:
        ours = f"{mine['outcome']} at {mine['wall_seconds']:.1f} s / {_mb(mine['peak_mb'])}"
    if baseline["outcome"] == "finished":
        theirs = (
            f"finished ({baseline['message']}) in {baseline['seconds']:.1f} s, "
            f"peak {_mb(baseline['peak_mb'])}"
        )
    elif baseline["outcome"] == "killed":
        theirs = f"killed at {baseline['wall_seconds']:.1f} s / {_mb(baseline['peak_mb'])}"
    else:
        theirs = (
            f"{baseline['outcome']} at {baseline['wall_seconds']:.1f} s / "
            f"{_mb(baseline['peak_mb'])} ({baseline['message']})"
        )
    return (
        f"{name:<12} {size:7.2f} MB file\n  import    {ours}\n  openpyxl  {theirs}\n"
        f"  « {mine['message']} »"
    )


def main(argv: list[str]) -> int:
    if argv[:1] == ["--child"]:
        return _child(argv[1], argv[2], int(argv[3]))
    parser = argparse.ArgumentParser(prog="python -m bench hostile")
    parser.add_argument("--cell-mb", type=int, default=1_500)
    parser.add_argument("--cell2-mb", type=int, default=600)
    parser.add_argument("--keep", action="store_true", help="keep the files in bench/.data/")
    parser.add_argument("--shared-rows", type=int, default=1_000_000)
    parser.add_argument("--only", action="append", help="this file only (repeatable)")
    parser.add_argument("--rows", type=int, default=3_000_000)
    parser.add_argument("--bomb-mb", type=int, default=4_096)
    parser.add_argument("--legit-rows", type=int, default=200_000)
    parser.add_argument("--timeout", type=float, default=60.0)
    parser.add_argument("--cap-mb", type=int, default=4_096)
    options = parser.parse_args(argv)
    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    print(f"Certif hostile-files benchmark — {datetime.now():%Y-%m-%d %H:%M} — {machine}")
    with tempfile.TemporaryDirectory(prefix="certif-hostile-") as temporary:
        files = build_files(options, DATA if options.keep else Path(temporary))
        figures = {}
        for name, path in files.items():
            mine = measure("import", path, options.timeout, options.cap_mb)
            baseline = measure("openpyxl", path, options.timeout, options.cap_mb)
            figures[name] = {
                "file_mb": path.stat().st_size / MB,
                "import": mine,
                "openpyxl": baseline,
            }
            print(report(name, path, mine, baseline), flush=True)
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"hostile-{datetime.now():%Y%m%d-%H%M%S}.json"
    out.write_text(json.dumps({"machine": machine, "figures": figures}, indent=2), encoding="utf-8")
    print(f"figures written to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
