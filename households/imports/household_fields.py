"""The households file's columns as model fields, and the cell parser of each.

Which Household and Member fields an import sets (and compares, to tell «updated» from
«unchanged»), the column keys of a household row, its head and a member row, the defaults
and the columns a blank cell clears; then a cell parser (cells.py) per column key, and the
resource Fields (with a CellWidget) the resources are made of. The columns themselves, with
their Thai headers, are in columns.py.
"""

from import_export import fields

from households.imports import cells
from households.imports.resource_base import CellWidget
from households.models import (
    MEMBER_PROFILE_FIELDS,
    Cause,
    Education,
    PovertyLevel,
    Relation,
    Sex,
    Status,
)

MEMBERS_SHEET = "สมาชิก"

# The household fields an import may set (and compares, to tell «updated» from «unchanged»).
HOUSEHOLD_FIELDS = [
    "house_no",
    "village_no",
    "village_name",
    "subdistrict_id",
    "phone",
    "status",
    "poverty_level",
    "poverty_level_at_entry",
    "cause",
    "need_health",
    "need_living",
    "need_education",
    "need_income",
    "need_public_services",
    "annual_income",
    "debts",
    "land_rai",
    "livelihood_assets",
    "joined_on",
    "consent_given",
    "consent_date",
]
MEMBER_FIELDS = MEMBER_PROFILE_FIELDS
NAME_KEYS = ("full_name", "title", "first_name", "last_name")
# Defaults for a new record when the file has no such column or the cell is blank.
HOUSEHOLD_DEFAULTS = {"cause": Cause.LACK_OF_OPPORTUNITY}
# A blank cell in these columns clears the field; in any other it keeps what is there.
CLEARED_BY_BLANK = {"birth_date", "national_id", "consent_date"}
HOUSEHOLD_KEYS = ["code", *(name for name in HOUSEHOLD_FIELDS if name != "subdistrict_id")]
# Columns that give a field in another shape (columns.py): read by the households resource
# itself, never set on the model as they are.
INCOME_KEYS = ("income_per_person", "member_count", "monthly_income")
HOUSE_CODE_KEY = "house_registration_code"
HEAD_KEYS = ["national_id", "birth_date", "sex", "phone"]
MEMBER_KEYS = [*HEAD_KEYS, "relation", "education", "occupation", "income"]
MEMBER_KEYS += ["disability", "chronic_illness", "has_welfare_card"]


def _choice(choices, label):
    # A column holds a handful of distinct spellings: remember each one's answer.
    known = {}

    def parse(value):
        try:
            return known[value]
        except (KeyError, TypeError):
            pass
        result = cells.parse_choice(value, choices, label=label)
        if isinstance(value, str | int):
            known[value] = result
        return result

    return parse


def _text(value):
    return cells.parse_text(value) or ""


def _bool(value):
    return bool(cells.parse_bool(value))


def _consent(value):
    """Yes or no; a blank cell is None, so it keeps the consent on record."""
    return None if cells.parse_text(value) == "" else cells.parse_bool(value)


def _int(label):
    return lambda value: cells.parse_int(value, label=label)


def _decimal(label):
    return lambda value: cells.parse_decimal(value, label=label)


def _parsers(columns) -> dict:
    """column key → cell parser, for the household row and for a member row."""
    label = {c.key: c.label for c in columns}.get
    return {
        # household
        "code": _text,
        "house_no": _text,
        "village_no": _int(label("village_no")),
        "village_name": _text,
        "status": _choice(Status, label("status")),
        "poverty_level": _choice(PovertyLevel, label("poverty_level")),
        "poverty_level_at_entry": _choice(PovertyLevel, label("poverty_level_at_entry")),
        "cause": _choice(Cause, label("cause")),
        "need_health": _bool,
        "need_living": _bool,
        "need_education": _bool,
        "need_income": _bool,
        "need_public_services": _bool,
        "annual_income": _decimal(label("annual_income")),
        "debts": _decimal(label("debts")),
        "land_rai": _decimal(label("land_rai")),
        "livelihood_assets": _text,
        "joined_on": cells.parse_date,
        "consent_given": _consent,
        "consent_date": cells.parse_date,
        # a person: the head in the household row, or a member in the members sheet
        "national_id": cells.parse_national_id,
        "birth_date": cells.parse_date,
        "sex": _choice(Sex, label("sex")),
        "phone": cells.parse_phone,
        "relation": _choice(Relation, label("relation")),
        "education": _choice(Education, label("education")),
        "occupation": _text,
        "income": _decimal(label("income")),
        "disability": _text,
        "chronic_illness": _text,
        "has_welfare_card": _bool,
        # other shapes of a household's fields (household_rows.py reads them)
        "house_registration_code": cells.parse_house_code,
        "income_per_person": _decimal(label("income_per_person")),
        "member_count": _int(label("member_count")),
        "monthly_income": _decimal(label("monthly_income")),
    }


def cell_parser(key: str, columns):
    """The parser of one column's cells (the mapping step checks a fixed value with it)."""
    return _parsers(columns)[key]


def cell_fields(keys, columns) -> dict[str, fields.Field]:
    """A resource Field per column: column_name is the column's key in columns.py (the
    reader has already matched the file's Thai header and its variants to it)."""
    parsers = _parsers(columns)
    labels = {c.key: c.label for c in columns}
    made = {}
    for key in keys:
        if key not in labels:
            continue
        made[key] = fields.Field(
            attribute=key,
            column_name=key,
            widget=CellWidget(parsers[key]),
            saves_null_values=key in CLEARED_BY_BLANK,
        )
    return made
