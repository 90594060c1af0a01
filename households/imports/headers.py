"""Finding a sheet's header row and matching its Thai headers to an import's columns.

header_key() is how a header is compared (no case, spaces, «*» marks or «(บาท)» units);
match_headers() matches a header row to the columns: the template's names and their
variants first, then near spellings. search_header() looks at the first
HEADER_SEARCH_ROWS rows for the row that has the columns' required headers (under any
title rows) and returns its Header: which column is in which position, the headers it
does not know, and what is missing. A header that cannot be found, or names a column
twice, raises FileProblem.

The households import asks the admin instead (its mapping step, mapping.py): read_table
then takes a HeaderRule in place of the columns. OpenHeader finds the row that best
matches, whatever is missing, for the mapping page to show; GivenHeader reads the header
row and the positions the admin confirmed.
"""

import difflib
import re
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass, field

from households.imports.columns import Column
from households.imports.files import FileProblem
from kuseaw.thai import clean_text

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
class Header:
    row_number: int
    headers: list[str]
    mapping: dict[str, int]
    unknown: list[str]
    missing: list[str]
    duplicates: list[str]
    # How each matched position was matched: EXACT, NEAR or GIVEN (the admin's choice).
    how: dict[int, str] = field(default_factory=dict)
    # One value for every row, for a field the file has no column for (the mapping step).
    fixed: dict[str, str] = field(default_factory=dict)
    # Rows read past the header while looking for it (OpenHeader): a streamed sheet's rows
    # go on from the header, so these come first again.
    read_past: list = field(default_factory=list, repr=False)

    @property
    def score(self) -> int:
        return len(self.mapping) - len(self.unknown)


EXACT, NEAR, GIVEN = "exact", "near", "given"
# How alike a header and a column's name must be to be offered as a near spelling.
NEAR_CUTOFF = 0.8
_NEAR_MIN_LENGTH = 4


def match_headers(headers: list[str], columns: list[Column]) -> dict[int, tuple[str, str]]:
    """position → (column key, EXACT or NEAR) for the headers that match a column: the
    column's name or one of its variants first, then, for headers still unmatched, the
    nearest spelling of a column not yet matched. A column matches one header at most
    (the first); blank headers match nothing."""
    index = _column_index(columns)
    found: dict[int, tuple[str, str]] = {}
    taken: set[str] = set()
    keys = {position: header_key(header) for position, header in enumerate(headers) if header}
    for position, key in keys.items():
        column = index.get(key)
        if column is not None and column.key not in taken:
            found[position] = (column.key, EXACT)
            taken.add(column.key)
    spellings = {written: column for written, column in index.items() if column.key not in taken}
    for position, key in keys.items():
        if position in found or key in index or len(key) < _NEAR_MIN_LENGTH:
            continue
        close = difflib.get_close_matches(key, list(spellings), n=1, cutoff=NEAR_CUTOFF)
        if close and spellings[close[0]].key not in taken:
            column = spellings[close[0]]
            found[position] = (column.key, NEAR)
            taken.add(column.key)
            spellings = {w: c for w, c in spellings.items() if c.key != column.key}
    return found


def missing_columns(columns: list[Column], found: set[str]) -> list[str]:
    """Thai names of the required columns (or groups of alternatives) not in `found`."""
    return _missing(columns, found)


def _match_header(row_number: int, values, columns: list[Column]) -> Header:
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
    return Header(
        row_number, headers, mapping, unknown, _missing(columns, set(mapping)), duplicates
    )


def _cell_text(value) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # calamine reads every number cell as a float
    return "" if value is None else str(value).strip()


def is_blank_row(values) -> bool:
    """Nothing in any cell of the row (None or only spaces)."""
    return all(value is None or (isinstance(value, str) and not value.strip()) for value in values)


_is_blank = is_blank_row


# How far down a title, a date line or blank rows may push the header row.
HEADER_SEARCH_ROWS = 10


def find_header(rows: Iterator[tuple[int, tuple]], columns: list[Column]) -> Header:
    with closing(rows):
        return search_header(rows, columns)


