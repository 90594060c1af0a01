"""Case plans: the indicators asked, assessment rounds and their answers, the five capitals,
problems and the actions that solve them, suggested actions, graduation and the follow-up
checks after it. The rules that read and write them live in `rules.py` and `services.py`.
"""

from decimal import Decimal

import pghistory
from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from agencies.models import Agency, Need
from households.models import MONEY, Cause, PovertyLevel
from officials.models import Official


class AppliesTo(models.TextChoices):
    """Whom an indicator is asked about; each per-member kind has one rule in rules.fits."""

    HOUSEHOLD = "household", "ทั้งครัวเรือน"
    BORN_LAST_YEAR = "born_last_year", "เด็กที่เกิดในรอบ 12 เดือน"
    AGED_3_5 = "aged_3_5", "สมาชิกอายุ 3–5 ปี"
    AGED_6_14 = "aged_6_14", "สมาชิกอายุ 6–14 ปี"
    AGED_6_PLUS = "aged_6_plus", "สมาชิกอายุ 6 ปีขึ้นไป"
    FINISHED_M3 = "finished_m3", "สมาชิกที่จบชั้น ม.3 (อายุไม่เกิน 18 ปี)"
    AGED_15_59 = "aged_15_59", "สมาชิกอายุ 15–59 ปี"
    AGED_60_PLUS = "aged_60_plus", "สมาชิกอายุ 60 ปีขึ้นไป"
    DISABLED = "disabled", "สมาชิกที่มีความพิการ"


class Indicator(models.Model):
    """One question of the assessment (a จปฐ. indicator in a TPMAP dimension). Admins
    reword or retire it; every answer keeps the wording it was asked with."""

    code = models.CharField("รหัสตัวชี้วัด", max_length=10, unique=True)
    dimension = models.CharField("มิติ", max_length=20, choices=Need.choices)
    text = models.CharField("ตัวชี้วัด", max_length=300)
    applies_to = models.CharField(
        "ถามเกี่ยวกับ", max_length=20, choices=AppliesTo.choices, default=AppliesTo.HOUSEHOLD
    )
    how_measured = models.CharField("วิธีวัด", max_length=300, blank=True)
    # I3 (income against the line) is answered from the round's figures, not asked.
    from_income = models.BooleanField("ตอบจากรายได้ของรอบ", default=False)
    order = models.PositiveSmallIntegerField("ลำดับ", default=0)
    is_active = models.BooleanField(
        "ใช้อยู่", default=True, help_text="เลิกใช้แล้วไม่ถามในรอบใหม่ คำตอบเดิมยังอยู่ครบ"
    )

    class Meta:
        verbose_name = "ตัวชี้วัด"
        verbose_name_plural = "ตัวชี้วัด"
        ordering = ["order", "code"]

    def __str__(self):
        return f"{self.code} {self.text}"

    @property
    def per_member(self) -> bool:
        return self.applies_to != AppliesTo.HOUSEHOLD


class RoundKind(models.TextChoices):
    ENTRY = "entry", "สำรวจแรกเข้า"
    REVIEW = "review", "สำรวจติดตาม"


class RoundStatus(models.TextChoices):
    DRAFT = "draft", "ยังไม่เสร็จ"
    COMPLETE = "complete", "เสร็จแล้ว"


