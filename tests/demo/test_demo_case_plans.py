"""seed_demo's case plans: rounds, problems, plans, graduations and demo-official's plan,
checked against the rules the services apply (households.cases.rules)."""

import datetime as dt
from collections import defaultdict

import pytest
from django.conf import settings
from django.db.models import Count
from django.utils import timezone

from households.cases import rules, services
from households.cases.models import (
    OPEN_ACTION_STATUSES,
    Action,
    ActionStatus,
    Answer,
    AnswerValue,
    Capital,
    CapitalKind,
    CheckOutcome,
    FollowUpCheck,
    Graduation,
    GraduationStatus,
    Indicator,
    OwnerKind,
    Problem,
    ProblemStatus,
    Round,
    RoundKind,
    RoundStatus,
    SolvedBy,
)
from households.models import AidStatus, Household, Member, Status, income_threshold
from officials.models import EndReason, Official, Pairing
from officials.roles import Role, role_of

MONTHS = settings.KUSEAW_ASSESSMENT_MONTHS


def complete_rounds_by_household() -> dict[int, list[Round]]:
    """Each household's complete rounds, oldest first."""
    by_household = defaultdict(list)
    for round_ in Round.objects.complete().order_by("assessed_on", "id"):
        by_household[round_.household_id].append(round_)
    return by_household


def answers_by_round(rounds) -> dict[int, list[Answer]]:
    by_round = defaultdict(list)
    answers = Answer.objects.filter(round__in=rounds).select_related("indicator", "member")
    for answer in answers:
        by_round[answer.round_id].append(answer)
    return by_round


def latest_round_answers() -> dict[int, dict[tuple, str]]:
    """household → {(indicator, member): value} of its latest complete round."""
    latest = [rounds[-1] for rounds in complete_rounds_by_household().values()]
    answers = answers_by_round(latest)
    return {
        r.household_id: {(a.indicator_id, a.member_id): a.value for a in answers[r.pk]}
        for r in latest
    }


@pytest.fixture
def demo_official(seeded, db):
    return Official.objects.get(user__username="demo-official")


# -- rounds ---------------------------------------------------------------------------------


def test_every_paired_household_has_its_entry_round_and_most_a_later_one(seeded, db):
    paired = set(Pairing.objects.open().values_list("household_id", flat=True))
    rounds = complete_rounds_by_household()
    assert paired <= set(rounds)
    assert all(rs[0].kind == RoundKind.ENTRY for rs in rounds.values())
    assert all(r.kind == RoundKind.REVIEW for rs in rounds.values() for r in rs[1:])
    reviewed = [pk for pk in paired if len(rounds[pk]) > 1]
    assert len(reviewed) > 0.8 * len(paired)
    for household_rounds in rounds.values():
        for earlier, later in zip(household_rounds, household_rounds[1:], strict=False):
            # every KUSEAW_ASSESSMENT_MONTHS, give or take a few days
            due = rules.add_months(earlier.assessed_on, MONTHS)
            assert later.assessed_on >= due - dt.timedelta(days=10)
    assert Round.objects.count() > 1.8 * len(paired)


def test_round_dates_are_within_the_household_and_its_buddies_time(seeded, db):
    joined = dict(Household.objects.values_list("id", "joined_on"))
    stints = defaultdict(list)
    for pairing in Pairing.objects.all():
        stints[pairing.household_id].append(pairing)
    today = timezone.localdate()
    users = dict(Official.objects.values_list("id", "user_id"))
    for round_ in Round.objects.all():
        assert joined[round_.household_id] <= round_.assessed_on <= today
        assert any(
            p.official_id == round_.official_id
            and p.started_on <= round_.assessed_on <= (p.ended_on or today)
            for p in stints[round_.household_id]
        )
        assert round_.created_by_id == users[round_.official_id]


