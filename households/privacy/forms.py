"""Forms for consent, the data-subject export and anonymisation (crispy layouts for a phone)."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Layout, Submit
from django import forms
from django.urls import reverse
from django.utils import timezone

from households.models import Consent, ConsentMethod, Household
from kuseaw.fields import BEDateField, NationalIDField
from kuseaw.forms import hand_entry_rules

REQUIRED = "กรุณากรอกข้อมูลช่องนี้"


def _helper(form, submit_label: str, form_id: str, css_class="btn-primary") -> FormHelper:
    helper = FormHelper()
    helper.form_id = form_id
    helper.layout = Layout(*form.fields)
    helper.attrs = {"novalidate": ""}  # the server's Thai messages, not the browser's
    helper.add_input(
        Submit(
            "save",
            submit_label,
            css_class=f"{css_class} btn-lg w-100 mt-2",
            css_id=f"{form_id}-save",
        )
    )
    return helper


class ConsentForm(forms.ModelForm):
    decided_on = BEDateField(label="วันที่", allow_future=False)

    class Meta:
        model = Consent
        fields = ["decision", "decided_on", "method", "given_by", "witness", "note"]
        widgets = {
            "decision": forms.RadioSelect,
            "method": forms.RadioSelect,
            "note": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "given_by": "สมาชิกที่ให้หรือไม่ให้ความยินยอมในนามครัวเรือน",
            "witness": "ชื่อ-นามสกุลพยาน (ต้องระบุเมื่อแจ้งด้วยวาจา)",
        }

    def __init__(self, *args, household: Household, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.household = household
        for field in self.fields.values():
            field.error_messages["required"] = REQUIRED
        self.fields["given_by"].queryset = household.members.current()
        self.fields["given_by"].empty_label = "ไม่ระบุ"
        self.fields["method"].initial = ConsentMethod.SIGNED_FORM
        if not self.is_bound:
            self.initial["decided_on"] = timezone.localdate()
        hand_entry_rules(self)  # the note's length, Thai messages
        self.helper = _helper(self, "บันทึกความยินยอม", "consent-form")


class PersonLookupForm(forms.Form):
    """The person whose data an admin exports: the ID travels in the POST body only."""

    national_id = NationalIDField(
        help_text="ระบบค้นหาสมาชิกครัวเรือนทุกแห่งที่บุคคลนี้เคยอยู่ รวมถึงประวัติการแก้ไข"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["national_id"].error_messages["required"] = REQUIRED
        self.fields["national_id"].widget.attrs["autocomplete"] = "off"
        self.helper = _helper(self, "ส่งออกข้อมูล (.xlsx)", "person-export-form")
        self.helper.form_action = reverse("privacy:person_export")


class AnonymiseForm(forms.Form):
    """The second step: the admin types the household's code to confirm."""

    code = forms.CharField(label="พิมพ์รหัสครัวเรือนเพื่อยืนยัน", max_length=30)

    def __init__(self, *args, household: Household, **kwargs):
        super().__init__(*args, **kwargs)
        self.household = household
        self.fields["code"].error_messages["required"] = REQUIRED
        self.fields["code"].widget.attrs["autocomplete"] = "off"
        self.helper = _helper(self, "ปกปิดข้อมูลส่วนบุคคล", "anonymise-form", "btn-danger")

    def clean_code(self):
        code = self.cleaned_data["code"].strip()
        if code != self.household.code:
            raise forms.ValidationError(f"รหัสไม่ตรงกับครัวเรือนนี้ (พิมพ์ {self.household.code})")
        return code
