"""The forms of the offers and referral pages."""

from django import forms
from django.utils import timezone

from agencies.models import Agency
from households.referrals.models import Offer
from kuseaw.fields import BEDateField
from kuseaw.forms import SubmissionTokenMixin, hand_entry_rules


class TakeOfferForm(SubmissionTokenMixin, forms.Form):
    """One of the offers suggested for the problem (`offers`), chosen by its button."""

    offer = forms.TypedChoiceField(coerce=int, label="ข้อเสนอ")

    def __init__(self, *args, offers, **kwargs):
        super().__init__(*args, **kwargs)
        self.offers = {offer.pk: offer for offer in offers}
        self.fields["offer"].choices = [(pk, str(offer)) for pk, offer in self.offers.items()]
        self.fields["offer"].error_messages["invalid_choice"] = (
            "ข้อเสนอนี้ไม่อยู่ในรายการที่เหมาะกับปัญหานี้แล้ว (อาจปิดรับหรือหมดเขต)"
        )
        hand_entry_rules(self)

    def chosen(self):
        return self.offers[self.cleaned_data["offer"]]


class ReferForm(SubmissionTokenMixin, forms.Form):
    """Refer a problem to an agency or partner: to whom (one of its offers, when it came
    from the offers page), what is asked, and by when."""

    agency = forms.ModelChoiceField(
        queryset=Agency.objects.filter(is_active=True).order_by("sector", "name_th"),
        label="ส่งต่อถึงหน่วยงานหรือภาคี",
        empty_label="– เลือกหน่วยงานหรือภาคี –",
    )
    offer = forms.ModelChoiceField(
        queryset=Offer.objects.none(), required=False, widget=forms.HiddenInput
    )
    message = forms.CharField(
        label="สิ่งที่ขอให้ช่วย",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=(
            "ไม่ต้องใส่เลขประจำตัวประชาชนหรือข้อมูลสุขภาพ ผู้รับเห็นชื่อ หมู่บ้าน ปัญหา และเบอร์โทรของหัวหน้าครัวเรือน"
        ),
    )
    due_on = BEDateField(label="ควรเสร็จภายใน")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["offer"].queryset = Offer.objects.open_on()
        self.fields["agency"].label_from_instance = lambda a: (
            f"{a.name_th} ({a.get_sector_display()})"
        )
        hand_entry_rules(self)
        self.fields["offer"].error_messages["invalid_choice"] = "ข้อเสนอนี้ปิดรับหรือหมดเขตแล้ว"

    def clean(self):
        cleaned = super().clean()
        offer, agency = cleaned.get("offer"), cleaned.get("agency")
        if offer is not None and agency is not None and offer.agency_id != agency.pk:
            self.add_error("agency", "ข้อเสนอนี้ไม่ใช่ของหน่วยงานที่เลือก")
        due = cleaned.get("due_on")
        if due is not None and due < timezone.localdate():
            self.add_error("due_on", "วันที่ควรเสร็จต้องไม่ก่อนวันนี้")
        return cleaned


ACCEPT, DECLINE, DONE = "accept", "decline", "done"


class AnswerForm(forms.Form):
    """A step of the receiving organisation: accept, decline with a reason, or done with
    the outcome."""

    step = forms.ChoiceField(
        choices=[(ACCEPT, "รับเรื่อง"), (DECLINE, "ปฏิเสธ"), (DONE, "ดำเนินการเสร็จ")],
        widget=forms.HiddenInput,
    )
    reason = forms.CharField(
        label="เหตุที่ปฏิเสธ", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    outcome = forms.CharField(
        label="ผลการดำเนินการ", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        hand_entry_rules(self)
        self.fields["step"].error_messages["invalid_choice"] = "ไม่มีขั้นตอนนี้"

    def clean(self):
        cleaned = super().clean()
        step = cleaned.get("step")
        if step == DECLINE and not (cleaned.get("reason") or "").strip():
            self.add_error("reason", "กรุณาระบุเหตุที่ปฏิเสธ")
        if step == DONE and not (cleaned.get("outcome") or "").strip():
            self.add_error("outcome", "กรุณาระบุผลการดำเนินการ")
        return cleaned
