"""Importing households with their members: preview every row, then apply all in one go.

`import_preview` and `import_apply` run the same code (`_run`): the apply re-reads the
stored file and re-validates every row inside one transaction, so a row that became
invalid since the preview (say, its national ID was entered by hand meanwhile) stops the
whole file and nothing is written.

Each row passes the checks a hand-entered record gets: the model's own field validation
(`full_clean`, which holds the national ID checksum), unique codes and national IDs
across the programme, and one head per household. Uniqueness is checked against the
database in bulk, one query per chunk of rows, never one per row.
"""

import datetime
import html
import io
import json
import re
import zipfile
from collections import Counter, defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal

import pghistory
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.utils import timezone

from households.imports import cells, reading
from households.models import (
    MEMBER_PROFILE_FIELDS,
    Cause,
    Education,
    Household,
    ImportJob,
    ImportKind,
    ImportStatus,
    Member,
    PovertyLevel,
    Relation,
    Sex,
    Status,
)
from kuseaw.national_id import validate_national_id

CHUNK_SIZE = 2000
_SHEET_NAME = re.compile(r'<(?:\w+:)?sheet\b[^>]*?\bname="([^"]*)"')
MEMBERS_SHEET = "สมาชิก"

NEW, UPDATED, UNCHANGED, ERROR = "new", "updated", "unchanged", "error"
STATUS_LABELS = {
    NEW: "ใหม่",
    UPDATED: "แก้ไข",
    UNCHANGED: "ไม่เปลี่ยนแปลง",
    ERROR: "ผิดพลาด",
}

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


class ImportFailed(Exception):
    """The file could not be applied; the message is Thai and safe to show."""


@dataclass
class RowIssue:
    row: int
    column: str
    message: str
    sheet: str = ""

    def as_dict(self) -> dict:
        return {
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "message": self.message,
        }

    def __str__(self) -> str:
        where = f"{self.sheet} " if self.sheet else ""
        column = f", {self.column}" if self.column else ""
        return f"{where}แถว {self.row}{column}: {self.message}"


@dataclass
class ImportReport:
    """What the preview (or the apply) found: counts, every row's status, the errors."""

    counts: Counter = field(default_factory=Counter)
    rows: list = field(default_factory=list)  # [row number, status, household code, note]
    errors: list[RowIssue] = field(default_factory=list)
    processed: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors

    def as_counts(self) -> dict:
        keys = [NEW, UPDATED, UNCHANGED, ERROR]
        keys += ["members_new", "members_updated", "members_unchanged"]
        return {key: self.counts.get(key, 0) for key in keys}


# --- turning one row's cells into field values ---------------------------------------


def _choice(choices):
    # A column holds a handful of distinct spellings: remember each one's answer.
    known = {}

    def convert(value, label):
        try:
            return known[value]
        except (KeyError, TypeError):
            pass
        result = cells.parse_choice(value, choices, label=label)
        if isinstance(value, str | int):
            known[value] = result
        return result

    return convert


def _int(value, label):
    return cells.parse_int(value, label=label)


def _decimal(value, label):
    return cells.parse_decimal(value, label=label)


def _text(value, label):
    return cells.parse_text(value) or ""


def _date(value, label):
    return cells.parse_date(value)


def _bool(value, label):
    return bool(cells.parse_bool(value))


# column key → (model field, converter); a column missing from the file leaves its field alone.
HOUSEHOLD_CONVERTERS = {
    "house_no": ("house_no", _text),
    "village_no": ("village_no", _int),
    "village_name": ("village_name", _text),
    "phone": ("phone", lambda v, label: cells.parse_phone(v)),
    "status": ("status", _choice(Status)),
    "poverty_level": ("poverty_level", _choice(PovertyLevel)),
    "poverty_level_at_entry": ("poverty_level_at_entry", _choice(PovertyLevel)),
    "cause": ("cause", _choice(Cause)),
    "need_health": ("need_health", _bool),
    "need_living": ("need_living", _bool),
    "need_education": ("need_education", _bool),
    "need_income": ("need_income", _bool),
    "need_public_services": ("need_public_services", _bool),
    "annual_income": ("annual_income", _decimal),
    "debts": ("debts", _decimal),
    "land_rai": ("land_rai", _decimal),
    "livelihood_assets": ("livelihood_assets", _text),
    "joined_on": ("joined_on", _date),
    "consent_given": ("consent_given", _bool),
    "consent_date": ("consent_date", _date),
}
# The head's cells in the household row, and a member's in the members sheet.
PERSON_CONVERTERS = {
    "national_id": ("national_id", lambda v, label: cells.parse_national_id(v)),
    "birth_date": ("birth_date", _date),
    "sex": ("sex", _choice(Sex)),
    "phone": ("phone", lambda v, label: cells.parse_phone(v)),
}
MEMBER_CONVERTERS = PERSON_CONVERTERS | {
    "relation": ("relation", _choice(Relation)),
    "education": ("education", _choice(Education)),
    "occupation": ("occupation", _text),
    "income": ("income", _decimal),
    "disability": ("disability", _text),
    "chronic_illness": ("chronic_illness", _text),
    "has_welfare_card": ("has_welfare_card", _bool),
}
NAME_KEYS = ("full_name", "title", "first_name", "last_name")

