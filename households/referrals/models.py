"""What partners and agencies offer households (issue 15): jobs, training, market places
or buyers, equipment, scholarships, volunteer buddies — each with a capacity, its dates and
who it suits (matching.py suggests them for a household's open problems); and the
referral (การส่งต่อ) of a problem to an agency or partner: sent → accepted or declined →
done, each step kept in the history."""

import pghistory
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Count, F, Q
from django.utils import timezone

from agencies.models import Agency, District, Need
from households.models import Cause, Sex
from officials.roles import Role, is_admin, role_of


class OfferKind(models.TextChoices):
    JOB = "job", "งาน/การจ้างงาน"
    TRAINING = "training", "ฝึกอบรมอาชีพ"
    MARKET = "market", "ตลาด/ผู้รับซื้อ"
    EQUIPMENT = "equipment", "อุปกรณ์/ปัจจัยการผลิต"
    SCHOLARSHIP = "scholarship", "ทุนการศึกษา"
    VOLUNTEER = "volunteer", "อาสาสมัครคู่เสี่ยว"


class OfferQuerySet(models.QuerySet):
    def open_on(self, day=None):
        """Offered on `day` (today by default): active, started, not ended."""
        day = day or timezone.localdate()
        return self.filter(
            Q(starts_on__isnull=True) | Q(starts_on__lte=day),
            Q(ends_on__isnull=True) | Q(ends_on__gte=day),
            is_active=True,
            agency__is_active=True,
        )

    def with_open_places(self):
        """Annotate `open_places`: the capacity less the referrals accepted or done for it
        (Offer.places_left for one offer)."""
        taken = Count("referrals", filter=Q(referrals__status__in=TAKING_A_PLACE), distinct=True)
        return self.annotate(open_places=F("capacity") - taken)

    def serving(self, district):
        """Offered in `district`: the offer's own districts, or, when it names none, its
        organisation's (none there either: the whole province)."""
        own = Q(districts=district)
        of_agency = Q(districts__isnull=True) & (
            Q(agency__districts=district) | Q(agency__districts__isnull=True)
        )
        return self.filter(own | of_agency).distinct()


class Offer(models.Model):
    """One offer of an organisation, with how many it can take and whom it suits. An
    empty criterion suits everyone (no age limits: any age; no dimension: any problem)."""

    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="offers", verbose_name="หน่วยงาน/ภาคี"
    )
    kind = models.CharField("ประเภทข้อเสนอ", max_length=20, choices=OfferKind.choices)
    title = models.CharField("ข้อเสนอ", max_length=200)
    description = models.TextField("รายละเอียด", blank=True)
    capacity = models.PositiveIntegerField(
        "จำนวนที่รับได้", validators=[MinValueValidator(1)], help_text="คนหรือครัวเรือน"
    )
    starts_on = models.DateField("เริ่ม", null=True, blank=True)
    ends_on = models.DateField("สิ้นสุด", null=True, blank=True)
    districts = models.ManyToManyField(
        District,
        blank=True,
        related_name="offers",
        verbose_name="อำเภอ",
        help_text="เว้นว่างไว้เมื่อเป็นอำเภอที่หน่วยงานให้บริการ",
    )
    needs = ArrayField(
        models.CharField(max_length=20, choices=Need.choices),
        verbose_name="ช่วยปัญหาด้าน",
        default=list,
        blank=True,
        help_text="เว้นว่างไว้เมื่อช่วยได้ทุกด้าน",
    )
    causes = ArrayField(
        models.CharField(max_length=10, choices=Cause.choices),
        verbose_name="เหมาะกับครัวเรือนที่ยากจนเพราะ",
        default=list,
        blank=True,
        help_text="เว้นว่างไว้เมื่อเหมาะกับทั้งสองแบบ",
    )
    min_age = models.PositiveSmallIntegerField(
        "อายุตั้งแต่", null=True, blank=True, validators=[MaxValueValidator(120)]
    )
    max_age = models.PositiveSmallIntegerField(
        "อายุไม่เกิน", null=True, blank=True, validators=[MaxValueValidator(120)]
    )
    sex = models.CharField("เพศ", max_length=1, choices=Sex.choices, blank=True)
    skills = models.CharField(
        "ทักษะหรืออาชีพที่เหมาะ",
        max_length=300,
        blank=True,
        help_text="คั่นด้วยจุลภาค เช่น ทอผ้า, ตัดเย็บ (เทียบกับอาชีพและทุนมนุษย์ของครัวเรือน)",
    )
    is_active = models.BooleanField("เปิดรับอยู่", default=True)
    created_at = models.DateTimeField("บันทึกเมื่อ", auto_now_add=True)

    objects = OfferQuerySet.as_manager()

    class Meta:
        verbose_name = "ข้อเสนอจากหน่วยงาน/ภาคี"
        verbose_name_plural = "ข้อเสนอจากหน่วยงาน/ภาคี"
        ordering = ["agency__name_th", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True)
                | Q(starts_on__isnull=True)
                | Q(ends_on__gte=models.F("starts_on")),
                name="offer_ends_after_it_starts",
            ),
            models.CheckConstraint(
                condition=Q(max_age__isnull=True)
                | Q(min_age__isnull=True)
                | Q(max_age__gte=models.F("min_age")),
                name="offer_age_range",
            ),
        ]

    def __str__(self):
        return f"{self.title} ({self.agency})"

    def clean(self):
        errors = {}
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            errors["ends_on"] = "วันสิ้นสุดต้องไม่ก่อนวันเริ่ม"
        if self.min_age is not None and self.max_age is not None and self.max_age < self.min_age:
            errors["max_age"] = "อายุไม่เกินต้องไม่น้อยกว่าอายุตั้งแต่"
        if errors:
            raise ValidationError(errors)

    def places_left(self) -> int:
        """Its capacity less the referrals accepted or done for it (one query; the rule is
        OfferQuerySet.with_open_places)."""
        left = Offer.objects.with_open_places().values_list("open_places", flat=True)
        return max(left.get(pk=self.pk), 0)

    @property
    def skill_words(self) -> list[str]:
        return [word.strip() for word in self.skills.replace("،", ",").split(",") if word.strip()]


