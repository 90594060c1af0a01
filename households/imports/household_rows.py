"""The households file as django-import-export resources: the app's import pages run on these.

One row of the households file is one household with its head (name, national ID, birth
date, phone) and address; other members come from a second sheet or file, keyed by the
household code or the head's national ID.

`HouseholdRowsResource.import_data()` runs once per chunk of rows (a tablib Dataset),
inside the import's one transaction (services.run_households), in the library's bulk mode:

- every column is a resource Field whose widget is a cell parser from cells.py (Thai
  digits, Buddhist Era dates and Excel serials, IDs stored as numbers, Thai choice labels);
- the chunk's existing households are loaded in one query (CachedInstanceLoader) and the
  members its national IDs point at in one more (before_import): never one query per row;
- import_instance() sets the household's fields and reads its head and members with the
  member resource's fields; the row is then checked the way a hand-entered record is
  (unique codes and IDs in the file and in the programme, one head, the model's rules),
  skip_row() marks an unchanged row and validate_instance() stops a row with errors;
- save_instance() only plans the writes; bulk_create() and bulk_update() collect the
  chunk's, written with COPY (and bulk_update for changed rows), with the history
  triggers on. import_data() writes them before it returns; services.import_households
  instead lets each chunk's COPY run in the background while the next chunk is checked
  (overlap_writes, writing.ChunkWriter). On a dry run nothing is written.

The per-row cost is what decides whether 10,000 households preview and commit in under
3 s each (bench/import_households.py): the fast paths (checks.ModelChecker,
checks.instance_maker, cached choice lookups) stay, and full_clean only words the errors of
a row that fails them.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from itertools import zip_longest

import tablib
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import F
from django.db.models.expressions import RawSQL
from django.utils import timezone
from import_export import fields, resources, widgets
from import_export.instance_loaders import CachedInstanceLoader

from households.imports import cells, checks, reading
from households.imports.report import ERROR, NEW, UNCHANGED, UPDATED, RowIssue
from households.imports.writing import ChunkWriter, NewRows, history_context
from households.models import (
    MEMBER_PROFILE_FIELDS,
    Cause,
    Consent,
    ConsentDecision,
    ConsentMethod,
    Education,
    Household,
    Member,
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


# --- cell widgets ----------------------------------------------------------------------


class CellWidget(widgets.Widget):
    """One of the cell parsers in cells.py as an import-export widget.

    A cell that cannot be read raises cells.CellError (a ValueError), which the resource
    turns into a Thai row/column error.
    """

    def __init__(self, parse, **kwargs):
        super().__init__(**kwargs)
        self.parse = parse

    def clean(self, value, row=None, **kwargs):
        return self.parse(value)


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
    }


HOUSEHOLD_KEYS = ["code", *(name for name in HOUSEHOLD_FIELDS if name != "subdistrict_id")]
HEAD_KEYS = ["national_id", "birth_date", "sex", "phone"]
MEMBER_KEYS = [*HEAD_KEYS, "relation", "education", "occupation", "income"]
MEMBER_KEYS += ["disability", "chronic_illness", "has_welfare_card"]


def _cell_fields(keys, columns) -> dict[str, fields.Field]:
    """A resource Field per column: column_name is the column's key in reading.py (the
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


def _cells(resource_fields) -> list[tuple]:
    """(column, attribute, widget.clean, saves null) per Field: what Field.clean() and
    Field.save() do for a cell, looked up once rather than for every cell of every row."""
    return [
        (f.column_name, f.attribute, f.widget.clean, f.saves_null_values) for f in resource_fields
    ]


def read_cells(cells_, row, labels, set_value, errors) -> None:
    """What the library's import_instance() does with each Field (its widget cleans the
    cell; a blank keeps what is stored unless the field saves nulls), without its three
    calls per cell, and with each error kept as (column label, Thai message).
    `cells_` come from _cells(); every column must be in the row."""
    for column, attribute, clean, saves_null in cells_:
        try:
            value = clean(row[column], row)
        except ValueError as error:
            label = labels[column]
            errors.append((label, _without_label(str(error), label)))
            continue
        if value is not None or saves_null:
            set_value(attribute, value)


