from django.contrib import admin
from django.db.models import Exists, OuterRef

from households.audit import log_access
from households.models import (
    AccessAction,
    AccessLog,
    AidRecord,
    Consent,
    Household,
    Member,
    Visit,
)
from kuseaw.admin_autocomplete import SafeAutocompleteAdminMixin
from kuseaw.admin_entry import HandEntryAdminMixin
from kuseaw.admin_readonly import ReadOnlyAdminMixin
from kuseaw.national_id import mask_national_id
from kuseaw.thaidate import format_be
from officials.models import Pairing
from officials.roles import is_admin


class LogOpenedCaseMixin:
    """Opening a household's or a member's page in the admin shows the case file: logged like
    the case page. (No names in the description: the log outlives anonymisation.)"""

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        obj = getattr(response, "context_data", {}).get("original")
        if request.method == "GET" and response.status_code == 200 and obj is not None:
            household = obj if isinstance(obj, Household) else obj.household
            what = "" if obj is household else f"{obj._meta.verbose_name} รหัส {obj.pk} "
            description = f"เปิด{what}ในหน้าผู้ดูแลระบบ"
            log_access(
                request, AccessAction.CASE_OPENED, household=household, description=description
            )
        return response


class MemberInline(HandEntryAdminMixin, admin.TabularInline):
    model = Member
    fields = [
        "title",
        "first_name",
        "last_name",
        "national_id",
        "birth_date",
        "sex",
        "relation",
        "is_head",
        "has_welfare_card",
        "left_on",
    ]
    extra = 0


class PairingInline(HandEntryAdminMixin, admin.TabularInline):
    """Who has looked after the household; pairings are made and ended on their own page."""

    model = Pairing
    fields = ["official", "started_on", "ended_on", "end_reason", "end_note"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("official__user")

    def has_add_permission(self, request, obj):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Household)
class HouseholdAdmin(
    LogOpenedCaseMixin,
    SafeAutocompleteAdminMixin,
    HandEntryAdminMixin,
    admin.ModelAdmin,
):
    list_display = [
        "code",
        "head_name",
        "subdistrict",
        "district",
        "poverty_level",
        "status",
        "is_paired",
        "joined_on_be",
    ]
    list_filter = [
        "status",
        "poverty_level",
        "cause",
        "subdistrict__district",
        "need_health",
        "need_living",
        "need_education",
        "need_income",
        "need_public_services",
        "consent_given",
    ]
    list_select_related = ["subdistrict__district"]
    # Members' fields spawn duplicates; the changelist and autocomplete then add DISTINCT.
    search_fields = [
        "code",
        "house_no",
        "village_name",
        "members__first_name",
        "members__last_name",
        # Never the national ID: the search is a GET, so the ID would sit in the URL, the
        # browser's history and the proxy's logs.
    ]
    autocomplete_fields = ["subdistrict"]
    # Consent is recorded as Consent records (case page), which keep these two in step.
    readonly_fields = ["consent_given", "consent_date", "anonymised_at", "created_at", "updated_at"]
    fieldsets = [
        (
            "ที่อยู่",
            {"fields": ["code", "house_no", "village_no", "village_name", "subdistrict", "phone"]},
        ),
        (
            "สถานะ",
            {"fields": ["status", "poverty_level", "poverty_level_at_entry", "cause", "joined_on"]},
        ),
        (
            "ความต้องการ 5 มิติ (TPMAP)",
            {
                "fields": [
                    "need_health",
                    "need_living",
                    "need_education",
                    "need_income",
                    "need_public_services",
                ]
            },
        ),
        ("เศรษฐกิจ", {"fields": ["annual_income", "debts", "land_rai", "livelihood_assets"]}),
        ("ความยินยอม", {"fields": ["consent_given", "consent_date"]}),
        ("บันทึก", {"fields": ["anonymised_at", "created_at", "updated_at"]}),
    ]
    inlines = [MemberInline, PairingInline]

    def get_queryset(self, request):
        open_pairing = Pairing.objects.filter(household=OuterRef("pk"), ended_on__isnull=True)
        return (
            super().get_queryset(request).with_head_name().annotate(is_paired=Exists(open_pairing))
        )

    def save_formset(self, request, form, formset, change):
        members = formset.save(commit=False)
        for member in members:
            if isinstance(member, Member):
                member.updated_by = request.user
            member.save()
        for member in formset.deleted_objects:
            member.delete()
        formset.save_m2m()

    @admin.display(description="หัวหน้าครัวเรือน", ordering="head_name")
    def head_name(self, obj):
        return obj.head_name or "–"

    @admin.display(description="อำเภอ", ordering="subdistrict__district__name_th")
    def district(self, obj):
        return obj.subdistrict.district

    @admin.display(description="มีคู่เสี่ยวดูแล", boolean=True, ordering="is_paired")
    def is_paired(self, obj):
        return obj.is_paired

    @admin.display(description="วันที่เข้าโครงการ", ordering="joined_on")
    def joined_on_be(self, obj):
        return format_be(obj.joined_on)


