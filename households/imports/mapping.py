"""The households import's column mapping: which column of the file fills which field.

A district office's list has its own headers and its own columns. After the upload the
mapping page shows every column of the file with the field it is matched to: propose()
matches the template's names and their variants first, then near spellings
(headers.match_headers), or takes a saved mapping's choices for a file with the same
headers; the admin changes any match, marks a column «not imported» or gives one value
for every row of a field the file lacks (say, the district of a file from one district
office). problems() names what stops a mapping, before any row is checked: a required
field with no column, a field chosen for two columns, the income given two ways.

The confirmed JobMapping is kept on the job (ImportJob.column_mapping, as_json) and read
back for the preview and the apply (services._tables, through header_rule()); its columns
«not imported» are listed on the preview and in the import's history. Saved under a name
(models.SavedMapping), a mapping keeps its choices by header (rules()), so it serves again
for a file whose columns come in another order.
"""

import hashlib
import json
from dataclasses import dataclass, field

from openpyxl.utils import get_column_letter

from households.imports import cells
from households.imports.columns import HOUSEHOLD_COLUMNS, MEMBER_COLUMNS, Column
from households.imports.headers import (
    EXACT,
    NEAR,
    GivenHeader,
    header_key,
    match_headers,
    missing_columns,
)
from households.imports.household_fields import cell_parser
from households.models import Household

HOUSEHOLDS, MEMBERS = "households", "members"
COLUMNS = {HOUSEHOLDS: HOUSEHOLD_COLUMNS, MEMBERS: MEMBER_COLUMNS}
SAVED, CHOSEN = "saved", "chosen"
HOW_LABELS = {EXACT: "ตรงกับชื่อคอลัมน์", NEAR: "ชื่อใกล้เคียง", SAVED: "ตามที่บันทึกไว้", CHOSEN: ""}

# The columns a returned file of rejected rows adds (blanks.rejected_workbook): never
# imported, and not part of the file's headers when a saved mapping is looked for.
REASON_HEADER = "เหตุที่ไม่ได้นำเข้า"
ROW_HEADER = "แถวในไฟล์เดิม"
_ADDED_BY_US = {header_key(REASON_HEADER), header_key(ROW_HEADER)}

# The yearly income, or one of its other shapes (at most one of them).
_INCOME_SHAPES = ("annual_income", "monthly_income", "income_per_person")


class MappingProblem(Exception):
    """The mapping cannot be used; `problems` are Thai sentences to show."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass
class ColumnChoice:
    """One column of the file and the field it fills ("" when it is not imported)."""

    position: int
    header: str
    field: str = ""
    how: str = ""  # EXACT, NEAR, SAVED or CHOSEN; "" when not imported
    note: str = ""  # why the proposal leaves it out

    @property
    def letter(self) -> str:
        return get_column_letter(self.position + 1)

    @property
    def shown(self) -> str:
        """The header as the page shows it (a column without one by its letter)."""
        return self.header or f"(ไม่มีหัวคอลัมน์) คอลัมน์ {self.letter}"


@dataclass
class TableMapping:
    """The mapping of one table: the households sheet, or the members sheet or file."""

    kind: str
    header_row: int
    columns: list[ColumnChoice]
    sheet: str | None = None
    fixed: dict[str, str] = field(default_factory=dict)

    @property
    def column_defs(self) -> list[Column]:
        return COLUMNS[self.kind]

    def positions(self) -> dict[str, int]:
        """field → position. A house registration code with no household code column is
        the household's code: both read the same cell."""
        found = {c.field: c.position for c in self.columns if c.field}
        if "house_registration_code" in found and "code" not in found:
            found["code"] = found["house_registration_code"]
        return found

    def header_rule(self) -> GivenHeader:
        expected = {c.position: c.header for c in self.columns if c.field}
        return GivenHeader(self.header_row, self.positions(), expected, self.fixed)

    def not_imported(self) -> list[ColumnChoice]:
        return [c for c in self.columns if not c.field]

    def label(self, key: str) -> str:
        return {c.key: c.label for c in self.column_defs}.get(key, key)

    def problems(self) -> list[str]:
        """What stops this mapping, in Thai (nothing: it can be used)."""
        chosen: dict[str, list[ColumnChoice]] = {}
        for choice in self.columns:
            if choice.field:
                chosen.setdefault(choice.field, []).append(choice)
        found = []
        for key, choices in chosen.items():
            if len(choices) > 1:
                headers = " และ ".join(f"«{c.shown}»" for c in choices)
                found.append(f"«{self.label(key)}» เลือกให้หลายคอลัมน์ ({headers}): เลือกคอลัมน์เดียว")
        for key in self.fixed:
            if key in chosen:
                found.append(
                    f"«{self.label(key)}» มีคอลัมน์ในไฟล์แล้ว: ลบค่าที่ใส่ให้ทุกแถว หรือเลือกไม่นำเข้าคอลัมน์นั้น"
                )
        given = set(chosen) | set(self.fixed)
        found += _shape_problems(self.kind, given, self.label)
        missing = missing_columns(self.column_defs, given)
        if missing:
            found.append(
                "ยังไม่มีคอลัมน์สำหรับข้อมูลที่ต้องมี: "
                + ", ".join(missing)
                + (" (เลือกคอลัมน์ หรือใส่ค่าเดียวกันทุกแถว)" if self.kind == HOUSEHOLDS else "")
            )
        return found

    def rules(self) -> dict:
        """The choices by header, for a saved mapping: [[header, field], …] and the fixed
        values."""
        return {
            "columns": [[c.header, c.field] for c in self.columns if c.header],
            "fixed": dict(self.fixed),
        }

    def as_json(self) -> dict:
        return {
            "sheet": self.sheet,
            "header_row": self.header_row,
            "columns": [[c.position, c.header, c.field, c.how, c.note] for c in self.columns],
            "fixed": dict(self.fixed),
        }

    @classmethod
    def from_json(cls, kind: str, data: dict) -> "TableMapping":
        return cls(
            kind=kind,
            header_row=int(data["header_row"]),
            sheet=data.get("sheet"),
            columns=[
                ColumnChoice(int(p), h, f, how, *note) for p, h, f, how, *note in data["columns"]
            ],
            fixed=dict(data.get("fixed") or {}),
        )


