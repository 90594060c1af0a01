"""Case-plan records for the dashboard tests, written directly (the services check rules the
figures do not depend on: who may start a round, what a proposal needs)."""

import datetime as dt

from households.cases.models import Action, Graduation, Problem, Round, RoundKind


def case_round(household, days_ago, level, today, *, status="complete"):
    kind = RoundKind.REVIEW if household.rounds.exists() else RoundKind.ENTRY
    return Round.objects.create(
        household=household,
        kind=kind,
        assessed_on=today - dt.timedelta(days=days_ago),
        status=status,
        level=level if status == "complete" else None,
    )


def problem(household, dimension, status="open", solved_by="", *, today):
    return Problem.objects.create(
        household=household,
        dimension=dimension,
        title=f"ปัญหา{dimension}",
        status=status,
        solved_by=solved_by,
        opened_on=today - dt.timedelta(days=200),
    )


def action(problem_, owner_kind, due, *, status="planned", agency=None, partner=""):
    return Action.objects.create(
        problem=problem_,
        what="กิจกรรมตามแผน",
        owner_kind=owner_kind,
        agency=agency,
        partner=partner,
        due_on=due,
        status=status,
    )


def graduation(household, round_, status, by, *, graduated_on=None):
    return Graduation.objects.create(
        household=household,
        round=round_,
        status=status,
        evidence="รายได้ต่อคนถึงเกณฑ์",
        household_agrees=True,
        proposed_by=by,
        graduated_on=graduated_on,
    )
