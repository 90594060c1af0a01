"""Response times of the dashboards, next to a trivial Django view measured in the same run.

For each size (1,174 and 100,000 households by default) it fills the database with
seed_demo's programme (the demo's 330 officials, or with --scaled-officials as many
officials as the programme's ratio gives: 28,109 for 100,000 households, so that most
households have a buddy and a year of visits), runs VACUUM ANALYZE as autovacuum would,
then requests each page through Django's whole stack (middleware, sessions, templates;
no network) and prints the median and 95th percentile:

  trivial           a view that answers "ok" to a logged-in user (the floor of this stack)
  province overview demo-province, /dashboard/                      (target: p95 < 300 ms)
  district page     demo-district, /dashboard/ (เมืองขอนแก่น's overview)
  district table    demo-province, /dashboard/districts/ (26 rows)
  household list    demo-province, /dashboard/households/?district=4001&pairing=paired

It REPLACES the programme data of the database it runs on: give it its own, e.g.

    createdb -h 127.0.0.1 -U postgres kuseaw_bench_dash
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kuseaw_bench_dash \\
        .venv/bin/python bench/dashboards.py [--sizes 1174 100000] [--scaled-officials]

It refuses a database whose name does not contain "bench". --reuse keeps data already of
the right size (seeding 100,000 households takes minutes). Results are appended to
bench/results/dashboards.jsonl (git-ignored).
"""

import argparse
import json
import os
import statistics
import sys
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kuseaw.settings")
# Production-like: DEBUG off (no query log, cached templates), plain HTTP, no static manifest.
os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("SECRET_KEY", "bench-only-not-a-secret")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")
os.environ.setdefault("KUSEAW_HTTPS", "0")
os.environ.setdefault("KUSEAW_STATIC_MANIFEST", "0")
os.environ.setdefault("KUSEAW_QUIET_DB", "1")

import django  # noqa: E402

django.setup()
warnings.filterwarnings("ignore", message="No directory at")  # no collectstatic needed here

from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.decorators import login_required  # noqa: E402
from django.db import connection  # noqa: E402
from django.http import HttpResponse  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import include, path  # noqa: E402

from households.demo.builder import DEFAULT_HOUSEHOLDS, DEFAULT_OFFICIALS, demo_data_seed  # noqa: E402
from households.models import Household, Visit  # noqa: E402
from officials.models import Official  # noqa: E402


@login_required
def trivial(request):
    return HttpResponse("ok")


# The project's URLs and one more: the trivial view, behind the same middleware.
urlpatterns = [path("bench/trivial/", trivial), path("", include("kuseaw.urls"))]

PAGES = [
    ("trivial", "demo-province", "/bench/trivial/"),
    ("province overview", "demo-province", "/dashboard/"),
    ("district page", "demo-district", "/dashboard/"),
    ("district table", "demo-province", "/dashboard/districts/"),
    ("household list", "demo-province", "/dashboard/households/?district=4001&pairing=paired"),
]


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def seed(households: int, officials: int, reuse: bool) -> None:
    same = Household.objects.count() == households and Official.objects.count() == officials
    if reuse and same:
        print(f"  reusing {households:,} households and {officials:,} officials")
    else:
        started = time.perf_counter()
        demo_data_seed(households=households, officials=officials, replace=True)
        print(f"  seeded {households:,} households in {time.perf_counter() - started:.0f} s")
    with connection.cursor() as cursor:
        cursor.execute(
            "VACUUM ANALYZE households_household, households_member, households_visit,"
            " households_aidrecord, officials_pairing, officials_official"
        )


def measure(client, url: str, repeat: int) -> dict:
    for _ in range(3):  # warm up: connection, caches, compiled templates
        assert client.get(url).status_code == 200, url
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, url
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    return {
        "median_ms": round(statistics.median(times), 1),
        "p95_ms": round(percentile(times, 0.95), 1),
        "queries": len(queries),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[DEFAULT_HOUSEHOLDS, 100_000])
    parser.add_argument("--repeat", type=int, default=40)
    parser.add_argument("--scaled-officials", action="store_true")
    parser.add_argument("--reuse", action="store_true")
    args = parser.parse_args()

    database = connection.settings_dict["NAME"]
    if "bench" not in database:
        sys.exit(f"refusing to replace the data of {database!r}: use a database named *bench*")
    print(f"dashboards benchmark on {database!r}, {os.cpu_count()} CPUs")
    results = []
    users = get_user_model().objects
    with override_settings(ROOT_URLCONF=__name__):
        for households in args.sizes:
            officials = DEFAULT_OFFICIALS
            if args.scaled_officials:
                officials = round(households * DEFAULT_OFFICIALS / DEFAULT_HOUSEHOLDS)
            seed(households, officials, args.reuse)
            visits = Visit.objects.count()
            load = os.getloadavg()[0]
            print(
                f"  {households:,} households, {officials:,} officials, {visits:,} visits"
                f" (load {load:.1f})"
            )
            clients = {}
            for name, username, url in PAGES:
                if username not in clients:
                    clients[username] = Client()
                    clients[username].force_login(users.get(username=username))
                row = measure(clients[username], url, args.repeat)
                print(
                    f"    {name:<18} median {row['median_ms']:7.1f} ms"
                    f"   p95 {row['p95_ms']:7.1f} ms   {row['queries']:>2} queries"
                )
                results.append(
                    {
                        "households": households,
                        "officials": officials,
                        "visits": visits,
                        "page": name,
                        "url": url,
                        "load": round(load, 2),
                        **row,
                    }
                )
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    with (out / "dashboards.jsonl").open("a", encoding="utf-8") as file:
        for row in results:
            file.write(json.dumps({"at": time.strftime("%Y-%m-%d %H:%M"), **row}) + "\n")


if __name__ == "__main__":
    main()
