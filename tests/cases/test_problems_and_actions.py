"""The household's plan: an unmet indicator makes a problem (for the household or one
member), a later round that finds it met solves it and says who solved it; the buddy's own
problems, closing them, and the actions that solve them."""

import datetime as dt
import uuid

import pytest

from households.cases import rules, services
from households.cases.models import (
    Action,
    ActionStatus,
    OwnerKind,
    Problem,
    ProblemStatus,
    SolvedBy,
)
from households.cases.services import CasePlanError
from households.models import AidStatus
from tests import factories as f
from tests.cases.factories import ActionFactory, ProblemFactory, assess, indicator

MARCH = dt.date(2024, 3, 1)
SEPTEMBER = dt.date(2024, 9, 1)
NEXT_MARCH = dt.date(2025, 3, 1)


def test_an_unmet_household_indicator_becomes_a_problem(household, buddy):
    round_ = assess(household, buddy, MARCH, not_met={"L1"}, by=buddy.user)

    problem = household.problems.get()
    l1 = indicator("L1")
    assert (problem.indicator, problem.member, problem.dimension) == (l1, None, "living")
    assert problem.title == l1.text
    assert (problem.status, problem.found_in, problem.opened_on) == (
        ProblemStatus.OPEN,
        round_,
        MARCH,
    )
    assert problem.created_by == buddy.user


def test_a_per_member_indicator_is_a_problem_of_each_member_who_did_not_meet_it(household, buddy):
    head = household.members.get()
    pupils = [
        f.MemberFactory(household=household, birth_date=born, is_head=False, relation="child")
        for born in (dt.date(2014, 1, 1), dt.date(2016, 1, 1))
    ]

    assess(household, buddy, MARCH, not_met={("E2", pupils[1]), ("I1", head)})

    problems = household.problems.order_by("indicator__order")
    assert [(p.indicator.code, p.member) for p in problems] == [
        ("E2", pupils[1]),
        ("I1", head),
    ]
    assert problems[0].dimension == "education"


def test_met_and_not_applicable_answers_make_no_problem(household, buddy):
    assess(household, buddy, MARCH, not_applicable={"H4"})

    assert not household.problems.exists()


def test_found_unmet_again_it_stays_one_open_problem(household, buddy):
    first = assess(household, buddy, MARCH, not_met={"L1"})
    assess(household, buddy, SEPTEMBER, not_met={"L1"})

    problem = household.problems.get()
    assert problem.status == ProblemStatus.OPEN
    assert problem.found_in == first


def test_a_later_round_that_finds_it_met_solves_it_by_the_household_itself(household, buddy):
    assess(household, buddy, MARCH, not_met={"L1"})
    later = assess(household, buddy, SEPTEMBER)

    problem = household.problems.get()
    assert problem.status == ProblemStatus.SOLVED
    assert problem.solved_by == SolvedBy.HOUSEHOLD
    assert (problem.solved_in, problem.closed_on) == (later, SEPTEMBER)


def test_not_applicable_in_a_later_round_leaves_the_problem_open(household, buddy):
    assess(household, buddy, MARCH, not_met={"L1"})
    assess(household, buddy, SEPTEMBER, not_applicable={"L1"})

    assert household.problems.get().status == ProblemStatus.OPEN


def test_a_done_action_means_the_programme_solved_it(household, buddy):
    assess(household, buddy, MARCH, not_met={"L1"})
    problem = household.problems.get()
    ActionFactory(problem=problem, status=ActionStatus.DONE, done_on=dt.date(2024, 5, 1))

    assess(household, buddy, SEPTEMBER)

    problem.refresh_from_db()
    assert (problem.status, problem.solved_by) == (ProblemStatus.SOLVED, SolvedBy.PROGRAMME)


def test_aid_given_for_it_means_the_programme_solved_it(household, buddy):
    assess(household, buddy, MARCH, not_met={"L1"})
    problem = household.problems.get()
    problem.aid_records.add(f.AidRecordFactory(household=household, title="สังกะสีมุงหลังคา"))

    assess(household, buddy, SEPTEMBER)

    problem.refresh_from_db()
    assert problem.solved_by == SolvedBy.PROGRAMME


