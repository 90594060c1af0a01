"""A small programme whose every dashboard figure is known by hand.

Two districts: เมืองขอนแก่น (4001) and บ้านไผ่ (4010); agencies A = พช. (CDD) and B = จัดหางาน
(DOE). Dates count back from today, so "the last 30 days" and the default period (the last
12 months) hold the same records on any day the tests run.

| house | district | status    | level (entry → now) | buddy now   | members | income  | visited  |
| ----- | -------- | --------- | ------------------- | ----------- | ------- | ------- | -------- |
| H1    | 4001     | active    | 2 → 3 better        | official A  | 2       | 80,000  | 5 d ago  |
| H2    | 4001     | active    | 2 → 2               | official A  | 3       | 60,000  | 45 d ago |
| H3    | 4001     | active    | 2 → 1 worse         | (waiting)   | 1       | 0       | never    |
| H4    | 4010     | active    | 1 → 2 better        | official B  | 1 (+1)  | 40,000  | never    |
| H5    | 4010     | graduated | 3 → 4 better        | (B earlier) | 2       | 100,000 | 14 m ago |
| H6    | 4010     | moved     | 2 → 2               | none        | 0       | 0       | never    |

Income per person reaches 38,000 for H1 (40,000), H4 (40,000: the member who moved out does
not count) and H5 (50,000). Overdue (active, a buddy, no visit in 30 days): H2 and H4.

Aid in the last 12 months: H1 career 3,000 done (agency A), H1 welfare 1,500 planned
(a partner), H2 career 2,000 cancelled (agency A, never counted), H4 market 5,000 done
(agency B); and 14 months ago H5 employment 10,000 done (agency B), outside the period.
Officials: A (agency A, 4001, H1 and H2), A2 (agency A, 4001, no households), A3 (agency A,
no longer active), B (agency B, 4010, H4; H5 earlier).
"""

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.utils import timezone

from households.cases.models import FollowUpCheck
from households.models import AidCategory, AidStatus, PovertyLevel, Status
from officials.models import EndReason
from tests import factories as f
from tests.dashboards.plan_data import action, case_round, graduation, problem


def household(code, subdistrict, *, level, entry, status=Status.ACTIVE, income=0, members=1):
    h = f.HouseholdFactory(
        code=code,
        subdistrict=f.subdistrict(subdistrict),
        poverty_level=level,
        poverty_level_at_entry=entry,
        status=status,
        annual_income=Decimal(income),
    )
    for index in range(members):
        if index == 0:
            f.MemberFactory(household=h, first_name=f"หัวหน้า{code}", last_name="ทดสอบ")
        else:
            f.MemberFactory(
                household=h, is_head=False, relation="child", national_id=None, first_name="ลูก"
            )
    return h


@pytest.fixture
def programme(official_a, official_b, agency_a, agency_b):
    today = timezone.localdate()
    ago = lambda days: today - dt.timedelta(days=days)  # noqa: E731
    a2 = f.OfficialFactory(agency=agency_a, user__username="official-a2")
    a3 = f.OfficialFactory(agency=agency_a, user__username="official-a3", is_active=False)

    h1 = household("H1", "400101", level=3, entry=2, income=80_000, members=2)
    h2 = household("H2", "400101", level=2, entry=2, income=60_000, members=3)
    h3 = household("H3", "400102", level=1, entry=2, income=0, members=1)
    h4 = household("H4", "401001", level=2, entry=1, income=40_000, members=1)
    f.MemberFactory(
        household=h4,
        is_head=False,
        relation="child",
        national_id=None,
        first_name="ย้ายไป",
        left_on=ago(100),
    )
    h5 = household(
        "H5", "401001", level=4, entry=3, status=Status.GRADUATED, income=100_000, members=2
    )
    h6 = household("H6", "401002", level=2, entry=2, status=Status.MOVED, income=0, members=0)

    f.PairingFactory(official=official_a, household=h1, started_on=ago(400))
    f.PairingFactory(official=official_a, household=h2, started_on=ago(400))
    f.PairingFactory(official=official_b, household=h4, started_on=ago(300))
    f.PairingFactory(
        official=official_b,
        household=h5,
        started_on=ago(700),
        ended_on=ago(200),
        end_reason=EndReason.HOUSEHOLD_GRADUATED,
    )

    visits = [
        f.VisitFactory(household=h1, official=official_a, visited_on=ago(5)),
        f.VisitFactory(household=h1, official=official_a, visited_on=ago(40)),
        f.VisitFactory(household=h2, official=official_a, visited_on=ago(45)),
        f.VisitFactory(household=h5, official=official_b, visited_on=ago(425)),
    ]
    aid = [
        f.AidRecordFactory(
            household=h1,
            category=AidCategory.CAREER,
            value=Decimal("3000"),
            status=AidStatus.DONE,
            agency=agency_a,
            given_on=ago(10),
        ),
        f.AidRecordFactory(
            household=h1,
            category=AidCategory.WELFARE,
            title="ลงทะเบียนบัตรสวัสดิการ",
            value=Decimal("1500"),
            status=AidStatus.PLANNED,
            partner="มูลนิธิเพื่อนบ้าน",
            given_on=ago(10),
        ),
        f.AidRecordFactory(
            household=h2,
            category=AidCategory.CAREER,
            value=Decimal("2000"),
            status=AidStatus.CANCELLED,
            agency=agency_a,
            given_on=ago(12),
        ),
        f.AidRecordFactory(
            household=h4,
            category=AidCategory.MARKET,
            title="แผงขายผักที่ตลาดนัด",
            value=Decimal("5000"),
            status=AidStatus.DONE,
            agency=agency_b,
            given_on=ago(20),
        ),
        f.AidRecordFactory(
            household=h5,
            category=AidCategory.EMPLOYMENT,
            value=Decimal("10000"),
            status=AidStatus.DONE,
            agency=agency_b,
            given_on=ago(425),
        ),
    ]
    return SimpleNamespace(
        today=today,
        ago=ago,
        households={h.code: h for h in (h1, h2, h3, h4, h5, h6)},
        official_a=official_a,
        official_a2=a2,
        official_a3=a3,
        official_b=official_b,
        agency_a=agency_a,
        agency_b=agency_b,
        visits=visits,
        aid=aid,
        levels=PovertyLevel,
    )


