"""Reading an .xlsx workbook: the checks before any reader touches it, and rows from
calamine or openpyxl.

Two readers. python-calamine (Rust) parses a sheet about ten times faster than openpyxl,
but CalamineWorkbook.get_sheet_by_name() loads the *whole* sheet into memory, as one
rectangle from A1 to the farthest cell holding a value (its iter_rows() and to_python()
both walk that loaded range). So it reads workbooks whose unpacked sheets fit under
settings.KUSEAW_IMPORT_IN_MEMORY_MAX_BYTES, and within them only a sheet whose rectangle
sheet_scan found to be at most KUSEAW_IMPORT_IN_MEMORY_MAX_CELLS cells; anything else (a
100,000-household file is ~90 MB of sheet XML) is streamed row by row with openpyxl's
read-only mode, fed through sheet_scan.sheet_rows_xml and cut to the sheet's extent, so
it is never loaded at once. Which one reads a file is decided in reading.py.

Before either reader opens a file, sheet_scan checks the package (its real unpacked
sizes, the parts read whole) and, before a sheet is read, its extent: data beyond
KUSEAW_IMPORT_MAX_ROWS / KUSEAW_IMPORT_MAX_COLUMNS is refused, empty formatted cells
around it are trimmed. A sheet's extent is kept per process by the file's digest, so the
count, the preview and the apply of one upload scan it once.

The mapping step only needs a sheet's first rows (its header and a few values): it reads
them with open_workbook(head=True) and xlsx_head_rows(), which scan no extent and inflate
a sheet only as far as those rows, at most HEAD_MAX_BYTES of its XML, so the upload and
the mapping page cost the same for a padded or a 500,000-row workbook as for a short one.
"""

import hashlib
import itertools
import zipfile
from collections.abc import Iterator

from households.imports.files import (
    CORRUPT_XLSX,
    NOT_A_TABLE,
    FileProblem,
    Limits,
    cut_to_limits,
    size_text,
)
from households.imports.sheet_scan import (
    ChunkReader,
    Extent,
    check_package,
    check_whole_parts,
    checked_archive,
    inflate,
    root_name,
    scan_sheet,
    sheet_parts,
    sheet_rows_xml,
)

_NOT_A_WORKBOOK = f"{NOT_A_TABLE}: เป็นไฟล์ zip ที่ไม่ใช่สมุดงาน Excel"
# An xlsx is a zip of XML that packs about tenfold; far more than that is a zip bomb.
_MAX_UNPACKED_RATIO = 50
# Unpacked sheet XML (and shared strings) read in memory by calamine; above it, openpyxl.
DEFAULT_IN_MEMORY_MAX_BYTES = 32 * 1024 * 1024
# The largest rectangle calamine may load (about 50 bytes a cell: 100 MB).
DEFAULT_IN_MEMORY_MAX_CELLS = 2_000_000
DEFAULT_MAX_BYTES = 20 * 1024 * 1024
# The sheet XML the mapping step may inflate for a sheet's first rows (a few hundred
# bytes a cell: thousands of rows of a real list).
HEAD_MAX_BYTES = 16 * 1024 * 1024
HEAD_TOO_BIG = (
    "แถวแรก ๆ ของแผ่นงานในไฟล์ยาวเกิน {size} เมื่อขยาย จึงอ่านหัวตารางไม่ได้ "
    "(ลบคอลัมน์หรือเซลล์ที่ไม่ใช้ หรือบันทึกเป็น .csv แล้วนำเข้าใหม่)"
)


def in_memory_limit() -> int:
    from django.conf import settings

    return getattr(settings, "KUSEAW_IMPORT_IN_MEMORY_MAX_BYTES", DEFAULT_IN_MEMORY_MAX_BYTES)


def in_memory_cells() -> int:
    from django.conf import settings

    return getattr(settings, "KUSEAW_IMPORT_IN_MEMORY_MAX_CELLS", DEFAULT_IN_MEMORY_MAX_CELLS)


