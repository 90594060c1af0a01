"""Actions overdue by their owner, for every kind of scope the progress page has (the whole
province, a district, a coordinator, the agency filter), equal the open and overdue actions
counted from the actions of the households in that scope; and an action falls overdue as
the days pass, with nothing written."""

import datetime as dt
from collections import Counter

import pytest

from households.cases.models import Action, OwnerKind
from households.dashboards import case_plans
from households.dashboards.filters import PlanFilterForm
from households.dashboards.scope import scope_for

pytestmark = pytest.mark.django_db


def filters_for(user, **params):
    form = PlanFilterForm(params or None, scope=scope_for(user))
    filters = form.filters()
    assert filters is not None, form.errors
    return filters


def by_owner(rows) -> dict:
    return {row.owner: (row.open, row.overdue) for row in rows if row.open}


def counted_from_actions(filters, today) -> dict:
    """(open, overdue) per owner, from Action.objects.open and .overdue themselves."""
    households = case_plans.plan_households(filters)
    actions = Action.objects.filter(problem__household__in=households).select_related("agency")
    open_, overdue = Counter(), Counter()
    for action in actions.open():
        owner = str(action.agency) if action.owner_kind == OwnerKind.AGENCY else None
        open_[owner or OwnerKind(action.owner_kind).label] += 1
    for action in actions.overdue(today):
        owner = str(action.agency) if action.owner_kind == OwnerKind.AGENCY else None
        overdue[owner or OwnerKind(action.owner_kind).label] += 1
    return {owner: (n, overdue[owner]) for owner, n in open_.items()}


@pytest.mark.parametrize(
    ("user", "params"),
    [
        ("province_viewer", {}),
        ("province_viewer", {"district": "4010"}),
        ("province_viewer", {"agency": "CDD"}),
        ("province_viewer", {"agency": "DOE"}),
        ("district_staff", {}),
        ("coordinator_a", {}),
    ],
)
def test_each_scope_counts_the_actions_of_its_households(plans, request, user, params):
    filters = filters_for(request.getfixturevalue(user), **params)

    rows = case_plans.progress(filters, today=plans.today).overdue

    assert by_owner(rows) == counted_from_actions(filters, plans.today)


def test_a_coordinator_sees_the_actions_of_the_households_of_their_agencys_buddies(
    plans, coordinator_a
):
    rows = case_plans.progress(filters_for(coordinator_a), today=plans.today).overdue

    # H1 and H2, official A's: H1's agency action overdue, its own due in 10 days; H2's
    # partner overdue since yesterday.
    assert by_owner(rows) == {
        str(plans.agency_a): (1, 1),
        "ภาคีเครือข่าย": (1, 1),
        "ครัวเรือนเอง": (1, 0),
    }


def test_open_actions_fall_overdue_as_the_days_pass(plans, province_viewer):
    filters = filters_for(province_viewer)
    later = plans.today + dt.timedelta(days=11)  # past every open action's due date

    rows = case_plans.overdue_actions(filters, today=later)

    assert all(row.overdue == row.open for row in rows)
    assert sum(row.overdue for row in rows) == Action.objects.overdue(later).count() == 6
