"""Form fields shared by every app: Buddhist Era dates and national IDs."""

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from kuseaw.national_id import normalize_national_id, validate_national_id
from kuseaw.thaidate import BEDateError, check_date_in_range, format_be, parse_be_date


class BEDateInput(forms.TextInput):
    """A text box that shows a date as 15/02/2567 (พ.ศ.) and opens the number pad on phones."""

    def __init__(self, attrs=None):
        defaults = {
            "placeholder": "วว/ดด/ปปปป",
            "inputmode": "numeric",
            "autocomplete": "off",
            "pattern": r"[0-9๐-๙]{1,2}[/\-.][0-9๐-๙]{1,2}[/\-.][0-9๐-๙]{2,4}",
            "title": "วันที่ พ.ศ. เช่น 15/02/2567",
        }
        super().__init__({**defaults, **(attrs or {})})

    def format_value(self, value):
        if isinstance(value, dt.date):
            return format_be(value, "numeric")
        return super().format_value(value)


class BEDateField(forms.DateField):
    """A date typed in the Buddhist Era; cleans to a `datetime.date`.

    Every date must fall in kuseaw.thaidate.date_range() (the settings' plausible years);
    `allow_future=False` also refuses dates after today (a visit cannot happen tomorrow).
    """

    widget = BEDateInput

    def __init__(self, *, allow_future: bool = True, **kwargs):
        self.allow_future = allow_future
        super().__init__(**kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            return parse_be_date(value)
        except BEDateError as exc:
            raise ValidationError(str(exc), code="invalid") from None

    def validate(self, value):
        super().validate(value)
        if not value:
            return
        if not self.allow_future and value > timezone.localdate():
            raise ValidationError("วันที่ต้องไม่เลยวันนี้", code="future")
        try:
            check_date_in_range(value)
        except BEDateError as exc:
            raise ValidationError(str(exc), code="out_of_range") from None


class NationalIDField(forms.CharField):
    """A national ID typed with or without dashes and spaces; cleans to 13 digits."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 20)
        kwargs.setdefault("label", "เลขประจำตัวประชาชน")
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("inputmode", "numeric")
        self.widget.attrs.setdefault("placeholder", "1-2345-67890-12-3")

    def to_python(self, value):
        value = super().to_python(value)
        return normalize_national_id(value) if value else value

    def validate(self, value):
        super().validate(value)
        if value:
            validate_national_id(value)