def max_unpacked(max_bytes: int | None = None) -> int:
    from django.conf import settings

    if max_bytes is None:
        max_bytes = getattr(settings, "KUSEAW_IMPORT_MAX_BYTES", DEFAULT_MAX_BYTES)
    return max_bytes * _MAX_UNPACKED_RATIO


def fits_in_memory(extent: Extent) -> bool:
    """Whether calamine may load this sheet: its extent is trusted and small."""
    return extent.placed and extent.area <= in_memory_cells()


# --- the package and its sheets' extents ---------------------------------------------


def check_unpacked_size(file, max_bytes: int) -> int:
    """Refuse a zip bomb (by the parts' real sizes, not the ones the zip claims) and a
    part read whole that is far too big; return the unpacked size of the sheets and their
    shared strings."""
    archive = checked_archive(_zip(file))
    sizes = check_package(archive, max_unpacked(max_bytes))
    return sum(
        size
        for name, size in sizes.items()
        if name.startswith("xl/worksheets/") or name == "xl/sharedStrings.xml"
    )


def _zip(file) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(file)
    except (zipfile.BadZipFile, EOFError, OSError, ValueError):
        raise FileProblem(CORRUPT_XLSX) from None


def _digest(file) -> bytes:
    file.seek(0)
    digest = hashlib.blake2b(digest_size=16)
    while chunk := file.read(1 << 20):
        digest.update(chunk)
    file.seek(0)
    return digest.digest()


_EXTENTS: dict[tuple[bytes, str], Extent] = {}
_EXTENTS_KEPT = 64


def _extent(archive: zipfile.ZipFile, path: str, digest: bytes) -> Extent:
    key = (digest, path)
    extent = _EXTENTS.get(key)
    if extent is None:
        extent = scan_sheet(inflate(archive, archive.getinfo(path), max_unpacked()))
        if len(_EXTENTS) >= _EXTENTS_KEPT:
            _EXTENTS.pop(next(iter(_EXTENTS)))
        _EXTENTS[key] = extent
    return extent


def extent_finder(file):
    """A function giving a sheet's Extent by its name, None for a name whose part is not
    where calamine would look for it."""
    archive = checked_archive(_zip(file))
    digest = _digest(file)
    parts = sheet_parts(archive)

    def extent(name: str) -> Extent | None:
        path = parts.get(name)
        return None if path is None else _extent(archive, path, digest)

    return extent


def check_extent(extent: Extent, sheet: str) -> None:
    extent.check(sheet, Limits.from_settings())


# --- openpyxl ------------------------------------------------------------------------


class _GuardedArchive:
    """The workbook's zip as openpyxl sees it: a worksheet part comes through
    sheet_scan.sheet_rows_xml (a placeholder dimension, so opening the workbook parses
    no sheet; its empty cells dropped; nothing after </sheetData>), every other part
    as it really unpacks."""

    def __init__(self, archive: zipfile.ZipFile, digest: bytes, head: bool = False):
        self._archive = archive
        self._digest = digest
        self._head = head

    def __getattr__(self, name):
        return getattr(self._archive, name)

    def open(self, name, mode="r", *args, **kwargs):
        info = name if isinstance(name, zipfile.ZipInfo) else self._archive.getinfo(name)
        chunks = inflate(self._archive, info, max_unpacked())
        first = next(chunks, b"")
        chunks = itertools.chain([first], chunks)
        if root_name(first[:65536]) != b"worksheet":
            return ChunkReader(chunks)
        if self._head:
            chunks = _at_most(chunks, HEAD_MAX_BYTES)
        cached = _EXTENTS.get((self._digest, info.filename))
        drop_empty = cached is not None and cached.placed
        return ChunkReader(sheet_rows_xml(chunks, drop_empty=drop_empty))

    def extent(self, path: str) -> Extent:
        return _extent(self._archive, path, self._digest)


def _at_most(chunks: Iterator[bytes], limit: int) -> Iterator[bytes]:
    """The chunks, and FileProblem once they pass `limit` bytes (the head of a sheet)."""
    seen = 0
    for chunk in chunks:
        seen += len(chunk)
        if seen > limit:
            raise FileProblem(HEAD_TOO_BIG.format(size=size_text(limit)))
        yield chunk


