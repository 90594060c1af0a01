"""The demo's plans (แผนพัฒนาครัวเรือน), worked out in memory from the drawn rounds.

Round by round, as households.cases.services.round_complete does it: an unmet answer with
no open problem for its indicator and member opens one (titled with the wording asked),
a met answer solves the open one, by the programme when one of its actions was done or
non-cancelled aid served it by then (rules.solved_by), else by the household; what was still
planned for a closed problem will not be done (not possible). What a round no longer asks (a member
grew out of the indicator's ages) the buddy closes as not possible, as problem_close does.
Buddies add a few problems of their own and close some. Most problems get one or two
actions, owned by the agency the suggested actions name for the indicator and the
household's cause, by a partner named in text or by the household; an action is done (on
time or late), found not possible, or still planned or in progress. Aid records serve the
problems open when they were given. Nothing here touches the database except the aid record
demo-official's plan may need (made here, saved by the caller).
"""

import datetime as dt
import random
from dataclasses import dataclass, field

from households.cases import rules
from households.cases.models import ActionStatus, AnswerValue, OwnerKind, ProblemStatus
from households.demo.case_words import (
    ACTION_DONE_NOTES,
    ACTION_GOING_NOTES,
    ACTION_NOT_POSSIBLE_NOTES,
    AID_SERVES,
    BUDDY_NOT_POSSIBLE_NOTE,
    BUDDY_PROBLEMS,
    BUDDY_SOLVED_NOTE,
    DEMO_AID,
    DEMO_AID_OUTCOME,
    DIMENSION_AGENCIES,
    HOUSEHOLD_ACTIONS,
    NO_LONGER_ASKED,
    PARTNER_ACTIONS,
)
from households.demo.rounds import Case, DrawnRound
from households.models import AidRecord, AidStatus

ACTIONS_NONE, ACTIONS_TWO = 0.2, 0.25  # a problem with no action yet; with two
REPLANNED = 0.35  # a problem a later round finds still unmet gets a next action
ACTION_DONE, ACTION_LATE = 0.85, 0.3  # done at all (else not possible); of those, late
AID_SERVES_PROBLEM = 0.75
BY_HAND = 0.2  # households whose buddy added a problem of their own
WHO_AGES = {"adult": (18, 59), "child": (7, 17), "elder": (60, 120)}


@dataclass(slots=True)
class PlannedAction:
    what: str
    owner_kind: str
    agency_id: int | None
    partner: str
    created: dt.date
    due_on: dt.date
    done: bool  # what happens to it by itself: done, or found not possible, on `fate_on`
    fate_on: dt.date
    started: dt.date
    created_by_id: int | None
    status: str = ActionStatus.PLANNED
    done_on: dt.date | None = None
    note: str = ""


@dataclass(slots=True)
class PlannedProblem:
    household_id: int
    dimension: str
    indicator: object | None
    member: object | None
    title: str
    opened_on: dt.date
    created_by_id: int | None
    found_in: DrawnRound | None = None
    note: str = ""
    status: str = ProblemStatus.OPEN
    solved_by: str = ""
    closed_on: dt.date | None = None
    solved_in: DrawnRound | None = None
    actions: list[PlannedAction] = field(default_factory=list)
    aid: list = field(default_factory=list)  # the AidRecord rows that served it
    row: object = None

    def helped(self, on: dt.date) -> bool:
        """By `on`, was an action of the plan done or non-cancelled aid given for it?"""
        return any(a.done and a.created < on and a.fate_on < on for a in self.actions) or any(
            aid.status != AidStatus.CANCELLED and aid.given_on <= on for aid in self.aid
        )


