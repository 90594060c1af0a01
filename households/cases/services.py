"""Writes to a household's case plan: rounds step by step, problems, actions, graduation
and follow-up checks. Views call these; none writes a model directly. The rules they apply
are in rules.py.
"""

import datetime as dt
import uuid
from collections.abc import Iterable

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from agencies.models import Need
from households.cases import rules
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
)
from households.models import AidStatus, Household, Status, income_threshold
from officials.models import EndReason, Official, Pairing
from officials.services import PairingError, pairing_end

FIGURES_STEP = "figures"
CAPITALS_STEP = "capitals"


class CasePlanError(Exception):
    """A rule of the case plan was broken; the message is Thai and safe to show."""


def round_steps() -> list[str]:
    """The steps of a round, in order: the figures, one per dimension, the five capitals."""
    return [FIGURES_STEP, *Need.values, CAPITALS_STEP]


def _check_day(day: dt.date, household: Household, what: str) -> None:
    if day > timezone.localdate():
        raise CasePlanError(f"{what}ต้องไม่เลยวันนี้")
    if day < household.joined_on:
        raise CasePlanError(f"{what}ต้องไม่ก่อนวันที่เข้าโครงการ")


def _check_after_last_round(household: Household, day: dt.date) -> None:
    """A round is never dated before the last complete one (whose level it would replace)."""
    last = household.rounds.complete().order_by("-assessed_on").first()
    if last is not None and day < last.assessed_on:
        raise CasePlanError("วันที่สำรวจต้องไม่ก่อนการสำรวจรอบที่แล้ว")


def _is_buddy(official: Official | None, household: Household) -> bool:
    return (
        official is not None
        and Pairing.objects.open().filter(official=official, household=household).exists()
    )


# -- rounds --------------------------------------------------------------------------------
def round_start(
    *,
    household: Household,
    official: Official,
    assessed_on: dt.date,
    token: uuid.UUID | None = None,
    by=None,
) -> tuple[Round, bool]:
    """Start a round by the household's current buddy, or return the one in progress
    (a household has at most one; a resent form returns the round it made)."""
    if not _is_buddy(official, household):
        raise CasePlanError("สำรวจได้เฉพาะคู่เสี่ยวที่ดูแลครัวเรือนนี้อยู่")
    if household.status != Status.ACTIVE:
        raise CasePlanError("ครัวเรือนนี้ไม่ได้อยู่ในโครงการแล้ว")
    _check_day(assessed_on, household, "วันที่สำรวจ")
    if token is not None and (made := Round.objects.filter(submission_token=token).first()):
        return made, False
    draft = household.rounds.filter(status=RoundStatus.DRAFT).first()
    if draft is not None:
        if draft.official_id != official.pk:  # a new buddy carries on the round
            draft.official = official
            draft.save(update_fields=["official"])
        return draft, False
    _check_after_last_round(household, assessed_on)
    kind = RoundKind.REVIEW if household.rounds.complete().exists() else RoundKind.ENTRY
    try:
        with transaction.atomic():
            made = Round.objects.create(
                household=household,
                kind=kind,
                assessed_on=assessed_on,
                official=official,
                submission_token=token,
                created_by=by,
            )
    except IntegrityError:  # another request started one a moment ago
        return household.rounds.get(status=RoundStatus.DRAFT), False
    return made, True


def _mark_step(round_: Round, step: str) -> None:
    if step not in round_.steps_done:
        round_.steps_done = [*round_.steps_done, step]


def _check_draft(round_: Round) -> None:
    if round_.status != RoundStatus.DRAFT:
        raise CasePlanError("รอบการสำรวจนี้เสร็จไปแล้ว แก้ไขไม่ได้")


def round_save_figures(
    *, round_: Round, assessed_on: dt.date, members: int, annual_income, debts=None
) -> Round:
    """The round's date and figures; the income indicator is answered from them."""
    _check_draft(round_)
    _check_day(assessed_on, round_.household, "วันที่สำรวจ")
    _check_after_last_round(round_.household, assessed_on)
    if members < 1:
        raise CasePlanError("จำนวนสมาชิกต้องมีอย่างน้อย 1 คน")
    with transaction.atomic():
        round_.assessed_on = assessed_on
        round_.members = members
        round_.annual_income = annual_income
        round_.debts = debts
        round_.threshold = income_threshold(assessed_on)
        _mark_step(round_, FIGURES_STEP)
        round_.save()
        income_met = rules.reaches_line(annual_income, members, round_.threshold)
        for indicator in Indicator.objects.filter(is_active=True, from_income=True):
            Answer.objects.update_or_create(
                round=round_,
                indicator=indicator,
                member=None,
                defaults={
                    "asked_text": indicator.text,
                    "value": AnswerValue.MET if income_met else AnswerValue.NOT_MET,
                    "note": f"รายได้ต่อคนต่อปี {rules.income_per_person(annual_income, members):,} บาท",
                },
            )
    return round_