class ReferralStatus(models.TextChoices):
    SENT = "sent", "ส่งต่อแล้ว รอตอบรับ"
    ACCEPTED = "accepted", "รับเรื่องแล้ว"
    DECLINED = "declined", "ปฏิเสธ"
    DONE = "done", "ดำเนินการเสร็จ"


# Waiting for the receiving organisation: to answer (sent) or to finish (accepted).
OPEN_REFERRAL_STATUSES = (ReferralStatus.SENT, ReferralStatus.ACCEPTED)
# What uses one of an offer's places.
TAKING_A_PLACE = (ReferralStatus.ACCEPTED, ReferralStatus.DONE)


class ReferralQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status__in=OPEN_REFERRAL_STATUSES)

    def overdue(self, today=None):
        """Open and past their due date."""
        return self.open().filter(due_on__lt=today or timezone.localdate())

    def inbox_of(self, user):
        """The referrals a user answers: the one place that decides it. Admins: all; an
        agency's or partner's coordinator: those sent to their organisation; anyone else:
        none."""
        if is_admin(user):
            return self.all()
        profile = getattr(user, "staff_profile", None)
        if role_of(user) == Role.COORDINATOR and profile is not None and profile.agency_id:
            return self.filter(agency_id=profile.agency_id)
        return self.none()


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class Referral(models.Model):
    """A household's problem passed to an agency or partner (to one of its offers, or for
    what the message asks), by the buddy; the organisation accepts or declines it (with a
    reason) and, once accepted, says when it is done and how it went."""

    household = models.ForeignKey(
        "households.Household",
        on_delete=models.CASCADE,
        related_name="referrals",
        verbose_name="ครัวเรือน",
    )
    problem = models.ForeignKey(
        "households_cases.Problem",
        on_delete=models.CASCADE,
        related_name="referrals",
        verbose_name="ปัญหา",
    )
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="referrals", verbose_name="ส่งต่อถึง"
    )
    offer = models.ForeignKey(
        Offer,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referrals",
        verbose_name="ข้อเสนอ",
    )
    status = models.CharField(
        "สถานะ", max_length=10, choices=ReferralStatus.choices, default=ReferralStatus.SENT
    )
    message = models.TextField("สิ่งที่ขอให้ช่วย", blank=True)
    due_on = models.DateField("ควรเสร็จภายใน")
    sent_on = models.DateField("วันที่ส่งต่อ")
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="ผู้ส่งต่อ"
    )
    answered_on = models.DateField("วันที่ตอบรับหรือปฏิเสธ", null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="ผู้ตอบ",
    )
    decline_reason = models.TextField("เหตุที่ปฏิเสธ", blank=True)
    done_on = models.DateField("วันที่ดำเนินการเสร็จ", null=True, blank=True)
    outcome = models.TextField("ผลการดำเนินการ", blank=True)
    submission_token = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    created_at = models.DateTimeField("บันทึกเมื่อ", auto_now_add=True)

    objects = ReferralQuerySet.as_manager()

    class Meta:
        verbose_name = "การส่งต่อ"
        verbose_name_plural = "การส่งต่อ"
        ordering = ["-sent_on", "-id"]
        indexes = [models.Index(fields=["agency", "status"], name="referral_inbox")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="declined") | ~Q(decline_reason=""),
                name="referral_declined_says_why",
            ),
            models.CheckConstraint(
                condition=~Q(status="done") | (~Q(outcome="") & Q(done_on__isnull=False)),
                name="referral_done_says_how",
            ),
        ]

    def __str__(self):
        return f"{self.problem} → {self.agency}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_REFERRAL_STATUSES

    def is_overdue(self, today=None) -> bool:
        return self.is_open and self.due_on < (today or timezone.localdate())
