from officials.roles import Role, has_referral_inbox, is_admin, may_manage_pairings, role_of


def navigation(request):
    """The current user's role and what it opens, for the role-aware navigation in base.html
    (the same tests as the views)."""
    user = getattr(request, "user", None)
    if user is None:
        return {
            "user_role": None,
            "Role": Role,
            "is_admin": False,
            "manages_pairings": False,
            "has_inbox": False,
        }
    return {
        "user_role": role_of(user),
        "Role": Role,
        "is_admin": is_admin(user),
        "manages_pairings": may_manage_pairings(user),
        "has_inbox": has_referral_inbox(user),
    }
