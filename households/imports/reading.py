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
from itertools import chain, islice

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
from households.imports.headers import Header, find_header, is_blank_row, search_header
from households.imports.workbooks import (
    calamine_rows,
    calamine_sheet_names,
    calamine_workbook,
    check_extent,
    check_unpacked_size,
    extent_finder,
    fits_in_memory,
    in_memory_limit,
    open_workbook,
    xlsx_head_rows,
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
    # One value for every row of a field the file has no column for (the mapping step).
    fixed: dict[str, str] = field(default_factory=dict)
    # How each position of `mapping` was matched (headers.EXACT, NEAR or GIVEN).
    matched_by: dict[int, str] = field(default_factory=dict)
    _source: Source = field(default=None, repr=False)
    _kind: str = field(default="", repr=False)
    _encoding: str | None = field(default=None, repr=False)
    _dialect: object = field(default=None, repr=False)
    # A sheet calamine read into memory (rows from A1): every pass reads this list.
    _loaded: list | None = field(default=None, repr=False)
    # A streamed (openpyxl) sheet: the rows left after its header, and what closes the
    # workbook they come from. The first pass goes on from there, so the header search
    # and the rows are one read of the file; a second pass opens the file again.
    _pending: Iterator | None = field(default=None, repr=False)
    _release: object = field(default=None, repr=False)
    # Read for its first rows only (read_table's head_rows): every pass stops there.
    _head_rows: int | None = field(default=None, repr=False)
    # The positions the confirmed mapping lists (imported or not); rows() then notes in
    # `unlisted` (position → first row) a column holding values that the mapping step
    # never saw (no header, and nothing in the rows it read).
    listed: frozenset[int] | None = None
    unlisted: dict[int, int] = field(default_factory=dict)

    def rows(self) -> Iterator[tuple[int, dict]]:
        """(row number as shown in Excel, {column key: raw value}) for each non-blank row
        under the header. Only the file's columns (and the fixed values) are keys; text is
        stripped and "" is None.
        """
        return self._pass(self._data)

    def raw_rows(self) -> Iterator[tuple[int, tuple]]:
        """(row number, every cell of the row as read) for each row under the header with
        anything in it: the file's own layout, for the samples of the mapping page and the
        rows an import returns."""
        return self._pass(self._raw)

    def _pass(self, read):
        if self._loaded is not None:
            yield from read(enumerate(self._loaded, start=1))
            return
        pending, release = self._pending, self._release
        if pending is not None:
            self._pending = self._release = None
            try:
                yield from read(pending)
            finally:
                release()
            return
        with self._source.open() as file:
            if self._kind == "xlsx":
                head = self._head_rows is not None
                workbook = open_workbook(file, head=head)
                try:
                    sheet = workbook[self.sheet]
                    yield from read(
                        xlsx_head_rows(sheet, self._head_rows) if head else xlsx_rows(sheet)
                    )
                finally:
                    workbook.close()
            else:
                rows = csv_rows(file, self._encoding, self._dialect)
                if self._head_rows is not None:
                    rows = islice(rows, self._head_rows)
                yield from read(rows)

    def _raw(self, rows) -> Iterator[tuple[int, tuple]]:
        header_row = self.header_row
        for row_number, values in rows:
            if row_number > header_row and not is_blank_row(values):
                yield row_number, values

    def _data(self, rows) -> Iterator[tuple[int, dict]]:
        header_row = self.header_row
        items = list(self.mapping.items())
        fixed = list(self.fixed.items())
        listed = self.listed
        listed_width = max(listed, default=-1) + 1 if listed is not None else None
        gaps = [p for p in range(listed_width or 0) if p not in listed] if listed else []
        for row_number, values in rows:
            if row_number <= header_row:
                continue
            width = len(values)
            if listed_width is not None and (width > listed_width or gaps):
                self._note_unlisted(row_number, values, listed_width, gaps)
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
                for key, value in fixed:
                    raw[key] = value
                yield row_number, raw

    def _note_unlisted(self, row_number, values, listed_width, gaps):
        width = len(values)
        for position in chain((p for p in gaps if p < width), range(listed_width, width)):
            value = values[position]
            if value is None or (isinstance(value, str) and not value.strip()):
                continue
            self.unlisted.setdefault(position, row_number)

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
    head_rows: int | None = None,
) -> Table:
    """Open an uploaded .xlsx or .csv (a path or a binary file object) and find its header.

    With no `sheet`, the sheet whose header has the required columns (and fits them best)
    is read: pass `sheet` for a workbook with one sheet per kind of list.
    `columns` may be a headers.HeaderRule instead (the households import's mapping step:
    OpenHeader to propose a mapping, GivenHeader to read with the one confirmed).
    With `head_rows`, only the first rows of the file are read, however large it is (the
    mapping step: its headers and a few values; workbooks.xlsx_head_rows): the Table's
    passes stop there, and data farther down is neither read nor checked.
    Raises FileProblem for a file that is too big, not a spreadsheet, corrupt, empty or
    (without a HeaderRule) missing a required column.
    """
    wrapped = Source(source)
    if wrapped.size() > max_bytes:
        raise FileProblem(f"ไฟล์ใหญ่เกิน {size_text(max_bytes)}")
    kind = file_kind(wrapped, filename)
    if kind == "csv":
        table = _read_csv(wrapped, columns)
        table._head_rows = head_rows
        return table
    if head_rows is not None:
        # The package's parts read whole are checked on opening; the sheets' real sizes
        # and extents are the preview's to check (in the background when it is large).
        return _read_xlsx_streamed(wrapped, columns, sheet, head_rows=head_rows)
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
    if header.read_past and extra.get("_pending") is not None:
        # Rows the header search read past: a streamed sheet's first pass starts with them.
        extra["_pending"] = chain(header.read_past, extra["_pending"])
    return Table(
        headers=header.headers,
        mapping=header.mapping,
        unknown_headers=header.unknown,
        header_row=header.row_number,
        sheet=name,
        fixed=header.fixed,
        matched_by=header.how,
        _source=source,
        _kind="xlsx",
        **extra,
    )


