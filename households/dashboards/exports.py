"""Every dashboard table as an .xlsx file: the same figures as the page, from the same
functions, with the same scope and filters. kuseaw.spreadsheets writes it: text cells are
neutralised so that nothing a user typed (a household code, a name) runs as a formula in a
spreadsheet, and dates are written in the Buddhist Era as text, as the pages show them.
National IDs are never in these tables.
"""

from collections.abc import Callable
from dataclasses import dataclass
from operator import attrgetter, methodcaller

from django.utils import timezone

from households.dashboards import case_plans, figures, partners
from households.dashboards.filters import Filters
from households.models import PovertyLevel
from kuseaw import spreadsheets
from kuseaw.thaidate import format_be


@dataclass(frozen=True)
class TableSpec:
    title: str  # the sheet's name (at most 31 characters) and the file's first line
    page: str  # the page the table is on (an invalid filter sends the user back there)
    build: Callable[[Filters], tuple[list, list]]
    personal: bool = False  # on an official's own summary too
    household_list: bool = False  # read the household list's filters
    period: bool = True  # counts within the date range (else: as things stand today)


def _listed(records, columns) -> tuple[list, list]:
    """The header and one row per record, from (Thai header, value) pairs: the value is an
    attribute path of the record ("district.name_th") or a function of it."""
    values = [attrgetter(value) if isinstance(value, str) else value for _, value in columns]
    return [header for header, _ in columns], [[get(r) for get in values] for r in records]


def _or_blank(path: str):
    """An attribute that may be None (a name, a day never reached), as an empty cell."""
    get = attrgetter(path)
    return lambda record: get(record) or ""


def figures_table(filters: Filters):
    o = figures.overview(filters)
    rows = [
        ["ครัวเรือนทั้งหมด", o.total],
        ["อยู่ในโครงการ", o.active],
        ["พ้นเส้นความยากจน", o.graduated],
        ["ย้ายออก เสียชีวิต หรือยุบครัวเรือน", o.left],
        ["มีคู่เสี่ยวดูแลอยู่", o.paired],
        ["ยังไม่มีคู่เสี่ยว", o.waiting],
        ["เกินกำหนดเยี่ยม", o.overdue],
        ["รายได้ต่อคนถึงเกณฑ์ จปฐ.", o.reached_threshold],
        ["ระดับความยากจนดีขึ้นตั้งแต่เข้าโครงการ", o.better],
        ["ระดับความยากจนเท่าเดิม", o.same],
        ["ระดับความยากจนลดลง", o.worse],
    ]
    if o.officials_active is not None:
        rows.append(["เจ้าหน้าที่คู่เสี่ยวที่ปฏิบัติงานอยู่", o.officials_active])
    rows += [
        ["การเยี่ยมใน 30 วันที่ผ่านมา", o.visits_30d],
        [f"การเยี่ยมในช่วง {o.period}", o.visits_period],
        [f"การช่วยเหลือในช่วง {o.period} (รายการ)", o.aid_records],
        [f"การช่วยเหลือในช่วง {o.period} (บาท)", o.aid_baht],
    ]
    return ["ตัวเลข", "จำนวน"], rows


def levels_table(filters: Filters):
    o = figures.overview(filters)
    header = [
        "ระดับความยากจน",
        "ครัวเรือนตอนนี้",
        "ร้อยละ",
        "เมื่อเข้าโครงการ",
        "ร้อยละ",
        "เปลี่ยนไป",
    ]
    rows = [
        [r.level.label, r.now, r.percent, r.at_entry, r.percent_at_entry, r.change]
        for r in o.levels
    ]
    rows.append(["รวม", o.total, 100 if o.total else None, o.total, 100 if o.total else None, 0])
    return header, rows


def transitions_table(filters: Filters):
    o = figures.overview(filters)
    header = ["ระดับเมื่อเข้าโครงการ", *[f"ตอนนี้ {label}" for label in PovertyLevel.labels]]
    header.append("รวม")
    rows = [[r.level.label, *r.now, r.total] for r in o.transitions]
    return header, rows


def aid_table(filters: Filters):
    o = figures.overview(filters)
    header = ["ด้าน", "รายการ", "มูลค่า (บาท)", "เสร็จสิ้นแล้ว (รายการ)", "มูลค่าที่เสร็จสิ้น (บาท)"]
    rows = [[r.category.label, r.records, r.baht, r.done, r.done_baht] for r in o.aid]
    rows.append(["รวม", o.aid_records, o.aid_baht, o.aid_done, o.aid_done_baht])
    return header, rows


