"""Closing the gap: which households wait for a buddy, who has room, and suggested pairings.

The scope is Household.objects.pairable_by and Official.objects.manageable_by;
officials.roles.may_manage_pairings says who may open the pages. The writes go through
officials.services (pairing_create locks the official's row); this module proposes, and
applies a proposal all or nothing.
"""

from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Count, F, Q

from agencies.models import Agency, District
from households.models import Household, Status
from officials.models import Official
from officials.roles import may_manage_pairings
from officials.services import PairingError, pairing_create


def officials_with_room(user):
    """Active officials this user manages, with `open_pairings` and `free_places`."""
    cap = settings.KUSEAW_HOUSEHOLDS_PER_OFFICIAL
    return (
        Official.objects.manageable_by(user)
        .filter(is_active=True)
        .with_open_pairings()
        .annotate(free_places=cap - F("open_pairings"))
        .select_related("user", "agency", "district")
    )


@dataclass(frozen=True)
class Suggestion:
    household: Household
    official: Official
    same_district: bool
    need_match: bool


def pairing_suggest(*, user, district: District | None = None) -> list[Suggestion]:
    """Propose a buddy for each unpaired household in scope (poorest and longest waiting
    first). Never over the cap; prefers an official working in the household's district,
    then one whose agency serves the household's main need, then the agency with the
    lightest share so far, then the official with the most room. Same input, same output.
    """
    households = (
        Household.objects.pairable_by(user).unpaired().select_related("subdistrict__district")
    )
    if district is not None:
        households = households.filter(subdistrict__district=district)
    households = households.order_by("poverty_level", "joined_on", "code")
    officials = list(officials_with_room(user).filter(free_places__gt=0).order_by("pk"))
    room = {o.pk: o.free_places for o in officials}
    by_district = defaultdict(list)
    for official in officials:
        by_district[official.district_id].append(official)
    agency_size = defaultdict(int)
    for official in officials:
        agency_size[official.agency_id] += 1
    agency_given = defaultdict(int)

    proposal = []
    for household in households:
        local = [o for o in by_district[household.subdistrict.district_id] if room[o.pk] > 0]
        candidates = local or [o for o in officials if room[o.pk] > 0]
        if not candidates:
            continue
        need = household.main_need

        def score(official, need=need):
            return (
                need is not None and need in official.agency.need_fields,
                -agency_given[official.agency_id] / agency_size[official.agency_id],
                room[official.pk],
                -official.pk,
            )

        chosen = max(candidates, key=score)
        room[chosen.pk] -= 1
        agency_given[chosen.agency_id] += 1
        proposal.append(
            Suggestion(
                household=household,
                official=chosen,
                same_district=bool(local),
                need_match=score(chosen)[0],
            )
        )
    return proposal


class ProposalError(Exception):
    """The proposal could not be applied; nothing was written. Thai message."""


def pairing_apply(*, user, lines: list[tuple[int, int]]) -> int:
    """Pair each (household id, official id) line, all in one transaction: if any line
    fails (out of scope, over the cap, already paired), nothing is written."""
    if not may_manage_pairings(user):
        raise ProposalError("คุณไม่มีสิทธิ์จับคู่")
    households = Household.objects.pairable_by(user).in_bulk([h for h, _ in lines])
    officials = Official.objects.manageable_by(user).in_bulk([o for _, o in lines])
    with transaction.atomic():
        for number, (household_id, official_id) in enumerate(lines, start=1):
            household, official = households.get(household_id), officials.get(official_id)
            if household is None or official is None:
                raise ProposalError(f"รายการที่ {number}: ไม่อยู่ในขอบเขตที่คุณจับคู่ได้")
            try:
                pairing_create(official=official, household=household, by=user)
            except PairingError as error:
                raise ProposalError(f"รายการที่ {number}: {error}") from None
    return len(lines)


def coverage_by_district(households) -> list[dict]:
    """Active households paired and waiting, per district (all 26, zeros included)."""
    counts = {
        row["subdistrict__district_id"]: row
        for row in households.filter(status=Status.ACTIVE)
        .with_is_paired()
        .order_by()
        .values("subdistrict__district_id")
        .annotate(total=Count("id"), paired=Count("id", filter=Q(is_paired=True)))
    }
    rows = []
    for district in District.objects.order_by("code"):
        row = counts.get(district.pk, {"total": 0, "paired": 0})
        rows.append(
            {
                "district": district,
                "total": row["total"],
                "paired": row["paired"],
                "unpaired": row["total"] - row["paired"],
            }
        )
    return rows


def coverage_by_agency(officials) -> list[dict]:
    """Per agency: active officials, places (officials × cap), households looked after, room."""
    cap = settings.KUSEAW_HOUSEHOLDS_PER_OFFICIAL
    counts = {
        row["agency_id"]: row
        for row in officials.filter(is_active=True)
        .order_by()
        .values("agency_id")
        .annotate(
            officials=Count("id", distinct=True),
            paired=Count("pairings", filter=Q(pairings__ended_on__isnull=True)),
        )
    }
    rows = []
    for agency in Agency.objects.filter(pk__in=counts.keys()).order_by("name_th"):
        row = counts[agency.pk]
        places = row["officials"] * cap
        rows.append(
            {
                "agency": agency,
                "officials": row["officials"],
                "places": places,
                "paired": row["paired"],
                "free": places - row["paired"],
            }
        )
    return rows