# Defaults for a new record when the file has no such column or the cell is blank.
HOUSEHOLD_DEFAULTS = {"cause": Cause.LACK_OF_OPPORTUNITY}


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _convert(values: dict, converters: dict, labels: dict, *, prefix=""):
    """Field values and (column label, message) errors for one row."""
    fields, errors = {}, []
    for key, (field_name, convert) in converters.items():
        column_key = key if not prefix else f"{prefix}{key}"
        if column_key not in values:
            continue
        raw = values[column_key]
        label = labels.get(column_key, column_key)
        try:
            value = convert(raw, label)
        except cells.CellError as error:
            errors.append((label, _without_label(str(error), label)))
            continue
        if value is None and field_name not in ("birth_date", "national_id", "consent_date"):
            continue  # a blank optional cell: keep the default or the stored value
        fields[field_name] = value
    return fields, errors


def _without_label(message: str, label: str) -> str:
    return message.removeprefix(f"{label}: ")


def _person_name(values: dict, fields: dict, errors: list, labels: dict) -> None:
    """Title, first and last name from «ชื่อ-สกุล» or from their own columns."""
    if not any(key in values for key in NAME_KEYS):
        return
    try:
        fields["title"], fields["first_name"], fields["last_name"] = cells.parse_person_name(values)
    except cells.CellError as error:
        key = "full_name" if "full_name" in values else "first_name"
        errors.append((labels.get(key, "ชื่อ-สกุล"), str(error)))


def _field_errors(error: ValidationError, labels_by_field: dict) -> list[tuple[str, str]]:
    found = []
    for field_name, messages in error.message_dict.items():
        label = labels_by_field.get(field_name, "")
        found.extend((label, message) for message in messages)
    return found


# --- the model's field checks, without full_clean's cost per row ---------------------
# full_clean builds and collects errors for every field of every row: about half the time
# of a preview. The parsers above already give typed values, so a row is first run
# through these plain checks (lengths, blanks, choices, ranges, digits, validators taken
# from the model's own fields); only a row that fails one goes to full_clean, which
# then words the error exactly as a hand-entered record would get it.


def _field_check(model_field):
    """check(value) → True when model_field.clean(value) certainly passes; False means
    «let full_clean decide»."""
    from django.core import validators
    from django.db import models

    blank, empty = model_field.blank, model_field.empty_values
    choices = {value for value, _ in model_field.flatchoices} if model_field.choices else None
    max_length = getattr(model_field, "max_length", None)
    low = high = None
    others = []
    for validator in model_field.validators:
        if isinstance(validator, validators.MinValueValidator):
            low = validator.limit_value if low is None else max(low, validator.limit_value)
        elif isinstance(validator, validators.MaxValueValidator):
            high = validator.limit_value if high is None else min(high, validator.limit_value)
        elif validator is validate_national_id:
            pass  # cells.parse_national_id ran it on every ID the file gives
        elif not isinstance(validator, validators.MaxLengthValidator | validators.DecimalValidator):
            others.append(validator)  # e.g. no NUL characters
    places = whole_limit = None
    if isinstance(model_field, models.BooleanField):
        kind = bool
    elif isinstance(model_field, models.DecimalField):
        kind = Decimal
        places = model_field.decimal_places
        whole_limit = Decimal(10) ** (model_field.max_digits - places)
    elif isinstance(model_field, models.DateTimeField):
        kind = datetime.datetime
    elif isinstance(model_field, models.DateField):
        kind = datetime.date
    elif isinstance(model_field, models.IntegerField | models.AutoField | models.ForeignKey):
        kind = int
    elif isinstance(model_field, models.CharField | models.TextField):
        kind = str
    else:
        return lambda value: False

    passed = set()  # a column holds few distinct choices, dates and flags: check each once

    def check(value) -> bool:
        if value in empty:
            return blank
        if type(value) is kind and value in passed:
            return True
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            return False
        if choices is not None and value not in choices:
            return False
        if max_length is not None and len(value) > max_length:
            return False
        if places is not None and (
            not value.is_finite()
            or value.as_tuple().exponent < -places
            or abs(value) >= whole_limit
        ):
            return False
        if (low is not None and value < low) or (high is not None and value > high):
            return False
        for validator in others:
            try:
                validator(value)
            except ValidationError:
                return False
        if kind is not str and kind is not Decimal and len(passed) < 1000:
            passed.add(value)
        return True

    return check


