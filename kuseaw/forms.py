"""Form building blocks shared by every app: the Thai message for an empty required field,
a one-time submission token, and a crispy layout for a phone."""

import uuid

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Layout, Submit
from django import forms

REQUIRED = "กรุณากรอกข้อมูลช่องนี้"


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


class SubmissionTokenMixin(forms.Form):
    """A one-time token rendered into the form, so a resent POST creates nothing new."""

    token = forms.UUIDField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["token"] = uuid.uuid4()
