"""The one spreadsheet writer: every table a user downloads is written here, as .xlsx (one
or several sheets) or as .csv.

* Every text cell is neutralised: text a spreadsheet would run as a formula (or as DDE)
  gets a leading single quote, so nothing a user typed runs when the file is opened.
* Dates and datetimes are written as Buddhist-Era text by `kuseaw.thaidate.format_be`, in
  the style the caller names (`dates="short"`: 18 ส.ค. 2563); `dates=None` leaves them as
  they are (spreadsheet dates in .xlsx, ISO text in .csv).
* Headers are the caller's (Thai). A sheet may carry lines above its table (a title, the
  filters it was made with), written before a blank line and the header.
"""

import csv
import datetime as dt
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from openpyxl import Workbook

from kuseaw.thaidate import format_be

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV = "text/csv; charset=utf-8"

# What a spreadsheet reads as the start of a formula (or of DDE): =, +, -, @, tab, CR.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

# The longest sheet name Excel opens.
SHEET_NAME_LENGTH = 31


def neutralise(value):
    """A cell value that cannot run as a formula: text starting with a dangerous
    character gets a leading single quote. Numbers and dates pass unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def cell(value, dates: str | None = "short"):
    """A value as it is written: a date or datetime as Buddhist-Era text in the `dates`
    style of format_be (unchanged when dates is None), text neutralised, the rest as is."""
    if dates is not None and isinstance(value, dt.date):
        return format_be(value, dates)
    return neutralise(value)


@dataclass
class Sheet:
    title: str  # the sheet's name (cut to what Excel opens); not written in a .csv
    header: list
    rows: Iterable[list] = field(default_factory=list)
    above: list = field(default_factory=list)  # lines above the table, one cell each


def _lines(sheet: Sheet, dates: str | None, when_empty) -> Iterator[list]:
    for line in sheet.above:
        yield [cell(line, dates)]
    if sheet.above:
        yield []
    yield [cell(value, dates) for value in sheet.header]
    empty = True
    for row in sheet.rows:
        empty = False
        yield [cell(value, dates) for value in row]
    if empty and when_empty is not None:
        yield [cell(when_empty, dates)]


def to_xlsx(*sheets: Sheet, dates: str | None = "short", when_empty: str | None = None) -> bytes:
    """An .xlsx with the sheets in order. `when_empty` is the line written under the header
    of a sheet without rows (nothing when None)."""
    workbook = Workbook(write_only=True)
    for sheet in sheets:
        worksheet = workbook.create_sheet(sheet.title[:SHEET_NAME_LENGTH])
        for line in _lines(sheet, dates, when_empty):
            worksheet.append(line)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def to_csv(sheet: Sheet, *, dates: str | None = "short", when_empty: str | None = None) -> bytes:
    """The sheet as CSV in UTF-8 with a BOM: with it, Thai Excel opens UTF-8 correctly.
    Empty cells (None) are written as empty text."""
    out = io.StringIO()
    csv.writer(out).writerows(_lines(sheet, dates, when_empty))
    return ("\ufeff" + out.getvalue()).encode("utf-8")
