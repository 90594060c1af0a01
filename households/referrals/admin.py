from django.contrib import admin

from households.referrals.models import Offer, Referral
from kuseaw.admin_autocomplete import SafeAutocompleteAdminMixin
from kuseaw.admin_entry import HandEntryAdminMixin
from kuseaw.admin_readonly import ReadOnlyAdminMixin


@admin.register(Offer)
class OfferAdmin(SafeAutocompleteAdminMixin, HandEntryAdminMixin, admin.ModelAdmin):
    list_display = ["title", "agency", "kind", "capacity", "starts_on", "ends_on", "is_active"]
    list_filter = ["kind", "is_active", "agency__sector"]
    list_select_related = ["agency"]
    search_fields = ["title", "description", "agency__name_th", "skills"]
    autocomplete_fields = ["agency"]
    filter_horizontal = ["districts"]


@admin.register(Referral)
class ReferralAdmin(ReadOnlyAdminMixin, HandEntryAdminMixin, admin.ModelAdmin):
    """Read-only: a referral moves only through its steps on the app's pages (each with who
    and when, in the history)."""

    list_display = ["household", "agency", "status", "sent_on", "due_on"]
    list_filter = ["status", "agency__sector"]
    list_select_related = ["household", "agency"]
    search_fields = ["household__code", "agency__name_th"]
