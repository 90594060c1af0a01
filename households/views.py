from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_safe

from households import selectors, services
from households.access import (
    get_household_for_action,
    get_household_for_user,
    may_manage_pairing_of,
)
from households.audit import log_access
from households.cases.services import checks_due_for
from households.forms import (
    AidForm,
    AidUpdateForm,
    HouseholdForm,
    MemberForm,
    MoveOutForm,
    VisitForm,
)
from households.models import AccessAction, Member
from officials.roles import Role, role_of


@login_required
@require_safe
def my_households(request):
    if role_of(request.user) != Role.OFFICIAL:
        raise Http404
    context = {
        "households": selectors.my_households(request.user),
        "checks": list(checks_due_for(getattr(request.user, "official", None))),
        "today": timezone.localdate(),
        "overdue_days": settings.KUSEAW_VISIT_OVERDUE_DAYS,
    }
    return render(request, "households/mine.html", context)


@login_required
@require_safe
def overview(request):
    """The overview's old address: the dashboards live at /dashboard/ (filters kept)."""
    url = reverse("dashboard:overview")
    query = request.GET.urlencode()
    return redirect(f"{url}?{query}" if query else url)


@login_required
@require_safe
def detail(request, pk):
    household = get_household_for_user(request.user, pk)
    log_access(request, AccessAction.CASE_OPENED, household=household)
    context = selectors.case_file(request.user, household)
    context["can_manage_pairing"] = may_manage_pairing_of(
        request.user, context["household"], context["current_pairing"]
    )
    if context["can"].record_aid:
        context["aid_forms"] = {
            entry.item.pk: AidUpdateForm(instance=entry.item, prefix=f"aid{entry.item.pk}")
            for entry in context["timeline"]
            if entry.kind == "aid"
        }
    return render(request, "households/detail.html", context)


def _form_page(request, household, form, title):
    # The head's name reminds the official which household they are writing to.
    head = household.members.filter(is_head=True).first()
    context = {"household": household, "head": head, "form": form, "title": title}
    return render(request, "households/form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def visit_new(request, pk):
    household = get_household_for_action(request.user, pk, "log_visit")
    form = VisitForm(request.POST or None)
    if form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "token"}
        try:
            _, created = services.visit_log(
                household=household,
                official=request.user.official,
                data=data,
                token=form.cleaned_data["token"],
                by=request.user,
            )
        except services.CaseFileError as error:
            form.add_error(None, str(error))
        else:
            if created:
                messages.success(request, "บันทึกการเยี่ยมเรียบร้อยแล้ว")
            return redirect("households:detail", pk=household.pk)
    return _form_page(request, household, form, "บันทึกการเยี่ยม")


def _problem_initial(request) -> dict:
    problem = request.GET.get("problem", "")
    return {"problem": int(problem)} if problem.isdigit() else {}


@login_required
@require_http_methods(["GET", "POST"])
def aid_new(request, pk):
    household = get_household_for_action(request.user, pk, "record_aid")
    # ?problem=<id> (the case plan's «บันทึกการช่วยเหลือ» on a problem) ticks that problem.
    form = AidForm(request.POST or None, household=household, initial=_problem_initial(request))
    if form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "token"}
        try:
            _, created = services.aid_record(
                household=household, data=data, token=form.cleaned_data["token"], by=request.user
            )
        except services.CaseFileError as error:
            form.add_error(None, str(error))
        else:
            if created:
                messages.success(request, "บันทึกการช่วยเหลือเรียบร้อยแล้ว")
            return redirect("households:detail", pk=household.pk)
    return _form_page(request, household, form, "บันทึกการช่วยเหลือ")


@login_required
@require_http_methods(["GET", "POST"])
def aid_update(request, pk, aid_pk):
    household = get_household_for_action(request.user, pk, "record_aid")
    aid = get_object_or_404(household.aid_records, pk=aid_pk)
    form = AidUpdateForm(request.POST or None, instance=aid, prefix=f"aid{aid.pk}")
    if form.is_valid():
        services.aid_update(
            aid=aid, status=form.cleaned_data["status"], outcome=form.cleaned_data["outcome"]
        )
        messages.success(request, f"ปรับสถานะ «{aid.title}» เป็น{aid.get_status_display()}แล้ว")
        return redirect("households:detail", pk=household.pk)
    return _form_page(request, household, form, f"ปรับสถานะการช่วยเหลือ «{aid.title}»")


@login_required
@require_http_methods(["GET", "POST"])
def edit(request, pk):
    household = get_household_for_action(request.user, pk, "edit_profile")
    form = HouseholdForm(request.POST or None, instance=household)
    if form.is_valid():
        services.household_update(household=household, data=form.cleaned_data)
        messages.success(request, "บันทึกข้อมูลครัวเรือนเรียบร้อยแล้ว")
        return redirect("households:detail", pk=household.pk)
    return _form_page(request, household, form, "แก้ไขข้อมูลครัวเรือน")


@login_required
@require_http_methods(["GET", "POST"])
@sensitive_post_parameters("national_id")  # never in an error report
def member_edit(request, pk, member_pk=None):
    household = get_household_for_action(request.user, pk, "edit_profile")
    if member_pk is None:
        member, title = Member(household=household), "เพิ่มสมาชิก"
    else:
        member = get_object_or_404(household.members.current(), pk=member_pk)
        title = f"แก้ไขข้อมูล {member.full_name}"
    form = MemberForm(request.POST or None, instance=member)
    if form.is_valid():
        try:
            services.member_save(member=form.save(commit=False), by=request.user)
        except services.CaseFileError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"บันทึกข้อมูล {member.full_name} เรียบร้อยแล้ว")
            return redirect("households:detail", pk=household.pk)
    return _form_page(request, household, form, title)


@login_required
@require_http_methods(["GET", "POST"])
def member_move_out(request, pk, member_pk):
    household = get_household_for_action(request.user, pk, "edit_profile")
    member = get_object_or_404(household.members.current(), pk=member_pk)
    form = MoveOutForm(request.POST or None)
    if form.is_valid():
        try:
            services.member_move_out(
                member=member, left_on=form.cleaned_data["left_on"], by=request.user
            )
        except services.CaseFileError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"บันทึกว่า {member.full_name} ย้ายออกแล้ว")
            return redirect("households:detail", pk=household.pk)
    return _form_page(request, household, form, f"{member.full_name} ย้ายออก")