def months_table(filters: Filters):
    o = figures.overview(filters)
    header = ["เดือน", "การเยี่ยม", "การช่วยเหลือ (รายการ)", "การช่วยเหลือ (บาท)"]
    rows = [[format_be(r.month, "month"), r.visits, r.aid_records, r.aid_baht] for r in o.months]
    return header, rows


DISTRICT_COLUMNS = (
    ("อำเภอ", "district.name_th"),
    ("ครัวเรือน", "total"),
    ("มีคู่เสี่ยว", "paired"),
    ("รอคู่เสี่ยว", "waiting"),
    ("เกินกำหนดเยี่ยม", "overdue"),
    ("การเยี่ยมในช่วงที่เลือก", "visits"),
    ("การช่วยเหลือ (รายการ)", "aid_records"),
    ("การช่วยเหลือ (บาท)", "aid_baht"),
)


def districts_table(filters: Filters):
    return _listed(figures.by_district(filters), DISTRICT_COLUMNS)


AGENCY_COLUMNS = (
    ("หน่วยงาน", lambda r: r.agency.name_th if r.agency else "ภาคีอื่นนอกรายชื่อหน่วยงาน"),
    ("เจ้าหน้าที่ที่ปฏิบัติงาน", "officials"),
    ("ครัวเรือนที่ดูแลอยู่", "households"),
    ("เกินกำหนดเยี่ยม", "overdue"),
    ("การเยี่ยมในช่วงที่เลือก", "visits"),
    ("การช่วยเหลือที่หน่วยงานให้ (รายการ)", "aid_records"),
    ("การช่วยเหลือที่หน่วยงานให้ (บาท)", "aid_baht"),
)


def agencies_table(filters: Filters):
    return _listed(figures.by_agency(filters), AGENCY_COLUMNS)


OFFICIAL_COLUMNS = (
    ("ชื่อ", "full_name"),
    ("หน่วยงาน", lambda o: str(o.agency)),
    ("อำเภอที่ปฏิบัติงาน", "district.name_th"),
    ("ปฏิบัติงานอยู่", lambda o: "ใช่" if o.is_active else "ไม่"),
    ("ครัวเรือนที่ดูแลอยู่", "households_now"),
    ("เกินกำหนดเยี่ยม", "overdue"),
    ("การเยี่ยมในช่วงที่เลือก", "visits_in_period"),
    ("เยี่ยมล่าสุด", _or_blank("last_visit")),
    ("ปัญหาของครัวเรือนที่ดูแล", "share.problems"),
    ("แก้ได้แล้ว", "share.solved"),
    ("ร้อยละที่แก้ได้", "share.percent"),
)


def officials_table(filters: Filters):
    officials = figures.officials_list(filters)
    rows = figures.add_official_figures(filters, officials)
    case_plans.add_official_shares(filters, rows, ids=officials)
    return _listed(rows, OFFICIAL_COLUMNS)


HOUSEHOLD_COLUMNS = (
    ("รหัสครัวเรือน", "code"),
    ("หัวหน้าครัวเรือน", _or_blank("head_name")),
    ("หมู่ที่", "village_no"),
    ("ตำบล", "subdistrict.name_th"),
    ("อำเภอ", "subdistrict.district.name_th"),
    ("สถานะ", methodcaller("get_status_display")),
    ("ระดับความยากจน", methodcaller("get_poverty_level_display")),
    ("ระดับเมื่อเข้าโครงการ", methodcaller("get_poverty_level_at_entry_display")),
    ("คู่เสี่ยว", _or_blank("buddy_name")),
    ("หน่วยงานของคู่เสี่ยว", _or_blank("buddy_agency")),
    ("เยี่ยมล่าสุด", _or_blank("last_visit")),
)


def households_table(filters: Filters):
    return _listed(figures.household_list(filters), HOUSEHOLD_COLUMNS)


VISIT_COLUMNS = (
    ("วันที่เยี่ยม", "visited_on"),
    ("รหัสครัวเรือน", "household.code"),
    ("อำเภอ", "household.subdistrict.district.name_th"),
    ("ลักษณะ", methodcaller("get_kind_display")),
    ("ผู้เยี่ยม", "official.full_name"),
    ("หน่วยงาน", lambda v: str(v.official.agency)),
)


def visits_table(filters: Filters):
    return _listed(figures.latest_visits(filters), VISIT_COLUMNS)


