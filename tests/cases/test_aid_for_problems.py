"""Aid recorded against the household's problems: one aid record can serve several of them,
never a problem of another household."""

import datetime as dt
import uuid
from decimal import Decimal

import pytest

from households.cases import services
from households.cases.services import CasePlanError
from households.models import AidCategory, AidRecord
from households.services import CaseFileError, aid_record
from tests import factories as f
from tests.cases.factories import ProblemFactory


def aid_data(**overrides):
    data = {
        "category": AidCategory.CAREER,
        "title": "พันธุ์ไก่ไข่ 20 ตัวพร้อมอาหาร",
        "partner": "มูลนิธิชุมชนขอนแก่น",
        "given_on": dt.date(2024, 5, 1),
        "value": Decimal("3500"),
    }
    return {**data, **overrides}


def test_one_aid_record_serves_several_problems(household, buddy):
    income = ProblemFactory(household=household, dimension="income", title="ไม่มีอาชีพเสริม")
    food = ProblemFactory(household=household, dimension="health", title="อาหารไม่พอ")
    ProblemFactory(household=household, title="หนี้นอกระบบ")  # not this aid's

    aid, created = aid_record(
        household=household, data=aid_data(problems=[income, food]), by=buddy.user
    )

    assert created
    assert set(aid.problems.all()) == {income, food}
    assert list(income.aid_records.all()) == [aid]


def test_aid_cannot_serve_another_households_problem(household):
    theirs = ProblemFactory()  # of another household
    ours = ProblemFactory(household=household)

    with pytest.raises(CaseFileError, match="^ปัญหาที่เลือกต้องเป็นของครัวเรือนนี้$"):
        aid_record(household=household, data=aid_data(problems=[ours, theirs]))
    assert not AidRecord.objects.exists()
    assert not ours.aid_records.exists()


def test_aid_for_no_problem_is_still_recorded(household):
    aid, _ = aid_record(household=household, data=aid_data(problems=[]))

    assert aid.household == household and not aid.problems.exists()


def test_a_resent_aid_form_links_its_problems_once(household):
    problem = ProblemFactory(household=household)
    token = uuid.uuid4()

    first, _ = aid_record(household=household, data=aid_data(problems=[problem]), token=token)
    again, created = aid_record(household=household, data=aid_data(problems=[problem]), token=token)

    assert (again, created) == (first, False)
    assert AidRecord.objects.count() == 1
    assert problem.aid_records.count() == 1


def test_aid_already_given_can_be_linked_to_problems_later(household):
    aid = f.AidRecordFactory(household=household)
    problem = ProblemFactory(household=household)

    services.aid_link_problems(aid=aid, problems=[problem])

    assert list(aid.problems.all()) == [problem]
    with pytest.raises(CasePlanError, match="ปัญหาที่เลือกต้องเป็นของครัวเรือนนี้"):
        services.aid_link_problems(aid=aid, problems=[ProblemFactory()])
    assert aid.problems.count() == 1
