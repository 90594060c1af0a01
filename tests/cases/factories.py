"""Case-plan factories, and `assess`: a whole round played through the services, step by
step, as a buddy types it on the phone."""

import datetime as dt
import uuid
from decimal import Decimal

import factory

from agencies.models import Need
from households.cases import services
from households.cases.models import (
    Action,
    AnswerValue,
    CapitalKind,
    Indicator,
    OwnerKind,
    Problem,
    Round,
)
from tests.factories import HouseholdFactory


def indicator(code: str) -> Indicator:
    """One of the 17 indicators the data migration loaded from the shared file."""
    return Indicator.objects.get(code=code)


class ProblemFactory(factory.django.DjangoModelFactory):
    """A problem the buddy named (no indicator)."""

    class Meta:
        model = Problem

    household = factory.SubFactory(HouseholdFactory)
    dimension = Need.INCOME
    title = "ไม่มีรายได้ประจำ"
    opened_on = dt.date(2024, 3, 1)


class ActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Action

    problem = factory.SubFactory(ProblemFactory)
    what = "ไปสมัครงานที่สำนักงานจัดหางานจังหวัด"
    owner_kind = OwnerKind.HOUSEHOLD
    due_on = dt.date(2024, 4, 1)


def _answer(question, not_met, not_applicable) -> str:
    indicator_, member = question
    if indicator_.code in not_met or (indicator_.code, member) in not_met:
        return AnswerValue.NOT_MET
    if indicator_.code in not_applicable or (indicator_.code, member) in not_applicable:
        return AnswerValue.NOT_APPLICABLE
    return AnswerValue.MET


def answer_all(round_: Round, *, not_met=(), not_applicable=()) -> Round:
    """Save every dimension's step: each question met unless its indicator's code (or the
    pair (code, member)) is in `not_met` or `not_applicable`."""
    for dimension in Need.values:
        answers = [
            (ind, member, _answer((ind, member), not_met, not_applicable), "")
            for ind, member in services.questions_for(round_, dimension)
        ]
        services.round_save_answers(round_=round_, dimension=dimension, answers=answers)
    return round_


def assess(
    household,
    official,
    on: dt.date,
    *,
    members: int = 2,
    income=Decimal("100000"),
    debts=None,
    not_met=(),
    not_applicable=(),
    level: int | None = None,
    reason: str = "",
    complete: bool = True,
    by=None,
) -> Round:
    """Start a round, save its figures, every dimension and the five capitals, and (unless
    `complete` is False) complete it at `level` (the suggested level by default)."""
    round_, _ = services.round_start(
        household=household, official=official, assessed_on=on, token=uuid.uuid4(), by=by
    )
    services.round_save_figures(
        round_=round_, assessed_on=on, members=members, annual_income=income, debts=debts
    )
    answer_all(round_, not_met=not_met, not_applicable=not_applicable)
    services.round_save_capitals(
        round_=round_, capitals={kind: {"score": 3, "items": ""} for kind in CapitalKind.values}
    )
    if complete:
        chosen = services.round_suggested_level(round_) if level is None else level
        services.round_complete(round_=round_, level=chosen, reason=reason, by=by)
    round_.refresh_from_db()
    return round_
