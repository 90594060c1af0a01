"""The household, the case file everything else hangs on, and the querysets that scope it."""

from decimal import Decimal

import pghistory
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Count, F, OuterRef, Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from agencies.models import Need, Subdistrict
from households.models.choices import MONEY, NEED_DIMENSIONS, Cause, PovertyLevel, Status
from households.models.measures import no_recent_visit, overdue_q, reaches_income_threshold
from households.models.members import Member
from households.models.records import Visit
from officials.models import Pairing
from officials.roles import Role, is_admin, role_of


class HouseholdQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The households this user may see: the one place that decides it.

        Officials: households paired to them now or earlier, and those they are named to
        check on after graduation; agency coordinators:
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
            agency = Pairing.objects.filter(official__agency_id=profile.agency_id).order_by()
            return self.filter(id__in=models.Subquery(agency.values("household_id")))
        if role == Role.OFFICIAL:
            official = getattr(user, "official", None)
            if official is None:
                return self.none()
            ever = Pairing.objects.filter(official=official).order_by()
            # And those they are named to check on after graduation (households.cases).
            checks = self.model.objects.filter(graduations__checks__official=official)
            return self.filter(
                Q(id__in=models.Subquery(ever.values("household_id")))
                | Q(id__in=models.Subquery(checks.values("id")))
            )
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
    def locality(self) -> str:
        """The village, subdistrict and district, without the house: what a mail or a
        partner's inbox may say of where the household lives."""
        sub = self.subdistrict
        village = f" บ้าน{self.village_name}" if self.village_name else ""
        return f"หมู่ {self.village_no}{village} ต.{sub.name_th} อ.{sub.district.name_th}"

    @property
    def address(self) -> str:
        return f"{self.house_no} {self.locality} จ.ขอนแก่น {self.subdistrict.postal_code}"

    def income_per_person(self, member_count: int) -> Decimal | None:
        """Annual income per person; the caller passes the count it already has."""
        if member_count <= 0:
            return None
        return (self.annual_income / member_count).quantize(Decimal("0.01"))