def _model_checker(model, exclude):
    """checker(instance) → True when instance.full_clean(exclude, validate_unique=False,
    validate_constraints=False) would certainly pass (the model has no clean() of its own)."""
    checks = [
        (f.attname, _field_check(f)) for f in model._meta.concrete_fields if f.name not in exclude
    ]

    def checker(instance) -> bool:
        values = instance.__dict__
        return all(check(values.get(attname)) for attname, check in checks)

    return checker


_HOUSEHOLD_EXCLUDE = ["subdistrict"]
_MEMBER_EXCLUDE = ["household", "updated_by"]
_household_fields_ok = _model_checker(Household, _HOUSEHOLD_EXCLUDE)
_member_fields_ok = _model_checker(Member, _MEMBER_EXCLUDE)


def _new_instance(model, defaults=None):
    """model(**defaults), without Model.__init__'s cost per row: a copy of the field
    values of one instance made the ordinary way (per model and day, as `joined_on`
    defaults to today). Only for models nothing listens to pre_init/post_init for."""
    from django.db.models import signals
    from django.db.models.base import ModelState

    if signals.pre_init.has_listeners(model) or signals.post_init.has_listeners(model):
        return model(**(defaults or {}))
    key = (model, tuple(sorted((defaults or {}).items())), timezone.localdate())
    values = _TEMPLATES.get(key)
    if values is None:
        template = model(**(defaults or {}))
        values = {k: v for k, v in template.__dict__.items() if k != "_state"}
        if len(_TEMPLATES) > 16:
            _TEMPLATES.clear()  # the days gone by
        _TEMPLATES[key] = values
    instance = model.__new__(model)
    instance.__dict__.update(values)
    instance._state = ModelState()
    return instance


_TEMPLATES: dict = {}


# --- one chunk of household rows ----------------------------------------------------


@dataclass
class ParsedMember:
    row: int
    sheet: str
    fields: dict
    errors: list


@dataclass
class ParsedHousehold:
    row: int
    code: str
    fields: dict
    head: ParsedMember
    members: list = field(default_factory=list)
    errors: list = field(default_factory=list)


