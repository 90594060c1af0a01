"""Forms for the case file, laid out once for a phone (crispy FormHelper)."""

from django import forms
from django.urls import reverse
from django.utils import timezone

from agencies.models import Agency
from households.cases.labels import problem_label
from households.cases.models import Problem
from households.models import (
    MEMBER_PROFILE_FIELDS,
    NEED_DIMENSIONS,
    AidRecord,
    AidStatus,
    Household,
    Member,
    Visit,
)
from kuseaw.fields import BEDateField, NationalIDField
from kuseaw.forms import REQUIRED, SubmissionTokenMixin, hand_entry_rules, phone_helper


def _helper(form: forms.BaseForm, submit_label: str, form_id: str):
    return phone_helper(form, submit_label, form_id)


class CaseFileForm(forms.ModelForm):
    """Every case-file form: Thai messages for empty required fields and a length on free text
    (kuseaw.forms.hand_entry_rules)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        hand_entry_rules(self)


class VisitForm(SubmissionTokenMixin, CaseFileForm):
    visited_on = BEDateField(label="วันที่เยี่ยม", allow_future=False)
    next_follow_up = BEDateField(label="นัดติดตามครั้งต่อไป", required=False)

    class Meta:
        model = Visit
        fields = [
            "visited_on",
            "kind",
            "findings",
            "needs_observed",
            "income_reported",
            "next_follow_up",
        ]
        widgets = {
            "kind": forms.RadioSelect,
            "findings": forms.Textarea(attrs={"rows": 3}),
            "needs_observed": forms.Textarea(attrs={"rows": 2}),
            "income_reported": forms.NumberInput(attrs={"inputmode": "decimal", "min": 0}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("visited_on", timezone.localdate())
        self.helper = _helper(self, "บันทึกการเยี่ยม", "visit-form")

    def clean(self):
        cleaned = super().clean()
        visited_on, follow_up = cleaned.get("visited_on"), cleaned.get("next_follow_up")
        if visited_on and follow_up and follow_up < visited_on:
            self.add_error("next_follow_up", "วันนัดติดตามต้องไม่ก่อนวันที่เยี่ยม")
        return cleaned


class AidForm(SubmissionTokenMixin, CaseFileForm):
    given_on = BEDateField(label="วันที่")
    agency = forms.ModelChoiceField(
        queryset=Agency.objects.filter(is_active=True),
        required=False,
        label="หน่วยงานที่ให้การช่วยเหลือ",
        empty_label="– ไม่ใช่หน่วยงานในรายชื่อ –",
    )

    problems = forms.ModelMultipleChoiceField(
        queryset=Problem.objects.none(),
        required=False,
        label="ช่วยแก้ปัญหาใดในแผนพัฒนาครัวเรือน",
        widget=forms.CheckboxSelectMultiple,
        help_text="เลือกได้มากกว่าหนึ่งข้อ",
    )

    class Meta:
        model = AidRecord
        fields = ["category", "title", "agency", "partner", "given_on", "value", "status"]
        widgets = {
            "category": forms.RadioSelect,
            "value": forms.NumberInput(attrs={"inputmode": "decimal", "min": 0}),
        }

    def __init__(self, *args, household, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("given_on", timezone.localdate())
            if problem := self.initial.get("problem"):
                self.initial["problems"] = [problem]
        # The household's open problems (households.cases), the first ones found first.
        open_problems = (
            household.problems.open().select_related("member").order_by("opened_on", "id")
        )
        self.fields["problems"].queryset = open_problems
        self.fields["problems"].label_from_instance = problem_label
        if not open_problems.exists():
            del self.fields["problems"]
        self.helper = _helper(self, "บันทึกการช่วยเหลือ", "aid-form")

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("agency") and not cleaned.get("partner"):
            self.add_error("partner", "ระบุหน่วยงานหรือภาคีผู้ให้การช่วยเหลืออย่างน้อยหนึ่งอย่าง")
        return cleaned


class AidUpdateForm(CaseFileForm):
    class Meta:
        model = AidRecord
        fields = ["status", "outcome"]
        widgets = {"outcome": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = AidStatus.choices
        self.helper = _helper(self, "ปรับสถานะ", f"aid-update-{self.instance.pk}")
        # Shown inline on the case page, so it must post to its own view, not the page's URL.
        if self.instance.pk:
            self.helper.form_action = reverse(
                "households:aid_update", args=[self.instance.household_id, self.instance.pk]
            )

    @property
    def fits_inline(self) -> bool:
        """Whether the case page may hold this form: an outcome stored longer than the forms
        now take would fill a textarea a browser lays out for seconds (and could not be saved
        unshortened), so the page links to the form's own page instead."""
        return len(self.instance.outcome or "") <= self.fields["outcome"].max_length


class HouseholdForm(CaseFileForm):
    """The household's profile. Consent is not here: it is recorded on its own page, with
    how and by whom it was given (households.privacy.services.consent_record)."""

    class Meta:
        model = Household
        fields = [
            "house_no",
            "village_no",
            "village_name",
            "phone",
            "poverty_level",
            "cause",
            *[name for name, _ in NEED_DIMENSIONS],
            "annual_income",
            "debts",
            "land_rai",
            "livelihood_assets",
        ]
        widgets = {"livelihood_assets": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(self, "บันทึกข้อมูลครัวเรือน", "household-form")


class MemberForm(CaseFileForm):
    national_id = NationalIDField(required=False)
    birth_date = BEDateField(label="วันเกิด", required=False, allow_future=False)

    class Meta:
        model = Member
        fields = MEMBER_PROFILE_FIELDS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(self, "บันทึกสมาชิก", "member-form")

    def clean_national_id(self):
        # Blank means "not known": stored as NULL so the unique index ignores it.
        return self.cleaned_data["national_id"] or None

    def clean_is_head(self):
        # The instance still holds the saved value here: the role is handed over by ticking
        # it on the new head, never by unticking it on the current one (no head left).
        is_head = self.cleaned_data["is_head"]
        if self.instance.pk and self.instance.is_head and not is_head:
            raise forms.ValidationError(
                "ครัวเรือนต้องมีหัวหน้าครัวเรือน ให้แก้ไขสมาชิกคนใหม่และเลือกเป็นหัวหน้าครัวเรือนแทน"
            )
        return is_head


class MoveOutForm(forms.Form):
    left_on = BEDateField(label="วันที่ย้ายออก", allow_future=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["left_on"].error_messages["required"] = REQUIRED
        if not self.is_bound:
            self.initial["left_on"] = timezone.localdate()
        self.helper = _helper(self, "ยืนยันการย้ายออก", "move-out-form")
