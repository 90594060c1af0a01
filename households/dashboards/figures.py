"""The figures of the dashboards, counted in SQL: a fixed handful of grouped queries per page,
however many households there are (the lists show 50 rows a page).

Every function takes Filters (filters.py), which carry the user's Scope: households come
from Household.objects.visible_to(user), officials from Official.objects.visible_to(user).

What the words mean (the pages say it too):
* paired: the household has a buddy now (an open pairing);
* waiting: in the programme (status active) and no buddy now;
* overdue: in the programme, with a buddy, and no visit in KUSEAW_VISIT_OVERDUE_DAYS days
  (a waiting household has nobody to visit it yet: it counts as waiting): overdue_q in
  households.models, as on the household list; its no_recent_visit is the case page's mark;
* reached the threshold: annual income ÷ current members ≥ the line in force today
  (KUSEAW_JPT_INCOME_THRESHOLDS):
  reaches_income_threshold in households.models, as on the household list and the case page;
* change of level: the poverty level today against `poverty_level_at_entry`;
* aid: records not cancelled, on the day given (`given_on`), within the period.

Speed (bench/dashboards.py): visits and aid are counted from the indexes on their day
(households migration 0006) without reading the rows; visits come back per day (at most
~400 rows: the 30-day count and the months come from the same query), aid per month, area
and status; subqueries are uncorrelated, so each is hashed once; when the scope is every
household, the IN (…) over all of them is left out.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import (
    Count,
    DateField,
    DecimalField,
    F,
    Func,
    IntegerField,
    Max,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce, Concat
from django.utils import timezone

from agencies.models import Agency, District
from households.dashboards.filters import Filters, Period, household_list_filter
from households.models import (
    AidCategory,
    AidRecord,
    AidStatus,
    Household,
    Member,
    PovertyLevel,
    Status,
    Visit,
    overdue_q,
    paired_ids,
    reaches_income_threshold,
)
from officials.models import Pairing

ZERO = Decimal("0")
LATEST_ROWS = 20
VISITS_LAST_DAYS = 30


def _unrestricted(households) -> bool:
    """The queryset holds every household (a provincial user, no filter): then a visit's or
    an aid record's household is always in it, and the IN (…) over 100,000 ids is skipped."""
    query = households.query
    return not query.where and not query.is_sliced and not query.combinator


def _of(queryset, households, field_name="household"):
    """Visits, aid records or pairings of these households."""
    if _unrestricted(households):
        return queryset
    return queryset.filter(**{f"{field_name}__in": households})


# -- households: levels, pairings, income ----------------------------------------------------


def pairing_counts(households, today: dt.date, *, by_district=False) -> list[dict]:
    """From the open pairings of these households (one at most per household): `paired`,
    `paired_active` (of those, in the programme) and `overdue` (of those, no visit in
    KUSEAW_VISIT_OVERDUE_DAYS days: overdue_q); per district with by_district."""
    active = Q(household__status=Status.ACTIVE)
    pairings = _of(Pairing.objects.open(), households).order_by()
    if by_district:
        pairings = pairings.values("household__subdistrict__district_id")
    else:
        pairings = pairings.values("ended_on")  # NULL for every open pairing: one group
    return list(
        pairings.annotate(
            paired=Count("household_id"),
            paired_active=Count("household_id", filter=active),
            overdue=Count("household_id", filter=overdue_q(today, of_open_pairings=True)),
        )
    )


def _reached_sql() -> tuple[str, list]:
    """households.models.reaches_income_threshold compiled by Django for household_groups'
    SQL, where `m.members` holds the current members and `hh.annual_income` the income."""
    query = Household.objects.all().query
    reached = reaches_income_threshold(
        RawSQL("m.members", (), output_field=IntegerField()),
        RawSQL("hh.annual_income", (), output_field=DecimalField()),
    )
    sql, params = query.get_compiler(connection=connection).compile(query.build_where(reached))
    return sql, list(params)


