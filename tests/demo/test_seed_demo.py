"""seed_demo: the demo programme at its real size, its logins, and how reruns behave."""

import datetime as dt
import hashlib
from io import StringIO

import pytest
from django.conf import settings
from django.contrib.auth import authenticate, get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count, Max, Q
from django.test import RequestFactory
from django.utils import timezone

from agencies.models import District
from households.cases.models import Action, Answer, Graduation, Problem, Round
from households.models import AidCategory, AidRecord, Household, Member, Status, Visit
from kuseaw.national_id import is_valid_national_id
from officials.models import Official, Pairing
from officials.roles import Role, role_of


def programme_digest() -> str:
    """Households (heads, levels, figures), pairings, the IDs and the case plans (rounds,
    problems, actions, graduations): equal digests, equal data."""
    households = (
        Household.objects.with_head_name()
        .order_by("code")
        .values_list("code", "head_name", "annual_income", "joined_on", "poverty_level", "status")
    )
    pairings = Pairing.objects.order_by(
        "household__code", "started_on", "official__user__username"
    ).values_list("household__code", "official__user__username", "started_on", "ended_on")
    ids = Member.objects.order_by("national_id").values_list("national_id", flat=True)
    rounds = Round.objects.order_by("household__code", "assessed_on").values_list(
        "household__code", "assessed_on", "level", "annual_income", "status"
    )
    answers = Answer.objects.order_by("round__household__code", "round__assessed_on").values_list(
        "round__household__code", "indicator__code", "member__national_id", "value"
    )
    problems = Problem.objects.order_by("household__code", "opened_on", "title").values_list(
        "household__code", "title", "opened_on", "status", "solved_by"
    )
    actions = Action.objects.order_by("problem__household__code", "due_on", "what").values_list(
        "problem__household__code", "what", "due_on", "status"
    )
    graduations = Graduation.objects.order_by("household__code").values_list(
        "household__code", "status", "graduated_on"
    )
    queries = (households, pairings, ids, rounds, answers, problems, actions, graduations)
    # Sorted here: the orderings above leave ties (two answers of one round, say).
    text = repr([sorted(map(repr, query)) for query in queries])
    return hashlib.sha256(text.encode()).hexdigest()


# The small runs come first: `seeded` (tests/demo/conftest.py) is set up lazily, so they
# normally see an empty database. They pass after it too (--replace), only slower.


def test_seed_demo_with_the_same_seed_gives_the_same_data(db):
    options = {"households": 60, "officials": 12, "replace": True, "stdout": StringIO()}
    call_command("seed_demo", seed=7, **options)
    first = programme_digest()
    call_command("seed_demo", seed=7, **options)
    assert programme_digest() == first
    call_command("seed_demo", seed=8, **options)
    assert programme_digest() != first


def login_request():
    """A login form's request: django-axes checks every authenticate() against one."""
    return RequestFactory().post("/login/")


def test_seed_demo_small_run_works(db):
    out = StringIO()
    call_command("seed_demo", households=50, officials=10, replace=True, stdout=out)
    assert Household.objects.count() == 50
    assert Official.objects.count() == 10
    assert Household.objects.values("subdistrict__district").distinct().count() == 26
    assert Pairing.objects.open().count() == 10 * settings.KUSEAW_HOUSEHOLDS_PER_OFFICIAL
    assert authenticate(login_request(), username="demo-official", password="kuseaw-demo")
    assert "50" in out.getvalue()


def test_seed_demo_builds_the_programme_at_its_target_size(seeded, db):
    assert Household.objects.count() == 1174
    assert Official.objects.count() == 330
    assert Official.objects.values("agency").distinct().count() == 15
    used = Household.objects.values("subdistrict__district").distinct().count()
    assert used == District.objects.count() == 26
    assert "1,174" in seeded


def test_seed_demo_keeps_every_official_within_the_cap(seeded, db):
    cap = settings.KUSEAW_HOUSEHOLDS_PER_OFFICIAL
    busiest = Official.objects.with_open_pairings().aggregate(most=Max("open_pairings"))
    assert busiest["most"] == cap


