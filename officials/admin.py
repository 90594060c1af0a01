from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import ValidationError

from kuseaw.admin_autocomplete import SafeAutocompleteAdminMixin
from kuseaw.admin_entry import HandEntryAdminMixin
from kuseaw.thaidate import format_be
from officials.models import Official, Pairing, StaffProfile
from officials.services import PairingError, pairing_create, pairing_end

User = get_user_model()


@admin.register(Official)
class OfficialAdmin(SafeAutocompleteAdminMixin, HandEntryAdminMixin, admin.ModelAdmin):
    list_display = ["full_name", "agency", "district", "position", "open_pairings", "is_active"]
    list_filter = ["agency", "district", "is_active"]
    list_select_related = ["user", "agency", "district"]
    search_fields = ["user__first_name", "user__last_name", "user__username", "phone"]
    autocomplete_fields = ["user"]

    def get_queryset(self, request):
        # The autocomplete (pairing form) prints str(official), which reads the user: join it
        # here too. The changelist skips list_select_related once this is set, so name all three.
        return (
            super()
            .get_queryset(request)
            .select_related("user", "agency", "district")
            .with_open_pairings()
        )

    @admin.display(description="ชื่อ-นามสกุล", ordering="user__first_name")
    def full_name(self, obj):
        return obj.full_name

    @admin.display(description="ครัวเรือนที่ดูแลอยู่", ordering="open_pairings")
    def open_pairings(self, obj):
        return obj.open_pairings


@admin.register(StaffProfile)
class StaffProfileAdmin(SafeAutocompleteAdminMixin, HandEntryAdminMixin, admin.ModelAdmin):
    list_display = ["__str__", "user", "agency", "district", "phone"]
    list_filter = ["agency", "district"]
    list_select_related = ["user", "agency", "district"]
    search_fields = ["user__first_name", "user__last_name", "user__username", "phone"]
    autocomplete_fields = ["user"]


class PairingStateFilter(admin.SimpleListFilter):
    title = "สถานะการจับคู่"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [("open", "ดูแลอยู่"), ("ended", "สิ้นสุดแล้ว")]

    def queryset(self, request, queryset):
        if self.value() == "open":
            return queryset.filter(ended_on__isnull=True)
        if self.value() == "ended":
            return queryset.filter(ended_on__isnull=False)
        return queryset


class PairingAdminForm(forms.ModelForm):
    """Opens and ends pairings through officials.services, so the admin keeps the app's rules
    (the cap per official, the row lock); a broken rule shows as a form error, in Thai.

    The write happens in clean() because the admin offers no later point that can still
    turn an error into a form message; the admin's own transaction covers the rest of the save.
    """

    user = None  # the admin user, set by PairingAdmin.get_form
    written = False

    def clean(self):
        cleaned = super().clean()
        ended_on, reason = cleaned.get("ended_on"), cleaned.get("end_reason")
        if ended_on and not reason:
            self.add_error("end_reason", "ต้องระบุเหตุที่สิ้นสุดการดูแล")
        if reason and not ended_on and "ended_on" in self.fields:
            self.add_error("ended_on", "ต้องระบุวันที่สิ้นสุด")
        if self.errors:
            return cleaned
        try:
            if self.instance.pk is None:
                self.instance = pairing_create(
                    official=cleaned["official"],
                    household=cleaned["household"],
                    started_on=cleaned["started_on"],
                    by=self.user,
                )
                self.written = True
            elif self.instance.is_open and ended_on:
                self.instance = pairing_end(
                    pairing=self.instance,
                    reason=reason,
                    ended_on=ended_on,
                    note=cleaned.get("end_note", ""),
                )
                self.written = True
        except PairingError as error:
            raise ValidationError(str(error)) from None
        return cleaned


@admin.register(Pairing)
class PairingAdmin(SafeAutocompleteAdminMixin, HandEntryAdminMixin, admin.ModelAdmin):
    form = PairingAdminForm
    list_display = ["household", "official", "started_on_be", "ended_on_be", "end_reason"]
    list_filter = [PairingStateFilter, "end_reason", "official__agency"]
    list_select_related = ["household", "official__user"]
    search_fields = [
        "household__code",
        "official__user__first_name",
        "official__user__last_name",
        "official__user__username",
    ]
    autocomplete_fields = ["household", "official"]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["official", "household", "started_on"]
        return [
            "official",
            "household",
            "started_on",
            "ended_on",
            "end_reason",
            "end_note",
            "created_by",
            "created_at",
        ]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        fixed = ["official", "household", "started_on", "created_by", "created_at"]
        if not obj.is_open:
            # An ended pairing is history; only its note may still be corrected.
            fixed += ["ended_on", "end_reason"]
        return fixed

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.user = request.user  # a fresh class per request, so this is not shared
        return form

    def save_model(self, request, obj, form, change):
        if not form.written:
            obj.save()

    def has_delete_permission(self, request, obj=None):
        # The history of who looked after whom is never deleted; end a pairing instead.
        return False

    @admin.display(description="วันที่เริ่มดูแล", ordering="started_on")
    def started_on_be(self, obj):
        return format_be(obj.started_on)

    @admin.display(description="วันที่สิ้นสุด", ordering="ended_on")
    def ended_on_be(self, obj):
        return format_be(obj.ended_on)


class OfficialInline(HandEntryAdminMixin, admin.StackedInline):
    model = Official
    fields = ["agency", "district", "position", "phone", "national_id", "is_active"]
    # Pairings and visits point at the official: retire them with is_active instead.
    can_delete = False


class StaffProfileInline(HandEntryAdminMixin, admin.StackedInline):
    model = StaffProfile
    fields = ["agency", "district", "phone"]


admin.site.unregister(User)


@admin.register(User)
class KuseawUserAdmin(UserAdmin):
    """The user page also shows the scope that goes with the user's role."""

    inlines = [OfficialInline, StaffProfileInline]

    def get_inlines(self, request, obj):
        # The add page only asks for a username and password, as Django's does.
        return self.inlines if obj is not None else []
