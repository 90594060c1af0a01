"""Every dashboard page and download issues the same number of queries for 10 households as
for 200: figures are grouped in SQL, never counted row by row."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from households.dashboards.exports import TABLES
from tests import factories as f

pytestmark = pytest.mark.django_db

PAGES = [
    "/dashboard/",
    "/dashboard/?district=4010&date_from=01/01/2567",
    "/dashboard/districts/",
    "/dashboard/agencies/",
    "/dashboard/officials/",
    "/dashboard/officials/?agency=CDD",
    "/dashboard/households/",
    "/dashboard/households/?district=4001&pairing=paired&q=KK&level=2",
    "/dashboard/households/?overdue=1&jpt=1&change=better",
    "/dashboard/activity/",
    "/dashboard/plans/",
    "/dashboard/plans/?agency=CDD",
    "/dashboard/plans/progress/?district=4010",
    "/dashboard/partners/",
    "/dashboard/partners/?district=4001",
    *[f"/dashboard/export/{table}.xlsx" for table in TABLES],
]


def add_households(officials, count, start):
    """`count` households over two districts, most with a buddy, members, visits and aid."""
    today = timezone.localdate()
    for n in range(start, start + count):
        household = f.HouseholdFactory(
            code=f"KK{n:04d}",
            subdistrict=f.subdistrict("400101" if n % 2 else "401001"),
            poverty_level=1 + n % 4,
            annual_income=40_000 * (n % 3),
        )
        f.MemberFactory(household=household)
        if n % 3:
            official = officials[n % len(officials)]
            f.PairingFactory(official=official, household=household)
            f.VisitFactory(
                household=household, official=official, visited_on=today - dt.timedelta(days=7 * n)
            )
        if n % 4 == 0:
            f.AidRecordFactory(household=household, given_on=today - dt.timedelta(days=n))
    # Statistics for the rows just written, as autovacuum keeps them on a real database:
    # tables the planner believes empty get nested loops that take minutes at 200 households
    # on PostgreSQL 18 (ANALYZE counts this transaction's own rows).
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


def counts(client, users):
    return {
        (name, url): queries(logged_in(client, user), url)
        for name, user in users.items()
        for url in PAGES
    }


def logged_in(client, user):
    client.force_login(user)
    return client


def test_query_counts_do_not_grow_from_10_to_200_households(
    client, official_a, official_b, province_viewer, district_staff, coordinator_a
):
    officials = [official_a, official_b] + [
        f.OfficialFactory(agency=official_a.agency) for _ in range(3)
    ]
    users = {"province": province_viewer, "district": district_staff, "coordinator": coordinator_a}

    add_households(officials, 10, start=0)
    with_10 = counts(client, users)
    add_households(officials, 190, start=10)
    with_200 = counts(client, users)

    grown = {key: (with_10[key], with_200[key]) for key in with_10 if with_10[key] != with_200[key]}
    assert grown == {}


def test_an_officials_summary_does_not_grow_with_visits(client, official_a):
    add_households([official_a], 2, start=0)
    client.force_login(official_a.user)
    few = queries(client, "/dashboard/")

    for household in [p.household for p in official_a.pairings.all()]:
        f.VisitFactory.create_batch(5, household=household, official=official_a)
        f.AidRecordFactory.create_batch(5, household=household)

    assert queries(client, "/dashboard/") == few
