"""Response times of the case-plan dashboards, next to a trivial Django view in the same run.

It fills the database with seed_demo's programme at 100,000 households by default (officials
at the programme's ratio, 28,109: most households have a buddy), then adds case plans in
bulk with SQL: an entry round for every household and later rounds for most, 0–6 problems
per household (about 300,000) with one or two actions each, graduations with their
follow-up checks and some relapses. It runs VACUUM ANALYZE as autovacuum would, then
requests each page through Django's whole stack (middleware, sessions, templates; no
network) and prints the median and 95th percentile (target: p95 < 300 ms):

  trivial                a view that answers "ok" to a logged-in user (the floor of this stack)
  problems, province     demo-province, /dashboard/plans/ (by dimension, district, agency)
  problems, district     demo-district, /dashboard/plans/ (เมืองขอนแก่น)
  problems, coordinator  demo-coordinator, /dashboard/plans/
  problems, agency       demo-province, /dashboard/plans/?agency=CDD
  progress, province     demo-province, /dashboard/plans/progress/ (overdue actions,
                         graduation, levels between rounds)
  progress, district     demo-district, /dashboard/plans/progress/
  progress, coordinator  demo-coordinator, /dashboard/plans/progress/
  progress, agency       demo-province, /dashboard/plans/progress/?agency=CDD
  officials (shares)     demo-province, /dashboard/officials/ (50 a page, with the share
                         of problems solved)

It REPLACES the programme data of the database it runs on: give it its own, e.g.

    createdb -h 127.0.0.1 -U postgres kuseaw_dash_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kuseaw_dash_bench \\
        .venv/bin/python bench/case_plan_dashboards.py [--households 100000] [--reuse]

It refuses a database whose name does not contain "bench". --reuse keeps a programme and
case plans already of the right size (seeding 100,000 households takes about three
minutes, the case plans under half a minute). Results are appended to
bench/results/case_plan_dashboards.jsonl (git-ignored). The indexes these pages read are in
households_cases migration 0003; the figures they add up, kept by triggers, in 0004 (problems,
buddies) and 0005 (open actions by owner and due date).
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
from django.db import connection, transaction  # noqa: E402
from django.http import HttpResponse  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import include, path  # noqa: E402

from households.cases.models import (  # noqa: E402
    Action,
    FollowUpCheck,
    Graduation,
    OpenActionFigures,
    PlanFigures,
    Problem,
    Round,
)
from households.demo.builder import DEFAULT_HOUSEHOLDS, DEFAULT_OFFICIALS, demo_data_seed  # noqa: E402
from households.models import Household  # noqa: E402
from officials.models import Official  # noqa: E402


@login_required
def trivial(request):
    return HttpResponse("ok")


# The project's URLs and one more: the trivial view, behind the same middleware.
urlpatterns = [path("bench/trivial/", trivial), path("", include("kuseaw.urls"))]

PAGES = [
    ("trivial", "demo-province", "/bench/trivial/"),
    ("problems, province", "demo-province", "/dashboard/plans/"),
    ("problems, district", "demo-district", "/dashboard/plans/"),
    ("problems, coordinator", "demo-coordinator", "/dashboard/plans/"),
    ("problems, agency", "demo-province", "/dashboard/plans/?agency=CDD"),
    ("progress, province", "demo-province", "/dashboard/plans/progress/"),
    ("progress, district", "demo-district", "/dashboard/plans/progress/"),
    ("progress, coordinator", "demo-coordinator", "/dashboard/plans/progress/"),
    ("progress, agency", "demo-province", "/dashboard/plans/progress/?agency=CDD"),
    ("officials (shares)", "demo-province", "/dashboard/officials/"),
]

CASE_TABLES = [model._meta.db_table for model in (FollowUpCheck, Graduation, Action, Problem)]
CASE_TABLES += [Round._meta.db_table]
# Kept by triggers from the tables above (refreshed at the end of CASE_SQL); vacuumed with
# them, so that the pages read their indexes only.
FIGURES_TABLES = [model._meta.db_table for model in (PlanFigures, OpenActionFigures)]

# The case plans, in bulk. Deterministic: every draw is a hash of the row's id. Triggers
# (the change history, the figures kept per household) and foreign-key checks are off for
# the session: the rows are made consistent here, and 800,000 history rows would only slow
# the seed.
CASE_SQL = [
    "SET LOCAL session_replication_role = replica",
    f"TRUNCATE {', '.join(CASE_TABLES)} CASCADE",
    # An entry round for every household, at its level at entry.
    """
    INSERT INTO households_cases_round (household_id, kind, assessed_on, status, steps_done,
        members, annual_income, threshold, suggested_level, level, level_reason, note,
        created_at, completed_at)
    SELECT h.id, 'entry', LEAST(h.joined_on + 7, CURRENT_DATE), 'complete', '[]', 3,
        h.annual_income, 38000, h.poverty_level_at_entry, h.poverty_level_at_entry, '', '',
        now(), now()
    FROM households_household h
    """,
    # A review round six months on for 7 in 10, at the level now; a third for 2 in 10.
    """
    INSERT INTO households_cases_round (household_id, kind, assessed_on, status, steps_done,
        members, annual_income, threshold, suggested_level, level, level_reason, note,
        created_at, completed_at)
    SELECT h.id, 'review', LEAST(h.joined_on + 7 + 183 * n, CURRENT_DATE), 'complete', '[]',
        3, h.annual_income, 38000, h.poverty_level, h.poverty_level, '', '', now(), now()
    FROM households_household h
    CROSS JOIN LATERAL generate_series(1, CASE WHEN h.id % 10 < 2 THEN 2
                                               WHEN h.id % 10 < 7 THEN 1 ELSE 0 END) n
    """,
    # A round in progress for 1 in 10.
    """
    INSERT INTO households_cases_round (household_id, kind, assessed_on, status, steps_done,
        note, level_reason, created_at)
    SELECT h.id, 'review', CURRENT_DATE, 'draft', '["figures"]', '', '', now()
    FROM households_household h WHERE h.id % 10 = 9
    """,
    # 0–6 problems per household over the five dimensions; half open, a quarter solved by
    # the programme, some by the household, the rest not possible.
    """
    INSERT INTO households_cases_problem (household_id, dimension, title, status, solved_by,
        opened_on, closed_on, note, created_at)
    SELECT h.id,
        (ARRAY['income', 'living', 'health', 'education', 'public_services'])
            [1 + (h.id + g) % 5],
        'ปัญหาทดสอบประสิทธิภาพ',
        CASE WHEN d < 50 THEN 'open' WHEN d < 90 THEN 'solved' ELSE 'not_possible' END,
        CASE WHEN d >= 50 AND d < 75 THEN 'programme'
             WHEN d >= 75 AND d < 90 THEN 'household' ELSE '' END,
        h.joined_on, CASE WHEN d >= 50 THEN CURRENT_DATE - (h.id % 90)::int END, '', now()
    FROM households_household h
    CROSS JOIN LATERAL generate_series(1, (h.id % 7)::int) g
    CROSS JOIN LATERAL (SELECT ((h.id * 31 + g * 17) % 100)::int AS d) draw
    """,
    # One or two actions per problem: owned by an agency (7 in 10), a partner or the
    # household; due from 120 days ago to 180 days on.
    """
    INSERT INTO households_cases_action (problem_id, what, owner_kind, agency_id, partner,
        due_on, status, done_on, note, created_at)
    SELECT p.id, 'กิจกรรมทดสอบประสิทธิภาพ', kind.owner,
        CASE WHEN kind.owner = 'agency' THEN a.ids[1 + (p.id + n) % array_length(a.ids, 1)] END,
        CASE WHEN kind.owner = 'partner' THEN 'มูลนิธิทดสอบ' ELSE '' END,
        CURRENT_DATE - 120 + ((p.id * 13 + n * 7) % 300)::int,
        CASE WHEN p.status = 'open' THEN
                 (ARRAY['planned', 'in_progress', 'done'])[1 + (p.id + n) % 3]
             WHEN p.status = 'solved' THEN 'done' ELSE 'not_possible' END,
        CASE WHEN p.status <> 'open' THEN p.closed_on END, '', now()
    FROM households_cases_problem p
    CROSS JOIN (SELECT array_agg(id ORDER BY id) AS ids FROM agencies_agency) a
    CROSS JOIN LATERAL generate_series(1, 1 + (p.id % 2)::int) n
    CROSS JOIN LATERAL (SELECT CASE WHEN (p.id + n) % 10 < 7 THEN 'agency'
                                    WHEN (p.id + n) % 10 < 9 THEN 'partner'
                                    ELSE 'household' END AS owner) kind
    """,
    # 1 in 20 households graduated (their latest round as the evidence), 1 in 20 proposed.
    """
    INSERT INTO households_cases_graduation (household_id, round_id, status, evidence,
        household_agrees, proposed_by_id, proposed_at, decided_by_id, decided_at,
        decision_reason, graduated_on, reopen_reason)
    SELECT r.household_id, max(r.id), CASE WHEN r.household_id % 20 = 0 THEN 'approved'
                                           ELSE 'proposed' END,
        'รายได้ถึงเกณฑ์', TRUE, u.id, now(),
        CASE WHEN r.household_id % 20 = 0 THEN u.id END,
        CASE WHEN r.household_id % 20 = 0 THEN now() END, '',
        CASE WHEN r.household_id % 20 = 0 THEN CURRENT_DATE - (r.household_id % 700)::int END,
        ''
    FROM households_cases_round r
    CROSS JOIN (SELECT min(id) AS id FROM auth_user) u
    WHERE r.status = 'complete' AND r.household_id % 20 IN (0, 1)
    GROUP BY r.household_id, u.id
    """,
    """
    UPDATE households_household SET status = 'graduated'
    WHERE id IN (SELECT household_id FROM households_cases_graduation
                 WHERE status = 'approved')
    """,
    # The checks at 6 and 12 months; those due are done: still out, or (1 in 8) relapsed.
    """
    INSERT INTO households_cases_followupcheck (graduation_id, months, due_on, done_on,
        outcome, note, official_id)
    SELECT g.id, m, g.graduated_on + make_interval(months => m),
        CASE WHEN g.graduated_on + make_interval(months => m) < CURRENT_DATE
             THEN (g.graduated_on + make_interval(months => m))::date END,
        CASE WHEN g.graduated_on + make_interval(months => m) >= CURRENT_DATE THEN ''
             WHEN g.id % 8 = 0 AND m = 6 THEN 'relapsed' ELSE 'still_out' END,
        '', o.id
    FROM households_cases_graduation g
    CROSS JOIN (SELECT min(id) AS id FROM officials_official) o
    CROSS JOIN (VALUES (6), (12)) months(m)
    WHERE g.status = 'approved'
      AND NOT (g.id % 8 = 0 AND m = 12
               AND g.graduated_on + make_interval(months => 6) < CURRENT_DATE)
    """,
    """
    UPDATE households_cases_graduation g
    SET status = 'reopened', reopened_on = c.done_on, reopen_reason = 'การติดตาม 6 เดือน'
    FROM households_cases_followupcheck c
    WHERE c.graduation_id = g.id AND c.outcome = 'relapsed'
    """,
    """
    UPDATE households_household SET status = 'active'
    WHERE id IN (SELECT household_id FROM households_cases_graduation
                 WHERE status = 'reopened')
    """,
    # With the triggers off, the figures kept per household are made afresh, as the
    # migrations that created them do (households_cases 0004_plan_figures and
    # 0005_open_action_figures).
    "SELECT households_cases_refresh_plan_figures(ARRAY(SELECT id FROM households_household))",
    f"TRUNCATE {OpenActionFigures._meta.db_table}",  # households without problems have none
    "SELECT households_cases_refresh_open_action_figures("
    "ARRAY(SELECT DISTINCT household_id FROM households_cases_problem))",
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
        reuse = False
    if reuse and Problem.objects.exists():
        print(f"  reusing {Problem.objects.count():,} problems")
    else:
        started = time.perf_counter()
        with transaction.atomic(), connection.cursor() as cursor:
            for statement in CASE_SQL:
                cursor.execute(statement)
        print(f"  case plans made in {time.perf_counter() - started:.0f} s")
    with connection.cursor() as cursor:
        cursor.execute(
            "VACUUM ANALYZE households_household, households_member, officials_pairing,"
            f" officials_official, {', '.join(CASE_TABLES + FIGURES_TABLES)}"
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
    parser.add_argument("--households", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=40)
    parser.add_argument("--reuse", action="store_true")
    args = parser.parse_args()

    database = connection.settings_dict["NAME"]
    if "bench" not in database:
        sys.exit(f"refusing to replace the data of {database!r}: use a database named *bench*")
    print(f"case-plan dashboards benchmark on {database!r}, {os.cpu_count()} CPUs")
    households = args.households
    officials = round(households * DEFAULT_OFFICIALS / DEFAULT_HOUSEHOLDS)
    seed(households, officials, args.reuse)
    sizes = {
        "problems": Problem.objects.count(),
        "actions": Action.objects.count(),
        "rounds": Round.objects.count(),
        "graduations": Graduation.objects.count(),
    }
    load = os.getloadavg()[0]
    print(
        f"  {households:,} households, {officials:,} officials, "
        + ", ".join(f"{n:,} {name}" for name, n in sizes.items())
        + f" (load {load:.1f})"
    )
    results = []
    users = get_user_model().objects
    clients = {}
    with override_settings(ROOT_URLCONF=__name__):
        for name, username, url in PAGES:
            if username not in clients:
                clients[username] = Client()
                clients[username].force_login(users.get(username=username))
            row = measure(clients[username], url, args.repeat)
            print(
                f"    {name:<22} median {row['median_ms']:7.1f} ms"
                f"   p95 {row['p95_ms']:7.1f} ms   {row['queries']:>2} queries"
            )
            results.append(
                {
                    "households": households,
                    "officials": officials,
                    **sizes,
                    "page": name,
                    "url": url,
                    "load": round(load, 2),
                    **row,
                }
            )
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    with (out / "case_plan_dashboards.jsonl").open("a", encoding="utf-8") as file:
        for row in results:
            file.write(json.dumps({"at": time.strftime("%Y-%m-%d %H:%M"), **row}) + "\n")


if __name__ == "__main__":
    main()
