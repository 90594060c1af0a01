"""The five roles of the app. A role is a Django group, created by a migration.

`role_of(user)` is the only place that decides which role a user acts in,
`is_admin(user)` the only test of the admin role and `may_manage_pairings(user)` the only
test of who opens the pairing pages; the scope that goes with a role
(an agency, a district) is on the user's Official or StaffProfile record.
"""

from django.db import models


class Role(models.TextChoices):
    OFFICIAL = "official", "เจ้าหน้าที่คู่เสี่ยว"
    COORDINATOR = "coordinator", "ผู้ประสานงานหน่วยงาน"
    DISTRICT = "district", "เจ้าหน้าที่อำเภอ"
    PROVINCE = "province", "เจ้าหน้าที่จังหวัด"
    ADMIN = "admin", "ผู้ดูแลระบบ"


# Group name for each role; the group is what an admin assigns in the Django admin.
GROUP_NAMES = {role: role.label for role in Role}

# When a user is in several groups, the widest role wins.
_PRECEDENCE = [Role.ADMIN, Role.PROVINCE, Role.DISTRICT, Role.COORDINATOR, Role.OFFICIAL]


def role_of(user) -> Role | None:
    """The role a user acts in, or None (no access beyond logging in)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    if user.is_superuser:
        return Role.ADMIN
    cached = getattr(user, "_kuseaw_role", False)
    if cached is not False:
        return cached
    names = set(user.groups.values_list("name", flat=True))
    role = next((r for r in _PRECEDENCE if GROUP_NAMES[r] in names), None)
    user._kuseaw_role = role
    return role


def is_admin(user) -> bool:
    """The user acts as an administrator: in the admin group, or a Django superuser."""
    return role_of(user) == Role.ADMIN


def may_manage_pairings(user) -> bool:
    """Open the pairing pages: admins, district staff and agency coordinators. Which
    households and officials: Household.objects.pairable_by, Official.objects.manageable_by."""
    return is_admin(user) or role_of(user) in (Role.DISTRICT, Role.COORDINATOR)


def has_referral_inbox(user) -> bool:
    """Opens the referrals inbox: admins and agency (or partner) coordinators; which
    referrals are in it: households.referrals' Referral.objects.inbox_of."""
    return is_admin(user) or role_of(user) == Role.COORDINATOR
