from django.contrib import admin

from households.referrals.models import Offer
from kuseaw.admin_autocomplete import SafeAutocompleteAdminMixin
from kuseaw.admin_entry import HandEntryAdminMixin


@admin.register(Offer)
class OfferAdmin(SafeAutocompleteAdminMixin, HandEntryAdminMixin, admin.ModelAdmin):
    list_display = ["title", "agency", "kind", "capacity", "starts_on", "ends_on", "is_active"]
    list_filter = ["kind", "is_active", "agency__sector"]
    list_select_related = ["agency"]
    search_fields = ["title", "description", "agency__name_th", "skills"]
    autocomplete_fields = ["agency"]
    filter_horizontal = ["districts"]
