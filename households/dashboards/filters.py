"""The filters in a dashboard's URL: district, agency, a date range, and on the household
list a few more. They only narrow the user's Scope; a value outside it is an error.

An invalid filter (a district of another province office, a garbage date, an unknown
agency) is never dropped silently: the page says what is wrong in Thai and shows no
figures, so that nobody reads the whole scope's numbers as those of the district they
asked for.
"""

import datetime as dt
from dataclasses import dataclass, field

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Column, Field, Layout, Row
from django import forms
from django.db.models import F, Q
from django.utils import timezone

from agencies.models import Agency, District
from households.dashboards.scope import Scope
from households.models import Member, PovertyLevel, Status, paired_ids
from kuseaw.fields import BEDateField
from kuseaw.thaidate import format_be
from officials.models import Official, Pairing

# The trends show one bar a month: beyond three years they no longer fit a phone.
MAX_PERIOD_MONTHS = 36
DEFAULT_PERIOD_MONTHS = 12

NOT_IN_SCOPE = "ไม่พบ{what}นี้ในขอบเขตงานของคุณ"


def month_start(day: dt.date, months_back: int = 0) -> dt.date:
    """The first day of the month `months_back` months before `day`'s month."""
    index = day.year * 12 + day.month - 1 - months_back
    return dt.date(index // 12, index % 12 + 1, 1)


def months_between(start: dt.date, end: dt.date) -> int:
    """How many calendar months the range touches (1 for a range inside one month)."""
    return (end.year - start.year) * 12 + end.month - start.month + 1


@dataclass(frozen=True)
class Period:
    """The date range that visit and aid figures count; both ends included."""

    start: dt.date
    end: dt.date
    chosen: bool  # typed by the user, or the default (the last 12 months)

    @property
    def months(self) -> list[dt.date]:
        """The first day of each month the range touches, oldest first."""
        count = months_between(self.start, self.end)
        return [month_start(self.end, back) for back in range(count - 1, -1, -1)]

    def __str__(self):
        text = f"{format_be(self.start)} – {format_be(self.end)}"
        return text if self.chosen else f"{text} (12 เดือนล่าสุด)"


def default_period(today: dt.date | None = None) -> Period:
    today = today or timezone.localdate()
    return Period(month_start(today, DEFAULT_PERIOD_MONTHS - 1), today, chosen=False)


@dataclass(frozen=True)
class Filters:
    """Valid, cleaned filters; `households()` and `officials()` narrow a Scope with them."""

    scope: Scope
    period: Period
    district: District | None = None
    agency: Agency | None = None
    official: Official | None = None
    extra: dict = field(default_factory=dict)  # the household list's own filters

    def households(self, queryset=None, *, by_last_buddy=False):
        """Households in scope, narrowed by district, agency (their buddy's now; with
        by_last_buddy, as the case-plan figures count: their buddy's now or their last
        buddy's, PlanFigures.latest_official), official."""
        households = self.scope.households if queryset is None else queryset
        if self.district is not None:
            households = households.filter(subdistrict__district=self.district)
        if self.agency is not None:
            if by_last_buddy:
                households = households.filter(plan_figures__latest_official__agency=self.agency)
            else:
                paired = Pairing.objects.open().filter(official__agency=self.agency)
                households = households.filter(id__in=paired.values("household_id"))
        if self.official is not None:
            paired = Pairing.objects.open().filter(official=self.official)
            households = households.filter(id__in=paired.values("household_id"))
        return households

    def officials(self):
        """Officials in scope, narrowed by agency and the district they work in."""
        officials = self.scope.officials
        if self.district is not None:
            officials = officials.filter(district=self.district)
        if self.agency is not None:
            officials = officials.filter(agency=self.agency)
        return officials


class ScopedChoiceField(forms.ModelChoiceField):
    """A choice that must be inside the user's scope; anything else is a Thai error."""

    def __init__(self, queryset, *, what: str, **kwargs):
        super().__init__(
            queryset,
            required=False,
            error_messages={"invalid_choice": NOT_IN_SCOPE.format(what=what)},
            **kwargs,
        )

    def to_python(self, value):
        if isinstance(value, str) and "\x00" in value:
            # Never sent to the database: a NUL in a query fails there, not here.
            raise forms.ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            )
        return super().to_python(value)


class DistrictField(ScopedChoiceField):
    def label_from_instance(self, district):
        return district.name_th


