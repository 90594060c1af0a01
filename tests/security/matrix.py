"""docs/permissions.md read as data, the small world its cells are about, and a valid POST
for each action: shared by the permission matrix test and the garbage-input test.

The tables are parsed, not copied: the Markdown file is the one place the rules are written.
"""

import datetime as dt
import re
import uuid
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test import override_settings
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from households.cases.models import Action as CaseAction
from households.cases.models import (
    FollowUpCheck,
    Graduation,
    GraduationStatus,
    OwnerKind,
    Problem,
    Round,
    RoundKind,
    RoundStatus,
)
from households.imports import services as import_services
from households.imports import tasks as import_tasks
from households.models import (
    AidRecord,
    AidStatus,
    Consent,
    ConsentDecision,
    ConsentMethod,
    Household,
    ImportJob,
    ImportStatus,
    Member,
    Visit,
)
from households.referrals.models import Referral
from kuseaw.thaidate import format_be
from officials.models import EndReason, Official, Pairing, StaffProfile
from officials.roles import Role
from officials.services import pairing_create, pairing_end
from tests import factories as f
from tests.imports.conftest import households_file

DOC = Path(settings.BASE_DIR) / "docs" / "permissions.md"

COLUMNS = (
    "anonymous",
    "no role",
    "official: own",
    "official: other",
    "coordinator: in",
    "coordinator: out",
    "district: in",
    "district: out",
    "province",
    "admin",
)
METHODS = {"GET page": "GET", "POST action": "POST"}
WILDCARD = "*"  # `admin:*`: every other admin URL without arguments
_CELL = re.compile(r"^(?:200|400|403|404|405|302 login|302 → [\w:-]+)$")


# -- reading the Markdown ---------------------------------------------------------------


def _cells(line: str) -> list[str]:
    return [cell.strip().strip("`").strip() for cell in line.strip().strip("|").split("|")]


def tables(text: str) -> list[list[dict[str, str]]]:
    """Every Markdown table of the text, as rows keyed by the header's cells."""
    found, lines = [], text.splitlines()
    i = 0
    while i < len(lines):
        if lines[i].startswith("|") and i + 1 < len(lines) and lines[i + 1].startswith("| ---"):
            header, rows = _cells(lines[i]), []
            i += 2
            while i < len(lines) and lines[i].startswith("|"):
                values = _cells(lines[i])
                assert len(values) == len(header), f"docs/permissions.md: bad row {lines[i]!r}"
                rows.append(dict(zip(header, values, strict=True)))
                i += 1
            found.append(rows)
        else:
            i += 1
    return found


def _table_with(headers: tuple[str, ...]) -> list[dict[str, str]]:
    for rows in tables(DOC.read_text(encoding="utf-8")):
        if rows and all(h in rows[0] for h in headers):
            return rows
    raise AssertionError(f"docs/permissions.md has no table with the columns {headers}")


@dataclass(frozen=True)
class Row:
    """One row of the matrix: a URL name and method, and the answer for each column."""

    name: str
    method: str  # "GET" or "POST"
    target: str  # what the URL's arguments point at: "—", "household", "kind=households"…
    meaning: str
    expected: dict[str, str] = field(hash=False)

    @property
    def key(self) -> tuple[str, str]:
        return self.name, self.method


def _check_cell(where: str, cell: str) -> str:
    assert _CELL.match(cell), f"docs/permissions.md, {where}: unknown cell {cell!r}"
    return cell


def matrix() -> list[Row]:
    rows = []
    for raw in _table_with(("URL name", "method", "in the URL", *COLUMNS)):
        assert raw["method"] in METHODS, f"docs/permissions.md: method {raw['method']!r}"
        expected = {c: _check_cell(f"{raw['URL name']} {c}", raw[c]) for c in COLUMNS}
        rows.append(
            Row(
                name=raw["URL name"],
                method=METHODS[raw["method"]],
                target=raw["in the URL"],
                meaning=raw["ความหมาย · meaning"],
                expected=expected,
            )
        )
    keys = [row.key for row in rows]
    assert len(keys) == len(set(keys)), "docs/permissions.md: a URL name and method twice"
    return rows