class Planner:
    def __init__(
        self,
        *,
        rng: random.Random,
        today: dt.date,
        suggestions: list,
        agencies: dict[str, int],
        aid_by_household: dict[int, list],
        dimension_of_code: dict[str, str],
    ):
        self.rng = rng
        self.today = today
        self.agencies = agencies
        self.aid_by_household = aid_by_household
        self.dimension_of_code = dimension_of_code
        self.by_indicator: dict[int, list] = {}
        self.by_dimension: dict[str, list] = {}
        for suggestion in suggestions:
            if suggestion.indicator_id is None:
                self.by_dimension.setdefault(suggestion.dimension, []).append(suggestion)
            else:
                self.by_indicator.setdefault(suggestion.indicator_id, []).append(suggestion)
        self.new_aid: list[AidRecord] = []

    def plan(self, case: Case, *, until: dt.date | None = None) -> list[PlannedProblem]:
        """The household's problems with their actions and aid; `until` is the last day its
        buddy plans (the graduation day), if any."""
        problems = self._from_rounds(case, until)
        if not case.demo:
            problems += self._by_hand(case, until)
        for problem in problems:
            self._settle(problem)
        return problems

    # -- problems

    def _from_rounds(self, case: Case, until) -> list[PlannedProblem]:
        rng = self.rng
        problems: list[PlannedProblem] = []
        open_problems: dict = {}
        for drawn in case.complete_rounds:
            by = drawn.official.user_id
            asked = {}
            for answer in drawn.answers:
                key = answer.key
                asked[key] = answer.value
                problem = open_problems.get(key)
                if answer.value == AnswerValue.NOT_MET and problem is None:
                    problem = PlannedProblem(
                        household_id=case.household.pk,
                        dimension=answer.indicator.dimension,
                        indicator=answer.indicator,
                        member=answer.member,
                        title=answer.indicator.text,
                        opened_on=drawn.on,
                        created_by_id=by,
                        found_in=drawn,
                    )
                    self._prepare(case, problem, until)
                    open_problems[key] = problem
                    problems.append(problem)
                elif answer.value == AnswerValue.NOT_MET and rng.random() < REPLANNED:
                    self._replan(case, problem, drawn.on, until)
                elif answer.value == AnswerValue.MET and problem is not None:
                    solved_by = rules.solved_by(helped=problem.helped(drawn.on))
                    self._close(problem, ProblemStatus.SOLVED, solved_by, drawn.on, drawn)
                    del open_problems[key]
            for key in [k for k in open_problems if asked.get(k) != AnswerValue.NOT_MET]:
                problem = open_problems.pop(key)
                self._close(problem, ProblemStatus.NOT_POSSIBLE, "", drawn.on, note=NO_LONGER_ASKED)
        return problems

    def _by_hand(self, case: Case, until) -> list[PlannedProblem]:
        rng = self.rng
        rounds = case.complete_rounds
        if not rounds or rng.random() >= BY_HAND:
            return []
        start = rounds[0].on + dt.timedelta(days=7)
        end = min(until or self.today, self.today - dt.timedelta(days=1))
        problems = []
        for _ in range(1 if rng.random() < 0.8 else 2):
            if start >= end:
                break
            day = start + dt.timedelta(days=rng.randint(0, (end - start).days))
            dimension, title, note, who, first = rng.choice(BUDDY_PROBLEMS)
            stint = case.stint_on(day)
            member = None
            if who:
                low, high = WHO_AGES[who]
                ages = [(m, m.age_on(day)) for m in case.members]
                fitting = [m for m, age in ages if age is not None and low <= age <= high]
                member = rng.choice(fitting) if fitting else None
            if stint is None or (who and member is None):
                continue
            problem = PlannedProblem(
                household_id=case.household.pk,
                dimension=dimension,
                indicator=None,
                member=member,
                title=title,
                opened_on=day,
                created_by_id=stint.official.user_id,
                note=note,
            )
            what, owner, named, days = first
            self._prepare(case, problem, until, first=(what, owner, named, days))
            outcome = rng.random()
            closes = day + dt.timedelta(days=rng.randint(30, 200))
            if outcome < 0.35 and closes <= end:
                solved_by = rules.solved_by(helped=problem.helped(closes))
                self._close(
                    problem, ProblemStatus.SOLVED, solved_by, closes, note=BUDDY_SOLVED_NOTE
                )
            elif outcome < 0.45 and closes <= end:
                self._close(
                    problem, ProblemStatus.NOT_POSSIBLE, "", closes, note=BUDDY_NOT_POSSIBLE_NOTE
                )
            problems.append(problem)
        return problems

    def _close(self, problem, status, solved_by, on, drawn=None, note="") -> None:
        """As services._close: the status, by whom, the day, the round; the note appended."""
        problem.status = status
        problem.solved_by = solved_by if status == ProblemStatus.SOLVED else ""
        problem.closed_on = on
        problem.solved_in = drawn
        if note:
            problem.note = f"{problem.note}\n{note}".strip()

    # -- actions and aid

    def _prepare(self, case: Case, problem: PlannedProblem, until, first=None) -> None:
        """The aid that served the problem and the actions planned for it."""
        rng = self.rng
        problem.aid = [
            aid
            for aid in self.aid_by_household.get(problem.household_id, [])
            if self._serves(aid, problem)
            and aid.given_on >= problem.opened_on
            and (until is None or aid.given_on <= until)
            and rng.random() < AID_SERVES_PROBLEM
        ]
        if first is None and rng.random() < ACTIONS_NONE and not case.demo:
            return
        wanted = 2 if rng.random() < ACTIONS_TWO else 1
        last_day = min(until or self.today, self.today)
        day = problem.opened_on + dt.timedelta(days=rng.randint(0, 10))
        for index in range(wanted):
            if day > last_day:
                break
            stint = case.stint_on(day)
            by = stint.official.user_id if stint is not None else problem.created_by_id
            chosen = self._named(first) if index == 0 and first else self._choose(case, problem)
            problem.actions.append(self._action(chosen, day, by))
            day += dt.timedelta(days=rng.randint(7, 45))

    def _replan(self, case: Case, problem: PlannedProblem, on: dt.date, until) -> None:
        """Still not met: the buddy plans a next step after the round."""
        day = on + dt.timedelta(days=self.rng.randint(0, 10))
        if day > min(until or self.today, self.today):
            return
        stint = case.stint_on(day)
        by = stint.official.user_id if stint is not None else problem.created_by_id
        problem.actions.append(self._action(self._choose(case, problem), day, by))

    def _serves(self, aid, problem: PlannedProblem) -> bool:
        codes = AID_SERVES.get(aid.title, ())
        if problem.indicator is not None:
            return problem.indicator.code in codes
        return problem.dimension in {self.dimension_of_code.get(code) for code in codes}

    def _named(self, first) -> tuple:
        what, owner, named, days = first
        if owner == OwnerKind.AGENCY:
            agency = self.agencies.get(named)
            if agency is None:
                return (what, OwnerKind.HOUSEHOLD, None, "", days)
            return (what, OwnerKind.AGENCY, agency, "", days)
        return (what, OwnerKind.PARTNER, None, named, days)

    def _choose(self, case: Case, problem: PlannedProblem) -> tuple:
        """(what, owner kind, agency id, partner, days): mostly a suggested action for the
        indicator (or its dimension) and the household's cause."""
        rng = self.rng
        dimension = problem.dimension
        planned = {action.what for action in problem.actions}
        roll = rng.random()
        partners = [p for p in PARTNER_ACTIONS.get(dimension, []) if p[0] not in planned]
        own = [what for what in HOUSEHOLD_ACTIONS.get(dimension, []) if what not in planned]
        if roll < 0.1 and partners:
            what, partner = rng.choice(partners)
            return (what, OwnerKind.PARTNER, None, partner, rng.choice([30, 45, 60]))
        if roll < 0.15 and own:
            return (rng.choice(own), OwnerKind.HOUSEHOLD, None, "", 30)
        cause = case.household.cause
        specific = []
        if problem.indicator is not None:
            specific = self.by_indicator.get(problem.indicator.pk, [])
        general = self.by_dimension.get(dimension, [])
        pool = [s for s in specific if s.cause in ("", cause)] * 3
        pool += [s for s in general if s.cause in ("", cause)]
        # Never the same step twice on one problem: with every suggestion planned, the
        # dimension's own agency or the household's plan below.
        pool = [s for s in pool if s.what not in planned]
        fallback_what, fallback_code = DIMENSION_AGENCIES.get(dimension, ("", ""))
        if not pool:
            agency = self.agencies.get(fallback_code)
            if agency is None or not fallback_what or fallback_what in planned:
                return ("ครัวเรือนวางแผนแก้ปัญหาร่วมกับคู่เสี่ยว", OwnerKind.HOUSEHOLD, None, "", 30)
            return (fallback_what, OwnerKind.AGENCY, agency, "", 30)
        suggestion = rng.choice(pool)
        owner, agency, partner = suggestion.owner_kind, suggestion.agency_id, ""
        if owner == OwnerKind.AGENCY and agency is None:
            agency = self.agencies.get(fallback_code)
            owner = OwnerKind.AGENCY if agency is not None else OwnerKind.HOUSEHOLD
        if owner == OwnerKind.PARTNER:
            partners = PARTNER_ACTIONS.get(dimension) or [("", "ภาคีเครือข่ายในตำบล")]
            partner = rng.choice(partners)[1]
        if owner != OwnerKind.AGENCY:
            agency = None
        return (suggestion.what, owner, agency, partner, suggestion.due_in_days)

    def _action(self, chosen: tuple, day: dt.date, by) -> PlannedAction:
        rng = self.rng
        what, owner, agency, partner, days = chosen
        done = rng.random() < ACTION_DONE
        if not done:
            after = rng.randint(10, 90)
        elif rng.random() >= ACTION_LATE:
            after = rng.randint(5, days + 20)  # on time, or nearly
        else:
            after = rng.randint(days + 20, days + 150)  # late
        return PlannedAction(
            what=what,
            owner_kind=owner,
            agency_id=agency,
            partner=partner,
            created=day,
            due_on=day + dt.timedelta(days=days),
            done=done,
            fate_on=day + dt.timedelta(days=after),
            started=day + dt.timedelta(days=rng.randint(2, 21)),
            created_by_id=by,
        )

    def _settle(self, problem: PlannedProblem) -> None:
        """Each action's status as of today (or as the problem's closing left it), and only
        the aid given while the problem was open."""
        rng = self.rng
        end = problem.closed_on
        kept = []
        for action in problem.actions:
            if action.created >= (end or self.today + dt.timedelta(days=1)):
                continue  # nobody plans for a closed problem
            if action.fate_on < (end or self.today + dt.timedelta(days=1)):
                if action.done:
                    action.status, action.done_on = ActionStatus.DONE, action.fate_on
                    action.note = rng.choice(ACTION_DONE_NOTES)
                else:
                    action.status, action.done_on = ActionStatus.NOT_POSSIBLE, None
                    action.note = rng.choice(ACTION_NOT_POSSIBLE_NOTES)
            elif end is not None:  # still open when the problem closed: never done
                action.status, action.done_on = ActionStatus.NOT_POSSIBLE, None
            elif action.started <= self.today:
                action.status = ActionStatus.IN_PROGRESS
                action.note = rng.choice(ACTION_GOING_NOTES)
            kept.append(action)
        problem.actions = kept
        if end is not None:
            problem.aid = [aid for aid in problem.aid if aid.given_on <= end]

    # -- demo-official's households

    def demo_plan(self, case: Case, problems: list[PlannedProblem], *, overdue: bool) -> None:
        """What demo-official opens: every open problem with one or two actions under way,
        due soon; one of them overdue (when `overdue`); aid serving a problem."""
        rng = self.rng
        today = self.today
        open_problems = [p for p in problems if p.status == ProblemStatus.OPEN]
        for index, problem in enumerate(open_problems):
            while len(problem.actions) < 1 + (index % 2):
                problem.actions.append(
                    self._action(self._choose(case, problem), today, problem.created_by_id)
                )
            problem.actions = problem.actions[:2]
            for number, action in enumerate(problem.actions):
                action.created = today - dt.timedelta(days=rng.randint(10, 60))
                action.due_on = today + dt.timedelta(days=rng.randint(7, 60))
                action.done_on, action.note = None, ""
                going = number == 0 or rng.random() < 0.5
                action.status = ActionStatus.IN_PROGRESS if going else ActionStatus.PLANNED
        if overdue and open_problems:
            late = open_problems[0].actions[0]
            late.due_on = today - dt.timedelta(days=rng.randint(3, 12))
            late.status = ActionStatus.IN_PROGRESS
            late.note = rng.choice(ACTION_GOING_NOTES[:2])
        if len(open_problems) > 1:
            done = open_problems[1].actions[-1]
            done.status, done.done_on = ActionStatus.DONE, today - dt.timedelta(days=5)
            done.note = ACTION_DONE_NOTES[0]
        if not any(a.status != AidStatus.CANCELLED for p in open_problems for a in p.aid):
            self._demo_aid(case, open_problems)

    def _demo_aid(self, case: Case, open_problems: list[PlannedProblem]) -> None:
        for problem in open_problems:
            code = problem.indicator.code if problem.indicator is not None else ""
            if code not in DEMO_AID or DEMO_AID[code][2] not in self.agencies:
                continue
            category, title, agency, value = DEMO_AID[code]
            aid = AidRecord(
                household_id=case.household.pk,
                category=category,
                title=title,
                agency_id=self.agencies[agency],
                given_on=self.today - dt.timedelta(days=self.rng.randint(10, 40)),
                value=value,
                status=AidStatus.DONE,
                outcome=DEMO_AID_OUTCOME,
                created_by_id=problem.created_by_id,
            )
            self.new_aid.append(aid)
            problem.aid.append(aid)
            return
