"""Importing households with their members: map the columns, preview every row, apply.

A households file uploaded on the import page first waits for its column mapping
(`import_mapping_open`, status MAPPING): `import_mapping_proposal` gives the mapping page
every column of the file with a few values and the field proposed for it (mapping.py),
`import_mapping_set` keeps the admin's choices on the job (and under a name, for the next
file with the same headers). A file imported without the page (the command line, without
--mapping) is mapped automatically, and refused when that leaves a question.

`import_preview` and `import_apply` run the same code (`_run`): the apply re-reads the
stored file and re-validates every row inside one transaction, so a row that became
invalid since the preview (say, its national ID was entered by hand meanwhile) stops the
whole file and nothing is written. When the admin chose to import the valid rows only
(`ImportJob.valid_rows_only`), the apply writes the rows that pass, in that one
transaction, provided the rows that fail are still the ones the preview returned in
its file of rejected rows (the file's own layout with the reasons, `rejected_data`).

The rows go through django-import-export resources (household_rows.py): the file is read
as a stream (reading.py) and handed to `HouseholdRowsResource.import_data()` a chunk at a
time, each chunk a tablib Dataset; the resource checks each row the way a hand-entered
record is checked and, on the apply, writes the chunk in bulk. Officials and pairings go
through people.py the same way.

Imports inside this package point one way: tasks.py (the background worker, and
`import_start`, which runs a job now or queues it) uses this module; this module uses
people.py, household_rows.py and the shared report.py and writing.py, none of which uses
it back.
"""

import datetime as dt
import html
import io
import re
import zipfile
from collections import defaultdict
from dataclasses import dataclass, field
from itertools import islice

from django.conf import settings
from django.db import DatabaseError, IntegrityError, transaction
from django.utils import timezone

from households.imports import blanks, people, reading
from households.imports.columns import HOUSEHOLD_COLUMNS, MEMBER_COLUMNS
from households.imports.files import FileProblem
from households.imports.headers import HEADER_SEARCH_ROWS, OpenHeader
from households.imports.household_fields import MEMBERS_SHEET
from households.imports.household_rows import HouseholdRowsResource
from households.imports.mapping import (
    HOUSEHOLDS,
    MEMBERS,
    ColumnChoice,
    JobMapping,
    MappingProblem,
    TableMapping,
    propose,
    signature,
)
from households.imports.models import SavedMapping
from households.imports.person_rows import read_members
from households.imports.report import (
    ERROR,
    ImportFailed,
    ImportReport,
    RowIssue,
    write_refused,
)
from households.imports.resource_base import import_rows, table_dataset
from households.imports.writing import audited_writes
from households.models import ImportJob, ImportKind, ImportStatus
from kuseaw.national_id import mask_national_id, normalize_national_id
from kuseaw.thaidate import format_be

CHUNK_SIZE = 2000
_SHEET_NAME = re.compile(r'<(?:\w+:)?sheet\b[^>]*?\bname="([^"]*)"')


def import_households(
    households_table,
    members_table=None,
    *,
    user,
    write,
    progress=None,
    file_name="",
    valid_rows_only=False,
    sheets=("", MEMBERS_SHEET),
):
    """Check every row of the households table (and members table), chunk by chunk,
    through HouseholdRowsResource; when `write`, also write them (the caller holds the
    transaction). Returns the report; nothing is written once any row has an error,
    unless `valid_rows_only` (then the rows without one are). `sheets`: the names the
    households' and the members' errors give (the sheet, or the file of a CSV)."""
    report = ImportReport()
    households_sheet, members_sheet = sheets
    members_by_key = read_members(members_table, report, members_sheet) if members_table else {}
    resource = HouseholdRowsResource(
        report=report,
        members_by_key=members_by_key,
        user=user,
        file_name=file_name,
        overlap_writes=True,
        valid_rows_only=valid_rows_only,
    )
    keys = [*households_table.mapping, *households_table.fixed]
    rows = households_table.rows()
    try:
        while chunk := list(islice(rows, CHUNK_SIZE)):
            import_rows(resource, table_dataset(chunk, keys), dry_run=not write)
            if progress is not None:
                progress(report.processed)
        labels = {c.key: c.label for c in MEMBER_COLUMNS}
        for key, members in members_by_key.items():
            for member in members:
                report.errors.append(
                    RowIssue(
                        member.row,
                        labels["household_code"],
                        f"ไม่พบครัวเรือน «{key}» ในไฟล์ครัวเรือน",
                        member.sheet,
                    )
                )
        resource.finish()  # the last chunk's writes
    finally:
        resource.writer.close()  # on an error, the write in progress ends before the rollback
    # Each error names the file's own header and sheet: what the district office reads.
    headers = {
        "": _file_headers(households_table, HOUSEHOLD_COLUMNS),
        members_sheet: _file_headers(members_table, MEMBER_COLUMNS) if members_table else {},
    }
    for issue in report.errors:
        issue.column = headers.get(issue.sheet, {}).get(issue.column, issue.column)
        issue.sheet = issue.sheet or households_sheet
    return report


