"""Forms of the pairing pages: the list filters (GET) and the pair, end and reassign forms.

The choices always come from the caller's scope (Household.objects.pairable_by): a filter
offers only the districts, subdistricts and agencies the user works with, and an official can
only be chosen from officials_with_room(user), so a posted id outside it is an invalid choice.
"""

import re

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Column, Layout, Row
from django import forms
from django.db.models import Case, IntegerField, Value, When
from django.utils import timezone

from agencies.models import Agency, District, Need, Subdistrict
from households.forms import REQUIRED, _helper
from households.models import PovertyLevel
from kuseaw.fields import BEDateField
from kuseaw.forms import hand_entry_rules
from officials.models import EndReason


def _filter_buttons(label: str) -> HTML:
    # A submit <button> without a name, so "save=…" does not end up in the URL.
    return HTML(
        '<div class="d-flex flex-wrap gap-2 align-items-center">'
        f'<button type="submit" class="btn btn-primary">{label}</button>'
        '<a class="btn btn-link" href="{{ request.path }}">ล้างตัวกรอง</a>'
        "</div>"
    )


class FilterForm(forms.Form):
    """Optional filters sent by GET and kept in the URL; an invalid value is dropped."""

    form_id = "filter-form"
    submit_label = "แสดงรายการ"

    def __init__(self, data=None, **kwargs):
        super().__init__(data, **kwargs)
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.form_id = self.form_id
        self.helper.disable_csrf = True  # a GET form: the token would end up in the URL
        self.helper.attrs = {"novalidate": ""}
        columns = [
            Column(name, css_class=self._column_width(field)) for name, field in self.fields.items()
        ]
        self.helper.layout = Layout(
            Row(*columns, css_class="g-2"), _filter_buttons(self.submit_label)
        )

    def _column_width(self, field) -> str:
        # Two selects side by side on a phone; a lone select or a checkbox takes the row.
        if isinstance(field, forms.BooleanField) or len(self.fields) == 1:
            return "col-12 col-lg"
        return "col-6 col-lg"

    def chosen(self) -> dict:
        """The filters that were given and are valid (an invalid one counts as not given)."""
        if not self.is_bound:
            return {}
        self.is_valid()  # cleaned_data keeps the valid fields even when another one is not
        return {name: value for name, value in self.cleaned_data.items() if value}


class SubdistrictChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, subdistrict):
        return f"ต.{subdistrict.name_th} อ.{subdistrict.district.name_th}"


