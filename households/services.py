"""Writes to a household's case file. Views call these; none writes a model directly.

Who changed what and when is recorded by database triggers (django-pghistory), with the
request's user attached by its middleware, so bulk writes are recorded too.
"""

import datetime as dt
import uuid

from django.db import IntegrityError, transaction
from django.utils import timezone

from households.models import AidRecord, Household, Member, Relation, Visit
from officials.models import Official, Pairing


class CaseFileError(Exception):
    """A rule about the case file was broken; the message is Thai and safe to show."""


def _check_not_future(day: dt.date, what: str) -> None:
    if day > timezone.localdate():
        raise CaseFileError(f"{what}ต้องไม่เลยวันนี้")


def _create_once(model, token: uuid.UUID | None, **fields):
    """Create a row unless one with this submission token exists (a resent form).

    Returns (row, created). The unique index on the token settles two submits racing.
    """
    if token is not None:
        existing = model.objects.filter(submission_token=token).first()
        if existing is not None:
            return existing, False
    try:
        with transaction.atomic():
            return model.objects.create(submission_token=token, **fields), True
    except IntegrityError:
        if token is None:
            raise
        return model.objects.get(submission_token=token), False


def visit_log(
    *,
    household: Household,
    official: Official,
    data: dict,
    token: uuid.UUID | None = None,
    by=None,
) -> tuple[Visit, bool]:
    """Record a visit by the household's current buddy. Returns (visit, created);
    a second submit of the same form (same token) returns the first visit."""
    if not Pairing.objects.open().filter(official=official, household=household).exists():
        raise CaseFileError("บันทึกการเยี่ยมได้เฉพาะคู่เสี่ยวที่ดูแลครัวเรือนนี้อยู่")
    _check_not_future(data["visited_on"], "วันที่เยี่ยม")
    follow_up = data.get("next_follow_up")
    if follow_up and follow_up < data["visited_on"]:
        raise CaseFileError("วันนัดติดตามต้องไม่ก่อนวันที่เยี่ยม")
    return _create_once(Visit, token, household=household, official=official, created_by=by, **data)


def aid_record(
    *, household: Household, data: dict, token: uuid.UUID | None = None, by=None
) -> tuple[AidRecord, bool]:
    """Record aid given or planned for a household, for some of its problems (`problems` in
    `data`, households.cases). Returns (aid, created)."""
    if not data.get("agency") and not data.get("partner"):
        raise CaseFileError("ระบุหน่วยงานหรือภาคีผู้ให้การช่วยเหลืออย่างน้อยหนึ่งอย่าง")
    data = dict(data)
    problems = list(data.pop("problems", None) or [])
    if any(p.household_id != household.pk for p in problems):
        raise CaseFileError("ปัญหาที่เลือกต้องเป็นของครัวเรือนนี้")
    with transaction.atomic():
        aid, created = _create_once(AidRecord, token, household=household, created_by=by, **data)
        if created and problems:
            aid.problems.add(*problems)
    return aid, created


def aid_update(*, aid: AidRecord, status: str, outcome: str) -> AidRecord:
    """Move aid along (planned → in progress → done, or cancelled) and note the outcome."""
    aid.status = status
    aid.outcome = outcome
    aid.save(update_fields=["status", "outcome", "updated_at"])
    return aid


def household_update(*, household: Household, data: dict) -> Household:
    """Change the household's profile (the form has validated the values)."""
    for field, value in data.items():
        setattr(household, field, value)
    if household.consent_given and household.consent_date is None:
        household.consent_date = timezone.localdate()
    household.save()
    return household


def member_save(*, member: Member, by=None) -> Member:
    """Add or change a member; making someone head hands the role over in one step."""
    with transaction.atomic():
        if member.is_head:
            if member.left_on is not None:
                raise CaseFileError("ผู้ที่ย้ายออกแล้วเป็นหัวหน้าครัวเรือนไม่ได้")
            # The former head stays in the household; their relation to the new head is not
            # known here, so «ญาติ» until someone edits it.
            Member.objects.filter(household=member.household, is_head=True).exclude(
                pk=member.pk
            ).update(is_head=False, relation=Relation.RELATIVE)
            member.relation = Relation.HEAD
        member.updated_by = by
        member.save()
    return member


def member_move_out(*, member: Member, left_on: dt.date, by=None) -> Member:
    """Mark a member as moved out; the record stays. The head must be handed over first."""
    if member.is_head:
        raise CaseFileError("ย้ายหัวหน้าครัวเรือนออกไม่ได้ ให้ตั้งหัวหน้าครัวเรือนคนใหม่ก่อน")
    _check_not_future(left_on, "วันที่ย้ายออก")
    member.left_on = left_on
    member.updated_by = by
    member.save(update_fields=["left_on", "updated_by", "updated_at"])
    return member