class RoundQuerySet(models.QuerySet):
    def complete(self):
        return self.filter(status=RoundStatus.COMPLETE)


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class Round(models.Model):
    """An assessment round (การสำรวจข้อมูลเชิงลึก): at entry, then every
    KUSEAW_ASSESSMENT_MONTHS. Typed in steps; `steps_done` says which are saved."""

    household = models.ForeignKey(
        "households.Household",
        on_delete=models.CASCADE,
        related_name="rounds",
        verbose_name="ครัวเรือน",
    )
    kind = models.CharField("รอบ", max_length=10, choices=RoundKind.choices)
    assessed_on = models.DateField("วันที่สำรวจ")
    official = models.ForeignKey(
        Official,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="rounds",
        verbose_name="ผู้สำรวจ",
    )
    status = models.CharField(
        "สถานะ", max_length=10, choices=RoundStatus.choices, default=RoundStatus.DRAFT
    )
    steps_done = models.JSONField("ขั้นที่บันทึกแล้ว", default=list, blank=True)
    # The figures: income per person per year is annual_income ÷ members.
    members = models.PositiveSmallIntegerField("จำนวนสมาชิก", null=True, blank=True)
    annual_income = models.DecimalField(
        "รายได้ครัวเรือนต่อปี (บาท)",
        **MONEY,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    debts = models.DecimalField(
        "หนี้สิน (บาท)", **MONEY, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    threshold = models.PositiveIntegerField("เกณฑ์ จปฐ. ณ วันที่สำรวจ", null=True, blank=True)
    suggested_level = models.PositiveSmallIntegerField(
        "ระดับที่ระบบเสนอ", choices=PovertyLevel.choices, null=True, blank=True
    )
    level = models.PositiveSmallIntegerField(
        "ระดับความยากจน", choices=PovertyLevel.choices, null=True, blank=True
    )
    level_reason = models.CharField("เหตุที่ต่างจากระดับที่ระบบเสนอ", max_length=500, blank=True)
    note = models.TextField("บันทึกเพิ่มเติม", blank=True)
    submission_token = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="บันทึกโดย",
    )
    created_at = models.DateTimeField("เริ่มบันทึกเมื่อ", auto_now_add=True)
    completed_at = models.DateTimeField("เสร็จเมื่อ", null=True, blank=True)

    objects = RoundQuerySet.as_manager()

    class Meta:
        verbose_name = "รอบการสำรวจ"
        verbose_name_plural = "รอบการสำรวจ"
        ordering = ["household", "-assessed_on", "-id"]
        constraints = [
            # One round in progress per household: a second start resumes the first.
            models.UniqueConstraint(
                fields=["household"],
                condition=Q(status="draft"),
                name="round_one_draft_per_household",
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(level__isnull=False),
                name="round_complete_has_level",
            ),
        ]
        indexes = [
            # With id and level: the dashboards' first-to-latest levels read only the index.
            models.Index(
                fields=["household", "status", "-assessed_on"],
                include=["id", "level"],
                name="round_by_household_status",
            )
        ]

    def __str__(self):
        return f"{self.household} {self.get_kind_display()} {self.assessed_on}"

    @property
    def income_per_person(self):
        if not self.members or self.annual_income is None:
            return None
        return (self.annual_income / self.members).quantize(Decimal("0.01"))


class AnswerValue(models.TextChoices):
    MET = "met", "ผ่าน"
    NOT_MET = "not_met", "ไม่ผ่าน"
    NOT_APPLICABLE = "na", "ไม่เกี่ยวข้อง"


class Answer(models.Model):
    """One indicator answered in a round, for the household or one member; `asked_text`
    keeps the indicator's wording as it was asked."""

    round = models.ForeignKey(
        Round, on_delete=models.CASCADE, related_name="answers", verbose_name="รอบการสำรวจ"
    )
    indicator = models.ForeignKey(
        Indicator, on_delete=models.PROTECT, related_name="answers", verbose_name="ตัวชี้วัด"
    )
    member = models.ForeignKey(
        "households.Member",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="answers",
        verbose_name="สมาชิก",
    )
    asked_text = models.CharField("ข้อคำถามตามที่ถาม", max_length=300)
    value = models.CharField("คำตอบ", max_length=10, choices=AnswerValue.choices)
    note = models.CharField("หมายเหตุ", max_length=500, blank=True)

    class Meta:
        verbose_name = "คำตอบตัวชี้วัด"
        verbose_name_plural = "คำตอบตัวชี้วัด"
        ordering = ["round", "indicator__order", "indicator__code", "member_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "indicator", "member"],
                nulls_distinct=False,
                name="answer_once_per_round_indicator_member",
            )
        ]

    def __str__(self):
        return f"{self.indicator.code} {self.get_value_display()}"


class CapitalKind(models.TextChoices):
    """The five capitals of the Sustainable Livelihoods Framework."""

    HUMAN = "human", "ทุนมนุษย์"
    NATURAL = "natural", "ทุนธรรมชาติ"
    PHYSICAL = "physical", "ทุนกายภาพ"
    FINANCIAL = "financial", "ทุนการเงิน"
    SOCIAL = "social", "ทุนสังคม"


