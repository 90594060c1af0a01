"""Reading a district office's spreadsheet (.xlsx or .csv) into rows of raw cell values.

read_table() finds the header row (under any title rows), maps the Thai headers to column
keys, and streams the data rows with the row numbers the user sees in Excel. Whatever
makes the whole file unreadable raises FileProblem with a Thai message; single cells are
read later by households.imports.cells.
"""

import codecs
import csv
import io
import os
import re
import zipfile
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass, field

from households.models import NEED_DIMENSIONS
from kuseaw.thai import clean_text


class FileProblem(Exception):
    """The whole file cannot be read (nothing is imported); the message is Thai."""


@dataclass(frozen=True)
class Column:
    """One column an import understands: `label` is the header we show and ask for."""

    key: str
    label: str
    aliases: tuple[str, ...] = ()
    required: bool = False
    help: str = ""
    # Columns sharing a group are alternatives: the file needs at least one of them.
    one_of: str = ""


def _name_columns(group_label: str, *, required: bool = True) -> list[Column]:
    """One «ชื่อ-สกุล» column or separate ones; `required`: the file must have one of them."""
    group = "name" if required else ""
    return [
        Column(
            "full_name",
            "ชื่อ-สกุล",
            (
                "ชื่อ-นามสกุล",
                "ชื่อ - สกุล",
                "ชื่อสกุล",
                "ชื่อ นามสกุล",
                "ชื่อและนามสกุล",
                f"ชื่อ-สกุล{group_label}",
                f"ชื่อ-นามสกุล{group_label}",
                f"ชื่อ{group_label}",
                group_label,
            ),
            help="คำนำหน้า ชื่อ และนามสกุลในช่องเดียว เช่น นายสมชาย ใจดี (หรือแยกเป็นคอลัมน์ "
            "คำนำหน้า / ชื่อ / นามสกุล)",
            one_of=group,
        ),
        Column("title", "คำนำหน้า", ("คำนำหน้าชื่อ",), help="นาย นาง นางสาว เด็กชาย เด็กหญิง"),
        Column("first_name", "ชื่อ", ("ชื่อตัว",), one_of=group),
        Column("last_name", "นามสกุล", ("สกุล",)),
    ]


_NATIONAL_ID_ALIASES = (
    "เลขบัตรประชาชน",
    "เลขบัตรประจำตัวประชาชน",
    "เลขที่บัตรประชาชน",
    "เลขประจำตัวประชาชน 13 หลัก",
    "เลขบัตรประชาชน 13 หลัก",
    "เลขประชาชน",
)
_NATIONAL_ID_HELP = "13 หลัก มีขีดหรือไม่ก็ได้ ควรจัดรูปแบบคอลัมน์เป็นข้อความ"
_DATE_HELP = "วว/ดด/ปปปป พ.ศ. เช่น 15/02/2567 หรือเซลล์วันที่ของ Excel"
_PHONE_ALIASES = ("เบอร์โทร", "เบอร์โทรศัพท์", "โทร", "หมายเลขโทรศัพท์", "เบอร์ติดต่อ")


def _person_columns() -> list[Column]:
    return [
        Column("national_id", "เลขประจำตัวประชาชน", _NATIONAL_ID_ALIASES, help=_NATIONAL_ID_HELP),
        Column("birth_date", "วันเกิด", ("วันเดือนปีเกิด", "วัน/เดือน/ปีเกิด"), help=_DATE_HELP),
        Column(
            "sex",
            "เพศ",
            help="ชาย หรือ หญิง (เว้นว่างได้เมื่อคำนำหน้าบอกเพศ: นาย นาง นางสาว เด็กชาย เด็กหญิง)",
        ),
    ]


# «รายได้» and «การศึกษา» alone name other columns (income, a member's education).
_AMBIGUOUS_NEEDS = ("need_income", "need_education")

