"""What a family profile holds, read for one household or a batch in a fixed number of
queries (not one per household): the household with its current members, its buddy now,
the latest complete round with its capitals and unmet answers, the problems of its plan
with their actions, and the counts and last few of its visits and aid.

Whether a profile shows national IDs whole is households.access.permissions_for's
`see_national_ids`, asked per household.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, F, Max, Prefetch, Sum, Window
from django.db.models.functions import RowNumber

from households.access import permissions_for
from households.cases.models import Action, Answer, AnswerValue, Capital, Problem, Round
from households.models import AidRecord, Household, Member, Visit
from officials.models import Pairing

# How many of the latest visits and aid records a profile lists (the rest are counted).
RECENT = 3


@dataclass
class Profile:
    household: Household
    members: list[Member]
    show_national_ids: bool
    pairing: Pairing | None = None
    round: Round | None = None
    capitals: dict[str, Capital] = field(default_factory=dict)
    unmet: list[Answer] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    visit_count: int = 0
    last_visit: dt.date | None = None
    visits: list[Visit] = field(default_factory=list)
    aid_count: int = 0
    aid_total: Decimal = Decimal("0")
    aid: list[AidRecord] = field(default_factory=list)

    @property
    def head(self) -> Member | None:
        return next((m for m in self.members if m.is_head), None)


def _grouped(rows, key: str) -> dict[int, list]:
    grouped = defaultdict(list)
    for row in rows:
        grouped[getattr(row, key)].append(row)
    return grouped


def _latest(queryset, order: tuple[str, ...]):
    """The first RECENT rows of each household by `order` (one query, a window function)."""
    ranked = queryset.annotate(
        rank=Window(RowNumber(), partition_by=[F("household_id")], order_by=list(order))
    )
    return ranked.filter(rank__lte=RECENT).order_by("household_id", "rank")


def profiles_for(user, households) -> list[Profile]:
    """The profiles of `households` (a queryset the caller has scoped with visible_to), in
    its order."""
    households = list(households.select_related("subdistrict__district"))
    ids = [h.pk for h in households]
    members = _grouped(
        Member.objects.current()
        .filter(household_id__in=ids)
        .order_by("-is_head", "birth_date", "id"),
        "household_id",
    )
    pairings = {
        p.household_id: p
        for p in Pairing.objects.open()
        .filter(household_id__in=ids)
        .select_related("official__user", "official__agency")
    }
    rounds = {
        r.household_id: r
        for r in Round.objects.complete()
        .filter(household_id__in=ids)
        .select_related("official__user")
        .order_by("household_id", "-assessed_on", "-id")
        .distinct("household_id")
    }
    round_ids = [r.pk for r in rounds.values()]
    capitals = _grouped(Capital.objects.filter(round_id__in=round_ids), "round_id")
    unmet = _grouped(
        Answer.objects.filter(round_id__in=round_ids, value=AnswerValue.NOT_MET)
        .select_related("indicator", "member")
        .order_by("indicator__order", "indicator__code", "member_id"),
        "round_id",
    )
    actions = Action.objects.select_related("agency").order_by("due_on", "id")
    problems = _grouped(
        Problem.objects.filter(household_id__in=ids)
        .select_related("member", "indicator")
        .prefetch_related(Prefetch("actions", queryset=actions))
        .order_by("opened_on", "id"),
        "household_id",
    )
    visits_of = Visit.objects.filter(household_id__in=ids)
    visit_counts = {
        row["household_id"]: row
        for row in visits_of.order_by()
        .values("household_id")
        .annotate(n=Count("id"), last=Max("visited_on"))
    }
    recent_visits = _grouped(
        _latest(visits_of.select_related("official__user"), ("-visited_on", "-id")),
        "household_id",
    )
    aid_of = AidRecord.objects.filter(household_id__in=ids)
    aid_counts = {
        row["household_id"]: row
        for row in aid_of.order_by()
        .values("household_id")
        .annotate(n=Count("id"), total=Sum("value"))
    }
    recent_aid = _grouped(
        _latest(aid_of.select_related("agency"), ("-given_on", "-id")), "household_id"
    )

    profiles = []
    for household in households:
        pk = household.pk
        latest = rounds.get(pk)
        visited, aided = visit_counts.get(pk, {}), aid_counts.get(pk, {})
        profiles.append(
            Profile(
                household=household,
                members=members.get(pk, []),
                show_national_ids=permissions_for(user, household).see_national_ids,
                pairing=pairings.get(pk),
                round=latest,
                capitals={c.kind: c for c in capitals.get(latest.pk, [])} if latest else {},
                unmet=unmet.get(latest.pk, []) if latest else [],
                problems=problems.get(pk, []),
                visit_count=visited.get("n", 0),
                last_visit=visited.get("last"),
                visits=recent_visits.get(pk, []),
                aid_count=aided.get("n", 0),
                aid_total=aided.get("total") or Decimal("0"),
                aid=recent_aid.get(pk, []),
            )
        )
    return profiles
