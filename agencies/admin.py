from django.contrib import admin
from django.db.models import Count

from agencies.models import Agency, District, Subdistrict
from kuseaw.admin_entry import HandEntryAdminMixin
from kuseaw.admin_readonly import ReadOnlyAdminMixin


@admin.register(Agency)
class AgencyAdmin(HandEntryAdminMixin, admin.ModelAdmin):
    # Admins edit this list freely: it is the programme's working list, not an official one.
    # Partners (ภาคีเครือข่าย) are agencies of the other four sectors, with their contacts
    # and the districts they serve; their offers are households.referrals' Offer.
    list_display = ["code", "name_th", "short_name_th", "sector", "kind", "is_active"]
    list_filter = ["sector", "kind", "is_active"]
    search_fields = ["code", "name_th", "short_name_th", "name_en", "contact_name"]
    filter_horizontal = ["districts"]


class ReferenceDataAdmin(ReadOnlyAdminMixin, HandEntryAdminMixin, admin.ModelAdmin):
    """Districts and subdistricts follow the DOPA fixtures: `load_reference_data` would undo
    any edit made here, so the admin shows them read-only."""


@admin.register(District)
class DistrictAdmin(ReferenceDataAdmin):
    list_display = ["code", "name_th", "name_en", "subdistrict_count"]
    search_fields = ["code", "name_th", "name_en"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(subdistrict_count=Count("subdistricts"))

    @admin.display(description="จำนวนตำบล", ordering="subdistrict_count")
    def subdistrict_count(self, obj):
        return obj.subdistrict_count


@admin.register(Subdistrict)
class SubdistrictAdmin(ReferenceDataAdmin):
    list_display = ["code", "name_th", "district", "postal_code"]
    list_filter = ["district"]
    list_select_related = ["district"]
    search_fields = ["code", "name_th", "name_en", "postal_code", "district__name_th"]

    def get_queryset(self, request):
        # The autocomplete on the household page shows "name (อ.district)" per result.
        return super().get_queryset(request).select_related("district")
