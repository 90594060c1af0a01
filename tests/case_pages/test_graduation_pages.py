"""Graduation: the buddy proposes on the latest round's evidence, district staff approve or
send back, the pairing ends and frees the buddy's place; the named official checks on the
household after 6 and 12 months, and a relapse reopens the case."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from households.cases.models import Capital, CheckOutcome, GraduationStatus
from households.models import Household, Status
from officials.models import EndReason, Pairing
from tests import factories as f
from tests.case_pages.conftest import text_of, today_be, walk_round


@pytest.fixture
def ready(buddy, household):
    """A household whose latest round meets every criterion (50,000 baht a person)."""
    walk_round(buddy, household, income="200000")
    return household


def propose(client, household):
    return client.post(
        reverse("cases:graduation_propose", args=[household.pk]),
        {"evidence": "มีรายได้จากการขายผักทุกสัปดาห์", "household_agrees": "on"},
    )


def test_a_household_below_the_criteria_cannot_be_proposed(buddy, household):
    walk_round(buddy, household, income="60000")

    page = buddy.get(reverse("cases:graduation_propose", args=[household.pk]))
    response = propose(buddy, household)

    assert "รายได้ต่อคนต่อปียังต่ำกว่าเกณฑ์ จปฐ." in text_of(page.content)
    assert response.status_code == 200
    assert not household.graduations.exists()


def test_the_households_agreement_is_required(buddy, ready):
    response = buddy.post(
        reverse("cases:graduation_propose", args=[ready.pk]), {"evidence": "พร้อมแล้ว"}
    )

    assert "ครัวเรือนยังไม่ได้แสดงความเห็นด้วย" in response.content.decode()
    assert not ready.graduations.exists()


def test_district_staff_approve_and_the_buddys_place_is_freed(
    buddy, ready, client, district_staff, official_a
):
    propose(buddy, ready)
    graduation = ready.graduations.get()
    assert graduation.status == GraduationStatus.PROPOSED
    # The buddy cannot approve their own proposal.
    decide = reverse("cases:graduation_decide", args=[ready.pk, graduation.pk])
    assert buddy.get(decide).status_code == 404

    client.force_login(district_staff)
    waiting = text_of(client.get(reverse("cases:graduations")).content)
    response = client.post(decide, {"decision": "approve", "reason": "ผ่านเกณฑ์ทุกข้อ"})

    assert ready.code in waiting
    assert response.status_code == 302
    graduation.refresh_from_db()
    ready.refresh_from_db()
    assert graduation.status == GraduationStatus.APPROVED
    assert graduation.decided_by == district_staff
    assert ready.status == Status.GRADUATED
    ended = Pairing.objects.get(household=ready)
    assert ended.end_reason == EndReason.HOUSEHOLD_GRADUATED
    checks = list(graduation.checks.order_by("months"))
    assert [(c.months, c.official) for c in checks] == [(6, official_a), (12, official_a)]
    # The freed place takes a household from the waiting list.
    assert not Pairing.objects.open().filter(official=official_a).exists()


def test_district_staff_of_another_district_cannot_see_the_proposal(buddy, ready, client):
    propose(buddy, ready)
    graduation = ready.graduations.get()
    other = f.UserFactory(username="district-4010", role="district")
    f.StaffProfileFactory(user=other, district=f.district("4010"))
    client.force_login(other)

    decide = reverse("cases:graduation_decide", args=[ready.pk, graduation.pk])
    assert client.get(decide).status_code == 404
    assert ready.code not in text_of(client.get(reverse("cases:graduations")).content)


def test_sending_back_needs_a_reason(buddy, ready, client, district_staff):
    propose(buddy, ready)
    graduation = ready.graduations.get()
    client.force_login(district_staff)
    decide = reverse("cases:graduation_decide", args=[ready.pk, graduation.pk])

    refused = client.post(decide, {"decision": "return", "reason": ""})
    returned = client.post(decide, {"decision": "return", "reason": "รายได้ยังไม่แน่นอน"})

    assert "กรุณาระบุเหตุที่ส่งกลับ" in refused.content.decode()
    assert returned.status_code == 302
    graduation.refresh_from_db()
    assert graduation.status == GraduationStatus.RETURNED
    assert graduation.decision_reason == "รายได้ยังไม่แน่นอน"
    assert Household.objects.get(pk=ready.pk).status == Status.ACTIVE


@pytest.fixture
def graduated(buddy, ready, client, district_staff):
    propose(buddy, ready)
    graduation = ready.graduations.get()
    client.force_login(district_staff)
    client.post(
        reverse("cases:graduation_decide", args=[ready.pk, graduation.pk]),
        {"decision": "approve", "reason": ""},
    )
    graduation.refresh_from_db()
    return graduation


def test_the_named_official_checks_on_the_household_after_graduation(graduated, client, official_a):
    check = graduated.checks.get(months=6)
    client.force_login(official_a.user)

    mine = text_of(client.get(reverse("households:mine")).content)
    response = client.post(
        reverse("cases:follow_up", args=[graduated.household_id, check.pk]),
        {"done_on": today_be(), "members": "4", "annual_income": "210000", "note": "ยังขายผักได้"},
    )

    assert "ติดตามหลังพ้นความยากจน" in mine
    assert response.status_code == 302
    check.refresh_from_db()
    assert check.outcome == CheckOutcome.STILL_OUT
    assert Household.objects.get(pk=graduated.household_id).status == Status.GRADUATED


def test_a_relapse_reopens_the_case_and_the_household_waits_for_a_buddy(
    graduated, client, official_a
):
    check = graduated.checks.get(months=6)
    client.force_login(official_a.user)

    client.post(
        reverse("cases:follow_up", args=[graduated.household_id, check.pk]),
        {"done_on": today_be(), "members": "4", "annual_income": "80000", "note": "ตกงาน"},
    )

    graduated.refresh_from_db()
    household = Household.objects.get(pk=graduated.household_id)
    assert graduated.status == GraduationStatus.REOPENED
    assert "ต่ำกว่าเกณฑ์ จปฐ." in graduated.reopen_reason
    assert household.status == Status.ACTIVE
    assert household in Household.objects.unpaired()


def test_only_the_named_official_records_a_check(graduated, client, official_b, admin_user):
    check = graduated.checks.get(months=6)
    url = reverse("cases:follow_up", args=[graduated.household_id, check.pk])

    for user in (official_b.user, admin_user):
        client.force_login(user)
        assert client.get(url).status_code == 404


def test_anonymising_waits_for_the_follow_up_period(graduated, client, admin_user):
    client.force_login(admin_user)
    household = graduated.household

    response = client.post(
        reverse("privacy:anonymise", args=[household.pk]), {"code": household.code}
    )

    household.refresh_from_db()
    assert household.anonymised_at is None
    last = max(c.due_on for c in graduated.checks.all())
    assert "ติดตามหลังพ้นความยากจนถึง" in text_of(response.content)
    assert last > timezone.localdate() - dt.timedelta(days=1)


def test_anonymising_after_the_follow_ups_removes_the_plans_own_words(
    graduated, client, admin_user
):
    household = graduated.household
    problem = household.problems.create(
        dimension="income", title="หนี้นายทุนชื่อนายเอ", opened_on=timezone.localdate()
    )
    problem.actions.create(
        what="คุยกับนายเอเรื่องหนี้", owner_kind="household", due_on=timezone.localdate()
    )
    graduated.checks.update(done_on=timezone.localdate(), outcome=CheckOutcome.STILL_OUT)
    Capital.objects.filter(round__household=household).update(items="วัวของนายเอ 2 ตัว")
    client.force_login(admin_user)

    client.post(reverse("privacy:anonymise", args=[household.pk]), {"code": household.code})

    household.refresh_from_db()
    problem.refresh_from_db()
    assert household.anonymised_at is not None
    assert "นายเอ" not in problem.title
    assert "นายเอ" not in problem.actions.get().what
    assert not Capital.objects.filter(round__household=household, items__contains="นายเอ").exists()
    assert "ขายผัก" not in Household.objects.get(pk=household.pk).graduations.get().evidence
