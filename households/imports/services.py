"""Importing households with their members: preview every row, then apply all in one go.

`import_preview` and `import_apply` run the same code (`_run`): the apply re-reads the
stored file and re-validates every row inside one transaction, so a row that became
invalid since the preview (say, its national ID was entered by hand meanwhile) stops the
whole file and nothing is written.

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

import html
import io
import re
import zipfile
from itertools import islice

from django.conf import settings
from django.db import DatabaseError, IntegrityError, transaction
from django.utils import timezone

from households.imports import people, reading
from households.imports.columns import HOUSEHOLD_COLUMNS, MEMBER_COLUMNS
from households.imports.files import FileProblem
from households.imports.household_fields import MEMBERS_SHEET
from households.imports.household_rows import HouseholdRowsResource
from households.imports.person_rows import read_members
from households.imports.report import ImportFailed, ImportReport, RowIssue, write_refused
from households.imports.resource_base import import_rows, table_dataset
from households.imports.writing import audited_writes
from households.models import ImportJob, ImportKind, ImportStatus

CHUNK_SIZE = 2000
_SHEET_NAME = re.compile(r'<(?:\w+:)?sheet\b[^>]*?\bname="([^"]*)"')


def import_households(
    households_table, members_table=None, *, user, write, progress=None, file_name=""
):
    """Check every row of the households table (and members table), chunk by chunk,
    through HouseholdRowsResource; when `write`, also write them (the caller holds the
    transaction). Returns the report; nothing is written once any row has an error."""
    report = ImportReport()
    members_by_key = read_members(members_table, report) if members_table else {}
    resource = HouseholdRowsResource(
        report=report,
        members_by_key=members_by_key,
        user=user,
        file_name=file_name,
        overlap_writes=True,
    )
    keys = list(households_table.mapping)
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
    return report


# --- reading the stored files --------------------------------------------------------


def _tables(job: ImportJob):
    """The households table and the members table (second sheet or second file, or None)."""
    max_bytes = settings.KUSEAW_IMPORT_MAX_BYTES
    data = bytes(job.file_data)
    households = reading.read_table(
        io.BytesIO(data),
        filename=job.file_name,
        columns=HOUSEHOLD_COLUMNS,
        sheet=None,
        max_bytes=max_bytes,
    )
    members = None
    if job.members_file_data:
        members = reading.read_table(
            io.BytesIO(bytes(job.members_file_data)),
            filename=job.members_file_name,
            columns=MEMBER_COLUMNS,
            max_bytes=max_bytes,
        )
    elif job.file_name.lower().endswith(".xlsx"):
        if MEMBERS_SHEET in _sheet_names(data):
            members = reading.read_table(
                io.BytesIO(data),
                filename=job.file_name,
                columns=MEMBER_COLUMNS,
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
        return people.count_rows(job)
    households, _ = _tables(job)
    return sum(1 for _ in households.rows())


def run_households(job: ImportJob, *, write: bool, progress=None) -> ImportReport:
    """Check (and when `write`, apply in one transaction) the job's households file.

    Raises FileProblem for a file that cannot be read, ImportFailed when `write`
    and any row has an error (nothing is written then).
    """
    households, members = _tables(job)
    user = job.created_by
    if not write:
        return import_households(
            households, members, user=user, write=False, progress=progress, file_name=job.file_name
        )
    try:
        with transaction.atomic(), audited_writes(user, job.pk):
            report = import_households(
                households,
                members,
                user=user,
                write=True,
                progress=progress,
                file_name=job.file_name,
            )
            if not report.ok:
                raise ImportFailed(
                    f"นำเข้าไม่สำเร็จ พบข้อผิดพลาด {len(report.errors):,} รายการ จึงไม่ได้บันทึกข้อมูลใด ๆ"
                )
    except (IntegrityError, DatabaseError) as error:
        # Someone wrote a clashing record between our check and our write.
        raise write_refused(error) from error
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
    except FileProblem as problem:
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
        except FileProblem:
            report = None
        _finish(
            job, status=ImportStatus.FAILED, report=report, message=str(failure), clear_file=True
        )
        raise
    except FileProblem as problem:
        _finish(job, status=ImportStatus.FAILED, message=str(problem), clear_file=True)
        raise ImportFailed(str(problem)) from problem
    return _finish(job, status=ImportStatus.APPLIED, report=report, clear_file=True)


def _run(job: ImportJob, *, write: bool) -> ImportReport:
    def progress(processed):
        set_progress(job.pk, processed)

    if job.kind in (ImportKind.OFFICIALS, ImportKind.PAIRINGS):
        return people.run_people(job, write=write, progress=progress)
    if job.kind != ImportKind.HOUSEHOLDS:
        raise FileProblem("ยังนำเข้าข้อมูลประเภทนี้ไม่ได้")
    return run_households(job, write=write, progress=progress)
