"""A household in the programme with its buddy, as most case-plan tests start."""

import datetime as dt

import pytest

from tests import factories as f

JOINED_ON = dt.date(2024, 1, 15)
PAIRED_ON = dt.date(2024, 2, 1)


@pytest.fixture
def buddy(official_a):
    """official-a, the household's buddy since 1 February 2024."""
    return official_a


@pytest.fixture
def household(buddy):
    """A household that joined on 15 January 2024, its head (born 1 May 1975) its only
    member so far, paired with `buddy`."""
    household = f.HouseholdFactory(joined_on=JOINED_ON)
    f.PairingFactory(official=buddy, household=household, started_on=PAIRED_ON)
    f.MemberFactory(household=household, first_name="สมชาย")
    return household
