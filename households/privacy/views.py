"""Privacy pages (PDPA): consent on the case file; for admins, a person's data and anonymising.

Who may do what is decided in households.access; anyone else gets 404.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from households.access import get_household_for_action, may_manage_personal_data
from households.privacy import services as privacy
from households.privacy.forms import AnonymiseForm, ConsentForm, PersonLookupForm
from kuseaw.spreadsheets import XLSX


def _admin_only(request):
    if not may_manage_personal_data(request.user):
        raise Http404


@login_required
@require_safe
def index(request):
    _admin_only(request)
    return render(request, "privacy/index.html", {"form": PersonLookupForm()})


@login_required
@require_http_methods(["GET", "POST"])
@never_cache
def person_export(request):
    _admin_only(request)
    form = PersonLookupForm(request.POST or None)
    if form.is_valid():
        data = privacy.person_export(national_id=form.cleaned_data["national_id"], actor=request)
        if data is not None:
            response = HttpResponse(data, content_type=XLSX)
            response["Content-Disposition"] = 'attachment; filename="kuseaw-person-data.xlsx"'
            return response
        form.add_error("national_id", "ไม่พบข้อมูลของบุคคลที่มีเลขประจำตัวประชาชนนี้ในระบบ")
    return render(request, "privacy/index.html", {"form": form}, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def consent_new(request, pk):
    household = get_household_for_action(request.user, pk, "record_consent")
    form = ConsentForm(request.POST or None, household=household)
    if form.is_valid():
        consent = privacy.consent_record(consent=form.save(commit=False), by=request.user)
        messages.success(request, f"บันทึก«{consent.get_decision_display()}»เรียบร้อยแล้ว")
        return redirect("households:detail", pk=household.pk)
    head = household.members.current().filter(is_head=True).first()
    context = {"household": household, "head": head, "form": form, "title": "บันทึกความยินยอม"}
    return render(request, "households/form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def anonymise(request, pk):
    household = get_household_for_action(request.user, pk, "anonymise")
    form = AnonymiseForm(request.POST or None, household=household)
    refusal = privacy.anonymise_refusal(household)
    if refusal is None and form.is_valid():
        try:
            privacy.household_anonymise(household=household, actor=request)
        except privacy.PrivacyError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, f"ปกปิดข้อมูลส่วนบุคคลของครัวเรือน {household.code} แล้ว")
        return redirect("households:detail", pk=household.pk)
    context = {
        "household": household,
        "form": form,
        "refusal": refusal,
        "members": household.members.count(),
    }
    return render(request, "privacy/anonymise.html", context, status=400 if form.errors else 200)