def questions_for(round_: Round, dimension: str) -> list[tuple[Indicator, object]]:
    """What a dimension's step asks: (indicator, None) for a household indicator, and
    (indicator, member) for each current member a per-member indicator fits on the round's
    date. Retired indicators and those answered from the figures are not asked."""
    members = list(round_.household.members.current().order_by("-is_head", "birth_date", "id"))
    questions = []
    indicators = Indicator.objects.filter(is_active=True, from_income=False, dimension=dimension)
    for indicator in indicators:
        if not indicator.per_member:
            questions.append((indicator, None))
            continue
        questions += [
            (indicator, m)
            for m in members
            if rules.fits(indicator.applies_to, m, round_.assessed_on)
        ]
    return questions


def round_save_answers(
    *, round_: Round, dimension: str, answers: Iterable[tuple[Indicator, object, str, str]]
) -> Round:
    """Save one dimension's answers: (indicator, member or None, value, note) each."""
    _check_draft(round_)
    with transaction.atomic():
        for indicator, member, value, note in answers:
            if value not in AnswerValue.values:
                raise CasePlanError("กรุณาเลือกคำตอบให้ครบทุกข้อ")
            Answer.objects.update_or_create(
                round=round_,
                indicator=indicator,
                member=member,
                defaults={"asked_text": indicator.text, "value": value, "note": note},
            )
        _mark_step(round_, dimension)
        round_.save(update_fields=["steps_done"])
    return round_


def round_save_capitals(*, round_: Round, capitals: dict[str, dict]) -> Round:
    """Save the five capitals: {kind: {"score": 1–5 or None, "items": str, "note": str}}."""
    _check_draft(round_)
    with transaction.atomic():
        for kind in CapitalKind.values:
            values = capitals.get(kind, {})
            Capital.objects.update_or_create(
                round=round_,
                kind=kind,
                defaults={
                    "score": values.get("score"),
                    "items": values.get("items", ""),
                    "note": values.get("note", ""),
                },
            )
        _mark_step(round_, CAPITALS_STEP)
        round_.save(update_fields=["steps_done"])
    return round_


def capitals_to_show(round_: Round) -> dict:
    """The capitals the step starts from: this round's as saved, else the last complete
    round's (what the household had then, to confirm or change)."""
    saved = {c.kind: c for c in round_.capitals.all()}
    if saved:
        return saved
    previous = (
        round_.household.rounds.complete().exclude(pk=round_.pk).order_by("-assessed_on").first()
    )
    return {c.kind: c for c in previous.capitals.all()} if previous else {}


def action_initial_from(suggestion) -> dict:
    """A suggested action as the action form's first values."""
    return {
        "what": suggestion.what,
        "owner_kind": suggestion.owner_kind,
        "agency": suggestion.agency_id,
        "due_on": timezone.localdate() + dt.timedelta(days=suggestion.due_in_days),
    }


def steps_missing(round_: Round) -> list[str]:
    return [step for step in round_steps() if step not in round_.steps_done]


def unmet_indicators(round_: Round) -> list[Indicator]:
    """The indicators not met in the round (for the household or any member)."""
    ids = round_.answers.filter(value=AnswerValue.NOT_MET).values("indicator_id")
    return list(Indicator.objects.filter(id__in=ids))


def round_suggested_level(round_: Round) -> int:
    unmet = [i for i in unmet_indicators(round_) if not i.from_income]
    return rules.suggested_level(round_.annual_income, round_.members, round_.threshold, len(unmet))


def round_complete(*, round_: Round, level: int, reason: str = "", by=None) -> Round:
    """Close the round: keep the suggested and the confirmed level (a different one needs a
    reason), turn unmet answers into problems and solve those a met answer now settles, and
    bring the household's level and figures up to date."""
    _check_draft(round_)
    if missing := steps_missing(round_):
        raise CasePlanError(f"ยังบันทึกไม่ครบ {len(missing)} ขั้น")
    suggested = round_suggested_level(round_)
    if level != suggested and not reason.strip():
        raise CasePlanError("ระดับที่เลือกต่างจากที่ระบบเสนอ กรุณาระบุเหตุผล")
    today = round_.assessed_on
    with transaction.atomic():
        household = Household.objects.select_for_update().get(pk=round_.household_id)
        round_.suggested_level = suggested
        round_.level = level
        round_.level_reason = reason.strip() if level != suggested else ""
        round_.status = RoundStatus.COMPLETE
        round_.completed_at = timezone.now()
        round_.save()
        _problems_from_round(round_, household, today, by)
        household.poverty_level = level
        if round_.kind == RoundKind.ENTRY:
            household.poverty_level_at_entry = level
        household.annual_income = round_.annual_income
        if round_.debts is not None:
            household.debts = round_.debts
        household.save(
            update_fields=[
                "poverty_level",
                "poverty_level_at_entry",
                "annual_income",
                "debts",
                "updated_at",
            ]
        )
    return round_


