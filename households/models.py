import datetime as dt
from decimal import Decimal

import pghistory
import pgtrigger
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Count, F, OuterRef, Q
from django.db.models.functions import Coalesce
from django.db.models.lookups import GreaterThan, GreaterThanOrEqual
from django.utils import timezone

from agencies.models import Agency, Need, Subdistrict
from kuseaw.national_id import validate_national_id
from officials.models import Official, Pairing
from officials.roles import Role, is_admin, role_of

MONEY = {"max_digits": 12, "decimal_places": 2}


class Status(models.TextChoices):
    ACTIVE = "active", "อยู่ในโครงการ"
    GRADUATED = "graduated", "พ้นเส้นความยากจน"
    MOVED = "moved", "ย้ายออก"
    DECEASED = "deceased", "เสียชีวิต/ยุบครัวเรือน"


class PovertyLevel(models.IntegerChoices):
    """The programme's four levels; the number sorts poorest first."""

    STRUGGLING = 1, "อยู่ลำบาก"
    HARD = 2, "อยู่ยาก"
    GETTING_BY = 3, "อยู่พอได้"
    WELL = 4, "อยู่ดี"


class Cause(models.TextChoices):
    LACK_OF_OPPORTUNITY = "lack", "ขาดโอกาส"
    SELF_EXCLUDED = "self", "ตัดโอกาสเอง"


# The five TPMAP dimensions of need as (household field name, Thai label), in the
# programme's order of priority (agencies.models.Need): the first flagged is the main need.
NEED_DIMENSIONS = [(f"need_{need.value}", need.label) for need in Need]


# -- the programme's measures: each written once, for the case page, lists and dashboards --
def visit_overdue_cutoff(today: dt.date | None = None) -> dt.date:
    """A household not visited on or after this day is overdue for a visit: no visit in the
    last KUSEAW_VISIT_OVERDUE_DAYS days."""
    today = today or timezone.localdate()
    return today - dt.timedelta(days=settings.KUSEAW_VISIT_OVERDUE_DAYS)


def no_recent_visit(today=None, *, household: str = "id", last_visit: str | None = None) -> Q:
    """No visit on or after visit_overdue_cutoff(today). Given `last_visit` (the annotation of
    with_visit_dates: the case page, an official's list), that day is compared; else `household`
    (the household id's field: "household_id" on pairings) is tested against the ids visited
    since, an uncorrelated subquery hashed once, for dashboards counting thousands of them."""
    cutoff = visit_overdue_cutoff(today)
    if last_visit is not None:
        return Q(**{f"{last_visit}__isnull": True}) | Q(**{f"{last_visit}__lt": cutoff})
    visited = Visit.objects.filter(visited_on__gte=cutoff).order_by().values("household_id")
    return ~Q(**{f"{household}__in": visited})


def paired_ids():
    """Ids of households with a buddy now (an uncorrelated subquery: hashed once)."""
    return Pairing.objects.open().order_by().values("household_id")


def overdue_q(today=None, *, of_open_pairings: bool = False) -> Q:
    """Overdue for a visit (the dashboards): in the programme, with a buddy now, and
    no_recent_visit(today); a household waiting for a buddy is waiting, not overdue. On
    households, or with of_open_pairings on Pairing.objects.open() (each row is a buddy)."""
    if of_open_pairings:
        return Q(household__status=Status.ACTIVE) & no_recent_visit(today, household="household_id")
    return Q(status=Status.ACTIVE) & Q(id__in=paired_ids()) & no_recent_visit(today)


def income_threshold() -> int:
    """The จปฐ. line: annual income per person, in baht (KUSEAW_JPT_INCOME_THRESHOLD)."""
    return settings.KUSEAW_JPT_INCOME_THRESHOLD


def reaches_income_threshold(members, income) -> Q:
    """Annual `income` per current member (`members`; both expressions) at or above the line,
    tested as income ≥ threshold × members: no division, no rounding; with no current member
    there is no income per person, and the line is not reached."""
    return Q(GreaterThan(members, 0), GreaterThanOrEqual(income, members * income_threshold()))


class HouseholdQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The households this user may see: the one place that decides it.

        Officials: households paired to them now or earlier; agency coordinators:
        households ever paired to their agency's officials; district staff: their
        district; provincial staff and admins: all. Anyone else: none.
        """
        role = role_of(user)
        if is_admin(user) or role == Role.PROVINCE:
            return self.all()
        if role == Role.DISTRICT:
            profile = getattr(user, "staff_profile", None)
            if profile is None or profile.district_id is None:
                return self.none()
            return self.filter(subdistrict__district_id=profile.district_id)
        if role == Role.COORDINATOR:
            profile = getattr(user, "staff_profile", None)
            if profile is None or profile.agency_id is None:
                return self.none()
            agency = Pairing.objects.filter(official__agency_id=profile.agency_id)
            return self.filter(id__in=models.Subquery(agency.values("household_id")))
        if role == Role.OFFICIAL:
            official = getattr(user, "official", None)
            if official is None:
                return self.none()
            ever = Pairing.objects.filter(official=official)
            return self.filter(id__in=models.Subquery(ever.values("household_id")))
        return self.none()

    def looked_after_by(self, user):
        """The households paired to the user's Official record now (none without one): an
        official's own list and dashboard. A subset of what they may see."""
        official = getattr(user, "official", None)
        if official is None:
            return self.none()
        now = Pairing.objects.open().filter(official=official)
        return self.filter(id__in=now.values("household_id"))

    def editable_by(self, user):
        """The households this user may change: the one place that decides it.

        Admins: all; an official still at work (Official.is_active): those paired to them
        now. Anyone else, a former buddy too: none (they keep reading through visible_to).
        """
        if is_admin(user):
            return self.all()
        official = getattr(user, "official", None) if role_of(user) == Role.OFFICIAL else None
        if official is None or not official.is_active:
            return self.none()
        return self.looked_after_by(user)

    def pairable_by(self, user):
        """The households this user may pair or reassign (the pairing pages' scope).

        Admins: all; district staff: their district; agency coordinators: every household
        waiting for a buddy (to find one for their officials) and those their officials look
        after now; officials and provincial viewers: none.
        """
        if is_admin(user):
            return self.all()
        role = role_of(user)
        profile = getattr(user, "staff_profile", None)
        if role == Role.DISTRICT and profile is not None and profile.district_id:
            return self.filter(subdistrict__district_id=profile.district_id)
        if role == Role.COORDINATOR and profile is not None and profile.agency_id:
            own = Pairing.objects.open().filter(
                household=OuterRef("pk"), official__agency_id=profile.agency_id
            )
            return self.with_is_paired().filter(Q(is_paired=False) | models.Exists(own))
        return self.none()

    def overdue(self, today=None):
        """Households overdue for a visit, as the dashboards count them (overdue_q)."""
        return self.filter(overdue_q(today))

    def reaching_income_threshold(self):
        """Households whose annual income per current member reaches the จปฐ. line
        (reaches_income_threshold), from one grouped pass over the current members."""
        income = F("household__annual_income")
        members = Member.objects.current().order_by().values("household_id", income.name)
        reached = members.annotate(members=Count("*")).filter(
            reaches_income_threshold(F("members"), income)
        )
        return self.filter(id__in=reached.values("household_id"))

    def with_income_threshold(self):
        """Annotate `reaches_income_threshold` (reaches_income_threshold) for a few households."""
        members = Member.objects.current().filter(household=OuterRef("pk")).order_by()
        count = members.values("household").annotate(n=Count("*")).values("n")
        reaches = reaches_income_threshold(F("current_members"), F("annual_income"))
        return self.alias(current_members=Coalesce(models.Subquery(count), 0)).annotate(
            reaches_income_threshold=models.ExpressionWrapper(reaches, models.BooleanField())
        )

    def with_visit_dates(self, today=None):
        """Annotate `last_visit`, `next_follow_up` (set at the latest visit) and
        `visit_overdue` (no_recent_visit(today)), for a page of a few households."""
        latest = Visit.objects.filter(household=OuterRef("pk")).order_by("-visited_on", "-id")
        overdue = no_recent_visit(today, last_visit="last_visit")
        return self.annotate(
            last_visit=models.Max("visits__visited_on"),
            next_follow_up=models.Subquery(latest.values("next_follow_up")[:1]),
        ).annotate(visit_overdue=models.ExpressionWrapper(overdue, models.BooleanField()))

    def with_is_paired(self):
        """Annotate `is_paired`: the household has a buddy now."""
        open_pairing = Pairing.objects.open().filter(household=models.OuterRef("pk"))
        return self.annotate(is_paired=models.Exists(open_pairing))

    def unpaired(self):
        """Active households waiting for a buddy."""
        return self.with_is_paired().filter(status=Status.ACTIVE, is_paired=False)

    def with_head_name(self):
        """Annotate `head_name` ("title first last" of the head) without a query per row."""
        heads = Member.objects.filter(household=models.OuterRef("pk"), is_head=True)
        return self.annotate(
            head_name=models.Subquery(
                heads.annotate(
                    full=models.functions.Concat(
                        "title",
                        "first_name",
                        models.Value(" "),
                        "last_name",
                        output_field=models.CharField(),
                    )
                ).values("full")[:1]
            )
        )


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class Household(models.Model):
    """A poor household in the programme: the case file everything else hangs on."""

    code = models.CharField("รหัสครัวเรือน", max_length=30, unique=True)
    house_no = models.CharField("บ้านเลขที่", max_length=20)
    village_no = models.PositiveSmallIntegerField(
        "หมู่ที่", validators=[MinValueValidator(1), MaxValueValidator(99)]
    )
    village_name = models.CharField("ชื่อหมู่บ้าน", max_length=100, blank=True)
    subdistrict = models.ForeignKey(
        Subdistrict, on_delete=models.PROTECT, related_name="households", verbose_name="ตำบล"
    )
    phone = models.CharField("โทรศัพท์ติดต่อ", max_length=20, blank=True)
    status = models.CharField("สถานะ", max_length=20, choices=Status.choices, default=Status.ACTIVE)
    poverty_level = models.PositiveSmallIntegerField(
        "ระดับความยากจน", choices=PovertyLevel.choices, default=PovertyLevel.HARD
    )
    poverty_level_at_entry = models.PositiveSmallIntegerField(
        "ระดับความยากจนเมื่อเข้าโครงการ", choices=PovertyLevel.choices, default=PovertyLevel.HARD
    )
    cause = models.CharField("สาเหตุความยากจน", max_length=10, choices=Cause.choices)
    need_health = models.BooleanField("ด้านสุขภาพ", default=False)
    need_living = models.BooleanField("ด้านความเป็นอยู่", default=False)
    need_education = models.BooleanField("ด้านการศึกษา", default=False)
    need_income = models.BooleanField("ด้านรายได้", default=False)
    need_public_services = models.BooleanField("ด้านการเข้าถึงบริการรัฐ", default=False)
    annual_income = models.DecimalField(
        "รายได้ครัวเรือนต่อปี (บาท)",
        **MONEY,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    debts = models.DecimalField(
        "หนี้สิน (บาท)", **MONEY, default=Decimal("0"), validators=[MinValueValidator(Decimal("0"))]
    )
    land_rai = models.DecimalField(
        "ที่ดินทำกิน (ไร่)",
        max_digits=8,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    livelihood_assets = models.TextField(
        "สินทรัพย์เพื่อการทำมาหากิน",
        blank=True,
        help_text="เช่น ที่ดิน เครื่องมือ สัตว์เลี้ยง ทักษะ แหล่งน้ำ",
    )
    joined_on = models.DateField("วันที่เข้าโครงการ", default=timezone.localdate)
    consent_given = models.BooleanField("ยินยอมให้ใช้ข้อมูล", default=False)
    consent_date = models.DateField("วันที่ให้ความยินยอม", null=True, blank=True)
    # Set when personal data was removed (households.privacy.services.household_anonymise).
    anonymised_at = models.DateTimeField("ปกปิดข้อมูลส่วนบุคคลเมื่อ", null=True, editable=False)
    created_at = models.DateTimeField("สร้างเมื่อ", auto_now_add=True)
    updated_at = models.DateTimeField("แก้ไขล่าสุด", auto_now=True)

    objects = HouseholdQuerySet.as_manager()

    class Meta:
        verbose_name = "ครัวเรือน"
        verbose_name_plural = "ครัวเรือน"
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(consent_given=False) | Q(consent_date__isnull=False),
                name="household_consent_has_date",
                violation_error_message="ต้องระบุวันที่ให้ความยินยอม",
            )
        ]
        indexes = [models.Index(fields=["status", "poverty_level"])]

    def __str__(self):
        return self.code

    @property
    def main_need(self) -> str | None:
        """The Need value this household most needs help with, or None."""
        return next((need.value for need in Need if getattr(self, f"need_{need.value}")), None)

    @property
    def needs(self) -> list[str]:
        """Thai labels of the dimensions this household needs help in."""
        return [label for field, label in NEED_DIMENSIONS if getattr(self, field)]

    @property
    def address(self) -> str:
        sub = self.subdistrict
        village = f" บ้าน{self.village_name}" if self.village_name else ""
        return (
            f"{self.house_no} หมู่ {self.village_no}{village} ต.{sub.name_th} "
            f"อ.{sub.district.name_th} จ.ขอนแก่น {sub.postal_code}"
        )

    def income_per_person(self, member_count: int) -> Decimal | None:
        """Annual income per person; the caller passes the count it already has."""
        if member_count <= 0:
            return None
        return (self.annual_income / member_count).quantize(Decimal("0.01"))


