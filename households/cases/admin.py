"""The case plan's reference data in the Django admin: admins reword, retire or add
indicators and keep the suggested actions. The case records themselves (rounds, problems,
actions, graduations) are kept through the case pages, where the rules apply."""

from django.contrib import admin

from households.cases.models import Indicator, SuggestedAction
from kuseaw.admin_entry import HandEntryAdminMixin


@admin.register(Indicator)
class IndicatorAdmin(HandEntryAdminMixin, admin.ModelAdmin):
    list_display = ["code", "text", "dimension", "applies_to", "order", "is_active"]
    list_filter = ["dimension", "applies_to", "is_active"]
    list_editable = ["order", "is_active"]
    search_fields = ["code", "text"]

    def get_readonly_fields(self, request, obj=None):
        # The code is the indicator's stable key (fixtures, answers, suggested actions).
        return ["code"] if obj is not None else []

    def has_delete_permission(self, request, obj=None):
        # An indicator that was asked keeps its answers: retire it (ใช้อยู่ off) instead.
        if obj is not None and obj.answers.exists():
            return False
        return super().has_delete_permission(request, obj)


@admin.register(SuggestedAction)
class SuggestedActionAdmin(HandEntryAdminMixin, admin.ModelAdmin):
    list_display = ["what", "dimension", "indicator", "cause", "owner_kind", "agency", "is_active"]
    list_filter = ["dimension", "cause", "owner_kind", "is_active", "agency"]
    list_select_related = ["indicator", "agency"]
    search_fields = ["what"]