# -- the case plans of the same programme ----------------------------------------------------
#
# | house | problems (dimension: how it stands)                  | rounds (complete, in order) |
# | ----- | ---------------------------------------------------- | --------------------------- |
# | H1    | income open, health by programme, education by hh   | 2 → 3 (better)              |
# | H2    | living not possible, income open                     | 2 → 1 (worse), one draft    |
# | H3    | public services open (never had a buddy)             | 2 (one round only)          |
# | H4    | health by programme, health open                     | 1 → 3 → 2 (better)          |
# | H5    | income by household, living by programme (B's last)  | 3 → 4 → 3, the last two on  |
# |       |                                                      | one day (same)              |
# | H7    | none (บ้านไผ่, graduated, no buddy ever)              | 3 (one round only)          |
#
# Actions open: H1 income by CDD due 10 days ago (overdue) and by the household in 10 days;
# H2 income by a partner due yesterday (overdue); H3 by the household 3 days ago (overdue);
# H4 health by DOE 5 days ago (overdue) and by CDD today (not overdue yet). Closed: H1
# health's done, H2 living's not possible.
# Graduation: H5 approved 400 days ago, both checks done, still out; H7 approved 30 days
# ago, checks pending; H4 proposed (and once returned); H2 reopened after its 6-month check.


@pytest.fixture
def plans(programme, admin_user):
    today, ago = programme.today, programme.ago
    h = programme.households
    h["H7"] = household("H7", "401002", level=3, entry=3, status=Status.GRADUATED, members=1)
    soon = today + dt.timedelta(days=10)

    rounds = {}
    for code, levels in {
        "H1": [(300, 2), (100, 3)],
        "H2": [(300, 2), (100, 1)],
        "H3": [(200, 2)],
        "H4": [(250, 1), (150, 3), (20, 2)],
        "H5": [(700, 3), (450, 4), (450, 3)],
        "H7": [(400, 3)],
    }.items():
        rounds[code] = [case_round(h[code], days, level, today) for days, level in levels]
    case_round(h["H2"], 0, None, today, status="draft")

    h1_income = problem(h["H1"], "income", today=today)
    h1_health = problem(h["H1"], "health", "solved", "programme", today=today)
    problem(h["H1"], "education", "solved", "household", today=today)
    h2_living = problem(h["H2"], "living", "not_possible", today=today)
    h2_income = problem(h["H2"], "income", today=today)
    h3_services = problem(h["H3"], "public_services", today=today)
    problem(h["H4"], "health", "solved", "programme", today=today)
    h4_health = problem(h["H4"], "health", today=today)
    problem(h["H5"], "income", "solved", "household", today=today)
    problem(h["H5"], "living", "solved", "programme", today=today)

    cdd, doe = programme.agency_a, programme.agency_b
    action(h1_income, "agency", ago(10), agency=cdd)
    action(h1_income, "household", soon, status="in_progress")
    action(h1_health, "agency", ago(40), status="done", agency=cdd)
    action(h2_income, "partner", ago(1), partner="มูลนิธิเพื่อนบ้าน")
    action(h2_living, "household", ago(30), status="not_possible")
    action(h3_services, "household", ago(3))
    action(h4_health, "agency", ago(5), status="in_progress", agency=doe)
    action(h4_health, "agency", today, agency=cdd)

    h5_out = graduation(h["H5"], rounds["H5"][-1], "approved", admin_user, graduated_on=ago(400))
    for months, days in ((6, 220), (12, 35)):
        FollowUpCheck.objects.create(
            graduation=h5_out,
            months=months,
            due_on=ago(days),
            done_on=ago(days),
            outcome="still_out",
            official=programme.official_b,
        )
    h7_out = graduation(h["H7"], rounds["H7"][-1], "approved", admin_user, graduated_on=ago(30))
    for months in (6, 12):
        FollowUpCheck.objects.create(
            graduation=h7_out,
            months=months,
            due_on=today + dt.timedelta(days=30 * months),
            official=programme.official_b,
        )
    graduation(h["H4"], rounds["H4"][-1], "returned", admin_user)
    graduation(h["H4"], rounds["H4"][-1], "proposed", admin_user)
    h2_back = graduation(h["H2"], rounds["H2"][0], "reopened", admin_user, graduated_on=ago(250))
    FollowUpCheck.objects.create(
        graduation=h2_back,
        months=6,
        due_on=ago(70),
        done_on=ago(70),
        outcome="relapsed",
        official=programme.official_a,
    )
    return programme