def test_each_round_keeps_its_figures_threshold_and_the_suggested_level_of_the_rule(seeded, db):
    rounds = list(Round.objects.complete())
    unmet = dict(
        Answer.objects.filter(value=AnswerValue.NOT_MET, indicator__from_income=False)
        .values("round_id")
        .annotate(n=Count("indicator_id", distinct=True))
        .values_list("round_id", "n")
    )
    overridden = 0
    for round_ in rounds:
        assert round_.steps_done == services.round_steps()
        assert round_.threshold == income_threshold(round_.assessed_on)
        assert round_.members >= 1 and round_.annual_income is not None
        assert round_.suggested_level == rules.suggested_level(
            round_.annual_income, round_.members, round_.threshold, unmet.get(round_.pk, 0)
        )
        if round_.level != round_.suggested_level:
            overridden += 1
            assert abs(round_.level - round_.suggested_level) == 1
            assert round_.level_reason.strip()
        else:
            assert round_.level_reason == ""
    assert 0 < overridden < 0.1 * len(rounds)


def test_every_indicator_is_asked_of_whom_it_fits_on_the_round_day(seeded, db):
    indicators = list(Indicator.objects.filter(is_active=True))
    rounds = list(Round.objects.complete().order_by("id")[:300])
    answers = answers_by_round(rounds)
    members = defaultdict(list)
    for member in Member.objects.current().filter(household__rounds__in=rounds).distinct():
        members[member.household_id].append(member)
    for round_ in rounds:
        there = [
            m
            for m in members[round_.household_id]
            if m.birth_date is None or m.birth_date <= round_.assessed_on
        ]
        assert round_.members == len(there)
        expected = set()
        for indicator in indicators:
            if not indicator.per_member:
                expected.add((indicator.pk, None))
            else:
                expected |= {
                    (indicator.pk, m.pk)
                    for m in there
                    if rules.fits(indicator.applies_to, m, round_.assessed_on)
                }
        got = answers[round_.pk]
        assert {(a.indicator_id, a.member_id) for a in got} == expected
        assert all(a.asked_text == a.indicator.text for a in got)
        income = next(a for a in got if a.indicator.from_income)
        reaches = rules.reaches_line(round_.annual_income, round_.members, round_.threshold)
        assert income.value == (AnswerValue.MET if reaches else AnswerValue.NOT_MET)
    values = set(Answer.objects.values_list("value", flat=True))
    assert values == set(AnswerValue.values)


def test_each_complete_round_has_the_five_capitals_scored_in_thai(seeded, db):
    per_round = (
        Capital.objects.filter(round__status=RoundStatus.COMPLETE)
        .values("round_id")
        .annotate(n=Count("kind", distinct=True))
    )
    assert {row["n"] for row in per_round} == {len(CapitalKind)}
    assert per_round.count() == Round.objects.complete().count()
    scores = set(Capital.objects.values_list("score", flat=True))
    assert scores <= {1, 2, 3, 4, 5} and len(scores) >= 4
    assert (
        not Capital.objects.filter(round__status=RoundStatus.COMPLETE, items="")
        .filter(kind__in=[CapitalKind.HUMAN, CapitalKind.NATURAL, CapitalKind.PHYSICAL])
        .exists()
    )
    assert Capital.objects.filter(items__contains="ไร่").exists()


def test_households_levels_and_income_come_from_their_first_and_latest_rounds(seeded, db):
    relapsed = set(
        Graduation.objects.filter(status=GraduationStatus.REOPENED).values_list(
            "household_id", flat=True
        )
    )
    households = Household.objects.in_bulk()
    rounds = complete_rounds_by_household()
    changed = 0
    for pk, household_rounds in rounds.items():
        household = households[pk]
        assert household.poverty_level_at_entry == household_rounds[0].level
        assert household.poverty_level == household_rounds[-1].level
        if pk not in relapsed:
            assert household.annual_income == household_rounds[-1].annual_income
        changed += household_rounds[0].level != household_rounds[-1].level
    assert changed > 50


