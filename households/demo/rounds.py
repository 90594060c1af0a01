"""The demo's assessment rounds, drawn in memory the way buddies fill them in.

A household is assessed on entry by whoever is its buddy, then every
KUSEAW_ASSESSMENT_MONTHS (some buddies late). Each round has the figures (members living
there that day, income rising from a lower entry figure to today's, debts), the threshold in
force that day, an answer for every active indicator (per-member ones for each member who
fits that day, households.cases.rules.fits; the income indicator from the figures, as
households.cases.services.round_save_figures answers it), the five capitals, the suggested
level (rules.suggested_level) and the confirmed one (now and then overridden, with a
reason). Answers follow each question from round to round: what was not met is often met
the next time, what was met seldom fails again; whether a member has work follows the
member's record today. Nothing here touches the database.
"""

import datetime as dt
import random
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings

from households.cases import rules
from households.cases.models import AnswerValue, CapitalKind, RoundKind
from households.cases.services import round_steps
from households.demo.case_words import (
    ANSWER_NOTES,
    BELONGINGS,
    CREDITORS,
    FINANCIAL_NOTES,
    GROUPS,
    HOUSE_IN_DISREPAIR,
    HOUSES,
    HUMAN_NOTES,
    LEVEL_REASONS_HIGHER,
    LEVEL_REASONS_LOWER,
    NATURAL_NOTES,
    NOT_YET_M3,
    PHYSICAL_NOTES,
    ROUND_NOTES,
    SAVINGS,
    SOCIAL_NOTE_SELF_EXCLUDED,
    SOCIAL_NOTES,
    STUDYING,
    STUDYING_NOTE,
    WATER_SOURCES,
)
from households.models import Cause, Education, PovertyLevel, income_threshold

MET, NOT_MET, NA = AnswerValue.MET, AnswerValue.NOT_MET, AnswerValue.NOT_APPLICABLE

# The chance that an indicator is not met the first time it is asked, with the household's
# need in that dimension flagged and without; by code, the rest by whether it is per member.
FIRST_UNMET = {
    "H1": (0.2, 0.08),
    "H4": (0.25, 0.06),
    "L1": (0.55, 0.05),
    "E1": (0.3, 0.05),
    "E2": (0.2, 0.03),
    "A2": (0.45, 0.2),
}
FIRST_UNMET_HOUSEHOLD = (0.35, 0.05)
FIRST_UNMET_MEMBER = (0.25, 0.04)
# Per-member indicators whose answer follows the member's own record.
E3_NOT_CONTINUED = 0.8
ILLITERATE = {Education.NONE: 0.85, Education.PRIMARY: 0.12}
WORK_INDICATORS = ("I1", "I2")
# From one round to the next: an unmet indicator is met (self-excluded households are
# slower), a met one fails again.
SOLVED_NEXT_ROUND = 0.45
SOLVED_NEXT_ROUND_SELF_EXCLUDED = 0.3
FAILS_AGAIN = 0.03
LEVEL_OVERRIDDEN = 0.06


@dataclass(slots=True)
class Stint:
    """One pairing: who looked after the household from when to when."""

    official: object
    started: dt.date
    ended: dt.date | None

    def covers(self, day: dt.date) -> bool:
        return self.started <= day and (self.ended is None or day <= self.ended)


@dataclass(slots=True)
class DrawnAnswer:
    indicator: object
    member: object | None
    value: str
    note: str = ""
    key: tuple = ()  # (indicator id, member id or None), as a problem is keyed

    def __post_init__(self):
        self.key = (self.indicator.pk, self.member.pk if self.member is not None else None)