def table_dataset(table_rows, keys: list[str]) -> tablib.Dataset:
    """reading.Table rows as the Dataset import_data() takes; `_row` is the row number as
    Excel shows it."""
    data = tablib.Dataset(headers=[*keys, "_row"])
    for row_number, values in table_rows:
        data.append([*(values[k] for k in keys), row_number])
    return data


def import_rows(resource, dataset, *, dry_run: bool):
    """resource.import_data() inside the caller's transaction. The rows' own errors are in
    the resource's report; any other error (a fault in the import itself) is raised."""
    result = resource.import_data(dataset, dry_run=dry_run, use_transactions=False)
    if result.has_errors():
        failures = [e for _, errors in result.row_errors() for e in errors]
        raise (failures or result.base_errors)[0].error
    return result


class RowsMeta:
    """The resource options the app's imports share: bulk mode writing once per
    import_data() call, after every row is checked; our own report instead of the
    library's diff; the model checks run by validate_instance(); the import's own
    transaction holds every call."""

    use_bulk = True
    batch_size = None
    skip_diff = True
    report_skipped = True
    clean_model_instances = False
    use_transactions = False


def _without_label(message: str, label: str) -> str:
    return message.removeprefix(f"{label}: ")


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _field_errors(error: ValidationError, labels_by_field: dict) -> list[tuple[str, str]]:
    found = []
    for field_name, messages in error.message_dict.items():
        label = labels_by_field.get(field_name, "")
        found.extend((label, message) for message in messages)
    return found


# --- a person's cells: the head in the household row, a member in the members sheet ------


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
        self.fields.update(_cell_fields(keys, columns))
        self.labels = {c.key: c.label for c in columns}
        self.import_fields = list(self.fields.values())
        self.cells = _cells(self.import_fields)
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


def read_members(table, report) -> dict[str, list[ParsedMember]]:
    """The members sheet (or file), grouped by household code or the head's national ID."""
    people = PersonRowsResource(MEMBER_KEYS, reading.MEMBER_COLUMNS)
    labels = people.labels
    by_key = defaultdict(list)
    for row_number, values in table.rows():
        fields_, errors = people.read(values)
        member = ParsedMember(row_number, MEMBERS_SHEET, fields_, errors)
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
                    MEMBERS_SHEET,
                )
            )
            continue
        by_key[key].append(member)
    return by_key


# --- the household rows ----------------------------------------------------------------


@dataclass
class _RowOutcome:
    """What checking one household row found; the hooks after it read this."""

    row: int
    is_new: bool
    before: dict
    errors: list = field(default_factory=list)  # (label, message) of the household row
    failed: bool = False  # a member row failed (its errors are reported on its own row)
    status: str = ""
    note: str = ""
    changed: list = field(default_factory=list)
    member_changes: list = field(default_factory=list)
    demoted: list = field(default_factory=list)
    consent: Consent | None = None  # the decision the row records, if it changes one
    consent_kept: bool = False  # the file would give back a withdrawn or refused consent


class ChunkInstanceLoader(CachedInstanceLoader):
    """CachedInstanceLoader's one query for the chunk's existing households, made by the
    resource's before_import() with the chunk's other lookups (the previous chunk's write
    may be running once those are done: the loader must not query)."""

    def __init__(self, resource, dataset=None):
        self.resource, self.dataset = resource, dataset
        self.pk_field = resource.fields[resource.get_import_id_fields()[0]]
        self.all_instances = resource.existing_households


