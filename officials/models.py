import pghistory
from django.conf import settings
from django.db import models
from django.db.models import Count, Q
from django.utils import timezone

from agencies.models import Agency, District
from officials.roles import Role, is_admin, role_of


class OfficialQuerySet(models.QuerySet):
    def manageable_by(self, user):
        """The officials whose pairings this user may manage: the one place that decides it.

        Admins: all; agency coordinators: their agency's; district staff: those working in
        their district; everyone else (officials too): none.
        """
        if is_admin(user):
            return self.all()
        role = role_of(user)
        profile = getattr(user, "staff_profile", None)
        if role == Role.COORDINATOR and profile is not None and profile.agency_id:
            return self.filter(agency_id=profile.agency_id)
        if role == Role.DISTRICT and profile is not None and profile.district_id:
            return self.filter(district_id=profile.district_id)
        return self.none()

    def visible_to(self, user):
        """The officials whose figures this user may see (dashboards): those they manage,
        and for provincial staff, who manage none, all of them."""
        if role_of(user) == Role.PROVINCE:
            return self.all()
        return self.manageable_by(user)

    def with_open_pairings(self):
        """Annotate `open_pairings`: how many households the official looks after now."""
        return self.annotate(
            open_pairings=Count("pairings", filter=Q(pairings__ended_on__isnull=True))
        )


class Official(models.Model):
    """A government official who acts as a buddy (คู่เสี่ยว) to households."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="official",
        verbose_name="บัญชีผู้ใช้",
    )
    national_id = models.CharField(
        "เลขประจำตัวประชาชน", max_length=13, unique=True, null=True, blank=True
    )
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="officials", verbose_name="หน่วยงาน"
    )
    district = models.ForeignKey(
        District,
        on_delete=models.PROTECT,
        related_name="officials",
        verbose_name="อำเภอที่ปฏิบัติงาน",
    )
    position = models.CharField("ตำแหน่ง", max_length=150, blank=True)
    phone = models.CharField("โทรศัพท์", max_length=20, blank=True)
    is_active = models.BooleanField("ปฏิบัติงานอยู่", default=True)

    objects = OfficialQuerySet.as_manager()

    class Meta:
        verbose_name = "เจ้าหน้าที่คู่เสี่ยว"
        verbose_name_plural = "เจ้าหน้าที่คู่เสี่ยว"
        ordering = ["user__first_name", "user__last_name"]

    def __str__(self):
        return self.full_name

    @property
    def full_name(self) -> str:
        return self.user.get_full_name() or self.user.get_username()


class StaffProfile(models.Model):
    """The scope of a reviewing user: a coordinator's agency or district staff's district."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="staff_profile",
        verbose_name="บัญชีผู้ใช้",
    )
    agency = models.ForeignKey(
        Agency,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
        verbose_name="หน่วยงาน",
        help_text="สำหรับผู้ประสานงานหน่วยงาน",
    )
    district = models.ForeignKey(
        District,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
        verbose_name="อำเภอ",
        help_text="สำหรับเจ้าหน้าที่อำเภอ",
    )
    phone = models.CharField("โทรศัพท์", max_length=20, blank=True)

    class Meta:
        verbose_name = "ขอบเขตงานของเจ้าหน้าที่"
        verbose_name_plural = "ขอบเขตงานของเจ้าหน้าที่"

    def __str__(self):
        return self.user.get_full_name() or self.user.get_username()


class EndReason(models.TextChoices):
    OFFICIAL_TRANSFERRED = "official_transferred", "เจ้าหน้าที่ย้าย"
    OFFICIAL_RETIRED = "official_retired", "เจ้าหน้าที่เกษียณ"
    HOUSEHOLD_MOVED = "household_moved", "ครัวเรือนย้ายออก"
    HOUSEHOLD_GRADUATED = "household_graduated", "ครัวเรือนพ้นเส้นความยากจน"
    REASSIGNED = "reassigned", "เปลี่ยนคู่เสี่ยว"
    OTHER = "other", "อื่น ๆ"


class PairingQuerySet(models.QuerySet):
    def open(self):
        return self.filter(ended_on__isnull=True)


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class Pairing(models.Model):
    """One official looking after one household for a period: the history is never deleted."""

    official = models.ForeignKey(
        Official, on_delete=models.PROTECT, related_name="pairings", verbose_name="คู่เสี่ยว"
    )
    household = models.ForeignKey(
        "households.Household",
        on_delete=models.PROTECT,
        related_name="pairings",
        verbose_name="ครัวเรือน",
    )
    started_on = models.DateField("วันที่เริ่มดูแล", default=timezone.localdate)
    ended_on = models.DateField("วันที่สิ้นสุด", null=True, blank=True)
    end_reason = models.CharField("เหตุที่สิ้นสุด", max_length=30, choices=EndReason.choices, blank=True)
    end_note = models.CharField("หมายเหตุ", max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="ผู้จับคู่",
    )
    created_at = models.DateTimeField("บันทึกเมื่อ", auto_now_add=True)

    objects = PairingQuerySet.as_manager()

    class Meta:
        verbose_name = "การจับคู่"
        verbose_name_plural = "การจับคู่"
        ordering = ["-started_on", "-id"]
        constraints = [
            # One buddy per household at a time; the cap per official is kept by
            # officials.services.pairing_create, which locks the official's row.
            models.UniqueConstraint(
                fields=["household"],
                condition=Q(ended_on__isnull=True),
                name="pairing_one_open_per_household",
                violation_error_message="ครัวเรือนนี้มีคู่เสี่ยวดูแลอยู่แล้ว",
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="pairing_ends_after_start",
                violation_error_message="วันที่สิ้นสุดต้องไม่ก่อนวันที่เริ่มดูแล",
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | ~Q(end_reason=""),
                name="pairing_end_has_reason",
                violation_error_message="ต้องระบุเหตุที่สิ้นสุดการดูแล",
            ),
        ]
        indexes = [
            models.Index(
                fields=["official"],
                condition=Q(ended_on__isnull=True),
                name="pairing_open_by_official",
            )
        ]

    def __str__(self):
        return f"{self.official} – {self.household}"

    @property
    def is_open(self) -> bool:
        return self.ended_on is None