def open_workbook(file, *, head: bool = False):
    """The workbook through openpyxl's read-only reader, its sheets seen as _GuardedArchive
    gives them; with `head`, for xlsx_head_rows() only (see the module's docstring)."""
    from openpyxl.reader.excel import ExcelReader

    try:
        reader = ExcelReader(file, read_only=True, data_only=True)
    except (zipfile.BadZipFile, EOFError, OSError, ValueError):
        raise FileProblem(CORRUPT_XLSX) from None
    archive = checked_archive(reader.archive)
    check_whole_parts(archive)
    reader.archive = _GuardedArchive(archive, _digest(file), head=head)
    try:
        reader.read()
    except FileProblem:
        raise
    except (zipfile.BadZipFile, EOFError, OSError):
        raise FileProblem(CORRUPT_XLSX) from None
    except Exception:  # openpyxl raises KeyError, InvalidFileException… for a non-workbook zip
        raise FileProblem(_NOT_A_WORKBOOK) from None
    return reader.wb


def xlsx_rows(worksheet) -> Iterator[tuple[int, tuple]]:
    """(row number, values) from A1 to the sheet's extent (its real one: some programs
    write a wrong sheet size, A1 only, or none). FileProblem for data beyond the limits."""
    limits = Limits.from_settings()
    archive = worksheet.parent._archive
    extent = None
    if isinstance(archive, _GuardedArchive):
        extent = archive.extent(worksheet._worksheet_path)
        extent.check(worksheet.title, limits)
    if extent is not None and extent.placed:
        if not extent.area:
            return
        rows = worksheet.iter_rows(max_row=extent.rows, max_col=extent.columns, values_only=True)
    else:
        # Cells that do not say where they are: read to the end, limits checked row by row.
        worksheet.reset_dimensions()
        rows = worksheet.iter_rows(values_only=True)
    try:
        for row_number, values in enumerate(rows, start=1):
            yield row_number, tuple(cut_to_limits(row_number, values, limits, worksheet.title))
    except (SyntaxError, ValueError, KeyError, IndexError, TypeError):
        # Broken XML (ParseError is a SyntaxError), a bad reference or shared string.
        raise FileProblem(CORRUPT_XLSX) from None


def xlsx_head_rows(worksheet, rows: int) -> Iterator[tuple[int, tuple]]:
    """(row number, values) of the sheet's first `rows` rows, for the mapping step: no
    extent is scanned, the XML is parsed only that far (open_workbook(head=True) caps it),
    each row cut to the column limit (FileProblem for a value beyond it)."""
    limits = Limits.from_settings()
    worksheet.reset_dimensions()  # the placeholder dimension would cut every row to A
    try:
        for row_number, values in enumerate(
            worksheet.iter_rows(max_row=rows, values_only=True), start=1
        ):
            yield row_number, tuple(cut_to_limits(row_number, values, limits, worksheet.title))
    except (SyntaxError, ValueError, KeyError, IndexError, TypeError):
        raise FileProblem(CORRUPT_XLSX) from None


# --- calamine ------------------------------------------------------------------------


def calamine_workbook(file):
    """A python-calamine workbook, or None when calamine cannot read the file (openpyxl
    then gets its turn and gives the Thai message). FileProblem for a package the checks
    refuse (calamine reads the shared strings and styles whole on opening)."""
    from python_calamine import CalamineWorkbook

    check_whole_parts(checked_archive(_zip(file)))
    file.seek(0)
    try:
        return CalamineWorkbook.from_filelike(file)
    except Exception:  # CalamineError, zip errors, XML errors…
        return None


def calamine_sheet_names(workbook) -> list[str]:
    from python_calamine import SheetTypeEnum

    return [m.name for m in workbook.sheets_metadata if m.typ == SheetTypeEnum.WorkSheet]


def calamine_rows(workbook, name: str) -> list[tuple]:
    """Every row of a sheet from A1 (calamine gives "" for an empty cell, whole numbers as
    floats, date cells as date/datetime: the cell parsers take all of these). Only for a
    sheet whose extent fits_in_memory: calamine allocates the whole rectangle."""
    return [tuple(row) for row in workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)]
