"""The case-plan figures (แผนพัฒนาครัวเรือน), counted in SQL: a fixed handful of grouped
queries per page, however many households, problems, actions and rounds there are.

Every function takes Filters (filters.py), which carry the user's Scope
(Household.objects.visible_to). What the words mean (the page says it too):

* a household's agency and official are its buddy's now, or its last buddy's when it has
  none any more (PlanFigures.latest_official): a graduated household still counts under the
  agency that looked after it. The agency filter of these pages narrows the same way
  (Filters.households(by_last_buddy=True));
* problems: every problem of the plan, by its dimension and how it stands (Problem.status,
  Problem.solved_by); the share solved is solved ÷ all problems;
* actions overdue: Action.objects.overdue(today) (open, due before today), by the owner:
  an agency, or partners and the household itself as one row each (counted from
  OpenActionFigures, the open actions kept per household, owner and due date);
* the graduation funnel counts households: in the programme (status active), with a
  proposal waiting (a Graduation proposed), graduated (approved), still out at the
  STILL_OUT_MONTHS check (done, outcome still out) and relapsed (a graduation reopened);
* level changes between rounds: for each household with at least two complete rounds, the
  level of its first complete round against that of its latest.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db import connection
from django.db.models import Count, F, Max, Min, Q, Sum
from django.db.models.expressions import RawSQL
from django.db.models.lookups import Lookup
from django.utils import timezone

from agencies.models import Agency, District, Need, Subdistrict
from households.cases.models import (
    CheckOutcome,
    Graduation,
    GraduationStatus,
    OpenActionFigures,
    OwnerKind,
    PlanFigures,
    Problem,
    ProblemStatus,
    Round,
    SolvedBy,
)
from households.dashboards.figures import _of
from households.dashboards.filters import Filters
from households.models import Household, PovertyLevel, Status
from officials.roles import Role

# The follow-up check after which a graduated household counts as still out of poverty.
STILL_OUT_MONTHS = 12


def plan_households(filters: Filters):
    """The households these figures count: in scope, narrowed as the case plans attribute
    a household (its buddy now, or its last)."""
    return filters.households(by_last_buddy=True)


class _AnyOf(Lookup):
    """`column = ANY(%s)`: the ids as one array parameter, however many there are."""

    lookup_name = "any_of"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        return f"{lhs} = ANY(%s)", (*lhs_params, list(self.rhs))


class HouseholdIds(list):
    """The ids of one page's households, fetched once (page_households)."""


def page_households(filters: Filters):
    """plan_households for the several queries of one page. When the scope or the filter
    goes through the pairings (a coordinator's or an official's households, the agency
    filter's latest buddy), it is fetched once as ids (one query), which the page's queries
    read as an array on the problems', rounds', pairings' own household column (_in):
    each would otherwise work the pairings out again, and the array reads those tables'
    household indexes directly. The whole province (no condition) and a district (a join on
    the subdistrict, well estimated) stay a queryset (bench/case_plan_dashboards.py)."""
    households = plan_households(filters)
    if filters.agency is None and filters.scope.role not in (Role.COORDINATOR, Role.OFFICIAL):
        return households
    return HouseholdIds(households.order_by().values_list("id", flat=True))


def _in(queryset, households, field_name="household"):
    """_of, for a page's households: a queryset, or HouseholdIds."""
    if isinstance(households, HouseholdIds):
        return queryset.filter(_AnyOf(F(f"{field_name}_id"), households))
    return _of(queryset, households, field_name)


def _as_queryset(households):
    """The households themselves, from a queryset or HouseholdIds."""
    if isinstance(households, HouseholdIds):
        return Household.objects.filter(_AnyOf(F("id"), households))
    return households


def _households(filters: Filters, households):
    """The page's households when given (page_households), else plan_households."""
    return plan_households(filters) if households is None else households


# -- problems: by dimension, and the share solved by district and agency --------------------


@dataclass(frozen=True)
class Share:
    """Problems and how they stand: solved, or not possible to solve; the rest are open."""

    problems: int
    solved: int
    not_possible: int

    @property
    def open(self) -> int:
        return self.problems - self.solved - self.not_possible

    @property
    def percent(self) -> int | None:
        """The share solved, in whole per cent (None without problems)."""
        return round(100 * self.solved / self.problems) if self.problems else None


NO_PROBLEMS = {"problems": 0, "solved": 0, "not_possible": 0}


