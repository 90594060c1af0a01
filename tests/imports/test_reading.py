"""Reading the files district offices send (households.imports.reading).

The files in data/ are made by data/make_files.py; its comments say what each row holds.
"""

import datetime as dt
import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from households.imports.cells import (
    CellError,
    ReferenceIndex,
    parse_bool,
    parse_choice,
    parse_date,
    parse_decimal,
    parse_int,
    parse_national_id,
    parse_text,
    split_full_name,
)
from households.imports.columns import (
    HOUSEHOLD_COLUMNS,
    MEMBER_COLUMNS,
    OFFICIAL_COLUMNS,
    PAIRING_COLUMNS,
)
from households.imports.files import FileProblem
from households.imports.headers import header_key
from households.imports.reading import list_sheets, read_table
from households.models import PovertyLevel, Sex

DATA = Path(__file__).parent / "data"
MB = 1024 * 1024
LIMIT = 20 * MB


def read(name, columns=HOUSEHOLD_COLUMNS, **kwargs):
    kwargs.setdefault("max_bytes", LIMIT)
    return read_table(DATA / name, filename=name, columns=columns, **kwargs)


def upload(name):
    return SimpleUploadedFile(name, (DATA / name).read_bytes())


def xlsx_bytes(rows) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- finding the header


def test_the_header_is_found_under_a_title_row_and_blank_rows():
    table = read("households.xlsx", sheet="ครัวเรือน")
    assert table.header_row == 3
    assert table.headers[0] == "รหัสครัวเรือน*"


def test_thai_header_variants_map_to_the_columns():
    table = read("households.xlsx", sheet="ครัวเรือน")
    names = {key: table.headers[index] for key, index in table.mapping.items()}
    assert names["code"] == "รหัสครัวเรือน*"
    assert names["full_name"] == "ชื่อ - สกุล"
    assert names["national_id"] == "เลขบัตรประชาชน"
    assert names["phone"] == "เบอร์โทร"
    assert names["house_no"] == "บ้านเลขที่"
    assert names["village_no"] == "หมู่"
    assert names["annual_income"] == "รายได้ครัวเรือนต่อปี\n(บาท)"


def test_headers_we_do_not_know_are_listed_not_refused():
    assert read("households.xlsx", sheet="ครัวเรือน").unknown_headers == ["หมายเหตุ"]


@pytest.mark.parametrize(
    ("written", "label"),
    [
        ("เลขประจำตัว\nประชาชน", "เลขประจำตัวประชาชน"),
        (" ชื่อ - สกุล ", "ชื่อ-สกุล"),
        ("ที่ดินทำกิน(ไร่)", "ที่ดินทำกิน (ไร่)"),
        ("หนี้สิน (บาท) *", "หนี้สิน"),
        ("ID", "id"),
    ],
)
def test_header_matching_ignores_case_spaces_newlines_units_and_stars(written, label):
    assert header_key(written) == header_key(label)


def test_no_header_names_two_different_columns():
    for columns in (HOUSEHOLD_COLUMNS, MEMBER_COLUMNS, OFFICIAL_COLUMNS, PAIRING_COLUMNS):
        keys = [column.key for column in columns]
        assert len(keys) == len(set(keys))
        seen = {}
        for column in columns:
            for written in (column.label, *column.aliases):
                assert seen.setdefault(header_key(written), column.key) == column.key, written


# --- rows


def test_rows_carry_the_row_numbers_seen_in_excel_and_skip_blank_rows():
    table = read("households.xlsx", sheet="ครัวเรือน")
    assert [number for number, _ in table.rows()] == [4, 5, 7, 8]


def test_rows_have_trailing_spaces_stripped_and_only_the_files_columns():
    rows = dict(read("households.xlsx", sheet="ครัวเรือน").rows())
    assert rows[7]["code"] == "KK-0003"
    assert rows[7]["district"] == "เมืองขอนแก่น"
    assert rows[5]["phone"] is None
    assert "debts" not in rows[4]


def test_rows_can_be_read_twice_for_preview_and_apply():
    table = read("households.xlsx", sheet="ครัวเรือน")
    assert list(table.rows()) == list(table.rows())