def test_drafts_are_few_and_never_demo_officials(seeded, db, demo_official):
    drafts = Round.objects.filter(status=RoundStatus.DRAFT)
    assert drafts.count() < 40
    mine = Pairing.objects.open().filter(official=demo_official).values("household_id")
    assert not drafts.filter(household__in=mine).exists()
    for draft in drafts:
        assert draft.level is None and services.steps_missing(draft)
        done = set(draft.answers.values_list("indicator__dimension", flat=True))
        assert done <= set(draft.steps_done) | {"income"}


# -- problems -------------------------------------------------------------------------------


def test_every_open_indicator_problem_is_unmet_in_the_latest_round_and_vice_versa(seeded, db):
    latest = latest_round_answers()
    from_rounds = Problem.objects.filter(indicator__isnull=False, found_in__isnull=False)
    open_keys = set()
    for problem in from_rounds.filter(status=ProblemStatus.OPEN):
        key = (problem.indicator_id, problem.member_id)
        assert latest[problem.household_id][key] == AnswerValue.NOT_MET
        open_keys.add((problem.household_id, *key))
    unmet = {
        (household, *key)
        for household, answers in latest.items()
        for key, value in answers.items()
        if value == AnswerValue.NOT_MET
    }
    assert unmet == open_keys


def test_a_round_that_finds_a_problem_met_solves_it_and_says_by_whom(seeded, db):
    solved = (
        Problem.objects.filter(status=ProblemStatus.SOLVED, solved_in__isnull=False)
        .select_related("solved_in")
        .prefetch_related("aid_records", "actions")
    )
    assert solved.count() > 100
    by_whom = set()
    for problem in solved:
        met = problem.solved_in.answers.get(indicator=problem.indicator, member=problem.member)
        assert met.value == AnswerValue.MET
        assert problem.closed_on == problem.solved_in.assessed_on
        assert problem.found_in.assessed_on < problem.closed_on
        helped = any(a.status == ActionStatus.DONE for a in problem.actions.all()) or any(
            aid.status != AidStatus.CANCELLED for aid in problem.aid_records.all()
        )
        assert problem.solved_by == rules.solved_by(helped=helped)
        assert not any(
            a.status in (ActionStatus.PLANNED, ActionStatus.IN_PROGRESS)
            for a in problem.actions.all()
        )
        by_whom.add(problem.solved_by)
    assert by_whom == set(SolvedBy.values)


def test_buddies_add_problems_of_their_own_and_close_some(seeded, db):
    own = Problem.objects.filter(indicator__isnull=True, found_in__isnull=True)
    assert own.count() > 50
    assert own.filter(status=ProblemStatus.OPEN).exists()
    assert own.filter(status=ProblemStatus.SOLVED).exclude(solved_by="").exists()
    assert own.filter(member__isnull=False).exists()
    assert Problem.objects.filter(status=ProblemStatus.NOT_POSSIBLE).exists()


# -- plans ----------------------------------------------------------------------------------


def test_most_open_problems_have_actions_with_owners_and_statuses(seeded, db):
    open_problems = Problem.objects.open()
    with_actions = open_problems.filter(actions__isnull=False).distinct().count()
    assert with_actions > 0.7 * open_problems.count()
    statuses = set(Action.objects.values_list("status", flat=True))
    assert statuses == set(ActionStatus.values)
    owners = Action.objects.values("owner_kind").annotate(n=Count("id"))
    owners = {row["owner_kind"]: row["n"] for row in owners}
    assert set(owners) == set(OwnerKind.values)
    assert owners[OwnerKind.AGENCY] > owners[OwnerKind.PARTNER]
    assert not Action.objects.filter(owner_kind=OwnerKind.PARTNER, partner="").exists()
    assert not Action.objects.filter(owner_kind=OwnerKind.AGENCY, agency__isnull=True).exists()
    assert not Action.objects.filter(status=ActionStatus.DONE, done_on__isnull=True).exists()
    today = timezone.localdate()
    overdue = Action.objects.overdue(today).count()
    assert 0 < overdue < Action.objects.open().count()
    closed = Action.objects.open().exclude(problem__status=ProblemStatus.OPEN)
    assert not closed.exists()


