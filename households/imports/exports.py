"""Export the households, visits and aid records a user may see, as .xlsx or .csv.

Every query starts from Household.objects.visible_to(user). The files are written by
kuseaw.spreadsheets, which neutralises every cell a spreadsheet would run as a formula.
"""

from django.db.models import Count, Q

from households.models import AidRecord, Household, Member, PovertyLevel, Visit
from kuseaw import spreadsheets
from kuseaw.national_id import mask_national_id
from officials.roles import is_admin


def may_see_national_ids(user) -> bool:
    return is_admin(user)


def filter_households(queryset, params):
    """The list filters shared by the export links: status, level, district, subdistrict, q.
    A value no household could have (garbage typed into the URL) filters everything out."""
    # PostgreSQL refuses text with NUL characters: no real value has one.
    given = {name: (params.get(name) or "").replace("\x00", "\ufffd") for name in FILTERS}
    if given["status"]:
        queryset = queryset.filter(status=given["status"])
    if given["poverty_level"]:
        if given["poverty_level"] not in {str(level) for level in PovertyLevel.values}:
            return queryset.none()
        queryset = queryset.filter(poverty_level=given["poverty_level"])
    if given["district"]:
        queryset = queryset.filter(subdistrict__district_id=given["district"])
    if given["subdistrict"]:
        queryset = queryset.filter(subdistrict_id=given["subdistrict"])
    if q := given["q"].strip():
        queryset = queryset.filter(Q(code__icontains=q) | Q(village_name__icontains=q))
    return queryset


FILTERS = ("status", "poverty_level", "district", "subdistrict", "q")


def household_rows(user, params):
    show_ids = may_see_national_ids(user)
    households = (
        filter_households(Household.objects.visible_to(user), params)
        .select_related("subdistrict__district")
        .annotate(member_count=Count("members", filter=Q(members__left_on__isnull=True)))
        .order_by("code")
    )
    heads = {
        m.household_id: m
        for m in Member.objects.filter(household__in=households, is_head=True).only(
            "household_id", "title", "first_name", "last_name", "national_id"
        )
    }
    header = [
        "รหัสครัวเรือน",
        "คำนำหน้า",
        "ชื่อ",
        "นามสกุล",
        "เลขประจำตัวประชาชน",
        "บ้านเลขที่",
        "หมู่ที่",
        "ชื่อหมู่บ้าน",
        "ตำบล",
        "อำเภอ",
        "โทรศัพท์",
        "สถานะ",
        "ระดับความยากจน",
        "จำนวนสมาชิก",
        "รายได้ครัวเรือนต่อปี (บาท)",
        "วันที่เข้าโครงการ",
    ]
    rows = []
    for h in households:
        head = heads.get(h.pk)
        nid = head.national_id if head else None
        rows.append(
            [
                h.code,
                head.title if head else "",
                head.first_name if head else "",
                head.last_name if head else "",
                (nid or "") if show_ids else mask_national_id(nid),
                h.house_no,
                h.village_no,
                h.village_name,
                h.subdistrict.name_th,
                h.subdistrict.district.name_th,
                h.phone,
                h.get_status_display(),
                h.get_poverty_level_display(),
                h.member_count,
                h.annual_income,
                h.joined_on,
            ]
        )
    return header, rows


def visit_rows(user, params):
    households = filter_households(Household.objects.visible_to(user), params)
    visits = (
        Visit.objects.filter(household__in=households)
        .select_related("household", "official__user")
        .order_by("household__code", "-visited_on")
    )
    header = [
        "รหัสครัวเรือน",
        "วันที่เยี่ยม",
        "ลักษณะ",
        "ผู้เยี่ยม",
        "สิ่งที่พบ",
        "ความต้องการที่พบ",
        "รายได้ที่แจ้ง (บาท/เดือน)",
        "นัดติดตามครั้งต่อไป",
    ]
    rows = [
        [
            v.household.code,
            v.visited_on,
            v.get_kind_display(),
            v.official.full_name,
            v.findings,
            v.needs_observed,
            v.income_reported,
            v.next_follow_up,
        ]
        for v in visits
    ]
    return header, rows


def aid_rows(user, params):
    households = filter_households(Household.objects.visible_to(user), params)
    records = (
        AidRecord.objects.filter(household__in=households)
        .select_related("household", "agency")
        .order_by("household__code", "-given_on")
    )
    header = ["รหัสครัวเรือน", "ด้าน", "รายการช่วยเหลือ", "ผู้ให้", "วันที่", "มูลค่า (บาท)"]
    header += ["สถานะ", "ผลที่เกิดขึ้น"]
    rows = [
        [
            a.household.code,
            a.get_category_display(),
            a.title,
            a.provider,
            a.given_on,
            a.value,
            a.get_status_display(),
            a.outcome,
        ]
        for a in records
    ]
    return header, rows


EXPORTS = {
    "households": ("ครัวเรือน", household_rows),
    "visits": ("การเยี่ยม", visit_rows),
    "aid": ("การช่วยเหลือ", aid_rows),
}


def export(user, what: str, fmt: str, params) -> tuple[bytes, str]:
    """The file's bytes and its content type."""
    title, build = EXPORTS[what]
    sheet = spreadsheets.Sheet(title, *build(user, params))
    # Dates in the Buddhist Era as the import reads them back (15/02/2564), like every export.
    if fmt == "xlsx":
        return spreadsheets.to_xlsx(sheet, dates="numeric"), spreadsheets.XLSX
    return spreadsheets.to_csv(sheet, dates="numeric"), spreadsheets.CSV
