"""Reading a district office's spreadsheet (.xlsx or .csv) into rows of raw cell values.

read_table() finds the header row (under any title rows), maps the Thai headers to column
keys, and streams the data rows with the row numbers the user sees in Excel. Whatever
makes the whole file unreadable raises FileProblem with a Thai message; single cells are
read later by households.imports.cells.

This module holds read_table(), list_sheets() and the Table they give; the pieces are
below it: columns.py (the columns each import understands), headers.py (finding and
matching the header row), files.py (FileProblem, telling the kind of file, CSV decoding)
and workbooks.py (xlsx through calamine or openpyxl). Callers import the columns and
FileProblem from their own modules.
"""

import io
from collections.abc import Iterator
from dataclasses import dataclass, field

from households.imports.columns import Column
from households.imports.files import (
    FileProblem,
    Source,
    csv_dialect,
    csv_encoding,
    csv_rows,
    file_kind,
    size_text,
)
from households.imports.headers import Header, find_header, search_header
from households.imports.workbooks import (
    calamine_rows,
    calamine_sheet_names,
    calamine_workbook,
    check_unpacked_size,
    in_memory_limit,
    open_workbook,
    xlsx_rows,
)


def list_sheets(source, filename: str) -> list[str]:
    """The worksheet names of an .xlsx, in order ([] for a CSV)."""
    wrapped = Source(source)
    if file_kind(wrapped, filename) != "xlsx":
        return []
    with wrapped.open() as file:
        workbook = calamine_workbook(file)
        if workbook is not None:
            try:
                return calamine_sheet_names(workbook)
            finally:
                workbook.close()
        file.seek(0)
        workbook = open_workbook(file)
        try:
            return [worksheet.title for worksheet in workbook.worksheets]
        finally:
            workbook.close()


@dataclass
class Table:
    """A sheet whose header was found: `rows()` streams its data rows, as often as needed."""

    headers: list[str]
    mapping: dict[str, int]
    unknown_headers: list[str]
    header_row: int
    sheet: str | None
    _source: Source = field(repr=False)
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
                workbook = open_workbook(file)
                try:
                    yield from self._data(xlsx_rows(workbook[self.sheet]))
                finally:
                    workbook.close()
            else:
                yield from self._data(csv_rows(file, self._encoding, self._dialect))

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
    wrapped = Source(source)
    if wrapped.size() > max_bytes:
        raise FileProblem(f"ไฟล์ใหญ่เกิน {size_text(max_bytes)}")
    kind = file_kind(wrapped, filename)
    if kind == "csv":
        return _read_csv(wrapped, columns)
    with wrapped.open() as file:
        sheets_size = check_unpacked_size(file, max_bytes)
    if sheets_size <= in_memory_limit():
        table = _read_xlsx_in_memory(wrapped, columns, sheet)
        if table is not None:
            return table
    return _read_xlsx_streamed(wrapped, columns, sheet)


def _choose_sheet(names, sheet, find) -> tuple[Header, str]:
    """The header and name of the sheet to read; `find(name)` searches one sheet's header."""
    if sheet is not None and sheet not in names:
        raise FileProblem(f"ไม่พบชีต «{sheet}» ในไฟล์ (มี: {', '.join(names)})")
    found: list[tuple[Header, str]] = []
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


def _xlsx_table(header: Header, name: str, source: Source, **extra) -> Table:
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


def _read_xlsx_in_memory(source: Source, columns: list[Column], sheet) -> Table | None:
    """Read the sheet once with calamine; None when calamine cannot read the file."""
    with source.open() as file:
        workbook = calamine_workbook(file)
        if workbook is None:
            return None
        try:
            names = calamine_sheet_names(workbook)
            loaded: dict[str, list[tuple]] = {}

            def find(name):
                try:
                    loaded[name] = calamine_rows(workbook, name)
                except Exception:  # a sheet calamine cannot parse: let openpyxl try
                    raise _CalamineFailed from None
                return search_header(enumerate(loaded[name], start=1), columns)

            try:
                header, name = _choose_sheet(names, sheet, find)
            except _CalamineFailed:
                return None
        finally:
            workbook.close()
    return _xlsx_table(header, name, source, _loaded=loaded[name])


class _CalamineFailed(Exception):
    pass


def _read_xlsx_streamed(source: Source, columns: list[Column], sheet) -> Table:
    """Stream the sheet with openpyxl (read-only): the header search and the first pass of
    rows() share one open workbook and one iterator."""
    file = source.open()
    try:
        workbook = open_workbook(file)
    except BaseException:
        file.close()
        raise
    iterators: dict[str, Iterator] = {}

    def find(name):
        iterators[name] = xlsx_rows(workbook[name])
        return search_header(iterators[name], columns)

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


def _read_csv(source: Source, columns: list[Column]) -> Table:
    encoding = csv_encoding(source)
    with source.open() as file:
        sample = io.TextIOWrapper(file, encoding=encoding, newline="")
        try:
            dialect = csv_dialect(sample.read(64 * 1024))
        finally:
            sample.detach()
    with source.open() as file:
        header = find_header(csv_rows(file, encoding, dialect), columns)
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
