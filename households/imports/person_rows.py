"""A person's cells: the head in the household row, a member in the members sheet.

PersonRowsResource reads a person's cells into Member field values (and Thai errors) with
its Fields' widgets; read_members() reads the members sheet (or file) that way, grouped by
household code or the head's national ID, for the households resource (household_rows.py)
to check and write with each household.
"""

from collections import defaultdict
from dataclasses import dataclass

from import_export import resources

from households.imports import cells
from households.imports.columns import MEMBER_COLUMNS
from households.imports.household_fields import MEMBER_KEYS, MEMBERS_SHEET, NAME_KEYS, cell_fields
from households.imports.report import RowIssue
from households.imports.resource_base import field_cells, read_cells
from households.models import Member


class PersonRowsResource(resources.ModelResource):
    """Reads a person's cells into Member field values with its Fields' widgets.

    The households import does not import members on their own: a member belongs to a
    household row, so this resource's `read()` gives the values and errors, and the
    household resource checks and writes them with its household.
    """

    class Meta:
        model = Member
        fields = ()

    def __init__(self, keys, columns):
        super().__init__()
        self.fields.update(cell_fields(keys, columns))
        self.labels = {c.key: c.label for c in columns}
        self.import_fields = list(self.fields.values())
        self.cells = field_cells(self.import_fields)
        # model field → column label, for the errors full_clean words
        self.labels_by_field = {f.attribute: self.labels[f.column_name] for f in self.import_fields}
        for key in NAME_KEYS[1:]:
            if key in self.labels:
                self.labels_by_field[key] = self.labels[key]

    def read(self, row) -> tuple[dict, list[tuple[str, str]]]:
        """(Member field values, [(column label, Thai message)]) for one row's cells. A
        blank optional cell is left out, so it keeps what is stored."""
        values, errors = {}, []
        present = [c for c in self.cells if c[0] in row]
        read_cells(present, row, self.labels, values.__setitem__, errors)
        if any(key in row for key in NAME_KEYS):
            try:
                values["title"], values["first_name"], values["last_name"] = (
                    cells.parse_person_name(row)
                )
            except cells.CellError as error:
                key = "full_name" if "full_name" in row else "first_name"
                errors.append((self.labels.get(key, "ชื่อ-สกุล"), str(error)))
        return values, errors


@dataclass
class ParsedMember:
    row: int
    sheet: str
    fields: dict
    errors: list


def read_members(table, report, sheet: str = MEMBERS_SHEET) -> dict[str, list[ParsedMember]]:
    """The members sheet (or file), grouped by household code (or house registration
    code) or the head's national ID. `sheet`: the name its rows' errors give."""
    people = PersonRowsResource(MEMBER_KEYS, MEMBER_COLUMNS)
    labels = people.labels
    by_key = defaultdict(list)
    house_code = "household_house_code" in table.mapping
    for row_number, values in table.rows():
        fields_, errors = people.read(values)
        member = ParsedMember(row_number, sheet, fields_, errors)
        if house_code:
            code = cells.house_code_digits(values.get("household_house_code"))
            try:
                cells.parse_house_code(values.get("household_house_code"))
            except cells.CellError as error:
                errors.append((labels["household_house_code"], str(error)))
        else:
            code = cells.parse_text(values.get("household_code")) or ""
        head_id = None
        try:
            head_id = cells.parse_national_id(values.get("head_national_id"))
        except cells.CellError as error:
            errors.append((labels.get("head_national_id", ""), str(error)))
        key = code or head_id
        if not key:
            report.errors.append(
                RowIssue(
                    row_number,
                    labels.get("household_code", "รหัสครัวเรือน"),
                    "ต้องระบุรหัสครัวเรือนหรือเลขประจำตัวประชาชนของหัวหน้าครัวเรือน",
                    sheet,
                )
            )
            continue
        by_key[key].append(member)
    return by_key
