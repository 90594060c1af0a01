"""The family profile's downloads: one household's PDF (whoever may open its case page) and
a district's or subdistrict's for meetings (any role; only the households the user sees).

Out of scope is a 404, as everywhere; a wrong batch request is a Thai page (400, or 404 when
the user sees no household in the place). Every download is in the access log.
"""

import re

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from households.access import get_household_for_user
from households.profiles import services
from officials.roles import role_of

PDF = "application/pdf"


def _pdf(data: bytes, name: str) -> HttpResponse:
    response = HttpResponse(data, content_type=PDF)
    safe = re.sub(r"[^A-Za-z0-9_-]", "_", name)
    response["Content-Disposition"] = f'attachment; filename="kuseaw-{safe}.pdf"'
    return response


@login_required
@require_safe
@never_cache
def household_pdf(request, pk):
    household = get_household_for_user(request.user, pk)
    return _pdf(services.household_pdf(request, household), f"profile-{household.code}")


@login_required
@require_safe
@never_cache
def batch_pdf(request):
    if role_of(request.user) is None:
        raise Http404
    try:
        batch = services.batch_for(request.user, request.GET)
    except services.BatchRefused as refusal:
        context = {"message": refusal.message}
        return render(request, "profiles/refused.html", context, status=refusal.status)
    return _pdf(services.batch_pdf(request, batch), f"profiles-{batch.code}")
