"""Django's password validators with Thai messages (Django's th locale leaves them in English)."""

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
