"""The upload form of the import page."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Layout, Submit
from django import forms
from django.urls import reverse

from households.models import ImportKind

ACCEPT = ".xlsx,.csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,text/csv"


class ImportUploadForm(forms.Form):
    kind = forms.ChoiceField(
        label="ประเภทข้อมูล",
        choices=ImportKind.choices,
        initial=ImportKind.HOUSEHOLDS,
        widget=forms.RadioSelect,
    )
    file = forms.FileField(
        label="ไฟล์ (.xlsx หรือ .csv)",
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
        help_text="ถ้าเป็น .xlsx ใส่รายชื่อสมาชิกไว้ในแผ่นงานชื่อ «สมาชิก» ได้",
    )
    members_file = forms.FileField(
        label="ไฟล์สมาชิกครัวเรือน (ถ้าแยกไฟล์)",
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
        help_text="ระบุรหัสครัวเรือนหรือเลขประจำตัวประชาชนของหัวหน้าครัวเรือนในแต่ละแถว",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            field.error_messages["required"] = "กรุณาเลือกไฟล์" if name != "kind" else "กรุณาเลือก"
        self.helper = FormHelper()
        self.helper.form_id = "import-upload"
        self.helper.layout = Layout(*self.fields)
        self.helper.form_action = reverse("imports:upload")
        self.helper.attrs = {"novalidate": ""}
        self.helper.add_input(
            Submit("preview", "ตรวจสอบไฟล์", css_class="btn-lg mt-2", css_id="import-upload-save")
        )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("members_file") and cleaned.get("kind") != ImportKind.HOUSEHOLDS:
            self.add_error("members_file", "ไฟล์สมาชิกใช้กับการนำเข้าครัวเรือนเท่านั้น")
        return cleaned

    def clean_file(self):
        return _check_name(self.cleaned_data["file"])

    def clean_members_file(self):
        upload = self.cleaned_data.get("members_file")
        return _check_name(upload) if upload else None


def _check_name(upload):
    if not upload.name.lower().endswith((".xlsx", ".csv")):
        raise forms.ValidationError("รับเฉพาะไฟล์ .xlsx หรือ .csv")
    return upload
