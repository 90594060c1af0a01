"""The offers that fit a problem, for the buddy who plans it (issue 15). Through
households.access like every case-plan page: another household's problem is a 404."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from households.access import get_household_for_action
from households.cases.labels import problem_label
from households.cases.models import ProblemStatus
from households.cases.services import CasePlanError
from households.referrals import services
from households.referrals.forms import TakeOfferForm
from households.referrals.matching import offers_for


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
