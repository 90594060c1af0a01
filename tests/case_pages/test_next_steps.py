"""«What to do next» leads the case page: the round to do, actions overdue or due soon,
problems with no plan, a visit, and a household ready to graduate."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from tests import factories as f
from tests.case_pages.conftest import text_of, walk_round


def steps(client, household):
    response = client.get(reverse("households:detail", args=[household.pk]))
    return response.context["next_steps"], text_of(response.content)


def test_a_new_household_starts_with_the_entry_round(buddy, household):
    found, page = steps(buddy, household)

    assert found[0].tone == "danger"
    assert found[0].url == reverse("cases:round_new", args=[household.pk])
    assert "สิ่งที่ควรทำต่อไป" in page
    assert "ยังไม่ได้สำรวจข้อมูลเชิงลึกแรกเข้า" in page


def test_an_unmet_indicator_with_no_action_asks_for_one(buddy, household):
    walk_round(buddy, household, income="200000", unmet=("L2",))
    problem = household.problems.get(indicator__code="L2")

    found, page = steps(buddy, household)

    assert any(s.url == reverse("cases:action_new", args=[household.pk, problem.pk]) for s in found)
    assert "ปัญหายังไม่มีแผน" in page


def test_an_overdue_action_comes_first(buddy, household):
    walk_round(buddy, household, income="200000", unmet=("L2",))
    problem = household.problems.get(indicator__code="L2")
    problem.actions.create(
        what="ขอถังเก็บน้ำ", owner_kind="household", due_on=timezone.localdate() - dt.timedelta(days=2)
    )
    f.VisitFactory(household=household, visited_on=timezone.localdate())

    found, page = steps(buddy, household)

    assert found[0].tone == "danger"
    assert "เลยกำหนด" in found[0].text and "ขอถังเก็บน้ำ" in found[0].text


def test_the_next_round_is_due_every_assessment_period(buddy, household, settings):
    round_, _ = walk_round(buddy, household, income="200000")
    round_.assessed_on = timezone.localdate() - dt.timedelta(days=200)
    round_.save()

    found, page = steps(buddy, household)

    assert "ถึงกำหนดสำรวจติดตาม (ทุก 6 เดือน" in page


def test_a_household_that_meets_the_criteria_is_ready_to_propose(buddy, household):
    walk_round(buddy, household, income="200000")
    f.VisitFactory(household=household, visited_on=timezone.localdate())

    found, page = steps(buddy, household)

    assert any(s.url == reverse("cases:graduation_propose", args=[household.pk]) for s in found)


def test_a_viewer_sees_the_steps_without_links(client, household, province_viewer, buddy):
    client.force_login(province_viewer)

    found, _ = steps(client, household)

    assert found and all(s.url == "" for s in found)