def share_total(rows) -> Share:
    """The sum of the rows' counts, as one Share."""
    return Share(**{name: sum(getattr(row, name) for row in rows) for name in NO_PROBLEMS})


@dataclass(frozen=True)
class DimensionRow(Share):
    dimension: Need
    by_household: int  # of those solved, by the household itself (the rest by the programme)

    @property
    def by_programme(self) -> int:
        return self.solved - self.by_household


@dataclass(frozen=True)
class DistrictShare(Share):
    district: District


@dataclass(frozen=True)
class AgencyShare(Share):
    agency: Agency | None  # None: households that never had a buddy


@dataclass
class ProblemFigures:
    dimensions: list[DimensionRow]
    districts: list[DistrictShare]
    agencies: list[AgencyShare]

    @property
    def total(self) -> DimensionRow:
        return DimensionRow(
            **vars(share_total(self.dimensions)),
            dimension=None,
            by_household=sum(row.by_household for row in self.dimensions),
        )


SOLVED = Q(status=ProblemStatus.SOLVED)
NOT_POSSIBLE = Q(status=ProblemStatus.NOT_POSSIBLE)


def problems_by_dimension(households) -> dict[str, dict]:
    """{dimension: problems, solved, not_possible, by_household}: one grouped query."""
    groups = (
        _in(Problem.objects.all(), households)
        .order_by()
        .values("dimension", "status", "solved_by")
        .annotate(n=Count("*"))
    )
    counts = defaultdict(lambda: {**NO_PROBLEMS, "by_household": 0})
    for group in groups:
        row, n = counts[group["dimension"]], group["n"]
        row["problems"] += n
        if group["status"] == ProblemStatus.SOLVED:
            row["solved"] += n
            row["by_household"] += n if group["solved_by"] == SolvedBy.HOUSEHOLD else 0
        elif group["status"] == ProblemStatus.NOT_POSSIBLE:
            row["not_possible"] += n
    return counts


def problem_shares(households) -> list[tuple]:
    """Problems of these households counted by the household's subdistrict and its buddy's
    agency (now or last): (subdistrict code, agency id or None, problems, solved, not
    possible). One query over PlanFigures, the counts the database keeps per household
    (households/cases/models.py), households without problems left out."""
    return list(
        _in(PlanFigures.objects.filter(problems__gt=0), households)
        .order_by()
        .values_list("subdistrict_id", "latest_official__agency_id")
        .annotate(Sum("problems"), Sum("solved"), Sum("not_possible"))
    )


def problem_figures(filters: Filters) -> ProblemFigures:
    """Problems by dimension, and the share solved per district and per agency (every
    district and agency for the whole province, zeros included). Four queries: two grouped,
    the districts with their subdistricts, the agencies (and the households' ids under a
    coordinator or the agency filter: page_households)."""
    households = page_households(filters)
    by_dimension = problems_by_dimension(households)
    by_district, by_agency = defaultdict(lambda: [0, 0, 0]), defaultdict(lambda: [0, 0, 0])
    shares = problem_shares(households)
    subdistricts = dict(Subdistrict.objects.values_list("code", "district_id"))
    for subdistrict, agency_id, *counts in shares:
        for total, key in ((by_district, subdistricts[subdistrict]), (by_agency, agency_id)):
            total[key] = [a + b for a, b in zip(total[key], counts, strict=True)]
    districts = District.objects.order_by("code")
    agencies = Agency.objects.order_by("name_th")
    if filters.district is not None:
        districts = districts.filter(pk=filters.district.pk)
    elif not filters.scope.whole_province:
        # The districts of the households in scope, with or without problems.
        districts = districts.filter(
            pk__in=_as_queryset(households).values("subdistrict__district_id")
        )
    if filters.agency is not None:
        agencies = agencies.filter(pk=filters.agency.pk)
    elif not filters.scope.whole_province:
        # The agencies of the officials in scope, and any other that was a household's buddy.
        agencies = agencies.filter(
            Q(pk__in=filters.scope.officials.values("agency_id"))
            | Q(pk__in=set(by_agency) - {None})
        )

    def share(counts, key) -> dict:
        return dict(zip(NO_PROBLEMS, counts.get(key, (0, 0, 0)), strict=True))

    agency_rows = [AgencyShare(agency=agency, **share(by_agency, agency.pk)) for agency in agencies]
    if filters.agency is None and None in by_agency:
        agency_rows.append(AgencyShare(agency=None, **share(by_agency, None)))
    return ProblemFigures(
        dimensions=[
            DimensionRow(
                dimension=need,
                **by_dimension.get(need.value, {**NO_PROBLEMS, "by_household": 0}),
            )
            for need in Need
        ],
        districts=[DistrictShare(district=d, **share(by_district, d.pk)) for d in districts],
        agencies=agency_rows,
    )


