"""What a user may do with one household: the lookups every household view goes through.

Built on the querysets that decide scope: seeing is Household.objects.visible_to, changing
editable_by, pairing pairable_by (with Official.objects.manageable_by). Anything outside a
user's scope, or a write they may not make, answers 404 — the same answer as a household
that does not exist, so ids cannot be probed.
"""

from dataclasses import dataclass

from django.http import Http404

from households.models import Household, Status
from officials.models import Official
from officials.roles import Role, is_admin, may_manage_pairings, role_of


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
    # The case plan (households.cases): assessment rounds and proposing graduation are the
    # current buddy's, like visits; problems and actions the buddy's and an admin's;
    # approving a graduation district staff's (their district) and an admin's.
    assess: bool = False
    plan: bool = False
    propose_graduation: bool = False
    decide_graduation: bool = False

    @property
    def any(self) -> bool:
        return self.edit_profile or self.log_visit or self.record_aid


def permissions_for(user, household: Household) -> HouseholdPermissions:
    """What the user may do with a household they can see. Admins change every household
    (but log no visit: they are nobody's buddy); an official changes those that
    Household.objects.editable_by gives them, their households now; coordinators and
    district staff read the history; everyone else only reads."""
    if is_admin(user):
        return HouseholdPermissions(
            edit_profile=True,
            record_aid=True,
            record_consent=True,
            view_history=True,
            see_national_ids=True,
            anonymise=True,
            plan=True,
            decide_graduation=True,
        )
    if may_edit(user, household):
        return HouseholdPermissions(
            edit_profile=True,
            log_visit=True,
            record_aid=True,
            record_consent=True,
            view_history=True,
            assess=True,
            plan=True,
            propose_graduation=True,
        )
    role = role_of(user)
    if role == Role.DISTRICT:
        # visible_to gives district staff only their district's households.
        return HouseholdPermissions(view_history=True, decide_graduation=True)
    if role == Role.COORDINATOR:
        return HouseholdPermissions(view_history=True)
    return HouseholdPermissions()


def may_edit(user, household: Household) -> bool:
    """Household.objects.editable_by(user) holds this household (no query for a user who
    may change none)."""
    return Household.objects.editable_by(user).filter(pk=household.pk).exists()


def may_manage_pairing_of(user, household: Household, current_pairing) -> bool:
    """Whether the case page offers to pair this household (no buddy now, in the programme)
    or to end or reassign its `current_pairing` (an open Pairing or None): the pairing pages'
    own scope, Household.objects.pairable_by and Official.objects.manageable_by."""
    if not may_manage_pairings(user):
        return False
    if not Household.objects.pairable_by(user).filter(pk=household.pk).exists():
        return False
    if current_pairing is None:
        return household.status == Status.ACTIVE
    return Official.objects.manageable_by(user).filter(pk=current_pairing.official_id).exists()


def may_decide_graduations(user) -> bool:
    """Approve or send back graduations (the waiting list): district staff and admins; on
    one household, permissions_for(…).decide_graduation."""
    return is_admin(user) or role_of(user) == Role.DISTRICT


def may_manage_personal_data(user) -> bool:
    """Export everything held about a person, anonymise households, read the access log."""
    return is_admin(user)


def get_household_for_user(user, pk, *, queryset=None) -> Household:
    """The household with this id if the user may see it, else 404."""
    queryset = Household.objects.all() if queryset is None else queryset
    try:
        return queryset.filter(pk=int(pk)).visible_to(user).get()
    except (Household.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def get_household_for_action(user, pk, action: str) -> Household:
    """The household if the user may take `action` (a HouseholdPermissions field, e.g.
    "edit_profile", "log_visit", "record_aid", "assess", "plan") on it, else 404."""
    household = get_household_for_user(user, pk)
    if not getattr(permissions_for(user, household), action):
        raise Http404
    return household
