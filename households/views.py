from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render

from households import selectors
from officials.roles import Role, role_of


@login_required
def my_households(request):
    if role_of(request.user) != Role.OFFICIAL:
        raise Http404
    households = selectors.my_households(request.user)
    return render(request, "households/mine.html", {"households": households})


@login_required
def overview(request):
    role = role_of(request.user)
    if role not in (Role.COORDINATOR, Role.DISTRICT, Role.PROVINCE, Role.ADMIN):
        raise Http404
    context = {"summary": selectors.scope_summary(request.user), "role": role}
    return render(request, "households/overview.html", context)