def _problems_from_round(round_: Round, household: Household, today: dt.date, by) -> None:
    answers = list(round_.answers.select_related("indicator"))
    open_problems = {
        (p.indicator_id, p.member_id): p
        for p in household.problems.open().filter(indicator__isnull=False)
    }
    for answer in answers:
        key = (answer.indicator_id, answer.member_id)
        problem = open_problems.get(key)
        if answer.value == AnswerValue.NOT_MET and problem is None:
            Problem.objects.create(
                household=household,
                dimension=answer.indicator.dimension,
                indicator=answer.indicator,
                member_id=answer.member_id,
                title=answer.asked_text,
                found_in=round_,
                opened_on=today,
                created_by=by,
            )
        elif answer.value == AnswerValue.MET and problem is not None:
            helped = (
                problem.actions.filter(status=ActionStatus.DONE).exists()
                or problem.aid_records.exclude(status=AidStatus.CANCELLED).exists()
            )
            _close(problem, ProblemStatus.SOLVED, rules.solved_by(helped=helped), today, round_)


def _close(problem, status, solved_by, on, round_=None, note=""):
    problem.status = status
    problem.solved_by = solved_by if status == ProblemStatus.SOLVED else ""
    problem.closed_on = on
    problem.solved_in = round_
    if note:
        problem.note = f"{problem.note}\n{note}".strip()
    problem.save()
    # What was still planned for it will not be done now: closed, never recorded as done
    # (a done action is what credits the programme with solving a problem).
    problem.actions.filter(status__in=OPEN_ACTION_STATUSES).update(
        status=ActionStatus.NOT_POSSIBLE, done_on=None
    )


# -- problems and actions ------------------------------------------------------------------
def problem_add(
    *, household: Household, dimension: str, title: str, member=None, note: str = "", by=None
) -> Problem:
    """A problem the buddy names (not from an indicator)."""
    if member is not None and member.household_id != household.pk:
        raise CasePlanError("สมาชิกต้องอยู่ในครัวเรือนนี้")
    return Problem.objects.create(
        household=household,
        dimension=dimension,
        member=member,
        title=title.strip(),
        note=note,
        opened_on=timezone.localdate(),
        created_by=by,
    )


def problem_close(
    *, problem: Problem, status: str, solved_by: str = "", note: str = "", on=None
) -> Problem:
    """The buddy marks a problem solved (saying whether the programme or the household
    solved it) or not possible to solve."""
    if problem.status != ProblemStatus.OPEN:
        raise CasePlanError("ปัญหานี้ปิดไปแล้ว")
    if status not in (ProblemStatus.SOLVED, ProblemStatus.NOT_POSSIBLE):
        raise CasePlanError("สถานะไม่ถูกต้อง")
    if status == ProblemStatus.SOLVED and solved_by not in ("programme", "household"):
        raise CasePlanError("กรุณาระบุว่าแก้ได้ด้วยความช่วยเหลือของโครงการหรือครัวเรือนแก้ได้เอง")
    with transaction.atomic():
        _close(problem, status, solved_by, on or timezone.localdate(), note=note)
    return problem


def problem_reopen(*, problem: Problem, note: str = "") -> Problem:
    problem.status = ProblemStatus.OPEN
    problem.solved_by = ""
    problem.closed_on = None
    problem.solved_in = None
    if note:
        problem.note = f"{problem.note}\n{note}".strip()
    problem.save()
    return problem