class UnpairedFilterForm(FilterForm):
    """Filters for the households waiting for a buddy; `households` is the user's list."""

    form_id = "unpaired-filter"

    district = forms.ModelChoiceField(
        queryset=District.objects.none(), required=False, label="อำเภอ", empty_label="ทุกอำเภอ"
    )
    subdistrict = SubdistrictChoiceField(
        queryset=Subdistrict.objects.none(), required=False, label="ตำบล", empty_label="ทุกตำบล"
    )
    level = forms.TypedChoiceField(
        choices=[("", "ทุกระดับ"), *PovertyLevel.choices],
        coerce=int,
        empty_value=None,
        required=False,
        label="ระดับความยากจน",
    )
    need = forms.ChoiceField(
        choices=[("", "ทุกด้าน"), *Need.choices], required=False, label="ความต้องการ"
    )

    def __init__(self, data=None, *, households, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["district"].queryset = District.objects.filter(
            pk__in=households.values("subdistrict__district_id")
        )
        self.fields["subdistrict"].queryset = Subdistrict.objects.filter(
            pk__in=households.values("subdistrict_id")
        ).select_related("district")

    def filter(self, households):
        chosen = self.chosen()
        if "district" in chosen:
            households = households.filter(subdistrict__district=chosen["district"])
        if "subdistrict" in chosen:
            households = households.filter(subdistrict=chosen["subdistrict"])
        if "level" in chosen:
            households = households.filter(poverty_level=chosen["level"])
        if "need" in chosen:
            households = households.filter(**{f"need_{chosen['need']}": True})
        return households


class OfficialFilterForm(FilterForm):
    """Filters for the officials list; `officials` are those the user manages."""

    form_id = "officials-filter"

    agency = forms.ModelChoiceField(
        queryset=Agency.objects.none(), required=False, label="หน่วยงาน", empty_label="ทุกหน่วยงาน"
    )
    district = forms.ModelChoiceField(
        queryset=District.objects.none(),
        required=False,
        label="อำเภอที่ปฏิบัติงาน",
        empty_label="ทุกอำเภอ",
    )
    with_room = forms.BooleanField(required=False, label="เฉพาะผู้ที่ยังรับครัวเรือนได้")

    def __init__(self, data=None, *, officials, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["agency"].queryset = Agency.objects.filter(pk__in=officials.values("agency_id"))
        self.fields["district"].queryset = District.objects.filter(
            pk__in=officials.values("district_id")
        )

    def filter(self, officials):
        chosen = self.chosen()
        if "agency" in chosen:
            officials = officials.filter(agency=chosen["agency"])
        if "district" in chosen:
            officials = officials.filter(district=chosen["district"])
        if chosen.get("with_room"):
            officials = officials.filter(free_places__gt=0)
        return officials


class SuggestForm(FilterForm):
    """Which households to propose buddies for: one district, or every one in scope."""

    form_id = "suggest-filter"
    submit_label = "ดูข้อเสนอการจับคู่"

    district = forms.ModelChoiceField(
        queryset=District.objects.none(),
        required=False,
        label="อำเภอ",
        empty_label="ทุกอำเภอในขอบเขตของคุณ",
    )

    def __init__(self, data=None, *, households, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["district"].queryset = District.objects.filter(
            pk__in=households.values("subdistrict__district_id")
        )


LINE = re.compile(r"(\d{1,18}):(\d{1,18})")


class ProposalLinesField(forms.Field):
    """The kept lines of a proposal, each "<household id>:<official id>", as int pairs."""

    widget = forms.MultipleHiddenInput
    default_error_messages = {
        "required": "ยังไม่ได้เลือกครัวเรือนที่จะจับคู่",
        "invalid": "ข้อมูลรายการที่ส่งมาไม่ถูกต้อง กรุณาเปิดข้อเสนอใหม่อีกครั้ง",
    }

    def to_python(self, value):
        if not value:
            return []
        if not isinstance(value, list | tuple):
            value = [value]
        lines = []
        for text in value:
            match = LINE.fullmatch(str(text))
            if match is None:
                raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
            lines.append((int(match[1]), int(match[2])))
        return lines


class ProposalLinesForm(forms.Form):
    line = ProposalLinesField()

    def error_text(self) -> str:
        return (
            " ".join(self.errors.get("line", []))
            or ProposalLinesField.default_error_messages["invalid"]
        )


class OfficialChoiceField(forms.ModelChoiceField):
    """An official with a free place, named with agency, district and room left."""

    def __init__(self, queryset, *, label="เจ้าหน้าที่คู่เสี่ยว", **kwargs):
        super().__init__(
            queryset,
            label=label,
            empty_label="– เลือกเจ้าหน้าที่ –",
            error_messages={
                "required": "กรุณาเลือกเจ้าหน้าที่",
                "invalid_choice": "จับคู่กับเจ้าหน้าที่ที่เลือกไม่ได้ (ไม่อยู่ในขอบเขตของคุณหรือไม่มีที่ว่างแล้ว)",
            },
            **kwargs,
        )

    def label_from_instance(self, official):
        return (
            f"{official.full_name} – {official.agency} อ.{official.district}"
            f" (ว่าง {official.free_places})"
        )


def officials_for(household, officials):
    """Officials with a free place, those working in the household's district first."""
    district_id = household.subdistrict.district_id
    return (
        officials.filter(free_places__gt=0)
        .annotate(
            elsewhere=Case(
                When(district_id=district_id, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("elsewhere", "-free_places", "user__first_name", "user__last_name", "pk")
    )


class BackForm(forms.Form):
    """Carries the page to go back to through the POST; the view checks it again.

    A form field, not crispy's Hidden: crispy renders a Hidden value as a template.
    """

    next = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, data=None, *, back: str, **kwargs):
        super().__init__(data, **kwargs)
        self.initial["next"] = back


class PairForm(BackForm):
    def __init__(self, data=None, *, household, officials, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["official"] = OfficialChoiceField(
            queryset=officials_for(household, officials),
            help_text=f"เจ้าหน้าที่ที่ทำงานในอำเภอ{household.subdistrict.district.name_th}อยู่ด้านบน",
        )
        self.helper = _helper(self, "จับคู่", "pair-form")


class EndPairingForm(BackForm):
    reason = forms.ChoiceField(
        choices=EndReason.choices, label="เหตุที่สิ้นสุด", widget=forms.RadioSelect
    )
    ended_on = BEDateField(label="วันที่สิ้นสุด", allow_future=False)
    note = forms.CharField(
        label="หมายเหตุ",
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, data=None, **kwargs):
        super().__init__(data, **kwargs)
        hand_entry_rules(self)
        if not self.is_bound:
            self.initial["ended_on"] = timezone.localdate()
        self.helper = _helper(self, "สิ้นสุดการจับคู่", "end-form")


class ReassignForm(BackForm):
    reason = forms.ChoiceField(
        choices=EndReason.choices, initial=EndReason.REASSIGNED, label="เหตุที่เปลี่ยน"
    )
    note = forms.CharField(label="หมายเหตุ", max_length=300, required=False)

    def __init__(self, data=None, *, household, officials, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["official"] = OfficialChoiceField(
            queryset=officials_for(household, officials),
            label="คู่เสี่ยวคนใหม่",
            help_text=f"เจ้าหน้าที่ที่ทำงานในอำเภอ{household.subdistrict.district.name_th}อยู่ด้านบน",
        )
        self.fields["reason"].error_messages["required"] = REQUIRED
        self.order_fields(["official", "reason", "note"])
        self.helper = _helper(self, "เปลี่ยนคู่เสี่ยว", "reassign-form")
