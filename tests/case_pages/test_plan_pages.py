"""The household's plan on the case page: problems, their actions (from the suggestions),
aid recorded against a problem, and marking a problem solved."""

import datetime as dt
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from households.cases.models import ActionStatus, ProblemStatus, SolvedBy
from households.models import Cause
from kuseaw.thaidate import format_be
from tests import factories as f
from tests.case_pages.conftest import text_of, today_be, walk_round


@pytest.fixture
def problem(buddy, household):
    walk_round(buddy, household, income="200000", unmet=("L1",))
    return household.problems.get(indicator__code="L1")


def detail(client, household):
    return text_of(client.get(reverse("households:detail", args=[household.pk])).content)


def test_the_suggestions_for_a_problem_fit_its_indicator_and_the_households_cause(
    buddy, household, problem
):
    page = buddy.get(reverse("cases:action_new", args=[household.pk, problem.pk]))

    suggestions = page.context["suggestions"]
    assert suggestions, "the seeded suggested actions hold some for L1"
    assert suggestions[0].indicator_id == problem.indicator_id
    assert all(
        s.dimension == "living" and s.cause in ("", Cause.LACK_OF_OPPORTUNITY) for s in suggestions
    )
    assert "ครัวเรือนขาดโอกาส: นำโอกาสไปให้" in text_of(page.content)


def test_a_household_that_cuts_itself_off_is_offered_a_motivating_step(buddy, household, problem):
    household.cause = Cause.SELF_EXCLUDED
    household.save()

    page = buddy.get(reverse("cases:action_new", args=[household.pk, problem.pk]))

    causes = {s.cause for s in page.context["suggestions"]}
    assert Cause.SELF_EXCLUDED in causes
    assert Cause.LACK_OF_OPPORTUNITY not in causes
    assert "เริ่มจากก้าวที่สร้างแรงจูงใจ" in text_of(page.content)


def test_a_suggestion_fills_the_action_form_and_the_action_joins_the_plan(
    buddy, household, problem
):
    url = reverse("cases:action_new", args=[household.pk, problem.pk])
    suggestion = buddy.get(url).context["suggestions"][0]

    filled = buddy.get(f"{url}?suggestion={suggestion.pk}").context["form"]
    data = {
        "what": filled.initial["what"],
        "owner_kind": filled.initial["owner_kind"],
        "agency": filled.initial["agency"] or "",
        "partner": "",
        "due_on": format_be(filled.initial["due_on"], "numeric"),
        "note": "",
        "token": str(uuid.uuid4()),
    }
    response = buddy.post(url, data)

    assert response.status_code == 302
    action = problem.actions.get()
    assert action.what == suggestion.what
    assert action.agency_id == suggestion.agency_id
    assert suggestion.what in detail(buddy, household)


def test_an_action_owned_by_an_agency_needs_the_agency(buddy, household, problem):
    response = buddy.post(
        reverse("cases:action_new", args=[household.pk, problem.pk]),
        {"what": "ซ่อมบ้าน", "owner_kind": "agency", "agency": "", "due_on": today_be()},
    )

    assert "กรุณาเลือกหน่วยงานที่รับผิดชอบ" in response.content.decode()
    assert not problem.actions.exists()


def test_aid_is_recorded_against_a_problem_from_the_plan(buddy, household, problem):
    url = reverse("households:aid_new", args=[household.pk])
    form = buddy.get(f"{url}?problem={problem.pk}").context["form"]
    assert form.initial["problems"] == [problem.pk]
    assert list(form.fields["problems"].queryset) == list(household.problems.open())

    buddy.post(
        url,
        {
            "category": "welfare",
            "title": "ซ่อมหลังคาบ้าน",
            "partner": "อบต.",
            "given_on": today_be(),
            "value": "5000",
            "status": "done",
            "problems": [problem.pk],
            "token": str(uuid.uuid4()),
        },
    )

    aid = household.aid_records.get(title="ซ่อมหลังคาบ้าน")
    assert list(aid.problems.all()) == [problem]
    assert "การช่วยเหลือ: ซ่อมหลังคาบ้าน" in detail(buddy, household)


