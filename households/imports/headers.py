"""Finding a sheet's header row and matching its Thai headers to an import's columns.

header_key() is how a header is compared (no case, spaces, «*» marks or «(บาท)» units);
search_header() looks at the first HEADER_SEARCH_ROWS rows for the row that has the
columns' required headers (under any title rows) and returns its Header: which column
is in which position, the headers it does not know, and what is missing. A header that
cannot be found, or names a column twice, raises FileProblem.
"""

import re
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass

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

    @property
    def score(self) -> int:
        return len(self.mapping) - len(self.unknown)


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


def _is_blank(values) -> bool:
    return all(value is None or (isinstance(value, str) and not value.strip()) for value in values)


# How far down a title, a date line or blank rows may push the header row.
HEADER_SEARCH_ROWS = 10


def find_header(rows: Iterator[tuple[int, tuple]], columns: list[Column]) -> Header:
    with closing(rows):
        return search_header(rows, columns)


def search_header(rows: Iterator[tuple[int, tuple]], columns: list[Column]) -> Header:
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
