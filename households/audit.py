"""The access log: who opened which case file or exported which list, and when.

`log_access` is the only code that writes AccessLog; a database trigger refuses any
update or delete of its rows, so nobody can change the log through the app, the admin
or the ORM. (The change history of the case file itself is kept by django-pghistory's
triggers; see households.history.)
"""

from django.http import HttpRequest

from agencies.models import District, Subdistrict
from households.models import AccessAction, AccessLog, Household, PovertyLevel, Status
from kuseaw.national_id import mask_national_id

EXPORT_TITLES = {"households": "รายชื่อครัวเรือน", "visits": "การเยี่ยม", "aid": "การช่วยเหลือ"}


def log_access(
    request_or_user,
    action: AccessAction,
    *,
    household: Household | None = None,
    description: str = "",
) -> AccessLog:
    """Append one line to the access log. Given a request, its path (without the query
    string, which may hold search terms) is kept too."""
    if isinstance(request_or_user, HttpRequest):
        user, path = request_or_user.user, request_or_user.path
    else:
        user, path = request_or_user, ""
    return AccessLog.objects.create(
        user=user if getattr(user, "is_authenticated", False) else None,
        action=action,
        household=household,
        household_code=household.code if household is not None else "",
        # PostgreSQL refuses NUL in text; a filter typed into a URL may hold one.
        description=description.replace("\x00", "\ufffd")[:500],
        path=path.replace("\x00", "\ufffd")[:500],
    )


def _choice_label(choices, value) -> str | None:
    return next((label for key, label in choices if str(key) == str(value)), None)


def _place_name(model, value) -> str | None:
    if not str(value).isdecimal():  # isdigit() would let «²» through to int()
        return None
    return model.objects.filter(pk=int(value)).values_list("name_th", flat=True).first()


def describe_export(what: str, fmt: str, params) -> str:
    """The exported list and its filters in words, e.g. «รายชื่อครัวเรือน (.xlsx) สถานะ
    อยู่ในโครงการ · อำเภอเมืองขอนแก่น». Unknown values are named as they were given."""
    parts = []
    if value := params.get("status"):
        parts.append(f"สถานะ {_choice_label(Status.choices, value) or value}")
    if value := params.get("poverty_level"):
        parts.append(f"ระดับ {_choice_label(PovertyLevel.choices, value) or value}")
    if value := params.get("district"):
        parts.append(f"อำเภอ{_place_name(District, value) or f' รหัส {value}'}")
    if value := params.get("subdistrict"):
        parts.append(f"ตำบล{_place_name(Subdistrict, value) or f' รหัส {value}'}")
    if value := params.get("q", "").strip():
        parts.append(f"ค้นหา «{value}»")
    title = f"{EXPORT_TITLES.get(what, what)} (.{fmt})"
    return f"{title} {' · '.join(parts)}" if parts else f"{title} ทั้งหมดที่มีสิทธิ์เห็น"


def describe_person(national_id: str) -> str:
    """How a person export names its subject in the log: never the full ID."""
    return f"ข้อมูลทั้งหมดของบุคคลเลขประจำตัว {mask_national_id(national_id)}"
