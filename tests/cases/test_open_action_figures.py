"""The open actions the database keeps counted per household, owner and due date for the
case-plan dashboards (households.cases.models.OpenActionFigures) equal those counted from
the actions themselves, after every kind of write the app and its imports make: actions
added, started, done, rescheduled, handed to another owner, moved to another problem and
deleted, one by one or in bulk; problems moved to another household and deleted with their
actions, in either order within one transaction; households deleted; tables emptied."""

import datetime as dt
import random
from collections import Counter

import pytest
from django.db import connection, transaction

from households.cases.models import (
    Action,
    ActionStatus,
    OpenActionFigures,
    OwnerKind,
    Problem,
)
from households.models import Household
from tests import factories as f
from tests.cases.factories import ActionFactory, ProblemFactory

pytestmark = pytest.mark.django_db

DAY = dt.date(2024, 4, 1)


def counted_from_rows() -> dict:
    """The rule, spelled out again in Python: the open actions of each household's
    problems, by owner kind, the agency for the kind agency, and due date."""
    counts = Counter()
    for action in Action.objects.select_related("problem"):
        if action.is_open:
            agency = action.agency_id if action.owner_kind == OwnerKind.AGENCY else None
            counts[(action.problem.household_id, action.owner_kind, agency, action.due_on)] += 1
    return dict(counts)


def kept() -> dict:
    return {
        (row.household_id, row.owner_kind, row.agency_id, row.due_on): row.actions
        for row in OpenActionFigures.objects.all()
    }


def owned_by(rng, agencies) -> dict:
    """An owner as the form takes it: an agency, a named partner, or the household."""
    kind = rng.choice(OwnerKind.values)
    return {
        "owner_kind": kind,
        "agency": rng.choice(agencies) if kind == OwnerKind.AGENCY else None,
        "partner": "มูลนิธิเพื่อนบ้าน" if kind == OwnerKind.PARTNER else "",
    }


def test_a_buddy_planning_and_finishing_actions_of_one_household(agency_a):
    household = f.HouseholdFactory()
    problem = ProblemFactory(household=household)
    first = ActionFactory(problem=problem, owner_kind=OwnerKind.AGENCY, agency=agency_a)
    ActionFactory(problem=problem, owner_kind=OwnerKind.AGENCY, agency=agency_a)
    ActionFactory(problem=problem, due_on=DAY + dt.timedelta(days=30))
    assert kept() == {
        (household.pk, OwnerKind.AGENCY, agency_a.pk, DAY): 2,
        (household.pk, OwnerKind.HOUSEHOLD, None, DAY + dt.timedelta(days=30)): 1,
    }

    first.status = ActionStatus.IN_PROGRESS  # still open
    first.save()
    assert kept()[(household.pk, OwnerKind.AGENCY, agency_a.pk, DAY)] == 2

    first.status, first.done_on = ActionStatus.DONE, DAY
    first.save()
    assert kept()[(household.pk, OwnerKind.AGENCY, agency_a.pk, DAY)] == 1

    Action.objects.filter(problem=problem).update(status=ActionStatus.NOT_POSSIBLE)
    assert kept() == {}


def test_a_note_edited_on_an_action_rewrites_nothing_kept():
    action = ActionFactory()
    before = list(OpenActionFigures.objects.values_list("pk", "actions"))
    Action.objects.filter(pk=action.pk).update(note="โทรนัดแล้ว", what="ไปสมัครงานอีกครั้ง")
    assert list(OpenActionFigures.objects.values_list("pk", "actions")) == before


def test_a_problem_deleted_before_its_actions_in_one_transaction():
    problem = ActionFactory().problem
    ActionFactory(problem=ProblemFactory(household=problem.household))
    with transaction.atomic(), connection.cursor() as cursor:
        # The foreign keys are checked at commit: a data fix may delete in this order.
        cursor.execute("DELETE FROM households_cases_problem WHERE id = %s", [problem.pk])
        assert kept() == counted_from_rows()
        cursor.execute("DELETE FROM households_cases_action WHERE problem_id = %s", [problem.pk])
    assert sum(kept().values()) == 1
    assert kept() == counted_from_rows()


