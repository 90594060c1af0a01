"""Django's password validators with Thai messages (Django's th locale leaves them in English),
and the Thai password-change form."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import password_validation as django_validation


class MinimumLengthValidator(django_validation.MinimumLengthValidator):
    def get_error_message(self):
        return f"รหัสผ่านสั้นเกินไป: ต้องมีอย่างน้อย {self.min_length} ตัวอักษร"

    def get_help_text(self):
        return f"รหัสผ่านต้องมีอย่างน้อย {self.min_length} ตัวอักษร"


class UserAttributeSimilarityValidator(django_validation.UserAttributeSimilarityValidator):
    def get_error_message(self):
        return "รหัสผ่านคล้ายกับ%(verbose_name)sมากเกินไป"

    def get_help_text(self):
        return "รหัสผ่านต้องไม่คล้ายกับชื่อผู้ใช้ ชื่อ นามสกุล หรืออีเมลของคุณ"


class CommonPasswordValidator(django_validation.CommonPasswordValidator):
    def get_error_message(self):
        return "รหัสผ่านนี้ใช้กันทั่วไป เดาได้ง่าย"

    def get_help_text(self):
        return "รหัสผ่านต้องไม่ใช่รหัสผ่านที่ใช้กันทั่วไป"


class NumericPasswordValidator(django_validation.NumericPasswordValidator):
    def get_error_message(self):
        return "รหัสผ่านเป็นตัวเลขทั้งหมด"

    def get_help_text(self):
        return "รหัสผ่านต้องไม่เป็นตัวเลขทั้งหมด"


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
