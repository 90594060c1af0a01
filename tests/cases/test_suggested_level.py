"""The level the app suggests for a round (rules.suggested_level), and the income indicator
answered from the round's figures against the จปฐ. line in force on the round's date."""

import datetime as dt
from decimal import Decimal

import pytest

from households.cases import rules, services
from households.cases.models import AnswerValue, RoundStatus
from households.models import PovertyLevel
from tests import factories as f
from tests.cases.factories import answer_all, assess

LINE = 38000  # baht per person per year
# Two people: the line is 76,000 baht a year for the household, half of it 38,000.
MEMBERS = 2


@pytest.mark.parametrize(
    ("income", "unmet", "level"),
    [
        (Decimal("0"), 0, PovertyLevel.STRUGGLING),
        (Decimal("37999.99"), 0, PovertyLevel.STRUGGLING),  # under half the line
        (Decimal("38000"), 0, PovertyLevel.HARD),  # exactly half the line
        (Decimal("38000"), rules.STRUGGLING_UNMET - 1, PovertyLevel.HARD),
        (Decimal("38000"), rules.STRUGGLING_UNMET, PovertyLevel.STRUGGLING),
        (Decimal("75999.99"), 0, PovertyLevel.HARD),
        (Decimal("75999.99"), rules.STRUGGLING_UNMET, PovertyLevel.STRUGGLING),
        (Decimal("76000"), 0, PovertyLevel.WELL),  # exactly the line
        (Decimal("76000"), 1, PovertyLevel.GETTING_BY),
        (Decimal("76000"), rules.STRUGGLING_UNMET + 3, PovertyLevel.GETTING_BY),
        (Decimal("500000"), 0, PovertyLevel.WELL),
    ],
)
def test_the_suggested_level_from_income_against_the_line_and_unmet_indicators(
    income, unmet, level
):
    assert rules.suggested_level(income, MEMBERS, LINE, unmet) == level


@pytest.mark.parametrize(("income", "members"), [(None, 2), (Decimal("90000"), 0)])
def test_without_an_income_per_person_the_household_is_struggling(income, members):
    assert rules.suggested_level(income, members, LINE, 0) == PovertyLevel.STRUGGLING


def test_reaching_the_line_is_income_at_or_above_line_times_members():
    assert rules.reaches_line(Decimal("76000"), 2, LINE)
    assert not rules.reaches_line(Decimal("75999.99"), 2, LINE)
    assert not rules.reaches_line(Decimal("76000"), 0, LINE)
    assert not rules.reaches_line(None, 2, LINE)
    assert rules.income_per_person(Decimal("100000"), 3) == Decimal("33333.33")


# -- in a round ---------------------------------------------------------------------------
@pytest.fixture
def three_people(household):
    """The head and two school children (8 and 10 in 2024): each of the three is asked H4,
    the children E2."""
    for born in (dt.date(2016, 1, 1), dt.date(2014, 1, 1)):
        f.MemberFactory(household=household, birth_date=born, is_head=False, relation="child")
    return household


def figures_done(household, buddy, income, *, on=dt.date(2024, 6, 1), members=3):
    round_, _ = services.round_start(household=household, official=buddy, assessed_on=on)
    services.round_save_figures(
        round_=round_, assessed_on=on, members=members, annual_income=income
    )
    return round_


def test_the_round_counts_unmet_indicators_not_answers_and_leaves_income_aside(
    three_people, buddy, settings
):
    settings.KUSEAW_JPT_INCOME_THRESHOLDS = [(dt.date(2017, 1, 1), LINE)]
    # 60,000 baht for three: 20,000 each, over half the line and under it; I3 is not met.
    round_ = figures_done(three_people, buddy, Decimal("60000"))

    # Seven unmet answers, but only four indicators: H4 (three people), E2 (two), L1, L2.
    answer_all(round_, not_met={"H4", "E2", "L1", "L2"})
    assert round_.answers.filter(value=AnswerValue.NOT_MET).count() == 8  # with I3
    assert services.round_suggested_level(round_) == PovertyLevel.HARD

    answer_all(round_, not_met={"H4", "E2", "L1", "L2", "L3"})
    assert services.round_suggested_level(round_) == PovertyLevel.STRUGGLING


def test_at_exactly_the_line_the_income_indicator_is_met(three_people, buddy, settings):
    settings.KUSEAW_JPT_INCOME_THRESHOLDS = [(dt.date(2017, 1, 1), LINE)]
    round_ = figures_done(three_people, buddy, Decimal(3 * LINE))

    i3 = round_.answers.get(indicator__code="I3")
    assert i3.value == AnswerValue.MET
    assert i3.note == "รายได้ต่อคนต่อปี 38,000.00 บาท"
    answer_all(round_)
    assert services.round_suggested_level(round_) == PovertyLevel.WELL


def test_the_income_indicator_follows_the_figures_when_they_change(household, buddy):
    round_ = figures_done(household, buddy, Decimal("100000"), members=2)
    assert round_.answers.get(indicator__code="I3").value == AnswerValue.MET

    services.round_save_figures(
        round_=round_, assessed_on=dt.date(2024, 6, 1), members=4, annual_income=100000
    )

    assert round_.answers.filter(indicator__code="I3").count() == 1
    assert round_.answers.get(indicator__code="I3").value == AnswerValue.NOT_MET


def test_each_round_is_judged_by_the_line_in_force_on_its_date(household, buddy, settings):
    settings.KUSEAW_JPT_INCOME_THRESHOLDS = [
        (dt.date(2012, 1, 1), 30000),
        (dt.date(2025, 1, 1), 38000),
    ]
    # 70,000 baht for two: 35,000 each, over the old line and under the new one.
    before = assess(household, buddy, dt.date(2024, 12, 31), members=2, income=70000)
    after = assess(household, buddy, dt.date(2025, 1, 1), members=2, income=70000)

    assert (before.threshold, after.threshold) == (30000, 38000)
    assert before.answers.get(indicator__code="I3").value == AnswerValue.MET
    assert after.answers.get(indicator__code="I3").value == AnswerValue.NOT_MET
    assert (before.suggested_level, after.suggested_level) == (
        PovertyLevel.WELL,
        PovertyLevel.HARD,
    )
    assert before.status == after.status == RoundStatus.COMPLETE
    assert household.problems.open().filter(indicator__code="I3", found_in=after).count() == 1
