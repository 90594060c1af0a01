"""The demo's case plans, made after the builder's pairings, visits and aid.

Every household that has had a buddy gets its assessment rounds (rounds.py); households
that meet the graduation criteria on a review round are proposed, and most approved by
their district's staff (the pairing ends with EndReason.HOUSEHOLD_GRADUATED, the buddy is
paired with a household that was waiting, and follow-up checks fall due at
KUSEAW_FOLLOW_UP_MONTHS); one proposal is sent back, a few wait, and exactly one graduate
relapses at a check (the case reopened, back to waiting for a buddy). Then the plans
(plans.py) and a few rounds left half done. demo-official's two households have only their
entry round, long enough ago that the next one is due, and a plan under way.

All of it is drawn in memory and written a table at a time (bulk_create; the answers and
capitals, the largest tables, as one INSERT from arrays), so the rows are what
households.cases.services would have left, without a service call or a query per row; the
households' levels and figures are then those of their first and latest rounds.
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import connection
from django.db.models import Q
from django.utils import timezone

from households.cases import rules
from households.cases.models import (
    Action,
    ActionStatus,
    Answer,
    Capital,
    CheckOutcome,
    FollowUpCheck,
    Graduation,
    GraduationStatus,
    Indicator,
    Problem,
    ProblemStatus,
    Round,
    RoundStatus,
    SuggestedAction,
)
from households.demo.case_words import (
    APPROVAL_NOTES,
    GRADUATION_AGREED,
    GRADUATION_STORIES,
    RELAPSE_INDICATOR,
    RELAPSE_NOTE,
    RETURN_REASON,
    STILL_OUT_NOTES,
)
from households.demo.plans import PlannedProblem, Planner
from households.demo.rounds import Case, DrawnRound, RoundDrawer, Stint
from households.demo.words import FEMALE_NAMES, LAST_NAMES, MALE_NAMES
from households.models import (
    AidRecord,
    Household,
    Member,
    PovertyLevel,
    Status,
    Visit,
    income_threshold,
)
from kuseaw.thaidate import format_be
from officials.models import EndReason, Pairing, StaffProfile
from officials.roles import Role

BATCH_SIZE = 2000
# Models of the case plans, children first (the order they are deleted in).
CASE_MODELS = [
    FollowUpCheck.new_unmet.through,
    FollowUpCheck,
    Graduation,
    Action,
    Problem.aid_records.through,
    Problem,
    Answer,
    Capital,
    Round,
]
DEMO_UNMET_AT_ENTRY = 3  # household indicators demo-official's households fail at least
# Of the households paired now with income per person between LIFT_FROM × the line and the
# line, those the programme lifts above it by their first review round.
LIFT_FROM, LIFTED = 0.5, 0.25
APPROVED = 0.8  # of the households proposed on a review round long enough ago
WAITING_MIN, WAITING_MAX = 3, 6
DRAFTS = 0.08  # of the households whose next round is (nearly) due: one started, not finished


def case_data_delete() -> int:
    """Delete every case-plan row, children first, one statement a table; returns how many
    rounds there were."""
    with connection.cursor() as cursor:
        for model in CASE_MODELS:
            table = connection.ops.quote_name(model._meta.db_table)
            # bandit B608 (SQL built from a string): the model's own table name, quoted.
            cursor.execute(f"DELETE FROM {table}")  # nosec B608
        return cursor.rowcount


@dataclass(slots=True)
class PlannedGraduation:
    case: Case
    round: DrawnRound
    status: str
    official: object  # the buddy who proposed it, later the one who checks on it
    proposed_on: dt.date
    decided_on: dt.date | None = None
    relapse: bool = False
    reopened_on: dt.date | None = None
    reopen_reason: str = ""
    checks: list = field(default_factory=list)  # FollowUpCheck rows, with new_unmet in .unmet


class CasePlans:
    """The case-plan stage of the demo builder (builder._Builder.run calls it)."""

    def __init__(self, builder, *, rows, open_pairs, ended_pairs, officials, logins, district):
        self.b = builder
        self.rng = builder.rng
        self.today = builder.today
        self.rows = rows
        self.open_pairs = open_pairs
        self.ended_pairs = ended_pairs
        self.officials = officials
        self.logins = logins
        self.demo_district = district
        self.counts = builder.counts

    def run(self) -> None:
        indicators = list(Indicator.objects.filter(is_active=True).order_by("order", "code"))
        self.indicators = indicators
        stints: dict[int, list[Stint]] = {}
        for official, row, started, ended, _ in self.open_pairs + self.ended_pairs:
            stints.setdefault(row.pk, []).append(Stint(official, started, ended))
        for household_stints in stints.values():
            household_stints.sort(key=lambda s: s.started)
        open_ids = [row.pk for _, row, *_ in self.open_pairs]
        demo_ids = {
            row.pk for official, row, *_ in self.open_pairs if official is self.officials[0]
        }
        drawer = RoundDrawer(rng=self.rng, today=self.today, indicators=indicators)

        cases = self._cases(open_ids, stints, demo_ids)
        if indicators:
            line = income_threshold(self.today)
            for case in cases:
                per_person = int(case.household.annual_income) / max(1, len(case.members))
                near = LIFT_FROM * line <= per_person < line
                drawer.draw(
                    case,
                    reviews=not case.demo,
                    min_unmet=DEMO_UNMET_AT_ENTRY if case.demo else 0,
                    lift=near and not case.demo and self.rng.random() < LIFTED,
                )
        graduations = self._graduations(cases)
        approved = [
            g for g in graduations if g.decided_on and g.status != GraduationStatus.RETURNED
        ]
        new_pairs = self._pair_again(approved, stints, set(open_ids))
        open_set = set(open_ids)
        others = [row.pk for _, row, *_ in self.ended_pairs if row.pk not in open_set]
        others += [row.pk for _, row, _ in new_pairs if row.pk not in set(others)]
        more = self._cases(list(dict.fromkeys(others)), stints, set())
        if indicators:
            for case in more:
                drawer.draw(case)
            pending = {g.case.household.pk for g in graduations}
            self._drafts(cases, drawer, pending)
        every = cases + more

        planner = Planner(
            rng=self.rng,
            today=self.today,
            suggestions=list(SuggestedAction.objects.filter(is_active=True)),
            agencies=self.b.agencies,
            aid_by_household=self._aid_by_household(),
            dimension_of_code={i.code: i.dimension for i in indicators},
        )
        left = {g.case.household.pk: g.decided_on for g in approved}
        problems: list[PlannedProblem] = []
        first_demo = True
        for case in every:
            planned = planner.plan(case, until=left.get(case.household.pk))
            if case.demo:
                planner.demo_plan(case, planned, overdue=first_demo)
                first_demo = False
            problems += planned
        self._follow_ups(approved, problems)

        self._write_rounds(every)
        AidRecord.objects.bulk_create(planner.new_aid)
        self._write_problems(problems)
        self._write_graduations(graduations)
        self._write_pairings(approved, new_pairs, left)
        self._update_households(every, approved)
        self._count(every, problems, graduations, len(planner.new_aid))

    # -- who

    def _cases(self, ids: list[int], stints, demo_ids) -> list[Case]:
        households = Household.objects.in_bulk(ids)
        members: dict[int, list] = {}
        current = Member.objects.current().filter(household_id__in=ids)
        for member in current.order_by("household_id", "-is_head", "birth_date", "id"):
            members.setdefault(member.household_id, []).append(member)
        return [
            Case(households[pk], members.get(pk, []), stints[pk], demo=pk in demo_ids) for pk in ids
        ]

    def _aid_by_household(self) -> dict[int, list]:
        by_household: dict[int, list] = {}
        for aid in self.b.aid_records:
            by_household.setdefault(aid.household_id, []).append(aid)
        return by_household

    # -- graduation

    def _graduations(self, cases: list[Case]) -> list[PlannedGraduation]:
        """Proposed on the first review round that meets the criteria, by the buddy of the
        time: most approved, one sent back, those proposed lately waiting."""
        rng, today = self.rng, self.today
        ripe, fresh = [], []
        for case in cases:
            buddy = case.stints[-1]
            if case.demo or buddy.ended is not None:
                continue
            rounds = case.complete_rounds
            for drawn in rounds[1:]:
                if not buddy.covers(drawn.on) or drawn.shortfalls():
                    continue
                proposed = drawn.on + dt.timedelta(days=rng.randint(3, 20))
                decided = proposed + dt.timedelta(days=rng.randint(3, 21))
                if proposed >= today:
                    break
                plan = PlannedGraduation(
                    case, drawn, GraduationStatus.APPROVED, buddy.official, proposed, decided
                )
                if decided > today - dt.timedelta(days=14):
                    plan.status, plan.decided_on = GraduationStatus.PROPOSED, None
                    fresh.append(plan)
                    break
                if rng.random() < APPROVED:
                    ripe.append(plan)
                    break
        returned = []
        if len(ripe) > 1:
            later = [g for g in ripe if g.round is not g.case.complete_rounds[-1]]
            chosen = rng.choice(later or ripe)
            ripe.remove(chosen)
            chosen.status = GraduationStatus.RETURNED
            returned.append(chosen)
        # A few on every waiting list: some decisions take a while.
        slow = [g for g in ripe if g.round is g.case.complete_rounds[-1]]
        for plan in rng.sample(slow, max(0, min(len(slow), WAITING_MIN - len(fresh)))):
            ripe.remove(plan)
            plan.status, plan.decided_on = GraduationStatus.PROPOSED, None
            fresh.append(plan)
        # demo-district's own waiting list first.
        fresh.sort(key=lambda g: g.case.household.subdistrict_id[:4] != self.demo_district)
        for plan in ripe:  # nothing after graduation: its round is the household's last
            rounds = plan.case.rounds
            del rounds[rounds.index(plan.round) + 1 :]
        first_check = settings.KUSEAW_FOLLOW_UP_MONTHS[0]
        due = [
            g
            for g in ripe
            if rules.add_months(g.decided_on, first_check) <= today - dt.timedelta(days=7)
        ]
        if due:
            rng.choice(due).relapse = True
        return ripe + returned + fresh[:WAITING_MAX]

    def _follow_ups(self, approved: list[PlannedGraduation], problems: list) -> None:
        """The checks at KUSEAW_FOLLOW_UP_MONTHS: most of those due done (still out), the rest
        pending; the relapse reopens its case as services.follow_up_record does."""
        rng, today = self.rng, self.today
        months_list = settings.KUSEAW_FOLLOW_UP_MONTHS
        relapse_indicators = [
            i for i in self.indicators if i.code == RELAPSE_INDICATOR and not i.per_member
        ]
        for plan in approved:
            for months in months_list:
                due_on = rules.add_months(plan.decided_on, months)
                check = FollowUpCheck(months=months, due_on=due_on, official=plan.official)
                check.unmet = []
                plan.checks.append(check)
                if plan.relapse and months == months_list[0]:
                    self._relapse(plan, check, relapse_indicators, problems)
                elif plan.relapse:
                    continue
                elif due_on <= today - dt.timedelta(days=3) and rng.random() < 0.8:
                    done_on = due_on + dt.timedelta(days=rng.randint(-5, 10))
                    done_on = min(today, max(plan.decided_on + dt.timedelta(days=1), done_on))
                    members, threshold = (
                        self._members_on(plan.case, done_on),
                        income_threshold(done_on),
                    )
                    income = int(
                        round(float(plan.round.annual_income) * rng.uniform(1.0, 1.12), -2)
                    )
                    income = max(income, threshold * members)
                    if rules.relapsed(
                        annual_income=income, members=members, threshold=threshold, new_unmet=0
                    ):  # pragma: no cover - income is at the line at least
                        continue
                    check.done_on, check.members = done_on, members
                    check.annual_income = Decimal(income)
                    check.outcome = CheckOutcome.STILL_OUT
                    check.note = rng.choice(STILL_OUT_NOTES)

    def _relapse(self, plan, check, indicators, problems) -> None:
        rng = self.rng
        done_on = min(self.today, check.due_on + dt.timedelta(days=rng.randint(0, 7)))
        members, threshold = self._members_on(plan.case, done_on), income_threshold(done_on)
        income = Decimal(int(round(members * threshold * rng.uniform(0.55, 0.8), -2)))
        check.done_on, check.members, check.annual_income = done_on, members, income
        check.outcome, check.note, check.unmet = CheckOutcome.RELAPSED, RELAPSE_NOTE, indicators
        # The reason, worded as services._reopen words it.
        reasons = []
        if not rules.reaches_line(income, members, threshold):
            per_person = rules.income_per_person(income, members)
            reasons.append(f"รายได้ต่อคนต่อปี {per_person:,} บาท ต่ำกว่าเกณฑ์ จปฐ. {threshold:,} บาท")
        reasons += [f"ตัวชี้วัด {i.code} ไม่ผ่าน" for i in indicators]
        plan.reopened_on = done_on
        plan.reopen_reason = (
            f"การติดตาม {check.months} เดือน: " + "; ".join(reasons) + f" ({check.note})"
        )
        household_id = plan.case.household.pk
        for indicator in indicators:
            if any(
                p.household_id == household_id
                and p.status == ProblemStatus.OPEN
                and p.indicator is indicator
                and p.member is None
                for p in problems
            ):
                continue
            problems.append(
                PlannedProblem(
                    household_id=household_id,
                    dimension=indicator.dimension,
                    indicator=indicator,
                    member=None,
                    title=indicator.text,
                    opened_on=done_on,
                    created_by_id=plan.official.user_id,
                    note=plan.reopen_reason,
                )
            )

    def _members_on(self, case: Case, day: dt.date) -> int:
        return sum(1 for m in case.members if m.birth_date is None or m.birth_date <= day)

    def _evidence(self, plan: PlannedGraduation) -> str:
        drawn = plan.round
        per_person = rules.income_per_person(drawn.annual_income, drawn.members)
        return (
            f"รอบสำรวจวันที่ {format_be(drawn.on)}: รายได้ต่อคนต่อปี {per_person:,} บาท "
            f"ไม่ต่ำกว่าเกณฑ์ จปฐ. {drawn.threshold:,} บาท ตัวชี้วัดด้านสุขภาพ ความเป็นอยู่ "
            f"และการศึกษาผ่านครบ ระดับ{PovertyLevel(drawn.level).label} "
            f"{self.rng.choice(GRADUATION_STORIES)} {GRADUATION_AGREED}"
        )

    # -- the buddies graduation freed

    def _pair_again(self, approved, stints, paired: set[int]) -> list:
        """Each freed buddy is paired with a household that waits, in their district first."""
        rng, today = self.rng, self.today
        pool: dict[str, list] = {}
        for row in self.rows:
            if row.pk not in paired:
                pool.setdefault(row.district, []).append(row)
        for waiting in pool.values():
            rng.shuffle(waiting)
        pairs = []
        for plan in approved:
            official = plan.official
            started = plan.decided_on + dt.timedelta(days=rng.randint(7, 30))
            started = max(plan.decided_on, min(started, today - dt.timedelta(days=2)))
            if not pool:
                break
            waiting = pool.get(official.district_id) or max(pool.values(), key=len)
            if not waiting:
                continue
            row = waiting.pop()
            stints.setdefault(row.pk, []).append(Stint(official, started, None))
            stints[row.pk].sort(key=lambda s: s.started)
            pairs.append((official, row, started))
        return pairs

    def _drafts(self, cases, drawer: RoundDrawer, skip: set[int]) -> None:
        rng, today = self.rng, self.today
        for case in cases:
            rounds = case.complete_rounds
            if case.demo or not rounds or case.household.pk in skip or case.stints[-1].ended:
                continue
            due = rules.next_round_due(case.household.joined_on, rounds[-1].on)
            if due - dt.timedelta(days=20) > today or rng.random() >= DRAFTS:
                continue
            on = max(
                rounds[-1].on + dt.timedelta(days=1), today - dt.timedelta(days=rng.randint(0, 5))
            )
            case.rounds.append(drawer.draw_draft(case, on, rng.randint(1, 5)))

    # -- writing

    def _moment(self, day: dt.date, hour: int = 16) -> dt.datetime:
        return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))

    def _write_rounds(self, cases: list[Case]) -> None:
        rounds = []
        for case in cases:
            for drawn in case.rounds:
                drawn.row = Round(
                    household_id=case.household.pk,
                    kind=drawn.kind,
                    assessed_on=drawn.on,
                    official_id=drawn.official.pk,
                    status=RoundStatus.COMPLETE if drawn.complete else RoundStatus.DRAFT,
                    steps_done=list(drawn.steps),
                    members=drawn.members,
                    annual_income=drawn.annual_income,
                    debts=drawn.debts,
                    threshold=drawn.threshold,
                    suggested_level=drawn.suggested,
                    level=drawn.level,
                    level_reason=drawn.level_reason,
                    note=drawn.note,
                    created_by_id=drawn.official.user_id,
                    completed_at=self._moment(drawn.on) if drawn.complete else None,
                )
                rounds.append(drawn)
        Round.objects.bulk_create([d.row for d in rounds], batch_size=BATCH_SIZE)
        # The two largest tables of the demo (no history kept on them): one statement each,
        # from columns, rather than a model instance per row.
        answers = [(d.row.pk, a) for d in rounds for a in d.answers]
        self._insert_columns(
            Answer,
            {
                "round_id": ("bigint", [pk for pk, _ in answers]),
                "indicator_id": ("bigint", [a.indicator.pk for _, a in answers]),
                "member_id": ("bigint", [a.member.pk if a.member else None for _, a in answers]),
                "asked_text": ("text", [a.indicator.text for _, a in answers]),
                "value": ("text", [a.value for _, a in answers]),
                "note": ("text", [a.note for _, a in answers]),
            },
        )
        capitals = [(d.row.pk, kind, c) for d in rounds for kind, c in d.capitals.items()]
        self._insert_columns(
            Capital,
            {
                "round_id": ("bigint", [pk for pk, _, _ in capitals]),
                "kind": ("text", [kind for _, kind, _ in capitals]),
                "score": ("integer", [c[0] for _, _, c in capitals]),
                "items": ("text", [c[1] for _, _, c in capitals]),
                "note": ("text", [c[2] for _, _, c in capitals]),
            },
        )
        self.counts["answers"] = len(answers)

    def _insert_columns(self, model, columns: dict[str, tuple[str, list]]) -> None:
        """INSERT … SELECT FROM unnest(…): one array per column, {name: (SQL type, values)}.
        The model's other columns must have a database default (its id does)."""
        if not next(iter(columns.values()))[1]:
            return
        quote = connection.ops.quote_name
        names = ", ".join(quote(name) for name in columns)
        arrays = ", ".join(f"%s::{sql_type}[]" for sql_type, _ in columns.values())
        with connection.cursor() as cursor:
            # bandit B608 (SQL built from a string): the model's table and column names, quoted.
            cursor.execute(
                f"INSERT INTO {quote(model._meta.db_table)} ({names}) "  # nosec B608
                f"SELECT * FROM unnest({arrays})",
                [values for _, values in columns.values()],
            )

    def _write_problems(self, problems: list[PlannedProblem]) -> None:
        for p in problems:
            p.row = Problem(
                household_id=p.household_id,
                dimension=p.dimension,
                indicator_id=p.indicator.pk if p.indicator is not None else None,
                member_id=p.member.pk if p.member is not None else None,
                title=p.title,
                status=p.status,
                solved_by=p.solved_by,
                found_in_id=p.found_in.row.pk if p.found_in else None,
                solved_in_id=p.solved_in.row.pk if p.solved_in else None,
                opened_on=p.opened_on,
                closed_on=p.closed_on,
                note=p.note,
                created_by_id=p.created_by_id,
            )
        Problem.objects.bulk_create([p.row for p in problems], batch_size=BATCH_SIZE)
        through = Problem.aid_records.through
        links = [through(problem_id=p.row.pk, aidrecord_id=a.pk) for p in problems for a in p.aid]
        through.objects.bulk_create(links, batch_size=BATCH_SIZE)
        actions = [
            Action(
                problem_id=p.row.pk,
                what=a.what,
                owner_kind=a.owner_kind,
                agency_id=a.agency_id,
                partner=a.partner,
                due_on=a.due_on,
                status=a.status,
                done_on=a.done_on,
                note=a.note,
                created_by_id=a.created_by_id,
            )
            for p in problems
            for a in p.actions
        ]
        Action.objects.bulk_create(actions, batch_size=BATCH_SIZE)
        self.counts["aid_linked"] = len({link.aidrecord_id for link in links})

    def _write_graduations(self, graduations: list[PlannedGraduation]) -> None:
        deciders = self._deciders(
            {g.case.household.subdistrict_id[:4] for g in graduations if g.decided_on}
        )
        rows = []
        for plan in graduations:
            decided = plan.decided_on
            row = Graduation(
                household_id=plan.case.household.pk,
                round=plan.round.row,
                status=GraduationStatus.REOPENED if plan.relapse else plan.status,
                evidence=self._evidence(plan),
                household_agrees=True,
                proposed_by_id=plan.official.user_id,
                graduated_on=decided if plan.status == GraduationStatus.APPROVED else None,
                reopened_on=plan.reopened_on,
                reopen_reason=plan.reopen_reason,
            )
            if decided is not None:
                row.decided_by_id = deciders[plan.case.household.subdistrict_id[:4]]
                row.decided_at = self._moment(decided, 10)
                row.decision_reason = (
                    RETURN_REASON
                    if plan.status == GraduationStatus.RETURNED
                    else self.rng.choice(APPROVAL_NOTES)
                )
            rows.append(row)
        Graduation.objects.bulk_create(rows)
        for plan, row in zip(graduations, rows, strict=True):
            row.proposed_at = self._moment(plan.proposed_on, 11)  # auto_now_add set it to now
            for check in plan.checks:
                check.graduation = row
        Graduation.objects.bulk_update(rows, ["proposed_at"])
        checks = [check for plan in graduations for check in plan.checks]
        FollowUpCheck.objects.bulk_create(checks)
        through = FollowUpCheck.new_unmet.through
        through.objects.bulk_create(
            [
                through(followupcheck_id=check.pk, indicator_id=indicator.pk)
                for check in checks
                for indicator in check.unmet
            ]
        )
        self.counts["follow_up_checks"] = len(checks)

    def _deciders(self, districts: set[str]) -> dict[str, int]:
        """Who decides in each district: demo-district in its own, elsewhere a district
        staff member made here (no usable password)."""
        deciders = {}
        if self.demo_district in districts:
            deciders[self.demo_district] = self.logins["demo-district"].pk
        codes = sorted(districts - {self.demo_district})
        unusable = make_password(None)
        user_model = get_user_model()
        users = [
            user_model(
                username=f"demo-district-{code}",
                first_name=self.rng.choice(MALE_NAMES + FEMALE_NAMES),
                last_name=self.rng.choice(LAST_NAMES),
                password=unusable,
            )
            for code in codes
        ]
        user_model.objects.bulk_create(users)
        StaffProfile.objects.bulk_create(
            [
                StaffProfile(user=user, district_id=code, phone=self.b._phone())
                for user, code in zip(users, codes, strict=True)
            ]
        )
        self.b._add_to_groups([(user.pk, Role.DISTRICT) for user in users])
        self.counts["users"] += len(users)
        deciders.update({code: user.pk for code, user in zip(codes, users, strict=True)})
        return deciders

    def _write_pairings(self, approved, new_pairs, left: dict[int, dt.date]) -> None:
        """End the graduates' pairings, drop what the builder put after graduation (visits,
        aid), pair the freed buddies again and visit their new households."""
        rng, today = self.rng, self.today
        ended = list(Pairing.objects.filter(household_id__in=left, ended_on__isnull=True))
        for pairing in ended:
            pairing.ended_on = left[pairing.household_id]
            pairing.end_reason = EndReason.HOUSEHOLD_GRADUATED
            pairing.end_note = ""
        Pairing.objects.bulk_update(ended, ["ended_on", "end_reason", "end_note"])
        deleted_visits = deleted_aid = 0
        if left:
            after = Q()
            for household_id, day in left.items():
                after |= Q(household_id=household_id, visited_on__gt=day)
            deleted_visits = Visit.objects.filter(after).delete()[0]
            given_after = Q()
            for household_id, day in left.items():
                given_after |= Q(household_id=household_id, given_on__gt=day)
            deleted_aid = (
                AidRecord.objects.filter(given_after).delete()[1].get(AidRecord._meta.label, 0)
            )
        Pairing.objects.bulk_create(
            [
                Pairing(
                    official=official,
                    household_id=row.pk,
                    started_on=started,
                    created_by=self.logins["demo-admin"],
                )
                for official, row, started in new_pairs
            ]
        )
        overdue_days = settings.KUSEAW_VISIT_OVERDUE_DAYS
        visits = []
        for official, row, started in new_pairs:
            first = min(started + dt.timedelta(days=rng.randint(3, 14)), today)
            if rng.random() < 0.12:
                ago = rng.randint(overdue_days + 5, overdue_days + 60)
            else:
                ago = rng.randint(1, overdue_days - 2)
            day = max(first, today - dt.timedelta(days=ago))
            while day >= first:
                visits.append(self.b._visit(official, official.user_id, row, day))
                day -= dt.timedelta(days=rng.randint(24, 36))
        Visit.objects.bulk_create(visits, batch_size=BATCH_SIZE)
        self.counts["pairings_open"] += len(new_pairs) - len(ended)
        self.counts["pairings_ended"] += len(ended)
        self.counts["visits"] += len(visits) - deleted_visits
        self.counts["aid_records"] -= deleted_aid

    def _update_households(self, cases: list[Case], approved) -> None:
        """Levels and figures from the first and latest rounds (round_complete); graduates
        left the programme; the relapse is back, with the check's income."""
        changed = []
        for case in cases:
            rounds = case.complete_rounds
            if not rounds:
                continue
            household = case.household
            household.poverty_level_at_entry = rounds[0].level
            household.poverty_level = rounds[-1].level
            household.annual_income = rounds[-1].annual_income
            household.debts = rounds[-1].debts
            changed.append(household)
        for plan in approved:
            household = plan.case.household
            household.status = Status.ACTIVE if plan.relapse else Status.GRADUATED
            if plan.relapse:
                household.annual_income = plan.checks[0].annual_income
        # One statement (bulk_update's CASE per field and row costs more than the rounds).
        if not changed:
            return
        values = ", ".join(["(%s, %s, %s, %s, %s, %s)"] * len(changed))
        params = [
            value
            for h in changed
            for value in (
                h.pk,
                h.poverty_level,
                h.poverty_level_at_entry,
                h.annual_income,
                h.debts,
                h.status,
            )
        ]
        table = connection.ops.quote_name(Household._meta.db_table)
        with connection.cursor() as cursor:
            # bandit B608 (SQL built from a string): the model's table name and placeholders.
            cursor.execute(
                f"UPDATE {table} AS h SET poverty_level = v.level, "  # nosec B608
                "poverty_level_at_entry = v.entry, annual_income = v.income, debts = v.debts, "
                "status = v.status, updated_at = now() "
                f"FROM (VALUES {values}) AS v(id, level, entry, income, debts, status) "
                "WHERE h.id = v.id",
                params,
            )

    def _count(self, cases, problems, graduations, new_aid: int) -> None:
        counts = self.counts
        counts["aid_records"] += new_aid
        rounds = [r for case in cases for r in case.rounds]
        counts["rounds"] = sum(1 for r in rounds if r.complete)
        counts["rounds_draft"] = len(rounds) - counts["rounds"]
        counts["problems"] = len(problems)
        counts["problems_open"] = sum(1 for p in problems if p.status == ProblemStatus.OPEN)
        actions = [(p, a) for p in problems for a in p.actions]
        counts["actions"] = len(actions)
        counts["actions_overdue"] = sum(
            1
            for _, a in actions
            if a.status in (ActionStatus.PLANNED, ActionStatus.IN_PROGRESS)
            and a.due_on < self.today
        )
        by_status = {}
        for plan in graduations:
            status = GraduationStatus.REOPENED if plan.relapse else plan.status
            by_status[status] = by_status.get(status, 0) + 1
        counts["graduations"] = by_status.get(GraduationStatus.APPROVED, 0)
        counts["graduations_waiting"] = by_status.get(GraduationStatus.PROPOSED, 0)
        counts["graduations_returned"] = by_status.get(GraduationStatus.RETURNED, 0)
        counts["relapses"] = by_status.get(GraduationStatus.REOPENED, 0)
        self.b.log(
            f"  รอบการสำรวจ {counts['rounds']:,} ปัญหา {counts['problems']:,} "
            f"กิจกรรม {counts['actions']:,} พ้นความยากจน {counts['graduations']:,}"
        )