class _Importer:
    """Reads the files, checks every row and (when `write`) writes them, chunk by chunk."""

    def __init__(self, *, user, write: bool, progress=None):
        self.user = user
        self.write = write
        self.progress = progress or (lambda processed: None)
        self.report = ImportReport()
        self.refs = cells.ReferenceIndex.load()
        self.seen_codes: dict[str, int] = {}
        self.seen_ids: dict[str, str] = {}  # national ID → where it was first seen
        self.today = timezone.localdate()

    # reading

    def run(self, households_table, members_table=None) -> ImportReport:
        labels = {c.key: c.label for c in reading.HOUSEHOLD_COLUMNS}
        self.household_labels = labels
        self.member_labels = {c.key: c.label for c in reading.MEMBER_COLUMNS}
        self.members_by_key = self._read_members(members_table) if members_table else {}
        chunk = []
        for row_number, values in households_table.rows():
            chunk.append(self._parse_household(row_number, values))
            if len(chunk) >= CHUNK_SIZE:
                self._process(chunk)
                chunk = []
        if chunk:
            self._process(chunk)
        for key, members in self.members_by_key.items():
            for member in members:
                self._error(
                    member.row,
                    self.member_labels.get("household_code", "รหัสครัวเรือน"),
                    f"ไม่พบครัวเรือน «{key}» ในไฟล์ครัวเรือน",
                    sheet=member.sheet,
                )
        return self.report

    def _read_members(self, table) -> dict[str, list[ParsedMember]]:
        labels = self.member_labels
        by_key = defaultdict(list)
        for row_number, values in table.rows():
            fields, errors = _convert(values, MEMBER_CONVERTERS, labels)
            _person_name(values, fields, errors, labels)
            member = ParsedMember(row_number, MEMBERS_SHEET, fields, errors)
            code = cells.parse_text(values.get("household_code")) or ""
            head_id = None
            try:
                head_id = cells.parse_national_id(values.get("head_national_id"))
            except cells.CellError as error:
                errors.append((labels.get("head_national_id", ""), str(error)))
            key = code or head_id
            if not key:
                self._error(
                    row_number,
                    labels.get("household_code", "รหัสครัวเรือน"),
                    "ต้องระบุรหัสครัวเรือนหรือเลขประจำตัวประชาชนของหัวหน้าครัวเรือน",
                    sheet=MEMBERS_SHEET,
                )
                continue
            by_key[key].append(member)
        return by_key

    def _parse_household(self, row_number: int, values: dict) -> ParsedHousehold:
        labels = self.household_labels
        fields, errors = _convert(values, HOUSEHOLD_CONVERTERS, labels)
        code = cells.parse_text(values.get("code")) or ""
        if not code:
            errors.append((labels.get("code", "รหัสครัวเรือน"), "ต้องระบุรหัสครัวเรือน"))
        self._resolve_place(values, fields, errors)
        head_fields, head_errors = _convert(values, PERSON_CONVERTERS, labels)
        _person_name(values, head_fields, head_errors, labels)
        head_fields.update(is_head=True, relation=Relation.HEAD)
        head = ParsedMember(row_number, "", head_fields, [])
        errors.extend(head_errors)
        household = ParsedHousehold(row_number, code, fields, head, errors=errors)
        keys = [code, head_fields.get("national_id")]
        for key in keys:
            if key and key in self.members_by_key:
                household.members.extend(self.members_by_key.pop(key))
        return household

    def _resolve_place(self, values, fields, errors):
        labels = self.household_labels
        district = None
        if not _blank(values.get("district")):
            try:
                district = self.refs.district(values["district"])
            except cells.CellError as error:
                errors.append((labels.get("district", "อำเภอ"), str(error)))
                return
        if _blank(values.get("subdistrict")):
            errors.append((labels.get("subdistrict", "ตำบล"), "ต้องระบุตำบล"))
            return
        try:
            subdistrict = self.refs.subdistrict(values["subdistrict"], district=district)
        except cells.CellError as error:
            errors.append((labels.get("subdistrict", "ตำบล"), str(error)))
            return
        fields["subdistrict_id"] = getattr(subdistrict, "pk", subdistrict)

    # checking and writing a chunk

    def _process(self, chunk: list[ParsedHousehold]) -> None:
        codes = [h.code for h in chunk if h.code]
        existing = Household.objects.in_bulk(codes, field_name="code")
        national_ids = set()
        for h in chunk:
            for m in [h.head, *h.members]:
                if m.fields.get("national_id"):
                    national_ids.add(m.fields["national_id"])
        by_id = {
            m.national_id: m
            for m in Member.objects.filter(national_id__in=national_ids).select_related("household")
        }
        current = defaultdict(list)
        for m in Member.objects.filter(household__in=existing.values(), left_on__isnull=True):
            current[m.household_id].append(m)

        plan = _ChunkPlan()
        for parsed in chunk:
            self._check_household(parsed, existing.get(parsed.code), by_id, current, plan)
        if self.write and self.report.ok:
            plan.save(self.user, self.today)
        self.report.processed += len(chunk)
        self.progress(self.report.processed)

    def _check_household(self, parsed, household, by_id, current, plan) -> None:
        labels = self.household_labels
        errors = list(parsed.errors)
        if parsed.code:
            if parsed.code in self.seen_codes:
                errors.append(
                    (
                        labels.get("code", "รหัสครัวเรือน"),
                        f"รหัสครัวเรือนซ้ำกับแถว {self.seen_codes[parsed.code]}",
                    )
                )
            else:
                self.seen_codes[parsed.code] = parsed.row
        is_new = household is None
        if is_new:
            household = _new_instance(Household, HOUSEHOLD_DEFAULTS)
            household.code = parsed.code
            before = {}
        else:
            before = {name: getattr(household, name) for name in HOUSEHOLD_FIELDS}
        for name, value in parsed.fields.items():
            setattr(household, name, value)
        if is_new and "poverty_level" in parsed.fields:
            household.poverty_level_at_entry = household.poverty_level
        if household.consent_given and household.consent_date is None:
            household.consent_date = before.get("consent_date") or self.today
        if not errors and not _household_fields_ok(household):
            try:
                household.full_clean(
                    exclude=_HOUSEHOLD_EXCLUDE, validate_unique=False, validate_constraints=False
                )
            except ValidationError as error:
                errors.extend(_field_errors(error, _labels_by_field(labels, HOUSEHOLD_CONVERTERS)))
        changed = [n for n in HOUSEHOLD_FIELDS if not is_new and getattr(household, n) != before[n]]

        existing_members = current.get(household.pk, []) if not is_new else []
        member_changes = []
        for member in [parsed.head, *parsed.members]:
            member_errors = list(member.errors)
            if member is not parsed.head and member.fields.get("relation") == Relation.HEAD:
                member_errors.append(
                    (
                        self.member_labels.get("relation", "ความสัมพันธ์"),
                        "หัวหน้าครัวเรือนมีได้คนเดียว ใส่ไว้ในแถวของครัวเรือนแล้ว",
                    )
                )
            outcome = self._check_member(
                member, household, is_new, existing_members, by_id, member_errors
            )
            if member_errors:
                self._errors(member, member_errors)
                errors.append(None)  # marks the household row as failed
                continue
            member_changes.append(outcome)
        # The former head stays in the household, as in member_save.
        demoted = []
        head_instance = member_changes[0][1] if member_changes and not errors else None
        if head_instance is not None:
            for m in existing_members:
                if m.is_head and m.pk != head_instance.pk:
                    m.is_head = False
                    m.relation = Relation.RELATIVE
                    demoted.append(m)

        real_errors = [e for e in errors if e is not None]
        for label, message in real_errors:
            self._error(parsed.row, label, message)
        if errors:
            self.report.counts[ERROR] += 1
            self.report.rows.append([parsed.row, ERROR, parsed.code, ""])
            return
        for status, _ in member_changes:
            self.report.counts[f"members_{status}"] += 1
        member_changed = any(s != UNCHANGED for s, _ in member_changes) or demoted
        if is_new:
            status, note = NEW, ""
        elif changed or member_changed:
            status = UPDATED
            note = ", ".join(_field_label(n) for n in changed)
            if member_changed:
                note = ", ".join(filter(None, [note, "สมาชิก"]))
        else:
            status, note = UNCHANGED, ""
        self.report.counts[status] += 1
        self.report.rows.append([parsed.row, status, parsed.code, note])
        plan.add(household, is_new, changed, member_changes, demoted)

    def _check_member(self, member, household, household_is_new, existing, by_id, errors):
        fields = member.fields
        national_id = fields.get("national_id")
        target = None
        labels = self.member_labels if member.sheet else self.household_labels
        id_label = labels.get("national_id", "เลขประจำตัวประชาชน")
        if national_id:
            where = f"{member.sheet or 'ครัวเรือน'} แถว {member.row}"
            if national_id in self.seen_ids:
                errors.append(
                    (
                        id_label,
                        f"เลขประจำตัวประชาชนซ้ำกับ{self.seen_ids[national_id]}",
                    )
                )
            else:
                self.seen_ids[national_id] = where
            found = by_id.get(national_id)
            if found is not None:
                if household_is_new or found.household_id != household.pk:
                    errors.append(
                        (
                            id_label,
                            f"เลขประจำตัวประชาชนนี้มีอยู่ในโครงการแล้ว (ครัวเรือน {found.household.code})",
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
                    and m.first_name == fields.get("first_name")
                    and m.last_name == fields.get("last_name")
                ),
                None,
            )
        if target is None:
            instance = _new_instance(Member)
            instance.household = household
            before = None
        else:
            instance = target
            before = {n: getattr(target, n) for n in MEMBER_FIELDS}
        for name, value in fields.items():
            setattr(instance, name, value)
        if errors:
            return None
        if not _member_fields_ok(instance):
            try:
                instance.full_clean(
                    exclude=_MEMBER_EXCLUDE, validate_unique=False, validate_constraints=False
                )
            except ValidationError as error:
                labels = self.member_labels if member.sheet else self.household_labels
                converters = MEMBER_CONVERTERS if member.sheet else PERSON_CONVERTERS
                errors.extend(_field_errors(error, _labels_by_field(labels, converters)))
                return None
        if before is None:
            return NEW, instance
        changed = [n for n in MEMBER_FIELDS if getattr(instance, n) != before[n]]
        return (UPDATED if changed else UNCHANGED), instance

    def _errors(self, member, errors):
        for label, message in errors:
            self._error(member.row, label, message, sheet=member.sheet)

    def _error(self, row, column, message, *, sheet=""):
        self.report.errors.append(RowIssue(row, column or "", message, sheet))