def action_add(
    *, problem: Problem, data: dict, token: uuid.UUID | None = None, by=None
) -> tuple[Action, bool]:
    """Add an action to an open problem. Returns (action, created); a resent form (same
    token) returns the first."""
    if problem.status != ProblemStatus.OPEN:
        raise CasePlanError("ปัญหานี้ปิดไปแล้ว เพิ่มกิจกรรมไม่ได้")
    owner = data.get("owner_kind")
    if owner == OwnerKind.AGENCY and not data.get("agency"):
        raise CasePlanError("กรุณาเลือกหน่วยงานที่รับผิดชอบ")
    if owner == OwnerKind.PARTNER and not (data.get("partner") or "").strip():
        raise CasePlanError("กรุณาระบุชื่อภาคีเครือข่ายที่รับผิดชอบ")
    if owner != OwnerKind.AGENCY:
        data = {**data, "agency": None}
    if owner != OwnerKind.PARTNER:
        data = {**data, "partner": ""}
    if token is not None and (made := Action.objects.filter(submission_token=token).first()):
        return made, False
    try:
        with transaction.atomic():
            return (
                Action.objects.create(
                    problem=problem, submission_token=token, created_by=by, **data
                ),
                True,
            )
    except IntegrityError:
        if token is None:
            raise
        return Action.objects.get(submission_token=token), False


def action_update(*, action: Action, status: str, note: str = "") -> Action:
    if status not in ActionStatus.values:
        raise CasePlanError("สถานะไม่ถูกต้อง")
    action.status = status
    action.done_on = timezone.localdate() if status == ActionStatus.DONE else None
    if note:
        action.note = note
    action.save(update_fields=["status", "done_on", "note"])
    return action


def aid_link_problems(*, aid, problems: Iterable[Problem]) -> None:
    """An aid record serves these problems of its household."""
    problems = list(problems)
    if any(p.household_id != aid.household_id for p in problems):
        raise CasePlanError("ปัญหาที่เลือกต้องเป็นของครัวเรือนนี้")
    aid.problems.add(*problems)


# -- graduation and after ------------------------------------------------------------------
def latest_round(household: Household) -> Round | None:
    return household.rounds.complete().order_by("-assessed_on", "-id").first()


def round_shortfalls(latest: Round | None, unmet_dimensions, *, agrees: bool) -> list[str]:
    """What keeps a household from graduating on its latest complete round (None: it has
    none yet), given the dimensions with an unmet indicator in that round."""
    if latest is None:
        return ["ยังไม่มีรอบการสำรวจที่เสร็จแล้ว"]
    return rules.graduation_shortfalls(
        annual_income=latest.annual_income,
        members=latest.members,
        threshold=latest.threshold,
        level=latest.level,
        unmet_dimensions=set(unmet_dimensions),
        agrees=agrees,
    )


def graduation_shortfalls(household: Household, *, agrees: bool) -> list[str]:
    """What keeps the household from graduating now, against its latest round."""
    latest = latest_round(household)
    unmet = [i.dimension for i in unmet_indicators(latest)] if latest else []
    return round_shortfalls(latest, unmet, agrees=agrees)


def graduation_propose(
    *, household: Household, evidence: str, household_agrees: bool, by
) -> Graduation:
    """The buddy proposes that the household has left poverty."""
    if household.status != Status.ACTIVE:
        raise CasePlanError("ครัวเรือนนี้ไม่ได้อยู่ในโครงการ")
    if household.graduations.filter(status=GraduationStatus.PROPOSED).exists():
        raise CasePlanError("มีการเสนอพ้นความยากจนที่รออนุมัติอยู่แล้ว")
    if shortfalls := graduation_shortfalls(household, agrees=household_agrees):
        raise CasePlanError("ยังเสนอไม่ได้: " + "; ".join(shortfalls))
    if not evidence.strip():
        raise CasePlanError("กรุณาระบุหลักฐานและเหตุผล")
    return Graduation.objects.create(
        household=household,
        round=latest_round(household),
        evidence=evidence.strip(),
        household_agrees=household_agrees,
        proposed_by=by,
    )


def graduation_decide(
    *,
    graduation: Graduation,
    approve: bool,
    reason: str,
    by,
    follow_up_official: Official | None = None,
    on: dt.date | None = None,
) -> Graduation:
    """Approve (the household leaves: status, the pairing ended with its reason, follow-up
    checks at KUSEAW_FOLLOW_UP_MONTHS by `follow_up_official`) or send back with a reason."""
    on = on or timezone.localdate()
    if graduation.status != GraduationStatus.PROPOSED:
        raise CasePlanError("การเสนอนี้พิจารณาไปแล้ว")
    if not approve and not reason.strip():
        raise CasePlanError("กรุณาระบุเหตุที่ส่งกลับ")
    with transaction.atomic():
        household = Household.objects.select_for_update().get(pk=graduation.household_id)
        graduation.decided_by = by
        graduation.decided_at = timezone.now()
        graduation.decision_reason = reason.strip()
        if not approve:
            graduation.status = GraduationStatus.RETURNED
            graduation.save()
            return graduation
        pairing = Pairing.objects.open().filter(household=household).first()
        official = follow_up_official or (pairing.official if pairing else None)
        if official is None:
            raise CasePlanError("กรุณาเลือกเจ้าหน้าที่ผู้ติดตามหลังพ้นความยากจน")
        graduation.status = GraduationStatus.APPROVED
        graduation.graduated_on = on
        graduation.save()
        household.status = Status.GRADUATED
        household.save(update_fields=["status", "updated_at"])
        if pairing is not None:
            try:
                pairing_end(pairing=pairing, reason=EndReason.HOUSEHOLD_GRADUATED, ended_on=on)
            except PairingError as error:
                raise CasePlanError(str(error)) from None
        for months in settings.KUSEAW_FOLLOW_UP_MONTHS:
            FollowUpCheck.objects.create(
                graduation=graduation,
                months=months,
                due_on=rules.add_months(on, months),
                official=official,
            )
    return graduation