HOUSEHOLD_COLUMNS = [
    Column("code", "รหัสครัวเรือน", ("รหัส",), required=True),
    # Not required: a file that only updates households already here may leave names out.
    *_name_columns("หัวหน้าครัวเรือน", required=False),
    *_person_columns(),
    Column("phone", "โทรศัพท์", _PHONE_ALIASES),
    Column("house_no", "บ้านเลขที่", ("เลขที่",), required=True),
    Column("village_no", "หมู่ที่", ("หมู่", "ม."), required=True, help="ตัวเลข 1–99"),
    Column("village_name", "ชื่อหมู่บ้าน", ("บ้าน", "หมู่บ้าน")),
    Column("subdistrict", "ตำบล", ("ต.",), required=True, help="มีหรือไม่มีคำว่า ตำบล/ต. ก็ได้"),
    Column("district", "อำเภอ", ("อ.",), required=True, help="มีหรือไม่มีคำว่า อำเภอ/อ. ก็ได้"),
    Column(
        "poverty_level",
        "ระดับความยากจน",
        ("ระดับ",),
        help="อยู่ลำบาก อยู่ยาก อยู่พอได้ อยู่ดี (หรือ 1–4)",
    ),
    Column("cause", "สาเหตุ", ("สาเหตุความยากจน",), help="ขาดโอกาส หรือ ตัดโอกาสเอง"),
    *(
        Column(
            field_name,
            label,
            (f"ความต้องการ{label}",)
            + (() if field_name in _AMBIGUOUS_NEEDS else (label.removeprefix("ด้าน"),)),
            help="ใช่/มี/✓ หรือเว้นว่าง",
        )
        for field_name, label in NEED_DIMENSIONS
    ),
    Column(
        "annual_income",
        "รายได้ครัวเรือนต่อปี",
        ("รายได้ครัวเรือน", "รายได้ต่อปี", "รายได้"),
        help="บาท",
    ),
    Column("debts", "หนี้สิน", ("หนี้", "ภาระหนี้สิน"), help="บาท"),
    Column("land_rai", "ที่ดินทำกิน (ไร่)", ("ที่ดิน",), help="ไร่"),
    Column("livelihood_assets", "สินทรัพย์เพื่อการทำมาหากิน", ("สินทรัพย์",)),
    Column("joined_on", "วันที่เข้าโครงการ", ("วันเข้าโครงการ",), help=_DATE_HELP),
    Column(
        "consent_given",
        "ยินยอมให้ใช้ข้อมูล",
        ("ความยินยอม", "ยินยอม"),
        help="ใช่ หรือ ไม่ (เว้นว่าง = คงตามที่บันทึกไว้) ระบบบันทึกความยินยอมตามรายชื่อที่หน่วยงานส่งมา",
    ),
    Column("consent_date", "วันที่ให้ความยินยอม", ("วันที่ยินยอม",), help=_DATE_HELP),
]

MEMBER_COLUMNS = [
    Column("household_code", "รหัสครัวเรือน", ("รหัส",), one_of="household"),
    Column(
        "head_national_id",
        "เลขประจำตัวประชาชนหัวหน้าครัวเรือน",
        (
            "เลขบัตรประชาชนหัวหน้าครัวเรือน",
            "เลขบัตรประจำตัวประชาชนหัวหน้าครัวเรือน",
            "เลขบัตรหัวหน้าครัวเรือน",
        ),
        help="ใช้แทนรหัสครัวเรือนได้",
        one_of="household",
    ),
    *_name_columns("สมาชิก"),
    *_person_columns(),
    Column(
        "relation",
        "ความสัมพันธ์",
        ("ความสัมพันธ์กับหัวหน้าครัวเรือน",),
        help="หัวหน้าครัวเรือน คู่สมรส บุตร บิดา/มารดา หลาน พี่น้อง ญาติ ผู้อาศัย",
    ),
    Column("education", "การศึกษา", ("ระดับการศึกษา", "การศึกษาสูงสุด")),
    Column("occupation", "อาชีพ", ("อาชีพหลัก",)),
    Column("income", "รายได้ต่อปี", ("รายได้",), help="บาท"),
    Column("phone", "โทรศัพท์", _PHONE_ALIASES),
    Column("disability", "ความพิการ", ("พิการ", "ประเภทความพิการ")),
    Column("chronic_illness", "โรคเรื้อรัง", ("โรคประจำตัว",)),
    Column(
        "has_welfare_card",
        "บัตรสวัสดิการแห่งรัฐ",
        ("มีบัตรสวัสดิการแห่งรัฐ", "บัตรสวัสดิการ", "บัตรคนจน"),
        help="ใช่/มี/✓ หรือเว้นว่าง",
    ),
]