@dataclass(slots=True)
class DrawnRound:
    kind: str
    on: dt.date
    official: object
    members: int
    annual_income: Decimal
    debts: Decimal
    threshold: int
    answers: list[DrawnAnswer]
    capitals: dict[str, tuple[int | None, str, str]]
    suggested: int | None = None
    level: int | None = None
    level_reason: str = ""
    note: str = ""
    steps: list[str] = field(default_factory=round_steps)
    complete: bool = True
    row: object = None

    def unmet_dimensions(self) -> set[str]:
        return {a.indicator.dimension for a in self.answers if a.value == NOT_MET}

    def shortfalls(self) -> list[str]:
        """What keeps the household from graduating on this round (rules.graduation_shortfalls),
        the household agreeing."""
        return rules.graduation_shortfalls(
            annual_income=self.annual_income,
            members=self.members,
            threshold=self.threshold,
            level=self.level,
            unmet_dimensions=self.unmet_dimensions(),
            agrees=True,
        )


@dataclass(slots=True)
class Case:
    """A household with its members (Member rows), its pairings and, once drawn, its rounds."""

    household: object
    members: list
    stints: list[Stint]
    rounds: list[DrawnRound] = field(default_factory=list)
    demo: bool = False

    @property
    def complete_rounds(self) -> list[DrawnRound]:
        return [r for r in self.rounds if r.complete]

    def stint_on(self, day: dt.date) -> Stint | None:
        return next((s for s in self.stints if s.covers(day)), None)


