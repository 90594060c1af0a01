"""A round, as the buddy does it: only the household's current buddy starts one, a second
start resumes it, dates are checked in Thai, and completing it needs every step (and a reason
to differ from the suggested level); completion brings the household up to date."""

import datetime as dt
import uuid
from decimal import Decimal

import pytest
from django.utils import timezone

from households.cases import rules, services
from households.cases.models import (
    AnswerValue,
    Capital,
    CapitalKind,
    Round,
    RoundKind,
    RoundStatus,
)
from households.cases.services import CasePlanError
from households.models import PovertyLevel, Status
from officials.models import EndReason, Pairing
from officials.services import pairing_end
from tests import factories as f
from tests.cases.factories import answer_all, assess

MARCH = dt.date(2024, 3, 1)


def start(household, official, on=MARCH, **kwargs):
    return services.round_start(household=household, official=official, assessed_on=on, **kwargs)


def test_the_buddy_starts_the_entry_round(household, buddy):
    round_, created = start(household, buddy, by=buddy.user)

    assert created
    assert (round_.kind, round_.status, round_.official) == (
        RoundKind.ENTRY,
        RoundStatus.DRAFT,
        buddy,
    )
    assert round_.created_by == buddy.user
    assert services.steps_missing(round_) == services.round_steps()
    assert services.round_steps() == [
        "figures",
        "income",
        "living",
        "health",
        "education",
        "public_services",
        "capitals",
    ]


def test_only_the_current_buddy_may_start_a_round(household, buddy, official_b):
    with pytest.raises(CasePlanError, match="^สำรวจได้เฉพาะคู่เสี่ยวที่ดูแลครัวเรือนนี้อยู่$"):
        start(household, official_b)
    pairing_end(pairing=Pairing.objects.get(household=household), reason=EndReason.REASSIGNED)
    with pytest.raises(CasePlanError, match="คู่เสี่ยวที่ดูแลครัวเรือนนี้อยู่"):
        start(household, buddy)  # a former buddy no longer
    assert not Round.objects.filter(household=household).exists()


def test_a_household_that_left_gets_no_new_round(household, buddy):
    household.status = Status.MOVED
    household.save()

    with pytest.raises(CasePlanError, match="ไม่ได้อยู่ในโครงการแล้ว"):
        start(household, buddy)


def test_a_second_start_resumes_the_round_in_progress(household, buddy):
    first, _ = start(household, buddy)
    services.round_save_figures(
        round_=first, assessed_on=MARCH, members=2, annual_income=Decimal("90000")
    )

    again, created = start(household, buddy, on=dt.date(2024, 3, 5), token=uuid.uuid4())

    assert not created
    assert again == first
    assert again.steps_done == ["figures"]
    assert household.rounds.count() == 1


def test_a_resent_start_returns_the_round_it_made_even_once_complete(household, buddy):
    token = uuid.uuid4()
    made, _ = start(household, buddy, token=token)
    complete = assess(household, buddy, MARCH)
    assert complete == made

    resent, created = start(household, buddy, token=token)

    assert (resent, created) == (made, False)
    assert household.rounds.count() == 1
    assert not household.rounds.filter(status=RoundStatus.DRAFT).exists()


def test_the_round_after_a_complete_one_is_a_review(household, buddy):
    assess(household, buddy, MARCH)

    review, created = start(household, buddy, on=dt.date(2024, 9, 1))

    assert created and review.kind == RoundKind.REVIEW


@pytest.mark.parametrize(
    ("day", "message"),
    [
        (lambda: timezone.localdate() + dt.timedelta(days=1), "วันที่สำรวจต้องไม่เลยวันนี้"),
        (lambda: dt.date(2024, 1, 14), "วันที่สำรวจต้องไม่ก่อนวันที่เข้าโครงการ"),
    ],
)
def test_a_round_is_not_dated_in_the_future_nor_before_joining(household, buddy, day, message):
    with pytest.raises(CasePlanError, match=f"^{message}$"):
        start(household, buddy, on=day())
    round_, _ = start(household, buddy, on=dt.date(2024, 1, 15))  # the day it joined
    with pytest.raises(CasePlanError, match=f"^{message}$"):
        services.round_save_figures(
            round_=round_, assessed_on=day(), members=2, annual_income=Decimal("90000")
        )
    round_.refresh_from_db()
    assert round_.assessed_on == dt.date(2024, 1, 15)
    assert round_.steps_done == []


