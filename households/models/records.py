"""What officials do for a household: visits and aid."""

from decimal import Decimal

import pghistory
from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q

from agencies.models import Agency
from households.models.choices import MONEY
from officials.models import Official


class VisitKind(models.TextChoices):
    HOME = "home", "เยี่ยมบ้าน"
    PHONE = "phone", "โทรศัพท์"
    OTHER = "other", "อื่น ๆ"


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class Visit(models.Model):
    """An official's contact with a household and what they found."""

    household = models.ForeignKey(
        "households.Household",
        on_delete=models.CASCADE,
        related_name="visits",
        verbose_name="ครัวเรือน",
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
        "households.Household",
        on_delete=models.CASCADE,
        related_name="aid_records",
        verbose_name="ครัวเรือน",
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