def household_groups(households) -> list[dict]:
    """Households counted by status, level at entry, level now and `reached` (annual income
    per current member at or above the จปฐ. line: the test of
    households.models.reaches_income_threshold, compiled into the query): one query.

    Raw SQL because the ORM cannot join a grouped count back: for every household, the
    current members are counted in one grouped pass over the index
    member_current_by_household; for a narrower scope (the queryset's, as IN (…)), by one
    probe of that index for each of its households.
    """
    quote = connection.ops.quote_name
    reached, reached_params = _reached_sql()
    member = quote(Member._meta.db_table)
    # The SQL below is put together from quoted table names and Django's own compiled SQL
    # for the threshold test and the scope; every value (the threshold, the scope's
    # parameters) is a parameter.
    if _unrestricted(households):
        # bandit B608: a quoted table name; no value in the text.
        members = (  # nosec B608
            f"""LEFT JOIN (
            SELECT household_id, COUNT(*) AS members FROM {member}
            WHERE left_on IS NULL GROUP BY household_id
        ) m ON m.household_id = hh.id"""
        )
        where, params = "", reached_params
    else:
        # bandit B608: a quoted table name; no value in the text.
        members = (  # nosec B608
            f"""LEFT JOIN LATERAL (
            SELECT COUNT(*) AS members FROM {member}
            WHERE household_id = hh.id AND left_on IS NULL
        ) m ON TRUE"""
        )
        ids_sql, ids_params = households.order_by().values("id").query.sql_with_params()
        where, params = f"WHERE hh.id IN ({ids_sql})", [*reached_params, *ids_params]
    # bandit B608: quoted table names and Django's compiled SQL; values are parameters.
    sql = (  # nosec B608
        f"""
        SELECT hh.status, hh.poverty_level_at_entry, hh.poverty_level,
               COALESCE({reached}, FALSE),
               COUNT(*)
        FROM {quote(Household._meta.db_table)} hh
        {members}
        {where}
        GROUP BY 1, 2, 3, 4
    """
    )
    with connection.cursor() as cursor:
        if where:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        else:
            # Both sides come sorted by household id (the primary key, the member index): a
            # merge join streams them, where the hash join PostgreSQL prefers first builds a
            # table of every household. A third faster at 100,000 (measured side by side).
            with transaction.atomic():
                cursor.execute("SET LOCAL enable_hashjoin = off")
                cursor.execute(sql, params)
                rows = cursor.fetchall()
                cursor.execute("SET LOCAL enable_hashjoin TO DEFAULT")
        return [
            {
                "status": status,
                "poverty_level_at_entry": entry,
                "poverty_level": level,
                "reached": reached,
                "n": n,
            }
            for status, entry, level, reached, n in rows
        ]


# -- visits and aid by day, folded into months ----------------------------------------------


def visits_by_day(households, start: dt.date, end: dt.date) -> dict[dt.date, int]:
    visits = _of(Visit.objects.filter(visited_on__gte=start, visited_on__lte=end), households)
    return dict(
        visits.order_by().values("visited_on").annotate(n=Count("*")).values_list("visited_on", "n")
    )


def aid_in(households, period: Period):
    """Aid records of these households given within the period, cancelled ones left out."""
    records = AidRecord.objects.filter(given_on__gte=period.start, given_on__lte=period.end)
    return _of(records.exclude(status=AidStatus.CANCELLED), households)


def visits_in(households, period: Period):
    return _of(
        Visit.objects.filter(visited_on__gte=period.start, visited_on__lte=period.end), households
    )


def month_of(day: dt.date) -> dt.date:
    return day.replace(day=1)


class MonthOf(Func):
    """The first day of a date's month, in SQL. Through `timestamp` (no time zone): Django's
    TruncMonth on a date goes through `timestamptz`, several times slower per row."""

    template = "DATE_TRUNC('month', %(expressions)s::timestamp)::date"
    output_field = DateField()


# -- the overview --------------------------------------------------------------------------


@dataclass(frozen=True)
class LevelRow:
    """Households at one poverty level now and when they entered the programme."""

    level: PovertyLevel
    now: int
    at_entry: int
    total: int

    @property
    def change(self) -> int:
        return self.now - self.at_entry

    @property
    def percent(self) -> int | None:
        return round(100 * self.now / self.total) if self.total else None

    @property
    def percent_at_entry(self) -> int | None:
        return round(100 * self.at_entry / self.total) if self.total else None


@dataclass(frozen=True)
class TransitionRow:
    """Households that entered at `level`, by their level now (poorest first)."""

    level: PovertyLevel
    now: list[int]

    @property
    def total(self) -> int:
        return sum(self.now)


@dataclass(frozen=True)
class AidRow:
    """Aid in one of the four areas within the period (cancelled records left out)."""

    category: AidCategory
    records: int
    baht: Decimal
    done: int
    done_baht: Decimal


@dataclass(frozen=True)
class MonthRow:
    month: dt.date  # the first day of the month
    visits: int
    aid_records: int
    aid_baht: Decimal