def test_no_problem_has_the_same_step_twice(seeded, db):
    twice = (
        Action.objects.exclude(what="ครัวเรือนวางแผนแก้ปัญหาร่วมกับคู่เสี่ยว")
        .values("problem_id", "what")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
    )
    assert list(twice) == []


def test_agency_actions_are_owned_by_an_agency_that_serves_the_dimension(seeded, db):
    actions = Action.objects.filter(owner_kind=OwnerKind.AGENCY).select_related("agency", "problem")
    serving = sum(1 for a in actions if a.problem.dimension in a.agency.need_fields)
    assert serving > 0.85 * len(actions)


def test_many_aid_records_serve_the_problems_open_when_they_were_given(seeded, db):
    through = Problem.aid_records.through
    links = through.objects.select_related("problem", "aidrecord")
    assert links.count() > 500
    for link in links:
        problem, aid = link.problem, link.aidrecord
        assert problem.household_id == aid.household_id
        assert problem.opened_on <= aid.given_on
        assert problem.closed_on is None or aid.given_on <= problem.closed_on


# -- graduation and after -------------------------------------------------------------------


def test_graduations_are_approved_by_district_staff_and_end_the_pairing(seeded, db):
    graduated = Graduation.objects.filter(
        status__in=[GraduationStatus.APPROVED, GraduationStatus.REOPENED]
    ).select_related("household__subdistrict", "decided_by__staff_profile", "round")
    assert graduated.count() >= 10
    for graduation in graduated:
        household = graduation.household
        decider = graduation.decided_by
        assert role_of(decider) == Role.DISTRICT
        assert decider.staff_profile.district_id == household.subdistrict.district_id
        decided_on = timezone.localdate(graduation.decided_at)
        assert timezone.localdate(graduation.proposed_at) < decided_on
        assert graduation.graduated_on == decided_on
        assert graduation.household_agrees and graduation.evidence
        latest = services.latest_round(household)
        assert graduation.round == latest
        assert (
            rules.graduation_shortfalls(
                annual_income=latest.annual_income,
                members=latest.members,
                threshold=latest.threshold,
                level=latest.level,
                unmet_dimensions={i.dimension for i in services.unmet_indicators(latest)},
                agrees=True,
            )
            == []
        )
        ended = household.pairings.get(end_reason=EndReason.HOUSEHOLD_GRADUATED)
        assert ended.ended_on == graduation.graduated_on
        assert not household.pairings.open().exists()
        assert not household.visits.filter(visited_on__gt=graduation.graduated_on).exists()
        months = sorted(graduation.checks.values_list("months", flat=True))
        assert months == sorted(settings.KUSEAW_FOLLOW_UP_MONTHS)
        for check in graduation.checks.all():
            assert check.due_on == rules.add_months(graduation.graduated_on, check.months)
    statuses = set(
        Household.objects.filter(graduations__status=GraduationStatus.APPROVED).values_list(
            "status", flat=True
        )
    )
    assert statuses == {Status.GRADUATED}


def test_freed_buddies_look_after_another_household(seeded, db):
    cap = settings.KUSEAW_HOUSEHOLDS_PER_OFFICIAL
    officials = Official.objects.with_open_pairings()
    assert {official.open_pairings for official in officials} == {cap}


def test_follow_up_checks_some_done_still_out_some_pending(seeded, db):
    checks = FollowUpCheck.objects.filter(graduation__status=GraduationStatus.APPROVED)
    still_out = checks.filter(outcome=CheckOutcome.STILL_OUT)
    assert still_out.exists() and FollowUpCheck.objects.pending().exists()
    for check in still_out:
        threshold = income_threshold(check.done_on)
        assert not rules.relapsed(
            annual_income=check.annual_income,
            members=check.members,
            threshold=threshold,
            new_unmet=check.new_unmet.count(),
        )
        assert check.graduation.graduated_on < check.done_on <= timezone.localdate()
        assert check.official.pairings.filter(household=check.graduation.household).exists()


