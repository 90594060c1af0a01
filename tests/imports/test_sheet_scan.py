"""What a workbook really holds, learned before a reader touches it
(households.imports.sheet_scan): the extent of each sheet's data, whatever the file claims,
and the package's real sizes. These workbooks are harmless in size; the ones that would
hurt a reader are in test_crafted_workbooks.py."""

import io
import re
import struct
import zipfile

import pytest

from households.imports import sheet_scan
from households.imports.columns import HOUSEHOLD_COLUMNS
from households.imports.files import FileProblem
from households.imports.reading import read_table
from households.imports.sheet_scan import Extent, check_package, scan_sheet
from tests.imports import crafted
from tests.imports.conftest import HOUSEHOLD_HEADER, household_row

LIMIT = 20 * 1024 * 1024


def extent(data: bytes) -> Extent:
    archive = zipfile.ZipFile(io.BytesIO(data))
    info = archive.getinfo(crafted.SHEET)
    return scan_sheet(sheet_scan.inflate(archive, info, 1 << 30))


def read(data: bytes):
    table = read_table(
        io.BytesIO(data), filename="households.xlsx", columns=HOUSEHOLD_COLUMNS, max_bytes=LIMIT
    )
    return [number for number, _ in table.rows()]


@pytest.fixture(params=["calamine", "openpyxl"])
def reader(request, settings):
    """Both readers: calamine for small sheets, openpyxl streaming for the others."""
    if request.param == "openpyxl":
        settings.KUSEAW_IMPORT_IN_MEMORY_MAX_BYTES = 0
    return request.param


def test_the_extent_is_where_the_data_ends_not_where_the_formatting_does():
    padded = extent(crafted.padded(50, 300))
    assert (padded.rows, padded.columns, padded.cells) == (4, 12, 48)
    assert padded.placed
    assert padded.elements == 48 + 50 * 300


def test_the_declared_dimension_is_recorded_but_not_believed():
    def claim_everything(xml):
        xml = re.sub(rb"<dimension\b[^>]*/>", b'<dimension ref="A1:XFD1048576"/>', xml)
        return xml.replace(
            b"</sheetData>", b'<row r="1048576"><c r="XFD1048576" s="1"/></row></sheetData>'
        )

    found = extent(crafted.edited(claim_everything))
    assert found.declared == "A1:XFD1048576"
    assert (found.rows, found.columns) == (4, 12)


def test_a_far_cell_sets_the_extent():
    found = extent(crafted.far_cell("IV70000"))
    assert (found.rows, found.columns, found.area) == (70000, 256, 70000 * 256)


@pytest.mark.parametrize(
    "change",
    [
        # cells that do not say where they are
        lambda xml: re.sub(rb'(<c) r="[A-Z]+[0-9]+"', rb"\1", xml),
        # a comment, which could hide a cell from the scan but not from a reader
        lambda xml: xml.replace(b"</sheetData>", b"<!-- x --></sheetData>"),
        # a quoted value holding "<c …>": counted in place of the cell it belongs to
        lambda xml: xml.replace(b'<c r="A2"', b'<c x="<c r=\'A1\'>" r="A2"', 1),
        # a cell with two references
        lambda xml: xml.replace(b'<c r="A2"', b'<c r="A2" r="XFD2"', 1),
        # a quoted value that seems to close the cell
        lambda xml: xml.replace(b'<c r="A2"', b'<c x="></c>" r="A2"', 1),
    ],
    ids=["no-r", "comment", "tag-in-a-value", "two-r", "closing-tag-in-a-value"],
)
def test_a_sheet_whose_cells_could_be_elsewhere_is_not_trusted(change):
    assert not extent(crafted.edited(change)).placed


def test_a_greater_than_sign_in_a_quoted_value_does_not_hide_a_cell():
    def far(xml):
        return xml.replace(
            b"</sheetData>",
            b'<row r="9"><c r="XFD9" x="a>b" t="inlineStr"><is><t>x</t></is></c></row></sheetData>',
        )

    found = extent(crafted.edited(far))
    assert found.placed
    assert found.columns == 16384


def test_cells_without_places_are_read_with_the_limits_checked_row_by_row(settings):
    no_r = crafted.edited(lambda xml: re.sub(rb'(<c) r="[A-Z]+[0-9]+"', rb"\1", xml))
    assert read(no_r) == [2, 3, 4]

    def wide(xml):
        no_places = re.sub(rb'(<c) r="[A-Z]+[0-9]+"', rb"\1", xml)
        far = b'<c s="1"/>' * 299 + b'<c t="inlineStr"><is><t>x</t></is></c>'
        return no_places.replace(b"</row></sheetData>", far + b"</row></sheetData>")

    # 12 columns of households, then 300 more: the value is in column 312, KZ.
    with pytest.raises(FileProblem, match="คอลัมน์ KZ เกินกำหนด 256 คอลัมน์"):
        read(crafted.edited(wide))