def add_official_shares(filters: Filters, officials, *, ids=None) -> list:
    """Set `share` (a Share) on each official: the problems of the households in the user's
    scope whose buddy now, or last, they are (PlanFigures.latest_official). One grouped
    query for the lot.

    `officials` is a list (one page) or a queryset; `ids` (a queryset of them, for the whole
    list's export) saves sending every id as a parameter."""
    rows = list(officials)
    if ids is None:
        ids = officials if hasattr(officials, "query") else [official.pk for official in rows]
    counts = {
        row["latest_official_id"]: row
        for row in _of(
            PlanFigures.objects.filter(latest_official__in=ids), filters.scope.households
        )
        .order_by()
        .values("latest_official_id")
        .annotate(**{name: Sum(name) for name in NO_PROBLEMS})
    }
    for official in rows:
        row = counts.get(official.pk) or NO_PROBLEMS
        official.share = Share(**{name: row[name] for name in NO_PROBLEMS})
    return rows


# -- actions overdue by their owner ----------------------------------------------------------


@dataclass(frozen=True)
class OverdueRow:
    owner_kind: OwnerKind
    agency: Agency | None  # for owner_kind agency
    open: int
    overdue: int

    @property
    def owner(self) -> str:
        return str(self.agency) if self.agency is not None else self.owner_kind.label

    @property
    def percent(self) -> int | None:
        return round(100 * self.overdue / self.open) if self.open else None


def overdue_actions(
    filters: Filters, *, today: dt.date | None = None, households=None
) -> list[OverdueRow]:
    """The plans' open actions (Action.objects.open: planned or in progress) and those of
    them overdue (Action.objects.overdue: also due before today), per owning agency, most
    overdue first; then partners and the household itself, one row each. One grouped
    query over OpenActionFigures, the open actions the database keeps counted per household,
    owner and due date (households/cases/models.py), and one for the agencies' names."""
    today = today or timezone.localdate()
    # Action.objects.overdue(today) is the open ones due before today: counted in the same
    # pass over the open ones (tests/dashboards/test_case_plans.py holds them equal).
    overdue = Q(due_on__lt=today)
    groups = (
        _in(OpenActionFigures.objects.all(), _households(filters, households))
        .order_by()
        .values_list("owner_kind", "agency_id")
        .annotate(open=Sum("actions"), overdue=Sum("actions", filter=overdue, default=0))
    )
    by_agency = defaultdict(lambda: [0, 0])
    others = {kind: [0, 0] for kind in (OwnerKind.PARTNER, OwnerKind.HOUSEHOLD)}
    for owner_kind, agency_id, open_, late in groups:
        counts = by_agency[agency_id] if owner_kind == OwnerKind.AGENCY else others[owner_kind]
        counts[0] += open_
        counts[1] += late
    agencies = Agency.objects.in_bulk()  # a handful; one query whatever is overdue
    rows = [
        OverdueRow(OwnerKind.AGENCY, agencies[pk], open_, late)
        for pk, (open_, late) in by_agency.items()
        if pk in agencies
    ]
    rows.sort(key=lambda row: (-row.overdue, -row.open, row.agency.name_th))
    rows += [OverdueRow(OwnerKind(kind), None, *counts) for kind, counts in others.items()]
    return rows


# -- graduation ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Funnel:
    """Households at each step from the programme to staying out of poverty."""

    in_programme: int
    proposed: int
    graduated: int
    still_out: int
    relapsed: int

    def steps(self) -> list[tuple[str, str, int]]:
        """(short label for the chart, label for the table, households), in order."""
        return [
            ("อยู่ในโครงการ", "อยู่ในโครงการ", self.in_programme),
            ("เสนอรออนุมัติ", "เสนอพ้นความยากจน รออนุมัติ", self.proposed),
            ("พ้นความยากจน", "อนุมัติพ้นความยากจนแล้ว", self.graduated),
            (
                f"ยังพ้นครบ {STILL_OUT_MONTHS} เดือน",
                f"ติดตามครบ {STILL_OUT_MONTHS} เดือนแล้วยังพ้นความยากจน",
                self.still_out,
            ),
            ("กลับมายากจน", "ติดตามแล้วพบว่ากลับเข้าสู่ความยากจน", self.relapsed),
        ]


