import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.template import Context, Template
from django.utils import timezone

from kuseaw.fields import BEDateField, BEDateInput
from kuseaw.thaidate import BEDateError, format_be, parse_be_date

AUG_18_2020 = dt.date(2020, 8, 18)


def test_dates_are_shown_in_the_buddhist_era_with_thai_months():
    assert format_be(AUG_18_2020) == "18 ส.ค. 2563"
    assert format_be(AUG_18_2020, "long") == "18 สิงหาคม 2563"
    assert format_be(AUG_18_2020, "numeric") == "18/08/2563"
    assert format_be(dt.date(2024, 1, 1)) == "1 ม.ค. 2567"
    assert format_be(None) == ""


def test_datetimes_are_shown_in_bangkok_time():
    utc_evening = dt.datetime(2020, 8, 18, 20, 30, tzinfo=dt.UTC)  # 03:30 next day in Bangkok
    assert format_be(utc_evening, "short_time") == "19 ส.ค. 2563 03:30 น."


def test_template_filter_uses_the_same_helper():
    html = Template("{{ d|be }} / {{ d|be:'long' }}").render(Context({"d": AUG_18_2020}))
    assert html == "18 ส.ค. 2563 / 18 สิงหาคม 2563"


@pytest.mark.parametrize(
    "typed",
    [
        "18/08/2563",
        "18/8/2563",
        "18-08-2563",
        "18.08.2563",
        "18/08/63",
        "๑๘/๐๘/๒๕๖๓",
        "18 ส.ค. 2563",
        "18 สค 2563",
        "18 สิงหาคม 2563",
        "18 สิงหาคม พ.ศ. 2563",
        "2563-08-18",
        " 18/08/2563 ",
        "2020-08-18",
        AUG_18_2020,
        dt.datetime(2020, 8, 18, 9, 0),
    ],
)
def test_be_input_is_read_in_every_common_form(typed):
    assert parse_be_date(typed) == AUG_18_2020


@pytest.mark.parametrize("blank", [None, "", "   "])
def test_blank_input_is_no_date(blank):
    assert parse_be_date(blank) is None


@pytest.mark.parametrize(
    "bad", ["31/02/2563", "18/13/2563", "18 ฟักทอง 2563", "เมื่อวาน", "18/08/1500"]
)
def test_unreadable_dates_get_a_thai_message(bad):
    with pytest.raises(BEDateError) as error:
        parse_be_date(bad)
    assert any("\u0e00" <= ch <= "\u0e7f" for ch in str(error.value))


def test_form_field_round_trips_a_be_date_and_refuses_the_future_when_asked():
    field = BEDateField(allow_future=False)
    assert field.clean("18/08/2563") == AUG_18_2020
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    with pytest.raises(ValidationError) as error:
        field.clean(format_be(tomorrow, "numeric"))
    assert error.value.messages == ["วันที่ต้องไม่เลยวันนี้"]
    with pytest.raises(ValidationError):
        field.clean("32/01/2567")
    assert BEDateInput().format_value(AUG_18_2020) == "18/08/2563"
