"""Importing officials and pairings: preview every row, then apply all in one transaction.

Same life as the households import (services.import_preview / import_apply dispatch here
by the job's kind): the apply re-reads the stored file and re-checks every row inside one
transaction, so nothing is written unless every row still passes. Both files go through
django-import-export resources (OfficialRowsResource, PairingRowsResource): one
import_data() call per file (a few hundred rows, read whole), cells read by the same
parsers as the households file (cells.py), existing records loaded once per file.

Officials are matched by national ID. A new official gets a Django user in the officials'
group with an unusable password (an admin sends a reset). Pairings go through
officials.services.pairing_create, the one place that keeps the cap and the one-buddy rule.
"""

import dataclasses
import io
from collections import Counter

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import DatabaseError, IntegrityError, transaction
from django.utils import timezone
from import_export import fields, resources
from import_export.instance_loaders import CachedInstanceLoader

from households.imports import cells, reading
from households.imports.columns import OFFICIAL_COLUMNS as FILE_OFFICIAL_COLUMNS
from households.imports.columns import PAIRING_COLUMNS, Column
from households.imports.report import (
    ERROR,
    NEW,
    UNCHANGED,
    UPDATED,
    ImportFailed,
    ImportReport,
    RowIssue,
    write_refused,
)
from households.imports.resource_base import (
    CellWidget,
    RowsMeta,
    import_rows,
    quiet_national_id,
    table_dataset,
)
from households.imports.writing import audited_writes
from households.models import Household, ImportJob, ImportKind, Status
from officials.models import Official, Pairing
from officials.roles import GROUP_NAMES, Role
from officials.services import PairingError, households_per_official, pairing_create

# The officials file as columns.py knows it, plus: the national ID is how a row finds its
# official again, so it is required; «ปฏิบัติงานอยู่» may switch an official off.
OFFICIAL_COLUMNS = [
    dataclasses.replace(c, required=True) if c.key == "national_id" else c
    for c in FILE_OFFICIAL_COLUMNS
] + [
    Column(
        "is_active",
        "ปฏิบัติงานอยู่",
        ("ยังปฏิบัติงาน", "active", "สถานะการปฏิบัติงาน"),
        help="ใช่ หรือ ไม่ (เว้นว่าง = ใช่ สำหรับเจ้าหน้าที่ใหม่ / คงเดิมสำหรับคนที่มีอยู่แล้ว)",
    )
]

USER_FIELDS = ["username", "first_name", "last_name", "email"]
OFFICIAL_FIELDS = ["agency_id", "district_id", "position", "phone", "is_active"]
_FIELD_LABELS = {
    "username": "ชื่อผู้ใช้",
    "first_name": "ชื่อ",
    "last_name": "นามสกุล",
    "email": "อีเมล",
    "agency_id": "หน่วยงาน",
    "district_id": "อำเภอที่ปฏิบัติงาน",
    "position": "ตำแหน่ง",
    "phone": "โทรศัพท์",
    "is_active": "ปฏิบัติงานอยู่",
}


def generated_username(national_id: str) -> str:
    """The username of an official whose row has none: the same for every re-import."""
    return f"official-{national_id[-6:]}"


def _table(job: ImportJob, columns) -> reading.Table:
    return reading.read_table(
        io.BytesIO(bytes(job.file_data)),
        filename=job.file_name,
        columns=columns,
        max_bytes=settings.KUSEAW_IMPORT_MAX_BYTES,
    )


def count_rows(job: ImportJob) -> int:
    columns = OFFICIAL_COLUMNS if job.kind == ImportKind.OFFICIALS else PAIRING_COLUMNS
    return sum(1 for _ in _table(job, columns).rows())