class DashboardFilterForm(forms.Form):
    """District, agency and date range, sent by GET so a view can be shared by its URL."""

    form_id = "dashboard-filter"
    extra_fields: tuple[str, ...] = ()  # the household list's own filters (Filters.extra)

    district = DistrictField(
        District.objects.none(), what="อำเภอ", label="อำเภอ", empty_label="ทุกอำเภอ"
    )
    agency = ScopedChoiceField(
        Agency.objects.none(),
        what="หน่วยงาน",
        label="หน่วยงานของคู่เสี่ยว",
        empty_label="ทุกหน่วยงาน",
        to_field_name="code",
    )
    date_from = BEDateField(label="ตั้งแต่วันที่", required=False)
    date_to = BEDateField(label="ถึงวันที่", required=False)

    def __init__(self, data=None, *, scope: Scope, **kwargs):
        # Only the filters of this form count: page numbers and the like are not errors.
        if data is not None:
            data = {name: data.get(name) for name in self.base_fields if name in data}
        super().__init__(data, **kwargs)
        self.scope = scope
        for form_field in self.fields.values():
            form_field.error_messages["null_characters_not_allowed"] = "มีอักขระที่ใช้ไม่ได้"
        districts, agencies = District.objects.all(), Agency.objects.all()
        if not scope.whole_province:
            districts = districts.filter(pk__in=scope.households.values("subdistrict__district_id"))
            agencies = agencies.filter(pk__in=scope.officials.values("agency_id"))
        self.fields["district"].queryset = districts.order_by("code")
        self.fields["agency"].queryset = agencies.order_by("name_th")
        self.helper = self._helper()

    def _helper(self) -> FormHelper:
        helper = FormHelper()
        helper.form_method = "get"
        helper.form_id = self.form_id
        helper.disable_csrf = True  # a GET form: a token would end up in the shared URL
        helper.attrs = {"novalidate": ""}
        visible = [n for n, f in self.fields.items() if not f.widget.is_hidden]
        hidden = [Field(n) for n, f in self.fields.items() if f.widget.is_hidden]
        helper.layout = Layout(
            Row(*[Column(name, css_class="col-6 col-lg") for name in visible], css_class="g-2"),
            *hidden,
            HTML(
                '<div class="d-flex flex-wrap gap-2 align-items-center">'
                '<button type="submit" class="btn btn-primary">แสดง</button>'
                '<a class="btn btn-link" href="{{ request.path }}">ล้างตัวกรอง</a>'
                "</div>"
            ),
        )
        return helper

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "วันที่สิ้นสุดต้องไม่ก่อนวันที่เริ่มต้น")
        elif start and end and months_between(start, end) > MAX_PERIOD_MONTHS:
            self.add_error("date_to", f"ช่วงวันที่ยาวได้ไม่เกิน {MAX_PERIOD_MONTHS} เดือน")
        return cleaned

    def period(self) -> Period:
        start, end = self.cleaned_data.get("date_from"), self.cleaned_data.get("date_to")
        if not start and not end:
            return default_period()
        if not end:
            today = timezone.localdate()
            end = max(start, today)
            if months_between(start, end) > MAX_PERIOD_MONTHS:
                end = month_start(start, -MAX_PERIOD_MONTHS) - dt.timedelta(days=1)
        if not start:
            start = month_start(end, DEFAULT_PERIOD_MONTHS - 1)
        return Period(start, end, chosen=True)

    def filters(self) -> Filters | None:
        """The cleaned filters, or None when one is invalid (the form then holds the errors)."""
        if not self.is_bound:
            return Filters(scope=self.scope, period=default_period())
        if not self.is_valid():
            return None
        data = self.cleaned_data
        return Filters(
            scope=self.scope,
            period=self.period(),
            district=data.get("district"),
            agency=data.get("agency"),
            official=data.get("official"),
            extra={name: data[name] for name in self.extra_fields if data.get(name)},
        )

    def error_messages_text(self) -> list[str]:
        """Every error as one Thai line naming its field, for the message above the page."""
        lines = []
        for name, errors in self.errors.items():
            label = self.fields[name].label if name in self.fields else ""
            for error in errors:
                lines.append(f"{label}: {error}" if label else error)
        return lines


