"""Background work for large imports (django-tasks; `manage.py db_worker` runs it), and
`import_start`, which runs a job now or queues it here.

This module uses services.py, never the other way round: services.py knows nothing of
the worker. Whoever runs a job beats for it (heartbeat.py), so a job whose process died
is marked failed instead of showing «กำลังตรวจสอบไฟล์ 0%» for ever.
"""

from django.conf import settings
from django.utils import timezone
from django_tasks import task

from households.imports import heartbeat, services
from households.imports.files import FileProblem
from households.imports.report import ImportFailed
from households.imports.sheet_scan import unpacked_over
from households.models import ImportJob, ImportStatus

# About 120 bytes of a zipped .xlsx (or of a CSV), and about 1,000 of its unpacked sheet
# XML, per household row (measured on bench/import_households.py's files: 930).
_FILE_BYTES_PER_ROW = 120
_XML_BYTES_PER_ROW = 1000

# The import pages call this where jobs are shown.
fail_stalled_jobs = heartbeat.fail_stalled_jobs


@task()
def import_run(job_id: int, apply: bool) -> str:
    """Preview or apply one job; the job row records the outcome and the progress."""
    # A worker back after a crash first answers for the jobs it left running.
    heartbeat.fail_stalled_jobs()
    if not heartbeat.claim(job_id):
        # Failed meanwhile (no worker took it in time: its file is gone), or taken.
        return ImportJob.objects.values_list("status", flat=True).get(pk=job_id)
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    with heartbeat.beating(job.pk):
        try:
            services.set_progress(job.pk, 0, total=services.count_rows(job))
        except FileProblem:
            pass  # the preview below records the message
        if apply:
            try:
                services.import_apply(job=job)
            except ImportFailed:
                pass  # recorded on the job
        else:
            services.import_preview(job=job)
    job.refresh_from_db(fields=["status"])
    return job.status


def needs_background(job: ImportJob) -> bool:
    """Anything whose cost is not surely small goes to the worker: a file whose size
    stands for many rows, or a workbook that unpacks to more than that many rows' XML
    (230 KB of empty formatted cells unpack to 75 MB; inflating to the threshold, about
    2 MB, is all it costs to tell)."""
    rows = settings.KUSEAW_IMPORT_BACKGROUND_ROWS
    for data in (job.file_data, job.members_file_data):
        if not data:
            continue
        data = bytes(data)
        if len(data) >= rows * _FILE_BYTES_PER_ROW:
            return True
        if data.startswith(b"PK") and unpacked_over(data, rows * _XML_BYTES_PER_ROW):
            return True
    return False


def import_start(*, job: ImportJob, apply: bool) -> ImportJob:
    """Run the preview or the apply now, or queue it for the worker when the file is large."""
    if not needs_background(job):
        with heartbeat.beating(job.pk):
            if apply:
                try:
                    return services.import_apply(job=job)
                except ImportFailed:
                    job.refresh_from_db()
                    return job
            return services.import_preview(job=job)
    job.status, job.apply_requested, job.processed_rows = ImportStatus.QUEUED, apply, 0
    job.heartbeat_at = timezone.now()  # when it was queued: the queue's timeout counts from it
    job.save(update_fields=["status", "apply_requested", "processed_rows", "heartbeat_at"])
    result = import_run.enqueue(job.pk, apply)
    ImportJob.objects.filter(pk=job.pk).update(task_id=str(result.id))
    job.refresh_from_db()
    return job
