"""The one spreadsheet writer, read back from the bytes it produces."""

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from kuseaw.spreadsheets import FORMULA_PREFIXES, Sheet, neutralise, to_csv, to_xlsx

AUG_18_2020 = dt.date(2020, 8, 18)


def book_of(data: bytes) -> dict[str, list[tuple]]:
    book = load_workbook(io.BytesIO(data))
    return {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in book}


def rows_of_csv(data: bytes) -> list[list[str]]:
    assert data.startswith("\ufeff".encode())  # the BOM Thai Excel needs to read UTF-8
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


@pytest.mark.parametrize("prefix", ["=", "+", "-", "@", "\t", "\r"])
def test_neutralise_each_dangerous_prefix(prefix):
    value = f'{prefix}HYPERLINK("http://evil")'
    assert neutralise(value) == "'" + value


@pytest.mark.parametrize("value", ["สมชาย", "KK001", "1/2", "", " =1", 5, -3, None, AUG_18_2020])
def test_neutralise_leaves_safe_values(value):
    assert neutralise(value) == value


def test_the_formula_prefixes_are_the_six_a_spreadsheet_runs():
    assert set(FORMULA_PREFIXES) == {"=", "+", "-", "@", "\t", "\r"}


def test_every_text_cell_of_an_xlsx_is_neutralised():
    sheet = Sheet(
        "ครัวเรือน",
        ["=รหัส", "ชื่อ"],
        [["=cmd|'/c calc'!A1", "@SUM(1)"], ["+1 ต้องการน้ำ", "-พันธุ์ไก่"], [-3, Decimal("2.5")]],
        above=["=HYPERLINK(1)"],
    )

    rows = book_of(to_xlsx(sheet))["ครัวเรือน"]

    assert rows[0] == ("'=HYPERLINK(1)", None)
    assert rows[2] == ("'=รหัส", "ชื่อ")
    assert rows[3] == ("'=cmd|'/c calc'!A1", "'@SUM(1)")
    assert rows[4] == ("'+1 ต้องการน้ำ", "'-พันธุ์ไก่")
    assert rows[5] == (-3, 2.5)  # numbers are numbers, negative or not


def test_every_text_cell_of_a_csv_is_neutralised():
    sheet = Sheet("x", ["รหัส", "\tแท็บ"], [["=1+1", "\rCR"], ["ปกติ", None]])

    assert rows_of_csv(to_csv(sheet)) == [
        ["รหัส", "'\tแท็บ"],
        ["'=1+1", "'\rCR"],
        ["ปกติ", ""],
    ]


def test_dates_are_written_in_the_buddhist_era():
    evening_utc = dt.datetime(2020, 8, 18, 20, 30, tzinfo=dt.UTC)  # 03:30 next day in Bangkok
    sheet = Sheet("วันที่", ["วันที่", "เมื่อ"], [[AUG_18_2020, evening_utc], [None, ""]])

    short = book_of(to_xlsx(sheet))["วันที่"]
    numeric = book_of(to_xlsx(sheet, dates="numeric_time"))["วันที่"]

    assert short[1] == ("18 ส.ค. 2563", "19 ส.ค. 2563")
    assert numeric[1] == ("18/08/2563", "19/08/2563 03:30 น.")
    assert short[2] == (None, None)
    assert rows_of_csv(to_csv(sheet, dates="numeric"))[1] == ["18/08/2563", "19/08/2563"]


def test_dates_none_keeps_gregorian_dates():
    sheet = Sheet("วันที่", ["วันที่เข้าโครงการ"], [[AUG_18_2020]])

    (cell,) = book_of(to_xlsx(sheet, dates=None))["วันที่"][1]

    assert cell == dt.datetime(2020, 8, 18)  # a spreadsheet date, not text
    assert rows_of_csv(to_csv(sheet, dates=None))[1] == ["2020-08-18"]


def test_the_callers_thai_headers_are_written_first():
    header = ["รหัสครัวเรือน", "หัวหน้าครัวเรือน", "ระดับความยากจน"]
    sheet = Sheet("รายชื่อครัวเรือน", header, [["KK-0001", "นายสมชาย ใจดี", "อยู่ยาก"]])

    assert book_of(to_xlsx(sheet))["รายชื่อครัวเรือน"][0] == tuple(header)
    assert rows_of_csv(to_csv(sheet)) == [header, ["KK-0001", "นายสมชาย ใจดี", "อยู่ยาก"]]


def test_lines_above_the_table_come_before_a_blank_line_and_the_header():
    sheet = Sheet("รายอำเภอ", ["อำเภอ", "ครัวเรือน"], [["บ้านไผ่", 3]], above=["รายอำเภอ", "ทั้งจังหวัด"])

    assert book_of(to_xlsx(sheet))["รายอำเภอ"] == [
        ("รายอำเภอ", None),
        ("ทั้งจังหวัด", None),
        (None, None),
        ("อำเภอ", "ครัวเรือน"),
        ("บ้านไผ่", 3),
    ]


def test_several_sheets_in_order_with_a_line_for_the_empty_ones():
    sheets = [
        Sheet("บุคคล", ["ชื่อ"], [["สมชาย"]]),
        Sheet("การเยี่ยม", ["วันที่เยี่ยม"]),
        Sheet("การช่วยเหลือ", ["รายการ"], iter([["พันธุ์ปลานิล"], ["=ปุ๋ย"]])),
    ]

    book = book_of(to_xlsx(*sheets, when_empty="ไม่มีข้อมูล"))

    assert list(book) == ["บุคคล", "การเยี่ยม", "การช่วยเหลือ"]
    assert book["บุคคล"] == [("ชื่อ",), ("สมชาย",)]
    assert book["การเยี่ยม"] == [("วันที่เยี่ยม",), ("ไม่มีข้อมูล",)]
    assert book["การช่วยเหลือ"] == [("รายการ",), ("พันธุ์ปลานิล",), ("'=ปุ๋ย",)]
    assert book_of(to_xlsx(Sheet("ว่าง", ["ชื่อ"])))["ว่าง"] == [("ชื่อ",)]


def test_a_sheet_name_is_cut_to_what_excel_opens():
    title = "ก" * 40

    assert list(book_of(to_xlsx(Sheet(title, ["ชื่อ"])))) == ["ก" * 31]