def test_seed_demo_gives_no_household_two_open_pairings(seeded, db):
    doubled = (
        Household.objects.annotate(
            open_pairings=Count("pairings", filter=Q(pairings__ended_on__isnull=True))
        )
        .filter(open_pairings__gt=1)
        .count()
    )
    assert doubled == 0


def test_seed_demo_leaves_the_other_households_unpaired(seeded, db):
    open_pairings = Pairing.objects.open().count()
    graduated = Household.objects.filter(status=Status.GRADUATED).count()
    unpaired = Household.objects.unpaired().count()
    assert unpaired == 1174 - open_pairings - graduated
    assert unpaired > 0


def test_seed_demo_keeps_some_ended_pairings_as_history(seeded, db):
    ended = Pairing.objects.filter(ended_on__isnull=False)
    assert ended.exists()
    assert not ended.filter(end_reason="").exists()


def test_seed_demo_gives_every_household_exactly_one_head(seeded, db):
    heads = Household.objects.annotate(
        heads=Count("members", filter=Q(members__is_head=True))
    ).values_list("heads", flat=True)
    assert set(heads) == {1}
    assert not Member.objects.filter(is_head=True).exclude(relation="head").exists()
    sizes = Household.objects.annotate(n=Count("members")).values_list("n", flat=True)
    assert min(sizes) >= 1 and max(sizes) <= 7


def test_seed_demo_national_ids_are_valid_and_unique(seeded, db):
    ids = list(Member.objects.values_list("national_id", flat=True))
    ids += Official.objects.values_list("national_id", flat=True)
    assert all(is_valid_national_id(value) for value in ids)
    assert len(set(ids)) == len(ids)


def test_seed_demo_records_visits_and_aid_in_the_last_year(seeded, db):
    today = timezone.localdate()
    year_ago = today - dt.timedelta(days=365)
    visited = set(
        Visit.objects.filter(visited_on__gte=year_ago, visited_on__lte=today).values_list(
            "household_id", flat=True
        )
    )
    paired = set(Pairing.objects.open().values_list("household_id", flat=True))
    assert paired <= visited
    last_visits = (
        Household.objects.filter(id__in=Pairing.objects.open().values("household_id"))
        .annotate(last=Max("visits__visited_on"))
        .values_list("last", flat=True)
    )
    overdue = [day for day in last_visits if (today - day).days > 30]
    assert 0 < len(overdue) < len(last_visits) / 2
    categories = set(AidRecord.objects.values_list("category", flat=True))
    assert categories == set(AidCategory.values)
    assert AidRecord.objects.exclude(partner="").filter(agency__isnull=True).exists()


@pytest.mark.parametrize(
    ("username", "role"),
    [
        ("demo-official", Role.OFFICIAL),
        ("demo-coordinator", Role.COORDINATOR),
        ("demo-district", Role.DISTRICT),
        ("demo-province", Role.PROVINCE),
        ("demo-admin", Role.ADMIN),
    ],
)
def test_seed_demo_login_authenticates_in_its_role(seeded, db, username, role):
    user = authenticate(login_request(), username=username, password="kuseaw-demo")
    assert user is not None
    assert role_of(user) == role


def test_seed_demo_logins_have_their_scope(seeded, db):
    users = get_user_model().objects
    assert users.get(username="demo-coordinator").staff_profile.agency.code == "CDD"
    assert users.get(username="demo-district").staff_profile.district_id == "4001"
    admin = users.get(username="demo-admin")
    assert admin.is_staff and admin.is_superuser
    official = Official.objects.get(user__username="demo-official")
    assert Pairing.objects.open().filter(official=official).count() == 2
    # Every other official has no usable password: only the five demo logins can sign in.
    others = users.filter(official__isnull=False).exclude(username="demo-official")
    assert not any(user.has_usable_password() for user in others)


def test_seed_demo_refuses_a_second_run_without_replace(seeded, db):
    before = programme_digest()
    with pytest.raises(CommandError, match="--replace"):
        call_command("seed_demo", households=50, officials=10, stdout=StringIO())
    assert Household.objects.count() == 1174
    assert programme_digest() == before
