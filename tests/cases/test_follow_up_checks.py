"""Follow-up checks after graduation: a check that finds the household still out changes
nothing; one that finds a relapse (income under the line on the check's day, or an indicator
newly unmet) reopens the case with its reason, back in the programme waiting for a buddy."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from households.cases import rules, services
from households.cases.models import CheckOutcome, GraduationStatus, ProblemStatus, RoundKind
from households.cases.services import CasePlanError
from households.models import Household, Status
from officials.services import pairing_create
from tests import factories as f
from tests.cases.factories import ProblemFactory, assess, indicator

APPROVED_ON = dt.date(2025, 1, 10)
SIX_MONTHS = dt.date(2025, 7, 10)
TWELVE_MONTHS = dt.date(2026, 1, 10)


@pytest.fixture
def graduation(household, buddy, district_staff, official_b):
    assess(household, buddy, dt.date(2024, 9, 1), members=2, income=Decimal("100000"))
    proposed = services.graduation_propose(
        household=household, evidence="รายได้เกินเกณฑ์", household_agrees=True, by=buddy.user
    )
    return services.graduation_decide(
        graduation=proposed,
        approve=True,
        reason="ผ่านเกณฑ์",
        by=district_staff,
        follow_up_official=official_b,
        on=APPROVED_ON,
    )


def check_at(graduation, months):
    return graduation.checks.get(months=months)


def record(check, *, income=Decimal("100000"), members=2, on=None, **kwargs):
    return services.follow_up_record(
        check=check, done_on=on or check.due_on, members=members, annual_income=income, **kwargs
    )


def test_a_check_that_finds_it_still_out_changes_nothing(graduation):
    household = graduation.household

    check = record(check_at(graduation, 6), note="ลูกสาวยังทำงานที่เดิม")

    assert (check.outcome, check.done_on) == (CheckOutcome.STILL_OUT, SIX_MONTHS)
    graduation.refresh_from_db()
    household.refresh_from_db()
    assert graduation.status == GraduationStatus.APPROVED and graduation.reopen_reason == ""
    assert household.status == Status.GRADUATED
    assert not household.problems.exists()
    assert household not in Household.objects.unpaired()


def test_income_under_the_line_reopens_the_case_with_its_reason(graduation):
    household = graduation.household

    check = record(check_at(graduation, 6), income=Decimal("30000"), note="ลูกสาวตกงาน")

    assert check.outcome == CheckOutcome.RELAPSED
    graduation.refresh_from_db()
    assert graduation.status == GraduationStatus.REOPENED
    assert graduation.reopened_on == SIX_MONTHS
    assert graduation.reopen_reason == (
        "การติดตาม 6 เดือน: รายได้ต่อคนต่อปี 15,000.00 บาท ต่ำกว่าเกณฑ์ จปฐ. 38,000 บาท (ลูกสาวตกงาน)"
    )
    household.refresh_from_db()
    assert household.status == Status.ACTIVE
    assert household.annual_income == Decimal("30000")
    assert household in Household.objects.unpaired()


def test_a_newly_unmet_indicator_reopens_the_case_with_a_problem_for_each(graduation):
    household = graduation.household
    l1, e4 = indicator("L1"), indicator("E4")

    record(check_at(graduation, 6), new_unmet=[l1, e4], by=graduation.decided_by)

    graduation.refresh_from_db()
    assert graduation.status == GraduationStatus.REOPENED
    assert graduation.reopen_reason == "การติดตาม 6 เดือน: ตัวชี้วัด L1 ไม่ผ่าน; ตัวชี้วัด E4 ไม่ผ่าน"
    problems = household.problems.open().order_by("indicator__order")
    assert [(p.indicator, p.dimension, p.title, p.opened_on) for p in problems] == [
        (l1, "living", l1.text, SIX_MONTHS),
        (e4, "education", e4.text, SIX_MONTHS),
    ]
    assert set(check_at(graduation, 6).new_unmet.all()) == {l1, e4}
    assert Household.objects.get(pk=household.pk).status == Status.ACTIVE


def test_an_indicator_already_open_as_a_problem_is_not_opened_twice(graduation):
    household = graduation.household
    l1 = indicator("L1")
    ProblemFactory(household=household, dimension="living", indicator=l1, title=l1.text)

    record(check_at(graduation, 6), new_unmet=[l1])

    assert household.problems.open().filter(indicator=l1).count() == 1


def test_the_check_uses_the_line_in_force_on_its_own_day(graduation, settings):
    settings.KUSEAW_JPT_INCOME_THRESHOLDS = [
        (dt.date(2017, 1, 1), 38000),
        (dt.date(2025, 6, 1), 45000),
    ]
    # 80,000 baht for two, 40,000 each: over the old line, under the new one.

    early = record(check_at(graduation, 6), income=Decimal("80000"), on=dt.date(2025, 5, 31))
    assert early.outcome == CheckOutcome.STILL_OUT
    later = record(check_at(graduation, 12), income=Decimal("80000"))
    assert later.outcome == CheckOutcome.RELAPSED

    graduation.refresh_from_db()
    assert graduation.reopen_reason == (
        "การติดตาม 12 เดือน: รายได้ต่อคนต่อปี 40,000.00 บาท ต่ำกว่าเกณฑ์ จปฐ. 45,000 บาท"
    )


def test_at_exactly_the_line_the_household_is_still_out(graduation):
    assert record(check_at(graduation, 6), income=Decimal("76000")).outcome == (
        CheckOutcome.STILL_OUT
    )


def test_a_relapsed_household_is_paired_again_and_its_next_round_is_a_review(
    graduation, official_a
):
    household = graduation.household
    record(check_at(graduation, 6), income=Decimal("20000"))
    household.refresh_from_db()

    pairing_create(official=official_a, household=household, started_on=dt.date(2025, 7, 15))
    round_, created = services.round_start(
        household=household, official=official_a, assessed_on=dt.date(2025, 7, 20)
    )

    assert created and round_.kind == RoundKind.REVIEW


def test_after_a_relapse_the_remaining_check_is_no_longer_due(graduation, official_b):
    record(check_at(graduation, 6), income=Decimal("20000"))

    assert list(services.checks_due_for(official_b)) == []
    with pytest.raises(CasePlanError, match="^ครัวเรือนนี้กลับเข้าโครงการแล้ว$"):
        record(check_at(graduation, 12))


def test_a_check_is_recorded_once_and_dated_between_graduation_and_today(graduation):
    check = check_at(graduation, 6)

    with pytest.raises(CasePlanError, match="^วันที่ติดตามต้องไม่เลยวันนี้$"):
        record(check, on=timezone.localdate() + dt.timedelta(days=1))
    with pytest.raises(CasePlanError, match="^วันที่ติดตามต้องไม่ก่อนวันที่พ้นความยากจน$"):
        record(check, on=APPROVED_ON - dt.timedelta(days=1))
    record(check, on=APPROVED_ON)
    with pytest.raises(CasePlanError, match="^บันทึกการติดตามครั้งนี้ไปแล้ว$"):
        record(check)


def test_the_follow_up_period_stays_open_until_the_last_check(graduation, household):
    never = f.HouseholdFactory()
    assert services.follow_up_open_until(never) is None

    assert services.follow_up_open_until(household) == TWELVE_MONTHS
    record(check_at(graduation, 6))
    assert services.follow_up_open_until(household) == TWELVE_MONTHS
    record(check_at(graduation, 12))
    assert services.follow_up_open_until(household) is None


def test_a_relapse_ends_the_follow_up_period(graduation, household):
    record(check_at(graduation, 6), new_unmet=[indicator("H2")])

    assert services.follow_up_open_until(household) is None
    assert household.problems.get().status == ProblemStatus.OPEN


def test_months_are_added_to_the_same_day_or_the_months_last():
    assert rules.add_months(dt.date(2025, 1, 10), 6) == dt.date(2025, 7, 10)
    assert rules.add_months(dt.date(2025, 8, 31), 6) == dt.date(2026, 2, 28)
    assert rules.add_months(dt.date(2023, 8, 31), 6) == dt.date(2024, 2, 29)
    assert rules.add_months(dt.date(2025, 12, 15), 12) == dt.date(2026, 12, 15)