class Sex(models.TextChoices):
    MALE = "m", "ชาย"
    FEMALE = "f", "หญิง"


class Relation(models.TextChoices):
    HEAD = "head", "หัวหน้าครัวเรือน"
    SPOUSE = "spouse", "คู่สมรส"
    CHILD = "child", "บุตร"
    PARENT = "parent", "บิดา/มารดา"
    GRANDCHILD = "grandchild", "หลาน"
    SIBLING = "sibling", "พี่น้อง"
    RELATIVE = "relative", "ญาติ"
    OTHER = "other", "ผู้อาศัย"


class Education(models.TextChoices):
    NONE = "none", "ไม่ได้เรียน"
    PRESCHOOL = "preschool", "ก่อนวัยเรียน"
    PRIMARY = "primary", "ประถมศึกษา"
    LOWER_SECONDARY = "lower_secondary", "มัธยมศึกษาตอนต้น"
    UPPER_SECONDARY = "upper_secondary", "มัธยมศึกษาตอนปลาย/ปวช."
    DIPLOMA = "diploma", "อนุปริญญา/ปวส."
    BACHELOR = "bachelor", "ปริญญาตรีขึ้นไป"


# What a member's record holds about them: the member form and the import both use it.
MEMBER_PROFILE_FIELDS = [
    "title",
    "first_name",
    "last_name",
    "national_id",
    "birth_date",
    "sex",
    "relation",
    "is_head",
    "education",
    "occupation",
    "income",
    "phone",
    "disability",
    "chronic_illness",
    "has_welfare_card",
]