CAPITAL_HINTS = {
    CapitalKind.HUMAN: "ทักษะ สุขภาพ แรงงานในบ้าน",
    CapitalKind.NATURAL: "ที่ดิน (ไร่) แหล่งน้ำ สัตว์เลี้ยง",
    CapitalKind.PHYSICAL: "เครื่องมือ ยานพาหนะ บ้าน",
    CapitalKind.FINANCIAL: "เงินออม หนี้ สินเชื่อ แหล่งรายได้",
    CapitalKind.SOCIAL: "กลุ่ม กองทุนหมู่บ้าน เครือข่าย",
}


class Capital(models.Model):
    """One of the household's livelihood assets (สินทรัพย์เพื่อการทำมาหากิน) in a round:
    scored 1 (very little) to 5 (plenty), with concrete items and a note."""

    round = models.ForeignKey(
        Round, on_delete=models.CASCADE, related_name="capitals", verbose_name="รอบการสำรวจ"
    )
    kind = models.CharField("ทุน", max_length=10, choices=CapitalKind.choices)
    score = models.PositiveSmallIntegerField(
        "คะแนน (1–5)",
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    items = models.TextField("สิ่งที่มี", blank=True)
    note = models.TextField("หมายเหตุ", blank=True)

    class Meta:
        verbose_name = "ทุนเพื่อการดำรงชีพ"
        verbose_name_plural = "ทุนเพื่อการดำรงชีพ"
        ordering = ["round", "id"]
        constraints = [
            models.UniqueConstraint(fields=["round", "kind"], name="capital_once_per_round"),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__gte=1, score__lte=5),
                name="capital_score_1_to_5",
            ),
        ]

    def __str__(self):
        return self.get_kind_display()


class ProblemStatus(models.TextChoices):
    OPEN = "open", "ยังไม่แก้"
    SOLVED = "solved", "แก้ได้แล้ว"
    NOT_POSSIBLE = "not_possible", "แก้ไม่ได้"


class SolvedBy(models.TextChoices):
    PROGRAMME = "programme", "แก้ได้ด้วยความช่วยเหลือของโครงการ"
    HOUSEHOLD = "household", "ครัวเรือนแก้ได้เอง"


class ProblemQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status=ProblemStatus.OPEN)


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class Problem(models.Model):
    """A problem of the household's plan (แผนพัฒนาครัวเรือน): an unmet indicator (for the
    household or one member) or one the buddy names."""

    household = models.ForeignKey(
        "households.Household",
        on_delete=models.CASCADE,
        related_name="problems",
        verbose_name="ครัวเรือน",
    )
    dimension = models.CharField("มิติ", max_length=20, choices=Need.choices)
    indicator = models.ForeignKey(
        Indicator,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="problems",
        verbose_name="ตัวชี้วัด",
    )
    member = models.ForeignKey(
        "households.Member",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="problems",
        verbose_name="สมาชิก",
    )
    title = models.CharField("ปัญหา", max_length=300)
    status = models.CharField(
        "สถานะ", max_length=15, choices=ProblemStatus.choices, default=ProblemStatus.OPEN
    )
    solved_by = models.CharField("แก้ได้โดย", max_length=10, choices=SolvedBy.choices, blank=True)
    found_in = models.ForeignKey(
        Round,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="problems_found",
        verbose_name="พบในรอบ",
    )
    solved_in = models.ForeignKey(
        Round,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="problems_solved",
        verbose_name="พบว่าแก้ได้ในรอบ",
    )
    opened_on = models.DateField("วันที่พบ")
    closed_on = models.DateField("วันที่ปิด", null=True, blank=True)
    note = models.TextField("หมายเหตุ", blank=True)
    aid_records = models.ManyToManyField(
        "households.AidRecord", blank=True, related_name="problems", verbose_name="การช่วยเหลือ"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="บันทึกโดย",
    )
    created_at = models.DateTimeField("บันทึกเมื่อ", auto_now_add=True)

    objects = ProblemQuerySet.as_manager()

    class Meta:
        verbose_name = "ปัญหา"
        verbose_name_plural = "ปัญหา"
        ordering = ["household", "status", "dimension", "id"]
        constraints = [
            # An indicator is one open problem per household (and member), however many
            # rounds find it unmet.
            models.UniqueConstraint(
                fields=["household", "indicator", "member"],
                condition=Q(status="open", indicator__isnull=False),
                nulls_distinct=False,
                name="problem_one_open_per_indicator",
            ),
            models.CheckConstraint(
                condition=~Q(status="solved") | ~Q(solved_by=""),
                name="problem_solved_says_by_whom",
            ),
        ]
        indexes = [
            models.Index(fields=["household", "status"]),
            # The dashboards' problems by dimension, from the index alone.
            models.Index(fields=["dimension", "status", "solved_by"], name="problem_by_dimension"),
        ]

    def __str__(self):
        return self.title