def test_cancelled_aid_and_actions_not_done_do_not_count_as_help(household, buddy):
    assess(household, buddy, MARCH, not_met={"L1"})
    problem = household.problems.get()
    problem.aid_records.add(f.AidRecordFactory(household=household, status=AidStatus.CANCELLED))
    ActionFactory(problem=problem, status=ActionStatus.NOT_POSSIBLE)
    planned = ActionFactory(problem=problem, status=ActionStatus.PLANNED)

    assess(household, buddy, SEPTEMBER)

    problem.refresh_from_db()
    assert problem.solved_by == SolvedBy.HOUSEHOLD
    # What was still planned was not done by anyone: it is closed, not recorded as done.
    planned.refresh_from_db()
    assert planned.status == ActionStatus.NOT_POSSIBLE
    assert planned.done_on is None
    assert not problem.actions.filter(status=ActionStatus.DONE).exists()


def test_solved_by_says_programme_only_when_it_helped():
    assert rules.solved_by(helped=True) == SolvedBy.PROGRAMME
    assert rules.solved_by(helped=False) == SolvedBy.HOUSEHOLD


def test_solved_and_unmet_again_it_is_a_new_problem(household, buddy):
    assess(household, buddy, MARCH, not_met={"L1"})
    assess(household, buddy, SEPTEMBER)
    third = assess(household, buddy, NEXT_MARCH, not_met={"L1"})

    assert household.problems.filter(status=ProblemStatus.SOLVED).count() == 1
    assert household.problems.open().get().found_in == third


# -- the buddy's own problems, and closing them ---------------------------------------------
def test_the_buddy_names_a_problem_of_their_own(household, buddy):
    head = household.members.get()

    problem = services.problem_add(
        household=household,
        dimension="income",
        title="  หนี้นอกระบบดอกเบี้ยสูง  ",
        member=head,
        by=buddy.user,
    )

    assert (problem.title, problem.member, problem.indicator) == ("หนี้นอกระบบดอกเบี้ยสูง", head, None)
    assert problem.status == ProblemStatus.OPEN


def test_a_problem_cannot_name_another_households_member(household):
    with pytest.raises(CasePlanError, match="สมาชิกต้องอยู่ในครัวเรือนนี้"):
        services.problem_add(
            household=household, dimension="health", title="ป่วย", member=f.MemberFactory()
        )
    assert not Problem.objects.exists()


def test_marking_a_problem_solved_says_by_whom(household):
    problem = ProblemFactory(household=household)

    with pytest.raises(CasePlanError, match="กรุณาระบุว่าแก้ได้ด้วยความช่วยเหลือของโครงการ"):
        services.problem_close(problem=problem, status=ProblemStatus.SOLVED)
    with pytest.raises(CasePlanError, match="สถานะไม่ถูกต้อง"):
        services.problem_close(problem=problem, status=ProblemStatus.OPEN)
    services.problem_close(
        problem=problem,
        status=ProblemStatus.SOLVED,
        solved_by=SolvedBy.HOUSEHOLD,
        note="ลูกชายได้งานประจำ",
        on=dt.date(2024, 6, 1),
    )

    problem.refresh_from_db()
    assert (problem.status, problem.solved_by, problem.closed_on) == (
        ProblemStatus.SOLVED,
        SolvedBy.HOUSEHOLD,
        dt.date(2024, 6, 1),
    )
    assert problem.note == "ลูกชายได้งานประจำ"
    with pytest.raises(CasePlanError, match="ปัญหานี้ปิดไปแล้ว"):
        services.problem_close(problem=problem, status=ProblemStatus.NOT_POSSIBLE)


def test_a_problem_that_cannot_be_solved_closes_its_open_actions(household):
    problem = ProblemFactory(household=household)
    action = ActionFactory(problem=problem, status=ActionStatus.IN_PROGRESS)

    services.problem_close(problem=problem, status=ProblemStatus.NOT_POSSIBLE, solved_by="x")

    problem.refresh_from_db()
    action.refresh_from_db()
    assert (problem.status, problem.solved_by) == (ProblemStatus.NOT_POSSIBLE, "")
    assert action.status == ActionStatus.NOT_POSSIBLE


def test_a_reopened_problem_is_open_again(household):
    problem = ProblemFactory(household=household)
    services.problem_close(problem=problem, status=ProblemStatus.SOLVED, solved_by="programme")

    services.problem_reopen(problem=problem, note="กลับมาเป็นหนี้อีก")

    problem.refresh_from_db()
    assert (problem.status, problem.solved_by, problem.closed_on) == (ProblemStatus.OPEN, "", None)