def _labels_by_field(labels: dict, converters: dict) -> dict:
    by_field = {}
    for key, (field_name, _) in converters.items():
        if key in labels:
            by_field.setdefault(field_name, labels[key])
    for key in NAME_KEYS[1:]:
        if key in labels:
            by_field[key] = labels[key]
    if "subdistrict" in labels:
        by_field["subdistrict"] = labels["subdistrict"]
    return by_field


def _field_label(name: str) -> str:
    return str(Household._meta.get_field(name.removesuffix("_id")).verbose_name)


class _ChunkPlan:
    """The writes one chunk needs, made with a handful of bulk statements."""

    def __init__(self):
        self.new_households = []
        self.changed_households = []
        self.changed_fields = set()
        self.new_members = []
        self.changed_members = []
        self.demoted = []

    def add(self, household, is_new, changed, member_changes, demoted):
        if is_new:
            self.new_households.append(household)
        elif changed:
            self.changed_households.append(household)
            self.changed_fields.update(changed)
        for status, member in member_changes:
            if status == NEW:
                self.new_members.append(member)
            elif status == UPDATED:
                self.changed_members.append(member)
        self.demoted.extend(demoted)

    def save(self, user, today):
        now = timezone.now()
        if self.new_households:
            _copy_new(Household, self.new_households, now)
        if self.changed_households:
            for household in self.changed_households:
                household.updated_at = now
            Household.objects.bulk_update(
                self.changed_households,
                [*sorted(self.changed_fields), "updated_at"],
                batch_size=CHUNK_SIZE,
            )
        user_id = getattr(user, "pk", None)
        # Demote former heads before a new head arrives (one head per household).
        if self.demoted:
            for member in self.demoted:
                member.updated_at, member.updated_by_id = now, user_id
            Member.objects.bulk_update(
                self.demoted, ["is_head", "relation", "updated_at", "updated_by"]
            )
        if self.changed_members:
            for member in self.changed_members:
                member.updated_at, member.updated_by_id = now, user_id
            Member.objects.bulk_update(
                self.changed_members,
                [*MEMBER_FIELDS, "updated_at", "updated_by"],
                batch_size=CHUNK_SIZE,
            )
        if self.new_members:
            for member in self.new_members:
                member.household_id = member.household.pk  # set now the household has an id
                member.updated_by_id = user_id
            _copy_new(Member, self.new_members, now)