class OwnerKind(models.TextChoices):
    AGENCY = "agency", "หน่วยงาน"
    PARTNER = "partner", "ภาคีเครือข่าย"
    HOUSEHOLD = "household", "ครัวเรือนเอง"


class ActionStatus(models.TextChoices):
    PLANNED = "planned", "วางแผน"
    IN_PROGRESS = "in_progress", "กำลังทำ"
    DONE = "done", "เสร็จแล้ว"
    NOT_POSSIBLE = "not_possible", "ทำไม่ได้"


OPEN_ACTION_STATUSES = (ActionStatus.PLANNED, ActionStatus.IN_PROGRESS)


class ActionQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status__in=OPEN_ACTION_STATUSES)

    def overdue(self, today):
        return self.open().filter(due_on__lt=today)


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class Action(models.Model):
    """A step of the plan that solves a problem, owned by an agency, a partner or the
    household itself."""

    problem = models.ForeignKey(
        Problem, on_delete=models.CASCADE, related_name="actions", verbose_name="ปัญหา"
    )
    what = models.CharField("สิ่งที่จะทำ", max_length=300)
    owner_kind = models.CharField("ผู้รับผิดชอบ", max_length=10, choices=OwnerKind.choices)
    agency = models.ForeignKey(
        Agency,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="actions",
        verbose_name="หน่วยงาน",
    )
    partner = models.CharField("ภาคีเครือข่าย", max_length=200, blank=True)
    due_on = models.DateField("กำหนดเสร็จ")
    status = models.CharField(
        "สถานะ", max_length=15, choices=ActionStatus.choices, default=ActionStatus.PLANNED
    )
    done_on = models.DateField("วันที่เสร็จ", null=True, blank=True)
    note = models.TextField("หมายเหตุ", blank=True)
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

    objects = ActionQuerySet.as_manager()

    class Meta:
        verbose_name = "กิจกรรมตามแผน"
        verbose_name_plural = "กิจกรรมตามแผน"
        ordering = ["due_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(owner_kind="agency") & Q(agency__isnull=False))
                | (Q(owner_kind="partner") & ~Q(partner=""))
                | Q(owner_kind="household"),
                name="action_owner_named",
            )
        ]
        indexes = [
            # With the owner: the dashboards' overdue actions by owner read only the index.
            models.Index(
                fields=["status", "due_on"],
                include=["owner_kind", "agency"],
                name="action_by_status_due",
            )
        ]

    def __str__(self):
        return self.what

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_ACTION_STATUSES

    @property
    def owner(self) -> str:
        if self.owner_kind == OwnerKind.AGENCY and self.agency_id:
            return str(self.agency)
        if self.owner_kind == OwnerKind.PARTNER:
            return self.partner
        return OwnerKind.HOUSEHOLD.label


class SuggestedAction(models.Model):
    """An action the app suggests for an indicator (or a whole dimension) and a cause: for
    ขาดโอกาส an opportunity, for ตัดโอกาสเอง a motivating step. Admins keep the list."""

    indicator = models.ForeignKey(
        Indicator,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="suggestions",
        verbose_name="ตัวชี้วัด",
        help_text="ว่างไว้ = ใช้กับทุกตัวชี้วัดของมิตินี้",
    )
    dimension = models.CharField("มิติ", max_length=20, choices=Need.choices)
    cause = models.CharField(
        "สาเหตุ", max_length=10, choices=Cause.choices, blank=True, help_text="ว่างไว้ = ทุกสาเหตุ"
    )
    what = models.CharField("สิ่งที่ควรทำ", max_length=300)
    owner_kind = models.CharField(
        "ผู้รับผิดชอบ", max_length=10, choices=OwnerKind.choices, default=OwnerKind.AGENCY
    )
    agency = models.ForeignKey(
        Agency,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="suggested_actions",
        verbose_name="หน่วยงาน",
    )
    due_in_days = models.PositiveSmallIntegerField("ควรเสร็จภายใน (วัน)", default=30)
    order = models.PositiveSmallIntegerField("ลำดับ", default=0)
    is_active = models.BooleanField("ใช้อยู่", default=True)

    class Meta:
        verbose_name = "กิจกรรมที่แนะนำ"
        verbose_name_plural = "กิจกรรมที่แนะนำ"
        ordering = ["dimension", "order", "id"]

    def __str__(self):
        return self.what