class MemberQuerySet(models.QuerySet):
    def current(self):
        return self.filter(left_on__isnull=True)


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class Member(models.Model):
    """A person living in a household; exactly one current member is its head."""

    household = models.ForeignKey(
        Household, on_delete=models.CASCADE, related_name="members", verbose_name="ครัวเรือน"
    )
    title = models.CharField("คำนำหน้า", max_length=30, blank=True)
    first_name = models.CharField("ชื่อ", max_length=100)
    last_name = models.CharField("นามสกุล", max_length=100)
    national_id = models.CharField(
        "เลขประจำตัวประชาชน",
        max_length=13,
        null=True,
        blank=True,
        unique=True,
        validators=[validate_national_id],
        error_messages={"unique": "เลขประจำตัวประชาชนนี้มีอยู่ในโครงการแล้ว"},
    )
    birth_date = models.DateField("วันเกิด", null=True, blank=True)
    sex = models.CharField("เพศ", max_length=1, choices=Sex.choices)
    relation = models.CharField("ความสัมพันธ์กับหัวหน้าครัวเรือน", max_length=20, choices=Relation.choices)
    is_head = models.BooleanField("หัวหน้าครัวเรือน", default=False)
    education = models.CharField("การศึกษา", max_length=20, choices=Education.choices, blank=True)
    occupation = models.CharField("อาชีพ", max_length=100, blank=True)
    income = models.DecimalField(
        "รายได้ต่อปี (บาท)",
        **MONEY,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    phone = models.CharField("โทรศัพท์", max_length=20, blank=True)
    disability = models.CharField("ความพิการ", max_length=200, blank=True)
    chronic_illness = models.CharField("โรคเรื้อรัง", max_length=200, blank=True)
    has_welfare_card = models.BooleanField("มีบัตรสวัสดิการแห่งรัฐ", default=False)
    left_on = models.DateField("วันที่ย้ายออก", null=True, blank=True)
    updated_at = models.DateTimeField("แก้ไขล่าสุด", auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="แก้ไขโดย",
    )

    objects = MemberQuerySet.as_manager()

    class Meta:
        verbose_name = "สมาชิกครัวเรือน"
        verbose_name_plural = "สมาชิกครัวเรือน"
        ordering = ["household", "-is_head", "birth_date", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["household"],
                condition=Q(is_head=True),
                name="member_one_head_per_household",
                violation_error_message="ครัวเรือนหนึ่งมีหัวหน้าครัวเรือนได้คนเดียว",
            ),
            models.CheckConstraint(
                condition=Q(is_head=False) | Q(left_on__isnull=True),
                name="member_head_is_current",
                violation_error_message="หัวหน้าครัวเรือนต้องยังอาศัยอยู่ในครัวเรือน",
            ),
        ]
        # Dashboards count current members per household straight from this index.
        indexes = [
            models.Index(
                fields=["household"],
                condition=Q(left_on__isnull=True),
                name="member_current_by_household",
            )
        ]

    def __str__(self):
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.title}{self.first_name} {self.last_name}"

    def age_on(self, day) -> int | None:
        if self.birth_date is None:
            return None
        before_birthday = (day.month, day.day) < (self.birth_date.month, self.birth_date.day)
        return day.year - self.birth_date.year - before_birthday

    @property
    def age(self) -> int | None:
        return self.age_on(timezone.localdate())


