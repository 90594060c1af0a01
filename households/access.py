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
    # Record the household's consent (or its refusal or withdrawal) on the case page.
    record_consent: bool = False
    # The change history: old values included, so only those who keep or supervise the
    # case file; not provincial viewers, not a former buddy.
    view_history: bool = False
    # Full national IDs on the case page (everyone else: x-xxxx-xxxxx-12-3).
    see_national_ids: bool = False
    # Offer to anonymise the household (households.privacy checks that it left the programme).
    anonymise: bool = False

    @property
    def any(self) -> bool:
        return self.edit_profile or self.log_visit or self.record_aid


def permissions_for(user, household: Household) -> HouseholdPermissions:
    role = role_of(user)
    if role == Role.ADMIN:
        return HouseholdPermissions(
            edit_profile=True,
            record_aid=True,
            record_consent=True,
            view_history=True,
            see_national_ids=True,
            anonymise=True,
        )
    if role == Role.OFFICIAL and is_current_buddy(user, household):
        return HouseholdPermissions(
            edit_profile=True,
            log_visit=True,
            record_aid=True,
            record_consent=True,
            view_history=True,
        )
    if role in (Role.COORDINATOR, Role.DISTRICT):
        return HouseholdPermissions(view_history=True)
    return HouseholdPermissions()


def may_manage_personal_data(user) -> bool:
    """Export everything held about a person, anonymise households, read the access log."""
    return role_of(user) == Role.ADMIN


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
    """The household if the user may take `action` (a HouseholdPermissions field:
    "edit_profile", "log_visit", "record_aid", "record_consent", "anonymise") on it, else 404."""
    household = get_household_for_user(user, pk)
    if not getattr(permissions_for(user, household), action):
        raise Http404
    return household