# -- actions --------------------------------------------------------------------------------
def action_data(**overrides):
    data = {
        "what": "ขึ้นทะเบียนบัตรสวัสดิการแห่งรัฐ",
        "owner_kind": OwnerKind.HOUSEHOLD,
        "agency": None,
        "partner": "",
        "due_on": dt.date(2024, 4, 30),
    }
    return {**data, **overrides}


def test_an_agency_action_needs_the_agency(household, agency_a):
    problem = ProblemFactory(household=household)

    with pytest.raises(CasePlanError, match="^กรุณาเลือกหน่วยงานที่รับผิดชอบ$"):
        services.action_add(problem=problem, data=action_data(owner_kind=OwnerKind.AGENCY))
    action, created = services.action_add(
        problem=problem, data=action_data(owner_kind=OwnerKind.AGENCY, agency=agency_a)
    )

    assert created and action.owner == str(agency_a)


def test_a_partner_action_needs_the_partners_name(household):
    problem = ProblemFactory(household=household)

    with pytest.raises(CasePlanError, match="^กรุณาระบุชื่อภาคีเครือข่ายที่รับผิดชอบ$"):
        services.action_add(
            problem=problem, data=action_data(owner_kind=OwnerKind.PARTNER, partner="   ")
        )
    action, _ = services.action_add(
        problem=problem,
        data=action_data(owner_kind=OwnerKind.PARTNER, partner="มหาวิทยาลัยขอนแก่น"),
    )

    assert action.owner == "มหาวิทยาลัยขอนแก่น"


def test_an_owner_keeps_only_its_own_name(household, agency_a):
    problem = ProblemFactory(household=household)

    action, _ = services.action_add(
        problem=problem,
        data=action_data(owner_kind=OwnerKind.HOUSEHOLD, agency=agency_a, partner="ใครก็ได้"),
    )

    assert (action.agency, action.partner, action.owner) == (None, "", "ครัวเรือนเอง")


def test_a_closed_problem_takes_no_new_action(household):
    problem = ProblemFactory(household=household)
    services.problem_close(problem=problem, status=ProblemStatus.SOLVED, solved_by="household")

    with pytest.raises(CasePlanError, match="^ปัญหานี้ปิดไปแล้ว เพิ่มกิจกรรมไม่ได้$"):
        services.action_add(problem=problem, data=action_data())
    assert not problem.actions.exists()


def test_a_resent_action_form_adds_one_action(household):
    problem = ProblemFactory(household=household)
    token = uuid.uuid4()

    first, created = services.action_add(problem=problem, data=action_data(), token=token)
    again, created_again = services.action_add(problem=problem, data=action_data(), token=token)

    assert (created, created_again, again) == (True, False, first)
    assert problem.actions.count() == 1


def test_moving_an_action_along(household):
    action = ActionFactory(problem=ProblemFactory(household=household))

    services.action_update(action=action, status=ActionStatus.DONE, note="ได้บัตรแล้ว")
    action.refresh_from_db()
    assert action.status == ActionStatus.DONE and action.done_on is not None
    assert action.note == "ได้บัตรแล้ว"

    services.action_update(action=action, status=ActionStatus.IN_PROGRESS)
    action.refresh_from_db()
    assert action.done_on is None and action.note == "ได้บัตรแล้ว"

    with pytest.raises(CasePlanError, match="สถานะไม่ถูกต้อง"):
        services.action_update(action=action, status="forgotten")


def test_open_actions_past_their_due_date_are_overdue(household):
    problem = ProblemFactory(household=household)
    today = dt.date(2024, 6, 1)
    yesterday = today - dt.timedelta(days=1)
    late = [
        ActionFactory(problem=problem, due_on=yesterday, status=ActionStatus.PLANNED),
        ActionFactory(problem=problem, due_on=yesterday, status=ActionStatus.IN_PROGRESS),
    ]
    ActionFactory(problem=problem, due_on=today, status=ActionStatus.PLANNED)  # due today
    ActionFactory(problem=problem, due_on=yesterday, status=ActionStatus.DONE)
    ActionFactory(problem=problem, due_on=yesterday, status=ActionStatus.NOT_POSSIBLE)

    assert set(Action.objects.overdue(today)) == set(late)
    assert Action.objects.open().count() == 3
