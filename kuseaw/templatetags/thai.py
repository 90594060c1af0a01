"""Template filters for Thai display; loaded everywhere as a builtin (settings.TEMPLATES)."""

import re
import unicodedata
from decimal import Decimal

from django import template
from django.contrib.humanize.templatetags.humanize import intcomma
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.text import normalize_newlines

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


# A browser's Thai line breaking slows down sharply with the length of a run that has no
# break opportunity (Thai puts no spaces between words): in Chromium one 100,000-character
# run took 5 to 11 s to lay out on the case page, the same text with a <wbr> every 500
# characters about 0.15 s. A <wbr> is only a place where a line may end; it adds no character.
RUN_BREAK_EVERY = 500
_LONG_RUN = re.compile(rf"\S{{{RUN_BREAK_EVERY + 1},}}")


def _break_run(run: str, escape) -> str:
    pieces, start = [], 0
    cut = RUN_BREAK_EVERY
    while cut < len(run):
        # Never between a letter and its vowel or tone mark (a combining character).
        while cut < len(run) and unicodedata.category(run[cut]).startswith("M"):
            cut += 1
        if cut >= len(run):
            break
        pieces.append(escape(run[start:cut]))
        start, cut = cut, cut + RUN_BREAK_EVERY
    pieces.append(escape(run[start:]))
    return "<wbr>".join(pieces)


@register.filter(needs_autoescape=True)
def long_text(value, autoescape=True):
    """{{ visit.findings|long_text }}: text someone typed, shown like `linebreaksbr` (each line
    break kept), with a break opportunity every RUN_BREAK_EVERY characters of a run without
    spaces, so that a very long text still lays out in a moment."""
    text = normalize_newlines(str(value if value is not None else ""))
    escape = conditional_escape if autoescape else str
    parts, position = [], 0
    for match in _LONG_RUN.finditer(text):
        parts.append(escape(text[position : match.start()]))
        parts.append(_break_run(match.group(), escape))
        position = match.end()
    parts.append(escape(text[position:]))
    # Safe: every piece of the text was escaped above; only <wbr> and <br> are added.
    return mark_safe("".join(parts).replace("\n", "<br>"))  # nosec B308, B703
