"""Writes of households.referrals: an offer taken into a household's plan, and a problem
referred to an agency or partner, with each step of the referral."""

import datetime as dt
import uuid
from contextlib import contextmanager

from django.db import IntegrityError, transaction
from django.utils import timezone

from households.cases import services as case_services
from households.cases.models import Action, OwnerKind, Problem, ProblemStatus
from households.referrals import notify
from households.referrals.models import Offer, Referral, ReferralStatus

# An offer without an end date is due this long after it is taken into the plan.
DUE_IN_DAYS = 30


def action_from_offer(
    *, problem: Problem, offer: Offer, token: uuid.UUID | None = None, by=None
) -> tuple[Action, bool]:
    """The offer as an action of the problem's plan, owned by the organisation that makes
    it, due when the offer ends (or in DUE_IN_DAYS). Returns (action, created); a resent
    form (same token) returns the first. Raises CasePlanError for a closed problem."""
    today = timezone.localdate()
    due = offer.ends_on if offer.ends_on and offer.ends_on >= today else None
    data = {
        "what": f"{offer.get_kind_display()}: {offer.title}"[:300],
        "owner_kind": OwnerKind.AGENCY,
        "agency": offer.agency,
        "partner": "",
        "due_on": due or today + dt.timedelta(days=DUE_IN_DAYS),
        "note": f"จากข้อเสนอ «{offer.title}» ของ{offer.agency.name_th}"[:2000],
    }
    return case_services.action_add(problem=problem, data=data, token=token, by=by)


# -- referrals (การส่งต่อ) ----------------------------------------------------------------


class ReferralError(Exception):
    """A referral step that cannot be taken; the message is Thai and safe to show."""


def referral_send(
    *,
    problem: Problem,
    agency,
    offer: Offer | None,
    message: str,
    due_on: dt.date,
    by,
    token: uuid.UUID | None = None,
) -> tuple[Referral, bool]:
    """Refer an open problem to an agency or partner (to one of its open offers, or for
    what the message asks). Returns (referral, created); a resent form (same token)
    returns the first. The organisation's coordinators are told by e-mail once it is
    saved (notify.referral_sent)."""
    if problem.status != ProblemStatus.OPEN:
        raise ReferralError("ปัญหานี้ปิดไปแล้ว ส่งต่อไม่ได้")
    if offer is not None:
        if offer.agency_id != agency.pk:
            raise ReferralError("ข้อเสนอนี้ไม่ใช่ของหน่วยงานที่เลือก")
        if not Offer.objects.open_on().filter(pk=offer.pk).exists():
            raise ReferralError("ข้อเสนอนี้ปิดรับหรือหมดเขตแล้ว")
    if not agency.is_active:
        raise ReferralError("หน่วยงานนี้ไม่ได้ใช้งานแล้ว")
    if token is not None and (made := Referral.objects.filter(submission_token=token).first()):
        return made, False
    try:
        with transaction.atomic():
            referral = Referral.objects.create(
                household_id=problem.household_id,
                problem=problem,
                agency=agency,
                offer=offer,
                message=message.strip(),
                due_on=due_on,
                sent_on=timezone.localdate(),
                sent_by=by,
                submission_token=token,
            )
    except IntegrityError:
        if token is None:
            raise
        return Referral.objects.get(submission_token=token), False
    transaction.on_commit(lambda: notify.referral_sent(referral))
    return referral, True


def may_answer(user, referral: Referral) -> bool:
    """The organisation's coordinators (and admins) answer a referral: its inbox."""
    return Referral.objects.inbox_of(user).filter(pk=referral.pk).exists()


# Each step: the status it starts from, and what is said when the referral is elsewhere.
_STEP_FROM = {
    "accept": (ReferralStatus.SENT, "ตอบรับได้เฉพาะเรื่องที่ยังรอตอบรับ"),
    "decline": (ReferralStatus.SENT, "ปฏิเสธได้เฉพาะเรื่องที่ยังรอตอบรับ"),
    "done": (ReferralStatus.ACCEPTED, "บันทึกผลได้เมื่อรับเรื่องแล้ว"),
}


@contextmanager
def _step(referral: Referral, step: str):
    """The referral locked for one step, refused unless it is where the step starts."""
    expected, refusal = _STEP_FROM[step]
    with transaction.atomic():
        locked = Referral.objects.select_for_update().get(pk=referral.pk)
        if locked.status != expected:
            raise ReferralError(refusal)
        yield locked


def referral_accept(*, referral: Referral, by) -> Referral:
    """The organisation takes it on; one of its offer's places is then used (refused when
    none is left: the offer row is locked, so two acceptances cannot share the last)."""
    with _step(referral, "accept") as referral:
        if referral.offer_id is not None:
            offer = Offer.objects.select_for_update().get(pk=referral.offer_id)
            if offer.places_left() <= 0:
                raise ReferralError(f"«{offer.title}» รับครบ {offer.capacity:,} แล้ว")
        referral.status = ReferralStatus.ACCEPTED
        referral.answered_on, referral.answered_by = timezone.localdate(), by
        referral.save(update_fields=["status", "answered_on", "answered_by"])
    return referral


def referral_decline(*, referral: Referral, reason: str, by) -> Referral:
    if not reason.strip():
        raise ReferralError("กรุณาระบุเหตุที่ปฏิเสธ")
    with _step(referral, "decline") as referral:
        referral.status, referral.decline_reason = ReferralStatus.DECLINED, reason.strip()
        referral.answered_on, referral.answered_by = timezone.localdate(), by
        referral.save(update_fields=["status", "decline_reason", "answered_on", "answered_by"])
    return referral


def referral_done(*, referral: Referral, outcome: str, by) -> Referral:
    if not outcome.strip():
        raise ReferralError("กรุณาระบุผลการดำเนินการ")
    with _step(referral, "done") as referral:
        referral.status, referral.outcome = ReferralStatus.DONE, outcome.strip()
        referral.done_on = timezone.localdate()
        referral.save(update_fields=["status", "outcome", "done_on"])
    return referral
