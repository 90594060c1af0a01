"""Background work for large imports (django-tasks; `manage.py db_worker` runs it)."""

from django_tasks import task

from households.imports import services
from households.models import ImportJob


@task()
def import_run(job_id: int, apply: bool) -> str:
    """Preview or apply one job; the job row records the outcome and the progress."""
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    try:
        services.set_progress(job.pk, 0, total=services.count_rows(job))
    except services.reading.FileProblem:
        pass  # the preview below records the message
    if apply:
        try:
            services.import_apply(job=job)
        except services.ImportFailed:
            pass  # recorded on the job
    else:
        services.import_preview(job=job)
    job.refresh_from_db(fields=["status"])
    return job.status