class HeaderRule:
    """How read_table finds a sheet's header, passed in place of its columns: see
    OpenHeader and GivenHeader."""

    def search(self, rows: Iterator[tuple[int, tuple]]) -> Header:
        raise NotImplementedError


class OpenHeader(HeaderRule):
    """The mapping step's reading: the row among the first HEADER_SEARCH_ROWS whose
    headers match the columns best (or the row `header_row`), with nothing refused for
    what it lacks: the mapping page names that."""

    def __init__(self, columns: list[Column], header_row: int | None = None):
        self.columns, self.header_row = columns, header_row

    def search(self, rows):
        candidates: list[tuple[int, tuple]] = []
        for row_number, values in rows:
            candidates.append((row_number, values))
            if row_number >= (self.header_row or HEADER_SEARCH_ROWS):
                break
        filled = [(n, v) for n, v in candidates if not _is_blank(v)]
        if self.header_row is not None:
            filled = [(n, v) for n, v in filled if n == self.header_row]
            if not filled:
                raise FileProblem(f"แถวที่ {self.header_row} ว่าง ไม่ใช่แถวหัวตาราง")
        if not filled:
            raise FileProblem("ไฟล์ว่าง ไม่มีข้อมูล")
        # The most headers matched (names before near spellings), then the fewest unknown;
        # the first such row.
        headers = [self._header(row_number, values) for row_number, values in filled]
        best = max(
            headers,
            key=lambda h: (
                len(h.mapping) + sum(how == EXACT for how in h.how.values()),
                -len(h.unknown),
                -h.row_number,
            ),
        )
        if not best.mapping:  # nothing known: the first row of two or more text cells
            best = next(
                (
                    self._header(n, v)
                    for n, v in filled
                    if sum(isinstance(x, str) and bool(x.strip()) for x in v) >= 2
                ),
                best,
            )
        best.read_past = [(n, v) for n, v in candidates if n > best.row_number]
        return best

    def _header(self, row_number, values) -> Header:
        headers = [_cell_text(value) for value in values]
        matches = match_headers(headers, self.columns)
        mapping = {key: position for position, (key, _) in matches.items()}
        unknown = [h for position, h in enumerate(headers) if h and position not in matches]
        return Header(
            row_number,
            headers,
            mapping,
            unknown,
            _missing(self.columns, set(mapping)),
            [],
            how={position: how for position, (_, how) in matches.items()},
        )


class GivenHeader(HeaderRule):
    """The header row and column positions the admin confirmed on the mapping step, and
    the fixed values; the headers at those positions must still read as they did."""

    def __init__(self, header_row: int, positions: dict, headers: dict, fixed: dict):
        self.header_row, self.positions = header_row, positions
        self.expected, self.fixed = headers, fixed  # position → header text

    def search(self, rows):
        for row_number, values in rows:
            if row_number < self.header_row:
                continue
            headers = [_cell_text(value) for value in values]
            for position, text in self.expected.items():
                actual = headers[position] if position < len(headers) else ""
                if header_key(actual) != header_key(text):
                    raise FileProblem("หัวตารางของไฟล์ไม่ตรงกับการกำหนดคอลัมน์ที่บันทึกไว้ กรุณากำหนดคอลัมน์ใหม่")
            known = set(self.positions.values())
            unknown = [h for p, h in enumerate(headers) if h and p not in known]
            return Header(
                row_number,
                headers,
                dict(self.positions),
                unknown,
                [],
                [],
                how=dict.fromkeys(known, GIVEN),
                fixed=dict(self.fixed),
            )
        raise FileProblem(f"ไม่พบแถวหัวตารางที่แถว {self.header_row} กรุณากำหนดคอลัมน์ใหม่")


def search_header(rows: Iterator[tuple[int, tuple]], columns: list[Column]) -> Header:
    """The header under any title rows: the first row with the columns' required headers
    (or as a HeaderRule passed instead of the columns finds it)."""
    if isinstance(columns, HeaderRule):
        return columns.search(rows)
    best: Header | None = None
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