def _read_xlsx_in_memory(source: Source, columns: list[Column], sheet) -> Table | None:
    """Read the sheet once with calamine; None when calamine cannot read the file or one
    of its sheets is too large to load (openpyxl streams it then). Each sheet's extent is
    checked first (workbooks.check_extent): calamine allocates all of it."""
    with source.open() as file:
        extent_of = extent_finder(file)
        workbook = calamine_workbook(file)
        if workbook is None:
            return None
        try:
            names = calamine_sheet_names(workbook)
            loaded: dict[str, list[tuple]] = {}

            def find(name):
                extent = extent_of(name)
                if extent is None:
                    raise _CalamineFailed
                check_extent(extent, name)
                if not fits_in_memory(extent):
                    raise _CalamineFailed
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


def _read_xlsx_streamed(
    source: Source, columns: list[Column], sheet, head_rows: int | None = None
) -> Table:
    """Stream the sheet with openpyxl (read-only): the header search and the first pass of
    rows() share one open workbook and one iterator (of its first `head_rows` rows only,
    when given)."""
    file = source.open()
    try:
        workbook = open_workbook(file, head=head_rows is not None)
    except BaseException:
        file.close()
        raise
    iterators: dict[str, Iterator] = {}

    def find(name):
        worksheet = workbook[name]
        rows = xlsx_rows(worksheet) if head_rows is None else xlsx_head_rows(worksheet, head_rows)
        iterators[name] = rows
        return search_header(rows, columns)

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
    return _xlsx_table(
        header, name, source, _pending=chosen, _release=release, _head_rows=head_rows
    )


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
        fixed=header.fixed,
        matched_by=header.how,
        _source=source,
        _kind="csv",
        _encoding=encoding,
        _dialect=dialect,
    )