def _file_headers(table, columns) -> dict[str, str]:
    """Our column label → the file's header for it (a field given for every row keeps ours)."""
    labels = {c.key: c.label for c in columns}
    found = {}
    for key, position in table.mapping.items():
        header = table.headers[position] if position < len(table.headers) else ""
        if key in labels and header:
            found.setdefault(labels[key], " ".join(header.split()))
    return found


# --- reading the stored files --------------------------------------------------------


def _read(job: ImportJob, members: bool, rule, sheet=None, *, head=False) -> reading.Table:
    """The job's households table or members table (its own file, or a sheet of the
    households file), its header found by `rule` (headers.OpenHeader, GivenHeader); with
    `head`, its first HEAD_ROWS rows only (the mapping step)."""
    separate = members and bool(job.members_file_data)
    data = bytes(job.members_file_data if separate else job.file_data)
    return reading.read_table(
        io.BytesIO(data),
        filename=job.members_file_name if separate else job.file_name,
        columns=rule,
        sheet=None if separate else sheet,
        max_bytes=settings.KUSEAW_IMPORT_MAX_BYTES,
        head_rows=HEAD_ROWS if head else None,
    )


def _default_members_sheet(job: ImportJob, households_sheet=None) -> str | None:
    """The members sheet of a workbook without a members file («สมาชิก»), if it has one."""
    if job.members_file_data or not job.file_name.lower().endswith(".xlsx"):
        return None
    if MEMBERS_SHEET in _sheet_names(bytes(job.file_data)) and households_sheet != MEMBERS_SHEET:
        return MEMBERS_SHEET
    return None


AUTOMATIC_MAPPING_FAILED = "กำหนดคอลัมน์อัตโนมัติไม่ได้"


def _tables(job: ImportJob):
    """The households table, the members table (second sheet or second file, or None) and
    the mapping they are read with: the job's own, or, when it has none, the automatic
    one (refused, naming what is missing, when it leaves a question)."""
    mapping = JobMapping.from_json(job.column_mapping)
    if mapping is not None:
        households = _read(job, False, mapping.households.header_rule(), mapping.households.sheet)
        members = None
        if mapping.members is not None:
            members = _read(job, True, mapping.members.header_rule(), mapping.members.sheet)
        return households, members, mapping
    households = _read(job, False, OpenHeader(HOUSEHOLD_COLUMNS))
    members_sheet = _default_members_sheet(job, households.sheet)
    members = None
    if job.members_file_data or members_sheet:
        members = _read(job, True, OpenHeader(MEMBER_COLUMNS), members_sheet)
    mapping = JobMapping(
        households=_proposed(HOUSEHOLDS, households),
        members=_proposed(MEMBERS, members) if members is not None else None,
    )
    if problems := mapping.problems():
        raise FileProblem(f"{AUTOMATIC_MAPPING_FAILED}: " + " · ".join(problems))
    for table, table_mapping in ((households, mapping.households), (members, mapping.members)):
        if table is not None:
            table.mapping, table.fixed = table_mapping.positions(), {}
    return households, members, mapping


def _proposed(kind: str, table: reading.Table, rules=None, filled=frozenset()) -> TableMapping:
    return propose(
        kind,
        table.headers,
        header_row=table.header_row,
        sheet=table.sheet,
        filled=filled,
        rules=rules,
    )


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
        return people.count_rows(job)
    households, _, _ = _tables(job)
    return sum(1 for _ in households.rows())