OFFICIAL_COLUMNS = [
    *_name_columns("เจ้าหน้าที่"),
    Column("national_id", "เลขประจำตัวประชาชน", _NATIONAL_ID_ALIASES, help=_NATIONAL_ID_HELP),
    Column("username", "ชื่อผู้ใช้", ("username", "ชื่อบัญชี", "บัญชีผู้ใช้")),
    Column("email", "อีเมล", ("email", "e-mail")),
    Column(
        "agency",
        "หน่วยงาน",
        ("สังกัด", "รหัสหน่วยงาน", "ชื่อหน่วยงาน"),
        required=True,
        help="รหัส ชื่อ หรือชื่อย่อของหน่วยงาน",
    ),
    Column(
        "district",
        "อำเภอที่ปฏิบัติงาน",
        ("อำเภอ", "อ."),
        required=True,
        help="มีหรือไม่มีคำว่า อำเภอ/อ. ก็ได้",
    ),
    Column("position", "ตำแหน่ง"),
    Column("phone", "โทรศัพท์", _PHONE_ALIASES),
]

PAIRING_COLUMNS = [
    Column("household_code", "รหัสครัวเรือน", ("รหัส",), required=True),
    Column(
        "official_national_id",
        "เลขประจำตัวประชาชนเจ้าหน้าที่",
        ("เลขบัตรประชาชนเจ้าหน้าที่", "เลขประจำตัวประชาชน", *_NATIONAL_ID_ALIASES),
        one_of="official",
    ),
    Column(
        "official_username",
        "ชื่อผู้ใช้เจ้าหน้าที่",
        ("ชื่อผู้ใช้", "username"),
        one_of="official",
    ),
    Column(
        "started_on",
        "วันที่เริ่มดูแล",
        ("วันที่เริ่ม", "วันเริ่มดูแล", "วันที่จับคู่"),
        help=_DATE_HELP,
    ),
]


# ---------------------------------------------------------------------------------------
# Headers

_PARENTHESES = re.compile(r"\([^)]*\)|\[[^\]]*\]")


def header_key(text) -> str:
    """A header as compared: no case, spaces, newlines, «*» marks or «(บาท)» suffixes."""
    text = clean_text(text).replace("\u0e4d\u0e32", "\u0e33").replace("เเ", "แ")
    without_units = _PARENTHESES.sub("", text)
    if re.sub(r"[\s*]", "", without_units):  # a header that is all parentheses keeps them
        text = without_units
    return re.sub(r"[\s*:\u200b\ufeff]", "", text).casefold()


def _column_index(columns: list[Column]) -> dict[str, Column]:
    index: dict[str, Column] = {}
    for column in columns:
        for written in (column.label, *column.aliases):
            index.setdefault(header_key(written), column)
    return index


def _missing(columns: list[Column], found: set[str]) -> list[str]:
    """Thai descriptions of the required columns (or groups) not in `found`."""
    missing = [c.label for c in columns if c.required and c.key not in found]
    groups: dict[str, list[Column]] = {}
    for column in columns:
        if column.one_of:
            groups.setdefault(column.one_of, []).append(column)
    for group in groups.values():
        if not any(c.key in found for c in group):
            missing.append(" หรือ ".join(c.label for c in group))
    return missing


@dataclass
class _Header:
    row_number: int
    headers: list[str]
    mapping: dict[str, int]
    unknown: list[str]
    missing: list[str]
    duplicates: list[str]

    @property
    def score(self) -> int:
        return len(self.mapping) - len(self.unknown)