class HouseholdRowsResource(resources.ModelResource):
    """The households file, one household (with its head and members) per row."""

    class Meta(RowsMeta):
        model = Household
        fields = ()
        import_id_fields = ("code",)
        instance_loader_class = ChunkInstanceLoader

    def __init__(self, *, report, members_by_key, user, file_name="", overlap_writes=False):
        """`overlap_writes`: for a caller that runs import_data() chunk after chunk and then
        finish() (services.import_households): each chunk is written while the next one is
        checked. Otherwise import_data() writes its dataset before it returns. `file_name`
        goes in the note of the consent records the import adds."""
        super().__init__()
        self.overlap_writes = overlap_writes
        self.file_name = file_name
        columns = reading.HOUSEHOLD_COLUMNS
        self.fields.update(_cell_fields(HOUSEHOLD_KEYS, columns))
        self.import_fields = self.file_fields = list(self.fields.values())
        self.labels = {c.key: c.label for c in columns}
        self.labels_by_field = {f.attribute: self.labels[f.column_name] for f in self.import_fields}
        self.labels_by_field["subdistrict"] = self.labels["subdistrict"]
        self.heads = PersonRowsResource(HEAD_KEYS, columns)
        # The heads' IDs are read once for the chunk (before_import): not twice per row.
        self._head_ids: dict = {}
        self.heads.cells = [
            (column, attribute, _remembered(clean, self._head_ids), saves_null)
            if attribute == "national_id"
            else (column, attribute, clean, saves_null)
            for column, attribute, clean, saves_null in self.heads.cells
        ]
        self.member_labels = {c.key: c.label for c in reading.MEMBER_COLUMNS}
        self.refs = cells.ReferenceIndex.load()
        self.report = report
        self.members_by_key = members_by_key
        self.user = user
        self.today = timezone.localdate()
        self.new_household = checks.instance_maker(Household, HOUSEHOLD_DEFAULTS)
        self.new_member = checks.instance_maker(Member)
        # What a member row can set: the head's cells, a member's, the name, the role.
        person_fields = {f.attribute for f in self.members_reader.import_fields}
        person_fields |= {"title", "first_name", "last_name", "is_head", "relation"}
        self.member_ok = checks.member_fields_ok.only(person_fields, self.new_member())
        self.seen_codes: dict[str, int] = {}
        self.seen_ids: dict[str, str] = {}  # national ID → where it was first seen
        self._places: dict = {}  # (district cell, subdistrict cell) → (id, errors)
        self._outcome = None
        self._plan_members_new, self._plan_members_changed, self._plan_demoted = [], [], []
        self._plan_households_new, self._plan_consents = [], []
        self.writer = ChunkWriter()
        self._pending = None  # the previous chunk's writes, made once this chunk is looked up

    def import_data(self, dataset, **kwargs):
        result = super().import_data(dataset, **kwargs)
        if not self.overlap_writes:
            self.finish()
        return result

    def get_import_fields(self):
        return self.file_fields  # worked out once per chunk, not again for every row

    def init_instance(self, row=None):
        return self.new_household()

    # before the rows: what the chunk's national IDs and households already have

    def before_import(self, dataset, **kwargs):
        # Only the columns this file has: a missing column leaves its field alone.
        self.file_fields = [f for f in self.import_fields if f.column_name in dataset.headers]
        self.file_cells = _cells(self.file_fields)
        set_here = {"code", "subdistrict_id", "poverty_level_at_entry", "consent_date"}
        self.household_ok = checks.household_fields_ok.only(
            {f.attribute for f in self.file_fields} | set_here, self.new_household()
        )
        codes, national_ids = set(), set()
        heads = dataset["national_id"] if "national_id" in dataset.headers else ()
        self._head_ids.clear()
        for code, raw_id in zip_longest(dataset["code"], heads):
            code = cells.parse_text(code)
            head_id = quiet_national_id(raw_id)
            if head_id is not None:
                self._head_ids[raw_id] = head_id  # read again with the head's cells
            codes.add(code)
            national_ids.add(head_id)
            for key in (code, head_id):
                for member in self.members_by_key.get(key, ()) if key else ():
                    national_ids.add(member.fields.get("national_id"))
        national_ids.discard(None)
        codes.discard(None)
        codes.discard("")
        self.existing_households = {
            h.code: h for h in Household.objects.filter(code__in=_any(codes))
        }
        # Members as instances (they may be updated), without their households' instances:
        # the code is all an error message needs. A member is one instance, whether the
        # file names them (by_id) or they are in a household of the file (current): a
        # change of one is a change of the other (a former head listed as a member).
        listed = Member.objects.filter(national_id__in=_any(national_ids)).annotate(
            household_code=F("household__code")
        )
        self.by_id = {m.national_id: m for m in listed}
        household_ids = [h.pk for h in self.existing_households.values()]
        self.current = defaultdict(list)
        in_chunk = set(household_ids)
        for m in self.by_id.values():
            if m.household_id in in_chunk and m.left_on is None:
                self.current[m.household_id].append(m)
        for m in Member.objects.filter(
            household_id__in=_any_id(household_ids), left_on__isnull=True
        ).exclude(national_id__in=_any(national_ids)):
            self.current[m.household_id].append(m)
        self.latest_consent = dict(
            Consent.objects.filter(household_id__in=_any_id(household_ids))
            .order_by("household_id", "-decided_on", "-id")
            .distinct("household_id")
            .values_list("household_id", "decision")
        )
        # This chunk has read what it needs: the previous chunk is written while its rows
        # are checked. Its writes touch only its own codes and IDs, which this chunk may
        # not repeat (seen_codes, seen_ids), so what was read here stays true.
        self._write(self._pending)
        self._pending = None

    # one row

    def import_row(self, row, instance_loader, **kwargs):
        """The library's row import, then the row's outcome in our report (rows with errors
        included: the library reports those without calling after_import_row)."""
        self._outcome = None
        row_result = super().import_row(row, instance_loader, **kwargs)
        if self._outcome is not None and not row_result.errors:
            self._record(row, self._outcome)
        return row_result

    def after_init_instance(self, instance, new, row, **kwargs):
        before = {} if new else {name: getattr(instance, name) for name in HOUSEHOLD_FIELDS}
        self._outcome = _RowOutcome(row=row["_row"], is_new=new, before=before)

    def import_instance(self, instance, row, **kwargs):
        """Set the household's fields from the row's cells and check the row with its
        head and members; the outcome is kept for the hooks that follow."""
        outcome = self._outcome
        errors = outcome.errors
        # What the library's import_instance() does, cell by cell (read_cells).
        read_cells(self.file_cells, row, self.labels, instance.__dict__.__setitem__, errors)
        if not instance.code:
            errors.append((self.labels["code"], "ต้องระบุรหัสครัวเรือน"))
        self._resolve_place(instance, row, errors)
        if outcome.is_new and not _blank(row.get("poverty_level")):
            instance.poverty_level_at_entry = instance.poverty_level
        if instance.consent_given and instance.consent_date is None:
            instance.consent_date = outcome.before.get("consent_date") or self.today
        self._consent_change(instance, outcome)
        head_fields, head_errors = self.heads.read(row)
        head_fields.update(is_head=True, relation=Relation.HEAD)
        errors.extend(head_errors)
        head = ParsedMember(outcome.row, "", head_fields, [])
        members = []
        for key in (instance.code, head_fields.get("national_id")):
            if key and key in self.members_by_key:
                members.extend(self.members_by_key.pop(key))
        self._check(instance, head, members, outcome)

    def skip_row(self, instance, original, row, import_validation_errors=None):
        outcome = self._outcome
        return outcome.status == UNCHANGED

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        outcome = self._outcome
        if outcome.status == ERROR:
            raise ValidationError(
                [f"{label}: {message}" for label, message in outcome.errors]
                or ["มีข้อผิดพลาดในแถวสมาชิกของครัวเรือนนี้"]
            )

    def save_instance(self, instance, is_create, row, **kwargs):
        super().save_instance(instance, is_create, row, **kwargs)  # bulk: queued for below
        outcome = self._outcome
        instance._import_changed = outcome.changed
        for status, member in outcome.member_changes:
            if status == NEW:
                self._plan_members_new.append(member)
            elif status == UPDATED:
                self._plan_members_changed.append(member)
        self._plan_demoted.extend(outcome.demoted)
        if outcome.consent is not None:
            self._plan_consents.append(outcome.consent)

    def _record(self, row, outcome):
        report = self.report
        for label, message in outcome.errors:
            report.errors.append(RowIssue(outcome.row, label or "", message))
        report.counts[outcome.status] += 1
        report.rows.append([outcome.row, outcome.status, row.get("code") or "", outcome.note])
        if outcome.status != ERROR:
            for status, _ in outcome.member_changes:
                report.counts[f"members_{status}"] += 1
        report.processed += 1

    def _consent_change(self, household, outcome):
        """A change of consent is recorded as the case page's consent form records it: a
        Consent record («ตามรายชื่อที่หน่วยงานส่งมา», by the importing admin). A file may
        not give back a consent the household withdrew or refused on record: it is kept."""
        before = bool(outcome.before.get("consent_given"))
        if household.consent_given == before:
            return
        if household.consent_given and self.latest_consent.get(household.pk) in (
            ConsentDecision.WITHDRAWN,
            ConsentDecision.REFUSED,
        ):
            household.consent_given = False
            household.consent_date = outcome.before.get("consent_date")
            outcome.consent_kept = True
            return
        if household.consent_given:
            decision, decided_on = ConsentDecision.GIVEN, household.consent_date
        else:
            decision, decided_on = ConsentDecision.WITHDRAWN, self.today
            household.consent_date = None
        note = f"นำเข้าจากไฟล์ «{self.file_name}»" if self.file_name else "นำเข้าจากไฟล์"
        outcome.consent = Consent(
            decision=decision,
            decided_on=decided_on,
            method=ConsentMethod.AGENCY_LIST,
            note=note,
            recorded_by_id=getattr(self.user, "pk", None),
        )
        outcome.consent._import_household = household  # ids are known once written

    # the checks a hand-entered household gets

    def _resolve_place(self, instance, row, errors):
        # A file names a few hundred places thousands of times: each pair is looked up once.
        key = (row.get("district"), row.get("subdistrict"))
        try:
            subdistrict_id, place_errors = self._places[key]
        except KeyError:
            place_errors = []
            subdistrict_id = self._find_place(row, place_errors)
            if isinstance(key[0], str | None) and isinstance(key[1], str | None):
                self._places[key] = (subdistrict_id, place_errors)
        errors.extend(place_errors)
        if subdistrict_id is not None:
            instance.subdistrict_id = subdistrict_id

    def _find_place(self, row, errors):
        """The subdistrict's id for the row's district and subdistrict cells, or None with
        the errors noted."""
        district = None
        if not _blank(row.get("district")):
            try:
                district = self.refs.district(row["district"])
            except cells.CellError as error:
                errors.append((self.labels["district"], str(error)))
                return None
        if _blank(row.get("subdistrict")):
            errors.append((self.labels["subdistrict"], "ต้องระบุตำบล"))
            return None
        try:
            subdistrict = self.refs.subdistrict(row["subdistrict"], district=district)
        except cells.CellError as error:
            errors.append((self.labels["subdistrict"], str(error)))
            return None
        return getattr(subdistrict, "pk", subdistrict)

    def _check(self, household, head, members, outcome: _RowOutcome) -> None:
        errors = outcome.errors
        code = household.code
        if code:
            if code in self.seen_codes:
                errors.append((self.labels["code"], f"รหัสครัวเรือนซ้ำกับแถว {self.seen_codes[code]}"))
            else:
                self.seen_codes[code] = outcome.row
        is_new, before = outcome.is_new, outcome.before
        if not errors and not self.household_ok(household):
            try:
                household.full_clean(
                    exclude=checks.HOUSEHOLD_EXCLUDE,
                    validate_unique=False,
                    validate_constraints=False,
                )
            except ValidationError as error:
                errors.extend(_field_errors(error, self.labels_by_field))
        changed = [n for n in HOUSEHOLD_FIELDS if not is_new and getattr(household, n) != before[n]]

        existing_members = self.current.get(household.pk, []) if not is_new else []
        member_changes = []
        for member in [head, *members]:
            member_errors = list(member.errors)
            if member is not head and member.fields.get("relation") == Relation.HEAD:
                member_errors.append(
                    (
                        self.member_labels["relation"],
                        "หัวหน้าครัวเรือนมีได้คนเดียว ใส่ไว้ในแถวของครัวเรือนแล้ว",
                    )
                )
            change = self._check_member(member, household, is_new, existing_members, member_errors)
            if member_errors:
                for label, message in member_errors:
                    self.report.errors.append(
                        RowIssue(member.row, label or "", message, member.sheet)
                    )
                outcome.failed = True
                continue
            member_changes.append(change)
        if errors or outcome.failed:
            outcome.status = ERROR
            return
        # The former head stays in the household, as in member_save.
        head_instance = member_changes[0][1]
        if outcome.consent is not None:
            outcome.consent._import_given_by = head_instance
        listed = {id(instance): status for status, instance in member_changes}
        for m in existing_members:
            if m.is_head and m.pk != head_instance.pk:
                m.is_head = False
                if m.relation == Relation.HEAD:  # not given another by the file
                    m.relation = Relation.RELATIVE
                if listed.get(id(m)) != UPDATED:  # an updated member is written whole
                    outcome.demoted.append(m)
        member_changed = any(s != UNCHANGED for s, _ in member_changes) or outcome.demoted
        outcome.changed, outcome.member_changes = changed, member_changes
        kept = "ความยินยอมคงตามที่บันทึกไว้ (ถอนหรือไม่ให้ความยินยอม)" if outcome.consent_kept else ""
        if is_new:
            outcome.status = NEW
        elif changed or member_changed:
            outcome.status = UPDATED
            note = ", ".join(_field_label(n) for n in changed)
            if member_changed:
                note = ", ".join(filter(None, [note, "สมาชิก"]))
            outcome.note = ", ".join(filter(None, [note, kept]))
        else:
            outcome.status = UNCHANGED
            outcome.note = kept

    def _check_member(self, member, household, household_is_new, existing, errors):
        fields_ = member.fields
        national_id = fields_.get("national_id")
        target = None
        labels = self.member_labels if member.sheet else self.labels
        id_label = labels.get("national_id", "เลขประจำตัวประชาชน")
        if national_id:
            where = f"{member.sheet or 'ครัวเรือน'} แถว {member.row}"
            if national_id in self.seen_ids:
                errors.append((id_label, f"เลขประจำตัวประชาชนซ้ำกับ{self.seen_ids[national_id]}"))
            else:
                self.seen_ids[national_id] = where
            found = self.by_id.get(national_id)
            if found is not None:
                if household_is_new or found.household_id != household.pk:
                    errors.append(
                        (
                            id_label,
                            f"เลขประจำตัวประชาชนนี้มีอยู่ในโครงการแล้ว (ครัวเรือน {found.household_code})",
                        )
                    )
                    return None
                target = found
        elif not household_is_new:
            target = next(
                (
                    m
                    for m in existing
                    if not m.national_id
                    and m.first_name == fields_.get("first_name")
                    and m.last_name == fields_.get("last_name")
                ),
                None,
            )
        if target is None:
            instance = self.new_member()
            # Its household's id is known only once the household is written (bulk_create);
            # kept aside rather than through the relation's descriptor, which costs per row.
            instance._import_household = household
            before = None
        else:
            instance = target
            before = {n: getattr(target, n) for n in MEMBER_FIELDS}
        for name, value in fields_.items():
            setattr(instance, name, value)
        if not instance.sex:  # no sex column, or a blank cell: the title may say
            instance.sex = cells.SEX_BY_TITLE.get(instance.title, "")
        if errors:
            return None
        if not self.member_ok(instance):
            try:
                instance.full_clean(
                    exclude=checks.MEMBER_EXCLUDE, validate_unique=False, validate_constraints=False
                )
            except ValidationError as error:
                people = self.members_reader if member.sheet else self.heads
                errors.extend(_field_errors(error, people.labels_by_field))
                return None
        if before is None:
            return NEW, instance
        changed = [n for n in MEMBER_FIELDS if getattr(instance, n) != before[n]]
        return (UPDATED if changed else UNCHANGED), instance

    @property
    def members_reader(self):
        if not hasattr(self, "_members_reader"):
            self._members_reader = PersonRowsResource(MEMBER_KEYS, reading.MEMBER_COLUMNS)
        return self._members_reader

    # the writes, once per chunk, only when not a dry run

    def bulk_create(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        """New households are written with the rest of the chunk (bulk_update)."""
        self._plan_households_new = list(self.create_instances)
        self.create_instances.clear()

    def bulk_update(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        """The chunk's writes, kept for the next chunk's before_import() (or finish()) to
        make: the next chunk is checked while they run. First, the end of the previous
        chunk's write: its error fails the import here."""
        self.writer.wait()
        if not dry_run and self.report.ok:
            self._pending = _ChunkWrites(
                new_households=self._plan_households_new,
                households=[h for h in self.update_instances if h._import_changed],
                demoted=self._plan_demoted,
                changed_members=self._plan_members_changed,
                new_members=self._plan_members_new,
                consents=self._plan_consents,
                user_id=getattr(self.user, "pk", None),
            )
        self.update_instances.clear()
        self._plan_households_new, self._plan_consents = [], []
        self._plan_members_new, self._plan_members_changed, self._plan_demoted = [], [], []

    def after_import(self, dataset, result, **kwargs):
        """Nothing: the library resets the table's id sequence here, for rows inserted with
        ids of their own; NewRows takes its ids from the sequence (and a query here would
        run while the chunk is being written)."""

    def finish(self) -> None:
        """Write the last chunk and wait for every write (raising a write's error)."""
        self._write(self._pending)
        self._pending = None
        self.writer.wait()

    def _write(self, writes):
        if writes is None or not self.report.ok:
            return
        writes.prepare()
        if writes.only_new:
            self.writer.start(writes.copy_new)  # in the background: no ORM, only COPY
        else:
            writes.write()  # the updates go through the ORM: in this thread


@dataclass
class _ChunkWrites:
    """One chunk's writes, in the order they must be made: households first (members
    point at them), former heads demoted before a new head arrives."""

    new_households: list
    households: list  # changed
    demoted: list
    changed_members: list
    new_members: list
    consents: list  # new consent records
    user_id: int | None
    # set by prepare()
    now: datetime.datetime | None = None
    history: tuple = ()
    household_rows: NewRows | None = None
    member_rows: NewRows | None = None
    consent_rows: NewRows | None = None

    @property
    def only_new(self) -> bool:
        return not (self.households or self.demoted or self.changed_members)

    def prepare(self) -> None:
        """Ids, stamps and COPY text for the new rows (in the import's thread, which owns
        the instances); the history context the writes carry."""
        self.now = now = timezone.now()
        self.history = history_context()
        self.household_rows = NewRows(Household, self.new_households)
        self.member_rows = NewRows(Member, self.new_members)
        with connection.cursor() as cursor:
            if self.new_households:
                self.household_rows.prepare(cursor, now)
            for member in self.new_members:
                member.household_id = member._import_household.pk  # it has an id now
                member.updated_by_id = self.user_id
            if self.new_members:
                self.member_rows.prepare(cursor, now)
            for consent in self.consents:  # after the households and members they name
                consent.household_id = consent._import_household.pk
                consent.given_by_id = consent._import_given_by.pk
            self.consent_rows = NewRows(Consent, self.consents)
            if self.consents:
                self.consent_rows.prepare(cursor, now)

    def copy_new(self, cursor) -> None:
        """The new households and members: all a first import of a file has, and all that
        can run in ChunkWriter's thread (it needs no ORM)."""
        self.household_rows.copy(cursor, self.history)
        self.member_rows.copy(cursor, self.history)
        self.consent_rows.copy(cursor, self.history)

    def write(self) -> None:
        """Every write, in this thread (the updates go through the ORM)."""
        now = self.now
        with connection.wrap_database_errors, connection.cursor() as cursor:
            self.household_rows.copy(cursor, self.history)
        if self.households:
            names = sorted({name for h in self.households for name in h._import_changed})
            for household in self.households:
                household.updated_at = now
            Household.objects.bulk_update(self.households, [*names, "updated_at"], batch_size=2000)
        if self.demoted:
            for member in self.demoted:
                member.updated_at, member.updated_by_id = now, self.user_id
            Member.objects.bulk_update(
                self.demoted, ["is_head", "relation", "updated_at", "updated_by"]
            )
        if self.changed_members:
            for member in self.changed_members:
                member.updated_at, member.updated_by_id = now, self.user_id
            Member.objects.bulk_update(
                self.changed_members, [*MEMBER_FIELDS, "updated_at", "updated_by"], batch_size=2000
            )
        with connection.wrap_database_errors, connection.cursor() as cursor:
            self.member_rows.copy(cursor, self.history)
            self.consent_rows.copy(cursor, self.history)


def _remembered(clean, known: dict):
    """clean(value, row), answered from `known` when the value was read already."""

    def read(value, row=None):
        try:
            return known[value]
        except (KeyError, TypeError):
            return clean(value, row)

    return read


def _any(texts) -> RawSQL:
    """A chunk's thousands of codes or IDs as one array parameter for `__in`: the same
    query, without Django preparing each value on its own."""
    return RawSQL("SELECT unnest(%s::text[])", [sorted(texts)])


def _any_id(ids) -> RawSQL:
    """_any for row ids."""
    return RawSQL("SELECT unnest(%s::bigint[])", [sorted(ids)])


def quiet_national_id(value):
    """The national ID in a cell, or None when there is none or it is wrong (the row's
    own reading reports that)."""
    try:
        return cells.parse_national_id(value)
    except cells.CellError:
        return None


def _field_label(name: str) -> str:
    return str(Household._meta.get_field(name.removesuffix("_id")).verbose_name)
