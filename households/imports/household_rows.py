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
  (overlap_writes, writing.ChunkWriter). On a dry run nothing is written; otherwise
  nothing once a row has an error, unless the admin chose to import the valid rows only
  (valid_rows_only: a row with an error, or with a member row in error, is never planned).

A file may give a field in another shape (columns.py): the yearly income as income per
person with the number of members, or per month (_income: the row's note shows the
arithmetic), and the household's code as its 11-digit house registration code.

The per-row cost is what decides whether 10,000 households preview and commit in under
3 s each (bench/import_households.py): the fast paths (checks.ModelChecker,
checks.instance_maker, cached choice lookups) stay, and full_clean only words the errors of
a row that fails them.

This module holds HouseholdRowsResource, its chunk loader and the row checks. Beside it:
household_fields.py (the fields an import sets, a cell parser per column, the resource
Fields), person_rows.py (a head's or member's cells; the members sheet), chunk_writes.py
(one chunk's writes) and resource_base.py (what the officials and pairings resources in
people.py share with this one).
"""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from itertools import zip_longest

from django.core.exceptions import ValidationError
from django.db.models import F
from django.db.models.expressions import RawSQL
from django.utils import timezone
from import_export import resources
from import_export.instance_loaders import CachedInstanceLoader

from households.imports import cells, checks
from households.imports.chunk_writes import ChunkWrites
from households.imports.columns import HOUSEHOLD_COLUMNS, MEMBER_COLUMNS
from households.imports.household_fields import (
    HEAD_KEYS,
    HOUSE_CODE_KEY,
    HOUSEHOLD_DEFAULTS,
    HOUSEHOLD_FIELDS,
    HOUSEHOLD_KEYS,
    MEMBER_FIELDS,
    MEMBER_KEYS,
    cell_fields,
)
from households.imports.person_rows import ParsedMember, PersonRowsResource
from households.imports.report import ERROR, NEW, UNCHANGED, UPDATED, RowIssue
from households.imports.resource_base import (
    CellWidget,
    RowsMeta,
    field_cells,
    field_errors,
    is_blank,
    quiet_national_id,
    read_cells,
)
from households.imports.writing import ChunkWriter
from households.models import (
    Consent,
    ConsentDecision,
    ConsentMethod,
    Household,
    Member,
    Relation,
)


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
    income_note: str = ""  # the arithmetic of an income given in another shape
    code: str = ""  # the household's code as read (a house registration code as digits)
    member_count: int | None = None  # the members the file counts (income per person)


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

    def __init__(
        self,
        *,
        report,
        members_by_key,
        user,
        file_name="",
        overlap_writes=False,
        valid_rows_only=False,
    ):
        """`overlap_writes`: for a caller that runs import_data() chunk after chunk and then
        finish() (services.import_households): each chunk is written while the next one is
        checked. Otherwise import_data() writes its dataset before it returns. `file_name`
        goes in the note of the consent records the import adds. `valid_rows_only`: write
        the rows without errors even when others have some (never a row in error)."""
        super().__init__()
        self.overlap_writes = overlap_writes
        self.valid_rows_only = valid_rows_only
        self.file_name = file_name
        columns = HOUSEHOLD_COLUMNS
        self.fields.update(cell_fields(HOUSEHOLD_KEYS, columns))
        self.import_fields = self.file_fields = list(self.fields.values())
        self._code_widgets = {
            False: self.fields["code"].widget,
            True: CellWidget(cells.house_code_digits),
        }
        self.house_code = False
        self.income_shape = None
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
        self.member_labels = {c.key: c.label for c in MEMBER_COLUMNS}
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
        # The household's code may be its house registration code (the same cell, as digits).
        self.house_code = HOUSE_CODE_KEY in dataset.headers
        self.fields["code"].widget = self._code_widgets[self.house_code]
        self.income_shape = next(
            (key for key in ("monthly_income", "income_per_person") if key in dataset.headers),
            None,
        )
        # Only the columns this file has: a missing column leaves its field alone.
        self.file_fields = [f for f in self.import_fields if f.column_name in dataset.headers]
        self.file_cells = field_cells(self.file_fields)
        set_here = {"code", "subdistrict_id", "poverty_level_at_entry", "consent_date"}
        if self.income_shape:
            set_here.add("annual_income")
        self.household_ok = checks.household_fields_ok.only(
            {f.attribute for f in self.file_fields} | set_here, self.new_household()
        )
        codes, national_ids = set(), set()
        heads = dataset["national_id"] if "national_id" in dataset.headers else ()
        self._head_ids.clear()
        code_text = cells.house_code_digits if self.house_code else cells.parse_text
        for code, raw_id in zip_longest(dataset["code"], heads):
            code = code_text(code)
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
        if self.house_code:
            try:
                cells.parse_house_code(row[HOUSE_CODE_KEY])
            except cells.CellError as error:
                errors.append((self.labels[HOUSE_CODE_KEY], str(error)))
            if not instance.code:
                errors.append((self.labels[HOUSE_CODE_KEY], "ต้องระบุรหัสประจำบ้าน"))
        elif not instance.code:
            errors.append((self.labels["code"], "ต้องระบุรหัสครัวเรือน"))
        outcome.code = instance.code or ""
        if self.income_shape:
            self._income(instance, row, outcome)
        self._resolve_place(instance, row, errors)
        if outcome.is_new and not is_blank(row.get("poverty_level")):
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
        note = ", ".join(filter(None, [outcome.note, outcome.income_note]))
        code = outcome.code or row.get("code") or ""
        report.rows.append([outcome.row, outcome.status, code, note])
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

    def _income(self, household, row, outcome):
        """The yearly income from its other shape: per month × 12, or per person × the
        number of members; the row's note shows the arithmetic. Blank cells keep the
        income on record."""
        label = self.labels.get
        try:
            if self.income_shape == "monthly_income":
                monthly = cells.parse_decimal(row["monthly_income"], label=label("monthly_income"))
                if monthly is None:
                    return
                yearly = monthly * 12
                arithmetic = f"{_baht(monthly)} × 12 เดือน"
            else:
                per_person = cells.parse_decimal(
                    row["income_per_person"], label=label("income_per_person")
                )
                count = cells.parse_int(row.get("member_count"), label=label("member_count"))
                if per_person is None:
                    return
                if count is None:
                    outcome.errors.append(
                        (label("member_count"), "ต้องระบุจำนวนสมาชิก เพื่อคำนวณรายได้ครัวเรือนจากรายได้ต่อคน")
                    )
                    return
                if count < 1:
                    outcome.errors.append((label("member_count"), "ต้องมีสมาชิกอย่างน้อย 1 คน"))
                    return
                yearly = per_person * count
                outcome.member_count = count
                arithmetic = f"{_baht(per_person)} × {count:,} คน"
        except cells.CellError as error:
            text = str(error)
            column = next((c for c in self.labels.values() if text.startswith(f"{c}: ")), "")
            outcome.errors.append((column, text.removeprefix(f"{column}: ")))
            return
        household.annual_income = yearly.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        outcome.income_note = (
            f"{self.labels['annual_income']} = {arithmetic} = {_baht(household.annual_income)} บาท"
        )

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
        if not is_blank(row.get("district")):
            try:
                district = self.refs.district(row["district"])
            except cells.CellError as error:
                errors.append((self.labels["district"], str(error)))
                return None
        if is_blank(row.get("subdistrict")):
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
                errors.extend(field_errors(error, self.labels_by_field))
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
            rejected = self.report.rejected_member_rows
            for member in members:
                rejected[member.row] = outcome.row  # returned with their household's row
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
        if outcome.member_count is not None:
            listed = len({id(m) for _, m in member_changes} | {id(m) for m in existing_members})
            if listed != outcome.member_count:
                outcome.income_note += f" (มีรายชื่อสมาชิก {listed:,} คน)"
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
                errors.extend(field_errors(error, people.labels_by_field))
                return None
        if before is None:
            return NEW, instance
        changed = [n for n in MEMBER_FIELDS if getattr(instance, n) != before[n]]
        return (UPDATED if changed else UNCHANGED), instance

    @property
    def members_reader(self):
        if not hasattr(self, "_members_reader"):
            self._members_reader = PersonRowsResource(MEMBER_KEYS, MEMBER_COLUMNS)
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
        if not dry_run and self._may_write():
            self._pending = ChunkWrites(
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

    def _may_write(self) -> bool:
        """All or nothing: no write once any row has an error; with valid_rows_only, the
        rows without one (those in error are never planned)."""
        return self.valid_rows_only or self.report.ok

    def _write(self, writes):
        if writes is None or not self._may_write():
            return
        writes.prepare()
        if writes.only_new:
            self.writer.start(writes.copy_new)  # in the background: no ORM, only COPY
        else:
            writes.write()  # the updates go through the ORM: in this thread


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


def _baht(amount: Decimal) -> str:
    """12,500 or 12,500.50: whole baht without decimals."""
    if amount == amount.to_integral_value():
        return f"{int(amount):,}"
    return f"{amount:,.2f}"


def _field_label(name: str) -> str:
    return str(Household._meta.get_field(name.removesuffix("_id")).verbose_name)
