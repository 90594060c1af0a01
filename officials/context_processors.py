from officials.roles import Role, role_of


def navigation(request):
    """The current user's role, for the role-aware navigation in base.html."""
    user = getattr(request, "user", None)
    role = role_of(user) if user is not None else None
    return {"user_role": role, "Role": Role}
