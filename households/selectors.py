"""Read-side queries: what a page shows, always built on Household.objects.visible_to."""

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from households.access import permissions_for
from households.cases.models import ActionStatus
from households.cases.selectors import annotate_my_households, case_plan, next_steps
from households.history import household_history
from households.models import AidRecord, Household, Member, Visit, income_threshold
from households.referrals.models import Referral
from officials.models import Pairing


@dataclass(frozen=True)
class FollowUp:
    """Where a household stands on visits: shown on the official's list and the case page.

    From Household.objects.with_visit_dates(today): `visit_overdue` is no visit yet, or
    none in KUSEAW_VISIT_OVERDUE_DAYS (households.models.no_recent_visit).
    """

    last_visit: dt.date | None
    next_follow_up: dt.date | None
    today: dt.date
    visit_overdue: bool

    @classmethod
    def of(cls, household: Household, today: dt.date) -> "FollowUp":
        """From a household annotated by with_visit_dates(today)."""
        return cls(household.last_visit, household.next_follow_up, today, household.visit_overdue)

    @property
    def days_since_visit(self) -> int | None:
        return None if self.last_visit is None else (self.today - self.last_visit).days

    @property
    def follow_up_passed(self) -> bool:
        return self.next_follow_up is not None and self.next_follow_up < self.today

    @property
    def needs_attention(self) -> bool:
        return self.visit_overdue or self.follow_up_passed


def my_households(user) -> list[Household]:
    """The households paired to this official now (Household.objects.looked_after_by), each
    with `.follow_up` (FollowUp), `open_problems` and its next action (`next_action_what`,
    `next_action_due`; households.cases.selectors.annotate_my_households)."""
    official = getattr(user, "official", None)
    if official is None:
        return []
    today = timezone.localdate()
    households = (
        Household.objects.visible_to(user)
        .looked_after_by(user)
        .select_related("subdistrict__district")
        .with_head_name()
        .with_visit_dates(today)
        .order_by("code")
    )
    households = annotate_my_households(households)
    rows = list(households)
    for household in rows:
        household.follow_up = FollowUp.of(household, today)
    # Those needing a visit first, longest waiting first.
    rows.sort(key=lambda h: (not h.follow_up.needs_attention, h.last_visit or dt.date.min))
    return rows


@dataclass(frozen=True)
class TimelineEntry:
    day: dt.date
    kind: str  # "visit", "aid" or "referral"
    item: Visit | AidRecord | Referral


def case_file(user, household: Household) -> dict:
    """Everything the case page shows about one household, in a fixed number of queries."""
    today = timezone.localdate()
    household = (
        Household.objects.filter(pk=household.pk)
        .with_visit_dates(today)
        .with_income_threshold()
        .select_related("subdistrict__district")
        .get()
    )
    members = list(
        Member.objects.filter(household=household).order_by("left_on", "-is_head", "birth_date")
    )
    current = [m for m in members if m.left_on is None]
    visits = list(
        Visit.objects.filter(household=household).select_related(
            "official__user", "official__agency"
        )
    )
    aid = list(AidRecord.objects.filter(household=household).select_related("agency"))
    referrals = list(
        Referral.objects.filter(household=household).select_related("agency", "offer", "problem")
    )
    timeline = sorted(
        [TimelineEntry(v.visited_on, "visit", v) for v in visits]
        + [TimelineEntry(a.given_on, "aid", a) for a in aid]
        + [TimelineEntry(r.sent_on, "referral", r) for r in referrals],
        key=lambda e: (e.day, e.item.created_at),
        reverse=True,
    )
    pairings = list(
        Pairing.objects.filter(household=household)
        .select_related("official__user", "official__agency")
        .order_by("-started_on", "-id")
    )
    income_per_person = household.income_per_person(len(current))
    can = permissions_for(user, household)
    follow_up = FollowUp.of(household, today)
    plan = case_plan(household, today)
    return {
        # The case plan (households.cases) and what to do next, leading the page.
        "plan": plan,
        "next_steps": next_steps(plan, can=can, follow_up=follow_up, user=user),
        "action_statuses": ActionStatus.choices,
        "household": household,
        "members": current,
        "moved_out": [m for m in members if m.left_on is not None],
        "head": next((m for m in current if m.is_head), None),
        "income_per_person": income_per_person,
        "income_threshold": income_threshold(),
        # Household.objects.with_income_threshold: the test the dashboards count by.
        "below_threshold": income_per_person is not None and not household.reaches_income_threshold,
        "timeline": timeline,
        "pairings": pairings,
        "current_pairing": next((p for p in pairings if p.ended_on is None), None),
        "follow_up": follow_up,
        "can": can,
        "history": household_history(household) if can.view_history else [],
        "consents": list(household.consents.select_related("given_by", "recorded_by")),
        "today": today,
    }