def run_households(job: ImportJob, *, write: bool, progress=None) -> ImportReport:
    """Check (and when `write`, apply in one transaction) the job's households file.

    Raises FileProblem for a file that cannot be read, ImportFailed when `write`
    and a row has an error (nothing is written then), or, with valid_rows_only, when no
    row is valid or the rows in error are not the ones the preview returned.
    A job without a mapping gets the automatic one (kept on the job, for the list of
    columns not imported). A preview with valid_rows_only that finds errors leaves the
    rejected rows' file in `report.rejected` (bytes).
    """
    households, members, mapping = _tables(job)
    for table, table_mapping in ((households, mapping.households), (members, mapping.members)):
        if table is not None:
            table.listed = frozenset(c.position for c in table_mapping.columns)
    sheets = (
        households.sheet or job.file_name,
        (members.sheet or job.members_file_name) if members is not None else MEMBERS_SHEET,
    )
    options = {
        "user": job.created_by,
        "progress": progress,
        "file_name": job.file_name,
        "valid_rows_only": job.valid_rows_only,
        "sheets": sheets,
    }
    if not write:
        report = import_households(households, members, write=False, **options)
        if job.valid_rows_only and not report.ok:
            report.rejected = rejected_rows_file(report, households, members, sheets)
        # Kept on the job: the columns not imported, those found by this reading too.
        job.column_mapping = _with_unlisted(mapping, households, members).as_json()
        return report
    if not job.column_mapping:
        job.column_mapping = mapping.as_json()
    try:
        with transaction.atomic(), audited_writes(job.created_by, job.pk):
            report = import_households(households, members, write=True, **options)
            if not report.ok and (why := _refusal(job, report)):
                raise ImportFailed(why)
    except (IntegrityError, DatabaseError) as error:
        # Someone wrote a clashing record between our check and our write.
        raise write_refused(error) from error
    return report


def _with_unlisted(mapping: JobMapping, households, members) -> JobMapping:
    """The mapping with every column the preview found holding values but the mapping step
    never saw (no header, empty in the rows it read) listed as not imported."""
    for table, table_mapping in ((households, mapping.households), (members, mapping.members)):
        if table is None or not table.unlisted:
            continue
        table_mapping.columns = sorted(
            [
                *table_mapping.columns,
                *(
                    ColumnChoice(position, "", note=f"ไม่มีหัวคอลัมน์ มีข้อมูลตั้งแต่แถวที่ {row:,}")
                    for position, row in table.unlisted.items()
                ),
            ],
            key=lambda choice: choice.position,
        )
    return mapping


def _refusal(job: ImportJob, report: ImportReport) -> str:
    """Why an apply that found errors writes nothing (raised inside its transaction), or ""
    when it writes the valid rows (valid_rows_only, the same rows in error as the preview)."""
    nothing = "จึงไม่ได้บันทึกข้อมูลใด ๆ"
    if not job.valid_rows_only:
        return f"นำเข้าไม่สำเร็จ พบข้อผิดพลาด {len(report.errors):,} รายการ {nothing}"
    if not report.valid_rows:
        return f"นำเข้าไม่สำเร็จ ไม่มีแถวที่ถูกต้องให้บันทึก {nothing}"
    before = {(e.get("sheet") or "", e.get("row")) for e in job.row_errors}
    if {(issue.sheet, issue.row) for issue in report.errors} != before:
        return (
            "นำเข้าไม่สำเร็จ แถวที่ผิดพลาดไม่ตรงกับตอนตรวจสอบ (มีการแก้ไขข้อมูลในระบบระหว่างนั้น) "
            f"{nothing} กรุณานำเข้าไฟล์ใหม่อีกครั้ง"
        )
    return ""


def rejected_rows_file(report: ImportReport, households, members, sheets) -> bytes:
    """The rows not imported, in the file's own layout (its headers, its columns, each
    cell as read) with a column of Thai reasons: the households sheet, and the members
    sheet when members were rejected (theirs, or their household's)."""
    reasons: dict[tuple[str, int], list[str]] = defaultdict(list)
    for issue in report.errors:
        reasons[(issue.sheet, issue.row)].append(
            f"{issue.column}: {issue.message}" if issue.column else issue.message
        )
    households_sheet, members_sheet = sheets
    rejected = {row for row, status, *_ in report.rows if status == ERROR}
    household_rows = [
        (values, n, reasons.get((households_sheet, n)) or ["แถวสมาชิกของครัวเรือนนี้มีข้อผิดพลาด"])
        for n, values in households.raw_rows()
        if n in rejected
    ]
    tables = [blanks.ReturnedTable(households_sheet, households.headers, household_rows)]
    if members is not None:
        member_rows = []
        for n, values in members.raw_rows():
            own = reasons.get((members_sheet, n))
            if own or n in report.rejected_member_rows:
                household_row = report.rejected_member_rows.get(n)
                why = own or [f"ครัวเรือนของสมาชิกคนนี้ (แถว {household_row}) ไม่ได้นำเข้า"]
                member_rows.append((values, n, why))
        if member_rows:
            tables.append(blanks.ReturnedTable(members_sheet, members.headers, member_rows))
    return blanks.rejected_workbook(tables)


