"""Per-member indicators are asked only about the members they fit on the round's date
(rules.fits); household indicators once; the income line is never asked."""

import datetime as dt

import pytest

from households.cases import rules, services
from households.cases.models import AppliesTo
from households.models import Education
from tests import factories as f

ON = dt.date(2026, 6, 1)


def aged(years: int, **fields):
    """A member (not saved) who turns `years` on ON."""
    return f.MemberFactory.build(birth_date=dt.date(ON.year - years, ON.month, ON.day), **fields)


@pytest.mark.parametrize(
    ("applies_to", "age", "asked"),
    [
        (AppliesTo.BORN_LAST_YEAR, 0, True),
        (AppliesTo.BORN_LAST_YEAR, 1, False),
        (AppliesTo.AGED_3_5, 2, False),
        (AppliesTo.AGED_3_5, 3, True),
        (AppliesTo.AGED_3_5, 5, True),
        (AppliesTo.AGED_3_5, 6, False),
        (AppliesTo.AGED_6_14, 5, False),
        (AppliesTo.AGED_6_14, 6, True),
        (AppliesTo.AGED_6_14, 14, True),
        (AppliesTo.AGED_6_14, 15, False),
        (AppliesTo.AGED_6_PLUS, 5, False),
        (AppliesTo.AGED_6_PLUS, 6, True),
        (AppliesTo.AGED_6_PLUS, 90, True),
        (AppliesTo.AGED_15_59, 14, False),
        (AppliesTo.AGED_15_59, 15, True),
        (AppliesTo.AGED_15_59, 59, True),
        (AppliesTo.AGED_15_59, 60, False),
        (AppliesTo.AGED_60_PLUS, 59, False),
        (AppliesTo.AGED_60_PLUS, 60, True),
    ],
)
def test_age_groups_include_both_ends(applies_to, age, asked):
    assert rules.fits(applies_to, aged(age), ON) is asked


def test_a_child_moves_up_an_age_group_on_their_birthday():
    child = aged(6)

    day_before = ON - dt.timedelta(days=1)
    assert rules.fits(AppliesTo.AGED_3_5, child, day_before)
    assert not rules.fits(AppliesTo.AGED_6_14, child, day_before)
    assert not rules.fits(AppliesTo.AGED_3_5, child, ON)
    assert rules.fits(AppliesTo.AGED_6_14, child, ON)


@pytest.mark.parametrize("applies_to", [k for k in AppliesTo if k != AppliesTo.DISABLED])
def test_without_a_birth_date_no_age_group_is_asked(applies_to):
    member = f.MemberFactory.build(birth_date=None, education=Education.LOWER_SECONDARY)

    assert rules.fits(applies_to, member, ON) is False


@pytest.mark.parametrize(
    ("disability", "asked"), [("", False), ("   ", False), ("ตาบอดข้างหนึ่ง", True)]
)
def test_the_disability_indicator_is_asked_of_members_with_a_disability(disability, asked):
    assert rules.fits(AppliesTo.DISABLED, aged(40, disability=disability), ON) is asked
    no_birth_date = f.MemberFactory.build(birth_date=None, disability=disability)
    assert rules.fits(AppliesTo.DISABLED, no_birth_date, ON) is asked


@pytest.mark.parametrize(
    ("education", "age", "asked"),
    [
        (Education.LOWER_SECONDARY, 15, True),
        (Education.LOWER_SECONDARY, 18, True),
        (Education.LOWER_SECONDARY, 19, False),
        (Education.PRIMARY, 15, False),
        (Education.UPPER_SECONDARY, 17, False),
        ("", 16, False),
    ],
)
def test_going_on_to_m4_is_asked_of_those_who_finished_m3_up_to_18(education, age, asked):
    assert rules.fits(AppliesTo.FINISHED_M3, aged(age, education=education), ON) is asked


def test_a_household_indicator_is_never_asked_per_member():
    assert rules.fits(AppliesTo.HOUSEHOLD, aged(40), ON) is False


# -- what a round's steps ask -------------------------------------------------------------
@pytest.fixture
def family(household):
    """The head (49 on 1 June 2024) and, on that day: a baby of 5 months, a child of 4, a
    child of 10, a grandmother of 65 with a disability, and an uncle who moved away."""
    members = {"head": household.members.get()}
    born = {
        "baby": dt.date(2024, 1, 1),
        "small": dt.date(2020, 3, 1),
        "pupil": dt.date(2014, 2, 1),
        "grandma": dt.date(1959, 1, 1),
        "uncle": dt.date(1990, 1, 1),
    }
    for name, birth_date in born.items():
        members[name] = f.MemberFactory(
            household=household,
            first_name=name,
            birth_date=birth_date,
            is_head=False,
            relation="relative",
            disability="เดินไม่ได้" if name == "grandma" else "",
            left_on=dt.date(2024, 2, 1) if name == "uncle" else None,
        )
    return members


def asked_in(round_, dimension):
    return [
        (ind.code, member.first_name if member else None)
        for ind, member in services.questions_for(round_, dimension)
    ]


def test_each_step_asks_per_member_indicators_only_of_the_members_they_fit(
    household, buddy, family
):
    round_, _ = services.round_start(
        household=household, official=buddy, assessed_on=dt.date(2024, 6, 1)
    )

    assert asked_in(round_, "health") == [
        ("H1", "baby"),
        ("H2", None),
        ("H3", None),
        ("H4", "สมชาย"),
        ("H4", "grandma"),
        ("H4", "pupil"),
    ]
    assert asked_in(round_, "education") == [("E1", "small"), ("E2", "pupil"), ("E4", "สมชาย")]
    assert asked_in(round_, "income") == [("I1", "สมชาย"), ("I2", "grandma")]
    assert asked_in(round_, "public_services") == [("A1", "grandma"), ("A2", "grandma")]


def test_the_members_ages_are_taken_on_the_rounds_date(household, buddy, family):
    round_, _ = services.round_start(
        household=household, official=buddy, assessed_on=dt.date(2024, 6, 1)
    )
    services.round_save_figures(
        round_=round_, assessed_on=dt.date(2026, 3, 1), members=5, annual_income=200000
    )

    # On 1 March 2026 the baby is two and the small child has just turned six.
    assert asked_in(round_, "health") == [
        ("H2", None),
        ("H3", None),
        ("H4", "สมชาย"),
        ("H4", "grandma"),
        ("H4", "pupil"),
        ("H4", "small"),
    ]
    assert asked_in(round_, "education") == [("E2", "pupil"), ("E2", "small"), ("E4", "สมชาย")]