class VisitKind(models.TextChoices):
    HOME = "home", "เยี่ยมบ้าน"
    PHONE = "phone", "โทรศัพท์"
    OTHER = "other", "อื่น ๆ"


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class Visit(models.Model):
    """An official's contact with a household and what they found."""

    household = models.ForeignKey(
        Household, on_delete=models.CASCADE, related_name="visits", verbose_name="ครัวเรือน"
    )
    official = models.ForeignKey(
        Official, on_delete=models.PROTECT, related_name="visits", verbose_name="ผู้เยี่ยม"
    )
    visited_on = models.DateField("วันที่เยี่ยม")
    kind = models.CharField(
        "ลักษณะ", max_length=10, choices=VisitKind.choices, default=VisitKind.HOME
    )
    findings = models.TextField("สิ่งที่พบ")
    needs_observed = models.TextField("ความต้องการที่พบ", blank=True)
    income_reported = models.DecimalField(
        "รายได้ที่แจ้ง (บาท/เดือน)",
        **MONEY,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    next_follow_up = models.DateField("นัดติดตามครั้งต่อไป", null=True, blank=True)
    # Set by the form: a second submit of the same form finds this and creates nothing.
    submission_token = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="บันทึกโดย",
    )
    created_at = models.DateTimeField("บันทึกเมื่อ", auto_now_add=True)

    class Meta:
        verbose_name = "การเยี่ยมบ้าน"
        verbose_name_plural = "การเยี่ยมบ้าน"
        ordering = ["-visited_on", "-id"]
        indexes = [
            models.Index(fields=["household", "-visited_on"]),
            # Dashboards count visits by day (and by household, official) from the index alone.
            models.Index(
                fields=["visited_on", "household", "official"], name="visit_day_household_official"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(next_follow_up__isnull=True)
                | Q(next_follow_up__gte=models.F("visited_on")),
                name="visit_follow_up_after_visit",
                violation_error_message="วันนัดติดตามต้องไม่ก่อนวันที่เยี่ยม",
            )
        ]

    def __str__(self):
        return f"{self.household} {self.visited_on}"


class AidCategory(models.TextChoices):
    CAREER = "career", "อาชีพ"
    EMPLOYMENT = "employment", "การจ้างงาน"
    MARKET = "market", "การตลาด"
    WELFARE = "welfare", "สวัสดิการ"


