"""The partners' dashboard (issue 15): referrals by the organisation they went to, what each
sector contributed, and how many buddies each district still lacks. Same scope and filters
as every dashboard (the households of filters.households(); referrals and aid within the
period), a fixed number of grouped queries whatever the size.
"""

import datetime as dt
import math
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db.models import Aggregate, Count, F, FloatField, Func, IntegerField, Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from agencies.models import Agency, District, Sector
from households.dashboards.figures import _of, aid_in, by_district
from households.dashboards.filters import Filters
from households.referrals.models import (
    OPEN_REFERRAL_STATUSES,
    TAKING_A_PLACE,
    Offer,
    OfferKind,
    Referral,
    ReferralStatus,
)

ZERO = Decimal("0")


class Median(Aggregate):
    """PostgreSQL's median of a number (NULLs left out): percentile_cont(0.5)."""

    function = "PERCENTILE_CONT"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()


class DaysBetween(Func):
    """`later` − `earlier` in whole days (PostgreSQL: date minus date is an integer)."""

    template = "(%(expressions)s)"
    arg_joiner = " - "
    output_field = IntegerField()


@dataclass(frozen=True)
class ReferralRow:
    agency: Agency
    sent: int
    waiting: int  # sent, not yet answered
    in_progress: int  # accepted, not yet done
    done: int
    declined: int
    overdue: int  # open and past the date it should be done by
    median_days_to_accept: float | None  # from sent to accepted, of those accepted


def referral_rows(filters: Filters, *, today: dt.date | None = None) -> list[ReferralRow]:
    """One row per organisation that received referrals of households in scope sent within
    the period, the most sent first. Two queries."""
    today = today or timezone.localdate()
    period = filters.period
    referrals = _of(
        Referral.objects.filter(sent_on__gte=period.start, sent_on__lte=period.end),
        filters.households(),
    )
    accepted = Q(status__in=TAKING_A_PLACE)
    groups = (
        referrals.order_by()
        .values("agency_id")
        .annotate(
            sent=Count("pk"),
            waiting=Count("pk", filter=Q(status=ReferralStatus.SENT)),
            in_progress=Count("pk", filter=Q(status=ReferralStatus.ACCEPTED)),
            done=Count("pk", filter=Q(status=ReferralStatus.DONE)),
            declined=Count("pk", filter=Q(status=ReferralStatus.DECLINED)),
            overdue=Count("pk", filter=Q(status__in=OPEN_REFERRAL_STATUSES, due_on__lt=today)),
            median_days=Median(DaysBetween(F("answered_on"), F("sent_on")), filter=accepted),
        )
    )
    agencies = Agency.objects.in_bulk([g["agency_id"] for g in groups])
    rows = [
        ReferralRow(
            agency=agencies[g["agency_id"]],
            sent=g["sent"],
            waiting=g["waiting"],
            in_progress=g["in_progress"],
            done=g["done"],
            declined=g["declined"],
            overdue=g["overdue"],
            median_days_to_accept=g["median_days"],
        )
        for g in groups
    ]
    rows.sort(key=lambda r: (-r.sent, r.agency.name_th))
    return rows


@dataclass(frozen=True)
class SectorRow:
    label: str
    aid_records: int
    aid_baht: Decimal
    referrals_done: int


NO_AGENCY = "ภาคีที่ไม่อยู่ในรายชื่อหน่วยงาน (ระบุเป็นข้อความ)"


def contributions_by_sector(filters: Filters) -> list[SectorRow]:
    """What each of the five sectors gave the households in scope within the period: aid
    records (not cancelled) and their value by the giving organisation's sector, and the
    referrals it finished. Aid from a partner named only in text is a row of its own."""
    households = filters.households()
    aid = (
        aid_in(households, filters.period)
        .order_by()
        .values("agency__sector")
        .annotate(n=Count("pk"), baht=Coalesce(Sum("value"), ZERO))
    )
    by_sector = {g["agency__sector"]: g for g in aid}
    period = filters.period
    done = dict(
        _of(
            Referral.objects.filter(
                status=ReferralStatus.DONE, done_on__gte=period.start, done_on__lte=period.end
            ),
            households,
        )
        .order_by()
        .values("agency__sector")
        .annotate(n=Count("pk"))
        .values_list("agency__sector", "n")
    )
    rows = []
    for sector in Sector:
        given = by_sector.get(sector.value, {"n": 0, "baht": ZERO})
        rows.append(SectorRow(sector.label, given["n"], given["baht"], done.get(sector.value, 0)))
    if None in by_sector:
        rows.append(SectorRow(NO_AGENCY, by_sector[None]["n"], by_sector[None]["baht"], 0))
    return rows


@dataclass(frozen=True)
class DistrictGap:
    district: District
    waiting: int  # in the programme, no buddy now
    free_places: int  # places left with the district's officials at work
    buddies_missing: int  # officials or volunteers still needed for the rest
    volunteer_places: int  # places of open volunteer-buddy offers in the district


def buddies_missing(filters: Filters, *, today: dt.date | None = None) -> list[DistrictGap]:
    """Per district in scope: the households waiting for a buddy, the places its officials
    still have (KUSEAW_HOUSEHOLDS_PER_OFFICIAL each), the buddies missing for the rest
    (rounded up), and the volunteer-buddy places partners offer there."""
    today = today or timezone.localdate()
    cap = settings.KUSEAW_HOUSEHOLDS_PER_OFFICIAL
    districts = by_district(filters, today=today)
    free = defaultdict(int)
    officials = (
        filters.officials()
        .filter(is_active=True)
        .order_by()
        .values("district_id")
        .annotate(
            officials=Count("pk", distinct=True),
            paired=Count("pairings", filter=Q(pairings__ended_on__isnull=True)),
        )
    )
    for group in officials:
        free[group["district_id"]] += max(group["officials"] * cap - group["paired"], 0)
    volunteer = _volunteer_places(today, [row.district for row in districts])
    gaps = []
    for row in districts:
        waiting, places = row.waiting, free[row.district.pk]
        gaps.append(
            DistrictGap(
                district=row.district,
                waiting=waiting,
                free_places=places,
                buddies_missing=math.ceil(max(waiting - places, 0) / cap) if cap else 0,
                volunteer_places=volunteer.get(row.district.pk, 0),
            )
        )
    gaps.sort(key=lambda g: (-g.buddies_missing, g.district.code))
    return gaps


def _volunteer_places(today, districts) -> dict[str, int]:
    """District code → the places left of open volunteer-buddy offers there (an offer that
    names no district, nor its organisation any, counts in every district)."""
    offers = list(
        Offer.objects.open_on(today)
        .filter(kind=OfferKind.VOLUNTEER)
        .with_open_places()
        .prefetch_related("districts", "agency__districts")
    )
    places = defaultdict(int)
    codes = [d.pk for d in districts]
    for offer in offers:
        named = [d.pk for d in offer.districts.all()] or [
            d.pk for d in offer.agency.districts.all()
        ]
        left = max(offer.open_places, 0)
        for code in named or codes:
            places[code] += left
    return places
