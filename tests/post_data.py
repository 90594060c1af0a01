"""What the tests post to the hand-entry forms, and the messages those forms answer with."""

import datetime as dt
import uuid

from django.conf import settings
from django.utils import timezone

from households.models import VisitKind
from kuseaw.thaidate import format_be


def be_numeric(day: dt.date) -> str:
    return format_be(day, "numeric")


def visit_data(**overrides):
    """A visit logged yesterday with a follow-up in 30 days, with its one-time token."""
    today = timezone.localdate()
    data = {
        "visited_on": be_numeric(today - dt.timedelta(days=1)),
        "kind": VisitKind.HOME,
        "findings": "ลูกสาวได้งานที่โรงงานในเมือง รายได้ดีขึ้น",
        "needs_observed": "อยากได้พันธุ์ผักสวนครัว",
        "income_reported": "4500",
        "next_follow_up": be_numeric(today + dt.timedelta(days=30)),
        "token": str(uuid.uuid4()),
    }
    return {**data, **overrides}


def last_allowed_be_year() -> int:
    return timezone.localdate().year + settings.KUSEAW_DATE_YEARS_AHEAD + 543


def out_of_range(be_year: int) -> str:
    """The date fields' message for a year outside KUSEAW_DATE_MIN_YEAR .. years ahead."""
    first = settings.KUSEAW_DATE_MIN_YEAR + 543
    return f"ปี พ.ศ. {be_year} อยู่นอกช่วงที่รับได้ (ตั้งแต่ พ.ศ. {first} ถึง พ.ศ. {last_allowed_be_year()})"