# --- the mapping step ----------------------------------------------------------------

SAMPLE_ROWS = 3
# The rows the mapping step reads of a file, however long it is: the header search's and,
# under the header, room for the samples past blank rows.
HEAD_ROWS = HEADER_SEARCH_ROWS + 100
_SAMPLE_LENGTH = 40
_NATIONAL_ID_SHAPE = re.compile(r"^\d{13}$")


@dataclass
class TableView:
    """One table as the mapping page shows it: its mapping, a few values of each column
    (national IDs masked) and where it comes from."""

    mapping: TableMapping
    samples: dict[int, list[str]]
    source: str  # the sheet's name, or the file's

    def rows(self):
        """(column choice, its sample values) in the file's order."""
        return [(c, self.samples.get(c.position, [])) for c in self.mapping.columns]


@dataclass
class MappingProposal:
    """What the mapping page shows for a job: its tables, the saved mapping applied (if
    any), the saved mappings it may pick, and what still stops the mapping."""

    households: TableView
    members: TableView | None
    sheets: list[str]
    saved: SavedMapping | None = None
    saved_options: list = field(default_factory=list)

    @property
    def mapping(self) -> JobMapping:
        return JobMapping(self.households.mapping, self.members.mapping if self.members else None)

    @property
    def problems(self) -> list[str]:
        return self.mapping.problems()


NO_MEMBERS = "-"  # members_sheet: the workbook has no members sheet


def import_mapping_proposal(
    job: ImportJob,
    *,
    sheet: str | None = None,
    members_sheet: str | None = None,
    header_row: int | None = None,
    members_header_row: int | None = None,
    saved: str | None = None,
    rules: dict | None = None,
) -> MappingProposal:
    """Read the job's tables for the mapping page: every column, a few values, and the
    field proposed for each. The choices come from `rules` when given (a mapping file of
    the command line), else from the saved mapping `saved` (its id; NO_SAVED: none), else
    from the job's own mapping when it has one, else from the saved mapping made for the
    same headers, if any; columns they do not name are matched by their headers.
    `sheet`, `members_sheet` (NO_MEMBERS: none) and the header rows override where the
    tables are read. Raises FileProblem for a file that cannot be read."""
    own = JobMapping.from_json(job.column_mapping)
    if own is not None and rules is None and saved is None:
        sheet = sheet if sheet is not None else own.households.sheet
        header_row = header_row or own.households.header_row
        if own.members is not None:
            members_sheet = members_sheet if members_sheet is not None else own.members.sheet
            members_header_row = members_header_row or own.members.header_row
        elif members_sheet is None and not job.members_file_data:
            members_sheet = NO_MEMBERS
    households = _read(
        job, False, OpenHeader(HOUSEHOLD_COLUMNS, header_row), sheet or None, head=True
    )
    members = None
    if members_sheet is None:
        members_sheet = _default_members_sheet(job, households.sheet)
    if job.members_file_data or (members_sheet and members_sheet != NO_MEMBERS):
        members = _read(
            job, True, OpenHeader(MEMBER_COLUMNS, members_header_row), members_sheet, head=True
        )
    samples = {HOUSEHOLDS: _samples(households), MEMBERS: _samples(members) if members else {}}
    options = list(SavedMapping.objects.filter(kind=ImportKind.HOUSEHOLDS))
    chosen = None
    if rules is None:
        chosen, rules = _rules_for(job, own, saved, options, households, members)
    views = {}
    for kind, table in ((HOUSEHOLDS, households), (MEMBERS, members)):
        if table is None:
            continue
        filled = {p for p, values in samples[kind].items() if any(values)}
        views[kind] = TableView(
            _proposed(kind, table, (rules or {}).get(kind), filled),
            samples[kind],
            table.sheet or (job.members_file_name if kind == MEMBERS else job.file_name),
        )
    return MappingProposal(
        households=views[HOUSEHOLDS],
        members=views.get(MEMBERS),
        sheets=_sheet_names(bytes(job.file_data))
        if job.file_name.lower().endswith(".xlsx")
        else [],
        saved=chosen,
        saved_options=options,
    )


