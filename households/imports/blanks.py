"""Workbooks handed to the admin: a blank template per import type, a job's errors, and
the rows an import did not take, returned in the file's own layout with the reasons."""

import io
import re
from dataclasses import dataclass

from openpyxl import Workbook
from openpyxl.styles import Font

from households.imports import people
from households.imports.columns import HOUSEHOLD_COLUMNS, MEMBER_COLUMNS, PAIRING_COLUMNS
from households.imports.mapping import REASON_HEADER, ROW_HEADER
from kuseaw import spreadsheets

# The example row of each template, by column key; a key not listed gets an empty cell.
EXAMPLES = {
    "code": "KK-0001",
    "household_code": "KK-0001",
    "full_name": "นายสมชาย ใจดี",
    "head_full_name": "นายสมชาย ใจดี",
    "title": "นาย",
    "first_name": "สมชาย",
    "last_name": "ใจดี",
    "national_id": "1-1037-02071-81-1",
    "head_national_id": "1-1037-02071-81-1",
    "birth_date": "15/02/2518",
    "sex": "ชาย",
    "relation": "บุตร",
    "phone": "0812345678",
    "house_no": "12/3",
    "village_no": 5,
    "village_name": "โนนสว่าง",
    "subdistrict": "ในเมือง",
    "district": "เมืองขอนแก่น",
    "poverty_level": "อยู่ยาก",
    "cause": "ขาดโอกาส",
    "annual_income": 36000,
    "joined_on": "15/01/2567",
    "agency": "สำนักงานพัฒนาชุมชนจังหวัดขอนแก่น",
    "position": "นักพัฒนาชุมชน",
    "started_on": "01/02/2567",
    "username": "official-071811",
    "email": "somchai@example.go.th",
    "is_active": "ใช่",
    "official_national_id": "1-1037-02071-81-1",
    "official_username": "official-071811",
}

TEMPLATES = {
    "households": ("ครัวเรือน", HOUSEHOLD_COLUMNS),
    "members": ("สมาชิก", MEMBER_COLUMNS),
    "officials": ("เจ้าหน้าที่", people.OFFICIAL_COLUMNS),
    "pairings": ("การจับคู่", PAIRING_COLUMNS),
}


def _columns(kind):
    """The template's columns: not the other shapes of a field (the help sheet names them)."""
    return [c for c in TEMPLATES[kind][1] if c.template]


def _sheet(workbook, title, columns):
    sheet = workbook.create_sheet(title)
    sheet.append([c.label for c in columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.append([EXAMPLES.get(c.key, "") for c in columns])
    for index, column in enumerate(columns, start=1):
        sheet.column_dimensions[sheet.cell(1, index).column_letter].width = max(
            14, len(column.label) + 4
        )
    return sheet


def template_workbook(kind: str) -> bytes:
    """Thai headers, one example row, and a sheet saying what each column takes.
    The households template carries the «สมาชิก» sheet too (one of the two shapes)."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    title, _ = TEMPLATES[kind]
    sheets = [(title, _columns(kind))]
    if kind == "households":
        sheets.append(("สมาชิก", _columns("members")))
    for sheet_title, columns in sheets:
        _sheet(workbook, sheet_title, columns)
    help_sheet = workbook.create_sheet("คำอธิบาย")
    help_sheet.append(["แผ่นงาน", "คอลัมน์", "จำเป็น", "ชื่ออื่นที่อ่านได้", "คำอธิบาย"])
    for cell in help_sheet[1]:
        cell.font = Font(bold=True)
    for sheet_title, columns in sheets:
        every = TEMPLATES["members" if sheet_title == "สมาชิก" else kind][1]
        others = [c for c in every if not c.template]
        for c in [*columns, *others]:
            aliases = ", ".join(a for a in getattr(c, "aliases", ()) if a != c.label)
            needed = "จำเป็น" if c.required else ""
            if not c.template:
                needed = "ใช้แทนได้"
            help_sheet.append([sheet_title, c.label, needed, aliases, c.help or ""])
    for letter, width in zip("ABCDE", (12, 28, 8, 40, 70), strict=True):
        help_sheet.column_dimensions[letter].width = width
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


# What Excel refuses in a sheet's name (a CSV's file name names the sheet).
_SHEET_TITLE_UNSAFE = re.compile(r"[\[\]:*?/\\]")


@dataclass
class ReturnedTable:
    """The rows of one sheet an import did not take: (cells as read, row number, reasons)."""

    sheet: str
    headers: list[str]
    rows: list[tuple[tuple, int, list[str]]]


def _as_written(value):
    # calamine reads every number as a float: 3401000123457.0 goes back as the ID it was.
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def rejected_workbook(tables: list[ReturnedTable]) -> bytes:
    """One sheet per table in the file's own layout (its header row, its columns in its
    order, every cell as it was read; dates as วว/ดด/ปปปป พ.ศ.), and two more columns:
    the Thai reasons and the row in the file sent. The district office fixes the rows and
    sends this file back; the two columns are never imported."""
    sheets = []
    for table in tables:
        width = max([len(table.headers), *(len(values) for values, _, _ in table.rows)])
        header = [*table.headers, *[""] * (width - len(table.headers)), REASON_HEADER, ROW_HEADER]
        rows = [
            [
                *(_as_written(v) for v in values),
                *[None] * (width - len(values)),
                "; ".join(reasons),
                number,
            ]
            for values, number, reasons in table.rows
        ]
        title = _SHEET_TITLE_UNSAFE.sub(" ", table.sheet).strip() or "ครัวเรือน"
        sheets.append(spreadsheets.Sheet(title, header, rows))
    return spreadsheets.to_xlsx(*sheets, dates="numeric")


def errors_workbook(row_errors: list[dict]) -> bytes:
    rows = [
        [
            error.get("sheet") or "",
            error.get("row"),
            error.get("column") or "",
            error.get("message") or "",
        ]
        for error in row_errors
    ]
    header = ["แผ่นงาน", "แถว", "คอลัมน์", "ข้อความ"]
    return spreadsheets.to_xlsx(spreadsheets.Sheet("ข้อผิดพลาด", header, rows))
