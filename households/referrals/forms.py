"""The form of the offers page: which offer to take into the plan."""

from django import forms

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