def graduation_funnel(filters: Filters, *, households=None) -> Funnel:
    """Two queries: the households in the programme, and those at each step of graduation
    (each counted once, however many proposals it had)."""
    households = _households(filters, households)
    in_programme = _as_queryset(households).filter(status=Status.ACTIVE).count()
    household = "household_id"
    approved = Q(status=GraduationStatus.APPROVED)
    still_out = approved & Q(
        checks__months=STILL_OUT_MONTHS,
        checks__done_on__isnull=False,
        checks__outcome=CheckOutcome.STILL_OUT,
    )
    counts = _in(Graduation.objects.all(), households).aggregate(
        proposed=Count(household, distinct=True, filter=Q(status=GraduationStatus.PROPOSED)),
        graduated=Count(household, distinct=True, filter=approved),
        still_out=Count(household, distinct=True, filter=still_out),
        relapsed=Count(household, distinct=True, filter=Q(status=GraduationStatus.REOPENED)),
    )
    return Funnel(in_programme=in_programme, **counts)


# -- poverty levels between rounds ----------------------------------------------------------


@dataclass(frozen=True)
class LevelChangeRow:
    """Households whose first complete round found `level`, by their latest round's level."""

    level: PovertyLevel
    latest: list[int]

    @property
    def total(self) -> int:
        return sum(self.latest)


@dataclass
class LevelChanges:
    rows: list[LevelChangeRow]
    better: int = 0
    same: int = 0
    worse: int = 0

    @property
    def total(self) -> int:
        return self.better + self.same + self.worse


# A round as one number that sorts like (assessed_on, id) and carries its level:
# days since 2000 × 2^36 + id × 8 + level (ids below 2^33, levels 1–4). The smallest of a
# household's is its first round, the largest its latest, and the level is the number mod
# 8: MIN and MAX are plain aggregates, where ARRAY_AGG(… ORDER BY …) sorts every household's
# rounds (more than twice as slow at 100,000 households, bench/case_plan_dashboards.py).
ROUND_KEY = (
    "((%(t)s.assessed_on - DATE '2000-01-01')::bigint * 68719476736 + %(t)s.id * 8 + %(t)s.level)"
)
LEVEL_OF_KEY = 8


def level_changes(filters: Filters, *, households=None) -> LevelChanges:
    """The first against the latest complete round of each household with two or more:
    one query, grouped per household and then per (first, latest) pair."""
    key = RawSQL(ROUND_KEY % {"t": connection.ops.quote_name(Round._meta.db_table)}, ())
    rounds = (
        _in(Round.objects.complete(), _households(filters, households))
        .order_by()
        .values("household_id")
        .annotate(rounds=Count("id"), first_key=Min(key), latest_key=Max(key))
        .filter(rounds__gte=2)
        .values("first_key", "latest_key")
    )
    inner, params = rounds.query.sql_with_params()
    # bandit B608: Django's compiled SQL; values are parameters.
    sql = (  # nosec B608
        f"SELECT t.first_key %% {LEVEL_OF_KEY}, t.latest_key %% {LEVEL_OF_KEY}, COUNT(*)"
        f" FROM ({inner}) t GROUP BY 1, 2"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        pairs = {(first, latest): n for first, latest, n in cursor.fetchall()}
    result = LevelChanges(
        rows=[
            LevelChangeRow(level, [pairs.get((level.value, later), 0) for later in PovertyLevel])
            for level in PovertyLevel
        ]
    )
    for (first, latest), n in pairs.items():
        # Levels count poorest first: a higher number is a better-off household.
        if latest > first:
            result.better += n
        elif latest < first:
            result.worse += n
        else:
            result.same += n
    return result


# -- the pages ---------------------------------------------------------------------------


@dataclass
class Progress:
    """The second case-plan page: actions overdue, graduation, levels between rounds."""

    overdue: list[OverdueRow]
    funnel: Funnel
    levels: LevelChanges


def progress(filters: Filters, *, today: dt.date | None = None) -> Progress:
    """Every figure of the progress page: five queries, whatever the number of households
    (and one for the households' ids under a coordinator or the agency filter: page_households)."""
    households = page_households(filters)
    return Progress(
        overdue=overdue_actions(filters, today=today, households=households),
        funnel=graduation_funnel(filters, households=households),
        levels=level_changes(filters, households=households),
    )
