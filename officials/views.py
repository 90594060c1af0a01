from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from officials.roles import Role, role_of

# Where each role starts after logging in.
HOME_BY_ROLE = {
    Role.OFFICIAL: "households:mine",
    Role.COORDINATOR: "dashboard:overview",
    Role.DISTRICT: "dashboard:overview",
    Role.PROVINCE: "dashboard:overview",
    Role.ADMIN: "dashboard:overview",
}


@login_required
def home(request):
    role = role_of(request.user)
    if role is None:
        return render(request, "no_role.html", status=403)
    return redirect(HOME_BY_ROLE[role])
