"""Time pairing suggestions for the whole province on the current database's demo data.

Target (issue 4): with the demo data (1,174 households, 330 officials), suggesting pairings
for the whole province answers in under 2 s. Run `manage.py seed_demo` first; from the
project root:

    .venv/bin/python bench/pairing_suggest.py [--repeat 7]

It only reads: the proposal is computed, never applied. Prints the median and worst time.
The demo data fills every official's two places, which leaves nothing to propose, so the
run raises the cap (--cap, default 4) to give every waiting household a candidate.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kuseaw.settings")
if not os.environ.get("DATABASE_URL"):
    os.environ.setdefault("DEBUG", "1")  # as manage.py does on the embedded server
os.environ.setdefault("KUSEAW_QUIET_DB", "1")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.db import reset_queries  # noqa: E402

from households.models import Household  # noqa: E402
from households.pairing.services import pairing_suggest  # noqa: E402
from officials.models import Official  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--cap", type=int, default=4, help="households per official")
    args = parser.parse_args()
    settings.KUSEAW_HOUSEHOLDS_PER_OFFICIAL = args.cap
    admin = get_user_model().objects.filter(is_superuser=True).first()
    if admin is None or not Household.objects.exists():
        sys.exit("No demo data: run `manage.py seed_demo` first.")
    unpaired = Household.objects.unpaired().count()
    print(
        f"{Household.objects.count():,} households ({unpaired:,} waiting), "
        f"{Official.objects.filter(is_active=True).count():,} active officials, cap {args.cap}"
    )
    times = []
    for _ in range(args.repeat):
        reset_queries()
        started = time.perf_counter()
        proposal = pairing_suggest(user=admin)
        times.append(time.perf_counter() - started)
    print(
        f"pairing_suggest (whole province): {len(proposal):,} lines; "
        f"median {statistics.median(times) * 1000:.0f} ms, worst {max(times) * 1000:.0f} ms "
        f"over {args.repeat} runs (target < 2000 ms)"
    )


if __name__ == "__main__":
    main()
