"""Writes of households.referrals: an offer taken into a household's plan."""

import datetime as dt
import uuid

from django.utils import timezone

from households.cases import services as case_services
from households.cases.models import Action, OwnerKind, Problem
from households.referrals.models import Offer

# An offer without an end date is due this long after it is taken into the plan.
DUE_IN_DAYS = 30


def action_from_offer(
    *, problem: Problem, offer: Offer, token: uuid.UUID | None = None, by=None
) -> tuple[Action, bool]:
    """The offer as an action of the problem's plan, owned by the organisation that makes
    it, due when the offer ends (or in DUE_IN_DAYS). Returns (action, created); a resent
    form (same token) returns the first. Raises CasePlanError for a closed problem."""
    today = timezone.localdate()
    due = offer.ends_on if offer.ends_on and offer.ends_on >= today else None
    data = {
        "what": f"{offer.get_kind_display()}: {offer.title}"[:300],
        "owner_kind": OwnerKind.AGENCY,
        "agency": offer.agency,
        "partner": "",
        "due_on": due or today + dt.timedelta(days=DUE_IN_DAYS),
        "note": f"จากข้อเสนอ «{offer.title}» ของ{offer.agency.name_th}"[:2000],
    }
    return case_services.action_add(problem=problem, data=data, token=token, by=by)