def _copy_text(value) -> str:
    if value is None:
        return ""
    if '"' in value:
        value = value.replace('"', '""')
    return f'"{value}"'  # quoted, so an empty string stays an empty string (not NULL)


def _copy_bool(value) -> str:
    return "" if value is None else ("t" if value else "f")


def _copy_decimal(value) -> str:
    return "" if value is None else format(value, "f")


def _copy_date(value) -> str:  # and datetimes
    return "" if value is None else value.isoformat()


def _copy_other(value) -> str:
    return "" if value is None else str(value)


def _copy_formatter(model_field):
    """How one column's values are written as COPY csv fields (an empty field is NULL)."""
    from django.db import models

    if isinstance(model_field, models.BooleanField):
        return _copy_bool
    if isinstance(model_field, models.DecimalField):
        return _copy_decimal
    if isinstance(model_field, models.DateField):  # and DateTimeField
        return _copy_date
    if isinstance(model_field, models.CharField | models.TextField):
        return _copy_text
    return _copy_other


def _copy_new(model, instances, now) -> None:
    """Insert new rows with PostgreSQL COPY: what bulk_create does, at a fraction of the cost.

    The ids are reserved from the table's sequence first, so the instances get their pk
    (members point at their household by it). COPY fires the row triggers like INSERT does,
    so django-pghistory still records every insert; only the context it attaches comes from
    settings that pghistory sets on each statement Django runs, and COPY goes to psycopg2
    directly: they are set here, for this transaction, from the current context.
    """
    meta = model._meta
    fields = meta.concrete_fields
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    stamped = [
        f.attname
        for f in fields
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
    ]
    formats = [(f.attname, _copy_formatter(f)) for f in fields]
    alias = connection.alias
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [meta.db_table, meta.pk.column, len(instances)],
        )
        ids = sorted(row[0] for row in cursor.fetchall())
        lines = []
        for instance, pk in zip(instances, ids, strict=True):
            values = instance.__dict__
            values[meta.pk.attname] = pk
            for attname in stamped:
                values[attname] = now
            lines.append(",".join([write(values[a]) for a, write in formats]))
            instance._state.adding = False
            instance._state.db = alias
        lines.append("")
        with pghistory.context() as history:
            cursor.execute(
                "SELECT set_config('pghistory.context_id', %s, true),"
                " set_config('pghistory.context_metadata', %s, true)",
                [
                    str(history.id),
                    json.dumps(history.metadata, cls=pghistory.config.json_encoder()),
                ],
            )
        with connection.wrap_database_errors:
            cursor.cursor.copy_expert(
                f"COPY {connection.ops.quote_name(meta.db_table)} ({columns})"
                " FROM STDIN WITH (FORMAT csv)",
                io.StringIO("\n".join(lines)),
            )