@admin.register(Member)
class MemberAdmin(
    LogOpenedCaseMixin,
    SafeAutocompleteAdminMixin,
    HandEntryAdminMixin,
    admin.ModelAdmin,
):
    list_display = [
        "full_name",
        "household",
        "relation",
        "is_head",
        "masked_national_id",
        "age",
        "has_welfare_card",
    ]
    list_filter = ["sex", "relation", "is_head", "has_welfare_card"]
    list_select_related = ["household"]
    search_fields = ["first_name", "last_name", "household__code"]  # no ID: see HouseholdAdmin
    autocomplete_fields = ["household"]
    readonly_fields = ["updated_at", "updated_by"]

    def save_model(self, request, obj, form, change):
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)

    @admin.display(description="ชื่อ-นามสกุล", ordering="first_name")
    def full_name(self, obj):
        return obj.full_name

    @admin.display(description="เลขประจำตัวประชาชน")
    def masked_national_id(self, obj):
        return mask_national_id(obj.national_id)

    @admin.display(description="อายุ (ปี)", ordering="-birth_date")
    def age(self, obj):
        return obj.age


@admin.register(Visit)
class VisitAdmin(HandEntryAdminMixin, admin.ModelAdmin):
    list_display = ["household", "official", "visited_on_be", "kind", "next_follow_up_be"]
    list_filter = ["kind", "official__agency", "household__subdistrict__district"]
    list_select_related = ["household", "official__user"]
    search_fields = [
        "household__code",
        "official__user__first_name",
        "official__user__last_name",
        "findings",
    ]
    raw_id_fields = ["household", "official"]
    readonly_fields = ["created_by", "created_at"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    @admin.display(description="วันที่เยี่ยม", ordering="visited_on")
    def visited_on_be(self, obj):
        return format_be(obj.visited_on)

    @admin.display(description="นัดติดตามครั้งต่อไป", ordering="next_follow_up")
    def next_follow_up_be(self, obj):
        return format_be(obj.next_follow_up)


@admin.register(AidRecord)
class AidRecordAdmin(HandEntryAdminMixin, admin.ModelAdmin):
    list_display = [
        "household",
        "category",
        "title",
        "provider",
        "given_on_be",
        "value",
        "status",
    ]
    list_filter = ["category", "status", "agency"]
    list_select_related = ["household", "agency"]
    search_fields = ["title", "partner", "household__code", "agency__name_th"]
    raw_id_fields = ["household"]
    readonly_fields = ["created_by", "created_at", "updated_at"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    @admin.display(description="ผู้ให้การช่วยเหลือ", ordering="agency__name_th")
    def provider(self, obj):
        return obj.provider

    @admin.display(description="วันที่", ordering="given_on")
    def given_on_be(self, obj):
        return format_be(obj.given_on)


class AdminRoleOnlyMixin:
    """Visible to the administrator role only, whatever model permissions a staff user holds."""

    def has_module_permission(self, request):
        return is_admin(request.user)

    def has_view_permission(self, request, obj=None):
        return is_admin(request.user)


@admin.register(AccessLog)
class AccessLogAdmin(AdminRoleOnlyMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read only for everyone: the log is appended to by households.audit.log_access alone
    (and a database trigger refuses updates and deletes)."""

    list_display = ["at_be", "user", "action", "household_code", "description", "path"]
    list_filter = ["action", ("at", admin.DateFieldListFilter)]
    list_select_related = ["user"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "=household_code"]
    search_help_text = "ค้นหาด้วยชื่อผู้ใช้ หรือรหัสครัวเรือน (ตรงทั้งรหัส)"
    fields = ["at_be", "user", "action", "household_code", "description", "path"]
    readonly_fields = fields
    actions = None
    show_full_result_count = False

    @admin.display(description="เมื่อ", ordering="at")
    def at_be(self, obj):
        return format_be(obj.at, "short_time")


@admin.register(Consent)
class ConsentAdmin(AdminRoleOnlyMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    """Consent is recorded on the case page; records are never edited, a change of mind is
    a new record."""

    list_display = ["household", "decision", "decided_on_be", "method", "recorded_by"]
    list_filter = ["decision", "method"]
    list_select_related = ["household", "recorded_by"]
    search_fields = ["=household__code"]
    fields = ["household", "decision", "decided_on_be", "method", "given_by", "witness", "note"]
    fields += ["recorded_by", "recorded_at"]
    readonly_fields = fields
    actions = None

    @admin.display(description="วันที่", ordering="decided_on")
    def decided_on_be(self, obj):
        return format_be(obj.decided_on)