def test_a_household_file_reads_into_clean_values(db):
    """The whole way from a messy sheet to the values a household form would get."""
    places = ReferenceIndex.load()
    rows = dict(read("households.xlsx", sheet="ครัวเรือน").rows())

    first = rows[4]
    assert split_full_name(first["full_name"]) == ("นาย", "สมชาย", "ใจดี")
    assert parse_national_id(first["national_id"]) == "1101700230708"
    assert parse_date(first["birth_date"]) == dt.date(1961, 2, 15)
    assert parse_text(first["house_no"]) == "12/3"
    assert parse_int(first["village_no"], label="หมู่ที่") == 5
    district = places.district(first["district"])
    assert places.subdistrict(first["subdistrict"], district).code == "401002"
    assert parse_decimal(first["annual_income"], label="รายได้") == Decimal("12500.50")
    assert parse_bool(first["need_health"]) is True
    assert parse_date(first["joined_on"]) == dt.date(2024, 1, 1)

    second = rows[5]
    assert parse_national_id(second["national_id"]) == "3401000123457"  # an Excel number
    assert parse_date(second["birth_date"]) == dt.date(1970, 8, 18)  # a date cell
    assert places.subdistrict(second["subdistrict"], second["district"]).code == "401014"
    assert parse_choice(second["poverty_level"], PovertyLevel, label="ระดับ") == 2

    third = rows[7]
    assert parse_national_id(third["national_id"]) == "3401000543219"  # Thai digits
    assert parse_date(third["birth_date"]) == dt.date(2021, 2, 15)  # an Excel serial
    assert parse_choice(third["sex"], Sex, label="เพศ") == Sex.FEMALE
    assert places.subdistrict(third["subdistrict"], third["district"]).code == "400102"

    fourth = rows[8]
    with pytest.raises(CellError, match="หายไป"):
        parse_national_id(fourth["national_id"])
    with pytest.raises(CellError, match="หมายถึง «เมืองขอนแก่น» หรือไม่"):
        places.district(fourth["district"])


@pytest.mark.parametrize(
    "name", ["households_utf8.csv", "households_utf8_bom.csv", "households_cp874.csv"]
)
def test_csv_files_in_utf8_with_or_without_bom_and_windows_874_read_the_same(name):
    table = read(name)
    assert table.header_row == 2
    rows = dict(table.rows())
    assert list(rows) == [3, 4, 6, 7]
    assert rows[3]["full_name"] == "นายสมชาย ใจดี"
    assert rows[3]["subdistrict"] == "ต.ในเมือง"
    assert rows[6]["national_id"] == "๓๔๐๑๐๐๐๕๔๓๒๑๙"
    assert table.unknown_headers == ["หมายเหตุ"]


def test_a_tab_separated_text_file_is_read():
    rows = dict(read("households_tab.txt").rows())
    assert rows[4]["house_no"] == "45"


def test_a_csv_with_semicolons_and_one_column_row_falls_back_cleanly():
    text = "รหัสครัวเรือน;บ้านเลขที่;หมู่ที่;ตำบล;อำเภอ\nKK-1;1;2;ในเมือง;บ้านไผ่\n"
    table = read_table(
        io.BytesIO(text.encode("utf-8")),
        filename="x.csv",
        columns=HOUSEHOLD_COLUMNS,
        max_bytes=LIMIT,
    )
    assert list(table.rows()) == [
        (2, {"code": "KK-1", "house_no": "1", "village_no": "2", "subdistrict": "ในเมือง",
             "district": "บ้านไผ่"})
    ]  # fmt: skip


def test_an_uploaded_file_is_read_and_left_open_for_the_caller():
    uploaded = upload("households.xlsx")
    table = read_table(
        uploaded, filename="households.xlsx", columns=HOUSEHOLD_COLUMNS, max_bytes=LIMIT
    )
    assert len(list(table.rows())) == 4
    assert not uploaded.closed


# --- sheets


def test_the_sheets_of_a_workbook_are_listed():
    assert list_sheets(DATA / "households.xlsx", "households.xlsx") == [
        "คำอธิบาย",
        "ครัวเรือน",
        "สมาชิก",
    ]
    assert list_sheets(DATA / "households_utf8.csv", "households_utf8.csv") == []


def test_without_a_sheet_name_the_sheet_that_fits_the_columns_is_read():
    assert read("households.xlsx").sheet == "ครัวเรือน"
    members = read("households.xlsx", MEMBER_COLUMNS)
    assert members.sheet == "สมาชิก"
    rows = dict(members.rows())
    assert rows[2]["title"] == "ด.ญ."
    assert rows[3]["relation"] == "ภรรยา"


