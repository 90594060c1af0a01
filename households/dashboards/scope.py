"""Whose households and officials a dashboard counts: taken from the one place that decides.

Households come from Household.objects.visible_to(user), officials from
Official.objects.visible_to(user). An official's dashboard is their own summary: the
households paired to them now (Household.objects.looked_after_by). Filters in the URL only
narrow these querysets.
"""

from dataclasses import dataclass

from django.db.models import QuerySet

from households.models import Household
from officials.models import Official
from officials.roles import Role, is_admin, role_of


@dataclass(frozen=True)
class Scope:
    """What one user's dashboards count."""

    role: Role
    households: QuerySet
    officials: QuerySet
    # An official: their own households' summary, no breakdowns, no filters.
    personal: bool
    # Provincial staff and admins: every district and agency gets a row, zeros included.
    whole_province: bool
    # Where the scope comes from, shown under the page title ("อำเภอเมืองขอนแก่น").
    label: str


def scope_for(user) -> Scope | None:
    """The user's dashboard scope, or None when they have no role (their pages answer 404)."""
    role = role_of(user)
    if role is None:
        return None
    households = Household.objects.visible_to(user)
    officials = Official.objects.visible_to(user)
    if role == Role.OFFICIAL:
        households = households.looked_after_by(user)
        return Scope(role, households, officials, True, False, "ครัวเรือนที่คุณดูแลอยู่")
    whole = role == Role.PROVINCE or is_admin(user)
    return Scope(role, households, officials, False, whole, _label(user, role))


def _label(user, role: Role) -> str:
    profile = getattr(user, "staff_profile", None)
    if role == Role.DISTRICT:
        district = profile.district if profile else None
        return f"อำเภอ{district.name_th}" if district else "ยังไม่ได้กำหนดอำเภอ"
    if role == Role.COORDINATOR:
        agency = profile.agency if profile else None
        return f"ครัวเรือนที่เจ้าหน้าที่ของ {agency} ดูแล" if agency else "ยังไม่ได้กำหนดหน่วยงาน"
    return "ทั้งจังหวัดขอนแก่น"
