"""Template filters for Thai display; loaded everywhere as a builtin (settings.TEMPLATES)."""

from decimal import Decimal

from django import template
from django.contrib.humanize.templatetags.humanize import intcomma

from kuseaw.national_id import format_national_id, mask_national_id
from kuseaw.thaidate import format_be

register = template.Library()


@register.filter
def be(value, style="short"):
    """{{ visit.visited_on|be }} → 18 ส.ค. 2563; styles: short, long, numeric, month, short_time."""
    return format_be(value, style)


@register.filter
def be_datetime(value):
    """{{ obj.created_at|be_datetime }} → 18 ส.ค. 2563 14:05 น."""
    return format_be(value, "short_time")


@register.filter
def baht(value):
    """12345.5 → 12,346 (whole baht, grouped)."""
    if value is None or value == "":
        return "–"
    return intcomma(int(Decimal(value).quantize(Decimal("1"))))


@register.filter
def national_id(value):
    return format_national_id(value or "")


@register.filter
def national_id_masked(value):
    return mask_national_id(value)


@register.filter
def get_item(mapping, key):
    """{{ aid_forms|get_item:aid.pk }} → the value for a key that is itself a variable."""
    if not mapping:
        return None
    return mapping.get(key)