def test_an_action_written_before_its_problem_in_one_transaction():
    household = f.HouseholdFactory()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT nextval(pg_get_serial_sequence('households_cases_problem', 'id'))")
        (problem_id,) = cursor.fetchone()
        cursor.execute(
            "INSERT INTO households_cases_action (problem_id, what, owner_kind, partner,"
            " due_on, status, note, created_at)"
            " VALUES (%s, 'ไปสมัครงาน', 'household', '', %s, 'planned', '', now())",
            [problem_id, DAY],
        )
        cursor.execute(
            "INSERT INTO households_cases_problem (id, household_id, dimension, title, status,"
            " solved_by, opened_on, note, created_at)"
            " VALUES (%s, %s, 'income', 'ไม่มีรายได้ประจำ', 'open', '', %s, '', now())",
            [problem_id, household.pk, DAY],
        )
    assert kept() == {(household.pk, OwnerKind.HOUSEHOLD, None, DAY): 1}


def test_any_mix_of_writes_keeps_the_figures_equal_to_the_rows(agency_a, agency_b):
    rng = random.Random(13)
    agencies = [agency_a, agency_b]
    households = [f.HouseholdFactory() for _ in range(8)]
    problems = Problem.objects.bulk_create(
        [
            Problem(
                household=rng.choice(households),
                dimension="income",
                title=f"ปัญหา {n}",
                opened_on=DAY,
            )
            for n in range(16)
        ]
    )
    Action.objects.bulk_create(
        [
            Action(
                problem=rng.choice(problems),
                what=f"กิจกรรม {n}",
                due_on=DAY + dt.timedelta(days=rng.randrange(4)),
                status=rng.choice(ActionStatus.values),
                **owned_by(rng, agencies),
            )
            for n in range(40)
        ]
    )
    assert kept() == counted_from_rows()

    for step in range(80):
        problem = Problem.objects.order_by("?").first()
        some = Action.objects.filter(pk__in=Action.objects.order_by("?").values("pk")[:3])
        move = rng.randrange(10)
        if problem is None or move == 0:
            household = Household.objects.order_by("?").first()
            problem = ProblemFactory(household=household)
            ActionFactory(problem=problem, status=rng.choice(ActionStatus.values))
        elif move == 1:
            some.update(status=rng.choice(ActionStatus.values))
        elif move == 2:
            some.update(due_on=DAY + dt.timedelta(days=rng.randrange(4)))
        elif move == 3:
            some.update(**owned_by(rng, agencies))
        elif move == 4:
            # An action recorded under the wrong problem, moved to the right one.
            some.update(problem=problem)
        elif move == 5:
            # A problem recorded against the wrong household, moved to the right one.
            household = Household.objects.order_by("?").first()
            Problem.objects.filter(pk=problem.pk).update(household=household)
        elif move == 6:
            some.delete()
        elif move == 7:
            problem.delete()  # its actions go with it
        elif move == 8:
            with connection.cursor() as cursor:  # raw SQL, as a data fix would be written
                cursor.execute(
                    "UPDATE households_cases_action SET status = %s, done_on = NULL"
                    " WHERE problem_id = %s",
                    [ActionStatus.PLANNED, problem.pk],
                )
        else:
            household = problem.household
            Action.objects.filter(problem__household=household).delete()
            Problem.objects.filter(household=household).delete()
            household.delete()
        assert kept() == counted_from_rows(), f"after step {step}, move {move}"


def test_emptied_tables_empty_the_figures():
    ActionFactory()
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no pending checks before TRUNCATE
        cursor.execute("TRUNCATE households_cases_action")
    assert kept() == {}
    ActionFactory()
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("TRUNCATE households_cases_problem CASCADE")
    assert kept() == {}


def test_the_figures_are_never_saved_from_python():
    ActionFactory()
    row = OpenActionFigures.objects.get()
    row.actions = 99
    with pytest.raises(TypeError):
        row.save()