def _match_header(row_number: int, values, columns: list[Column]) -> _Header:
    index = _column_index(columns)
    headers = [_cell_text(value) for value in values]
    mapping: dict[str, int] = {}
    unknown: list[str] = []
    duplicates: list[str] = []
    for position, header in enumerate(headers):
        if not header:
            continue
        column = index.get(header_key(header))
        if column is None:
            unknown.append(header)
        elif column.key in mapping:
            duplicates.append(f"«{column.label}» ({headers[mapping[column.key]]} และ {header})")
        else:
            mapping[column.key] = position
    return _Header(
        row_number, headers, mapping, unknown, _missing(columns, set(mapping)), duplicates
    )


def _cell_text(value) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # calamine reads every number cell as a float
    return "" if value is None else str(value).strip()


def _is_blank(values) -> bool:
    return all(value is None or (isinstance(value, str) and not value.strip()) for value in values)


# How far down a title, a date line or blank rows may push the header row.
HEADER_SEARCH_ROWS = 10


def _find_header(rows: Iterator[tuple[int, tuple]], columns: list[Column]) -> _Header:
    with closing(rows):
        return _search_header(rows, columns)


def _search_header(rows: Iterator[tuple[int, tuple]], columns: list[Column]) -> _Header:
    best: _Header | None = None
    seen_any = False
    for row_number, values in rows:
        if row_number > HEADER_SEARCH_ROWS:
            break
        if _is_blank(values):
            continue
        seen_any = True
        header = _match_header(row_number, values, columns)
        if not header.missing:
            if header.duplicates:
                raise FileProblem(
                    f"มีคอลัมน์ซ้ำกันในแถวหัวตาราง (แถวที่ {row_number}): "
                    f"{', '.join(header.duplicates)} กรุณาลบคอลัมน์ที่ไม่ใช้ออก"
                )
            return header
        if header.mapping and (best is None or len(header.mapping) > len(best.mapping)):
            best = header
    if not seen_any:
        raise FileProblem("ไฟล์ว่าง ไม่มีข้อมูล")
    if best is None:
        wanted = ", ".join(_missing(columns, set()))
        raise FileProblem(f"ไม่พบแถวหัวตาราง ในแถวที่ 1–{HEADER_SEARCH_ROWS} ต้องมีคอลัมน์ {wanted}")
    raise FileProblem(
        f"ไม่พบคอลัมน์ที่ต้องมี: {', '.join(best.missing)} (หัวตารางอยู่ที่แถว {best.row_number})"
    )


# ---------------------------------------------------------------------------------------
# Files

_SIGNATURES = [
    (b"%PDF", "ไฟล์นี้เป็น PDF ไม่ใช่ตาราง: กรุณาส่งไฟล์ Excel (.xlsx) หรือ CSV"),
    (b"\x89PNG", "ไฟล์นี้เป็นรูปภาพ ไม่ใช่ตาราง: กรุณาส่งไฟล์ Excel (.xlsx) หรือ CSV"),
    (b"\xff\xd8\xff", "ไฟล์นี้เป็นรูปภาพ ไม่ใช่ตาราง: กรุณาส่งไฟล์ Excel (.xlsx) หรือ CSV"),
    (b"GIF8", "ไฟล์นี้เป็นรูปภาพ ไม่ใช่ตาราง: กรุณาส่งไฟล์ Excel (.xlsx) หรือ CSV"),
    (
        b"\xd0\xcf\x11\xe0",
        "ไฟล์นี้เป็น Excel รุ่นเก่า (.xls) หรือ Word: เปิดใน Excel แล้ว «บันทึกเป็น» "
        ".xlsx หรือ CSV UTF-8 ก่อนนำเข้า",
    ),
    (b"Rar!", "ไฟล์นี้เป็นไฟล์บีบอัด (RAR) ไม่ใช่ตาราง"),
    (b"\x1f\x8b", "ไฟล์นี้เป็นไฟล์บีบอัด (gzip) ไม่ใช่ตาราง"),
]
_HTML = re.compile(rb"^\s*(<!doctype|<html|<\?xml|<table)", re.IGNORECASE)
_NOT_A_TABLE = "ไฟล์นี้ไม่ใช่ไฟล์ Excel (.xlsx) หรือ CSV"
# An xlsx is a zip of XML that packs about tenfold; far more than that is a zip bomb.
_MAX_UNPACKED_RATIO = 50