def follow_up_record(
    *,
    check: FollowUpCheck,
    done_on: dt.date,
    members: int,
    annual_income,
    new_unmet: Iterable[Indicator] = (),
    note: str = "",
    by=None,
) -> FollowUpCheck:
    """Record a follow-up check. A relapse (income below the line on that day, or an
    indicator newly unmet) reopens the case: the household is back in the programme,
    waiting for a buddy, with a problem for each newly unmet indicator."""
    if check.done_on is not None:
        raise CasePlanError("บันทึกการติดตามครั้งนี้ไปแล้ว")
    if check.graduation.status != GraduationStatus.APPROVED:
        raise CasePlanError("ครัวเรือนนี้กลับเข้าโครงการแล้ว")
    if done_on > timezone.localdate():
        raise CasePlanError("วันที่ติดตามต้องไม่เลยวันนี้")
    if done_on < check.graduation.graduated_on:
        raise CasePlanError("วันที่ติดตามต้องไม่ก่อนวันที่พ้นความยากจน")
    if members < 1:
        raise CasePlanError("จำนวนสมาชิกต้องมีอย่างน้อย 1 คน")
    new_unmet = list(new_unmet)
    threshold = income_threshold(done_on)
    relapse = rules.relapsed(
        annual_income=annual_income, members=members, threshold=threshold, new_unmet=len(new_unmet)
    )
    with transaction.atomic():
        check.done_on = done_on
        check.members = members
        check.annual_income = annual_income
        check.note = note
        check.outcome = CheckOutcome.RELAPSED if relapse else CheckOutcome.STILL_OUT
        check.save()
        check.new_unmet.set(new_unmet)
        if relapse:
            _reopen(check, threshold, new_unmet, by)
    return check


def _reopen(check: FollowUpCheck, threshold: int, new_unmet: list[Indicator], by) -> None:
    graduation = check.graduation
    household = Household.objects.select_for_update().get(pk=graduation.household_id)
    reasons = []
    if not rules.reaches_line(check.annual_income, check.members, threshold):
        per_person = rules.income_per_person(check.annual_income, check.members)
        reasons.append(f"รายได้ต่อคนต่อปี {per_person:,} บาท ต่ำกว่าเกณฑ์ จปฐ. {threshold:,} บาท")
    reasons += [f"ตัวชี้วัด {i.code} ไม่ผ่าน" for i in new_unmet]
    graduation.status = GraduationStatus.REOPENED
    graduation.reopened_on = check.done_on
    graduation.reopen_reason = (
        f"การติดตาม {check.months} เดือน: "
        + "; ".join(reasons)
        + (f" ({check.note})" if check.note else "")
    )
    graduation.save()
    household.status = Status.ACTIVE
    household.annual_income = check.annual_income
    household.save(update_fields=["status", "annual_income", "updated_at"])
    for indicator in new_unmet:
        if not household.problems.open().filter(indicator=indicator, member=None).exists():
            Problem.objects.create(
                household=household,
                dimension=indicator.dimension,
                indicator=indicator,
                title=indicator.text,
                opened_on=check.done_on,
                note=graduation.reopen_reason,
                created_by=by,
            )


def follow_up_open_until(household: Household) -> dt.date | None:
    """The last day of a graduated household's follow-up period while a check is pending
    (anonymising waits for it), else None."""
    pending = FollowUpCheck.objects.pending().filter(graduation__household=household)
    last = pending.order_by("-due_on").values_list("due_on", flat=True).first()
    return last


def checks_due_for(official: Official):
    """The follow-up checks this official is named for and has not done yet."""
    if official is None:
        return FollowUpCheck.objects.none()
    return (
        FollowUpCheck.objects.pending()
        .filter(official=official)
        .select_related("graduation__household__subdistrict__district")
        .order_by("due_on")
    )
