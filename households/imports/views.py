"""The import pages (admins only; anyone else gets 404) and the export downloads.

A households file goes upload → column mapping (the job page while the job waits for it,
or `mapping` to change it after a preview) → preview → confirm; officials and pairings
go straight to their preview.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.uploadhandler import MemoryFileUploadHandler
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from households.audit import describe_export, log_access
from households.imports import blanks, exports, services, tasks
from households.imports.files import FileProblem
from households.imports.forms import ColumnMappingForm, ImportUploadForm, MappingSourceForm
from households.imports.mapping import JobMapping, MappingProblem, describe, not_imported_headers
from households.imports.report import STATUS_LABELS, ImportFailed
from households.models import AccessAction, ImportJob, ImportKind, ImportStatus
from officials.roles import is_admin, role_of

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _admin_only(request):
    if not is_admin(request.user):
        raise Http404


def _job_for_admin(request, pk) -> ImportJob:
    _admin_only(request)
    tasks.fail_stalled_jobs()  # a job whose worker died is failed, not busy for ever
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
    tasks.fail_stalled_jobs()
    jobs = ImportJob.objects.select_related("created_by").defer(
        "file_data", "members_file_data", "rejected_data", "row_results", "row_errors"
    )
    page = Paginator(jobs, 25).get_page(request.GET.get("page"))
    for each in page:
        each.not_imported_headers = not_imported_headers(each.column_mapping)
    context = {
        "form": ImportUploadForm(),
        "jobs": page,
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
    if job.kind == ImportKind.HOUSEHOLDS:
        services.import_mapping_open(job=job)  # the mapping step comes first
    else:
        tasks.import_start(job=job, apply=False)
    return redirect("imports:job", pk=job.pk)


@login_required
@require_safe
def job(request, pk):
    job = _job_for_admin(request, pk)
    if job.status == ImportStatus.MAPPING:
        return _mapping_page(request, job)
    status_filter = request.GET.get("status", "")
    rows = [r for r in job.row_results if not status_filter or r[1] == status_filter]
    context = {
        "job": job,
        "rows": Paginator(rows, 200).get_page(request.GET.get("page")),
        "status_filter": status_filter,
        "status_labels": STATUS_LABELS,
        "errors": job.row_errors[:500],
        "can_confirm": job.status == ImportStatus.PREVIEWED and job.file_data is not None,
        "columns": describe(JobMapping.from_json(job.column_mapping)),
        "may_map": _may_map(job),
        "rejected_mine": job.rejected_data is not None and job.created_by_id == request.user.pk,
    }
    return render(request, "imports/job.html", context)


def _may_map(job: ImportJob) -> bool:
    return (
        job.kind == ImportKind.HOUSEHOLDS
        and job.status in (ImportStatus.MAPPING, ImportStatus.PREVIEWED)
        and job.file_data is not None
    )


@login_required
@require_http_methods(["GET", "POST"])
def mapping(request, pk):
    """The column mapping step: GET shows it, POST keeps it and starts the preview."""
    job = _job_for_admin(request, pk)
    if not _may_map(job):
        messages.error(request, "กำหนดคอลัมน์ไม่ได้แล้ว: ไฟล์นี้นำเข้าแล้ว ไม่สำเร็จ หรือไม่ใช่ไฟล์ครัวเรือน")
        return redirect("imports:job", pk=job.pk)
    if request.method == "GET":
        return _mapping_page(request, job)
    proposal = _proposal(request, job, request.POST)
    if proposal is None:
        return redirect("imports:job", pk=job.pk)
    form = ColumnMappingForm(proposal, request.POST)
    if form.is_valid():
        try:
            job = services.import_mapping_set(
                job=job,
                mapping=form.cleaned_data["mapping"],
                valid_rows_only=form.valid_rows_only_chosen,
                save_as=form.cleaned_data["save_as"],
                user=request.user,
            )
        except MappingProblem as problem:
            for sentence in problem.problems:
                form.add_error(None, sentence)
        except ImportFailed as failure:
            messages.error(request, str(failure))
            return redirect("imports:job", pk=job.pk)
        else:
            tasks.import_start(job=job, apply=False)
            return redirect("imports:job", pk=job.pk)
    return _render_mapping(request, job, proposal, form, status=400)


def _mapping_page(request, job):
    proposal = _proposal(request, job, request.GET)
    if proposal is None:
        return redirect("imports:job", pk=job.pk)
    form = ColumnMappingForm(proposal, valid_rows_only=job.valid_rows_only)
    return _render_mapping(request, job, proposal, form)


def _proposal(request, job, params):
    """The mapping page's reading of the file, where `params` say (a sheet or header row
    that is not there: read as proposed, with the reason); None when the file itself can
    no longer be read (the job has failed, with the reason)."""
    where = services.mapping_source(params)
    try:
        return services.import_mapping_proposal(job, **where)
    except FileProblem as problem:
        if not where:
            services.import_mapping_fail(job=job, problem=problem)
            return None
        messages.error(request, str(problem))
    try:
        return services.import_mapping_proposal(job)
    except FileProblem as problem:
        services.import_mapping_fail(job=job, problem=problem)
        return None


def _render_mapping(request, job, proposal, form, status=200):
    context = {
        "job": job,
        "proposal": proposal,
        "form": form,
        "source_form": MappingSourceForm(proposal, members_file=bool(job.members_file_name)),
        "problems": proposal.problems if not form.is_bound else form.non_field_errors(),
        "help_columns": services.mapping_help(),
    }
    return render(request, "imports/mapping.html", context, status=status)


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
def rejected(request, pk):
    """The rows a preview found in error, in the file's own layout with the reasons: for
    the admin who imported the file only (it holds national IDs), until the job's files
    are dropped (applied or failed)."""
    job = _job_for_admin(request, pk)
    if job.rejected_data is None or job.created_by_id != request.user.pk:
        raise Http404
    log_access(
        request,
        AccessAction.LIST_EXPORTED,
        description=f"แถวที่ไม่ได้นำเข้าของไฟล์ «{job.file_name}» (การนำเข้า #{job.pk})",
    )
    response = HttpResponse(bytes(job.rejected_data), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="import-{job.pk}-rejected.xlsx"'
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
