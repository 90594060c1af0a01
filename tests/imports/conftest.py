"""Small spreadsheets built in the tests, and the settings every import test runs with."""

import io

import pytest
from openpyxl import Workbook

from tests.factories import national_id_for

HOUSEHOLD_HEADER = [
    "รหัสครัวเรือน",
    "ชื่อ-สกุล",
    "เลขประจำตัวประชาชน",
    "วันเกิด",
    "เพศ",
    "โทรศัพท์",
    "บ้านเลขที่",
    "หมู่ที่",
    "ตำบล",
    "อำเภอ",
    "ระดับความยากจน",
    "รายได้ครัวเรือนต่อปี",
]
MEMBER_HEADER = ["รหัสครัวเรือน", "ชื่อ-สกุล", "เลขประจำตัวประชาชน", "วันเกิด", "เพศ", "ความสัมพันธ์"]


def household_row(n: int, **overrides) -> list:
    row = {
        "code": f"KK{n:05d}",
        "name": f"นายสมชาย{n} ใจดี",
        "nid": national_id_for(900000 + n),
        "birth": "15/02/2518",
        "sex": "ชาย",
        "phone": "0812345678",
        "house_no": f"{n}/1",
        "village_no": 3,
        "subdistrict": "ต.ในเมือง",
        "district": "อ.เมืองขอนแก่น",
        "level": "อยู่ยาก",
        "income": 36000,
    }
    row.update(overrides)
    return list(row.values())


def member_row(n: int, k: int, **overrides) -> list:
    row = {
        "code": f"KK{n:05d}",
        "name": f"เด็กหญิงสมศรี{n}x{k} ใจดี",
        "nid": national_id_for(800000 + n * 10 + k),
        "birth": "01/06/2555",
        "sex": "หญิง",
        "relation": "บุตร",
    }
    row.update(overrides)
    return list(row.values())


def xlsx(sheets: dict[str, list[list]]) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def households_file(n: int = 3, *, members: int = 0, rows=None) -> bytes:
    """n households (KK00001…) and, when members, that many members each in «สมาชิก»."""
    rows = rows if rows is not None else [household_row(i) for i in range(1, n + 1)]
    sheets = {"ครัวเรือน": [HOUSEHOLD_HEADER, *rows]}
    if members:
        sheets["สมาชิก"] = [
            MEMBER_HEADER,
            *[member_row(i, k) for i in range(1, n + 1) for k in range(1, members + 1)],
        ]
    return xlsx(sheets)


@pytest.fixture(autouse=True)
def import_settings(settings):
    """Run tasks at once, and write progress through the test's own connection."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.KUSEAW_IMPORT_PROGRESS_DATABASE = "default"