LATEST_AID_COLUMNS = (
    ("วันที่", "given_on"),
    ("รหัสครัวเรือน", "household.code"),
    ("อำเภอ", "household.subdistrict.district.name_th"),
    ("ด้าน", methodcaller("get_category_display")),
    ("รายการ", "title"),
    ("ผู้ให้", "provider"),
    ("มูลค่า (บาท)", "value"),
    ("สถานะ", methodcaller("get_status_display")),
)


def latest_aid_table(filters: Filters):
    return _listed(figures.latest_aid(filters), LATEST_AID_COLUMNS)


NOT_VISITED_COLUMNS = (
    ("รหัสครัวเรือน", "code"),
    ("หัวหน้าครัวเรือน", _or_blank("head_name")),
    ("อำเภอ", "subdistrict.district.name_th"),
    ("เยี่ยมล่าสุด", lambda h: h.last_visit or "ยังไม่เคยเยี่ยม"),
    ("ไม่ได้เยี่ยม (วัน)", "days_since"),
)


def not_visited_table(filters: Filters):
    return _listed(figures.longest_not_visited(filters), NOT_VISITED_COLUMNS)


SHARE_COLUMNS = (
    ("ปัญหาทั้งหมด", "problems"),
    ("แก้ได้แล้ว", "solved"),
    ("ร้อยละที่แก้ได้", "percent"),
    ("ยังไม่แก้", "open"),
    ("แก้ไม่ได้", "not_possible"),
)


def plan_problems_table(filters: Filters):
    problems = case_plans.problem_figures(filters)
    header = [
        "มิติ",
        "ยังไม่แก้",
        "แก้ได้ด้วยความช่วยเหลือของโครงการ",
        "ครัวเรือนแก้ได้เอง",
        "แก้ไม่ได้",
        "รวม",
    ]
    rows = [
        [r.dimension.label, r.open, r.by_programme, r.by_household, r.not_possible, r.problems]
        for r in problems.dimensions
    ]
    t = problems.total
    rows.append(["รวม", t.open, t.by_programme, t.by_household, t.not_possible, t.problems])
    return header, rows


def plan_districts_table(filters: Filters):
    rows = case_plans.problem_figures(filters).districts
    return _listed(rows, (("อำเภอ", "district.name_th"), *SHARE_COLUMNS))


NEVER_PAIRED = "ครัวเรือนที่ยังไม่เคยมีคู่เสี่ยว"


def plan_agencies_table(filters: Filters):
    rows = case_plans.problem_figures(filters).agencies
    agency = ("หน่วยงานของคู่เสี่ยว", lambda r: r.agency.name_th if r.agency else NEVER_PAIRED)
    return _listed(rows, (agency, *SHARE_COLUMNS))


def plan_overdue_table(filters: Filters):
    rows = case_plans.overdue_actions(filters)
    columns = (
        ("ผู้รับผิดชอบ", "owner"),
        ("กิจกรรมที่ยังไม่เสร็จ", "open"),
        ("เกินกำหนด", "overdue"),
        ("ร้อยละที่เกินกำหนด", "percent"),
    )
    return _listed(rows, columns)


def plan_funnel_table(filters: Filters):
    funnel = case_plans.graduation_funnel(filters)
    return ["ขั้น", "ครัวเรือน"], [[label, n] for _, label, n in funnel.steps()]


def plan_levels_table(filters: Filters):
    changes = case_plans.level_changes(filters)
    header = ["ระดับในรอบแรก", *[f"รอบล่าสุด {label}" for label in PovertyLevel.labels], "รวม"]
    rows = [[r.level.label, *r.latest, r.total] for r in changes.rows]
    rows += [
        [],
        ["ดีขึ้น", changes.better],
        ["เท่าเดิม", changes.same],
        ["ลดลง", changes.worse],
        ["รวม", changes.total],
    ]
    return header, rows


REFERRAL_COLUMNS = (
    ("หน่วยงาน/ภาคี", "agency.name_th"),
    ("ภาคส่วน", lambda r: r.agency.get_sector_display()),
    ("ส่งต่อ", "sent"),
    ("รอตอบรับ", "waiting"),
    ("กำลังดำเนินการ", "in_progress"),
    ("เสร็จ", "done"),
    ("ปฏิเสธ", "declined"),
    ("เลยกำหนด", "overdue"),
    (
        "วันจนตอบรับ (ค่ากลาง)",
        lambda r: "" if r.median_days_to_accept is None else r.median_days_to_accept,
    ),
)
SECTOR_COLUMNS = (
    ("ภาคส่วน", "label"),
    ("ช่วยเหลือ (รายการ)", "aid_records"),
    ("ช่วยเหลือ (บาท)", "aid_baht"),
    ("ส่งต่อที่เสร็จ", "referrals_done"),
)
GAP_COLUMNS = (
    ("อำเภอ", "district.name_th"),
    ("รอคู่เสี่ยว", "waiting"),
    ("ที่ว่างของเจ้าหน้าที่", "free_places"),
    ("คู่เสี่ยวที่ยังขาด", "buddies_missing"),
    ("อาสาสมัครที่ภาคีเสนอ", "volunteer_places"),
)