def test_today_is_a_valid_round_date(household, buddy):
    round_, created = start(household, buddy, on=timezone.localdate())

    assert created and round_.assessed_on == timezone.localdate()


def test_the_figures_need_at_least_one_member(household, buddy):
    round_, _ = start(household, buddy)

    with pytest.raises(CasePlanError, match="จำนวนสมาชิกต้องมีอย่างน้อย 1 คน"):
        services.round_save_figures(round_=round_, assessed_on=MARCH, members=0, annual_income=0)


def test_the_figures_keep_the_line_and_the_income_per_person(household, buddy):
    round_, _ = start(household, buddy)

    services.round_save_figures(
        round_=round_,
        assessed_on=dt.date(2024, 3, 2),
        members=3,
        annual_income=Decimal("100000"),
        debts=Decimal("25000"),
    )

    round_.refresh_from_db()
    assert round_.assessed_on == dt.date(2024, 3, 2)
    assert round_.threshold == 38000
    assert round_.income_per_person == Decimal("33333.33")
    assert round_.debts == Decimal("25000")


def test_an_answer_must_be_met_not_met_or_not_applicable(household, buddy):
    round_, _ = start(household, buddy)
    (question,) = [q for q in services.questions_for(round_, "living") if q[0].code == "L1"]

    with pytest.raises(CasePlanError, match="กรุณาเลือกคำตอบให้ครบทุกข้อ"):
        services.round_save_answers(
            round_=round_, dimension="living", answers=[(*question, "", "")]
        )
    assert "living" not in round_.steps_done


def test_each_step_is_saved_and_can_be_saved_again(household, buddy):
    round_, _ = start(household, buddy)
    l1 = services.questions_for(round_, "living")[0]

    services.round_save_answers(
        round_=round_, dimension="living", answers=[(*l1, AnswerValue.NOT_MET, "หลังคารั่ว")]
    )
    services.round_save_answers(
        round_=round_, dimension="living", answers=[(*l1, AnswerValue.MET, "ซ่อมแล้ว")]
    )

    answer = round_.answers.get(indicator__code="L1")
    assert (answer.value, answer.note) == (AnswerValue.MET, "ซ่อมแล้ว")
    assert round_.steps_done == ["living"]


def test_the_five_capitals_are_saved_with_scores_items_and_notes(household, buddy):
    round_, _ = start(household, buddy)

    services.round_save_capitals(
        round_=round_,
        capitals={
            CapitalKind.NATURAL: {"score": 2, "items": "ที่นา 3 ไร่\nวัว 2 ตัว", "note": "นาน้ำฝน"},
            CapitalKind.SOCIAL: {"score": 4, "items": "กองทุนหมู่บ้าน"},
        },
    )

    capitals = {c.kind: c for c in Capital.objects.filter(round=round_)}
    assert set(capitals) == set(CapitalKind.values)
    assert (capitals["natural"].score, capitals["natural"].note) == (2, "นาน้ำฝน")
    assert capitals["social"].items == "กองทุนหมู่บ้าน"
    assert capitals["human"].score is None
    assert round_.steps_done == ["capitals"]


# -- completing -----------------------------------------------------------------------------
def test_completing_needs_every_step(household, buddy):
    round_ = assess(household, buddy, MARCH, complete=False)
    round_.steps_done = ["figures", "living"]
    round_.save()

    with pytest.raises(CasePlanError, match="^ยังบันทึกไม่ครบ 5 ขั้น$"):
        services.round_complete(round_=round_, level=PovertyLevel.WELL)
    round_.refresh_from_db()
    assert round_.status == RoundStatus.DRAFT