def _size_text(max_bytes: int) -> str:
    megabytes = max_bytes / (1024 * 1024)
    if megabytes >= 1:
        return f"{round(megabytes, 1):g} MB"
    return f"{round(max_bytes / 1024, 1):g} KB"


class _Source:
    """A path or an open binary file, opened afresh (from the start) for each pass."""

    def __init__(self, source):
        self.source = source

    def open(self):
        if isinstance(self.source, str | os.PathLike):
            return open(self.source, "rb")
        file = getattr(self.source, "file", self.source)  # UploadedFile wraps a file
        file.seek(0)
        return _Unclosable(file)

    def size(self) -> int:
        if isinstance(self.source, str | os.PathLike):
            return os.path.getsize(self.source)
        size = getattr(self.source, "size", None)
        if size is not None:
            return size
        file = self.source
        file.seek(0, io.SEEK_END)
        size = file.tell()
        file.seek(0)
        return size


class _Unclosable(io.BufferedIOBase):
    """The caller's file object: our passes may read it but leave closing to the caller."""

    def __init__(self, raw):
        self._raw = raw

    def readable(self):
        return True

    def seekable(self):
        return True

    def read(self, size=-1):
        return self._raw.read(size)

    def read1(self, size=-1):
        return self._raw.read(size)

    def readinto(self, buffer):
        data = self._raw.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def seek(self, offset, whence=io.SEEK_SET):
        return self._raw.seek(offset, whence)

    def tell(self):
        return self._raw.tell()

    def close(self):
        pass


def _kind(source: _Source, filename: str) -> str:
    """«xlsx» or «csv», by the file's first bytes; FileProblem for anything else."""
    with source.open() as file:
        start = file.read(512)
    if not start:
        raise FileProblem("ไฟล์ว่าง ไม่มีข้อมูล")
    if start.startswith(b"PK"):
        return "xlsx"
    for signature, message in _SIGNATURES:
        if start.startswith(signature):
            raise FileProblem(message)
    if _HTML.match(start):
        raise FileProblem(
            "ไฟล์นี้เป็นหน้าเว็บ (HTML) ที่ตั้งชื่อเป็นไฟล์ Excel: เปิดใน Excel แล้ว «บันทึกเป็น» .xlsx ก่อนนำเข้า"
        )
    if b"\x00" in start:
        raise FileProblem(_NOT_A_TABLE)
    if filename.lower().endswith((".xlsx", ".xlsm")):
        raise FileProblem(f"{_NOT_A_TABLE}: ไฟล์ชื่อ .xlsx แต่ข้างในไม่ใช่ไฟล์ Excel")
    return "csv"


# ---- xlsx
#
# Two readers. python-calamine (Rust) parses a sheet about ten times faster than openpyxl,
# but CalamineWorkbook.get_sheet_by_name() loads the *whole* sheet into memory (its
# iter_rows() and to_python() both walk that loaded range). So it reads workbooks whose
# unpacked sheets fit under settings.KUSEAW_IMPORT_IN_MEMORY_MAX_BYTES; anything larger
# (a 100,000-household file is ~90 MB of sheet XML) is streamed row by row with openpyxl's
# read-only mode, so it is never loaded at once.