def partner_referrals_table(filters: Filters):
    return _listed(partners.referral_rows(filters), REFERRAL_COLUMNS)


def partner_sectors_table(filters: Filters):
    return _listed(partners.contributions_by_sector(filters), SECTOR_COLUMNS)


def buddies_missing_table(filters: Filters):
    return _listed(partners.buddies_missing(filters), GAP_COLUMNS)


OVERVIEW = "dashboard:overview"
PARTNERS = "dashboard:partners"
PLANS, PROGRESS = "dashboard:plans", "dashboard:plan_progress"
TABLES = {
    "figures": TableSpec("ตัวเลขสำคัญ", OVERVIEW, figures_table, personal=True),
    "levels": TableSpec("ระดับความยากจน", OVERVIEW, levels_table, personal=True),
    "transitions": TableSpec("การเปลี่ยนระดับ", OVERVIEW, transitions_table, personal=True),
    "aid": TableSpec("การช่วยเหลือตามด้าน", OVERVIEW, aid_table, personal=True),
    "months": TableSpec("แนวโน้มรายเดือน", OVERVIEW, months_table, personal=True),
    "districts": TableSpec("รายอำเภอ", "dashboard:districts", districts_table),
    "agencies": TableSpec("รายหน่วยงาน", "dashboard:agencies", agencies_table),
    "officials": TableSpec("รายเจ้าหน้าที่", "dashboard:officials", officials_table),
    "households": TableSpec(
        "รายชื่อครัวเรือน", "dashboard:households", households_table, household_list=True
    ),
    "visits": TableSpec("การเยี่ยมล่าสุด", "dashboard:activity", visits_table),
    "latest-aid": TableSpec("การช่วยเหลือล่าสุด", "dashboard:activity", latest_aid_table),
    "not-visited": TableSpec("ไม่ได้เยี่ยมนานที่สุด", "dashboard:activity", not_visited_table),
    "plan-problems": TableSpec("ปัญหาตามมิติ", PLANS, plan_problems_table, period=False),
    "plan-districts": TableSpec("การแก้ปัญหารายอำเภอ", PLANS, plan_districts_table, period=False),
    "plan-agencies": TableSpec("การแก้ปัญหารายหน่วยงาน", PLANS, plan_agencies_table, period=False),
    "plan-overdue": TableSpec("กิจกรรมที่เกินกำหนด", PROGRESS, plan_overdue_table, period=False),
    "plan-funnel": TableSpec("การพ้นความยากจน", PROGRESS, plan_funnel_table, period=False),
    "plan-levels": TableSpec("ระดับระหว่างรอบการสำรวจ", PROGRESS, plan_levels_table, period=False),
    "partner-referrals": TableSpec("การส่งต่อรายหน่วยงานและภาคี", PARTNERS, partner_referrals_table),
    "partner-sectors": TableSpec("สิ่งที่แต่ละภาคส่วนช่วย", PARTNERS, partner_sectors_table),
    "buddies-missing": TableSpec(
        "คู่เสี่ยวที่ยังขาดรายอำเภอ", PARTNERS, buddies_missing_table, period=False
    ),
}


def describe(filters: Filters, *, period: bool = True) -> str:
    """The scope and filters in one Thai line, written above the table; without `period`,
    the day the figures stand on instead of the date range."""
    parts = [filters.scope.label]
    if filters.district is not None:
        parts.append(f"อำเภอ{filters.district.name_th}")
    if filters.agency is not None:
        parts.append(f"หน่วยงาน {filters.agency}")
    if filters.official is not None:
        parts.append(f"คู่เสี่ยว {filters.official.full_name}")
    if period:
        parts.append(f"ช่วงวันที่ {filters.period}")
    else:
        parts.append(f"ข้อมูล ณ {format_be(timezone.localdate())}")
    return " · ".join(parts)


def workbook(spec: TableSpec, filters: Filters) -> bytes:
    """One sheet: a title line, the scope and filters, a blank line, the table."""
    header, rows = spec.build(filters)
    above = [spec.title, describe(filters, period=spec.period)]
    sheet = spreadsheets.Sheet(spec.title, header, rows, above=above)
    return spreadsheets.to_xlsx(sheet)