class AidStatus(models.TextChoices):
    PLANNED = "planned", "วางแผน"
    IN_PROGRESS = "in_progress", "กำลังดำเนินการ"
    DONE = "done", "เสร็จสิ้น"
    CANCELLED = "cancelled", "ยกเลิก"


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class AidRecord(models.Model):
    """Help given to a household in one of the four areas, by an agency or a partner."""

    household = models.ForeignKey(
        Household, on_delete=models.CASCADE, related_name="aid_records", verbose_name="ครัวเรือน"
    )
    category = models.CharField("ด้าน", max_length=20, choices=AidCategory.choices)
    title = models.CharField("รายการช่วยเหลือ", max_length=200)
    agency = models.ForeignKey(
        Agency,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="aid_records",
        verbose_name="หน่วยงานที่ให้การช่วยเหลือ",
    )
    partner = models.CharField(
        "ภาคีผู้สนับสนุน",
        max_length=200,
        blank=True,
        help_text="ภาคเอกชน มหาวิทยาลัย หรือองค์กรอื่นที่ไม่อยู่ในรายชื่อหน่วยงาน",
    )
    given_on = models.DateField("วันที่")
    value = models.DecimalField(
        "มูลค่า (บาท)", **MONEY, default=Decimal("0"), validators=[MinValueValidator(Decimal("0"))]
    )
    status = models.CharField(
        "สถานะ", max_length=20, choices=AidStatus.choices, default=AidStatus.PLANNED
    )
    outcome = models.TextField("ผลที่เกิดขึ้น", blank=True)
    submission_token = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="บันทึกโดย",
    )
    created_at = models.DateTimeField("บันทึกเมื่อ", auto_now_add=True)
    updated_at = models.DateTimeField("แก้ไขล่าสุด", auto_now=True)

    class Meta:
        verbose_name = "การช่วยเหลือ"
        verbose_name_plural = "การช่วยเหลือ"
        ordering = ["-given_on", "-id"]
        indexes = [
            models.Index(fields=["household", "-given_on"]),
            # Dashboards sum aid by day, area and status from the index alone.
            models.Index(
                fields=["given_on"],
                include=["household", "category", "status", "value", "agency"],
                name="aid_day_covering",
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def provider(self) -> str:
        return str(self.agency) if self.agency_id else self.partner


class ImportKind(models.TextChoices):
    HOUSEHOLDS = "households", "ครัวเรือนและสมาชิก"
    OFFICIALS = "officials", "เจ้าหน้าที่คู่เสี่ยว"
    PAIRINGS = "pairings", "การจับคู่"


class ImportStatus(models.TextChoices):
    QUEUED = "queued", "รอคิว"
    RUNNING = "running", "กำลังทำงาน"
    PREVIEWED = "previewed", "ตรวจสอบแล้ว รอยืนยัน"
    APPLIED = "applied", "นำเข้าแล้ว"
    FAILED = "failed", "ไม่สำเร็จ"


class ImportJob(models.Model):
    """One uploaded file: its preview, whether it was applied, by whom, and the counts."""

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="ผู้นำเข้า",
        help_text="ว่างเมื่อนำเข้าด้วยคำสั่ง manage.py import_households โดยไม่ระบุผู้ใช้",
    )
    kind = models.CharField("ประเภท", max_length=20, choices=ImportKind.choices)
    file_name = models.CharField("ชื่อไฟล์", max_length=255)
    members_file_name = models.CharField("ชื่อไฟล์สมาชิก", max_length=255, blank=True)
    # The uploaded bytes hold national IDs: kept here (never on disk) only between the
    # preview and the confirm, and cleared once the job is applied or has failed.
    file_data = models.BinaryField(null=True, blank=True, editable=False)
    members_file_data = models.BinaryField(null=True, blank=True, editable=False)
    status = models.CharField(
        "สถานะ", max_length=20, choices=ImportStatus.choices, default=ImportStatus.QUEUED
    )
    # Whether the queued/running work is the dry run or the real apply.
    apply_requested = models.BooleanField("สั่งนำเข้าจริง", default=False)
    counts = models.JSONField("จำนวน", default=dict, blank=True)
    row_errors = models.JSONField("ข้อผิดพลาดรายแถว", default=list, blank=True)
    # Compact preview of every row: [row number, status, key, note].
    row_results = models.JSONField("ผลรายแถว", default=list, blank=True)
    message = models.TextField("ข้อความ", blank=True)
    total_rows = models.PositiveIntegerField("จำนวนแถวทั้งหมด", default=0)
    processed_rows = models.PositiveIntegerField("ประมวลผลแล้ว", default=0)
    task_id = models.CharField(max_length=64, blank=True, editable=False)
    created_at = models.DateTimeField("นำเข้าเมื่อ", auto_now_add=True)
    finished_at = models.DateTimeField("เสร็จเมื่อ", null=True, blank=True)

    class Meta:
        verbose_name = "การนำเข้าข้อมูล"
        verbose_name_plural = "การนำเข้าข้อมูล"
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.file_name} ({self.get_status_display()})"

    @property
    def is_busy(self) -> bool:
        return self.status in (ImportStatus.QUEUED, ImportStatus.RUNNING)

    @property
    def percent(self) -> int:
        if not self.total_rows:
            return 0
        return min(100, round(100 * self.processed_rows / self.total_rows))

    @property
    def error_count(self) -> int:
        return self.counts.get("error", 0)