def test_the_aid_form_refuses_another_households_problem(buddy, household, problem, official_a):
    other = f.PairingFactory(official=f.OfficialFactory()).household
    foreign = other.problems.create(
        dimension="living", title="ของครัวเรือนอื่น", opened_on=dt.date.today()
    )

    response = buddy.post(
        reverse("households:aid_new", args=[household.pk]),
        {
            "category": "welfare",
            "title": "ของแปลก",
            "partner": "อบต.",
            "given_on": today_be(),
            "value": "1",
            "status": "done",
            "problems": [foreign.pk],
        },
    )

    assert response.status_code == 200
    assert not household.aid_records.filter(title="ของแปลก").exists()


def test_the_buddy_marks_a_problem_solved_by_the_household(buddy, household, problem):
    url = reverse("cases:problem_close", args=[household.pk, problem.pk])

    missing = buddy.post(url, {"status": "solved"})
    done = buddy.post(url, {"status": "solved", "solved_by": "household", "note": "ซ่อมเอง"})

    assert "กรุณาระบุว่าแก้ได้" in missing.content.decode()
    assert done.status_code == 302
    problem.refresh_from_db()
    assert (problem.status, problem.solved_by) == (ProblemStatus.SOLVED, SolvedBy.HOUSEHOLD)
    assert problem.closed_on == timezone.localdate()
    assert "ปัญหาที่ปิดแล้ว (1)" in detail(buddy, household)
    # A closed problem takes no more actions: its pages answer 404.
    assert (
        buddy.get(reverse("cases:action_new", args=[household.pk, problem.pk])).status_code == 404
    )


def test_the_buddy_adds_a_problem_of_their_own(buddy, household):
    response = buddy.post(
        reverse("cases:problem_new", args=[household.pk]),
        {"dimension": "income", "title": "หนี้นอกระบบดอกเบี้ยสูง", "member": "", "note": ""},
    )

    problem = household.problems.get(title="หนี้นอกระบบดอกเบี้ยสูง")
    assert problem.indicator is None
    assert response.url == reverse("cases:action_new", args=[household.pk, problem.pk])


def test_an_action_is_moved_along_from_the_case_page(buddy, household, problem):
    action = problem.actions.create(
        what="ยื่นขอซ่อมบ้าน", owner_kind="household", due_on=timezone.localdate()
    )

    buddy.post(reverse("cases:action_update", args=[household.pk, action.pk]), {"status": "done"})
    bad = buddy.post(
        reverse("cases:action_update", args=[household.pk, action.pk]), {"status": "nonsense"}
    )

    action.refresh_from_db()
    assert action.status == ActionStatus.DONE
    assert action.done_on == timezone.localdate()
    assert bad.status_code == 302  # back to the page with a Thai message, nothing changed


def test_a_problem_a_later_round_finds_met_is_solved_by_the_programme(buddy, household, problem):
    problem.actions.create(
        what="ซ่อมบ้าน", owner_kind="household", due_on=timezone.localdate(), status="done"
    )

    walk_round(buddy, household, income="200000")

    problem.refresh_from_db()
    assert (problem.status, problem.solved_by) == (ProblemStatus.SOLVED, SolvedBy.PROGRAMME)


def test_my_households_shows_open_problems_and_the_next_action(buddy, household, problem):
    problem.actions.create(
        what="ขอโอ่งเก็บน้ำฝน",
        owner_kind="household",
        due_on=timezone.localdate() + dt.timedelta(days=3),
    )

    page = text_of(buddy.get(reverse("households:mine")).content)

    assert "ปัญหาที่ยังไม่แก้ 1 ข้อ" in page
    assert "ขอโอ่งเก็บน้ำฝน" in page
