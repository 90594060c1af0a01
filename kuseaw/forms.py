from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core import validators


class LoginForm(AuthenticationForm):
    """Django's login form with Thai labels and messages."""

    error_messages = {
        "invalid_login": "ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง",
        "inactive": "บัญชีนี้ถูกระงับการใช้งาน",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = "ชื่อผู้ใช้"
        self.fields["password"].label = "รหัสผ่าน"
        self.fields["username"].widget.attrs.update({"autocapitalize": "none", "autofocus": True})
        # Django puts the length limit on the widget only: an overlong name must not reach
        # authenticate(), whose failed-login record keeps at most 255 characters (else a 500).
        username = self.fields["username"]
        username.validators.append(validators.MaxLengthValidator(username.max_length))
        self.helper = FormHelper()
        self.helper.form_tag = False  # the template's <form> also carries `next`
        self.helper.add_input(Submit("submit", "เข้าสู่ระบบ", css_class="w-100 btn-lg"))


class ThaiFormMixin(forms.Form):
    """Required-field message in Thai for every form that uses it."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.error_messages.setdefault("required", "กรุณากรอกข้อมูลช่องนี้")
