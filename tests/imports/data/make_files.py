"""Make the small, messy import files the reading tests use, the way district offices send them.

Run from the repository root after changing it, and commit the files it writes:

    .venv/bin/python tests/imports/data/make_files.py

National IDs here are made up (valid check digit, belonging to no one we know).
"""

import csv
import datetime as dt
import io
import re
import zipfile
from pathlib import Path

from openpyxl import Workbook

HERE = Path(__file__).parent
# openpyxl stamps the save time into the file; a fixed one keeps the files reproducible.
FIXED_TIME = dt.datetime(2024, 1, 1)


def national_id(first_twelve: str) -> str:
    total = sum(int(digit) * (13 - position) for position, digit in enumerate(first_twelve))
    return first_twelve + str((11 - total % 11) % 10)


ID_1 = national_id("110170023070")
ID_2 = national_id("340100012345")
ID_3 = national_id("340100054321")
ID_4 = national_id("140990001112")
THAI_DIGITS = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")


def dashed(digits: str) -> str:
    return f"{digits[0]}-{digits[1:5]}-{digits[5:10]}-{digits[10:12]}-{digits[12]}"


HOUSEHOLD_HEADER = [
    "รหัสครัวเรือน*",
    "ชื่อ - สกุล",
    "เลขบัตรประชาชน",
    "วันเกิด",
    "เพศ",
    "เบอร์โทร",
    "บ้านเลขที่ ",
    "หมู่",
    "ตำบล",
    "อำเภอ",
    "ระดับความยากจน",
    "รายได้ครัวเรือนต่อปี\n(บาท)",
    "ด้านสุขภาพ",
    "วันที่เข้าโครงการ",
    "หมายเหตุ",
]

# Row by row what the tests expect (see test_reading.py): the spreadsheet row is in the comment.
HOUSEHOLD_ROWS = [
    # row 4: an ID with dashes, a BE date as text, «อ.» and «ต.» prefixes, Thai digits
    [
        "KK-0001",
        "นายสมชาย ใจดี",
        dashed(ID_1),
        "15/02/2504",
        "ชาย",
        "081-234-5678",
        "๑๒/๓",
        "๕",
        "ต.ในเมือง",
        "อ.บ้านไผ่",
        "อยู่ยาก",
        "12,500.50 บาท",
        "✓",
        "1 ม.ค. 2567",
        "",
    ],
    # row 5: an ID as an Excel number, a real date cell, full prefixes with a space
    [
        "KK-0002",
        "นาง สมศรี  มีสุข",
        int(ID_2),
        dt.datetime(1970, 8, 18),
        "หญิง",
        None,
        "45",
        6,
        "ตำบล หินตั้ง",
        "อำเภอ บ้านไผ่",
        2,
        36000,
        None,
        dt.date(2024, 1, 15),
        "ย้ายมาจากชนบท",
    ],
    None,  # row 6: blank inside the data
    # row 7: Thai digits in the ID, an Excel date serial, trailing spaces, no prefixes
    [
        "KK-0003   ",
        "น.ส.มาลี ศรีสุข   ",
        ID_3.translate(THAI_DIGITS),
        44242,
        "ญ",
        None,
        "7 ",
        "หมู่ที่ 2",
        "สำราญ",
        "เมืองขอนแก่น   ",
        "อยู่ลำบาก",
        "๑๒,๐๐๐",
        "x",
        "๑๕/๐๒/๒๕๖๔",
        None,
    ],
    # row 8: an ID that Excel showed in scientific notation, a misspelt district
    [
        "KK-0004",
        "นายบุญมี ยืนยง",
        "1.10170023070e+12",
        None,
        "M",
        None,
        "9",
        "1",
        "ในเมือง",
        "เมืองขอนแกน",
        "อยู่ยาก",
        "0",
        None,
        None,
        None,
    ],
]

