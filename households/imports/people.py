"""Importing officials and pairings: preview every row, then apply all in one transaction.

Same life as the households import (services.import_preview / import_apply dispatch here
by the job's kind): the apply re-reads the stored file and re-checks every row inside one
transaction, so nothing is written unless every row still passes.

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

from households.imports import cells, reading
from households.imports.services import (
    ERROR,
    NEW,
    UNCHANGED,
    UPDATED,
    ImportFailed,
    ImportReport,
    RowIssue,
    _audited_writes,
)
from households.models import Household, ImportJob, ImportKind, Status
from officials.models import Official, Pairing
from officials.roles import GROUP_NAMES, Role
from officials.services import PairingError, households_per_official, pairing_create

# The officials file as reading.py knows it, plus: the national ID is how a row finds its
# official again, so it is required; «ปฏิบัติงานอยู่» may switch an official off.
OFFICIAL_COLUMNS = [
    dataclasses.replace(c, required=True) if c.key == "national_id" else c
    for c in reading.OFFICIAL_COLUMNS
] + [
    reading.Column(
        "is_active",
        "ปฏิบัติงานอยู่",
        ("ยังปฏิบัติงาน", "active", "สถานะการปฏิบัติงาน"),
        help="ใช่ หรือ ไม่ (เว้นว่าง = ใช่ สำหรับเจ้าหน้าที่ใหม่ / คงเดิมสำหรับคนที่มีอยู่แล้ว)",
    )
]
PAIRING_COLUMNS = reading.PAIRING_COLUMNS

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

    Raises reading.FileProblem for an unreadable file, ImportFailed when `write` and any
    row has an error (nothing is written then).
    """
    if job.kind == ImportKind.OFFICIALS:
        importer = _OfficialsImporter(_table(job, OFFICIAL_COLUMNS), user=job.created_by)
    else:
        importer = _PairingsImporter(_table(job, PAIRING_COLUMNS), user=job.created_by)
    if not write:
        report = importer.check()
    else:
        try:
            with transaction.atomic(), _audited_writes(job.created_by, job.pk):
                report = importer.check()
                if not report.ok:
                    raise ImportFailed(
                        f"นำเข้าไม่สำเร็จ พบข้อผิดพลาด {len(report.errors):,} รายการ จึงไม่ได้บันทึกข้อมูลใด ๆ"
                    )
                importer.save()
        except (IntegrityError, DatabaseError) as error:
            raise ImportFailed(
                f"นำเข้าไม่สำเร็จ ข้อมูลขัดกับที่มีอยู่ในระบบ จึงไม่ได้บันทึกข้อมูลใด ๆ ({error})"
            ) from error
    if progress is not None:
        progress(report.processed)
    return report


class _Rows:
    """What both importers share: the report, and recording one row's outcome."""

    def __init__(self, table, columns, *, user):
        self.table = table
        self.user = user
        self.labels = {c.key: c.label for c in columns}
        self.report = ImportReport()
        self.today = timezone.localdate()

    def label(self, key: str) -> str:
        return self.labels.get(key, key)

    def outcome(self, row: int, status: str, key: str, note: str = "", errors=()) -> None:
        for column, message in errors:
            self.report.errors.append(RowIssue(row, column, message))
        self.report.counts[status] += 1
        self.report.rows.append([row, status, key, note])
        self.report.processed += 1


# --- officials ---------------------------------------------------------------------------


@dataclasses.dataclass
class _OfficialRow:
    row: int
    national_id: str | None
    username: str
    user_fields: dict
    official_fields: dict
    errors: list