class GraduationStatus(models.TextChoices):
    PROPOSED = "proposed", "เสนอพ้นความยากจน รออนุมัติ"
    APPROVED = "approved", "อนุมัติพ้นความยากจน"
    RETURNED = "returned", "ส่งกลับ"
    REOPENED = "reopened", "กลับมาอยู่ในโครงการ (ติดตามพบว่ากลับเข้าสู่ความยากจน)"


class Graduation(models.Model):
    """A proposal that a household has left poverty (พ้นความยากจน): who proposed it on what
    evidence, who approved or returned it and why; after approval, its follow-up checks."""

    household = models.ForeignKey(
        "households.Household",
        on_delete=models.CASCADE,
        related_name="graduations",
        verbose_name="ครัวเรือน",
    )
    round = models.ForeignKey(
        Round, on_delete=models.PROTECT, related_name="+", verbose_name="รอบการสำรวจที่ใช้"
    )
    status = models.CharField(
        "สถานะ",
        max_length=10,
        choices=GraduationStatus.choices,
        default=GraduationStatus.PROPOSED,
    )
    evidence = models.TextField("หลักฐานและเหตุผล")
    household_agrees = models.BooleanField("ครัวเรือนเห็นด้วย", default=False)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="ผู้เสนอ",
    )
    proposed_at = models.DateTimeField("เสนอเมื่อ", auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="ผู้พิจารณา",
    )
    decided_at = models.DateTimeField("พิจารณาเมื่อ", null=True, blank=True)
    decision_reason = models.TextField("เหตุผลการพิจารณา", blank=True)
    graduated_on = models.DateField("วันที่พ้นความยากจน", null=True, blank=True)
    reopened_on = models.DateField("วันที่กลับเข้าโครงการ", null=True, blank=True)
    reopen_reason = models.TextField("เหตุที่กลับเข้าโครงการ", blank=True)

    class Meta:
        verbose_name = "การพ้นความยากจน"
        verbose_name_plural = "การพ้นความยากจน"
        ordering = ["household", "-proposed_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["household"],
                condition=Q(status="proposed"),
                name="graduation_one_pending_per_household",
            )
        ]

    def __str__(self):
        return f"{self.household} {self.get_status_display()}"


class CheckOutcome(models.TextChoices):
    STILL_OUT = "still_out", "ยังพ้นความยากจน"
    RELAPSED = "relapsed", "กลับเข้าสู่ความยากจน"


class FollowUpCheckQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(done_on__isnull=True, graduation__status=GraduationStatus.APPROVED)


class FollowUpCheck(models.Model):
    """A check, months after graduation, that the household stays out of poverty; by a
    named official, outside the two-household cap."""

    graduation = models.ForeignKey(
        Graduation, on_delete=models.CASCADE, related_name="checks", verbose_name="การพ้นความยากจน"
    )
    months = models.PositiveSmallIntegerField("เดือนหลังพ้นความยากจน")
    due_on = models.DateField("กำหนดติดตาม")
    official = models.ForeignKey(
        Official,
        on_delete=models.PROTECT,
        related_name="follow_up_checks",
        verbose_name="ผู้ติดตาม",
    )
    done_on = models.DateField("วันที่ติดตาม", null=True, blank=True)
    members = models.PositiveSmallIntegerField("จำนวนสมาชิก", null=True, blank=True)
    annual_income = models.DecimalField("รายได้ครัวเรือนต่อปี (บาท)", **MONEY, null=True, blank=True)
    new_unmet = models.ManyToManyField(
        Indicator, blank=True, related_name="+", verbose_name="ตัวชี้วัดที่ไม่ผ่านใหม่"
    )
    outcome = models.CharField("ผล", max_length=10, choices=CheckOutcome.choices, blank=True)
    note = models.TextField("บันทึก", blank=True)

    objects = FollowUpCheckQuerySet.as_manager()

    class Meta:
        verbose_name = "การติดตามหลังพ้นความยากจน"
        verbose_name_plural = "การติดตามหลังพ้นความยากจน"
        ordering = ["due_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["graduation", "months"], name="check_once_per_month"),
            models.CheckConstraint(
                condition=Q(done_on__isnull=True) | ~Q(outcome=""), name="check_done_has_outcome"
            ),
        ]

    def __str__(self):
        return f"{self.graduation.household} {self.months} เดือน"


