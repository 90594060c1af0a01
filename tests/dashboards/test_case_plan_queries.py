"""The case-plan pages and downloads issue the same number of queries for 10 households as
for 200, each with rounds, problems, actions and, for some, a graduation: their figures
are grouped in SQL, never counted household by household."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from households.dashboards.exports import TABLES
from officials.models import EndReason
from tests import factories as f
from tests.dashboards.plan_data import action, case_round, graduation, problem

pytestmark = pytest.mark.django_db

PAGES = [
    "/dashboard/plans/",
    "/dashboard/plans/?district=4010",
    "/dashboard/plans/?agency=CDD",
    "/dashboard/plans/progress/",
    "/dashboard/plans/progress/?agency=DOE&district=4010",
    "/dashboard/officials/",
    *[f"/dashboard/export/{table}.xlsx" for table in TABLES if table.startswith("plan-")],
    "/dashboard/export/plan-agencies.xlsx?agency=CDD",
    "/dashboard/export/officials.xlsx",
]
DIMENSIONS = ["income", "living", "health", "education", "public_services"]
PROBLEM_STATES = [
    ("open", ""),
    ("solved", "programme"),
    ("solved", "household"),
    ("not_possible", ""),
]


def add_households(officials, agencies, count, start, by):
    """`count` households over two districts: most with a buddy (some with an earlier one
    too), two or three rounds, up to four problems with actions, every fifth graduated."""
    today = timezone.localdate()
    for n in range(start, start + count):
        household = f.HouseholdFactory(
            code=f"KP{n:04d}", subdistrict=f.subdistrict("400101" if n % 2 else "401001")
        )
        if n % 3:
            official = officials[n % len(officials)]
            if n % 4 == 0:
                f.PairingFactory(
                    official=officials[(n + 1) % len(officials)],
                    household=household,
                    started_on=today - dt.timedelta(days=300),
                    ended_on=today - dt.timedelta(days=200),
                    end_reason=EndReason.REASSIGNED,
                )
            f.PairingFactory(
                official=official, household=household, started_on=today - dt.timedelta(days=199)
            )
        rounds = [
            case_round(household, 300 - 100 * k, 1 + (n + k) % 4, today) for k in range(2 + n % 2)
        ]
        for k in range(n % 5):
            status, solved_by = PROBLEM_STATES[(n + k) % 4]
            plan_problem = problem(
                household, DIMENSIONS[(n + k) % 5], status, solved_by, today=today
            )
            action(
                plan_problem,
                "agency",
                today - dt.timedelta(days=k * 7 - 10),
                agency=agencies[k % 2],
                status="planned" if status == "open" else "done",
            )
            if k % 2:
                action(plan_problem, "household", today)
            else:
                action(plan_problem, "partner", today, partner="กลุ่มออมทรัพย์")
        if n % 5 == 0:
            graduation(household, rounds[-1], ("approved", "proposed", "reopened")[n % 3], by)


def queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


def counts(client, users):
    result = {}
    for name, user in users.items():
        client.force_login(user)
        for url in PAGES:
            result[name, url] = queries(client, url)
    return result


def test_case_plan_query_counts_do_not_grow_from_10_to_200_households(
    client,
    official_a,
    official_b,
    agency_a,
    agency_b,
    province_viewer,
    district_staff,
    coordinator_a,
    admin_user,
):
    officials = [official_a, official_b] + [f.OfficialFactory(agency=agency_a) for _ in range(3)]
    users = {"province": province_viewer, "district": district_staff, "coordinator": coordinator_a}

    add_households(officials, [agency_a, agency_b], 10, 0, admin_user)
    with_10 = counts(client, users)
    add_households(officials, [agency_a, agency_b], 190, 10, admin_user)
    with_200 = counts(client, users)

    grown = {key: (with_10[key], with_200[key]) for key in with_10 if with_10[key] != with_200[key]}
    assert grown == {}
