"""What a user may do with one household: the lookups every household view goes through.

Seeing is decided by Household.objects.visible_to; changing by editable_by. Anything
outside a user's scope, or a write they may not make, answers 404 — the same answer as
a household that does not exist, so ids cannot be probed.
"""

from dataclasses import dataclass

from django.http import Http404

from households.models import Household
from officials.models import Pairing
from officials.roles import Role, role_of


@dataclass(frozen=True)
class HouseholdPermissions:
    """The actions a user may take on one household (shown as links on the case page)."""

    edit_profile: bool = False
    log_visit: bool = False
    record_aid: bool = False

    @property
    def any(self) -> bool:
        return self.edit_profile or self.log_visit or self.record_aid


def permissions_for(user, household: Household) -> HouseholdPermissions:
    role = role_of(user)
    if role == Role.ADMIN:
        return HouseholdPermissions(edit_profile=True, record_aid=True)
    if role == Role.OFFICIAL and is_current_buddy(user, household):
        return HouseholdPermissions(edit_profile=True, log_visit=True, record_aid=True)
    return HouseholdPermissions()


def is_current_buddy(user, household: Household) -> bool:
    """The user is an active official paired to this household now."""
    official = getattr(user, "official", None)
    if official is None or not official.is_active:
        return False
    return Pairing.objects.open().filter(official=official, household=household).exists()


def get_household_for_user(user, pk, *, queryset=None) -> Household:
    """The household with this id if the user may see it, else 404."""
    queryset = Household.objects.all() if queryset is None else queryset
    try:
        return queryset.filter(pk=int(pk)).visible_to(user).get()
    except (Household.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def get_household_for_action(user, pk, action: str) -> Household:
    """The household if the user may take `action` ("edit_profile", "log_visit",
    "record_aid") on it, else 404."""
    household = get_household_for_user(user, pk)
    if not getattr(permissions_for(user, household), action):
        raise Http404
    return household