def test_data_beyond_the_rows_allowed_is_refused_by_either_reader(reader, settings):
    settings.KUSEAW_IMPORT_MAX_ROWS = 3
    with pytest.raises(FileProblem, match="แถวที่ 4 เกินกำหนด 3 แถว"):
        read(crafted.base_workbook(3))
    settings.KUSEAW_IMPORT_MAX_ROWS = 4
    assert read(crafted.base_workbook(3)) == [2, 3, 4]


def test_padding_is_trimmed_by_either_reader(reader):
    assert read(crafted.padded(200, 2_000)) == [2, 3, 4]


def test_a_sheet_too_large_for_memory_is_streamed(settings):
    settings.KUSEAW_IMPORT_IN_MEMORY_MAX_CELLS = 100
    assert read(crafted.far_cell("IV5000")) == [2, 3, 4]


def test_a_part_whose_size_the_zip_understates_is_measured_for_real():
    """The central directory says the sheet unpacks to 100 bytes; it unpacks to 5 MB."""
    big = crafted.padded(5_000, 100, placed=False)
    data = bytearray(big)
    name = crafted.SHEET.encode()
    entry = data.rfind(b"PK\x01\x02", 0, data.rfind(name))
    size_at = entry + 24  # the uncompressed size in a central directory entry
    if struct.unpack_from("<I", data, size_at)[0] == 0xFFFFFFFF:
        pytest.skip("zip64 entry")
    struct.pack_into("<I", data, size_at, 100)
    archive = zipfile.ZipFile(io.BytesIO(bytes(data)))
    assert archive.getinfo(crafted.SHEET).file_size == 100
    with pytest.raises(FileProblem, match="เมื่อขยาย"):
        check_package(archive, 1024 * 1024)
    assert sheet_scan.unpacked_over(bytes(data), 1024 * 1024)


def _zip(parts: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return out.getvalue()


@pytest.mark.parametrize(
    ("parts", "message"),
    [
        ({"xl/workbook.bin": b"", "[Content_Types].xml": b""}, r"\.xlsb"),
        ({"content.xml": b"", "mimetype": b"application/vnd.oasis"}, r"\.ods"),
    ],
)
def test_other_spreadsheet_formats_are_refused_with_a_way_out(parts, message):
    with pytest.raises(FileProblem, match=message):
        read(_zip(parts))


def test_a_zip_with_two_parts_of_one_name_is_refused():
    out = io.BytesIO(crafted.base_workbook())
    with pytest.warns(UserWarning), zipfile.ZipFile(out, "a") as archive:
        archive.writestr(crafted.SHEET, b"<worksheet/>")
    with pytest.raises(FileProblem, match="เสียหรือไม่ครบ"):
        read(out.getvalue())


def test_shared_strings_far_too_big_are_refused(monkeypatch):
    monkeypatch.setattr(sheet_scan, "MAX_SHARED_STRINGS_BYTES", 1000)
    out = io.BytesIO(crafted.base_workbook())
    with zipfile.ZipFile(out, "a") as archive:
        archive.writestr("xl/sharedStrings.xml", b"<sst>" + b"<si><t>x</t></si>" * 100 + b"</sst>")
    with pytest.raises(FileProblem, match="sharedStrings.xml.*ใหญ่ผิดปกติ"):
        read(out.getvalue())


def test_a_sheet_in_utf16_is_refused():
    def utf16(xml):
        return (
            xml.decode()
            .replace("<worksheet", '<?xml version="1.0" encoding="UTF-16"?><worksheet', 1)
            .encode("utf-16")
        )

    with pytest.raises(FileProblem, match="UTF-16"):
        read(crafted.edited(utf16))


def test_a_csv_row_reaching_past_the_columns_allowed_is_refused():
    header = ",".join(HOUSEHOLD_HEADER)
    row = ",".join(str(value) for value in household_row(1))
    padded = f"{header}{',' * 500}\n{row}{',' * 500}\n"
    table = read_table(
        io.BytesIO(padded.encode()), filename="x.csv", columns=HOUSEHOLD_COLUMNS, max_bytes=LIMIT
    )
    assert [n for n, _ in table.rows()] == [2]  # empty trailing columns are trimmed
    far = f"{header}\n{row}{',' * 300}x\n"
    table = read_table(
        io.BytesIO(far.encode()), filename="x.csv", columns=HOUSEHOLD_COLUMNS, max_bytes=LIMIT
    )
    with pytest.raises(FileProblem, match="เกินกำหนด 256 คอลัมน์"):
        list(table.rows())