MEMBER_HEADER = [
    "รหัสครัวเรือน",
    "คำนำหน้า",
    "ชื่อ",
    "นามสกุล",
    "เลขประจำตัวประชาชน",
    "วันเกิด",
    "เพศ",
    "ความสัมพันธ์",
    "การศึกษา",
    "รายได้ต่อปี (บาท)",
    "บัตรสวัสดิการแห่งรัฐ",
]
MEMBER_ROWS = [
    ["KK-0001", "ด.ญ.", "ใจดี", "ใจงาม", ID_4, "01/06/2555", "หญิง", "บุตร", "ประถม", 0, "ไม่มี"],
    ["KK-0001", "นาง", "สมใจ", "ใจดี", None, None, "ญ", "ภรรยา", "ม.3", "24,000", "มี"],
]


def workbook_file(sheets, path: Path) -> None:
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets:
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(row or [])
    workbook.properties.created = FIXED_TIME
    workbook.properties.modified = FIXED_TIME
    buffer = io.BytesIO()
    workbook.save(buffer)
    # Rewrite the zip with a fixed time for every member, so reruns give the same bytes.
    buffer.seek(0)
    with zipfile.ZipFile(buffer) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = _fixed_core_times(data)
            fixed = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME.timetuple()[:6])
            fixed.compress_type = zipfile.ZIP_DEFLATED
            out.writestr(fixed, data)


def _fixed_core_times(data: bytes) -> bytes:
    return re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>2024-01-01T00:00:00Z", data)


def household_rows_for_csv():
    """The households as a CSV export writes them: text everywhere, dates as typed."""
    rows = []
    for row in HOUSEHOLD_ROWS:
        if row is None:
            rows.append([""] * len(HOUSEHOLD_HEADER))
            continue
        cells = []
        for value in row:
            if isinstance(value, dt.datetime | dt.date):
                value = f"{value.day:02d}/{value.month:02d}/{value.year + 543}"
            cells.append("" if value is None else str(value))
        rows.append(cells)
    return rows


def csv_text(delimiter: str) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(["รายชื่อครัวเรือนยากจน จังหวัดขอนแก่น"])
    writer.writerow(HOUSEHOLD_HEADER)
    writer.writerows(household_rows_for_csv())
    return buffer.getvalue()


def main() -> None:
    title = ["รายชื่อครัวเรือนยากจน อำเภอบ้านไผ่ (ข้อมูล ณ วันที่ 1 ม.ค. 2567)"]
    workbook_file(
        [
            ("คำอธิบาย", [["กรอกข้อมูลในชีตถัดไป"]]),
            ("ครัวเรือน", [title, None, HOUSEHOLD_HEADER, *HOUSEHOLD_ROWS]),
            ("สมาชิก", [MEMBER_HEADER, *MEMBER_ROWS]),
        ],
        HERE / "households.xlsx",
    )
    missing = [h for h in HOUSEHOLD_HEADER if h not in ("ตำบล", "อำเภอ")]
    workbook_file([("Sheet1", [missing, ["KK-0001", "นายสมชาย ใจดี"]])], HERE / "no_places.xlsx")
    workbook_file([("Sheet1", [])], HERE / "empty.xlsx")

    full = (HERE / "households.xlsx").read_bytes()
    (HERE / "truncated.xlsx").write_bytes(full[: len(full) // 2])
    (HERE / "report_renamed.xlsx").write_bytes(
        b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
    )
    (HERE / "photo_renamed.csv").write_bytes(
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02"
    )

    (HERE / "households_utf8.csv").write_bytes(csv_text(",").encode("utf-8"))
    (HERE / "households_utf8_bom.csv").write_bytes(csv_text(",").encode("utf-8-sig"))
    # Windows-874 has no ✓: offices that save in it tick with an x.
    cp874 = csv_text(";").replace("✓", "x")
    (HERE / "households_cp874.csv").write_bytes(cp874.encode("cp874"))
    (HERE / "households_tab.txt").write_bytes(csv_text("\t").encode("utf-8"))


if __name__ == "__main__":
    main()
