"""Records the features keep on a household: imports, the access log, consent."""

import pgtrigger
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone


class ImportKind(models.TextChoices):
    HOUSEHOLDS = "households", "ครัวเรือนและสมาชิก"
    OFFICIALS = "officials", "เจ้าหน้าที่คู่เสี่ยว"
    PAIRINGS = "pairings", "การจับคู่"


class ImportStatus(models.TextChoices):
    MAPPING = "mapping", "รอกำหนดคอลัมน์"
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
    # The column mapping step: which column of the file fills which field, which columns
    # are not imported, and fixed values for fields the file lacks.
    column_mapping = models.JSONField("การกำหนดคอลัมน์", default=dict, blank=True)
    # Apply only the valid rows (the rest returned as a file) instead of all or nothing.
    valid_rows_only = models.BooleanField("นำเข้าเฉพาะแถวที่ถูกต้อง", default=False)
    # The rejected rows in the file's own layout with a column of reasons (.xlsx); it holds
    # national IDs, so it is kept only for the importer and cleared with the job's files.
    rejected_data = models.BinaryField(null=True, blank=True, editable=False)
    # Set by the worker while it runs a job: a job whose heartbeat stops is marked failed.
    heartbeat_at = models.DateTimeField("สัญญาณล่าสุดจากตัวประมวลผล", null=True, blank=True)
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
    PROFILE_DOWNLOADED = "profile_pdf", "ดาวน์โหลดแฟ้มครอบครัว (PDF)"
    REFERRAL_OPENED = "referral_opened", "เปิดดูเรื่องส่งต่อ"


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
        "households.Household",
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
        "households.Household",
        on_delete=models.CASCADE,
        related_name="consents",
        verbose_name="ครัวเรือน",
    )
    decision = models.CharField("ความยินยอม", max_length=20, choices=ConsentDecision.choices)
    decided_on = models.DateField("วันที่")
    method = models.CharField("วิธีให้ความยินยอม", max_length=20, choices=ConsentMethod.choices)
    given_by = models.ForeignKey(
        "households.Member",
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