class _OfficialsImporter(_Rows):
    def __init__(self, table, *, user):
        super().__init__(table, OFFICIAL_COLUMNS, user=user)
        self.refs = cells.ReferenceIndex.load()
        self.new_users, self.new_officials = [], []
        self.changed_users, self.changed_officials = [], []

    def _parse(self, row: int, values: dict) -> _OfficialRow:
        errors, user_fields, official_fields = [], {}, {}

        def cell(key, parse):
            if key not in values:
                return None
            try:
                return parse(values[key])
            except cells.CellError as error:
                message = str(error).removeprefix(f"{self.label(key)}: ")
                errors.append((self.label(key), message))
                return None

        national_id = cell("national_id", cells.parse_national_id)
        if national_id is None and not errors:
            errors.append((self.label("national_id"), "ต้องระบุเลขประจำตัวประชาชน"))
        try:
            _title, user_fields["first_name"], user_fields["last_name"] = cells.parse_person_name(
                values
            )
        except cells.CellError as error:
            key = "full_name" if "full_name" in values else "first_name"
            errors.append((self.label(key), str(error)))
        username = cell("username", cells.parse_text) or ""
        if "email" in values:
            user_fields["email"] = cell("email", cells.parse_text) or ""
        agency = cell("agency", self.refs.agency)
        if agency is not None:
            official_fields["agency_id"] = agency.pk
        district = cell("district", self.refs.district)
        if district is not None:
            official_fields["district_id"] = district.pk
        if "position" in values:
            official_fields["position"] = cell("position", cells.parse_text) or ""
        if "phone" in values:
            official_fields["phone"] = cell("phone", cells.parse_phone)
        if values.get("is_active") is not None:
            official_fields["is_active"] = cell("is_active", cells.parse_bool)
        return _OfficialRow(row, national_id, username, user_fields, official_fields, errors)

    def check(self) -> ImportReport:
        parsed = [self._parse(row, values) for row, values in self.table.rows()]
        ids = {p.national_id for p in parsed if p.national_id}
        existing = {
            o.national_id: o
            for o in Official.objects.filter(national_id__in=ids).select_related("user")
        }
        for p in parsed:
            if not p.username and p.national_id:
                found = existing.get(p.national_id)
                p.username = found.user.username if found else generated_username(p.national_id)
        User = get_user_model()
        users = User.objects.filter(username__in={p.username for p in parsed if p.username})
        user_by_name = {u.username: u for u in users}
        seen_ids, seen_names = {}, {}
        for p in parsed:
            self._check(p, existing.get(p.national_id), user_by_name, seen_ids, seen_names)
        return self.report

    def _check(self, p: _OfficialRow, official, user_by_name, seen_ids, seen_names) -> None:
        errors = list(p.errors)
        id_label, name_label = self.label("national_id"), self.label("username")
        if p.national_id:
            if p.national_id in seen_ids:
                errors.append((id_label, f"เลขประจำตัวประชาชนซ้ำกับแถว {seen_ids[p.national_id]}"))
            seen_ids.setdefault(p.national_id, p.row)
        if p.username:
            if p.username in seen_names:
                errors.append(
                    (name_label, f"ชื่อผู้ใช้ «{p.username}» ซ้ำกับแถว {seen_names[p.username]}")
                )
            seen_names.setdefault(p.username, p.row)
            holder = user_by_name.get(p.username)
            if holder is not None and (official is None or holder.pk != official.user_id):
                errors.append((name_label, f"ชื่อผู้ใช้ «{p.username}» มีผู้อื่นใช้อยู่แล้ว"))
        is_new = official is None
        if is_new:
            user = get_user_model()(username=p.username, is_active=True)
            official = Official(user=user, national_id=p.national_id)
            for name in ("agency", "district"):
                told = any(column == self.label(name) for column, _ in errors)
                if f"{name}_id" not in p.official_fields and not told:
                    errors.append((self.label(name), f"ต้องระบุ{self.label(name)}"))
            before_user, before_official = {}, {}
        else:
            user = official.user
            before_user = {n: getattr(user, n) for n in USER_FIELDS}
            before_official = {n: getattr(official, n) for n in OFFICIAL_FIELDS}
            user.username = p.username
        for name, value in p.user_fields.items():
            setattr(user, name, value)
        for name, value in p.official_fields.items():
            setattr(official, name, value)
        if not errors:
            errors.extend(self._validate(user, official))
        key = p.username or ""
        if errors:
            self.outcome(p.row, ERROR, key, errors=errors)
            return
        if is_new:
            self.new_users.append(user)
            self.new_officials.append(official)
            self.outcome(p.row, NEW, key)
            return
        changed = [n for n in USER_FIELDS if getattr(user, n) != before_user[n]]
        changed += [n for n in OFFICIAL_FIELDS if getattr(official, n) != before_official[n]]
        if not changed:
            self.outcome(p.row, UNCHANGED, key)
            return
        if any(n in USER_FIELDS for n in changed):
            self.changed_users.append(user)
        if any(n in OFFICIAL_FIELDS for n in changed):
            self.changed_officials.append(official)
        self.outcome(p.row, UPDATED, key, ", ".join(_FIELD_LABELS[n] for n in changed))

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

    def save(self) -> None:
        User = get_user_model()
        now = timezone.now()
        for user in self.new_users:
            user.set_unusable_password()  # they get a password through an admin's reset
            user.date_joined = now
        User.objects.bulk_create(self.new_users)
        if self.new_users:
            group = Group.objects.get(name=GROUP_NAMES[Role.OFFICIAL])
            Membership = User.groups.through
            Membership.objects.bulk_create(
                [Membership(user_id=u.pk, group_id=group.pk) for u in self.new_users]
            )
        for official in self.new_officials:
            official.user_id = official.user.pk
        Official.objects.bulk_create(self.new_officials)
        if self.changed_users:
            User.objects.bulk_update(self.changed_users, USER_FIELDS)
        if self.changed_officials:
            Official.objects.bulk_update(self.changed_officials, OFFICIAL_FIELDS)


# --- pairings ----------------------------------------------------------------------------