class PlanFigures(models.Model):
    """Each household's problems counted, and its buddy now or last, kept ready for the
    case-plan dashboards (households/dashboards/case_plans.py) so that they add up one row
    per household instead of counting every problem and sorting every pairing on each view.

    Written only by PostgreSQL (migration 0004_plan_figures): statement-level triggers on
    households, problems and pairings recompute the rows of the households a statement
    touched, with one function (households_cases_refresh_plan_figures), so every path —
    the pages, imports, bulk writes, raw SQL — keeps it equal to the rows it counts
    (tests/cases/test_plan_figures.py compares both). Never saved from Python.
    """

    household = models.OneToOneField(
        "households.Household",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        primary_key=True,
        related_name="plan_figures",
        verbose_name="ครัวเรือน",
    )
    subdistrict = models.ForeignKey(
        "agencies.Subdistrict",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
        verbose_name="ตำบล",
    )
    # The buddy now or, when none is open, the last one (filters.latest_pairings' rule).
    latest_official = models.ForeignKey(
        Official,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        related_name="+",
        verbose_name="คู่เสี่ยวล่าสุด",
    )
    problems = models.PositiveIntegerField("ปัญหา", default=0)
    solved = models.PositiveIntegerField("แก้แล้ว", default=0)
    not_possible = models.PositiveIntegerField("แก้ไม่ได้", default=0)

    class Meta:
        verbose_name = "ตัวเลขแผนพัฒนาครัวเรือน"
        verbose_name_plural = "ตัวเลขแผนพัฒนาครัวเรือน"
        indexes = [
            models.Index(
                fields=["latest_official"],
                include=["problems", "solved", "not_possible"],
                name="plan_figures_by_official",
            )
        ]

    def __str__(self):
        return f"{self.household_id}: {self.solved}/{self.problems}"

    def save(self, *args, **kwargs):
        raise TypeError("PlanFigures is kept by the database's triggers; it is never saved.")


class OpenActionFigures(models.Model):
    """The open actions of each household's plan (Action.objects.open) counted by owner and
    due date, kept ready for the case-plan dashboards' actions overdue
    (households/dashboards/case_plans.py: overdue_actions), so that a coordinator's or an
    agency's page adds up the rows of its households (one index read) instead of joining
    their problems to every open action on each view. Overdue is worked out when read (due
    before today), so the rows never go stale as the days pass.

    Written only by PostgreSQL (migration 0005_open_action_figures): statement-level
    triggers on actions and problems recompute the rows of the households a statement
    touched, with one function (households_cases_refresh_open_action_figures), so every
    path keeps it equal to the actions it counts (tests/cases/test_open_action_figures.py
    compares both). Never saved from Python.
    """

    # Read through the unique index below (household first): no index of their own.
    household = models.ForeignKey(
        "households.Household",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        related_name="+",
        verbose_name="ครัวเรือน",
    )
    owner_kind = models.CharField("ผู้รับผิดชอบ", max_length=10, choices=OwnerKind.choices)
    # The owning agency for owner_kind agency; empty for partners and the household itself.
    agency = models.ForeignKey(
        Agency,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        null=True,
        related_name="+",
        verbose_name="หน่วยงาน",
    )
    due_on = models.DateField("กำหนดเสร็จ")
    actions = models.PositiveIntegerField("กิจกรรมที่ยังไม่เสร็จ")

    class Meta:
        verbose_name = "ตัวเลขกิจกรรมที่ยังไม่เสร็จ"
        verbose_name_plural = "ตัวเลขกิจกรรมที่ยังไม่เสร็จ"
        constraints = [
            # One row per household, owner and due date; with the count, the pages read
            # only this index.
            models.UniqueConstraint(
                fields=["household", "owner_kind", "agency", "due_on"],
                include=["actions"],
                nulls_distinct=False,
                name="open_action_figures_once",
            )
        ]

    def __str__(self):
        return f"{self.household_id}: {self.actions} {self.owner_kind} {self.due_on}"

    def save(self, *args, **kwargs):
        raise TypeError("OpenActionFigures is kept by the database's triggers; it is never saved.")