def test_a_level_other_than_the_suggested_one_needs_a_reason(household, buddy):
    round_ = assess(household, buddy, MARCH, complete=False)
    assert services.round_suggested_level(round_) == PovertyLevel.WELL

    with pytest.raises(CasePlanError, match="^ระดับที่เลือกต่างจากที่ระบบเสนอ กรุณาระบุเหตุผล$"):
        services.round_complete(round_=round_, level=PovertyLevel.GETTING_BY, reason="  ")
    services.round_complete(
        round_=round_, level=PovertyLevel.GETTING_BY, reason=" ลูกชายเพิ่งตกงานเมื่อเดือนก่อน "
    )

    round_.refresh_from_db()
    assert (round_.suggested_level, round_.level) == (PovertyLevel.WELL, PovertyLevel.GETTING_BY)
    assert round_.level_reason == "ลูกชายเพิ่งตกงานเมื่อเดือนก่อน"
    assert round_.status == RoundStatus.COMPLETE and round_.completed_at is not None


def test_confirming_the_suggested_level_keeps_no_reason(household, buddy):
    round_ = assess(household, buddy, MARCH, level=PovertyLevel.WELL, reason="ไม่จำเป็น")

    assert (round_.level, round_.level_reason) == (PovertyLevel.WELL, "")


def test_a_complete_round_cannot_be_changed(household, buddy):
    round_ = assess(household, buddy, MARCH)
    message = "^รอบการสำรวจนี้เสร็จไปแล้ว แก้ไขไม่ได้$"

    with pytest.raises(CasePlanError, match=message):
        answer_all(round_, not_met={"L1"})
    with pytest.raises(CasePlanError, match=message):
        services.round_save_figures(round_=round_, assessed_on=MARCH, members=1, annual_income=0)
    with pytest.raises(CasePlanError, match=message):
        services.round_complete(round_=round_, level=PovertyLevel.WELL)


def test_the_entry_round_sets_the_households_level_at_entry_and_now(household, buddy):
    household.poverty_level = household.poverty_level_at_entry = PovertyLevel.HARD
    household.save()

    assess(
        household,
        buddy,
        MARCH,
        members=2,
        income=Decimal("30000"),
        debts=Decimal("12000"),
        level=PovertyLevel.STRUGGLING,
    )

    household.refresh_from_db()
    assert household.poverty_level == PovertyLevel.STRUGGLING
    assert household.poverty_level_at_entry == PovertyLevel.STRUGGLING
    assert household.annual_income == Decimal("30000")
    assert household.debts == Decimal("12000")


def test_a_review_round_moves_the_level_now_but_not_the_level_at_entry(household, buddy):
    assess(household, buddy, MARCH, members=2, income=Decimal("50000"), debts=Decimal("12000"))

    review = assess(household, buddy, dt.date(2024, 9, 1), members=2, income=Decimal("80000"))

    household.refresh_from_db()
    assert review.kind == RoundKind.REVIEW
    assert household.poverty_level_at_entry == PovertyLevel.HARD
    assert household.poverty_level == PovertyLevel.WELL
    assert household.annual_income == Decimal("80000")
    assert household.debts == Decimal("12000")  # not asked again: kept


def test_the_next_round_is_due_six_months_after_the_last(settings):
    settings.KUSEAW_ASSESSMENT_MONTHS = 6
    assert rules.next_round_due(dt.date(2024, 1, 15), None) == dt.date(2024, 1, 15)
    assert rules.next_round_due(dt.date(2024, 1, 15), dt.date(2024, 8, 31)) == dt.date(2025, 2, 28)
    settings.KUSEAW_ASSESSMENT_MONTHS = 3
    assert rules.next_round_due(dt.date(2024, 1, 15), dt.date(2023, 11, 30)) == dt.date(2024, 2, 29)


def test_another_households_member_is_not_asked(household, buddy):
    other = f.MemberFactory()  # of another household

    round_, _ = start(household, buddy)

    members = {m for _, m in services.questions_for(round_, "health") if m is not None}
    assert other not in members and members == {household.members.get()}