class _PairingsImporter(_Rows):
    def __init__(self, table, *, user):
        super().__init__(table, PAIRING_COLUMNS, user=user)
        self.planned = []  # (official, household, started_on)

    def check(self) -> ImportReport:
        rows = []
        for row, values in self.table.rows():
            errors = []
            code = cells.parse_text(values.get("household_code"))
            if not code:
                errors.append((self.label("household_code"), "ต้องระบุรหัสครัวเรือน"))
            national_id = username = None
            try:
                national_id = cells.parse_national_id(values.get("official_national_id"))
            except cells.CellError as error:
                errors.append((self.label("official_national_id"), str(error)))
            username = cells.parse_text(values.get("official_username")) or None
            if national_id is None and username is None and not errors:
                column = self.label(
                    "official_national_id"
                    if "official_national_id" in values
                    else "official_username"
                )
                errors.append((column, "ต้องระบุเลขประจำตัวประชาชนหรือชื่อผู้ใช้ของเจ้าหน้าที่"))
            started_on = None
            try:
                started_on = cells.parse_date(values.get("started_on"))
            except cells.CellError as error:
                errors.append((self.label("started_on"), str(error)))
            rows.append((row, code, national_id, username, started_on or self.today, errors))

        codes = {r[1] for r in rows if r[1]}
        households = Household.objects.in_bulk(codes, field_name="code")
        officials = Official.objects.select_related("user").filter(
            national_id__in={r[2] for r in rows if r[2]}
        ) | Official.objects.select_related("user").filter(
            user__username__in={r[3] for r in rows if r[3]}
        )
        by_id, by_username = {}, {}
        for official in officials:
            if official.national_id:
                by_id[official.national_id] = official
            by_username[official.user.username] = official
        open_pairings = {
            p.household_id: p
            for p in Pairing.objects.open()
            .filter(household__code__in=codes)
            .select_related("official__user")
        }
        load = Counter(
            Pairing.objects.open()
            .filter(official__in=[*by_id.values(), *by_username.values()])
            .values_list("official_id", flat=True)
        )
        seen = {}
        for row, code, national_id, username, started_on, errors in rows:
            official = self._official(national_id, username, by_id, by_username, errors)
            household = households.get(code) if code else None
            code_label = self.label("household_code")
            if code and household is None:
                errors.append((code_label, f"ไม่พบครัวเรือนรหัส «{code}»"))
            if code in seen:
                errors.append((code_label, f"รหัสครัวเรือนซ้ำกับแถว {seen[code]}"))
            seen.setdefault(code, row)
            if household is None or official is None or errors:
                self.outcome(row, ERROR, code or "", errors=errors)
                continue
            current = open_pairings.get(household.pk)
            if current is not None and current.official_id == official.pk:
                self.outcome(row, UNCHANGED, code, f"คู่เสี่ยว {official}")
                continue
            if current is not None:
                errors.append((code_label, f"ครัวเรือนนี้มีคู่เสี่ยวดูแลอยู่แล้ว ({current.official})"))
            if household.status != Status.ACTIVE:
                errors.append((code_label, "ครัวเรือนนี้ไม่ได้อยู่ในโครงการแล้ว จับคู่ไม่ได้"))
            if not official.is_active:
                errors.append(
                    (self._official_label(national_id), f"{official} ไม่ได้ปฏิบัติงานอยู่ จับคู่ไม่ได้")
                )
            cap = households_per_official()
            if load[official.pk] + 1 > cap:
                errors.append(
                    (
                        self._official_label(national_id),
                        f"{official} จะดูแลเกิน {cap} ครัวเรือน (รวมแถวก่อนหน้าในไฟล์นี้)",
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
                self.outcome(row, ERROR, code, errors=errors)
                continue
            load[official.pk] += 1
            self.planned.append((row, official, household, started_on))
            self.outcome(row, NEW, code, f"คู่เสี่ยว {official}")
        return self.report

    def _official_label(self, national_id) -> str:
        key = "official_national_id" if national_id else "official_username"
        return self.label(key)

    def _official(self, national_id, username, by_id, by_username, errors):
        if national_id is None and username is None:
            return None
        official = by_id.get(national_id) if national_id else by_username.get(username)
        if official is None:
            what = "เลขประจำตัวประชาชนนี้" if national_id else f"ชื่อผู้ใช้ «{username}»"
            errors.append((self._official_label(national_id), f"ไม่พบเจ้าหน้าที่ที่มี{what}"))
        elif national_id and username and official.user.username != username:
            errors.append(
                (self.label("official_username"), "ชื่อผู้ใช้ไม่ตรงกับเลขประจำตัวประชาชนของเจ้าหน้าที่")
            )
        return official

    def save(self) -> None:
        for row, official, household, started_on in self.planned:
            try:
                pairing_create(
                    official=official, household=household, started_on=started_on, by=self.user
                )
            except PairingError as error:
                raise ImportFailed(f"นำเข้าไม่สำเร็จ แถว {row}: {error} จึงไม่ได้บันทึกข้อมูลใด ๆ") from error
