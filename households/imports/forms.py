"""The forms of the import pages: the upload, and the column mapping step."""

import dataclasses

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Layout, Submit
from django import forms
from django.urls import reverse

from households.imports import cells
from households.imports.headers import HEADER_SEARCH_ROWS
from households.imports.mapping import (
    CHOSEN,
    HOUSEHOLDS,
    MEMBERS,
    JobMapping,
    check_fixed,
    field_choices,
    fixable_columns,
)
from households.models import ImportKind
from kuseaw.forms import thai_required

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


NOT_IMPORTED = "-"
ALL_OR_NOTHING, VALID_ROWS = "all", "valid"
_PREFIX = {HOUSEHOLDS: "h", MEMBERS: "m"}


class ColumnMappingForm(forms.Form):
    """The mapping step: the field each column of the file fills (or «not imported»), one
    value for every row of a field the file lacks, all or nothing or the valid rows only,
    and a name to save the mapping under. Built on the page's MappingProposal (its tables
    give the columns, its mapping the initial choices); cleaned_data["mapping"] is the
    JobMapping, checked by its problems()."""

    valid_rows_only = forms.ChoiceField(
        label="เมื่อพบแถวที่ผิดพลาด",
        choices=[
            (ALL_OR_NOTHING, "ไม่บันทึกเลยสักแถว ให้แก้ไฟล์แล้วนำเข้าใหม่ทั้งไฟล์"),
            (VALID_ROWS, "บันทึกเฉพาะแถวที่ถูกต้อง และดาวน์โหลดแถวที่ผิดพลาดไปแก้ไขแล้วส่งใหม่"),
        ],
        initial=ALL_OR_NOTHING,
        widget=forms.RadioSelect,
    )
    save_as = forms.CharField(
        label="บันทึกการกำหนดคอลัมน์นี้ไว้ใช้ครั้งต่อไป ในชื่อ",
        max_length=100,
        required=False,
        help_text="เช่น «รายชื่อจากอำเภอบ้านไผ่» ไฟล์ที่มีหัวคอลัมน์เหมือนกันจะได้การกำหนดนี้ให้อัตโนมัติ "
        "(ชื่อที่มีอยู่แล้วจะถูกแทนที่)",
    )

    def __init__(self, proposal, *args, valid_rows_only=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.proposal = proposal
        self.tables = []  # (view, [(choice, samples, bound field name)]) for the template
        for kind, view in ((HOUSEHOLDS, proposal.households), (MEMBERS, proposal.members)):
            if view is None:
                continue
            options = [(NOT_IMPORTED, "— ไม่นำเข้า —"), *field_choices(kind)]
            rows = []
            for choice, samples in view.rows():
                name = f"{_PREFIX[kind]}-{choice.position}"
                self.fields[name] = forms.ChoiceField(
                    label=f"ข้อมูลของคอลัมน์ {choice.letter} «{choice.shown}»",
                    choices=options,
                    initial=choice.field or NOT_IMPORTED,
                    widget=forms.Select(attrs={"class": "form-select"}),
                )
                rows.append((choice, samples, name))
            self.tables.append((kind, view, rows))
        fixed = proposal.households.mapping.fixed
        self.fixed_names = []
        for column in fixable_columns(HOUSEHOLDS):
            name = f"fixed-{column.key}"
            self.fields[name] = forms.CharField(
                label=column.label,
                required=False,
                max_length=200,
                initial=fixed.get(column.key, ""),
                help_text=column.help,
            )
            self.fixed_names.append(name)
        if valid_rows_only:
            self.initial.setdefault("valid_rows_only", VALID_ROWS)
        thai_required(self)
        for name, field in self.fields.items():
            if isinstance(field, forms.ChoiceField) and name != "valid_rows_only":
                field.error_messages["required"] = "กรุณาเลือกข้อมูลของคอลัมน์นี้ หรือ «ไม่นำเข้า»"
                field.error_messages["invalid_choice"] = "ไม่มีข้อมูลนี้ให้เลือก"

    def fixed_fields(self):
        return [self[name] for name in self.fixed_names]

    def table_rows(self):
        """(kind, TableView, [(ColumnChoice, its sample values, its bound field)]) per table."""
        return [
            (kind, view, [(c, [v for v in samples if v], self[name]) for c, samples, name in rows])
            for kind, view, rows in self.tables
        ]

    def clean(self):
        cleaned = super().clean()
        tables = {}
        for kind, view, rows in self.tables:
            columns = []
            for choice, _, name in rows:
                value = cleaned.get(name)
                if value is None:
                    return cleaned  # a column without an answer: its own error says so
                key = "" if value == NOT_IMPORTED else value
                how = choice.how if key == choice.field else CHOSEN
                columns.append(dataclasses.replace(choice, field=key, how=how if key else ""))
            tables[kind] = dataclasses.replace(view.mapping, columns=columns, fixed={})
        households = tables[HOUSEHOLDS]
        households.fixed = self._fixed(cleaned, households)
        mapping = JobMapping(households, tables.get(MEMBERS))
        if self.errors:
            return cleaned
        for problem in mapping.problems():
            self.add_error(None, problem)
        cleaned["mapping"] = mapping
        return cleaned

    def _fixed(self, cleaned, households) -> dict:
        """The values given for every row, each checked as its column's cells would be."""
        found = {}
        refs = None
        # The district first: a subdistrict given for every row is looked for in it.
        for name in sorted(self.fixed_names, key=lambda n: n != "fixed-district"):
            text = (cleaned.get(name) or "").strip()
            if not text:
                continue
            key = name.removeprefix("fixed-")
            refs = refs or cells.ReferenceIndex.load()
            try:
                found[key] = check_fixed(key, text, refs=refs, district=found.get("district"))
            except cells.CellError as error:
                self.add_error(name, str(error))
        return found

    @property
    def valid_rows_only_chosen(self) -> bool:
        return self.cleaned_data.get("valid_rows_only") == VALID_ROWS


class MappingSourceForm(forms.Form):
    """Where the mapping page reads the file (sent by GET): the households sheet, the
    members sheet, the header rows, and which saved mapping to apply."""

    sheet = forms.ChoiceField(label="แผ่นงานครัวเรือน", required=False)
    members_sheet = forms.ChoiceField(label="แผ่นงานสมาชิก", required=False)
    header_row = forms.TypedChoiceField(label="แถวหัวตาราง (ครัวเรือน)", coerce=int, required=False)
    members_header_row = forms.TypedChoiceField(
        label="แถวหัวตาราง (สมาชิก)", coerce=int, required=False
    )
    saved = forms.ChoiceField(label="การกำหนดคอลัมน์ที่บันทึกไว้", required=False)

    def __init__(self, proposal, *args, members_file=False, **kwargs):
        super().__init__(*args, **kwargs)
        sheets = [(name, name) for name in proposal.sheets]
        rows = [(n, f"แถวที่ {n}") for n in range(1, HEADER_SEARCH_ROWS + 1)]
        self.fields["sheet"].choices = sheets
        self.fields["members_sheet"].choices = [("-", "ไม่มีแผ่นงานสมาชิก"), *sheets]
        self.fields["header_row"].choices = rows
        self.fields["members_header_row"].choices = rows
        self.fields["saved"].choices = [("0", "ไม่ใช้ (จับคู่จากชื่อคอลัมน์)")] + [
            (str(m.pk), m.name) for m in proposal.saved_options
        ]
        households, members = proposal.households, proposal.members
        self.initial.update(
            sheet=households.mapping.sheet,
            header_row=households.mapping.header_row,
            members_sheet=members.mapping.sheet if members else "-",
            members_header_row=members.mapping.header_row if members else None,
            saved=str(proposal.saved.pk) if proposal.saved else "0",
        )
        if not sheets:
            del self.fields["sheet"]
        if not sheets or members_file:
            del self.fields["members_sheet"]
        if members is None:
            del self.fields["members_header_row"]
        if not proposal.saved_options:
            del self.fields["saved"]
