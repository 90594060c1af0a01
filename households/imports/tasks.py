"""Background work for large imports (django-tasks; `manage.py db_worker` runs it), and
`import_start`, which runs a job now or queues it here.

This module uses services.py, never the other way round: services.py knows nothing of
the worker.
"""

from django.conf import settings
from django_tasks import task

from households.imports import services
from households.imports.files import FileProblem
from households.imports.report import ImportFailed
from households.models import ImportJob, ImportStatus


@task()
def import_run(job_id: int, apply: bool) -> str:
    """Preview or apply one job; the job row records the outcome and the progress."""
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
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
    """Large files go to the worker; the size is a cheap stand-in for the row count."""
    rows_guess = len(job.file_data or b"") // 120  # about 120 bytes per household row
    return rows_guess >= settings.KUSEAW_IMPORT_BACKGROUND_ROWS


def import_start(*, job: ImportJob, apply: bool) -> ImportJob:
    """Run the preview or the apply now, or queue it for the worker when the file is large."""
    if not needs_background(job):
        if apply:
            try:
                return services.import_apply(job=job)
            except ImportFailed:
                job.refresh_from_db()
                return job
        return services.import_preview(job=job)
    job.status, job.apply_requested, job.processed_rows = ImportStatus.QUEUED, apply, 0
    job.save(update_fields=["status", "apply_requested", "processed_rows"])
    result = import_run.enqueue(job.pk, apply)
    ImportJob.objects.filter(pk=job.pk).update(task_id=str(result.id))
    job.refresh_from_db()
    return job
