"""The family profile's downloads: which households a batch holds, and the PDF with its lines
in the access log (one per household in it).

A batch is the households of one district or subdistrict that Household.objects.visible_to
gives the user, at most KUSEAW_PROFILE_BATCH_MAX of them. What is wrong with a request is a
BatchRefused with a Thai message and the status to answer with.
"""

from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from agencies.models import District, Subdistrict
from households.audit import log_access
from households.models import AccessAction, Household, Status
from households.profiles import content, document

DOCUMENT = "แฟ้มครอบครัว (PDF)"


class BatchRefused(Exception):
    """The batch cannot be made; `message` is Thai and safe to show."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.message = message
        self.status = status


@dataclass(frozen=True)
class Batch:
    place: str  # «อำเภอเมืองขอนแก่น», «ตำบลในเมือง อำเภอเมืองขอนแก่น»
    code: str
    households: QuerySet
    count: int


def _shown(value: str) -> str:
    return value if len(value) <= 20 else f"{value[:20]}…"


def _place(params) -> tuple[str, str, dict]:
    """(the place's name, its code, the filter) from ?district= or ?subdistrict=."""
    district = params.get("district", "").strip()
    subdistrict = params.get("subdistrict", "").strip()
    if district and subdistrict:
        raise BatchRefused("เลือกอำเภอหรือตำบลอย่างใดอย่างหนึ่ง ไม่ใช่ทั้งสองอย่าง")
    if not district and not subdistrict:
        raise BatchRefused("กรุณาระบุอำเภอหรือตำบลของครัวเรือนที่ต้องการพิมพ์แฟ้มครอบครัว")
    if district:
        found = None
        if district.isascii() and district.isdigit() and len(district) == 4:
            found = District.objects.filter(code=district).first()
        if found is None:
            raise BatchRefused(f"ไม่พบอำเภอรหัส «{_shown(district)}»")
        return f"อำเภอ{found.name_th}", found.code, {"subdistrict__district_id": found.code}
    found = None
    if subdistrict.isascii() and subdistrict.isdigit() and len(subdistrict) == 6:
        found = Subdistrict.objects.select_related("district").filter(code=subdistrict).first()
    if found is None:
        raise BatchRefused(f"ไม่พบตำบลรหัส «{_shown(subdistrict)}»")
    place = f"ตำบล{found.name_th} อำเภอ{found.district.name_th}"
    return place, found.code, {"subdistrict_id": found.code}


def batch_for(user, params) -> Batch:
    """The batch the query string asks for: ?district=<code> or ?subdistrict=<code>, and
    optionally ?status=<a household status>. Refused (400) when a parameter is missing or
    wrong or the batch is larger than KUSEAW_PROFILE_BATCH_MAX; (404) when the user sees no
    household there, whether the place is outside their scope or has none."""
    place, code, where = _place(params)
    households = Household.objects.visible_to(user).filter(**where)
    status = params.get("status", "").strip()
    if status:
        if status not in Status.values:
            raise BatchRefused(f"ไม่รู้จักสถานะ «{_shown(status)}»")
        households = households.filter(status=status)
        place += f" ({Status(status).label})"
    count = households.count()
    if count == 0:
        raise BatchRefused(f"ไม่มีครัวเรือนใน{place}ที่บัญชีของคุณดูได้", status=404)
    limit = settings.KUSEAW_PROFILE_BATCH_MAX
    if count > limit:
        raise BatchRefused(
            f"{place}มีครัวเรือน {count:,} ครัวเรือน เกินกว่าที่พิมพ์ได้ครั้งละ {limit:,}"
            " ครัวเรือน กรุณาเลือกเป็นรายตำบล หรือเลือกเฉพาะสถานะ"
        )
    ordered = households.order_by("subdistrict_id", "village_no", "code")
    return Batch(place=place, code=code, households=ordered, count=count)


def _download(actor, households, *, title: str, description: str) -> bytes:
    """The PDF of these households, logged once per household in it."""
    user = getattr(actor, "user", actor)
    profiles = content.profiles_for(user, households)
    data = document.render(profiles, title=title, printed_on=timezone.localdate())
    with transaction.atomic():
        for profile in profiles:
            log_access(
                actor,
                AccessAction.PROFILE_DOWNLOADED,
                household=profile.household,
                description=description,
            )
    return data


def household_pdf(actor, household: Household) -> bytes:
    """One household's profile; `actor` is the request (its path is logged) or the user.
    The caller has checked that the user sees the household."""
    households = Household.objects.filter(pk=household.pk)
    return _download(actor, households, title=f"แฟ้มครอบครัว {household.code}", description=DOCUMENT)


def batch_pdf(actor, batch: Batch) -> bytes:
    """The profiles of a batch (batch_for), one after another."""
    return _download(
        actor,
        batch.households,
        title=f"แฟ้มครอบครัว {batch.place}",
        description=f"{DOCUMENT} ชุด{batch.place} {batch.count:,} ครัวเรือน",
    )