def test_a_sheet_that_does_not_exist_is_a_file_problem():
    with pytest.raises(FileProblem, match="ไม่พบชีต «Sheet9»"):
        read("households.xlsx", sheet="Sheet9")


# --- files that cannot be imported


def test_a_pdf_renamed_xlsx_is_refused():
    with pytest.raises(FileProblem, match="PDF"):
        read("report_renamed.xlsx")


def test_an_image_renamed_csv_is_refused():
    with pytest.raises(FileProblem, match="รูปภาพ"):
        read("photo_renamed.csv")


def test_a_truncated_xlsx_is_refused_as_corrupt():
    with pytest.raises(FileProblem, match="เสียหรือไม่ครบ"):
        read("truncated.xlsx")


def test_an_empty_sheet_is_refused():
    with pytest.raises(FileProblem, match="ไฟล์ว่าง"):
        read("empty.xlsx")


def test_an_empty_file_is_refused():
    with pytest.raises(FileProblem, match="ไฟล์ว่าง"):
        read_table(io.BytesIO(b""), filename="a.csv", columns=HOUSEHOLD_COLUMNS, max_bytes=LIMIT)


def test_a_file_missing_required_columns_names_them_in_thai():
    with pytest.raises(FileProblem) as error:
        read("no_places.xlsx")
    assert "ตำบล, อำเภอ" in str(error.value)


def test_a_members_file_needs_a_household_code_or_the_heads_id():
    data = xlsx_bytes([["ชื่อ-สกุล", "เพศ"], ["นายสมชาย ใจดี", "ชาย"]])
    with pytest.raises(FileProblem, match="รหัสครัวเรือน หรือ เลขประจำตัวประชาชนหัวหน้าครัวเรือน"):
        read_table(io.BytesIO(data), filename="m.xlsx", columns=MEMBER_COLUMNS, max_bytes=LIMIT)


def test_a_sheet_without_any_known_header_asks_for_the_required_columns():
    data = xlsx_bytes([["a", "b"], [1, 2]])
    with pytest.raises(FileProblem, match="ไม่พบแถวหัวตาราง"):
        read_table(io.BytesIO(data), filename="x.xlsx", columns=PAIRING_COLUMNS, max_bytes=LIMIT)


def test_two_columns_for_the_same_field_are_refused():
    data = xlsx_bytes([["รหัสครัวเรือน", "ชื่อผู้ใช้", "username"], ["KK-1", "a", "b"]])
    with pytest.raises(FileProblem, match="ซ้ำ"):
        read_table(io.BytesIO(data), filename="p.xlsx", columns=PAIRING_COLUMNS, max_bytes=LIMIT)


def test_a_file_over_the_limit_is_refused_before_it_is_read():
    with pytest.raises(FileProblem, match="ไฟล์ใหญ่เกิน 20 MB"):
        read_table(
            io.BytesIO(b"x" * (LIMIT + 1)),
            filename="big.csv",
            columns=HOUSEHOLD_COLUMNS,
            max_bytes=LIMIT,
        )
    with pytest.raises(FileProblem, match="ไฟล์ใหญ่เกิน"):
        read("households.xlsx", max_bytes=1000)


def test_an_old_xls_or_html_disguised_as_excel_is_refused_with_a_way_out():
    with pytest.raises(FileProblem, match=r"\.xls"):
        read_table(
            io.BytesIO(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100),
            filename="old.xls",
            columns=HOUSEHOLD_COLUMNS,
            max_bytes=LIMIT,
        )
    with pytest.raises(FileProblem, match="HTML"):
        read_table(
            io.BytesIO(b"<html><table><tr><td>1</td></tr></table></html>"),
            filename="export.xls",
            columns=HOUSEHOLD_COLUMNS,
            max_bytes=LIMIT,
        )


def test_a_zip_that_is_not_a_workbook_is_refused():
    buffer = io.BytesIO()
    import zipfile

    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "hello")
    with pytest.raises(FileProblem, match="ไม่ใช่"):
        read_table(buffer, filename="x.xlsx", columns=HOUSEHOLD_COLUMNS, max_bytes=LIMIT)


def test_a_csv_in_an_unknown_encoding_is_refused():
    data = "รหัสครัวเรือน,บ้านเลขที่\n".encode("utf-16-le")
    with pytest.raises(FileProblem):
        read_table(io.BytesIO(data), filename="x.csv", columns=HOUSEHOLD_COLUMNS, max_bytes=LIMIT)
