"""Read-side queries: what a page shows, always built on Household.objects.visible_to."""

import datetime as dt

from django.db.models import Count, Max, Q
from django.utils import timezone

from households.models import Household, PovertyLevel, Visit


def my_households(user):
    """The households paired to this official now, with their head and last visit."""
    official = getattr(user, "official", None)
    if official is None:
        return Household.objects.none()
    return (
        Household.objects.visible_to(user)
        .filter(pairings__official=official, pairings__ended_on__isnull=True)
        .select_related("subdistrict__district")
        .with_head_name()
        .annotate(last_visit=Max("visits__visited_on"))
        .order_by("code")
    )


def scope_summary(user) -> dict:
    """Headline figures for the households this user may see (placeholder dashboard)."""
    households = Household.objects.visible_to(user)
    totals = households.with_is_paired().aggregate(
        total=Count("id"), paired=Count("id", filter=Q(is_paired=True))
    )
    by_level = dict(
        households.order_by()
        .values_list("poverty_level")
        .annotate(n=Count("id"))
        .values_list("poverty_level", "n")
    )
    since = timezone.localdate() - dt.timedelta(days=30)
    visits_30d = Visit.objects.filter(household__in=households, visited_on__gte=since).count()
    return {
        "total": totals["total"],
        "paired": totals["paired"],
        "unpaired": totals["total"] - totals["paired"],
        "by_level": [(level.label, by_level.get(level.value, 0)) for level in PovertyLevel],
        "visits_30d": visits_30d,
    }
