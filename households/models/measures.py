"""The programme's measures, each written once for the case page, lists and dashboards."""

import datetime as dt

from django.conf import settings
from django.db.models import Exists, OuterRef, Q
from django.db.models.lookups import GreaterThan, GreaterThanOrEqual
from django.utils import timezone

from households.models.choices import Status
from households.models.records import Visit
from officials.models import Pairing


# -- the programme's measures: each written once, for the case page, lists and dashboards --
def visit_overdue_cutoff(today: dt.date | None = None) -> dt.date:
    """A household not visited on or after this day is overdue for a visit: no visit in the
    last KUSEAW_VISIT_OVERDUE_DAYS days."""
    today = today or timezone.localdate()
    return today - dt.timedelta(days=settings.KUSEAW_VISIT_OVERDUE_DAYS)


def no_recent_visit(
    today=None, *, household: str = "id", last_visit: str | None = None, few: bool = False
) -> Q:
    """No visit on or after visit_overdue_cutoff(today). Given `last_visit` (the annotation of
    with_visit_dates: the case page, an official's list), that day is compared; else `household`
    (the household id's field: "household_id" on pairings) is tested against the ids visited
    since, an uncorrelated subquery hashed once, for dashboards counting thousands of them;
    with `few` (a page of a few officials' households), each household's visits are looked
    up in its own index entries instead of reading every recent visit."""
    cutoff = visit_overdue_cutoff(today)
    if last_visit is not None:
        return Q(**{f"{last_visit}__isnull": True}) | Q(**{f"{last_visit}__lt": cutoff})
    if few:
        recent = Visit.objects.filter(household_id=OuterRef(household), visited_on__gte=cutoff)
        return ~Q(Exists(recent))
    visited = Visit.objects.filter(visited_on__gte=cutoff).order_by().values("household_id")
    return ~Q(**{f"{household}__in": visited})


def paired_ids():
    """Ids of households with a buddy now (an uncorrelated subquery: hashed once)."""
    return Pairing.objects.open().order_by().values("household_id")


def overdue_q(today=None, *, of_open_pairings: bool = False, few: bool = False) -> Q:
    """Overdue for a visit (the dashboards): in the programme, with a buddy now, and
    no_recent_visit(today); a household waiting for a buddy is waiting, not overdue. On
    households, or with of_open_pairings on Pairing.objects.open() (each row is a buddy;
    `few`: see no_recent_visit)."""
    if of_open_pairings:
        recent = no_recent_visit(today, household="household_id", few=few)
        return Q(household__status=Status.ACTIVE) & recent
    return Q(status=Status.ACTIVE) & Q(id__in=paired_ids()) & no_recent_visit(today)


def income_threshold(on: dt.date | None = None) -> int:
    """The จปฐ. line in force on `on` (today by default): annual income per person, in baht,
    from the dated lines of KUSEAW_JPT_INCOME_THRESHOLDS (before the first, the first)."""
    on = on or timezone.localdate()
    lines = settings.KUSEAW_JPT_INCOME_THRESHOLDS
    return next((amount for start, amount in reversed(lines) if start <= on), lines[0][1])


def reaches_income_threshold(members, income) -> Q:
    """Annual `income` per current member (`members`; both expressions) at or above the line,
    tested as income ≥ threshold × members: no division, no rounding; with no current member
    there is no income per person, and the line is not reached."""
    return Q(GreaterThan(members, 0), GreaterThanOrEqual(income, members * income_threshold()))