class RoundDrawer:
    """Draws a household's rounds from the builder's random generator."""

    def __init__(self, *, rng: random.Random, today: dt.date, indicators: list):
        self.rng = rng
        self.today = today
        self.indicators = indicators  # the active ones, in the order they are asked
        self.months = settings.KUSEAW_ASSESSMENT_MONTHS

    def draw(
        self, case: Case, *, reviews: bool = True, min_unmet: int = 0, lift: bool = False
    ) -> None:
        """Fill case.rounds with complete rounds up to today (only the entry one when not
        `reviews`); `min_unmet` unmet household indicators at entry at least. A household
        the programme `lift`s is above the line from its first review round on."""
        dates = self._schedule(case, reviews)
        if not dates:
            return
        household = case.household
        if lift and len(dates) > 1:
            incomes = self._lifted(case, [on for on, _ in dates])
        else:
            incomes = self._trajectory(int(household.annual_income), len(dates))
        debts = self._trajectory(int(household.debts), len(dates), debt=True)
        states: dict = {}
        base = self._base_capitals(case)
        previous = None
        for index, (on, official) in enumerate(dates):
            last = index == len(dates) - 1
            drawn = self._round(
                case,
                on,
                official,
                income=Decimal(incomes[index]),
                debts=Decimal(debts[index]),
                states=states,
                last=last,
                min_unmet=min_unmet if index == 0 else 0,
            )
            drawn.kind = RoundKind.ENTRY if index == 0 else RoundKind.REVIEW
            drawn.capitals = self._capitals(case, drawn, base, previous)
            self._levels(drawn)
            if self.rng.random() < 0.2:
                drawn.note = self.rng.choice(ROUND_NOTES)
            case.rounds.append(drawn)
            previous = drawn

    def draw_draft(self, case: Case, on: dt.date, steps_done: int) -> DrawnRound:
        """A review round started on `on` and left after `steps_done` steps (the figures
        first): its saved answers only, no capitals, no level."""
        latest = case.complete_rounds[-1]
        drawn = self._round(
            case,
            on,
            case.stint_on(on).official,
            income=latest.annual_income,
            debts=latest.debts,
            states=self._states_of(case),
            last=True,
            min_unmet=0,
        )
        drawn.kind = RoundKind.REVIEW
        drawn.complete = False
        drawn.steps = round_steps()[:steps_done]
        drawn.answers = [
            a
            for a in drawn.answers
            if a.indicator.from_income or a.indicator.dimension in drawn.steps
        ]
        drawn.capitals = {}
        return drawn

    def _states_of(self, case: Case) -> dict:
        latest = case.complete_rounds[-1]
        return {a.key: a.value for a in latest.answers}

    # -- when, and by whom

    def _schedule(self, case: Case, reviews: bool) -> list[tuple[dt.date, object]]:
        rng = self.rng
        last_day = self.today - dt.timedelta(days=1)
        first = case.stints[0]
        on = max(
            first.started, min(first.started + dt.timedelta(days=rng.randint(3, 21)), last_day)
        )
        dates = []
        while on <= last_day:
            stint = case.stint_on(on)
            if stint is None:
                later = [s for s in case.stints if s.started > on]
                if not later:
                    break
                stint = later[0]
                on = stint.started + dt.timedelta(days=rng.randint(3, 14))
                if on > last_day:
                    break
            dates.append((on, stint.official))
            if not reviews:
                break
            late = rng.randint(30, 100) if rng.random() < 0.12 else 0
            on = rules.add_months(on, self.months) + dt.timedelta(days=rng.randint(-10, 25) + late)
        return dates

    def _trajectory(self, final: int, rounds: int, *, debt: bool = False) -> list[int]:
        """From the entry figure to today's (`final`), rising fast at first."""
        if rounds == 1:
            return [final]
        rng = self.rng
        if debt:
            start = rng.uniform(0.9, 1.4)
        else:
            start = rng.choices(
                [rng.uniform(0.55, 0.95), rng.uniform(0.95, 1.05), rng.uniform(1.05, 1.3)],
                weights=[70, 20, 10],
            )[0]
        values = []
        for index in range(rounds - 1):
            share = (index / (rounds - 1)) ** 0.6
            noise = rng.uniform(0.96, 1.04) if index else 1.0
            values.append(max(0, int(round(final * (start + (1 - start) * share) * noise, -2))))
        return values + [final]

    def _lifted(self, case: Case, days: list[dt.date]) -> list[int]:
        """Below the line on entry, then at or above it (a new job, a livelihood that took)."""
        rng = self.rng
        now = income_threshold(self.today) * len(case.members)
        final = int(round(now * rng.uniform(1.02, 1.3), -2))
        incomes = [int(round(int(case.household.annual_income) * rng.uniform(0.85, 1.0), -2))]
        for day in days[1:-1]:
            line = income_threshold(day) * self._members_on(case, day)
            incomes.append(
                max(-(-line // 100) * 100, int(round(final * rng.uniform(0.95, 1.0), -2)))
            )
        return incomes + [final]

    def _members_on(self, case: Case, day: dt.date) -> int:
        return sum(1 for m in case.members if m.birth_date is None or m.birth_date <= day)

    # -- the answers

    def _round(self, case, on, official, *, income, debts, states, last, min_unmet):
        members = [m for m in case.members if m.birth_date is None or m.birth_date <= on]
        count = len(members)
        threshold = income_threshold(on)
        answers = []
        for indicator in self.indicators:
            if indicator.from_income:
                met = rules.reaches_line(income, count, threshold)
                per_person = rules.income_per_person(income, count)
                note = f"รายได้ต่อคนต่อปี {per_person:,} บาท"
                answers.append(DrawnAnswer(indicator, None, MET if met else NOT_MET, note))
            elif not indicator.per_member:
                answers.append(self._answer(case, indicator, None, on, states, last))
            else:
                answers += [
                    self._answer(case, indicator, member, on, states, last)
                    for member in members
                    if rules.fits(indicator.applies_to, member, on)
                ]
        if min_unmet:
            self._at_least_unmet(answers, states, min_unmet)
        return DrawnRound(
            kind=RoundKind.REVIEW,
            on=on,
            official=official,
            members=count,
            annual_income=income,
            debts=debts,
            threshold=threshold,
            answers=answers,
            capitals={},
        )

    def _answer(self, case, indicator, member, on, states, last) -> DrawnAnswer:
        rng = self.rng
        code = indicator.code
        age = member.age_on(on) if member is not None else None
        if code == "E3" and age is not None and age < 15:
            return DrawnAnswer(indicator, member, NA, NOT_YET_M3)
        if code == "I1" and member is not None and member.occupation in STUDYING:
            return DrawnAnswer(indicator, member, NA, STUDYING_NOTE)
        answer = DrawnAnswer(indicator, member, MET)
        previous = states.get(answer.key)
        if code in WORK_INDICATORS and member is not None:
            works = member.income > 0
            if not works:
                value = NOT_MET
            elif last or previous == MET:
                value = MET
            else:
                value = NOT_MET if rng.random() < (0.3 if previous is None else 0.5) else MET
        else:
            if previous is None:
                unmet = self._first_unmet(case, indicator, member)
            elif previous == NOT_MET:
                solved = (
                    SOLVED_NEXT_ROUND_SELF_EXCLUDED
                    if case.household.cause == Cause.SELF_EXCLUDED
                    else SOLVED_NEXT_ROUND
                )
                unmet = 1 - solved
            else:
                unmet = FAILS_AGAIN
            value = NOT_MET if rng.random() < unmet else MET
        answer.value = value
        if value == NOT_MET and code in ANSWER_NOTES and rng.random() < 0.6:
            answer.note = rng.choice(ANSWER_NOTES[code])
        states[answer.key] = value
        return answer

    def _first_unmet(self, case, indicator, member) -> float:
        household = case.household
        code = indicator.code
        if code == "E3":
            chance = E3_NOT_CONTINUED
        elif code == "E4":
            chance = ILLITERATE.get(member.education, 0.02)
        else:
            default = FIRST_UNMET_MEMBER if member is not None else FIRST_UNMET_HOUSEHOLD
            flagged, usual = FIRST_UNMET.get(code, default)
            chance = flagged if getattr(household, f"need_{indicator.dimension}", False) else usual
            if code == "H4" and member.chronic_illness:
                chance += 0.15
        if household.cause == Cause.SELF_EXCLUDED:
            chance *= 1.3
        return min(0.95, chance)

    def _at_least_unmet(self, answers, states, wanted: int) -> None:
        unmet = [a for a in answers if a.value == NOT_MET and not a.indicator.from_income]
        met = [
            a
            for a in answers
            if a.value == MET and a.member is None and not a.indicator.from_income
        ]
        for answer in self.rng.sample(met, max(0, min(len(met), wanted - len(unmet)))):
            answer.value = NOT_MET
            answer.note = self.rng.choice(ANSWER_NOTES.get(answer.indicator.code, [""]))
            states[answer.key] = NOT_MET

    # -- the level

    def _levels(self, drawn: DrawnRound) -> None:
        """The suggested level as round_complete works it out; now and then the buddy
        confirms another one, with a reason."""
        unmet = {
            a.indicator.pk
            for a in drawn.answers
            if a.value == NOT_MET and not a.indicator.from_income
        }
        drawn.suggested = rules.suggested_level(
            drawn.annual_income, drawn.members, drawn.threshold, len(unmet)
        )
        drawn.level = drawn.suggested
        if self.rng.random() < LEVEL_OVERRIDDEN:
            lower = drawn.suggested > PovertyLevel.STRUGGLING and (
                drawn.suggested == PovertyLevel.WELL or self.rng.random() < 0.6
            )
            drawn.level = drawn.suggested - 1 if lower else drawn.suggested + 1
            reasons = LEVEL_REASONS_LOWER if lower else LEVEL_REASONS_HIGHER
            drawn.level_reason = self.rng.choice(reasons)

    # -- the five capitals

    def _base_capitals(self, case: Case) -> dict:
        """What the household has, as the buddy lists it on entry: items and first scores."""
        rng = self.rng
        household = case.household
        pieces = rules.sort_assets(household.livelihood_assets)
        members = case.members
        ages = {m.pk: m.age_on(self.today) for m in members}
        workers = [m for m in members if ages[m.pk] is not None and 15 <= ages[m.pk] <= 64]
        earners = [m for m in workers if m.income > 0]
        jobs = sorted({m.occupation for m in members if m.income > 0 and m.occupation})
        sick = next((m for m in members if m.chronic_illness or m.disability), None)
        human = [f"แรงงานในบ้าน {len(workers)} คน"]
        if jobs:
            human.append("อาชีพ: " + ", ".join(jobs))
        human += pieces.get(CapitalKind.HUMAN, [])
        if sick is not None:
            human_note = f"มีสมาชิก{sick.chronic_illness or sick.disability} ต้องมีคนดูแล"
        else:
            human_note = rng.choice(HUMAN_NOTES)
        land = float(household.land_rai)
        natural = list(pieces.get(CapitalKind.NATURAL, []))
        if land and not any("ไร่" in piece for piece in natural):
            natural.insert(0, f"ที่ดินทำกิน {land:g} ไร่")
        natural.append(rng.choice(WATER_SOURCES))
        natural_score = (
            1 if not land else 2 if land < 3 else 3 if land < 8 else 4 if land < 15 else 5
        )
        physical = [rng.choice(HOUSES), *pieces.get(CapitalKind.PHYSICAL, [])]
        physical.append(rng.choice(BELONGINGS))
        main_job = max(members, key=lambda m: m.income).occupation
        groups = rng.sample(
            GROUPS, rng.randint(0, 1) if self._self_excluded(case) else rng.randint(1, 3)
        )
        return {
            CapitalKind.HUMAN: [
                max(1, min(5, 1 + len(earners) + bool(pieces.get(CapitalKind.HUMAN)) - bool(sick))),
                human,
                human_note,
            ],
            CapitalKind.NATURAL: [natural_score, natural, rng.choice(NATURAL_NOTES)],
            CapitalKind.PHYSICAL: [min(4, len(physical)), physical, rng.choice(PHYSICAL_NOTES)],
            CapitalKind.FINANCIAL: [
                0,
                [f"รายได้หลักจาก{main_job}" if main_job else "ไม่มีรายได้ประจำ", rng.choice(SAVINGS)],
                rng.choice(FINANCIAL_NOTES),
                rng.choice(CREDITORS),
            ],
            CapitalKind.SOCIAL: [
                min(5, 1 + len(groups) + (not self._self_excluded(case))),
                groups,
                SOCIAL_NOTE_SELF_EXCLUDED
                if self._self_excluded(case)
                else rng.choice(SOCIAL_NOTES),
            ],
        }

    def _self_excluded(self, case: Case) -> bool:
        return case.household.cause == Cause.SELF_EXCLUDED

    def _capitals(self, case, drawn: DrawnRound, base: dict, previous) -> dict:
        """The five capitals of a round: the entry scores, then now and then one better."""
        rng = self.rng
        capitals = {}
        for kind in CapitalKind.values:
            if kind == CapitalKind.FINANCIAL:
                score, items, note, creditor = base[kind]
                debt = int(drawn.debts)
                lines = [f"{creditor} {debt:,} บาท" if debt else "ไม่มีหนี้สิน", *items]
                ratio = debt / max(1, int(drawn.annual_income))
                score = 4 if not debt else 3 if ratio < 0.5 else 2 if ratio < 1.5 else 1
                score = min(5, score + bool(items[1]))
                capitals[kind] = (score, "\n".join(line for line in lines if line), note)
                continue
            score, items, note = base[kind]
            if previous is not None:
                score = previous.capitals[kind][0]
                if rng.random() < 0.15:
                    score += 1
            lines = list(items)
            if kind == CapitalKind.PHYSICAL and any(
                a.indicator.code == "L1" and a.value == NOT_MET for a in drawn.answers
            ):
                lines[0] = HOUSE_IN_DISREPAIR
            capitals[kind] = (max(1, min(5, score)), "\n".join(lines), note)
        return capitals
