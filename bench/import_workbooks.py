"""Crafted workbooks against the import's readers: time and peak memory of each, in a child.

For each workbook of tests/imports/crafted.py (and, as a control, a real one of 10,000
households) a child process reads it three ways and reports its wall time, its peak
resident memory (ru_maxrss) and what it answered:

  calamine  python-calamine alone, as reading.py used it for small files
            (get_sheet_by_name + to_python), under a 4 GiB address-space limit
  openpyxl  openpyxl alone, as reading.py streamed large files (read-only,
            reset_dimensions, iter_rows): stopped after --timeout seconds
  ours      reading.read_table + every row: the package and sheet checks of
            sheet_scan, then whichever reader it picks
  mapping   what the upload and the mapping page read in the request (a households
            file's headers and first rows: read_table(head_rows=services.HEAD_ROWS))

and the time the upload's request spends deciding whether the file goes to the
background worker (tasks.needs_background). The peak is the child's resident memory
while it reads (Linux's VmHWM, reset once Django and the readers are loaded, about
120 MB); it dies or is stopped otherwise. From the root:

    .venv/bin/python bench/import_workbooks.py [--timeout 120]

Results are appended to bench/results/import_workbooks.jsonl (git-ignored).
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kuseaw.settings")
if not os.environ.get("DATABASE_URL"):
    os.environ.setdefault("DEBUG", "1")  # as manage.py does on the embedded server

CALAMINE_MEMORY = 4 << 30


def _peak_mb() -> int:
    """The process's peak resident memory since _reset_peak (VmHWM), in MB."""
    with open("/proc/self/status") as status:
        line = next(line for line in status if line.startswith("VmHWM:"))
    return int(line.split()[1]) // 1024


def _reset_peak() -> None:
    with open("/proc/self/clear_refs", "w") as refs:
        refs.write("5")  # Linux: the peak starts again from the current size


def child(mode: str, path: str) -> dict:
    if mode == "calamine":
        resource.setrlimit(resource.RLIMIT_AS, (CALAMINE_MEMORY, CALAMINE_MEMORY))
    import django

    django.setup()
    from openpyxl import load_workbook
    from python_calamine import CalamineWorkbook

    from households.imports import tasks
    from households.imports.columns import HOUSEHOLD_COLUMNS
    from households.imports.files import FileProblem
    from households.imports.headers import OpenHeader
    from households.imports.reading import read_table
    from households.imports.services import HEAD_ROWS, SAMPLE_ROWS
    from households.models import ImportJob

    data = Path(path).read_bytes()
    baseline = _peak_mb()
    _reset_peak()
    started = time.perf_counter()
    if mode == "calamine":
        workbook = CalamineWorkbook.from_path(path)
        sheet = workbook.get_sheet_by_name(workbook.sheet_names[0])
        answer = f"{len(sheet.to_python(skip_empty_area=False)):,} rows"
    elif mode == "openpyxl":
        workbook = load_workbook(path, read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
        sheet.reset_dimensions()
        answer = f"{sum(1 for _ in sheet.iter_rows(values_only=True)):,} rows"
    elif mode == "mapping":
        try:
            table = read_table(
                path,
                filename="bench.xlsx",
                columns=OpenHeader(HOUSEHOLD_COLUMNS),
                max_bytes=20 << 20,
                head_rows=HEAD_ROWS,
            )
            samples = sum(1 for _, _ in zip(range(SAMPLE_ROWS), table.raw_rows(), strict=False))
            answer = f"{len(table.headers)} columns, {samples} sample rows"
        except FileProblem as problem:
            answer = f"refused: {problem}"
    elif mode == "decide":
        job = ImportJob(file_data=data)
        answer = "background" if tasks.needs_background(job) else "in the request"
    else:
        try:
            table = read_table(
                path, filename="bench.xlsx", columns=HOUSEHOLD_COLUMNS, max_bytes=20 << 20
            )
            answer = f"{sum(1 for _ in table.rows()):,} households"
        except FileProblem as problem:
            answer = f"refused: {problem}"
    return {
        "answer": answer,
        "seconds": round(time.perf_counter() - started, 2),
        # the peak while reading, and the process's size before (Django, both readers)
        "peak_mb": _peak_mb(),
        "baseline_mb": baseline,
    }


def run_child(mode: str, path: Path, timeout: int) -> dict:
    command = [sys.executable, __file__, "--child", mode, str(path)]
    env = {**os.environ, "MALLOC_ARENA_MAX": "2"}
    started = time.perf_counter()
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, env=env)
    except subprocess.TimeoutExpired:
        return {"answer": f"stopped after {timeout} s", "seconds": timeout, "peak_mb": None}
    if done.returncode != 0:
        tail = (done.stderr.strip().splitlines() or ["?"])[-1][:80]
        return {
            "answer": f"died (exit {done.returncode}): {tail}",
            "seconds": round(time.perf_counter() - started, 2),
            "peak_mb": None,
        }
    return json.loads(done.stdout.strip().splitlines()[-1])


def workbooks(folder: Path) -> list[tuple[str, Path]]:
    import django

    django.setup()
    from tests.imports import crafted

    made = [
        ("one cell at XFD1048576", crafted.far_cell("XFD1048576")),
        ("one cell at ZZ200000", crafted.far_cell("ZZ200000")),
        ("75 MB of empty cells, no dimension", crafted.padded(7_500, 1_000, placed=False)),
        ("160 MB of empty cells, two styles", crafted.padded(16_000, 1_000, mixed=True)),
        ("42 MB of empty cells with r=", crafted.padded(2_000, 1_000, placed=True)),
        ("10,000 real households", crafted.base_workbook(10_000)),
    ]
    paths = []
    for number, (label, data) in enumerate(made):
        path = folder / f"workbook{number}.xlsx"
        path.write_bytes(data)
        paths.append(
            (
                f"{label} ({len(data) / 1024:,.1f} KB, "
                f"{crafted.unpacked_size(data) / 1e6:,.0f} MB unpacked)",
                path,
            )
        )
    return paths


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--timeout", type=int, default=120)
    parser.add_argument("--child", nargs=2, metavar=("MODE", "PATH"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(*args.child)))
        return
    results = []
    with tempfile.TemporaryDirectory() as folder:
        for label, path in workbooks(Path(folder)):
            print(label)
            row = {"workbook": label}
            for mode in ("calamine", "openpyxl", "decide", "mapping", "ours"):
                outcome = run_child(mode, path, args.timeout)
                row[mode] = outcome
                peak = f"{outcome['peak_mb']} MB" if outcome["peak_mb"] else "-"
                print(f"  {mode:9} {outcome['seconds']:>7} s  {peak:>8}  {outcome['answer']}")
            results.append(row)
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    with open(out / "import_workbooks.jsonl", "a") as file:
        file.write(json.dumps({"at": time.strftime("%Y-%m-%d %H:%M"), "results": results}) + "\n")


if __name__ == "__main__":
    main()