class AccessAction(models.TextChoices):
    CASE_OPENED = "case_opened", "เปิดดูแฟ้มครัวเรือน"
    LIST_EXPORTED = "list_exported", "ส่งออกรายการ"
    PERSON_EXPORTED = "person_exported", "ส่งออกข้อมูลทั้งหมดของบุคคล"
    HOUSEHOLD_ANONYMISED = "anonymised", "ปกปิดข้อมูลส่วนบุคคลของครัวเรือน"


class AccessLog(models.Model):
    """One look at or export of personal data: who, when and what; never changed or deleted."""

    at = models.DateTimeField("เมื่อ", default=timezone.now, db_index=True)
    # PROTECT: a user who has read personal data is deactivated, never deleted.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="ผู้ใช้",
    )
    action = models.CharField("การกระทำ", max_length=30, choices=AccessAction.choices)
    # No database constraint and no SET_NULL (an UPDATE the trigger below refuses): the line
    # keeps the id and the code of a household even after the household is deleted.
    household = models.ForeignKey(
        Household,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="ครัวเรือน",
    )
    household_code = models.CharField("รหัสครัวเรือน", max_length=30, blank=True, db_index=True)
    description = models.CharField("รายละเอียด", max_length=500, blank=True)
    path = models.CharField("หน้าที่เปิด", max_length=500, blank=True)

    class Meta:
        verbose_name = "บันทึกการเข้าถึงข้อมูล"
        verbose_name_plural = "บันทึกการเข้าถึงข้อมูล"
        ordering = ["-at", "-id"]
        triggers = [
            pgtrigger.Protect(
                name="access_log_append_only", operation=pgtrigger.Update | pgtrigger.Delete
            )
        ]

    def __str__(self):
        return f"{self.get_action_display()} {self.household_code}".strip()


class ConsentDecision(models.TextChoices):
    GIVEN = "given", "ยินยอม"
    REFUSED = "refused", "ไม่ยินยอม"
    WITHDRAWN = "withdrawn", "ถอนความยินยอม"


class ConsentMethod(models.TextChoices):
    SIGNED_FORM = "signed_form", "ลงนามในหนังสือให้ความยินยอม"
    VERBAL_WITNESSED = "verbal_witnessed", "แจ้งด้วยวาจา มีพยานรับรู้"
    AGENCY_LIST = "agency_list", "ตามรายชื่อที่หน่วยงานส่งมา"


class Consent(models.Model):
    """A household's decision on the use of its data, as recorded; the latest one counts.

    Records are added, never edited: a change of mind is a new record. The household's
    consent_given and consent_date hold the latest decision for lists and filters.
    """

    household = models.ForeignKey(
        Household, on_delete=models.CASCADE, related_name="consents", verbose_name="ครัวเรือน"
    )
    decision = models.CharField("ความยินยอม", max_length=20, choices=ConsentDecision.choices)
    decided_on = models.DateField("วันที่")
    method = models.CharField("วิธีให้ความยินยอม", max_length=20, choices=ConsentMethod.choices)
    given_by = models.ForeignKey(
        Member,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="ผู้แสดงความประสงค์",
    )
    witness = models.CharField("พยาน", max_length=200, blank=True)
    note = models.TextField("หมายเหตุ", blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="ผู้บันทึก",
    )
    recorded_at = models.DateTimeField("บันทึกเมื่อ", auto_now_add=True)

    class Meta:
        verbose_name = "ความยินยอม"
        verbose_name_plural = "ความยินยอม"
        ordering = ["-decided_on", "-id"]

    def __str__(self):
        return f"{self.household} {self.get_decision_display()}"

    def clean(self):
        errors = {}
        if self.method == ConsentMethod.VERBAL_WITNESSED and not self.witness.strip():
            errors["witness"] = "แจ้งด้วยวาจาต้องระบุชื่อพยาน"
        if self.given_by_id and self.given_by.household_id != self.household_id:
            errors["given_by"] = "ผู้แสดงความประสงค์ต้องเป็นสมาชิกของครัวเรือนนี้"
        if self.decided_on and self.decided_on > timezone.localdate():
            errors["decided_on"] = "วันที่ต้องไม่เลยวันนี้"
        if errors:
            raise ValidationError(errors)