def test_a_few_proposals_wait_and_one_was_sent_back(seeded, db):
    waiting = Graduation.objects.filter(status=GraduationStatus.PROPOSED)
    assert 3 <= waiting.count() <= 6
    assert not waiting.filter(decided_by__isnull=False).exists()
    for graduation in waiting:
        assert graduation.household.status == Status.ACTIVE
        assert graduation.household.pairings.open().exists()
        assert graduation.round == services.latest_round(graduation.household)
    returned = Graduation.objects.get(status=GraduationStatus.RETURNED)
    assert returned.decision_reason.strip()
    assert role_of(returned.decided_by) == Role.DISTRICT
    assert returned.household.status == Status.ACTIVE


def test_exactly_one_graduate_relapsed_and_waits_for_a_buddy_again(seeded, db):
    reopened = Graduation.objects.get(status=GraduationStatus.REOPENED)
    check = reopened.checks.get(outcome=CheckOutcome.RELAPSED)
    assert FollowUpCheck.objects.filter(outcome=CheckOutcome.RELAPSED).count() == 1
    assert check.months == settings.KUSEAW_FOLLOW_UP_MONTHS[0]
    assert rules.relapsed(
        annual_income=check.annual_income,
        members=check.members,
        threshold=income_threshold(check.done_on),
        new_unmet=check.new_unmet.count(),
    )
    assert reopened.reopened_on == check.done_on
    assert reopened.reopen_reason.startswith(f"การติดตาม {check.months} เดือน: รายได้ต่อคนต่อปี")
    household = reopened.household
    assert household.status == Status.ACTIVE
    assert household.annual_income == check.annual_income
    assert Household.objects.unpaired().filter(pk=household.pk).exists()
    for indicator in check.new_unmet.all():
        assert household.problems.open().filter(indicator=indicator, member=None).exists()


# -- demo-official --------------------------------------------------------------------------


def test_demo_officials_households_have_a_plan_under_way_and_a_round_due(seeded, db, demo_official):
    today = timezone.localdate()
    households = Household.objects.looked_after_by(demo_official.user)
    assert households.count() == 2
    overdue = 0
    for household in households:
        rounds = list(household.rounds.all())
        assert [(r.kind, r.status) for r in rounds] == [(RoundKind.ENTRY, RoundStatus.COMPLETE)]
        assert rules.next_round_due(household.joined_on, rounds[0].assessed_on) <= today
        problems = list(household.problems.open().prefetch_related("actions", "aid_records"))
        assert len(problems) >= 2
        assert all(1 <= len(p.actions.all()) <= 2 for p in problems)
        overdue += sum(
            1
            for p in problems
            for a in p.actions.all()
            if a.status in OPEN_ACTION_STATUSES and a.due_on < today
        )
        assert any(
            aid.status != AidStatus.CANCELLED for p in problems for aid in p.aid_records.all()
        )
    assert overdue == 1


def test_demo_official_can_start_the_next_round(seeded, db, demo_official):
    household = Household.objects.looked_after_by(demo_official.user).first()
    today = timezone.localdate()
    round_, created = services.round_start(
        household=household, official=demo_official, assessed_on=today, by=demo_official.user
    )
    assert created and round_.kind == RoundKind.REVIEW
    for dimension in ("income", "health"):
        assert services.questions_for(round_, dimension)


def test_seed_demo_reports_the_case_plans(seeded, db):
    rounds = f"{Round.objects.complete().count():,}  รอบการสำรวจ"
    actions = f"{Action.objects.count():,}  กิจกรรมตามแผน"
    graduations = Graduation.objects.filter(status=GraduationStatus.APPROVED).count()
    for line in (rounds, actions, f"{graduations:,}  พ้นความยากจน"):
        assert line in seeded