NO_SAVED = "0"


def _rules_for(job, own, saved, options, households, members):
    """(the saved mapping applied or None, the rules to propose with or None)."""
    if saved is not None:
        chosen = next((m for m in options if str(m.pk) == saved), None)
        return chosen, chosen.rules if chosen else None
    if own is not None:
        return None, own.rules()
    headers = signature(households.headers, members.headers if members else [])
    chosen = next((m for m in options if m.signature == headers), None)
    return chosen, chosen.rules if chosen else None


def _samples(table: reading.Table) -> dict[int, list[str]]:
    """position → the first SAMPLE_ROWS values of the column, as text (IDs masked)."""
    rows = [values for _, values in islice(table.raw_rows(), SAMPLE_ROWS)]
    width = max([len(table.headers), *(len(v) for v in rows)])
    return {p: [_sample_text(v[p] if p < len(v) else None) for v in rows] for p in range(width)}


def _sample_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.date):
        return format_be(value, "numeric")
    text = str(value).strip()
    if _NATIONAL_ID_SHAPE.match(normalize_national_id(text)):
        return mask_national_id(normalize_national_id(text))
    return text if len(text) <= _SAMPLE_LENGTH else text[: _SAMPLE_LENGTH - 1] + "…"


def mapping_source(params) -> dict:
    """import_mapping_proposal's sheet, members_sheet, header rows and saved mapping, from
    the mapping page's query string or form (a value that cannot be one is left out)."""
    found = {}
    for name in ("sheet", "members_sheet"):
        value = params.get(name)
        if value and len(value) <= 200 and "\x00" not in value:
            found[name] = value
    for name in ("header_row", "members_header_row"):
        value = params.get(name) or ""
        if _SMALL_NUMBER.match(value) and 1 <= int(value) <= HEADER_SEARCH_ROWS:
            found[name] = int(value)
    saved = params.get("saved") or ""
    if _AN_ID.match(saved):
        found["saved"] = saved
    return found


_SMALL_NUMBER = re.compile(r"^[0-9]{1,2}\Z")
_AN_ID = re.compile(r"^[0-9]{1,11}\Z")


def mapping_help() -> list:
    """The columns the mapping page explains: the other shapes of a field, and the fields
    that take one value for every row."""
    return [c for c in HOUSEHOLD_COLUMNS if not c.template]


def import_mapping_fail(*, job: ImportJob, problem: FileProblem) -> ImportJob:
    """A file the mapping step can no longer read: the job fails with the reason."""
    return _finish(job, status=ImportStatus.FAILED, message=str(problem), clear_file=True)


def import_mapping_open(*, job: ImportJob) -> ImportJob:
    """The first step of a households file from the import page: the file is read for
    its columns, and the job waits for the admin's mapping (MAPPING); a file that cannot
    be read fails here, with the reason, and is dropped."""
    try:
        import_mapping_proposal(job)
    except FileProblem as problem:
        return import_mapping_fail(job=job, problem=problem)
    job.status = ImportStatus.MAPPING
    job.save(update_fields=["status"])
    return job


def import_mapping_set(
    *, job: ImportJob, mapping: JobMapping, valid_rows_only: bool, save_as: str = "", user=None
) -> ImportJob:
    """Keep the admin's mapping (and whether to import the valid rows only) on the job,
    ready for its preview; with `save_as`, also as a saved mapping of that name (an
    existing one of that name is replaced). Raises MappingProblem when the mapping
    cannot be used, ImportFailed when the job's file is gone."""
    if job.status not in (ImportStatus.MAPPING, ImportStatus.PREVIEWED) or job.file_data is None:
        raise ImportFailed("กำหนดคอลัมน์ไม่ได้แล้ว ไฟล์นี้นำเข้าแล้วหรือไม่สำเร็จ กรุณานำเข้าไฟล์ใหม่")
    if problems := mapping.problems():
        raise MappingProblem(problems)
    with transaction.atomic():
        job.column_mapping = mapping.as_json()
        job.valid_rows_only = valid_rows_only
        job.status = ImportStatus.QUEUED
        job.counts, job.row_errors, job.row_results, job.message = {}, [], [], ""
        job.rejected_data = None
        job.save()
        if save_as:
            saved_mapping_save(name=save_as, mapping=mapping, user=user)
    return job