def targets() -> dict[str, dict[str, str]]:
    """For each kind of object in a URL, the household (or job) each column points it at."""
    return {
        raw["in the URL"]: {c: raw[c] for c in COLUMNS}
        for raw in _table_with(("in the URL", *COLUMNS))
        if "URL name" not in raw
    }


@dataclass(frozen=True)
class EdgeCase:
    name: str
    method: str
    column: str
    household: str
    expected: str


def edge_cases() -> list[EdgeCase]:
    cases = []
    for raw in _table_with(("URL name", "who", "object", "expected")):
        assert raw["who"] in COLUMNS, f"docs/permissions.md: unknown column {raw['who']!r}"
        cases.append(
            EdgeCase(
                name=raw["URL name"],
                method=METHODS[raw["method"]],
                column=raw["who"],
                household=raw["object"],
                expected=_check_cell(f"edge case {raw['URL name']}", raw["expected"]),
            )
        )
    return cases


# -- the URLs of the project ---------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    name: str  # "namespace:name", or the route itself when the pattern has no name
    route: str
    pattern: URLPattern

    @property
    def namespace(self) -> str:
        return self.name.rpartition(":")[0]

    @property
    def takes_arguments(self) -> bool:
        return bool(self.pattern.pattern.regex.groupindex) or "(" in self.route


