"""Reading an .xlsx workbook: the zip-bomb check, and rows from calamine or openpyxl.

Two readers. python-calamine (Rust) parses a sheet about ten times faster than openpyxl,
but CalamineWorkbook.get_sheet_by_name() loads the *whole* sheet into memory (its
iter_rows() and to_python() both walk that loaded range). So it reads workbooks whose
unpacked sheets fit under settings.KUSEAW_IMPORT_IN_MEMORY_MAX_BYTES; anything larger
(a 100,000-household file is ~90 MB of sheet XML) is streamed row by row with openpyxl's
read-only mode, so it is never loaded at once. Which one reads a file is decided in
reading.py.
"""

import zipfile
from collections.abc import Iterator

from households.imports.files import NOT_A_TABLE, FileProblem, size_text

_CORRUPT_XLSX = "ไฟล์ Excel เสียหรือไม่ครบ (อาจดาวน์โหลดหรือคัดลอกไม่สำเร็จ): เปิดในเครื่องแล้วบันทึกใหม่ก่อนนำเข้า"
_NOT_A_WORKBOOK = f"{NOT_A_TABLE}: เป็นไฟล์ zip ที่ไม่ใช่สมุดงาน Excel"
# An xlsx is a zip of XML that packs about tenfold; far more than that is a zip bomb.
_MAX_UNPACKED_RATIO = 50
# Unpacked sheet XML (and shared strings) read in memory by calamine; above it, openpyxl.
DEFAULT_IN_MEMORY_MAX_BYTES = 32 * 1024 * 1024


def in_memory_limit() -> int:
    from django.conf import settings

    return getattr(settings, "KUSEAW_IMPORT_IN_MEMORY_MAX_BYTES", DEFAULT_IN_MEMORY_MAX_BYTES)


def open_workbook(file):
    from openpyxl import load_workbook

    try:
        return load_workbook(file, read_only=True, data_only=True)
    except (zipfile.BadZipFile, EOFError, OSError):
        raise FileProblem(_CORRUPT_XLSX) from None
    except Exception:  # openpyxl raises KeyError, InvalidFileException… for a non-workbook zip
        raise FileProblem(_NOT_A_WORKBOOK) from None


def check_unpacked_size(file, max_bytes: int) -> int:
    """Refuse a zip bomb; return the unpacked size of the sheets and their shared strings."""
    try:
        with zipfile.ZipFile(file) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, EOFError, OSError):
        raise FileProblem(_CORRUPT_XLSX) from None
    unpacked = sum(info.file_size for info in infos)
    if unpacked > max_bytes * _MAX_UNPACKED_RATIO:
        raise FileProblem(f"ไฟล์ใหญ่เกิน {size_text(max_bytes)} เมื่อขยาย")
    return sum(
        info.file_size
        for info in infos
        if info.filename.startswith("xl/worksheets/") or info.filename == "xl/sharedStrings.xml"
    )


def xlsx_rows(worksheet) -> Iterator[tuple[int, tuple]]:
    # Some programs write a wrong sheet size (A1 only); reading to the end is always right.
    worksheet.reset_dimensions()
    for row_number, values in enumerate(worksheet.iter_rows(values_only=True), start=1):
        yield row_number, tuple(values)


def calamine_workbook(file):
    """A python-calamine workbook, or None when calamine cannot read the file (openpyxl
    then gets its turn and gives the Thai message)."""
    from python_calamine import CalamineWorkbook

    try:
        return CalamineWorkbook.from_filelike(file)
    except Exception:  # CalamineError, zip errors, XML errors…
        return None


def calamine_sheet_names(workbook) -> list[str]:
    from python_calamine import SheetTypeEnum

    return [m.name for m in workbook.sheets_metadata if m.typ == SheetTypeEnum.WorkSheet]


def calamine_rows(workbook, name: str) -> list[tuple]:
    """Every row of a sheet from A1 (calamine gives "" for an empty cell, whole numbers as
    floats, date cells as date/datetime: the cell parsers take all of these)."""
    return [tuple(row) for row in workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)]
