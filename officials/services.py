"""Pairing officials with households: the only code that opens or ends a pairing."""

import datetime as dt

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from officials.models import EndReason, Official, Pairing


class PairingError(Exception):
    """A pairing rule was broken; the message is Thai and safe to show to the user."""


def households_per_official() -> int:
    return settings.KUSEAW_HOUSEHOLDS_PER_OFFICIAL


def pairing_create(
    *, official: Official, household, started_on: dt.date | None = None, by=None
) -> Pairing:
    """Make `official` the buddy of `household`.

    Holds under concurrency: the official's row is locked (SELECT … FOR UPDATE) while
    their open pairings are counted, so two requests at once cannot pass the cap; the
    partial unique index on open pairings keeps a household to one buddy.
    """
    started_on = started_on or timezone.localdate()
    with transaction.atomic():
        locked = Official.objects.select_for_update().get(pk=official.pk)
        if not locked.is_active:
            raise PairingError(f"{locked} ไม่ได้ปฏิบัติงานอยู่ จับคู่ไม่ได้")
        if household.status != "active":
            raise PairingError(f"ครัวเรือน {household} ไม่ได้อยู่ในโครงการแล้ว จับคู่ไม่ได้")
        cap = households_per_official()
        if Pairing.objects.open().filter(official=locked).count() >= cap:
            raise PairingError(f"{locked} ดูแลครบ {cap} ครัวเรือนแล้ว")
        if Pairing.objects.open().filter(household_id=household.pk).exists():
            raise PairingError(f"ครัวเรือน {household} มีคู่เสี่ยวดูแลอยู่แล้ว")
        try:
            # A savepoint, so a lost race leaves the caller's transaction usable.
            with transaction.atomic():
                return Pairing.objects.create(
                    official=locked, household=household, started_on=started_on, created_by=by
                )
        except IntegrityError:
            # Another request paired this household between our check and our insert.
            raise PairingError(f"ครัวเรือน {household} มีคู่เสี่ยวดูแลอยู่แล้ว") from None


def pairing_end(
    *, pairing: Pairing, reason: str, ended_on: dt.date | None = None, note: str = ""
) -> Pairing:
    """Close a pairing with a reason; the row stays as history."""
    if reason not in EndReason.values:
        raise PairingError("เหตุที่สิ้นสุดไม่ถูกต้อง")
    ended_on = ended_on or timezone.localdate()
    with transaction.atomic():
        locked = Pairing.objects.select_for_update().get(pk=pairing.pk)
        if locked.ended_on is not None:
            raise PairingError("การจับคู่นี้สิ้นสุดไปแล้ว")
        if ended_on < locked.started_on:
            raise PairingError("วันที่สิ้นสุดต้องไม่ก่อนวันที่เริ่มดูแล")
        locked.ended_on = ended_on
        locked.end_reason = reason
        locked.end_note = note
        locked.save(update_fields=["ended_on", "end_reason", "end_note"])
    return locked


def pairing_reassign(
    *, household, official: Official, reason: str = EndReason.REASSIGNED, note: str = "", by=None
) -> Pairing:
    """End the household's current pairing and pair it with `official`, in one step.

    All or nothing: if the new official is at the cap, the old pairing stays open.
    """
    with transaction.atomic():
        current = (
            Pairing.objects.select_for_update().open().filter(household_id=household.pk).first()
        )
        if current is None:
            raise PairingError(f"ครัวเรือน {household} ยังไม่มีคู่เสี่ยว ให้จับคู่ใหม่แทน")
        if current.official_id == official.pk:
            raise PairingError(f"{official} ดูแลครัวเรือน {household} อยู่แล้ว")
        pairing_end(pairing=current, reason=reason, note=note)
        return pairing_create(official=official, household=household, by=by)