_CORRUPT_XLSX = "ไฟล์ Excel เสียหรือไม่ครบ (อาจดาวน์โหลดหรือคัดลอกไม่สำเร็จ): เปิดในเครื่องแล้วบันทึกใหม่ก่อนนำเข้า"
_NOT_A_WORKBOOK = f"{_NOT_A_TABLE}: เป็นไฟล์ zip ที่ไม่ใช่สมุดงาน Excel"
# Unpacked sheet XML (and shared strings) read in memory by calamine; above it, openpyxl.
DEFAULT_IN_MEMORY_MAX_BYTES = 32 * 1024 * 1024


def _in_memory_limit() -> int:
    from django.conf import settings

    return getattr(settings, "KUSEAW_IMPORT_IN_MEMORY_MAX_BYTES", DEFAULT_IN_MEMORY_MAX_BYTES)


def _open_workbook(file):
    from openpyxl import load_workbook

    try:
        return load_workbook(file, read_only=True, data_only=True)
    except (zipfile.BadZipFile, EOFError, OSError):
        raise FileProblem(_CORRUPT_XLSX) from None
    except Exception:  # openpyxl raises KeyError, InvalidFileException… for a non-workbook zip
        raise FileProblem(_NOT_A_WORKBOOK) from None


def _check_unpacked_size(file, max_bytes: int) -> int:
    """Refuse a zip bomb; return the unpacked size of the sheets and their shared strings."""
    try:
        with zipfile.ZipFile(file) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, EOFError, OSError):
        raise FileProblem(_CORRUPT_XLSX) from None
    unpacked = sum(info.file_size for info in infos)
    if unpacked > max_bytes * _MAX_UNPACKED_RATIO:
        raise FileProblem(f"ไฟล์ใหญ่เกิน {_size_text(max_bytes)} เมื่อขยาย")
    return sum(
        info.file_size
        for info in infos
        if info.filename.startswith("xl/worksheets/") or info.filename == "xl/sharedStrings.xml"
    )


def _xlsx_rows(worksheet) -> Iterator[tuple[int, tuple]]:
    # Some programs write a wrong sheet size (A1 only); reading to the end is always right.
    worksheet.reset_dimensions()
    for row_number, values in enumerate(worksheet.iter_rows(values_only=True), start=1):
        yield row_number, tuple(values)


def _calamine_workbook(file):
    """A python-calamine workbook, or None when calamine cannot read the file (openpyxl
    then gets its turn and gives the Thai message)."""
    from python_calamine import CalamineWorkbook

    try:
        return CalamineWorkbook.from_filelike(file)
    except Exception:  # CalamineError, zip errors, XML errors…
        return None


def _calamine_sheet_names(workbook) -> list[str]:
    from python_calamine import SheetTypeEnum

    return [m.name for m in workbook.sheets_metadata if m.typ == SheetTypeEnum.WorkSheet]


def _calamine_rows(workbook, name: str) -> list[tuple]:
    """Every row of a sheet from A1 (calamine gives "" for an empty cell, whole numbers as
    floats, date cells as date/datetime: the cell parsers take all of these)."""
    return [tuple(row) for row in workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)]


def list_sheets(source, filename: str) -> list[str]:
    """The worksheet names of an .xlsx, in order ([] for a CSV)."""
    wrapped = _Source(source)
    if _kind(wrapped, filename) != "xlsx":
        return []
    with wrapped.open() as file:
        workbook = _calamine_workbook(file)
        if workbook is not None:
            try:
                return _calamine_sheet_names(workbook)
            finally:
                workbook.close()
        file.seek(0)
        workbook = _open_workbook(file)
        try:
            return [worksheet.title for worksheet in workbook.worksheets]
        finally:
            workbook.close()


# ---- csv

_ENCODINGS = ("utf-8-sig", "cp874")


def _csv_encoding(source: _Source) -> str:
    """UTF-8 (with or without BOM) if the whole file decodes as such, else Windows-874."""
    for encoding in _ENCODINGS:
        decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
        try:
            with source.open() as file:
                while chunk := file.read(1 << 16):
                    decoder.decode(chunk)
                decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        return encoding
    raise FileProblem("อ่านตัวอักษรในไฟล์ CSV ไม่ได้: บันทึกจาก Excel เป็น «CSV UTF-8» แล้วลองใหม่")