@dataclass
class Overview:
    period: Period
    total: int = 0
    active: int = 0
    graduated: int = 0
    left: int = 0  # moved away, deceased or dissolved
    paired: int = 0
    waiting: int = 0
    overdue: int = 0
    reached_threshold: int = 0
    better: int = 0
    same: int = 0
    worse: int = 0
    levels: list[LevelRow] = field(default_factory=list)
    transitions: list[TransitionRow] = field(default_factory=list)
    officials_active: int | None = None
    visits_30d: int = 0
    aid: list[AidRow] = field(default_factory=list)
    months: list[MonthRow] = field(default_factory=list)

    @property
    def visits_period(self) -> int:
        return sum(row.visits for row in self.months)

    @property
    def aid_records(self) -> int:
        return sum(row.records for row in self.aid)

    @property
    def aid_baht(self) -> Decimal:
        return sum((row.baht for row in self.aid), ZERO)

    @property
    def aid_done(self) -> int:
        return sum(row.done for row in self.aid)

    @property
    def aid_done_baht(self) -> Decimal:
        return sum((row.done_baht for row in self.aid), ZERO)


def overview(filters: Filters, *, today: dt.date | None = None) -> Overview:
    """Every figure of the overview page in five queries, whatever the number of households."""
    today = today or timezone.localdate()
    households = filters.households()
    result = Overview(period=filters.period)
    _add_levels(result, household_groups(households))
    for row in pairing_counts(households, today):
        result.paired += row["paired"]
        result.waiting -= row["paired_active"]
        result.overdue += row["overdue"]
    result.waiting += result.active
    if not filters.scope.personal:
        result.officials_active = filters.officials().filter(is_active=True).count()
    _add_visits(result, households, today)
    _add_aid(result, households)
    return result


def _add_levels(result: Overview, groups: list[dict]) -> None:
    now, entry, matrix = defaultdict(int), defaultdict(int), defaultdict(int)
    for group in groups:
        n, status = group["n"], group["status"]
        level, at_entry = group["poverty_level"], group["poverty_level_at_entry"]
        result.total += n
        result.reached_threshold += n if group["reached"] else 0
        if status == Status.ACTIVE:
            result.active += n
        elif status == Status.GRADUATED:
            result.graduated += n
        else:
            result.left += n
        now[level] += n
        entry[at_entry] += n
        matrix[(at_entry, level)] += n
        # Levels count poorest first: a higher number is a better-off household.
        if level > at_entry:
            result.better += n
        elif level < at_entry:
            result.worse += n
        else:
            result.same += n
    result.levels = [
        LevelRow(level, now[level.value], entry[level.value], result.total)
        for level in PovertyLevel
    ]
    result.transitions = [
        TransitionRow(level, [matrix[(level.value, later)] for later in PovertyLevel.values])
        for level in PovertyLevel
    ]


def _add_visits(result: Overview, households, today: dt.date) -> None:
    """Visits per month of the period and in the last 30 days: one query, by day."""
    period = result.period
    recent = today - dt.timedelta(days=VISITS_LAST_DAYS)
    days = visits_by_day(households, min(period.start, recent), max(period.end, today))
    per_month = defaultdict(int)
    for day, n in days.items():
        if period.start <= day <= period.end:
            per_month[month_of(day)] += n
        if recent <= day <= today:
            result.visits_30d += n
    result.months = [MonthRow(month, per_month[month], 0, ZERO) for month in period.months]


def _add_aid(result: Overview, households) -> None:
    """Aid per area and per month of the period: one query, by month, area and status."""
    rows = (
        aid_in(households, result.period)
        .annotate(month=MonthOf("given_on"))
        .order_by()
        .values("month", "category", "status")
        .annotate(n=Count("*"), baht=Coalesce(Sum("value"), ZERO))
    )
    areas = defaultdict(lambda: {"records": 0, "baht": ZERO, "done": 0, "done_baht": ZERO})
    months = defaultdict(lambda: [0, ZERO])
    for row in rows:
        area = areas[row["category"]]
        area["records"] += row["n"]
        area["baht"] += row["baht"]
        if row["status"] == AidStatus.DONE:
            area["done"] += row["n"]
            area["done_baht"] += row["baht"]
        month = months[row["month"]]
        month[0] += row["n"]
        month[1] += row["baht"]
    result.aid = [AidRow(category, **areas[category.value]) for category in AidCategory]
    result.months = [
        MonthRow(row.month, row.visits, months[row.month][0], months[row.month][1])
        for row in result.months
    ]


# -- breakdowns ------------------------------------------------------------------------------


