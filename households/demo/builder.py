"""Demo data: a whole fictitious programme on the real districts, subdistricts and agencies.

`demo_data_seed` fills the database with households and their members, officials and their
logins, pairings (with some history), a year of visits and aid records, and then the case
plans: assessment rounds, problems, actions, graduations and follow-up checks (cases.py).
Everything comes from one `random.Random(seed)` and dates count back from `today`, so the
same seed on the same day gives the same data. Rows are written with `bulk_create` in one
transaction; members are made batch by batch, so memory stays small even at 100,000
households.

No person here is real: names are drawn from lists of common Thai names, national IDs are
made up (valid check digit, unique), companies are named only by their associations.

This module holds the seed and its undo (demo_data_seed, demo_data_delete), the demo's
sizes, logins and password, and the builder that makes the rows. What the people, places
and records look like (the word lists) is in words.py; the small draws and sums that need
no database (schooling by age, poverty level, apportioning) are in draws.py. The case plans
are drawn in rounds.py and plans.py, written by cases.py, worded from case_words.py.
"""

import datetime as dt
import random
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import connection, transaction
from django.utils import timezone

from agencies.models import Agency, District, Subdistrict
from households.demo.cases import CASE_MODELS, CasePlans, case_data_delete
from households.demo.draws import (
    SCHOOL_LEVELS,
    apportion,
    draw_education,
    draw_poverty_level,
    move_to_front,
)
from households.demo.partners import create_partners, partners_delete, referrals_delete
from households.demo.words import (
    ADULT_OCCUPATIONS,
    AGENCY_WEIGHTS,
    AID_CANCELLED,
    AID_CATALOGUE,
    AID_OUTCOMES,
    ASSETS,
    CHRONIC_ILLNESSES,
    DISABILITIES,
    ELDER_OCCUPATIONS,
    END_NOTES,
    FEMALE_NAMES,
    FINDINGS,
    LAST_NAMES,
    MALE_NAMES,
    NEEDS_OBSERVED,
    POSITIONS,
    VILLAGE_NAMES,
    VILLAGE_SUFFIXES,
    YOUNG_FEMALE_NAMES,
    YOUNG_MALE_NAMES,
)
from households.models import (
    AidRecord,
    AidStatus,
    Cause,
    Household,
    Member,
    Relation,
    Sex,
    Visit,
    VisitKind,
)
from kuseaw.national_id import check_digit
from officials.models import EndReason, Official, Pairing, StaffProfile
from officials.roles import GROUP_NAMES, Role

DEFAULT_HOUSEHOLDS = 1174
DEFAULT_OFFICIALS = 330
DEMO_PASSWORD = "kuseaw-demo"
# Every user the seed creates starts with this, so --replace knows which users are its own.
DEMO_USER_PREFIX = "demo-"
DEMO_AGENCY = "CDD"
DEMO_DISTRICT = "4001"
BATCH_SIZE = 2000

# The five logins of the demo: (username, role, what it shows).
DEMO_LOGINS = [
    ("demo-official", Role.OFFICIAL, "เจ้าหน้าที่ พช. อ.เมืองขอนแก่น ดูแล 2 ครัวเรือน"),
    ("demo-coordinator", Role.COORDINATOR, "ผู้ประสานงาน สำนักงานพัฒนาชุมชนจังหวัด (พช.)"),
    ("demo-partner", Role.COORDINATOR, "ผู้ประสานงานภาคี หอการค้าจังหวัด (ตัวอย่าง) ตอบเรื่องส่งต่อ"),
    ("demo-district", Role.DISTRICT, "เจ้าหน้าที่อำเภอเมืองขอนแก่น"),
    ("demo-province", Role.PROVINCE, "เจ้าหน้าที่จังหวัด เห็นทุกครัวเรือน"),
    ("demo-admin", Role.ADMIN, "ผู้ดูแลระบบ"),
]


class DemoDataError(Exception):
    """The demo data cannot be made; the message is safe to show."""


