"""Time seed_demo on the current DATABASE: 1,174 households, and 100,000 with --large.

It REPLACES the programme data of that database (the embedded `kuseaw` database unless
DATABASE_URL says otherwise) and leaves it seeded at the default size afterwards, so the demo
still works. Never run it against production. From the project root:

    .venv/bin/python bench/seed_demo.py [--large] [--officials 330] [--seed 1]

Each run is timed without the delete that precedes it; the delete is timed on its own.
Results are also appended to bench/results/seed_demo.jsonl (git-ignored).
"""

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kuseaw.settings")
if not os.environ.get("DATABASE_URL"):
    os.environ.setdefault("DEBUG", "1")  # as manage.py does on the embedded server

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402

from households.demo.builder import DEFAULT_HOUSEHOLDS, demo_data_delete, demo_data_seed  # noqa: E402


def timed(function, **kwargs) -> tuple[float, object]:
    started = time.perf_counter()
    result = function(**kwargs)
    return time.perf_counter() - started, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--large", action="store_true", help="also time 100,000 households")
    parser.add_argument("--officials", type=int, default=330)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    sizes = [DEFAULT_HOUSEHOLDS] + ([100_000] if args.large else [])
    database = connection.settings_dict["NAME"]
    print(f"seed_demo benchmark on database {database!r} ({connection.vendor})")
    results = []
    for households in sizes:
        delete_seconds, _ = timed(demo_data_delete)
        seconds, counts = timed(
            demo_data_seed, households=households, officials=args.officials, seed=args.seed
        )
        rows = sum(counts[k] for k in ("households", "members", "pairings_open", "visits"))
        case_rows = sum(counts[k] for k in ("rounds", "answers", "problems", "actions"))
        print(
            f"  {households:>7,} households: {seconds:6.1f} s "
            f"({counts['members']:,} members, {counts['visits']:,} visits, "
            f"{counts['aid_records']:,} aid, {counts['rounds']:,} rounds, "
            f"{counts['answers']:,} answers, {counts['problems']:,} problems, "
            f"{counts['actions']:,} actions, {counts['graduations']:,} graduations; "
            f"delete before it {delete_seconds:.1f} s)"
        )
        results.append(
            {
                "households": households,
                "officials": args.officials,
                "seconds": round(seconds, 2),
                "delete_seconds": round(delete_seconds, 2),
                "rows": rows,
                "case_rows": case_rows,
            }
        )
    if sizes[-1] != DEFAULT_HOUSEHOLDS:
        # Leave the demo database at its usual size.
        demo_data_seed(
            households=DEFAULT_HOUSEHOLDS, officials=args.officials, seed=args.seed, replace=True
        )
        print(f"  re-seeded {DEFAULT_HOUSEHOLDS:,} households for the demo")

    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    with open(out / "seed_demo.jsonl", "a", encoding="utf-8") as handle:
        stamp = time.strftime("%Y-%m-%dT%H:%M:%S")
        for result in results:
            handle.write(json.dumps({"at": stamp, "database": database, **result}) + "\n")


if __name__ == "__main__":
    main()