class PlanFilterForm(DashboardFilterForm):
    """The case-plan pages: district and agency. Their figures are the plans as they stand
    today; the date range stays in the URL (hidden) only for the way back to the others."""

    form_id = "plan-filter"

    def __init__(self, data=None, *, scope: Scope, **kwargs):
        super().__init__(data, scope=scope, **kwargs)
        for name in ("date_from", "date_to"):
            self.fields[name].widget = forms.HiddenInput()
        self.helper = self._helper()


PAIRING_CHOICES = [("", "ทั้งหมด"), ("paired", "มีคู่เสี่ยวแล้ว"), ("unpaired", "รอคู่เสี่ยว")]
CHANGE_CHOICES = [
    ("", "ทั้งหมด"),
    ("better", "ดีขึ้น"),
    ("same", "เท่าเดิม"),
    ("worse", "ลดลง"),
]


class HouseholdListFilterForm(DashboardFilterForm):
    """The household list: the dashboard filters and the household's own state."""

    form_id = "household-filter"
    extra_fields = ("level", "status", "pairing", "change", "overdue", "jpt", "q")

    official = ScopedChoiceField(
        Official.objects.none(), what="เจ้าหน้าที่", label="คู่เสี่ยว", widget=forms.HiddenInput
    )
    level = forms.TypedChoiceField(
        choices=[("", "ทุกระดับ"), *PovertyLevel.choices],
        coerce=int,
        empty_value=None,
        required=False,
        label="ระดับความยากจน",
        error_messages={"invalid_choice": "ไม่มีระดับความยากจนนี้"},
    )
    status = forms.ChoiceField(
        choices=[("", "ทุกสถานะ"), *Status.choices],
        required=False,
        label="สถานะ",
        error_messages={"invalid_choice": "ไม่มีสถานะนี้"},
    )
    pairing = forms.ChoiceField(
        choices=PAIRING_CHOICES,
        required=False,
        label="คู่เสี่ยว",
        error_messages={"invalid_choice": "ตัวเลือกคู่เสี่ยวไม่ถูกต้อง"},
    )
    change = forms.ChoiceField(
        choices=CHANGE_CHOICES,
        required=False,
        label="ระดับเทียบกับเมื่อเข้าโครงการ",
        error_messages={"invalid_choice": "ตัวเลือกการเปลี่ยนระดับไม่ถูกต้อง"},
    )
    q = forms.CharField(
        required=False,
        max_length=100,
        label="ค้นหารหัสหรือชื่อ",
        error_messages={"max_length": "คำค้นหายาวได้ไม่เกิน %(limit_value)d ตัวอักษร"},
    )
    overdue = forms.BooleanField(required=False, label="เฉพาะที่เกินกำหนดเยี่ยม")
    jpt = forms.BooleanField(required=False, label="เฉพาะที่รายได้ต่อคนถึงเกณฑ์ จปฐ.")

    def __init__(self, data=None, *, scope: Scope, **kwargs):
        super().__init__(data, scope=scope, **kwargs)
        self.fields["official"].queryset = scope.officials
        # The date range counts visits and aid; the list keeps it only for the way back.
        for name in ("date_from", "date_to"):
            self.fields[name].widget = forms.HiddenInput()
        self.helper = self._helper()


def household_list_filter(households, extra: dict, *, today: dt.date | None = None):
    """Narrow households by the household list's own filters (HouseholdListFilterForm)."""
    if "level" in extra:
        households = households.filter(poverty_level=extra["level"])
    if "status" in extra:
        households = households.filter(status=extra["status"])
    if extra.get("pairing") == "paired":
        households = households.filter(id__in=paired_ids())
    elif extra.get("pairing") == "unpaired":
        households = households.filter(status=Status.ACTIVE).exclude(id__in=paired_ids())
    change = extra.get("change")
    if change == "better":
        households = households.filter(poverty_level__gt=F("poverty_level_at_entry"))
    elif change == "same":
        households = households.filter(poverty_level=F("poverty_level_at_entry"))
    elif change == "worse":
        households = households.filter(poverty_level__lt=F("poverty_level_at_entry"))
    if extra.get("overdue"):
        households = households.overdue(today)
    if extra.get("jpt"):
        households = households.reaching_income_threshold()
    for word in extra.get("q", "").split():
        heads = Member.objects.filter(is_head=True).filter(
            Q(first_name__icontains=word) | Q(last_name__icontains=word)
        )
        households = households.filter(
            Q(code__icontains=word) | Q(id__in=heads.values("household_id"))
        )
    return households