def _csv_dialect(sample: str):
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        first_line = next((line for line in sample.splitlines() if line.strip()), "")
        delimiter = max(",;\t", key=first_line.count)

        class Fallback(csv.excel):
            pass

        Fallback.delimiter = delimiter if first_line.count(delimiter) else ","
        return Fallback


def _csv_rows(file, encoding: str, dialect) -> Iterator[tuple[int, tuple]]:
    text = io.TextIOWrapper(file, encoding=encoding, newline="")
    try:
        # Each record is one row in Excel, even when a quoted cell spans several lines.
        for row_number, values in enumerate(csv.reader(text, dialect), start=1):
            yield row_number, tuple(values)
    except csv.Error as error:
        raise FileProblem(f"อ่านไฟล์ CSV ไม่ได้: {error}") from None
    finally:
        text.detach()


# ---- the table


@dataclass
class Table:
    """A sheet whose header was found: `rows()` streams its data rows, as often as needed."""

    headers: list[str]
    mapping: dict[str, int]
    unknown_headers: list[str]
    header_row: int
    sheet: str | None
    _source: _Source = field(repr=False)
    _kind: str = field(repr=False)
    _encoding: str | None = field(default=None, repr=False)
    _dialect: object = field(default=None, repr=False)
    # A sheet calamine read into memory (rows from A1): every pass reads this list.
    _loaded: list | None = field(default=None, repr=False)
    # A streamed (openpyxl) sheet: the rows left after its header, and what closes the
    # workbook they come from. The first pass goes on from there, so the header search
    # and the rows are one read of the file; a second pass opens the file again.
    _pending: Iterator | None = field(default=None, repr=False)
    _release: object = field(default=None, repr=False)

    def rows(self) -> Iterator[tuple[int, dict]]:
        """(row number as shown in Excel, {column key: raw value}) for each non-blank row
        under the header. Only the file's columns are keys; text is stripped and "" is None.
        """
        if self._loaded is not None:
            yield from self._data(enumerate(self._loaded, start=1))
            return
        pending, release = self._pending, self._release
        if pending is not None:
            self._pending = self._release = None
            try:
                yield from self._data(pending)
            finally:
                release()
            return
        with self._source.open() as file:
            if self._kind == "xlsx":
                workbook = _open_workbook(file)
                try:
                    yield from self._data(_xlsx_rows(workbook[self.sheet]))
                finally:
                    workbook.close()
            else:
                yield from self._data(_csv_rows(file, self._encoding, self._dialect))

    def _data(self, rows) -> Iterator[tuple[int, dict]]:
        header_row = self.header_row
        items = list(self.mapping.items())
        for row_number, values in rows:
            if row_number <= header_row:
                continue
            width = len(values)
            raw = {}
            filled = False
            for key, position in items:
                value = values[position] if position < width else None
                if isinstance(value, str):
                    value = value.strip() or None
                if value is not None:
                    filled = True
                raw[key] = value
            # A row blank in our columns is blank for us (whatever lies in other columns).
            if filled:
                yield row_number, raw

    def __del__(self):
        if self._release is not None:
            self._release()


def read_table(
    source,
    *,
    filename: str,
    columns: list[Column],
    sheet: str | None = None,
    max_bytes: int,
) -> Table:
    """Open an uploaded .xlsx or .csv (a path or a binary file object) and find its header.

    With no `sheet`, the sheet whose header has the required columns (and fits them best)
    is read: pass `sheet` for a workbook with one sheet per kind of list.
    Raises FileProblem for a file that is too big, not a spreadsheet, corrupt, empty or
    missing a required column.
    """
    wrapped = _Source(source)
    if wrapped.size() > max_bytes:
        raise FileProblem(f"ไฟล์ใหญ่เกิน {_size_text(max_bytes)}")
    kind = _kind(wrapped, filename)
    if kind == "csv":
        return _read_csv(wrapped, columns)
    with wrapped.open() as file:
        sheets_size = _check_unpacked_size(file, max_bytes)
    if sheets_size <= _in_memory_limit():
        table = _read_xlsx_in_memory(wrapped, columns, sheet)
        if table is not None:
            return table
    return _read_xlsx_streamed(wrapped, columns, sheet)


