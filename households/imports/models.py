"""The households import's saved column mappings (the mapping step, mapping.py)."""

from django.conf import settings
from django.db import models

from households.models import ImportKind


class SavedMapping(models.Model):
    """A column mapping an admin named, offered again for a file with the same headers."""

    name = models.CharField("ชื่อ", max_length=100, unique=True)
    kind = models.CharField(
        "ประเภท", max_length=20, choices=ImportKind.choices, default=ImportKind.HOUSEHOLDS
    )
    # mapping.signature() of the headers it was made for: a file with the same headers
    # (in any order) gets it preselected.
    signature = models.CharField(max_length=64, db_index=True, editable=False)
    # The file's headers, to show what it was made for: {"households": [...], "members": [...]}.
    headers = models.JSONField("หัวคอลัมน์ของไฟล์", default=dict, blank=True)
    # The choices by header (mapping.JobMapping.rules()): no cell of any file is kept.
    rules = models.JSONField("การกำหนดคอลัมน์", default=dict)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="ผู้บันทึก",
    )
    updated_at = models.DateTimeField("บันทึกล่าสุดเมื่อ", auto_now=True)

    class Meta:
        verbose_name = "การกำหนดคอลัมน์ที่บันทึกไว้"
        verbose_name_plural = "การกำหนดคอลัมน์ที่บันทึกไว้"
        ordering = ["name"]

    def __str__(self):
        return self.name
