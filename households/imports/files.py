"""An uploaded file as bytes: what kind it is, and a CSV file's text and rows.

FileProblem is the error for a whole file that cannot be read (its message is Thai).
Source opens a path or an uploaded file afresh for each pass; file_kind() tells an .xlsx
from a CSV by the first bytes (and names what else it is: a PDF, an image, an old .xls, a
web page…); csv_encoding(), csv_dialect() and csv_rows() decode a CSV (UTF-8 or
Windows-874) and stream its records. Workbooks are read in workbooks.py.

Limits says how far a sheet's data may reach (KUSEAW_IMPORT_MAX_ROWS and _MAX_COLUMNS);
cut_to_limits() trims a row's empty tail and refuses data beyond them, for a CSV here and
for a workbook whose cells do not say where they are (sheet_scan.py).
"""

import codecs
import csv
import io
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass


class FileProblem(Exception):
    """The whole file cannot be read (nothing is imported); the message is Thai."""


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
NOT_A_TABLE = "ไฟล์นี้ไม่ใช่ไฟล์ Excel (.xlsx) หรือ CSV"
CORRUPT_XLSX = "ไฟล์ Excel เสียหรือไม่ครบ (อาจดาวน์โหลดหรือคัดลอกไม่สำเร็จ): เปิดในเครื่องแล้วบันทึกใหม่ก่อนนำเข้า"
DEFAULT_MAX_ROWS = 500_000
DEFAULT_MAX_COLUMNS = 256


def size_text(max_bytes: int) -> str:
    megabytes = max_bytes / (1024 * 1024)
    if megabytes >= 1:
        return f"{round(megabytes, 1):g} MB"
    return f"{round(max_bytes / 1024, 1):g} KB"


def column_letters(number: int) -> str:
    """1 → A, 28 → AB, 16384 → XFD."""
    letters = ""
    while number > 0:
        number, remainder = divmod(number - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


@dataclass(frozen=True)
class Limits:
    """How far a sheet's data may reach; empty rows and columns beyond are simply trimmed."""

    rows: int
    columns: int

    @classmethod
    def from_settings(cls) -> "Limits":
        from django.conf import settings

        return cls(
            rows=getattr(settings, "KUSEAW_IMPORT_MAX_ROWS", DEFAULT_MAX_ROWS),
            columns=getattr(settings, "KUSEAW_IMPORT_MAX_COLUMNS", DEFAULT_MAX_COLUMNS),
        )

    def check(self, rows: int, columns: int, sheet: str | None = None) -> None:
        """FileProblem when data reaches beyond the last row or column allowed."""
        where = f"ชีต «{sheet}»" if sheet else "ไฟล์นี้"
        if rows > self.rows:
            raise FileProblem(
                f"{where} มีข้อมูลถึงแถวที่ {rows:,} เกินกำหนด {self.rows:,} แถว: "
                "แบ่งเป็นหลายไฟล์ หรือลบแถวที่ไม่ใช้ทิ้งแล้วบันทึกใหม่ก่อนนำเข้า"
            )
        if columns > self.columns:
            letters = column_letters(columns) if columns <= 16384 else f"ที่ {columns:,}"
            raise FileProblem(
                f"{where} มีข้อมูลถึงคอลัมน์ {letters} เกินกำหนด {self.columns:,} คอลัมน์ "
                f"(ถึงคอลัมน์ {column_letters(self.columns)}): "
                "ลบคอลัมน์ที่ไม่ใช้ทิ้งแล้วบันทึกใหม่ก่อนนำเข้า"
            )


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def cut_to_limits(row_number: int, values, limits: Limits, sheet: str | None = None):
    """The row without its empty tail past the last column allowed; FileProblem for a value
    beyond the last row or column allowed (a blank row there is let through: trimmed later)."""
    if len(values) > limits.columns:
        last = max((i for i, v in enumerate(values) if not _blank(v)), default=-1)
        limits.check(0, last + 1, sheet)
        values = values[: limits.columns]
    if row_number > limits.rows and not all(_blank(v) for v in values):
        limits.check(row_number, 0, sheet)
    return values


class Source:
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


def file_kind(source: Source, filename: str) -> str:
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
        raise FileProblem(NOT_A_TABLE)
    if filename.lower().endswith((".xlsx", ".xlsm")):
        raise FileProblem(f"{NOT_A_TABLE}: ไฟล์ชื่อ .xlsx แต่ข้างในไม่ใช่ไฟล์ Excel")
    return "csv"


_ENCODINGS = ("utf-8-sig", "cp874")


def csv_encoding(source: Source) -> str:
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


def csv_dialect(sample: str):
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        first_line = next((line for line in sample.splitlines() if line.strip()), "")
        delimiter = max(",;\t", key=first_line.count)

        class Fallback(csv.excel):
            pass

        Fallback.delimiter = delimiter if first_line.count(delimiter) else ","
        return Fallback


def csv_rows(file, encoding: str, dialect) -> Iterator[tuple[int, tuple]]:
    text = io.TextIOWrapper(file, encoding=encoding, newline="")
    limits = Limits.from_settings()
    try:
        # Each record is one row in Excel, even when a quoted cell spans several lines.
        for row_number, values in enumerate(csv.reader(text, dialect), start=1):
            yield row_number, tuple(cut_to_limits(row_number, values, limits))
    except csv.Error as error:
        raise FileProblem(f"อ่านไฟล์ CSV ไม่ได้: {error}") from None
    finally:
        text.detach()
