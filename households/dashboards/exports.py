"""Every dashboard table as an .xlsx file: the same figures as the page, from the same
functions, with the same scope and filters. Text cells go through `neutralise` so that
nothing a user typed (a household code, a name) runs as a formula in a spreadsheet.
Dates are written in the Buddhist Era as text, as the pages show them. National IDs are
never in these tables.
"""

import io
from collections.abc import Callable
from dataclasses import dataclass

from openpyxl import Workbook

from households.dashboards import figures
from households.dashboards.filters import Filters
from households.imports.exports import neutralise
from households.models import PovertyLevel
from kuseaw.thaidate import format_be

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class TableSpec:
    title: str  # the sheet's name (at most 31 characters) and the file's first line
    page: str  # the page the table is on (an invalid filter sends the user back there)
    build: Callable[[Filters], tuple[list, list]]
    personal: bool = False  # on an official's own summary too
    household_list: bool = False  # read the household list's filters


def _be(day) -> str:
    return format_be(day) if day else ""


def _pct(part, whole):
    return round(100 * part / whole, 1) if whole else None


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


def districts_table(filters: Filters):
    header = [
        "อำเภอ",
        "ครัวเรือน",
        "มีคู่เสี่ยว",
        "รอคู่เสี่ยว",
        "เกินกำหนดเยี่ยม",
        "การเยี่ยมในช่วงที่เลือก",
        "การช่วยเหลือ (รายการ)",
        "การช่วยเหลือ (บาท)",
    ]
    rows = [
        [
            r.district.name_th,
            r.total,
            r.paired,
            r.waiting,
            r.overdue,
            r.visits,
            r.aid_records,
            r.aid_baht,
        ]
        for r in figures.by_district(filters)
    ]
    return header, rows


def agencies_table(filters: Filters):
    header = [
        "หน่วยงาน",
        "เจ้าหน้าที่ที่ปฏิบัติงาน",
        "ครัวเรือนที่ดูแลอยู่",
        "เกินกำหนดเยี่ยม",
        "การเยี่ยมในช่วงที่เลือก",
        "การช่วยเหลือที่หน่วยงานให้ (รายการ)",
        "การช่วยเหลือที่หน่วยงานให้ (บาท)",
    ]
    rows = [
        [
            r.agency.name_th if r.agency else "ภาคีอื่นนอกรายชื่อหน่วยงาน",
            r.officials,
            r.households,
            r.overdue,
            r.visits,
            r.aid_records,
            r.aid_baht,
        ]
        for r in figures.by_agency(filters)
    ]
    return header, rows


def officials_table(filters: Filters):
    header = [
        "ชื่อ",
        "หน่วยงาน",
        "อำเภอที่ปฏิบัติงาน",
        "ปฏิบัติงานอยู่",
        "ครัวเรือนที่ดูแลอยู่",
        "เกินกำหนดเยี่ยม",
        "การเยี่ยมในช่วงที่เลือก",
        "เยี่ยมล่าสุด",
    ]
    rows = [
        [
            o.full_name,
            str(o.agency),
            o.district.name_th,
            "ใช่" if o.is_active else "ไม่",
            o.households_now,
            o.overdue,
            o.visits_in_period,
            _be(o.last_visit),
        ]
        for o in figures.add_official_figures(filters, figures.officials_list(filters))
    ]
    return header, rows


def households_table(filters: Filters):
    header = [
        "รหัสครัวเรือน",
        "หัวหน้าครัวเรือน",
        "หมู่ที่",
        "ตำบล",
        "อำเภอ",
        "สถานะ",
        "ระดับความยากจน",
        "ระดับเมื่อเข้าโครงการ",
        "คู่เสี่ยว",
        "หน่วยงานของคู่เสี่ยว",
        "เยี่ยมล่าสุด",
    ]
    rows = [
        [
            h.code,
            h.head_name or "",
            h.village_no,
            h.subdistrict.name_th,
            h.subdistrict.district.name_th,
            h.get_status_display(),
            h.get_poverty_level_display(),
            h.get_poverty_level_at_entry_display(),
            h.buddy_name or "",
            h.buddy_agency or "",
            _be(h.last_visit),
        ]
        for h in figures.household_list(filters)
    ]
    return header, rows


def visits_table(filters: Filters):
    header = ["วันที่เยี่ยม", "รหัสครัวเรือน", "อำเภอ", "ลักษณะ", "ผู้เยี่ยม", "หน่วยงาน"]
    rows = [
        [
            _be(v.visited_on),
            v.household.code,
            v.household.subdistrict.district.name_th,
            v.get_kind_display(),
            v.official.full_name,
            str(v.official.agency),
        ]
        for v in figures.latest_visits(filters)
    ]
    return header, rows


def latest_aid_table(filters: Filters):
    header = ["วันที่", "รหัสครัวเรือน", "อำเภอ", "ด้าน", "รายการ", "ผู้ให้", "มูลค่า (บาท)"]
    header.append("สถานะ")
    rows = [
        [
            _be(a.given_on),
            a.household.code,
            a.household.subdistrict.district.name_th,
            a.get_category_display(),
            a.title,
            a.provider,
            a.value,
            a.get_status_display(),
        ]
        for a in figures.latest_aid(filters)
    ]
    return header, rows


def not_visited_table(filters: Filters):
    header = ["รหัสครัวเรือน", "หัวหน้าครัวเรือน", "อำเภอ", "เยี่ยมล่าสุด", "ไม่ได้เยี่ยม (วัน)"]
    rows = [
        [
            h.code,
            h.head_name or "",
            h.subdistrict.district.name_th,
            _be(h.last_visit) or "ยังไม่เคยเยี่ยม",
            h.days_since,
        ]
        for h in figures.longest_not_visited(filters)
    ]
    return header, rows


OVERVIEW = "dashboard:overview"
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
}


def describe(filters: Filters) -> str:
    """The scope and filters in one Thai line, written above the table."""
    parts = [filters.scope.label]
    if filters.district is not None:
        parts.append(f"อำเภอ{filters.district.name_th}")
    if filters.agency is not None:
        parts.append(f"หน่วยงาน {filters.agency}")
    if filters.official is not None:
        parts.append(f"คู่เสี่ยว {filters.official.full_name}")
    parts.append(f"ช่วงวันที่ {filters.period}")
    return " · ".join(parts)


def workbook(spec: TableSpec, filters: Filters) -> bytes:
    """One sheet: a title line, the scope and filters, a blank line, the table."""
    header, rows = spec.build(filters)
    book = Workbook(write_only=True)
    sheet = book.create_sheet(spec.title[:31])
    sheet.append([neutralise(spec.title)])
    sheet.append([neutralise(describe(filters))])
    sheet.append([])
    sheet.append([neutralise(cell) for cell in header])
    for row in rows:
        sheet.append([neutralise(cell) for cell in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
