"""The import pages (admins only; anyone else gets 404) and the export downloads."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.uploadhandler import MemoryFileUploadHandler
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST, require_safe

from households.audit import describe_export, log_access
from households.imports import blanks, exports, services, tasks
from households.imports.files import FileProblem
from households.imports.forms import ImportUploadForm
from households.imports.report import STATUS_LABELS
from households.models import AccessAction, ImportJob, ImportKind, ImportStatus
from officials.roles import is_admin, role_of

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _admin_only(request):
    if not is_admin(request.user):
        raise Http404


def _job_for_admin(request, pk) -> ImportJob:
    _admin_only(request)
    return get_object_or_404(ImportJob.objects.select_related("created_by"), pk=pk)


class _MemoryOnlyUploadHandler(MemoryFileUploadHandler):
    """Keep uploads in memory whatever their size: they hold national IDs and must
    never be written to a temporary file. The size limit is checked before reading."""

    def handle_raw_input(self, *args, **kwargs):
        super().handle_raw_input(*args, **kwargs)
        self.activated = True


@login_required
@require_safe
def index(request):
    _admin_only(request)
    jobs = ImportJob.objects.select_related("created_by").defer(
        "file_data", "members_file_data", "row_results", "row_errors"
    )
    context = {
        "form": ImportUploadForm(),
        "jobs": Paginator(jobs, 25).get_page(request.GET.get("page")),
        "kinds": ImportKind,
        "max_mb": settings.KUSEAW_IMPORT_MAX_BYTES // (1024 * 1024),
    }
    return render(request, "imports/index.html", context)


@csrf_exempt
@login_required
@require_POST
@sensitive_post_parameters()  # the files hold national IDs: no field in an error report
def upload(request):
    _admin_only(request)
    # Two files of at most the limit each, plus the form around them.
    limit = 2 * settings.KUSEAW_IMPORT_MAX_BYTES + 64 * 1024
    if int(request.META.get("CONTENT_LENGTH") or 0) > limit:
        messages.error(request, f"ไฟล์ใหญ่เกินกำหนด (ไม่เกิน {limit // 2 // 1048576:,} MB)")
        return redirect("imports:index")
    request.upload_handlers = [_MemoryOnlyUploadHandler(request)]
    return _upload(request)


@csrf_protect
def _upload(request):
    form = ImportUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        context = {"form": form, "jobs": [], "kinds": ImportKind}
        context["max_mb"] = settings.KUSEAW_IMPORT_MAX_BYTES // (1024 * 1024)
        return render(request, "imports/index.html", context, status=400)
    members = form.cleaned_data["members_file"]
    try:
        job = services.import_job_create(
            user=request.user,
            kind=form.cleaned_data["kind"],
            file_name=form.cleaned_data["file"].name,
            data=form.cleaned_data["file"].read(),
            members_file_name=members.name if members else "",
            members_data=members.read() if members else None,
        )
    except FileProblem as problem:
        messages.error(request, str(problem))
        return redirect("imports:index")
    tasks.import_start(job=job, apply=False)
    return redirect("imports:job", pk=job.pk)


@login_required
@require_safe
def job(request, pk):
    job = _job_for_admin(request, pk)
    status_filter = request.GET.get("status", "")
    rows = [r for r in job.row_results if not status_filter or r[1] == status_filter]
    context = {
        "job": job,
        "rows": Paginator(rows, 200).get_page(request.GET.get("page")),
        "status_filter": status_filter,
        "status_labels": STATUS_LABELS,
        "errors": job.row_errors[:500],
        "can_confirm": job.status == ImportStatus.PREVIEWED and job.file_data is not None,
    }
    return render(request, "imports/job.html", context)


@login_required
@require_POST
def confirm(request, pk):
    job = _job_for_admin(request, pk)
    if job.status != ImportStatus.PREVIEWED:
        messages.error(request, "รายการนี้ยืนยันไม่ได้แล้ว")
        return redirect("imports:job", pk=job.pk)
    job = tasks.import_start(job=job, apply=True)
    if job.status == ImportStatus.APPLIED:
        messages.success(request, f"นำเข้า «{job.file_name}» เรียบร้อยแล้ว")
    elif job.status == ImportStatus.FAILED:
        messages.error(request, job.message)
    return redirect("imports:job", pk=job.pk)


@login_required
@require_safe
def progress(request, pk):
    job = _job_for_admin(request, pk)
    return JsonResponse(
        {
            "status": job.status,
            "processed": job.processed_rows,
            "total": job.total_rows,
            "percent": job.percent,
            "busy": job.is_busy,
        }
    )


@login_required
@require_safe
def errors(request, pk):
    job = _job_for_admin(request, pk)
    data = blanks.errors_workbook(job.row_errors)
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="import-{job.pk}-errors.xlsx"'
    return response


@login_required
@require_safe
def template(request, kind):
    _admin_only(request)
    if kind not in blanks.TEMPLATES:
        raise Http404
    response = HttpResponse(blanks.template_workbook(kind), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="kuseaw-{kind}-template.xlsx"'
    return response


@login_required
@require_safe
def export(request, what, fmt):
    """Any list the user may see (Household.objects.visible_to), filtered by the query string."""
    if what not in exports.EXPORTS or fmt not in ("xlsx", "csv") or role_of(request.user) is None:
        raise Http404
    data, content_type = exports.export(request.user, what, fmt, request.GET)
    log_access(
        request, AccessAction.LIST_EXPORTED, description=describe_export(what, fmt, request.GET)
    )
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="kuseaw-{what}.{fmt}"'
    return response
