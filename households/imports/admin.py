"""Saved column mappings in the Django admin: listed, renamed or deleted (they are made on
the import page's mapping step, never here)."""

from django.contrib import admin

from households.imports.models import SavedMapping
from kuseaw.thaidate import format_be


@admin.register(SavedMapping)
class SavedMappingAdmin(admin.ModelAdmin):
    list_display = ["name", "columns", "created_by", "updated"]
    search_fields = ["name"]
    fields = ["name", "kind", "headers", "rules", "created_by"]
    readonly_fields = ["kind", "headers", "rules", "created_by"]

    def has_add_permission(self, request):
        return False  # a mapping is made from a file's headers, on the import page

    @admin.display(description="คอลัมน์ของไฟล์")
    def columns(self, obj):
        return ", ".join(obj.headers.get("households", [])[:8])

    @admin.display(description="บันทึกล่าสุดเมื่อ", ordering="updated_at")
    def updated(self, obj):
        return format_be(obj.updated_at, "short_time")