def _choose_sheet(names, sheet, find) -> tuple[_Header, str]:
    """The header and name of the sheet to read; `find(name)` searches one sheet's header."""
    if sheet is not None and sheet not in names:
        raise FileProblem(f"ไม่พบชีต «{sheet}» ในไฟล์ (มี: {', '.join(names)})")
    found: list[tuple[_Header, str]] = []
    problem = None
    for name in [sheet] if sheet is not None else names:
        try:
            found.append((find(name), name))
        except FileProblem as error:
            problem = problem or error
    if not found:
        raise problem or FileProblem("ไฟล์ว่าง ไม่มีข้อมูล")
    # A workbook with a households and a members sheet: the sheet whose header fits
    # these columns best (fewest headers we do not know), the first one on a tie.
    return max(found, key=lambda pair: pair[0].score)


def _xlsx_table(header: _Header, name: str, source: _Source, **extra) -> Table:
    return Table(
        headers=header.headers,
        mapping=header.mapping,
        unknown_headers=header.unknown,
        header_row=header.row_number,
        sheet=name,
        _source=source,
        _kind="xlsx",
        **extra,
    )


def _read_xlsx_in_memory(source: _Source, columns: list[Column], sheet) -> Table | None:
    """Read the sheet once with calamine; None when calamine cannot read the file."""
    with source.open() as file:
        workbook = _calamine_workbook(file)
        if workbook is None:
            return None
        try:
            names = _calamine_sheet_names(workbook)
            loaded: dict[str, list[tuple]] = {}

            def find(name):
                try:
                    loaded[name] = _calamine_rows(workbook, name)
                except Exception:  # a sheet calamine cannot parse: let openpyxl try
                    raise _CalamineFailed from None
                return _search_header(enumerate(loaded[name], start=1), columns)

            try:
                header, name = _choose_sheet(names, sheet, find)
            except _CalamineFailed:
                return None
        finally:
            workbook.close()
    return _xlsx_table(header, name, source, _loaded=loaded[name])


class _CalamineFailed(Exception):
    pass


def _read_xlsx_streamed(source: _Source, columns: list[Column], sheet) -> Table:
    """Stream the sheet with openpyxl (read-only): the header search and the first pass of
    rows() share one open workbook and one iterator."""
    file = source.open()
    try:
        workbook = _open_workbook(file)
    except BaseException:
        file.close()
        raise
    iterators: dict[str, Iterator] = {}

    def find(name):
        iterators[name] = _xlsx_rows(workbook[name])
        return _search_header(iterators[name], columns)

    def release():
        for rows in iterators.values():
            rows.close()
        workbook.close()
        file.close()

    try:
        names = [worksheet.title for worksheet in workbook.worksheets]
        header, name = _choose_sheet(names, sheet, find)
    except BaseException:
        release()
        raise
    chosen = iterators.pop(name)
    for rows in iterators.values():
        rows.close()
    iterators.clear()
    iterators[name] = chosen
    return _xlsx_table(header, name, source, _pending=chosen, _release=release)


def _read_csv(source: _Source, columns: list[Column]) -> Table:
    encoding = _csv_encoding(source)
    with source.open() as file:
        sample = io.TextIOWrapper(file, encoding=encoding, newline="")
        try:
            dialect = _csv_dialect(sample.read(64 * 1024))
        finally:
            sample.detach()
    with source.open() as file:
        header = _find_header(_csv_rows(file, encoding, dialect), columns)
    return Table(
        headers=header.headers,
        mapping=header.mapping,
        unknown_headers=header.unknown,
        header_row=header.row_number,
        sheet=None,
        _source=source,
        _kind="csv",
        _encoding=encoding,
        _dialect=dialect,
    )