def run_people(job: ImportJob, *, write: bool, progress=None) -> ImportReport:
    """Check (and when `write`, apply in one transaction) an officials or pairings file.

    Raises FileProblem for an unreadable file, ImportFailed when `write` and any
    row has an error (nothing is written then).
    """
    officials = job.kind == ImportKind.OFFICIALS
    table = _table(job, OFFICIAL_COLUMNS if officials else PAIRING_COLUMNS)
    report = ImportReport()
    resource_class = OfficialRowsResource if officials else PairingRowsResource
    resource = resource_class(report=report, user=job.created_by)
    dataset = table_dataset(table.rows(), list(table.mapping))
    if not write:
        import_rows(resource, dataset, dry_run=True)
    else:
        try:
            with transaction.atomic(), audited_writes(job.created_by, job.pk):
                import_rows(resource, dataset, dry_run=False)
                if not report.ok:
                    raise ImportFailed(
                        f"นำเข้าไม่สำเร็จ พบข้อผิดพลาด {len(report.errors):,} รายการ จึงไม่ได้บันทึกข้อมูลใด ๆ"
                    )
        except (IntegrityError, DatabaseError) as error:
            raise write_refused(error) from error
    if progress is not None:
        progress(report.processed)
    return report


@dataclasses.dataclass
class _Outcome:
    row: int
    is_new: bool
    status: str = ""
    key: str = ""
    note: str = ""
    errors: list = dataclasses.field(default_factory=list)


class _RowsResource(resources.ModelResource):
    """What both resources share: a file read whole into one Dataset, cells read by
    widgets, and each row's outcome recorded in the report (errors with row and column)."""

    columns: list = []

    def __init__(self, *, report: ImportReport, user):
        super().__init__()
        self.report = report
        self.user = user
        self.labels = {c.key: c.label for c in self.columns}
        self.today = timezone.localdate()
        self._outcome = None

    def label(self, key: str) -> str:
        return self.labels.get(key, key)

    def cell(self, row, key, parse, errors):
        """The cell's value read by `parse`, or None with its error noted (a missing
        column is None too)."""
        if key not in row:
            return None
        try:
            return parse(row[key])
        except cells.CellError as error:
            errors.append((self.label(key), str(error).removeprefix(f"{self.label(key)}: ")))
            return None

    def get_import_fields(self):
        return []  # import_instance() reads the cells: they span the model and its user

    def after_init_instance(self, instance, new, row, **kwargs):
        self._outcome = _Outcome(row=row["_row"], is_new=new)

    def import_row(self, row, instance_loader, **kwargs):
        self._outcome = None
        row_result = super().import_row(row, instance_loader, **kwargs)
        outcome = self._outcome
        if outcome is not None and not row_result.errors:
            for column, message in outcome.errors:
                self.report.errors.append(RowIssue(outcome.row, column, message))
            self.report.counts[outcome.status] += 1
            self.report.rows.append([outcome.row, outcome.status, outcome.key, outcome.note])
            self.report.processed += 1
        return row_result

    def skip_row(self, instance, original, row, import_validation_errors=None):
        return self._outcome.status == UNCHANGED

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        if self._outcome.status == ERROR:
            raise ValidationError([f"{c}: {m}" for c, m in self._outcome.errors])

    def _writing(self, dry_run) -> bool:
        return not dry_run and self.report.ok


# --- officials ---------------------------------------------------------------------------


class _OfficialLoader(CachedInstanceLoader):
    """The file's existing officials, loaded once (before_import) by national ID."""

    def __init__(self, resource, dataset=None):
        self.resource, self.dataset = resource, dataset

    def get_instance(self, row):
        national_id = quiet_national_id(row.get("national_id"))
        return self.resource.existing.get(national_id) if national_id else None


