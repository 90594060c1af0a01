"""The offers that fit a problem and its referral, for the buddy who plans it (through
households.access like every case-plan page: another household's problem is a 404), and
the receiving organisation's inbox (Referral.objects.inbox_of: anything else is a 404).
The inbox shows the least the work needs: the household's code and village, the head's
name and phone, the problem; never a national ID, an income or a health record."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from households.access import get_household_for_action
from households.audit import log_access
from households.cases.labels import problem_label
from households.cases.models import ProblemStatus
from households.cases.services import CasePlanError
from households.models import AccessAction
from households.referrals import services
from households.referrals.forms import ACCEPT, DECLINE, AnswerForm, ReferForm, TakeOfferForm
from households.referrals.matching import offers_for
from households.referrals.models import (
    OPEN_REFERRAL_STATUSES,
    Offer,
    Referral,
    ReferralStatus,
)
from officials.roles import has_referral_inbox


@login_required
@require_http_methods(["GET", "POST"])
def problem_offers(request, pk, problem_pk):
    household = get_household_for_action(request.user, pk, "plan")
    problem = get_object_or_404(
        household.problems.select_related(
            "member", "indicator", "household__subdistrict__district"
        ),
        pk=problem_pk,
        status=ProblemStatus.OPEN,
    )
    suggestions = offers_for(problem)
    form = TakeOfferForm(
        request.POST if request.method == "POST" else None,
        offers=[s.offer for s in suggestions],
    )
    if form.is_valid():
        offer = form.chosen()
        try:
            _, created = services.action_from_offer(
                problem=problem, offer=offer, token=form.cleaned_data["token"], by=request.user
            )
        except CasePlanError as error:
            form.add_error(None, str(error))
        else:
            if created:
                messages.success(request, f"เพิ่ม «{offer.title}» เป็นกิจกรรมในแผนแล้ว")
            anchor = reverse("households:detail", args=[household.pk])
            return redirect(f"{anchor}#problem-{problem.pk}")
    context = {
        "household": household,
        "head": household.members.filter(is_head=True).first(),
        "problem": problem,
        "label": problem_label(problem),
        "suggestions": suggestions,
        "form": form,
    }
    return render(
        request, "referrals/problem_offers.html", context, status=400 if form.errors else 200
    )


def _open_problem(household, problem_pk):
    return get_object_or_404(
        household.problems.select_related("member", "indicator"),
        pk=problem_pk,
        status=ProblemStatus.OPEN,
    )


def _plan_anchor(household, problem) -> str:
    return reverse("households:detail", args=[household.pk]) + f"#problem-{problem.pk}"


@login_required
@require_http_methods(["GET", "POST"])
def refer(request, pk, problem_pk):
    """Refer an open problem to an agency or partner (from an offer: ?offer=<id>)."""
    household = get_household_for_action(request.user, pk, "plan")
    problem = _open_problem(household, problem_pk)
    initial = {"due_on": timezone.localdate() + dt.timedelta(days=services.DUE_IN_DAYS)}
    chosen = request.GET.get("offer", "")
    offer = None
    if chosen.isascii() and chosen.isdigit():  # "²" is a digit too, but no number
        offer = Offer.objects.open_on().filter(pk=int(chosen)).first()
    if offer is not None:
        initial.update(agency=offer.agency_id, offer=offer.pk)
        if offer.ends_on:
            initial["due_on"] = max(offer.ends_on, timezone.localdate())
    form = ReferForm(request.POST if request.method == "POST" else None, initial=initial)
    if form.is_valid():
        data = form.cleaned_data
        try:
            referral, created = services.referral_send(
                problem=problem,
                agency=data["agency"],
                offer=data["offer"],
                message=data["message"],
                due_on=data["due_on"],
                by=request.user,
                token=data["token"],
            )
        except services.ReferralError as error:
            form.add_error(None, str(error))
        else:
            if created:
                messages.success(request, f"ส่งต่อถึง{referral.agency.name_th}แล้ว")
            return redirect(_plan_anchor(household, problem))
    context = {
        "household": household,
        "head": household.members.filter(is_head=True).first(),
        "problem": problem,
        "label": problem_label(problem),
        "offer": offer,
        "form": form,
    }
    return render(request, "referrals/refer.html", context, status=400 if form.errors else 200)


def _inbox_or_404(user):
    if not has_referral_inbox(user):
        raise Http404
    return Referral.objects.inbox_of(user)


# The closed referrals the inbox lists, newest first.
CLOSED_SHOWN = 50


@login_required
@require_safe
def inbox(request):
    """The referrals sent to the user's organisation: to answer, in progress, and the
    latest closed ones (two queries)."""
    referrals = _inbox_or_404(request.user).select_related(
        "agency", "offer", "household__subdistrict__district", "problem"
    )
    open_ = list(referrals.open().order_by("due_on", "pk"))
    closed = list(referrals.exclude(status__in=OPEN_REFERRAL_STATUSES)[:CLOSED_SHOWN])
    groups = [
        ("รอตอบรับ", [r for r in open_ if r.status == ReferralStatus.SENT]),
        ("รับเรื่องแล้ว กำลังดำเนินการ", [r for r in open_ if r.status == ReferralStatus.ACCEPTED]),
        ("ปิดแล้ว", closed),
    ]
    overdue = sum(1 for r in open_ if r.is_overdue())
    return render(request, "referrals/inbox.html", {"groups": groups, "overdue": overdue})


def _referral_for(user, pk) -> Referral:
    return get_object_or_404(
        _inbox_or_404(user).select_related(
            "agency", "offer", "household__subdistrict__district", "problem__member", "sent_by"
        ),
        pk=pk,
    )


def _detail(request, referral, form=None, status=200):
    head = referral.household.members.current().filter(is_head=True).first()
    context = {
        "referral": referral,
        # The least the work needs: who to call, where, about what.
        "head_name": head.full_name if head else "",
        "head_phone": head.phone if head else "",
        "places_left": referral.offer.places_left() if referral.offer_id else None,
        "form": form or AnswerForm(),
    }
    return render(request, "referrals/detail.html", context, status=status)


@login_required
@require_safe
def detail(request, pk):
    referral = _referral_for(request.user, pk)
    # The head's name and phone: a look at personal data, in the access log.
    log_access(
        request,
        AccessAction.REFERRAL_OPENED,
        household=referral.household,
        description=f"เรื่องส่งต่อ #{referral.pk} ถึง{referral.agency.name_th}",
    )
    return _detail(request, referral)


@login_required
@require_POST
def answer(request, pk):
    referral = _referral_for(request.user, pk)
    form = AnswerForm(request.POST)
    if form.is_valid():
        step = form.cleaned_data["step"]
        try:
            if step == ACCEPT:
                services.referral_accept(referral=referral, by=request.user)
                messages.success(request, "รับเรื่องแล้ว")
            elif step == DECLINE:
                services.referral_decline(
                    referral=referral, reason=form.cleaned_data["reason"], by=request.user
                )
                messages.success(request, "บันทึกการปฏิเสธพร้อมเหตุผลแล้ว")
            else:
                services.referral_done(
                    referral=referral, outcome=form.cleaned_data["outcome"], by=request.user
                )
                messages.success(request, "บันทึกผลการดำเนินการแล้ว")
        except services.ReferralError as error:
            form.add_error(None, str(error))
        else:
            return redirect("referrals:detail", pk=referral.pk)
    return _detail(request, referral, form, status=400)