@dataclass(frozen=True)
class DistrictRow:
    district: District
    total: int
    paired: int
    waiting: int
    overdue: int
    visits: int
    aid_records: int
    aid_baht: Decimal


def by_district(filters: Filters, *, today: dt.date | None = None) -> list[DistrictRow]:
    """One row per district with households in scope (all 26 for the whole province)."""
    today = today or timezone.localdate()
    households = filters.households()
    counts = defaultdict(lambda: {"total": 0, "paired": 0, "waiting": 0, "overdue": 0})
    per_district = (
        households.order_by()
        .values("subdistrict__district_id")
        .annotate(total=Count("*"), active=Count("id", filter=Q(status=Status.ACTIVE)))
    )
    for group in per_district:
        row = counts[group["subdistrict__district_id"]]
        row["total"], row["waiting"] = group["total"], group["active"]
    for group in pairing_counts(households, today, by_district=True):
        row = counts[group["household__subdistrict__district_id"]]
        row["paired"] += group["paired"]
        row["waiting"] -= group["paired_active"]
        row["overdue"] += group["overdue"]
    key = "household__subdistrict__district_id"
    visits = dict(
        visits_in(households, filters.period)
        .order_by()
        .values(key)
        .annotate(n=Count("*"))
        .values_list(key, "n")
    )
    aid = {
        row[key]: row
        for row in aid_in(households, filters.period)
        .order_by()
        .values(key)
        .annotate(n=Count("*"), baht=Coalesce(Sum("value"), ZERO))
    }
    districts = District.objects.order_by("code")
    if filters.district is not None:
        districts = districts.filter(pk=filters.district.pk)
    elif not filters.scope.whole_province:
        districts = districts.filter(pk__in=list(counts))
    no_aid = {"n": 0, "baht": ZERO}
    return [
        DistrictRow(
            district=district,
            **counts[district.pk],
            visits=visits.get(district.pk, 0),
            aid_records=aid.get(district.pk, no_aid)["n"],
            aid_baht=aid.get(district.pk, no_aid)["baht"],
        )
        for district in districts
    ]


@dataclass(frozen=True)
class AgencyRow:
    agency: Agency | None  # None: aid from partners outside the agency list
    officials: int
    households: int
    overdue: int
    visits: int
    aid_records: int
    aid_baht: Decimal


def by_agency(filters: Filters, *, today: dt.date | None = None) -> list[AgencyRow]:
    """Per agency: its active officials in scope, the households in scope its officials look
    after now (and how many of those are overdue), the visits its officials made in the
    period, and the aid it gave in the period. A last row holds aid from partners."""
    today = today or timezone.localdate()
    households = filters.households()
    officials = dict(
        filters.officials()
        .filter(is_active=True)
        .order_by()
        .values("agency_id")
        .annotate(n=Count("*"))
        .values_list("agency_id", "n")
    )
    looked_after = {
        row["official__agency_id"]: row
        for row in _of(Pairing.objects.open(), households)
        .order_by()
        .values("official__agency_id")
        .annotate(
            n=Count("*"),
            overdue=Count("household_id", filter=overdue_q(today, of_open_pairings=True)),
        )
    }
    visits = dict(
        visits_in(households, filters.period)
        .order_by()
        .values("official__agency_id")
        .annotate(n=Count("*"))
        .values_list("official__agency_id", "n")
    )
    aid = {
        row["agency_id"]: row
        for row in aid_in(households, filters.period)
        .order_by()
        .values("agency_id")
        .annotate(n=Count("*"), baht=Coalesce(Sum("value"), ZERO))
    }
    agencies = Agency.objects.order_by("name_th")
    if filters.agency is not None:
        agencies = agencies.filter(pk=filters.agency.pk)
    elif not filters.scope.whole_province:
        agencies = agencies.filter(pk__in={*officials, *looked_after, *visits, *aid} - {None})
    no_pairs, no_aid = {"n": 0, "overdue": 0}, {"n": 0, "baht": ZERO}
    rows = [
        AgencyRow(
            agency=agency,
            officials=officials.get(agency.pk, 0),
            households=looked_after.get(agency.pk, no_pairs)["n"],
            overdue=looked_after.get(agency.pk, no_pairs)["overdue"],
            visits=visits.get(agency.pk, 0),
            aid_records=aid.get(agency.pk, no_aid)["n"],
            aid_baht=aid.get(agency.pk, no_aid)["baht"],
        )
        for agency in agencies
    ]
    if filters.agency is None and None in aid:
        rows.append(AgencyRow(None, 0, 0, 0, 0, aid[None]["n"], aid[None]["baht"]))
    return rows