# --- reading the stored files --------------------------------------------------------


def _tables(job: ImportJob):
    """The households table and the members table (second sheet or second file, or None)."""
    max_bytes = settings.KUSEAW_IMPORT_MAX_BYTES
    data = bytes(job.file_data)
    households = reading.read_table(
        io.BytesIO(data),
        filename=job.file_name,
        columns=reading.HOUSEHOLD_COLUMNS,
        sheet=None,
        max_bytes=max_bytes,
    )
    members = None
    if job.members_file_data:
        members = reading.read_table(
            io.BytesIO(bytes(job.members_file_data)),
            filename=job.members_file_name,
            columns=reading.MEMBER_COLUMNS,
            max_bytes=max_bytes,
        )
    elif job.file_name.lower().endswith(".xlsx"):
        if MEMBERS_SHEET in _sheet_names(data):
            members = reading.read_table(
                io.BytesIO(data),
                filename=job.file_name,
                columns=reading.MEMBER_COLUMNS,
                sheet=MEMBERS_SHEET,
                max_bytes=max_bytes,
            )
    return households, members


def _sheet_names(data: bytes) -> list[str]:
    """The sheet names from the workbook's index alone, without loading any sheet
    (reading.list_sheets opens the whole workbook). A file this cannot read has no
    members sheet; read_table has already said what is wrong with it."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            index = archive.read("xl/workbook.xml")
    except (zipfile.BadZipFile, KeyError, OSError):
        return []
    return [html.unescape(name) for name in _SHEET_NAME.findall(index.decode("utf-8", "replace"))]


def count_rows(job: ImportJob) -> int:
    """Rows in the households file (a quick first pass, for the progress bar)."""
    if job.kind in (ImportKind.OFFICIALS, ImportKind.PAIRINGS):
        from households.imports import people

        return people.count_rows(job)
    households, _ = _tables(job)
    return sum(1 for _ in households.rows())


@contextmanager
def _audited_writes(user, job_id):
    """pghistory context (who imported, which job) and immediate constraint checks.

    Deferred foreign-key checks queue up inside one big transaction and make every history
    trigger slow (see households.demo); checking them per statement keeps it fast.
    """
    with pghistory.context(user=getattr(user, "pk", None), import_job=job_id):
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        yield
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def run_households(job: ImportJob, *, write: bool, progress=None) -> ImportReport:
    """Check (and when `write`, apply in one transaction) the job's households file.

    Raises reading.FileProblem for a file that cannot be read, ImportFailed when `write`
    and any row has an error (nothing is written then).
    """
    households, members = _tables(job)
    importer = _Importer(user=job.created_by, write=write, progress=progress)
    if not write:
        return importer.run(households, members)
    try:
        with transaction.atomic(), _audited_writes(job.created_by, job.pk):
            report = importer.run(households, members)
            if not report.ok:
                raise ImportFailed(
                    f"นำเข้าไม่สำเร็จ พบข้อผิดพลาด {len(report.errors):,} รายการ จึงไม่ได้บันทึกข้อมูลใด ๆ"
                )
    except (IntegrityError, DatabaseError) as error:
        # Someone wrote a clashing record between our check and our insert.
        raise ImportFailed(
            f"นำเข้าไม่สำเร็จ ข้อมูลขัดกับที่มีอยู่ในระบบ จึงไม่ได้บันทึกข้อมูลใด ๆ ({error})"
        ) from error
    return report


# --- the job's life: preview, apply, record ------------------------------------------


def set_progress(job_id: int, processed: int, total: int | None = None) -> None:
    """Write progress through its own connection: it must commit while the import's
    transaction is still open, or the progress page would see nothing until the end."""
    values = {"processed_rows": processed}
    if total is not None:
        values["total_rows"] = total
    alias = settings.KUSEAW_IMPORT_PROGRESS_DATABASE
    ImportJob.objects.using(alias).filter(pk=job_id).update(**values)


def import_job_create(
    *, user, kind: str, file_name: str, data: bytes, members_file_name="", members_data=None
) -> ImportJob:
    """Record an upload. The bytes stay in the row until the job is applied or fails."""
    if len(data) > settings.KUSEAW_IMPORT_MAX_BYTES or (
        members_data and len(members_data) > settings.KUSEAW_IMPORT_MAX_BYTES
    ):
        limit = settings.KUSEAW_IMPORT_MAX_BYTES / (1024 * 1024)
        raise reading.FileProblem(f"ไฟล์ใหญ่เกินกำหนด (ไม่เกิน {limit:,.0f} MB)")
    return ImportJob.objects.create(
        created_by=user,
        kind=kind,
        file_name=file_name,
        file_data=data,
        members_file_name=members_file_name or "",
        members_file_data=members_data or None,
        status=ImportStatus.QUEUED,
    )


def _finish(job: ImportJob, *, status, report=None, message="", clear_file=False):
    job.status = status
    job.message = message
    if report is not None:
        job.counts = report.as_counts()
        job.row_errors = [issue.as_dict() for issue in report.errors]
        job.row_results = report.rows
        job.processed_rows = report.processed
        job.total_rows = max(job.total_rows, report.processed)
    if clear_file:
        job.file_data = None
        job.members_file_data = None
    job.finished_at = timezone.now()
    job.save()
    return job


def import_preview(*, job: ImportJob) -> ImportJob:
    """The dry run: every row's status and errors, nothing written. A failed preview keeps
    its errors (downloadable) and drops the file."""
    job.status, job.apply_requested = ImportStatus.RUNNING, False
    job.save(update_fields=["status", "apply_requested"])
    try:
        report = _run(job, write=False)
    except reading.FileProblem as problem:
        return _finish(job, status=ImportStatus.FAILED, message=str(problem), clear_file=True)
    if not report.ok:
        return _finish(
            job,
            status=ImportStatus.FAILED,
            report=report,
            message=f"พบข้อผิดพลาด {len(report.errors):,} รายการ แก้ไขไฟล์แล้วนำเข้าใหม่",
            clear_file=True,
        )
    return _finish(job, status=ImportStatus.PREVIEWED, report=report)


def import_apply(*, job: ImportJob) -> ImportJob:
    """Apply a previewed job in one transaction, re-checking every row. All or nothing."""
    if job.file_data is None:
        raise ImportFailed("ไม่มีไฟล์ให้ยืนยันแล้ว กรุณานำเข้าไฟล์ใหม่")
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.RUNNING, apply_requested=True)
    job.status, job.apply_requested = ImportStatus.RUNNING, True
    try:
        report = _run(job, write=True)
    except ImportFailed as failure:
        # Re-check to list what went wrong (the transaction was rolled back).
        try:
            report = _run(job, write=False)
        except reading.FileProblem:
            report = None
        _finish(
            job, status=ImportStatus.FAILED, report=report, message=str(failure), clear_file=True
        )
        raise
    except reading.FileProblem as problem:
        _finish(job, status=ImportStatus.FAILED, message=str(problem), clear_file=True)
        raise ImportFailed(str(problem)) from problem
    return _finish(job, status=ImportStatus.APPLIED, report=report, clear_file=True)


def _run(job: ImportJob, *, write: bool) -> ImportReport:
    def progress(processed):
        set_progress(job.pk, processed)

    if job.kind in (ImportKind.OFFICIALS, ImportKind.PAIRINGS):
        from households.imports.people import run_people  # people.py builds on this module

        return run_people(job, write=write, progress=progress)
    if job.kind != ImportKind.HOUSEHOLDS:
        raise reading.FileProblem("ยังนำเข้าข้อมูลประเภทนี้ไม่ได้")
    return run_households(job, write=write, progress=progress)


def needs_background(job: ImportJob) -> bool:
    """Large files go to the worker; the size is a cheap stand-in for the row count."""
    rows_guess = len(job.file_data or b"") // 120  # about 120 bytes per household row
    return rows_guess >= settings.KUSEAW_IMPORT_BACKGROUND_ROWS


def import_start(*, job: ImportJob, apply: bool) -> ImportJob:
    """Run the preview or the apply now, or queue it for the worker when the file is large."""
    from households.imports.tasks import import_run

    if not needs_background(job):
        if apply:
            try:
                return import_apply(job=job)
            except ImportFailed:
                job.refresh_from_db()
                return job
        return import_preview(job=job)
    job.status, job.apply_requested, job.processed_rows = ImportStatus.QUEUED, apply, 0
    job.save(update_fields=["status", "apply_requested", "processed_rows"])
    result = import_run.enqueue(job.pk, apply)
    ImportJob.objects.filter(pk=job.pk).update(task_id=str(result.id))
    job.refresh_from_db()
    return job
