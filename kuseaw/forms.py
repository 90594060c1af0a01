"""Form building blocks shared by every app: the rules of a form a person fills in (the Thai
message for an empty required field, a length on every free text), a one-time submission
token, and a crispy layout for a phone.

Django's own validation messages (digits, decimal places, lengths, NUL characters…) are Thai
through the project's catalog, kuseaw/locale/th/LC_MESSAGES/django.po, which fills what
Django's Thai translation leaves out; dates are bounded by kuseaw.fields.BEDateField.
"""

import uuid

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Layout, Submit
from django import forms
from django.conf import settings
from django.core.validators import MaxLengthValidator

REQUIRED = "กรุณากรอกข้อมูลช่องนี้"
TOKEN_MISSING = "ยังไม่ได้บันทึก: แบบฟอร์มที่ส่งมาไม่ครบ (ไม่มีรหัสการส่ง) กรุณาตรวจสอบข้อมูลแล้วกดบันทึกอีกครั้ง"


def phone_helper(form: forms.BaseForm, submit_label: str, form_id: str) -> FormHelper:
    """One column, a full-width submit button whose id follows the form's, and the server's
    Thai messages instead of the browser's."""
    helper = FormHelper()
    helper.form_id = form_id
    # An explicit layout: without one, crispy hands the <form>'s attributes (its id) to
    # every radio group too, and the page gets the form's id twice.
    helper.layout = Layout(*form.fields)
    helper.attrs = {"novalidate": ""}
    helper.add_input(
        Submit("save", submit_label, css_class="btn-lg w-100 mt-2", css_id=f"{form_id}-save")
    )
    return helper


def thai_required(form: forms.BaseForm) -> None:
    """The Thai message for empty required fields on every field of `form`."""
    for field in form.fields.values():
        field.error_messages["required"] = REQUIRED


def limit_free_text(form: forms.BaseForm) -> None:
    """Every text field of `form` without a length of its own (a model TextField, a note)
    takes at most settings.KUSEAW_TEXT_MAX_LENGTH characters.

    The database does not bound those columns; without this, a pasted 100,000-character note
    was stored and shown on every case page. No `maxlength` on the widget: a browser would cut
    a pasted text short without a word, where the form says how long it is and keeps it.
    """
    limit = settings.KUSEAW_TEXT_MAX_LENGTH
    for field in form.fields.values():
        # UUIDField and JSONField are CharFields too, but clean to other things than text.
        if not isinstance(field, forms.CharField) or isinstance(
            field, forms.UUIDField | forms.JSONField
        ):
            continue
        if field.max_length is None:
            field.max_length = limit
            field.validators.append(MaxLengthValidator(limit))


def hand_entry_rules(form: forms.BaseForm) -> None:
    """What every form a person types into follows; call it at the end of `__init__`."""
    thai_required(form)
    limit_free_text(form)


class SubmissionTokenMixin(forms.Form):
    """A one-time token rendered into the form, so a resent POST creates nothing new.

    A POST without it (or with a broken one) saves nothing: the form comes back with what was
    typed, TOKEN_MISSING and a fresh token, so pressing save again records it once.
    """

    token = forms.UUIDField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["token"] = uuid.uuid4()

    def full_clean(self):
        super().full_clean()
        if not self.is_bound or self.cleaned_data.get("token") is not None:
            return
        # A hidden field's own error would not show (crispy prints only visible fields'):
        # one message for the whole form instead.
        self._errors.pop("token", None)
        self.add_error(None, forms.ValidationError(TOKEN_MISSING, code="token_missing"))
        self.data = self.data.copy()
        self.data[self.add_prefix("token")] = str(uuid.uuid4())