def _shape_problems(kind: str, given: set[str], label) -> list[str]:
    """Fields that come in two shapes at once, or half of a shape."""
    found = []
    if kind == HOUSEHOLDS:
        if {"code", "house_registration_code"} <= given:
            found.append(
                "เลือกรหัสครัวเรือนหรือรหัสประจำบ้านอย่างใดอย่างหนึ่ง: ระบบใช้รหัสประจำบ้านเป็นรหัสครัวเรือน"
                "เมื่อไฟล์ไม่มีรหัสครัวเรือน (ไม่มีช่องเก็บแยก)"
            )
        shapes = [key for key in _INCOME_SHAPES if key in given]
        if len(shapes) > 1:
            names = ", ".join(f"«{label(key)}»" for key in shapes)
            found.append(f"รายได้เลือกได้แบบเดียว (เลือกไว้ {names}): เลือกไม่นำเข้าคอลัมน์อื่น")
        if ("income_per_person" in given) != ("member_count" in given):
            found.append(
                f"«{label('income_per_person')}» ต้องใช้คู่กับ «{label('member_count')}»: "
                "รายได้ครัวเรือนต่อปี = รายได้ต่อคน × จำนวนสมาชิก"
                if "income_per_person" in given
                else f"«{label('member_count')}» ใช้คำนวณรายได้จาก «{label('income_per_person')}» "
                "เท่านั้น (ระบบนับสมาชิกจากรายชื่อสมาชิก): เลือกไม่นำเข้า ถ้าไฟล์ไม่มีรายได้ต่อคน"
            )
    elif {"household_code", "household_house_code"} <= given:
        found.append("เลือกรหัสครัวเรือนหรือรหัสประจำบ้านอย่างใดอย่างหนึ่ง")
    if "full_name" in given and ({"first_name", "last_name"} & given):
        found.append("ชื่อเลือกได้แบบเดียว: «ชื่อ-สกุล» ในคอลัมน์เดียว หรือ «ชื่อ» กับ «นามสกุล» แยกคอลัมน์")
    return found


@dataclass
class JobMapping:
    """The mapping of a job's tables: the households one, and the members one if any."""

    households: TableMapping
    members: TableMapping | None = None

    def tables(self) -> list[TableMapping]:
        return [t for t in (self.households, self.members) if t is not None]

    def problems(self) -> list[str]:
        found = list(self.households.problems())
        if self.members is not None:
            found += [f"แผ่นงานสมาชิก: {problem}" for problem in self.members.problems()]
        return found

    def signature(self) -> str:
        return signature(
            [c.header for c in self.households.columns],
            [c.header for c in self.members.columns] if self.members else [],
        )

    def rules(self) -> dict:
        return {t.kind: t.rules() for t in self.tables()}

    def as_json(self) -> dict:
        return {t.kind: t.as_json() for t in self.tables()}

    @classmethod
    def from_json(cls, data: dict) -> "JobMapping | None":
        if not data or HOUSEHOLDS not in data:
            return None
        members = data.get(MEMBERS)
        return cls(
            households=TableMapping.from_json(HOUSEHOLDS, data[HOUSEHOLDS]),
            members=TableMapping.from_json(MEMBERS, members) if members else None,
        )