class DemoDataExists(DemoDataError):
    """Programme data is already in the database and replacing it was not asked for."""

    def __init__(self, *, households: int, officials: int):
        self.households = households
        self.officials = officials
        super().__init__(
            f"มีข้อมูลโครงการอยู่แล้ว (ครัวเรือน {households:,}, เจ้าหน้าที่ {officials:,}) "
            f"จึงไม่สร้างข้อมูลตัวอย่างทับ / Programme data already exists "
            f"({households:,} households, {officials:,} officials); nothing was changed."
        )


def demo_data_seed(
    *,
    households: int = DEFAULT_HOUSEHOLDS,
    officials: int = DEFAULT_OFFICIALS,
    seed: int = 1,
    replace: bool = False,
    today: dt.date | None = None,
    stdout=None,
) -> dict[str, int]:
    """Create the demo programme in one transaction and return how many rows of each kind.

    Refuses (DemoDataExists) when households, officials or demo users are already there,
    unless `replace`, which first deletes them (demo_data_delete) in the same transaction.
    """
    if households < 1 or officials < 1:
        raise DemoDataError(
            "ต้องมีอย่างน้อย 1 ครัวเรือนและ 1 เจ้าหน้าที่ / Need at least 1 household and 1 official."
        )
    with transaction.atomic(), _constraints_checked_per_statement():
        if replace:
            demo_data_delete()
        else:
            _refuse_if_data_exists()
        builder = _Builder(
            rng=random.Random(seed), today=today or timezone.localdate(), stdout=stdout
        )
        return builder.run(households=households, officials=officials)


@contextmanager
def _constraints_checked_per_statement():
    """Check deferred foreign keys at the end of each statement rather than at commit.

    Parents are written before children, so the checks pass either way. But a long queue
    of deferred checks makes every row trigger that opens a subtransaction (the history
    triggers do) scan that queue: at 100,000 households the seed would take hours.
    """
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    yield
    # Back to Django's default for the rest of an enclosing transaction. (On an error the
    # rollback of the transaction or savepoint restores it.)
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def demo_data_delete() -> dict[str, int]:
    """Delete all programme data (households and everything on them, pairings, officials)
    and the demo users; reference data and other users stay."""
    user_model = get_user_model()
    with transaction.atomic():
        counts = {
            "households": Household.objects.count(),
            "officials": Official.objects.count(),
        }
        # Children first, so each delete is a single statement (no per-row collection).
        counts["referrals"] = referrals_delete()
        counts["rounds"] = case_data_delete()
        counts["visits"] = Visit.objects.all().delete()[0]
        counts["aid_records"] = AidRecord.objects.all().delete()[0]
        counts["pairings"] = Pairing.objects.all().delete()[0]
        counts["members"] = Member.objects.all().delete()[0]
        # Nothing points at a household any more, so one statement does; Django's collector
        # would load every household and delete them a hundred at a time.
        table = connection.ops.quote_name(Household._meta.db_table)
        with connection.cursor() as cursor:
            # bandit B608 (SQL built from a string): the model's own table name, quoted.
            cursor.execute(f"DELETE FROM {table}")  # nosec B608
        Official.objects.all().delete()
        demo_users = user_model.objects.filter(username__startswith=DEMO_USER_PREFIX)
        counts["users"] = demo_users.count()
        demo_users.delete()
        counts["partners"] = partners_delete()  # after demo-partner's profile
    return counts


def _refuse_if_data_exists() -> None:
    households = Household.objects.count()
    officials = Official.objects.count()
    demo_users = get_user_model().objects.filter(username__startswith=DEMO_USER_PREFIX)
    if households or officials or demo_users.exists():
        raise DemoDataExists(households=households, officials=officials)


# Seven digits that identify the person within a national ID: n ↦ n·A + B (mod 10⁷) is a
# bijection (A is coprime with 10), so IDs never repeat and do not look sequential.
_SERIAL_MOD = 10_000_000
_SERIAL_A = 7_654_321
_SERIAL_B = 1_234_567


@dataclass(slots=True)
class _HouseholdRow:
    """What later steps need to know about a household that is already in the database."""

    pk: int
    district: str
    joined_on: dt.date
    annual_income: int


