"""The pairing pages (การจับคู่เสี่ยว): who waits for a buddy, who has room, closing the gap.

Only admins, agency coordinators and district staff may open them; anyone else gets 404.
Households come from Household.objects.pairable_by(user) and officials from
Official.objects.manageable_by(user): a record outside them is 404, whatever the URL says.
Who may open them is officials.roles.may_manage_pairings.
Every write goes through officials.services or households.pairing.services.pairing_apply.
"""

import functools

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_safe

from households.models import Household
from households.pairing.forms import (
    EndPairingForm,
    OfficialFilterForm,
    PairForm,
    ProposalLinesForm,
    ReassignForm,
    SuggestForm,
    UnpairedFilterForm,
)
from households.pairing.services import (
    ProposalError,
    coverage_by_agency,
    coverage_by_district,
    officials_with_room,
    pairing_apply,
    pairing_suggest,
)
from officials.models import Official, Pairing
from officials.roles import may_manage_pairings
from officials.services import PairingError, pairing_create, pairing_end, pairing_reassign

PAGE_SIZE = 50


def pairing_manager_required(view):
    """Logged in (else the login page) and allowed to manage pairings (else 404)."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        if not may_manage_pairings(request.user):
            raise Http404
        return view(request, *args, **kwargs)

    return login_required(wrapped)


def _household_in_scope(user, pk) -> Household:
    households = Household.objects.pairable_by(user).with_is_paired()
    return get_object_or_404(households.select_related("subdistrict__district"), pk=pk)


def _open_pairings_in_scope(user):
    """Open pairings of a household the user may pair, with an official they manage."""
    return (
        Pairing.objects.open()
        .filter(
            household__in=Household.objects.pairable_by(user),
            official__in=Official.objects.manageable_by(user),
        )
        .select_related(
            "official__user", "official__agency", "official__district", "household__subdistrict"
        )
    )


def _back(request, default: str) -> str:
    """The page to go back to: `next` if it is a path on this site, else `default`."""
    url = request.POST.get("next") or request.GET.get("next")
    # A path only: redirect() would take other text ("-1") for a URL name and fail.
    if url and url.startswith("/") and url_has_allowed_host_and_scheme(url, allowed_hosts=None):
        return url
    return default


def _form_page(request, household, form, title, back, pairing=None):
    choices = form.fields.get("official")
    context = {
        "household": household,
        "head": household.members.filter(is_head=True).first(),
        "pairing": pairing,
        "form": form,
        "title": title,
        "back": back,
        "no_room": choices is not None and not choices.queryset.exists(),
    }
    return render(request, "pairing/form.html", context)


@pairing_manager_required
@require_safe
def index(request):
    districts = coverage_by_district(Household.objects.pairable_by(request.user))
    agencies = coverage_by_agency(Official.objects.manageable_by(request.user))
    paired = sum(row["paired"] for row in districts)
    waiting = sum(row["unpaired"] for row in districts)
    free = sum(max(row["free"], 0) for row in agencies)
    context = {
        "districts": [row for row in districts if row["total"]],
        "agencies": agencies,
        "paired": paired,
        "waiting": waiting,
        "total": paired + waiting,
        "free": free,
        "short": max(waiting - free, 0),
        "cap": settings.KUSEAW_HOUSEHOLDS_PER_OFFICIAL,
    }
    return render(request, "pairing/index.html", context)


@pairing_manager_required
@require_safe
def unpaired(request):
    households = Household.objects.pairable_by(request.user).unpaired()
    form = UnpairedFilterForm(request.GET, households=households)
    rows = (
        form.filter(households)
        .with_head_name()
        .select_related("subdistrict__district")
        .order_by("poverty_level", "joined_on", "code")  # poorest, then longest waiting
    )
    context = {"form": form, "page": Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))}
    return render(request, "pairing/unpaired.html", context)


@pairing_manager_required
@require_safe
def officials(request):
    managed = Official.objects.manageable_by(request.user).filter(is_active=True)
    form = OfficialFilterForm(request.GET, officials=managed)
    rows = form.filter(officials_with_room(request.user)).order_by(
        "-free_places", "user__first_name", "user__last_name", "pk"
    )
    context = {
        "form": form,
        "page": Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page")),
        "cap": settings.KUSEAW_HOUSEHOLDS_PER_OFFICIAL,
    }
    return render(request, "pairing/officials.html", context)


@pairing_manager_required
@require_http_methods(["GET", "POST"])
def pair(request, pk):
    household = _household_in_scope(request.user, pk)
    back = _back(request, reverse("pairing:unpaired"))
    form = PairForm(
        request.POST or None,
        household=household,
        officials=officials_with_room(request.user),
        back=back,
    )
    if form.is_valid():
        official = form.cleaned_data["official"]
        try:
            pairing_create(official=official, household=household, by=request.user)
        except PairingError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"จับคู่ {official} กับครัวเรือน {household.code} แล้ว")
            return redirect(back)
    return _form_page(request, household, form, f"จับคู่เสี่ยวให้ครัวเรือน {household.code}", back)


@pairing_manager_required
@require_http_methods(["GET", "POST"])
def end(request, pk):
    pairing = get_object_or_404(_open_pairings_in_scope(request.user), pk=pk)
    household = pairing.household
    back = _back(request, reverse("households:detail", args=[household.pk]))
    form = EndPairingForm(request.POST or None, back=back)
    if form.is_valid():
        data = form.cleaned_data
        try:
            pairing_end(
                pairing=pairing, reason=data["reason"], ended_on=data["ended_on"], note=data["note"]
            )
        except PairingError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request, f"สิ้นสุดการจับคู่ {pairing.official} กับครัวเรือน {household.code} แล้ว"
            )
            return redirect(back)
    title = f"สิ้นสุดการจับคู่ครัวเรือน {household.code}"
    return _form_page(request, household, form, title, back, pairing)


@pairing_manager_required
@require_http_methods(["GET", "POST"])
def reassign(request, pk):
    current = get_object_or_404(_open_pairings_in_scope(request.user), household_id=pk)
    household = current.household
    back = _back(request, reverse("households:detail", args=[household.pk]))
    form = ReassignForm(
        request.POST or None,
        household=household,
        officials=officials_with_room(request.user).exclude(pk=current.official_id),
        back=back,
    )
    if form.is_valid():
        official, data = form.cleaned_data["official"], form.cleaned_data
        try:
            pairing_reassign(
                household=household,
                official=official,
                reason=data["reason"],
                note=data["note"],
                by=request.user,
            )
        except PairingError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"เปลี่ยนคู่เสี่ยวของครัวเรือน {household.code} เป็น {official} แล้ว")
            return redirect(back)
    title = f"เปลี่ยนคู่เสี่ยวของครัวเรือน {household.code}"
    return _form_page(request, household, form, title, back, current)


def _head_names(proposal) -> dict[int, str]:
    ids = [line.household.pk for line in proposal or ()]
    if not ids:
        return {}
    rows = Household.objects.filter(pk__in=ids).with_head_name().values_list("pk", "head_name")
    return dict(rows)


def _apply_kept_lines(request):
    """Apply the POSTed lines all or nothing: a redirect when done, else None and an error."""
    lines = ProposalLinesForm(request.POST)
    if not lines.is_valid():
        messages.error(request, lines.error_text())
        return None
    try:
        count = pairing_apply(user=request.user, lines=lines.cleaned_data["line"])
    except ProposalError as error:
        messages.error(request, f"ยังไม่ได้จับคู่ครัวเรือนใดเลย: {error}")
        return None
    messages.success(request, f"จับคู่เรียบร้อยแล้ว {count} ครัวเรือน")
    return redirect("pairing:index")


@pairing_manager_required
@require_http_methods(["GET", "POST"])
def suggest(request):
    if request.method == "POST" and (done := _apply_kept_lines(request)):
        return done
    waiting = Household.objects.pairable_by(request.user).unpaired()
    data = request.POST if request.method == "POST" else request.GET
    form = SuggestForm(data if "district" in data else None, households=waiting)
    proposal, count = None, None
    if form.is_bound and form.is_valid():
        district = form.cleaned_data["district"]
        proposal = pairing_suggest(user=request.user, district=district)
        count = (waiting.filter(subdistrict__district=district) if district else waiting).count()
    context = {
        "form": form,
        "proposal": proposal,
        "heads": _head_names(proposal),
        "waiting": count,
        "left_over": None if proposal is None else count - len(proposal),
    }
    return render(request, "pairing/suggest.html", context)