class OfficialRowsResource(_RowsResource):
    """One official per row, matched by national ID; a new one gets a user account."""

    columns = OFFICIAL_COLUMNS

    class Meta(RowsMeta):
        model = Official
        fields = ("national_id",)
        import_id_fields = ("national_id",)
        instance_loader_class = _OfficialLoader

    national_id = fields.Field(
        attribute="national_id",
        column_name="national_id",
        widget=CellWidget(cells.parse_national_id),
    )

    def __init__(self, *, report, user):
        super().__init__(report=report, user=user)
        self.refs = cells.ReferenceIndex.load()
        self.new_users, self.changed_users, self.changed_officials = [], [], []

    def before_import(self, dataset, **kwargs):
        ids = {quiet_national_id(v) for v in dataset["national_id"]} - {None}
        self.existing = {
            o.national_id: o
            for o in Official.objects.filter(national_id__in=ids).select_related("user")
        }
        names = set(dataset["username"]) if "username" in dataset.headers else set()
        names |= {o.user.username for o in self.existing.values()}
        names |= {generated_username(i) for i in ids}
        users = get_user_model().objects.filter(username__in={cells.parse_text(n) for n in names})
        self.user_by_name = {u.username: u for u in users}
        self.seen_ids, self.seen_names = {}, {}

    def init_instance(self, row=None):
        return Official()

    def import_instance(self, instance, row, **kwargs):
        outcome = self._outcome
        errors = outcome.errors
        national_id = self.cell(row, "national_id", cells.parse_national_id, errors)
        if national_id is None and not errors:
            errors.append((self.label("national_id"), "ต้องระบุเลขประจำตัวประชาชน"))
        user_fields, official_fields = {}, {}
        try:
            _title, user_fields["first_name"], user_fields["last_name"] = cells.parse_person_name(
                row
            )
        except cells.CellError as error:
            key = "full_name" if "full_name" in row else "first_name"
            errors.append((self.label(key), str(error)))
        username = self.cell(row, "username", cells.parse_text, errors) or ""
        if not username and national_id:
            found = self.existing.get(national_id)
            username = found.user.username if found else generated_username(national_id)
        if "email" in row:
            user_fields["email"] = self.cell(row, "email", cells.parse_text, errors) or ""
        agency = self.cell(row, "agency", self.refs.agency, errors)
        if agency is not None:
            official_fields["agency_id"] = agency.pk
        district = self.cell(row, "district", self.refs.district, errors)
        if district is not None:
            official_fields["district_id"] = district.pk
        if "position" in row:
            official_fields["position"] = self.cell(row, "position", cells.parse_text, errors) or ""
        if "phone" in row:
            official_fields["phone"] = self.cell(row, "phone", cells.parse_phone, errors)
        if row.get("is_active") is not None:
            official_fields["is_active"] = self.cell(row, "is_active", cells.parse_bool, errors)
        outcome.key = username
        self._check(instance, national_id, username, user_fields, official_fields)

    def _check(self, official, national_id, username, user_fields, official_fields):
        outcome = self._outcome
        errors = outcome.errors
        id_label, name_label = self.label("national_id"), self.label("username")
        if national_id:
            if national_id in self.seen_ids:
                errors.append((id_label, f"เลขประจำตัวประชาชนซ้ำกับแถว {self.seen_ids[national_id]}"))
            self.seen_ids.setdefault(national_id, outcome.row)
        if username:
            if username in self.seen_names:
                errors.append(
                    (name_label, f"ชื่อผู้ใช้ «{username}» ซ้ำกับแถว {self.seen_names[username]}")
                )
            self.seen_names.setdefault(username, outcome.row)
            holder = self.user_by_name.get(username)
            if holder is not None and (outcome.is_new or holder.pk != official.user_id):
                errors.append((name_label, f"ชื่อผู้ใช้ «{username}» มีผู้อื่นใช้อยู่แล้ว"))
        if outcome.is_new:
            user = get_user_model()(username=username, is_active=True)
            official.user, official.national_id = user, national_id
            for name in ("agency", "district"):
                told = any(column == self.label(name) for column, _ in errors)
                if f"{name}_id" not in official_fields and not told:
                    errors.append((self.label(name), f"ต้องระบุ{self.label(name)}"))
            before_user, before_official = {}, {}
        else:
            user = official.user
            before_user = {n: getattr(user, n) for n in USER_FIELDS}
            before_official = {n: getattr(official, n) for n in OFFICIAL_FIELDS}
            user.username = username
        for name, value in user_fields.items():
            setattr(user, name, value)
        for name, value in official_fields.items():
            setattr(official, name, value)
        if not errors:
            errors.extend(self._validate(user, official))
        if errors:
            outcome.status = ERROR
        elif outcome.is_new:
            outcome.status = NEW
        else:
            changed = [n for n in USER_FIELDS if getattr(user, n) != before_user[n]]
            changed += [n for n in OFFICIAL_FIELDS if getattr(official, n) != before_official[n]]
            outcome.changed = changed
            if changed:
                outcome.status = UPDATED
                outcome.note = ", ".join(_FIELD_LABELS[n] for n in changed)
            else:
                outcome.status = UNCHANGED

    def _validate(self, user, official) -> list[tuple[str, str]]:
        """The field checks the admin's forms run on a hand-entered user and official."""
        found = []
        for instance, exclude in ((user, ["password"]), (official, ["user"])):
            try:
                instance.full_clean(
                    exclude=exclude, validate_unique=False, validate_constraints=False
                )
            except ValidationError as error:
                for name, messages in error.message_dict.items():
                    label = _FIELD_LABELS.get(name) or _FIELD_LABELS.get(f"{name}_id", "")
                    found.extend((label, message) for message in messages)
        return found

    def save_instance(self, instance, is_create, row, **kwargs):
        super().save_instance(instance, is_create, row, **kwargs)  # bulk: queued
        changed = getattr(self._outcome, "changed", [])
        if is_create:
            self.new_users.append(instance.user)
        if any(n in USER_FIELDS for n in changed):
            self.changed_users.append(instance.user)
        if not any(n in OFFICIAL_FIELDS for n in changed) and not is_create:
            self.update_instances.remove(instance)  # only the user changed

    def bulk_create(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        """New officials with their user accounts, in the officials' group."""
        if self._writing(dry_run) and self.create_instances:
            User = get_user_model()
            now = timezone.now()
            for user in self.new_users:
                user.set_unusable_password()  # they get a password through an admin's reset
                user.date_joined = now
            User.objects.bulk_create(self.new_users)
            group = Group.objects.get(name=GROUP_NAMES[Role.OFFICIAL])
            Membership = User.groups.through
            Membership.objects.bulk_create(
                [Membership(user_id=u.pk, group_id=group.pk) for u in self.new_users]
            )
            for official in self.create_instances:
                official.user_id = official.user.pk
            Official.objects.bulk_create(self.create_instances)
        self.create_instances.clear()
        self.new_users = []

    def bulk_update(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        if self._writing(dry_run):
            if self.changed_users:
                get_user_model().objects.bulk_update(self.changed_users, USER_FIELDS)
            if self.update_instances:
                Official.objects.bulk_update(self.update_instances, OFFICIAL_FIELDS)
        self.update_instances.clear()
        self.changed_users = []


# --- pairings ----------------------------------------------------------------------------


class _OpenPairingLoader(CachedInstanceLoader):
    """A row's household's open pairing, if it has one (loaded once, before_import)."""

    def __init__(self, resource, dataset=None):
        self.resource, self.dataset = resource, dataset

    def get_instance(self, row):
        household = self.resource.households.get(cells.parse_text(row.get("household_code")))
        return self.resource.open_pairings.get(household.pk) if household else None


class PairingRowsResource(_RowsResource):
    """One pairing per row: a household code and its official (national ID or username).

    A row naming the household's current buddy is unchanged; otherwise a new pairing is
    written through officials.services.pairing_create, the one place that keeps the cap
    and the one-buddy rule (a few hundred rows: one call each).
    """

    columns = PAIRING_COLUMNS

    class Meta(RowsMeta):
        model = Pairing
        fields = ("household",)
        import_id_fields = ("household",)
        instance_loader_class = _OpenPairingLoader

    household = fields.Field(
        attribute="household", column_name="household_code", widget=CellWidget(cells.parse_text)
    )

    def before_import(self, dataset, **kwargs):
        def column(key):
            return dataset[key] if key in dataset.headers else []

        codes = {cells.parse_text(v) for v in column("household_code")} - {"", None}
        ids = {quiet_national_id(v) for v in column("official_national_id")}
        names = {cells.parse_text(v) for v in column("official_username")} - {"", None}
        self.households = Household.objects.in_bulk(codes, field_name="code")
        officials = Official.objects.select_related("user").filter(
            national_id__in=ids - {None}
        ) | Official.objects.select_related("user").filter(user__username__in=names)
        self.by_id, self.by_username = {}, {}
        for official in officials:
            if official.national_id:
                self.by_id[official.national_id] = official
            self.by_username[official.user.username] = official
        self.open_pairings = {
            p.household_id: p
            for p in Pairing.objects.open()
            .filter(household__code__in=codes)
            .select_related("official__user")
        }
        self.load = Counter(
            Pairing.objects.open()
            .filter(official__in=[*self.by_id.values(), *self.by_username.values()])
            .values_list("official_id", flat=True)
        )
        self.seen = {}
        self.cap = households_per_official()

    def init_instance(self, row=None):
        return Pairing()

    def import_instance(self, instance, row, **kwargs):
        outcome = self._outcome
        errors = outcome.errors
        code = cells.parse_text(row.get("household_code"))
        outcome.key = code or ""
        code_label = self.label("household_code")
        if not code:
            errors.append((code_label, "ต้องระบุรหัสครัวเรือน"))
        national_id = self.cell(row, "official_national_id", cells.parse_national_id, errors)
        username = cells.parse_text(row.get("official_username")) or None
        if national_id is None and username is None and not errors:
            column = self.label(
                "official_national_id" if "official_national_id" in row else "official_username"
            )
            errors.append((column, "ต้องระบุเลขประจำตัวประชาชนหรือชื่อผู้ใช้ของเจ้าหน้าที่"))
        started_on = self.cell(row, "started_on", cells.parse_date, errors) or self.today
        official = self._official(national_id, username, errors)
        household = self.households.get(code) if code else None
        if code and household is None:
            errors.append((code_label, f"ไม่พบครัวเรือนรหัส «{code}»"))
        if code in self.seen:
            errors.append((code_label, f"รหัสครัวเรือนซ้ำกับแถว {self.seen[code]}"))
        self.seen.setdefault(code, outcome.row)
        if household is None or official is None or errors:
            outcome.status = ERROR
            return
        if not outcome.is_new:  # the household has a buddy now
            if instance.official_id == official.pk:
                outcome.status, outcome.note = UNCHANGED, f"คู่เสี่ยว {official}"
                return
            errors.append((code_label, f"ครัวเรือนนี้มีคู่เสี่ยวดูแลอยู่แล้ว ({instance.official})"))
        if household.status != Status.ACTIVE:
            errors.append((code_label, "ครัวเรือนนี้ไม่ได้อยู่ในโครงการแล้ว จับคู่ไม่ได้"))
        official_label = self._official_label(national_id)
        if not official.is_active:
            errors.append((official_label, f"{official} ไม่ได้ปฏิบัติงานอยู่ จับคู่ไม่ได้"))
        if self.load[official.pk] + 1 > self.cap:
            errors.append(
                (
                    official_label,
                    f"{official} จะดูแลเกิน {self.cap} ครัวเรือน (รวมแถวก่อนหน้าในไฟล์นี้)",
                )
            )
        pairing = Pairing(official=official, household=household, started_on=started_on)
        if not errors:
            try:
                pairing.full_clean(
                    exclude=["created_by"], validate_constraints=False, validate_unique=False
                )
            except ValidationError as error:
                errors.extend((self.label("started_on"), m) for m in error.messages)
        if errors:
            outcome.status = ERROR
            return
        self.load[official.pk] += 1
        instance.official, instance.household, instance.started_on = official, household, started_on
        outcome.status, outcome.note = NEW, f"คู่เสี่ยว {official}"

    def _official_label(self, national_id) -> str:
        return self.label("official_national_id" if national_id else "official_username")

    def _official(self, national_id, username, errors):
        if national_id is None and username is None:
            return None
        official = self.by_id.get(national_id) if national_id else self.by_username.get(username)
        if official is None:
            what = "เลขประจำตัวประชาชนนี้" if national_id else f"ชื่อผู้ใช้ «{username}»"
            errors.append((self._official_label(national_id), f"ไม่พบเจ้าหน้าที่ที่มี{what}"))
        elif national_id and username and official.user.username != username:
            errors.append(
                (
                    self.label("official_username"),
                    "ชื่อผู้ใช้ไม่ตรงกับเลขประจำตัวประชาชนของเจ้าหน้าที่",
                )
            )
        return official

    def save_instance(self, instance, is_create, row, **kwargs):
        instance._import_row = self._outcome.row
        super().save_instance(instance, is_create, row, **kwargs)

    def bulk_create(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        if self._writing(dry_run):
            for pairing in self.create_instances:
                try:
                    pairing_create(
                        official=pairing.official,
                        household=pairing.household,
                        started_on=pairing.started_on,
                        by=self.user,
                    )
                except PairingError as error:
                    raise ImportFailed(
                        f"นำเข้าไม่สำเร็จ แถว {pairing._import_row}: {error} จึงไม่ได้บันทึกข้อมูลใด ๆ"
                    ) from error
        self.create_instances.clear()

    def bulk_update(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        self.update_instances.clear()  # an unchanged pairing is skipped; none is updated
