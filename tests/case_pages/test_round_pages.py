"""A buddy's assessment round on the phone: one step a screen, each saved, resumable, with
the same Thai date and error rules as the visit form."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from households.cases.models import AnswerValue, ProblemStatus, RoundStatus
from households.models import PovertyLevel
from kuseaw.thaidate import format_be
from tests.case_pages.conftest import (
    answer_all,
    indicator,
    start_round,
    step_url,
    text_of,
    today_be,
    walk_round,
)
from tests.html_checks import assert_page_ok


def test_a_round_walked_step_by_step_makes_problems_of_what_is_not_met(buddy, household):
    round_, response = walk_round(buddy, household, income="200000", unmet=("L1", "H4"))

    assert response.status_code == 302
    assert round_.status == RoundStatus.COMPLETE
    assert round_.steps_done == [
        "figures",
        "income",
        "living",
        "health",
        "education",
        "public_services",
        "capitals",
    ]
    problems = household.problems.filter(status=ProblemStatus.OPEN)
    # L1 for the household; H4 (members aged 6+) for each of the four members.
    assert sorted(p.indicator.code for p in problems) == ["H4", "H4", "H4", "H4", "L1"]
    page = text_of(buddy.get(reverse("households:detail", args=[household.pk])).content)
    assert "แผนพัฒนาครัวเรือน" in page
    assert indicator("L1").text in page


def test_income_below_the_line_is_answered_from_the_figures(buddy, household):
    round_, _ = walk_round(buddy, household, income="60000", members="4")

    answer = round_.answers.get(indicator__code="I3")
    assert answer.value == AnswerValue.NOT_MET  # 15,000 a person < 38,000
    assert round_.threshold == 38000
    assert household.problems.filter(indicator__code="I3", status="open").exists()


def test_per_member_questions_are_asked_only_of_members_who_fit(buddy, household):
    round_ = start_round(buddy, household)
    buddy.post(
        step_url(household, round_, "figures"),
        {"assessed_on": today_be(), "members": "4", "annual_income": "60000"},
    )
    page = buddy.get(step_url(household, round_, "education"))
    asked = [(i.code, m.first_name if m else None) for i, m, _, _ in page.context["form"].rows()]

    # E2 (aged 6–14): only the child of 8; E4 (aged 15–59): the head and the spouse.
    assert ("E2", "น้ำฝน") in asked
    assert [name for code, name in asked if code == "E2"] == ["น้ำฝน"]
    assert sorted(name for code, name in asked if code == "E4") == ["มาลี", "สมศักดิ์"]
    assert not [code for code, _ in asked if code == "E1"]  # nobody aged 3–5
    assert_page_ok(page.content.decode())


def test_leaving_mid_round_and_coming_back_resumes_at_the_first_unsaved_step(buddy, household):
    round_ = start_round(buddy, household)
    buddy.post(
        step_url(household, round_, "figures"),
        {"assessed_on": today_be(), "members": "4", "annual_income": "60000"},
    )
    answer_all(buddy, household, round_, "income")

    again = buddy.get(reverse("cases:round_new", args=[household.pk]))
    resumed = buddy.get(again.url)

    assert resumed.url == step_url(household, round_, "living")
    case_page = text_of(buddy.get(reverse("households:detail", args=[household.pk])).content)
    assert "ทำการสำรวจให้เสร็จ (บันทึกแล้ว 2 จาก 7 ขั้น)" in case_page


def test_a_saved_step_shows_its_answers_again(buddy, household):
    round_ = start_round(buddy, household)
    answer_all(buddy, household, round_, "living", unmet=("L2",))

    page = buddy.get(step_url(household, round_, "living"))

    rows = {i.code: choice.value() for i, m, choice, _ in page.context["form"].rows()}
    assert rows["L2"] == "not_met"
    assert rows["L1"] == "met"


def test_an_unanswered_question_is_a_thai_error_and_saves_nothing(buddy, household):
    round_ = start_round(buddy, household)

    response = buddy.post(step_url(household, round_, "living"), {})

    assert response.status_code == 200
    assert "กรุณาเลือกคำตอบข้อนี้" in response.content.decode()
    round_.refresh_from_db()
    assert "living" not in round_.steps_done
    assert not round_.answers.exists()


def test_dates_follow_the_visit_forms_rules(buddy, household):
    round_ = start_round(buddy, household)
    tomorrow = format_be(timezone.localdate() + dt.timedelta(days=1), "numeric")

    future = buddy.post(
        step_url(household, round_, "figures"),
        {"assessed_on": tomorrow, "members": "4", "annual_income": "60000"},
    )
    garbage = buddy.post(
        step_url(household, round_, "figures"),
        {"assessed_on": "31/02/2568", "members": "0", "annual_income": "-5"},
    )

    assert "วันที่ต้องไม่เลยวันนี้" in future.content.decode()
    body = garbage.content.decode()
    assert garbage.status_code == 200
    assert "จำนวนสมาชิกต้องมีอย่างน้อย 1 คน" in body
    assert "รายได้ต้องไม่ติดลบ" in body
    round_.refresh_from_db()
    assert round_.steps_done == []


def test_a_resent_start_form_makes_one_round(buddy, household):
    data = {"assessed_on": today_be(), "token": "6f1c2d3e-0000-4000-8000-000000000001"}
    url = reverse("cases:round_new", args=[household.pk])

    buddy.post(url, data)
    buddy.post(url, data)

    assert household.rounds.count() == 1


def test_a_level_other_than_the_suggested_one_needs_a_reason(buddy, household):
    round_ = start_round(buddy, household)
    buddy.post(
        step_url(household, round_, "figures"),
        {"assessed_on": today_be(), "members": "4", "annual_income": "100000"},
    )
    for dimension in ("income", "living", "health", "education", "public_services"):
        answer_all(buddy, household, round_, dimension)
    buddy.post(step_url(household, round_, "capitals"), {})
    finish = reverse("cases:round_finish", args=[household.pk, round_.pk])
    assert buddy.get(finish).context["suggested"] == PovertyLevel.HARD

    refused = buddy.post(finish, {"level": "3", "level_reason": ""})
    accepted = buddy.post(finish, {"level": "3", "level_reason": "มีรายได้จากลูกที่ทำงานต่างจังหวัด"})

    assert "กรุณาระบุเหตุผล" in refused.content.decode()
    assert accepted.status_code == 302
    round_.refresh_from_db()
    household.refresh_from_db()
    assert (round_.suggested_level, round_.level) == (PovertyLevel.HARD, 3)
    assert household.poverty_level == household.poverty_level_at_entry == 3


def test_a_finished_round_cannot_be_changed(buddy, household):
    round_, _ = walk_round(buddy, household)

    response = buddy.get(step_url(household, round_, "living"))

    assert response.status_code == 302
    assert response.url == reverse("households:detail", args=[household.pk])


def test_a_round_keeps_the_wording_it_was_asked_with(buddy, household, admin_user):
    round_, _ = walk_round(buddy, household)
    old = indicator("L1").text
    indicator_row = indicator("L1")
    indicator_row.text = "ครัวเรือนมีบ้านที่มั่นคง (ถ้อยคำใหม่)"
    indicator_row.save()

    page = text_of(buddy.get(reverse("cases:round_detail", args=[household.pk, round_.pk])).content)

    assert old in page
    assert "ถ้อยคำใหม่" not in page


def test_an_unknown_step_is_a_404(buddy, household):
    round_ = start_round(buddy, household)

    assert buddy.get(step_url(household, round_, "nonsense")).status_code == 404


def test_the_capitals_start_from_the_last_round(buddy, household):
    first, _ = walk_round(buddy, household)
    capital = first.capitals.get(kind="natural")
    capital.items = "นา 5 ไร่ บ่อน้ำ"
    capital.save()
    second = start_round(buddy, household)

    page = buddy.get(step_url(household, second, "capitals"))

    assert "นา 5 ไร่ บ่อน้ำ" in page.content.decode()