class _Builder:
    """Makes the rows, in a fixed order, drawing every choice from one random generator."""

    def __init__(self, *, rng: random.Random, today: dt.date, stdout=None):
        self.rng = rng
        self.today = today
        self.stdout = stdout
        self.serial = 0
        self.counts: dict[str, int] = {}

    def log(self, message: str) -> None:
        if self.stdout is not None:
            self.stdout.write(message)

    def run(self, *, households: int, officials: int) -> dict[str, int]:
        self._load_reference_data()
        per_district = apportion(households, [len(self.subdistricts[d]) for d in self.districts])
        logins = self._create_staff_logins()
        official_rows = self._create_officials(officials, per_district)
        self.counts["users"] = len(official_rows) + len(logins)
        rows = self._create_households(per_district)
        open_pairs, ended_pairs = self._create_pairings(official_rows, rows, logins["demo-admin"])
        self._create_visits(open_pairs, ended_pairs, official_rows)
        self._create_aid(rows, open_pairs, official_rows)
        CasePlans(
            self,
            rows=rows,
            open_pairs=open_pairs,
            ended_pairs=ended_pairs,
            officials=official_rows,
            logins=logins,
            district=DEMO_DISTRICT,
        ).run()
        self.counts.update(create_partners(self.today, login=logins["demo-partner"]))
        self.counts["unpaired"] = Household.objects.unpaired().count()
        # Fresh tables have no planner statistics until autovacuum gets to them, and the
        # first pages (or checks) on them would pick poor plans.
        with connection.cursor() as cursor:
            tables = (Household, Member, Visit, AidRecord, Pairing, Official, *CASE_MODELS)
            names = ", ".join(connection.ops.quote_name(m._meta.db_table) for m in tables)
            cursor.execute(f"ANALYZE {names}")
        return self.counts

    # -- reference data and logins

    def _load_reference_data(self) -> None:
        self.districts = list(District.objects.order_by("code").values_list("code", flat=True))
        self.subdistricts: dict[str, list[str]] = {d: [] for d in self.districts}
        for code, district in Subdistrict.objects.order_by("code").values_list("code", "district"):
            self.subdistricts[district].append(code)
        self.agencies = dict(Agency.objects.order_by("code").values_list("code", "pk"))
        group_ids = dict(Group.objects.values_list("name", "pk"))
        self.groups = {
            role: group_ids[name] for role, name in GROUP_NAMES.items() if name in group_ids
        }
        missing = []
        if not self.districts or DEMO_DISTRICT not in self.districts:
            missing.append("อำเภอ/districts")
        if DEMO_AGENCY not in self.agencies:
            missing.append(f"หน่วยงาน {DEMO_AGENCY}/agency {DEMO_AGENCY}")
        if len(self.groups) != len(Role):
            missing.append("กลุ่มบทบาท/role groups")
        if missing:
            raise DemoDataError(
                "ไม่พบข้อมูลอ้างอิง: " + ", ".join(missing) + " — run `python manage.py migrate` first."
            )
        # Each subdistrict has its own villages (หมู่ที่ 1…n), named once per seed.
        self.villages = {
            code: [
                self.rng.choice(VILLAGE_NAMES) + self.rng.choice(VILLAGE_SUFFIXES)
                for _ in range(self.rng.randint(8, 20))
            ]
            for codes in self.subdistricts.values()
            for code in codes
        }

    def _create_staff_logins(self) -> dict[str, object]:
        """The four reviewing logins (the official login is made with the officials)."""
        user_model = get_user_model()
        self.demo_password = make_password(DEMO_PASSWORD)  # hashed once, shared by all logins
        users = {
            username: user_model(
                username=username,
                first_name=role.label,
                last_name="(ทดลอง)",
                password=self.demo_password,
                is_staff=role == Role.ADMIN,
                is_superuser=role == Role.ADMIN,
            )
            for username, role, _ in DEMO_LOGINS
            if role != Role.OFFICIAL
        }
        user_model.objects.bulk_create(users.values())
        roles = {username: role for username, role, _ in DEMO_LOGINS}
        self._add_to_groups([(user.pk, roles[name]) for name, user in users.items()])
        StaffProfile.objects.bulk_create(
            [
                StaffProfile(
                    user=users["demo-coordinator"],
                    agency_id=self.agencies[DEMO_AGENCY],
                    phone=self._phone(),
                ),
                StaffProfile(
                    user=users["demo-district"], district_id=DEMO_DISTRICT, phone=self._phone()
                ),
            ]
        )
        return users

    def _add_to_groups(self, user_roles: list[tuple[int, Role]]) -> None:
        through = get_user_model().groups.through
        through.objects.bulk_create(
            [through(user_id=user_id, group_id=self.groups[role]) for user_id, role in user_roles],
            batch_size=BATCH_SIZE,
        )

    # -- officials

    def _create_officials(self, total: int, households_per_district: list[int]) -> list:
        rng = self.rng
        codes = list(AGENCY_WEIGHTS)
        agency_of = [
            code
            for code, n in zip(codes, apportion(total, list(AGENCY_WEIGHTS.values())), strict=True)
            for _ in range(n)
        ]
        # Officials work where the households are, so most can be paired in their own district.
        district_of = [
            district
            for district, n in zip(
                self.districts, apportion(total, households_per_district), strict=True
            )
            for _ in range(n)
        ]
        rng.shuffle(agency_of)
        rng.shuffle(district_of)
        # The demo official is the first: an official of พช. in Mueang Khon Kaen.
        move_to_front(agency_of, DEMO_AGENCY)
        move_to_front(district_of, DEMO_DISTRICT)

        user_model = get_user_model()
        unusable = make_password(None)  # one unusable hash for every official without a login
        per_agency: dict[str, int] = {}
        users, officials = [], []
        for index, (agency, district) in enumerate(zip(agency_of, district_of, strict=True)):
            per_agency[agency] = per_agency.get(agency, 0) + 1
            male = rng.random() < 0.5
            first = rng.choice(
                MALE_NAMES + YOUNG_MALE_NAMES if male else FEMALE_NAMES + YOUNG_FEMALE_NAMES
            )
            last = rng.choice(LAST_NAMES)
            demo = index == 0
            username = f"demo-{agency.lower()}-{per_agency[agency]:03d}"
            users.append(
                user_model(
                    username="demo-official" if demo else username,
                    first_name=first,
                    last_name=last,
                    password=self.demo_password if demo else unusable,
                )
            )
            birth_year = self.today.year - rng.randint(25, 59)
            officials.append(
                Official(
                    national_id=self._national_id(birth_year, district),
                    agency_id=self.agencies[agency],
                    district_id=district,
                    position=rng.choice(POSITIONS[agency]),
                    phone=self._phone(),
                )
            )
        user_model.objects.bulk_create(users, batch_size=BATCH_SIZE)
        for user, official in zip(users, officials, strict=True):
            official.user = user
        Official.objects.bulk_create(officials, batch_size=BATCH_SIZE)
        self._add_to_groups([(user.pk, Role.OFFICIAL) for user in users])
        self.counts["officials"] = len(officials)
        self.log(f"  เจ้าหน้าที่ {len(officials):,} คน")
        return officials

    # -- households and members

    def _create_households(self, per_district: list[int]) -> list[_HouseholdRow]:
        rng = self.rng
        places = []
        for district, n in zip(self.districts, per_district, strict=True):
            subdistricts = sorted(rng.choice(self.subdistricts[district]) for _ in range(n))
            width = max(4, len(str(n)))
            places += [
                (district, sub, f"KK{district}-{i:0{width}d}")
                for i, sub in enumerate(subdistricts, start=1)
            ]
        rows: list[_HouseholdRow] = []
        members_total = 0
        for start in range(0, len(places), BATCH_SIZE):
            batch, batch_members = [], []
            for district, subdistrict, code in places[start : start + BATCH_SIZE]:
                household, members = self._household(district, subdistrict, code)
                batch.append(household)
                batch_members.append(members)
            Household.objects.bulk_create(batch, batch_size=BATCH_SIZE)
            members = []
            for household, people in zip(batch, batch_members, strict=True):
                for member in people:
                    member.household_id = household.pk
                members += people
                rows.append(
                    _HouseholdRow(
                        household.pk,
                        household.subdistrict_id[:4],
                        household.joined_on,
                        int(household.annual_income),
                    )
                )
            Member.objects.bulk_create(members, batch_size=BATCH_SIZE)
            members_total += len(members)
            self.log(f"  ครัวเรือน {len(rows):,}/{len(places):,}")
        self.counts["households"] = len(rows)
        self.counts["members"] = members_total
        return rows

    def _household(self, district: str, subdistrict: str, code: str):
        rng = self.rng
        members = self._members(district)
        size = len(members)
        income = sum(int(m.income) for m in members)
        level = draw_poverty_level(income / size, rng)
        entry = max(1, level - rng.choices([0, 1, 2], weights=[65, 28, 7])[0])
        joined_on = self.today - dt.timedelta(days=rng.randint(365, 548))
        consent = rng.random() < 0.96
        villages = self.villages[subdistrict]
        village_no = rng.randint(1, len(villages))
        school_age = any(m.education in SCHOOL_LEVELS for m in members)
        ill = any(m.chronic_illness or m.disability for m in members)
        needs = {
            "need_health": rng.random() < (0.7 if ill else 0.2),
            "need_living": rng.random() < 0.4,
            "need_education": school_age and rng.random() < 0.5,
            "need_income": rng.random() < 0.75,
            "need_public_services": rng.random() < 0.2,
        }
        if not any(needs.values()):
            needs["need_income"] = True
        land = 0.0
        if rng.random() < 0.7:
            land = rng.randint(1, 25) + rng.choice([0, 0.25, 0.5, 0.75])
        assets = rng.sample(ASSETS, rng.randint(1, 3))
        house_no = str(rng.randint(1, 250)) + rng.choice(["", "", "", "", f"/{rng.randint(1, 3)}"])
        consent_date = None
        if consent:
            consent_date = min(self.today, joined_on + dt.timedelta(days=rng.randint(0, 14)))
        household = Household(
            code=code,
            house_no=house_no,
            village_no=village_no,
            village_name=villages[village_no - 1],
            subdistrict_id=subdistrict,
            phone=self._phone() if rng.random() < 0.8 else "",
            poverty_level=level,
            poverty_level_at_entry=entry,
            cause=Cause.LACK_OF_OPPORTUNITY if rng.random() < 0.8 else Cause.SELF_EXCLUDED,
            annual_income=Decimal(income),
            debts=Decimal(rng.randint(5, 300) * 1000 if rng.random() < 0.75 else 0),
            land_rai=Decimal(str(land)),
            livelihood_assets=", ".join(
                a.format(rai=max(1, int(land)), n=rng.randint(1, 5)) for a in assets
            ),
            joined_on=joined_on,
            consent_given=consent,
            consent_date=consent_date,
            **needs,
        )
        return household, members

    def _members(self, district: str) -> list[Member]:
        rng = self.rng
        size = rng.choices(range(1, 8), weights=[8, 15, 22, 22, 15, 10, 8])[0]
        family = rng.choice(LAST_NAMES)
        head_age = rng.choices(
            [rng.randint(25, 39), rng.randint(40, 59), rng.randint(60, 84)], weights=[20, 45, 35]
        )[0]
        head_sex = Sex.MALE if rng.random() < 0.55 else Sex.FEMALE
        married = size > 1 and rng.random() < (0.75 if head_age < 70 else 0.45)
        people = [(Relation.HEAD, head_age, head_sex, family, married)]
        if married:
            spouse_sex = Sex.FEMALE if head_sex == Sex.MALE else Sex.MALE
            spouse_age = max(20, head_age + rng.randint(-8, 6))
            spouse_family = family if rng.random() < 0.7 else rng.choice(LAST_NAMES)
            people.append((Relation.SPOUSE, spouse_age, spouse_sex, spouse_family, True))
        while len(people) < size:
            people.append(self._relative(head_age, family))
        return [self._member(district, *person) for person in people]

    def _relative(self, head_age: int, family: str):
        """Someone besides the head and spouse; older heads often raise grandchildren."""
        rng = self.rng
        sex = rng.choice([Sex.MALE, Sex.FEMALE])
        if head_age >= 55 and rng.random() < 0.6:
            return (Relation.GRANDCHILD, rng.randint(1, 17), sex, family, False)
        if head_age < 45 and rng.random() < 0.15:
            return (Relation.PARENT, min(95, head_age + rng.randint(20, 32)), sex, family, True)
        if rng.random() < 0.85:
            oldest = max(0, head_age - 18)
            age = rng.randint(max(0, oldest - 25), oldest)
            return (Relation.CHILD, age, sex, family, age >= 25 and rng.random() < 0.4)
        relation = rng.choice([Relation.SIBLING, Relation.RELATIVE, Relation.OTHER])
        other_family = family if relation == Relation.SIBLING else rng.choice(LAST_NAMES)
        return (relation, rng.randint(15, 70), sex, other_family, False)

    def _member(self, district: str, relation, age: int, sex, family: str, married: bool) -> Member:
        rng = self.rng
        birth_date = self.today - dt.timedelta(days=age * 365 + rng.randint(0, 364))
        if age < 30:
            first = rng.choice(YOUNG_MALE_NAMES if sex == Sex.MALE else YOUNG_FEMALE_NAMES)
        else:
            first = rng.choice(MALE_NAMES if sex == Sex.MALE else FEMALE_NAMES)
        if age < 15:
            title = "เด็กชาย" if sex == Sex.MALE else "เด็กหญิง"
        elif sex == Sex.MALE:
            title = "นาย"
        else:
            title = "นาง" if married else "นางสาว"
        disability = rng.choice(DISABILITIES) if rng.random() < 0.05 else ""
        ill_chance = 0.45 if age >= 60 else 0.12 if age >= 35 else 0.02
        illness = rng.choice(CHRONIC_ILLNESSES) if rng.random() < ill_chance else ""
        occupation, income = self._occupation(age, bool(disability))
        return Member(
            title=title,
            first_name=first,
            last_name=family,
            national_id=self._national_id(birth_date.year, district),
            birth_date=birth_date,
            sex=sex,
            relation=relation,
            is_head=relation == Relation.HEAD,
            education=draw_education(age, rng),
            occupation=occupation,
            income=Decimal(income),
            phone=self._phone() if age >= 18 and rng.random() < 0.5 else "",
            disability=disability,
            chronic_illness=illness,
            has_welfare_card=age >= 18 and rng.random() < 0.65,
        )

    def _occupation(self, age: int, disabled: bool) -> tuple[str, int]:
        rng = self.rng
        if age < 6:
            return "", 0
        if age < 18:
            return "นักเรียน", 0
        if age < 23 and rng.random() < 0.3:
            return "นักศึกษา", 0
        if disabled and rng.random() < 0.6:
            return "ไม่ได้ประกอบอาชีพ", 0
        table = ELDER_OCCUPATIONS if age >= 60 else ADULT_OCCUPATIONS
        name, _, low, high = rng.choices(table, weights=[row[1] for row in table])[0]
        return name, rng.randint(low // 100, high // 100) * 100

    # -- pairings, visits, aid

    def _create_pairings(self, officials: list, rows: list[_HouseholdRow], by):
        """Fill every official up to the cap, own district first; then a little history."""
        rng = self.rng
        cap = settings.KUSEAW_HOUSEHOLDS_PER_OFFICIAL
        pool: dict[str, list[_HouseholdRow]] = {d: [] for d in self.districts}
        for row in rows:
            pool[row.district].append(row)
        for waiting in pool.values():
            rng.shuffle(waiting)
        order = officials[:1] + rng.sample(officials[1:], len(officials) - 1)
        taken: dict[int, list[_HouseholdRow]] = {}
        for official in order:
            waiting = pool[official.district_id]
            taken[official.pk] = [waiting.pop() for _ in range(min(cap, len(waiting)))]
        for official in order:
            # Not enough households in their own district: pair with the fullest other one.
            while len(taken[official.pk]) < cap:
                district = max(pool, key=lambda d: len(pool[d]))
                if not pool[district]:
                    break
                taken[official.pk].append(pool[district].pop())

        # (official, row, started_on, ended_on, reason)
        open_pairs = []
        for official in order:
            for row in taken[official.pk]:
                open_pairs.append([official, row, self._after(row.joined_on, 7, 45), None, ""])
        ended_pairs = []
        by_district: dict[str, list] = {}
        for official in officials:
            by_district.setdefault(official.district_id, []).append(official)
        # Some households had another buddy before the one they have now …
        for pair in rng.sample(open_pairs[cap:], round(0.05 * len(open_pairs[cap:]))):
            official, row = pair[0], pair[1]
            others = [o for o in by_district[official.district_id] if o is not official]
            previous = rng.choice(others or [o for o in officials if o is not official])
            started = self._after(row.joined_on, 5, 20)
            ended = min(self.today, started + dt.timedelta(days=rng.randint(60, 180)))
            reason = rng.choices(list(END_NOTES), weights=[5, 3, 1])[0]
            ended_pairs.append([previous, row, started, ended, reason])
            pair[2] = min(self.today, ended + dt.timedelta(days=rng.randint(1, 21)))
        # … and a few lost theirs when the official moved, and wait for a new one.
        paired = {pair[1].pk for pair in open_pairs}
        waiting = [row for row in rows if row.pk not in paired]
        for row in rng.sample(
            waiting, min(len(waiting), len(officials), round(0.02 * len(waiting)))
        ):
            previous = rng.choice(by_district.get(row.district) or officials)
            started = self._after(row.joined_on, 5, 20)
            ended = min(self.today, started + dt.timedelta(days=rng.randint(90, 240)))
            ended_pairs.append([previous, row, started, ended, EndReason.OFFICIAL_TRANSFERRED])

        Pairing.objects.bulk_create(
            [
                Pairing(
                    official=official,
                    household_id=row.pk,
                    started_on=started,
                    ended_on=ended,
                    end_reason=reason,
                    end_note=END_NOTES.get(reason, "") if reason else "",
                    created_by=by,
                )
                for official, row, started, ended, reason in open_pairs + ended_pairs
            ],
            batch_size=BATCH_SIZE,
        )
        self.counts["pairings_open"] = len(open_pairs)
        self.counts["pairings_ended"] = len(ended_pairs)
        self.log(f"  จับคู่ {len(open_pairs):,} คู่ (สิ้นสุดแล้ว {len(ended_pairs):,})")
        return open_pairs, ended_pairs

    def _create_visits(self, open_pairs, ended_pairs, officials) -> None:
        """About monthly over the last year; some buddies are overdue (no visit for 30+ days)."""
        rng = self.rng
        overdue_days = settings.KUSEAW_VISIT_OVERDUE_DAYS
        year_ago = self.today - dt.timedelta(days=365)
        users = {official.pk: official.user_id for official in officials}
        visits = []
        for index, (official, row, started, _, _) in enumerate(open_pairs):
            first = max(year_ago, started + dt.timedelta(days=rng.randint(3, 14)))
            # The demo official's second household is overdue, so the demo shows both cases.
            overdue = index == 1 or (index > 1 and rng.random() < 0.12)
            if overdue:
                ago = rng.randint(overdue_days + 5, overdue_days + 60)
            else:
                ago = rng.randint(1, overdue_days - 2)
            day = max(first, self.today - dt.timedelta(days=ago))
            while day >= first:
                visits.append(self._visit(official, users[official.pk], row, day))
                day -= dt.timedelta(days=rng.randint(24, 36))
        for official, row, started, ended, _ in ended_pairs:
            day = started + dt.timedelta(days=rng.randint(3, 14))
            while day <= ended:
                visits.append(self._visit(official, users[official.pk], row, day))
                day += dt.timedelta(days=rng.randint(24, 36))
        Visit.objects.bulk_create(visits, batch_size=BATCH_SIZE)
        self.counts["visits"] = len(visits)
        self.log(f"  เยี่ยมบ้าน {len(visits):,} ครั้ง")

    def _visit(self, official, user_id: int, row: _HouseholdRow, day: dt.date) -> Visit:
        rng = self.rng
        reported = None
        if rng.random() < 0.6:
            reported = Decimal(round(row.annual_income / 12 * rng.uniform(0.7, 1.3), -2))
        follow_up = day + dt.timedelta(days=rng.randint(25, 35)) if rng.random() < 0.7 else None
        return Visit(
            household_id=row.pk,
            official=official,
            visited_on=day,
            kind=rng.choices(list(VisitKind), weights=[80, 15, 5])[0],
            findings=rng.choice(FINDINGS),
            needs_observed=rng.choice(NEEDS_OBSERVED) if rng.random() < 0.4 else "",
            income_reported=reported,
            next_follow_up=follow_up,
            created_by_id=user_id,
        )

    def _create_aid(self, rows: list[_HouseholdRow], open_pairs, officials) -> None:
        """Paired households get help more often; their buddy records it."""
        rng = self.rng
        users = {official.pk: official.user_id for official in officials}
        buddy_user = {row.pk: users[official.pk] for official, row, *_ in open_pairs}
        categories = list(AID_CATALOGUE)
        records = []
        for row in rows:
            recorder = buddy_user.get(row.pk)
            if recorder is not None:
                n = rng.choices(range(5), weights=[10, 30, 30, 20, 10])[0]
            else:
                n = rng.choices(range(3), weights=[60, 30, 10])[0]
            for _ in range(n):
                category = rng.choices(categories, weights=[35, 15, 20, 30])[0]
                title, providers, low, high = rng.choice(AID_CATALOGUE[category])
                provider = rng.choice(providers)
                status = rng.choices(list(AidStatus), weights=[15, 20, 60, 5])[0]
                if status == AidStatus.PLANNED:
                    given_on = self.today + dt.timedelta(days=rng.randint(3, 60))
                elif status == AidStatus.IN_PROGRESS:
                    given_on = self.today - dt.timedelta(days=rng.randint(0, 60))
                else:
                    given_on = self._after(row.joined_on, 14, (self.today - row.joined_on).days - 7)
                if status == AidStatus.DONE:
                    outcome = rng.choice(AID_OUTCOMES).format(n=rng.randint(1, 3))
                elif status == AidStatus.CANCELLED:
                    outcome = rng.choice(AID_CANCELLED)
                else:
                    outcome = ""
                records.append(
                    AidRecord(
                        household_id=row.pk,
                        category=category,
                        title=title,
                        agency_id=self.agencies.get(provider),
                        partner="" if provider in self.agencies else provider,
                        given_on=given_on,
                        value=Decimal(rng.randint(low // 100, high // 100) * 100),
                        status=status,
                        outcome=outcome,
                        created_by_id=recorder,
                    )
                )
        AidRecord.objects.bulk_create(records, batch_size=BATCH_SIZE)
        self.aid_records = records  # the case plans link them to the problems they served
        self.counts["aid_records"] = len(records)
        self.log(f"  การช่วยเหลือ {len(records):,} รายการ")

    # -- small helpers

    def _after(self, day: dt.date, low: int, high: int) -> dt.date:
        """A day `low`…`high` days after `day`, never after today."""
        return min(self.today, day + dt.timedelta(days=self.rng.randint(low, max(low, high))))

    def _phone(self) -> str:
        rng = self.rng
        prefix = f"0{rng.choice('689')}{rng.randint(0, 9)}"
        return f"{prefix}-{rng.randint(0, 999):03d}-{rng.randint(0, 9999):04d}"

    def _national_id(self, birth_year: int, district: str) -> str:
        """A made-up but valid ID: type 1 for people registered at birth (born 1984 or later),
        type 3 for those in the 1984 census; then the district's registry office."""
        if self.serial >= _SERIAL_MOD:
            raise DemoDataError("Too many people for unique demo national IDs.")
        serial = (self.serial * _SERIAL_A + _SERIAL_B) % _SERIAL_MOD
        self.serial += 1
        first_twelve = f"{1 if birth_year >= 1984 else 3}{district}{serial:07d}"
        return first_twelve + str(check_digit(first_twelve))
