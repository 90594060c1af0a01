"""The figures the database keeps per household for the case-plan dashboards
(households.cases.models.PlanFigures) equal those counted from the rows themselves, after
every kind of write the app and its imports make: problems added, closed, reopened, moved
and deleted one by one or in bulk; buddies paired, ended, changed and deleted; households
created in bulk, moved to another subdistrict and deleted; tables emptied at once."""

import datetime as dt
import random

import pytest
from django.db import connection

from households.cases.models import PlanFigures, Problem, ProblemStatus, SolvedBy
from households.models import Household
from officials.models import EndReason, Pairing
from tests import factories as f
from tests.cases.factories import ProblemFactory

pytestmark = pytest.mark.django_db


def stands(status: str) -> dict:
    """A problem's status with what it needs (a solved one says who solved it)."""
    return {
        "status": status,
        "solved_by": SolvedBy.PROGRAMME if status == ProblemStatus.SOLVED else "",
    }


def latest_buddy(household: Household):
    """The buddy now or, when none is open, the one whose pairing ended last (then the later
    start, then the later pairing): the rule, spelled out again in Python to check it."""
    pairings = list(Pairing.objects.filter(household=household))
    if not pairings:
        return None
    open_ = [p for p in pairings if p.ended_on is None]
    if open_:
        return max(open_, key=lambda p: (p.started_on, p.id)).official_id
    return max(pairings, key=lambda p: (p.ended_on, p.started_on, p.id)).official_id


def counted_from_rows() -> dict:
    expected = {}
    for household in Household.objects.all():
        statuses = list(
            Problem.objects.filter(household=household).values_list("status", flat=True)
        )
        expected[household.pk] = (
            household.subdistrict_id,
            latest_buddy(household),
            len(statuses),
            statuses.count(ProblemStatus.SOLVED),
            statuses.count(ProblemStatus.NOT_POSSIBLE),
        )
    return expected


def kept() -> dict:
    return {
        row.household_id: (
            row.subdistrict_id,
            row.latest_official_id,
            row.problems,
            row.solved,
            row.not_possible,
        )
        for row in PlanFigures.objects.all()
    }


def assert_kept_equal():
    assert kept() == counted_from_rows()


def test_a_new_household_starts_with_no_problems_and_no_buddy():
    household = f.HouseholdFactory()

    assert kept() == {household.pk: (household.subdistrict_id, None, 0, 0, 0)}


def test_problems_and_buddies_of_one_household_as_a_buddy_works():
    household = f.HouseholdFactory()
    first, second = f.OfficialFactory(), f.OfficialFactory()
    pairing = f.PairingFactory(household=household, official=first)
    problem = ProblemFactory(household=household)
    ProblemFactory(household=household)
    assert kept()[household.pk][1:] == (first.pk, 2, 0, 0)

    problem.status, problem.solved_by = ProblemStatus.SOLVED, SolvedBy.HOUSEHOLD
    problem.save()
    assert kept()[household.pk][1:] == (first.pk, 2, 1, 0)

    # The buddy leaves: the household still counts under them until the next one comes.
    pairing.ended_on, pairing.end_reason = dt.date(2024, 6, 1), EndReason.REASSIGNED
    pairing.save()
    assert kept()[household.pk][1] == first.pk
    f.PairingFactory(household=household, official=second, started_on=dt.date(2024, 6, 2))
    assert kept()[household.pk][1] == second.pk
    assert_kept_equal()


def test_a_note_edited_on_a_problem_changes_nothing_kept():
    problem = ProblemFactory()
    before = kept()
    Problem.objects.filter(pk=problem.pk).update(note="โทรนัดแล้ว")
    assert kept() == before


def test_any_mix_of_writes_keeps_the_figures_equal_to_the_rows():
    rng = random.Random(13)
    subdistricts = [f.subdistrict("400101"), f.subdistrict("400102"), f.subdistrict("400201")]
    officials = [f.OfficialFactory() for _ in range(4)]
    households = Household.objects.bulk_create(
        [
            Household(
                code=f"R{n:04d}",
                house_no=str(n),
                village_no=1,
                subdistrict=rng.choice(subdistricts),
                annual_income=0,
                joined_on=dt.date(2024, 1, 1),
            )
            for n in range(12)
        ]
    )
    assert_kept_equal()
    Problem.objects.bulk_create(
        [
            Problem(
                household=rng.choice(households),
                dimension="income",
                title=f"ปัญหา {n}",
                opened_on=dt.date(2024, 3, 1),
                **stands(rng.choice(ProblemStatus.values)),
            )
            for n in range(40)
        ]
    )
    assert_kept_equal()

    for step in range(60):
        household = Household.objects.order_by("?").first()
        move = rng.randrange(9)
        if move == 0:
            ProblemFactory(household=household, **stands(rng.choice(ProblemStatus.values)))
        elif move == 1:
            Problem.objects.filter(household=household).update(
                **stands(rng.choice(ProblemStatus.values))
            )
        elif move == 2:
            Problem.objects.filter(pk__in=Problem.objects.order_by("?").values("pk")[:2]).delete()
        elif move == 3:
            # A problem recorded against the wrong household, moved to the right one.
            Problem.objects.filter(pk__in=Problem.objects.order_by("?").values("pk")[:1]).update(
                household=household
            )
        elif move == 4:
            Pairing.objects.filter(household=household, ended_on__isnull=True).update(
                ended_on=dt.date(2024, 5, 1) + dt.timedelta(days=step),
                end_reason=EndReason.REASSIGNED,
            )
            f.PairingFactory(
                household=household,
                official=rng.choice(officials),
                started_on=dt.date(2024, 5, 2) + dt.timedelta(days=step),
            )
        elif move == 5:
            # A pairing entered by mistake, deleted.
            Pairing.objects.filter(
                pk__in=Pairing.objects.filter(household=household).values("pk")[:1]
            ).delete()
        elif move == 6:
            Household.objects.filter(pk=household.pk).update(subdistrict=rng.choice(subdistricts))
        elif move == 7:
            with connection.cursor() as cursor:  # raw SQL, as a data fix would be written
                cursor.execute(
                    "UPDATE households_cases_problem SET status = %s, solved_by = ''"
                    " WHERE household_id = %s",
                    [ProblemStatus.OPEN, household.pk],
                )
        else:
            Problem.objects.filter(household=household).delete()
            Pairing.objects.filter(household=household).delete()
            household.delete()
        assert kept() == counted_from_rows(), f"after step {step}, move {move}"


def test_emptied_tables_empty_the_figures():
    household = f.HouseholdFactory()
    f.PairingFactory(household=household)
    ProblemFactory(household=household)
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no pending checks before TRUNCATE
        cursor.execute("TRUNCATE households_cases_problem CASCADE")
    assert kept()[household.pk][2:] == (0, 0, 0)
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE officials_pairing CASCADE")
    assert kept()[household.pk][1] is None
    assert_kept_equal()


def test_the_figures_are_never_saved_from_python():
    household = f.HouseholdFactory()
    row = PlanFigures.objects.get(household=household)
    row.problems = 99
    with pytest.raises(TypeError):
        row.save()