def signature(households_headers: list[str], members_headers: list[str]) -> str:
    """The same for two files with the same headers in any order (blank headers and the
    columns a returned file of rejected rows adds left out)."""

    def keys(headers):
        return sorted(k for k in map(header_key, headers) if k and k not in _ADDED_BY_US)

    text = json.dumps([keys(households_headers), keys(members_headers)], ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def propose(
    kind: str,
    headers: list[str],
    *,
    header_row: int,
    sheet: str | None,
    filled: set[int] = frozenset(),
    rules: dict | None = None,
) -> TableMapping:
    """The mapping offered for a table: a saved mapping's `rules` for the headers they
    name, then the template's names and variants, then near spellings (settled: one
    identifier, one shape of the income, one way of writing the name). Every column with
    a header is listed, and those without one among `filled` (positions seen with values)."""
    columns = COLUMNS[kind]
    width = max([len(headers), *(p + 1 for p in filled)])
    texts = [headers[p] if p < len(headers) else "" for p in range(width)]
    choices = [ColumnChoice(p, text) for p, text in enumerate(texts) if text or p in filled]
    taken: set[str] = set()
    if rules:
        known = {c.key for c in columns}
        by_header = _rules_by_header(rules.get("columns") or [])
        seen: dict[str, int] = {}
        for choice in choices:
            if not choice.header:
                continue
            key = header_key(choice.header)
            occurrence = seen[key] = seen.get(key, -1) + 1
            given = by_header.get((key, occurrence))
            if given is None:
                continue  # a header the rules do not name: matched below
            if given not in known or given in taken:
                given = ""
            choice.field, choice.how = given, SAVED
            if given:
                taken.add(given)
            else:
                choice.note = "ไม่นำเข้าตามที่บันทึกไว้"
    open_headers = [""] * width
    for choice in choices:
        if not choice.how:
            open_headers[choice.position] = choice.header
    untaken = [c for c in columns if c.key not in taken]
    by_position = {c.position: c for c in choices}
    for position, (key, how) in match_headers(open_headers, untaken).items():
        by_position[position].field, by_position[position].how = key, how
    for choice in choices:
        if not choice.field:
            choice.how = ""
        if header_key(choice.header) in _ADDED_BY_US:
            choice.field, choice.how = "", ""
            choice.note = "คอลัมน์ที่ระบบเพิ่มในไฟล์แถวที่ไม่ได้นำเข้า"
    _settle(kind, choices)
    fixed = {}
    if rules:
        fixable = {c.key for c in columns if c.fixable}
        chosen = {c.field for c in choices if c.field}
        fixed = {
            key: str(value)
            for key, value in (rules.get("fixed") or {}).items()
            if key in fixable and key not in chosen and str(value).strip()
        }
    return TableMapping(kind=kind, header_row=header_row, sheet=sheet, columns=choices, fixed=fixed)


def _rules_by_header(pairs) -> dict[tuple[str, int], str]:
    """(header key, occurrence) → field, from [[header, field], …] or {header: field}."""
    if isinstance(pairs, dict):
        pairs = list(pairs.items())
    found: dict[tuple[str, int], str] = {}
    seen: dict[str, int] = {}
    for pair in pairs:
        if not isinstance(pair, list | tuple) or len(pair) != 2:
            continue
        header, key = str(pair[0]), str(pair[1] or "")
        hkey = header_key(header)
        occurrence = seen[hkey] = seen.get(hkey, -1) + 1
        found[(hkey, occurrence)] = key
    return found


def _settle(kind: str, choices: list[ColumnChoice]) -> None:
    """What the automatic matches may not keep together: the proposal leaves the second
    out, saying why (the admin may still choose otherwise, and problems() then explains)."""
    automatic = [c for c in choices if c.how in (EXACT, NEAR)]
    given = {c.field for c in choices if c.field}

    def leave_out(keys, note):
        for choice in automatic:
            if choice.field in keys:
                choice.field, choice.how, choice.note = "", "", note

    if kind == HOUSEHOLDS and "code" in given:
        leave_out(
            {"house_registration_code"}, "มีรหัสครัวเรือนแล้ว (ใช้รหัสประจำบ้านแทนได้เมื่อไม่มีรหัสครัวเรือน)"
        )
    if kind == MEMBERS and "household_code" in given:
        leave_out({"household_house_code"}, "มีรหัสครัวเรือนแล้ว")
    if kind == HOUSEHOLDS and "annual_income" in given:
        leave_out(
            {"monthly_income", "income_per_person", "member_count"},
            "มีรายได้ครัวเรือนต่อปีแล้ว",
        )
    elif kind == HOUSEHOLDS and "monthly_income" in given:
        leave_out({"income_per_person", "member_count"}, "มีรายได้ครัวเรือนต่อเดือนแล้ว")
    if "full_name" in given:
        leave_out({"first_name", "last_name"}, "มีชื่อ-สกุลในคอลัมน์เดียวแล้ว")


def field_choices(kind: str) -> list[tuple[str, str]]:
    """(column key, Thai label) of every field a column may fill, in the template's order."""
    return [(c.key, c.label) for c in COLUMNS[kind]]


def fixable_columns(kind: str = HOUSEHOLDS) -> list[Column]:
    return [c for c in COLUMNS[kind] if c.fixable]


def check_fixed(key: str, value: str, *, refs: cells.ReferenceIndex, district=None) -> str:
    """A value given for every row, checked as a cell of that column would be (and the
    model's rules for it), so a wrong one is said once here rather than on every row.
    Raises cells.CellError; returns the text as typed."""
    text = cells.parse_text(value)
    if key == "district":
        refs.district(text)
    elif key == "subdistrict":
        if district:
            refs.subdistrict(text, district=district)
        elif not refs.has_subdistrict(text):
            raise cells.CellError(f"ไม่พบตำบล «{text}»")
    else:
        parsed = cell_parser(key, HOUSEHOLD_COLUMNS)(text)
        model_field = Household._meta.get_field(key)
        try:
            model_field.clean(parsed, None)
        except Exception as error:  # ValidationError: its first message, in Thai
            messages = getattr(error, "messages", None) or [str(error)]
            raise cells.CellError(messages[0]) from None
    return text


def describe(mapping: "JobMapping | None") -> list[dict]:
    """The job page's account of a mapping, per table: the columns imported (header →
    field, and how it was matched), the values given for every row, and the columns
    not imported (with why, when the proposal left them out)."""
    if mapping is None:
        return []
    found = []
    for table in mapping.tables():
        found.append(
            {
                "title": "ครัวเรือน" if table.kind == HOUSEHOLDS else "สมาชิก",
                "sheet": table.sheet or "",
                "header_row": table.header_row,
                "imported": [
                    (c.shown, table.label(c.field), HOW_LABELS.get(c.how, ""))
                    for c in table.columns
                    if c.field
                ],
                "fixed": [(table.label(key), value) for key, value in table.fixed.items()],
                "not_imported": [(c.shown, c.note) for c in table.not_imported()],
            }
        )
    return found


def not_imported_headers(data: dict) -> list[str]:
    """The columns a job's mapping (ImportJob.column_mapping) did not import, for the
    import history."""
    mapping = JobMapping.from_json(data)
    if mapping is None:
        return []
    return [c.shown for table in mapping.tables() for c in table.not_imported()]


def rules_from_file(data) -> dict:
    """A mapping written by hand (the command line's --mapping FILE.json) as rules:
    {"households": {"columns": {header: field}, "fixed": {field: value}}, "members": {…}},
    or one table's {"columns": …, "fixed": …} for the households. A field is its key
    (full_name) or its Thai name (ชื่อ-สกุล); "" or «ไม่นำเข้า» leaves the column out.
    Raises MappingProblem naming what it cannot read."""
    if not isinstance(data, dict):
        raise MappingProblem(["ไฟล์การกำหนดคอลัมน์ต้องเป็น JSON object"])
    if HOUSEHOLDS not in data and MEMBERS not in data:
        data = {HOUSEHOLDS: data}
    problems, rules = [], {}
    for kind in (HOUSEHOLDS, MEMBERS):
        table = data.get(kind)
        if table is None:
            continue
        if not isinstance(table, dict):
            problems.append(f"«{kind}» ต้องเป็น JSON object")
            continue
        names = {header_key(c.label): c.key for c in COLUMNS[kind]}
        names.update({c.key: c.key for c in COLUMNS[kind]})
        names.update({header_key("ไม่นำเข้า"): "", "": "", "-": ""})
        pairs = table.get("columns") or {}
        pairs = list(pairs.items()) if isinstance(pairs, dict) else pairs
        columns = []
        for pair in pairs:
            header, wanted = (
                pair if isinstance(pair, list | tuple) and len(pair) == 2 else (None, None)
            )
            key = names.get(wanted) if wanted in names else names.get(header_key(str(wanted)))
            if header is None or key is None:
                problems.append(f"{kind}: อ่าน «{pair}» ไม่ได้ (ไม่มีข้อมูลชื่อนี้)")
                continue
            columns.append([str(header), key])
        fixed = {}
        for wanted, value in (table.get("fixed") or {}).items():
            key = names.get(wanted) if wanted in names else names.get(header_key(str(wanted)))
            if not key or key not in {c.key for c in COLUMNS[kind] if c.fixable}:
                problems.append(f"{kind}: «{wanted}» ใส่ค่าเดียวกันทุกแถวไม่ได้")
                continue
            fixed[key] = str(value)
        rules[kind] = {"columns": columns, "fixed": fixed}
    if problems:
        raise MappingProblem(problems)
    return rules
