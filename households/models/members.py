"""The people of a household."""

from decimal import Decimal

import pghistory
from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from households.models.choices import MONEY
from kuseaw.national_id import validate_national_id


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
        "households.Household",
        on_delete=models.CASCADE,
        related_name="members",
        verbose_name="ครัวเรือน",
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