def officials_list(filters: Filters):
    """Officials in scope, narrowed by agency and the district they work in: active first,
    by name. The page shows 50 at a time; add_official_figures gives each its numbers."""
    return (
        filters.officials()
        .select_related("user", "agency", "district")
        .order_by("-is_active", "user__first_name", "user__last_name", "pk")
    )


def add_official_figures(filters: Filters, officials, *, today: dt.date | None = None) -> list:
    """Set `households_now` (in the user's scope, looked after now), `overdue`,
    `visits_in_period` and `last_visit` on each official: two grouped queries for the lot.

    `officials` is a list (one page) or a queryset (the whole list, for the export)."""
    today = today or timezone.localdate()
    households, period = filters.scope.households, filters.period
    rows = list(officials)
    # One page (a list, or a slice of the list): a few households; else the whole list.
    page = not hasattr(officials, "query") or officials.query.is_sliced
    ids = officials if hasattr(officials, "query") else [official.pk for official in rows]
    overdue = overdue_q(today, of_open_pairings=True, few=page)
    pairs = {
        row["official_id"]: row
        for row in _of(Pairing.objects.open(), households)
        .filter(official__in=ids)
        .order_by()
        .values("official_id")
        .annotate(n=Count("household_id"), overdue=Count("household_id", filter=overdue))
    }
    in_period = Q(visited_on__gte=period.start, visited_on__lte=period.end)
    visits = {
        row["official_id"]: row
        for row in _of(Visit.objects.all(), households)
        .filter(official__in=ids)
        .order_by()
        .values("official_id")
        .annotate(n=Count("household_id", filter=in_period), last=Max("visited_on"))
    }
    for official in rows:
        pair = pairs.get(official.pk, {"n": 0, "overdue": 0})
        visit = visits.get(official.pk, {"n": 0, "last": None})
        official.households_now, official.overdue = pair["n"], pair["overdue"]
        official.visits_in_period, official.last_visit = visit["n"], visit["last"]
    return rows


# -- lists -----------------------------------------------------------------------------------


def household_list(filters: Filters, *, today: dt.date | None = None):
    """The households a drill-down ends in: filtered, with head, buddy and last visit."""
    today = today or timezone.localdate()
    households = household_list_filter(filters.households(), filters.extra, today=today)
    buddy = Pairing.objects.open().filter(household=OuterRef("pk"))
    return (
        households.select_related("subdistrict__district")
        .with_head_name()
        .annotate(
            buddy_name=Subquery(
                buddy.annotate(
                    name=Concat(
                        "official__user__first_name", Value(" "), "official__user__last_name"
                    )
                ).values("name")[:1]
            ),
            buddy_agency=Subquery(buddy.values("official__agency__short_name_th")[:1]),
            last_visit=Subquery(
                Visit.objects.filter(household=OuterRef("pk"))
                .order_by("-visited_on")
                .values("visited_on")[:1]
            ),
        )
        .order_by("code")
    )


def latest_visits(filters: Filters, limit: int = LATEST_ROWS) -> list[Visit]:
    return list(
        visits_in(filters.households(), filters.period)
        .select_related("household__subdistrict__district", "official__user", "official__agency")
        .order_by("-visited_on", "-id")[:limit]
    )


def latest_aid(filters: Filters, limit: int = LATEST_ROWS) -> list[AidRecord]:
    """The latest aid records of the period, cancelled ones included (their status shows)."""
    records = AidRecord.objects.filter(
        given_on__gte=filters.period.start, given_on__lte=filters.period.end
    )
    return list(
        _of(records, filters.households())
        .select_related("household__subdistrict__district", "agency")
        .order_by("-given_on", "-id")[:limit]
    )


def longest_not_visited(
    filters: Filters, limit: int = LATEST_ROWS, *, today: dt.date | None = None
) -> list[Household]:
    """Households in the programme with a buddy, never visited or visited longest ago first,
    each with `last_visit` and `days_since` (None: never visited)."""
    today = today or timezone.localdate()
    last = Visit.objects.filter(household=OuterRef("pk")).order_by("-visited_on")
    rows = list(
        filters.households()
        .filter(id__in=paired_ids(), status=Status.ACTIVE)
        .select_related("subdistrict__district")
        .with_head_name()
        .annotate(last_visit=Subquery(last.values("visited_on")[:1]))
        .order_by(F("last_visit").asc(nulls_first=True), "code")[:limit]
    )
    for household in rows:
        last_visit = household.last_visit
        household.days_since = None if last_visit is None else (today - last_visit).days
    return rows
