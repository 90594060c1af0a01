"""The login and password-change forms, in Thai."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django.contrib.auth import forms as auth_forms
from django.core import validators


class LoginForm(auth_forms.AuthenticationForm):
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


class PasswordChangeForm(auth_forms.PasswordChangeForm):
    """Django's form (old password, new password twice) with Thai labels and messages."""

    error_messages = {
        "password_incorrect": "รหัสผ่านปัจจุบันไม่ถูกต้อง กรุณากรอกอีกครั้ง",
        "password_mismatch": "รหัสผ่านใหม่ทั้งสองช่องไม่ตรงกัน",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["old_password"].label = "รหัสผ่านปัจจุบัน"
        self.fields["new_password1"].label = "รหัสผ่านใหม่"
        self.fields["new_password2"].label = "ยืนยันรหัสผ่านใหม่"
        self.fields["new_password2"].help_text = "กรอกรหัสผ่านใหม่อีกครั้งให้ตรงกัน"
        for field in self.fields.values():
            field.error_messages["required"] = "กรุณากรอกข้อมูลช่องนี้"
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", "เปลี่ยนรหัสผ่าน", css_class="btn-lg mt-2"))