def saved_mapping_save(*, name: str, mapping: JobMapping, user=None) -> SavedMapping:
    """Save a mapping under `name` (replacing one of that name), for the next file with
    the same headers. Only headers and choices are kept, never a cell of the file."""
    saved, _ = SavedMapping.objects.update_or_create(
        name=name.strip(),
        defaults={
            "kind": ImportKind.HOUSEHOLDS,
            "signature": mapping.signature(),
            "headers": {t.kind: [c.header for c in t.columns] for t in mapping.tables()},
            "rules": mapping.rules(),
            "created_by": user if getattr(user, "is_authenticated", False) else None,
        },
    )
    return saved


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
        raise FileProblem(f"ไฟล์ใหญ่เกินกำหนด (ไม่เกิน {limit:,.0f} MB)")
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
        job.rejected_data = None
    job.finished_at = timezone.now()
    job.save()
    return job


def import_preview(*, job: ImportJob) -> ImportJob:
    """The dry run: every row's status and errors, nothing written. A failed preview keeps
    its errors (downloadable) and drops the file. With valid_rows_only, a preview that
    finds errors but also valid rows waits for the confirm, with the rejected rows' file."""
    job.status, job.apply_requested = ImportStatus.RUNNING, False
    job.save(update_fields=["status", "apply_requested"])
    try:
        report = _run(job, write=False)
    except FileProblem as problem:
        return _finish(job, status=ImportStatus.FAILED, message=str(problem), clear_file=True)
    if not report.ok and job.valid_rows_only and report.valid_rows:
        job.rejected_data = report.rejected
        rejected = report.counts.get(ERROR, 0)
        return _finish(
            job,
            status=ImportStatus.PREVIEWED,
            report=report,
            message=(
                f"พบแถวที่ผิดพลาด {rejected:,} ครัวเรือน ({len(report.errors):,} รายการ) "
                "ยืนยันเพื่อบันทึกเฉพาะแถวที่ถูกต้อง แถวที่ผิดพลาดดาวน์โหลดไปแก้ไขแล้วส่งใหม่ได้"
            ),
        )
    if not report.ok:
        return _finish(
            job,
            status=ImportStatus.FAILED,
            report=report,
            message=f"พบข้อผิดพลาด {len(report.errors):,} รายการ แก้ไขไฟล์แล้วนำเข้าใหม่"
            + (
                " (หรือนำเข้าอีกครั้งแล้วเลือก «บันทึกเฉพาะแถวที่ถูกต้อง» ในขั้นกำหนดคอลัมน์)"
                if job.kind == ImportKind.HOUSEHOLDS and report.valid_rows
                else ""
            ),
            clear_file=True,
        )
    return _finish(job, status=ImportStatus.PREVIEWED, report=report)


def import_apply(*, job: ImportJob) -> ImportJob:
    """Apply a previewed job in one transaction, re-checking every row. All or nothing;
    with valid_rows_only, the valid rows (the rows in error as the preview found them).
    The job's files, the rejected rows' file included, are dropped either way."""
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
        except FileProblem:
            report = None
        _finish(
            job, status=ImportStatus.FAILED, report=report, message=str(failure), clear_file=True
        )
        raise
    except FileProblem as problem:
        _finish(job, status=ImportStatus.FAILED, message=str(problem), clear_file=True)
        raise ImportFailed(str(problem)) from problem
    message = ""
    if not report.ok:  # valid_rows_only: the rows in error were left out, as previewed
        message = (
            f"บันทึกเฉพาะแถวที่ถูกต้อง {report.valid_rows:,} ครัวเรือน "
            f"ไม่ได้นำเข้า {report.counts.get(ERROR, 0):,} ครัวเรือนที่ผิดพลาด"
        )
    return _finish(
        job, status=ImportStatus.APPLIED, report=report, message=message, clear_file=True
    )


def _run(job: ImportJob, *, write: bool) -> ImportReport:
    def progress(processed):
        set_progress(job.pk, processed)

    if job.kind in (ImportKind.OFFICIALS, ImportKind.PAIRINGS):
        return people.run_people(job, write=write, progress=progress)
    if job.kind != ImportKind.HOUSEHOLDS:
        raise FileProblem("ยังนำเข้าข้อมูลประเภทนี้ไม่ได้")
    return run_households(job, write=write, progress=progress)