def routes(patterns=None, prefix="", namespace="") -> list[Route]:
    """Every URL pattern of the project, with its namespaced name."""
    found = []
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            found += routes(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        else:
            route = prefix + str(pattern.pattern)
            name = f"{namespace}:{pattern.name}" if namespace else pattern.name
            found.append(Route(name=name or route, route=route, pattern=pattern))
    return found


# -- the world of the tables -----------------------------------------------------------------


@dataclass
class Case:
    """One household of the world with a record of each kind its URLs point at."""

    household: Household
    head: Member
    member: Member  # a current member who is not the head: editable, able to move out
    aid: AidRecord
    pairing: Pairing | None  # the open pairing, or for H0 the ended one
    # The case plan (households.cases): a complete round, one in progress, an open problem
    # with one action; graduations and follow-up checks are added by build_world.
    round: Round
    draft: Round
    problem: Problem
    action: CaseAction
    graduation: Graduation | None = None
    check: FollowUpCheck | None = None
    # A referral of its problem (households.referrals): H1's to agency A, the others' to B.
    referral: Referral | None = None


@dataclass
class World:
    users: dict[str, object]  # column prefix ("official", "admin"…) → the user, or None
    official_a: Official
    official_b: Official
    official_c: Official
    cases: dict[str, Case]  # "H0"…"H3"
    job: ImportJob

    def user_for(self, column: str):
        return self.users[column.partition(":")[0]]


def make_case(code: str, subdistrict: str) -> Case:
    """A household with a head, a child and an aid record (no pairing yet)."""
    household = f.HouseholdFactory(code=code, subdistrict=f.subdistrict(subdistrict))
    return Case(
        household=household,
        head=f.MemberFactory(household=household),
        member=f.MemberFactory(
            household=household,
            title="ด.ญ.",
            sex="f",
            relation="child",
            is_head=False,
            national_id=None,
            birth_date=dt.date(2012, 8, 1),
        ),
        aid=f.AidRecordFactory(household=household, partner="มูลนิธิทดสอบ"),
        pairing=None,
        **_case_plan(household),
    )


def _case_plan(household) -> dict:
    today = timezone.localdate()
    complete = Round.objects.create(
        household=household,
        kind=RoundKind.ENTRY,
        assessed_on=today - dt.timedelta(days=200),
        status=RoundStatus.COMPLETE,
        members=2,
        annual_income=30000,
        threshold=38000,
        suggested_level=2,
        level=2,
        steps_done=["figures"],
    )
    draft = Round.objects.create(household=household, kind=RoundKind.REVIEW, assessed_on=today)
    problem = Problem.objects.create(
        household=household,
        dimension="income",
        title="รายได้ต่ำกว่าเกณฑ์ จปฐ.",
        found_in=complete,
        opened_on=complete.assessed_on,
    )
    action = CaseAction.objects.create(
        problem=problem, what="ฝึกอาชีพ", owner_kind=OwnerKind.HOUSEHOLD, due_on=today
    )
    return {"round": complete, "draft": draft, "problem": problem, "action": action}


def _graduation(case: Case, status: str, by) -> Graduation:
    return Graduation.objects.create(
        household=case.household,
        round=case.round,
        status=status,
        evidence="รายได้จากอาชีพใหม่",
        household_agrees=True,
        proposed_by=by,
        graduated_on=timezone.localdate() if status == GraduationStatus.APPROVED else None,
    )


def build_world() -> World:
    """The people and households of docs/permissions.md, «The people and the data»."""
    agency_a, agency_b = f.AgencyFactory(code="CDD"), f.AgencyFactory(code="DOE")
    official_a = f.OfficialFactory(agency=agency_a, user__username="official-a")
    official_b = f.OfficialFactory(
        agency=agency_b, district=f.district("4010"), user__username="official-b"
    )
    official_c = f.OfficialFactory(agency=agency_a, user__username="official-c")
    coordinator = f.UserFactory(username="coordinator-a", role=Role.COORDINATOR)
    StaffProfile.objects.create(user=coordinator, agency=agency_a)
    district = f.UserFactory(username="district-4001", role=Role.DISTRICT)
    StaffProfile.objects.create(user=district, district=f.district("4001"))
    users = {
        "anonymous": None,
        "no role": f.UserFactory(username="no-role"),
        "official": official_a.user,
        "coordinator": coordinator,
        "district": district,
        "province": f.UserFactory(username="province", role=Role.PROVINCE),
        "admin": f.UserFactory(username="admin", role=Role.ADMIN, is_staff=True, is_superuser=True),
    }
    cases = {
        "H0": make_case("H0-EARLIER", "401001"),  # บ้านไผ่
        "H1": make_case("H1-OWN", "400101"),  # เมืองขอนแก่น
        "H2": make_case("H2-OTHER", "401001"),
        "H3": make_case("H3-WAITING", "400102"),
    }
    earlier = pairing_create(
        official=official_a, household=cases["H0"].household, started_on=dt.date(2024, 2, 1)
    )
    pairing_end(pairing=earlier, reason=EndReason.REASSIGNED, ended_on=dt.date(2024, 6, 30))
    cases["H0"].pairing = earlier
    for name, official in (("H1", official_a), ("H2", official_b)):
        cases[name].pairing = pairing_create(
            official=official, household=cases[name].household, started_on=dt.date(2024, 7, 1)
        )
    for name in ("H1", "H2"):
        cases[name].graduation = _graduation(cases[name], GraduationStatus.PROPOSED, users["admin"])
    for name, official in (("H0", official_a), ("H2", official_b)):
        approved = _graduation(cases[name], GraduationStatus.APPROVED, users["admin"])
        cases[name].check = FollowUpCheck.objects.create(
            graduation=approved,
            months=6,
            due_on=timezone.localdate() + dt.timedelta(days=30),
            official=official,
        )
    for name, case in cases.items():
        case.referral = Referral.objects.create(
            household=case.household,
            problem=case.problem,
            agency=agency_a if name == "H1" else agency_b,
            due_on=timezone.localdate() + dt.timedelta(days=30),
            sent_on=timezone.localdate(),
            sent_by=users["admin"],
        )
    job = import_services.import_job_create(
        user=users["admin"], kind="households", file_name="households.xlsx", data=households_file(2)
    )
    job = import_tasks.import_start(job=job, apply=False)
    assert job.status == ImportStatus.PREVIEWED, job.message
    return World(
        users=users,
        official_a=official_a,
        official_b=official_b,
        official_c=official_c,
        cases=cases,
        job=job,
    )


IMMEDIATE_TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@contextmanager
def world_for_module(django_db_blocker):
    """The world, built once inside a transaction that is rolled back at the end; each
    test (pytest-django's `db`) runs in a savepoint of it."""
    with (
        django_db_blocker.unblock(),
        override_settings(
            PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
            TASKS=IMMEDIATE_TASKS,
            KUSEAW_IMPORT_PROGRESS_DATABASE="default",
        ),
        transaction.atomic(),
    ):
        yield build_world()
        transaction.set_rollback(True)


def url_args(world: World, target: str, household: str) -> tuple[list, dict]:
    """The reverse() arguments of a URL whose object is `target` of `household`."""
    if target == "—":
        return [], {}
    if "=" in target:
        return [], dict(pair.split("=", 1) for pair in target.split())
    if target == "import job":
        return [world.job.pk], {}
    case = world.cases[household]
    if target in ("household", "waiting household"):
        return [case.household.pk], {}
    if target == "member":
        return [case.household.pk, case.member.pk], {}
    if target == "aid":
        return [case.household.pk, case.aid.pk], {}
    if target == "pairing":
        return [case.pairing.pk], {}
    if target == "referral":
        return [case.referral.pk], {}
    case_plan = {
        "round": lambda: [case.round.pk],
        "draft round": lambda: [case.draft.pk],
        "round step": lambda: [case.draft.pk, "figures"],
        "problem": lambda: [case.problem.pk],
        "action": lambda: [case.action.pk],
        "graduation": lambda: [case.graduation.pk],
        "follow-up check": lambda: [case.check.pk],
    }
    if target in case_plan:
        return [case.household.pk, *case_plan[target]()], {}
    raise AssertionError(f"docs/permissions.md: unknown object in the URL {target!r}")


def _open_offer():
    """An offer every household fits (no criterion), for the offers page's POST."""
    from households.referrals.models import Offer, OfferKind

    agency = f.AgencyFactory(code="MATRIXPARTNER", name_th="ภาคีทดสอบสิทธิ์")
    offer, _ = Offer.objects.get_or_create(
        agency=agency, title="ทดสอบสิทธิ์ข้อเสนอ", defaults={"kind": OfferKind.JOB, "capacity": 5}
    )
    return offer


SNAPSHOT_MODELS = (
    Household,
    Member,
    Visit,
    AidRecord,
    Consent,
    Pairing,
    Official,
    StaffProfile,
    ImportJob,
    Round,
    Problem,
    CaseAction,
    Graduation,
    FollowUpCheck,
    Referral,
    get_user_model(),
)


def snapshot() -> dict[str, str]:
    """A fingerprint of every row an action of the app could write (one query), to show
    that a refused request wrote nothing."""
    tables = [model._meta.db_table for model in SNAPSHOT_MODELS]
    select = ", ".join(
        f"(SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t.id), '')) FROM {table} t)"
        for table in tables
    )
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {select}")
        return dict(zip(tables, cursor.fetchone(), strict=True))


# -- a valid POST for each action, and how to see that it was made ------------------------------


PASSWORD = "test-pass-123"  # tests.factories.UserFactory's
NEW_PASSWORD = "ขอนแก่น-Kuseaw-2568"


def today_be() -> str:
    return format_be(timezone.localdate(), "numeric")


@dataclass(frozen=True)
class Action:
    """The form a POST row sends, and (for a write) how to see that it was made."""

    data: Callable[[World, Case | None], dict]
    done: Callable[[World, Case | None], bool] | None = None  # None: the action writes nothing


def _profile(world, case):
    return {
        "house_no": "99/1",
        "village_no": "5",
        "village_name": "โนนทอง",
        "phone": "0812345678",
        "poverty_level": "2",
        "cause": "lack",
        "need_income": "on",
        "annual_income": "72000",
        "debts": "0",
        "land_rai": "1.5",
        "livelihood_assets": "",
        "consent_date": "",
    }


def _visit(world, case):
    return {
        "visited_on": today_be(),
        "kind": "home",
        "findings": "ทดสอบสิทธิ์การเยี่ยม",
        "needs_observed": "",
        "income_reported": "",
        "next_follow_up": "",
        "token": str(uuid.uuid4()),
    }


def _aid(world, case):
    return {
        "category": "career",
        "title": "ทดสอบสิทธิ์การช่วยเหลือ",
        "agency": "",
        "partner": "มหาวิทยาลัยขอนแก่น",
        "given_on": today_be(),
        "value": "1500",
        "status": "planned",
        "token": str(uuid.uuid4()),
    }


def _member(world, case, *, new: bool):
    member = case.member
    return {
        "title": "นาง" if new else member.title,
        "first_name": "ทดสอบสิทธิ์" if new else member.first_name,
        "last_name": member.last_name,
        "national_id": "",
        "birth_date": "",
        "sex": "f",
        "relation": "spouse" if new else member.relation,
        "education": "",
        "occupation": "ทดสอบสิทธิ์อาชีพ",
        "income": "0",
        "phone": "",
        "disability": "",
        "chronic_illness": "",
    }


def _upload(world, case):
    xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return {
        "kind": "households",
        "file": SimpleUploadedFile("households.xlsx", households_file(1), content_type=xlsx),
    }


def _open_buddy(household) -> int | None:
    pairing = Pairing.objects.open().filter(household=household).first()
    return pairing and pairing.official_id


# POST rows allowed without a form: the action is the request itself.
FORMLESS_ACTIONS = {"home", "logout", "admin:logout"}

ACTIONS: dict[str, Action] = {
    "login": Action(lambda w, c: {"username": "official-a", "password": "not-the-password"}),
    "households:edit": Action(
        _profile, done=lambda w, c: Household.objects.get(pk=c.household.pk).house_no == "99/1"
    ),
    "households:visit_new": Action(
        _visit, done=lambda w, c: c.household.visits.filter(findings__startswith="ทดสอบ").exists()
    ),
    "households:aid_new": Action(
        _aid, done=lambda w, c: c.household.aid_records.filter(title__startswith="ทดสอบ").exists()
    ),
    "households:aid_update": Action(
        lambda w, c: {f"aid{c.aid.pk}-status": AidStatus.DONE, f"aid{c.aid.pk}-outcome": "ได้ผลดี"},
        done=lambda w, c: AidRecord.objects.get(pk=c.aid.pk).status == AidStatus.DONE,
    ),
    "households:member_new": Action(
        lambda w, c: _member(w, c, new=True),
        done=lambda w, c: c.household.members.filter(first_name="ทดสอบสิทธิ์").exists(),
    ),
    "households:member_edit": Action(
        lambda w, c: _member(w, c, new=False),
        done=lambda w, c: Member.objects.get(pk=c.member.pk).occupation == "ทดสอบสิทธิ์อาชีพ",
    ),
    "households:member_move_out": Action(
        lambda w, c: {"left_on": today_be()},
        done=lambda w, c: Member.objects.get(pk=c.member.pk).left_on == timezone.localdate(),
    ),
    "pairing:suggest": Action(
        lambda w, c: {"line": f"{w.cases['H3'].household.pk}:{w.official_c.pk}"},
        done=lambda w, c: _open_buddy(w.cases["H3"].household) == w.official_c.pk,
    ),
    "pairing:pair": Action(
        lambda w, c: {"official": w.official_c.pk, "next": ""},
        done=lambda w, c: _open_buddy(c.household) == w.official_c.pk,
    ),
    "pairing:reassign": Action(
        lambda w, c: {"official": w.official_c.pk, "reason": EndReason.REASSIGNED, "note": ""},
        done=lambda w, c: _open_buddy(c.household) == w.official_c.pk,
    ),
    "pairing:end": Action(
        lambda w, c: {"reason": EndReason.OTHER, "ended_on": today_be(), "note": "ทดสอบ"},
        done=lambda w, c: Pairing.objects.get(pk=c.pairing.pk).ended_on == timezone.localdate(),
    ),
    "password_change": Action(
        lambda w, c: {
            "old_password": PASSWORD,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
        done=lambda w, c: any(
            u.check_password(NEW_PASSWORD) for u in get_user_model().objects.all()
        ),
    ),
    "privacy:person_export": Action(
        lambda w, c: {"national_id": w.cases["H1"].head.national_id},
    ),
    "privacy:consent_new": Action(
        lambda w, c: {
            "decision": ConsentDecision.GIVEN,
            "decided_on": today_be(),
            "method": ConsentMethod.SIGNED_FORM,
            "given_by": c.head.pk,
            "witness": "",
            "note": "ทดสอบสิทธิ์",
        },
        done=lambda w, c: c.household.consents.filter(note="ทดสอบสิทธิ์").exists(),
    ),
    "privacy:anonymise": Action(lambda w, c: {"code": c.household.code}),
    # The round in progress comes back, now the current buddy's.
    "cases:round_new": Action(
        lambda w, c: {"assessed_on": today_be(), "token": str(uuid.uuid4())},
        done=lambda w, c: Round.objects.get(pk=c.draft.pk).official_id == w.official_a.pk,
    ),
    "cases:round_step": Action(
        lambda w, c: {"assessed_on": today_be(), "members": "3", "annual_income": "90000"},
        done=lambda w, c: "figures" in Round.objects.get(pk=c.draft.pk).steps_done,
    ),
    "cases:round_finish": Action(lambda w, c: {"level": "2", "level_reason": ""}),
    "cases:problem_new": Action(
        lambda w, c: {"dimension": "living", "title": "ทดสอบสิทธิ์ปัญหา", "member": "", "note": ""},
        done=lambda w, c: c.household.problems.filter(title="ทดสอบสิทธิ์ปัญหา").exists(),
    ),
    "cases:problem_close": Action(
        lambda w, c: {"status": "solved", "solved_by": "household", "note": ""},
        done=lambda w, c: Problem.objects.get(pk=c.problem.pk).status == "solved",
    ),
    "cases:action_new": Action(
        lambda w, c: {
            "what": "ทดสอบสิทธิ์กิจกรรม",
            "owner_kind": "household",
            "agency": "",
            "partner": "",
            "due_on": today_be(),
            "note": "",
            "token": str(uuid.uuid4()),
        },
        done=lambda w, c: c.problem.actions.filter(what="ทดสอบสิทธิ์กิจกรรม").exists(),
    ),
    "referrals:problem_offers": Action(
        lambda w, c: {"offer": _open_offer().pk, "token": str(uuid.uuid4())},
        done=lambda w, c: c.problem.actions.filter(what__endswith="ทดสอบสิทธิ์ข้อเสนอ").exists(),
    ),
    "referrals:refer": Action(
        lambda w, c: {
            "agency": _open_offer().agency_id,
            "offer": "",
            "message": "ทดสอบสิทธิ์การส่งต่อ",
            "due_on": today_be(),
            "token": str(uuid.uuid4()),
        },
        done=lambda w, c: c.problem.referrals.filter(message="ทดสอบสิทธิ์การส่งต่อ").exists(),
    ),
    "referrals:answer": Action(
        lambda w, c: {"step": "accept"},
        done=lambda w, c: Referral.objects.get(pk=c.referral.pk).status == "accepted",
    ),
    "cases:action_update": Action(
        lambda w, c: {"status": "done", "note": ""},
        done=lambda w, c: CaseAction.objects.get(pk=c.action.pk).status == "done",
    ),
    "cases:graduation_propose": Action(
        lambda w, c: {"evidence": "ทดสอบสิทธิ์", "household_agrees": "on"}
    ),
    "cases:graduation_decide": Action(
        lambda w, c: {"decision": "approve", "reason": "", "follow_up_official": ""},
        done=lambda w, c: Graduation.objects.get(pk=c.graduation.pk).status == "approved",
    ),
    "cases:follow_up": Action(
        lambda w, c: {
            "done_on": today_be(),
            "members": "2",
            "annual_income": "120000",
            "note": "ทดสอบสิทธิ์",
        },
        done=lambda w, c: FollowUpCheck.objects.get(pk=c.check.pk).done_on is not None,
    ),
    "imports:upload": Action(_upload, done=lambda w, c: ImportJob.objects.count() == 2),
    "imports:confirm": Action(
        lambda w, c: {},
        done=lambda w, c: ImportJob.objects.get(pk=w.job.pk).status == ImportStatus.APPLIED,
    ),
}
