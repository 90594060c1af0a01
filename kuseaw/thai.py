"""Small helpers for Thai text as it arrives from people and spreadsheets."""

import re

THAI_DIGITS = "๐๑๒๓๔๕๖๗๘๙"
_TO_ARABIC = str.maketrans(THAI_DIGITS, "0123456789")
_A_THAI_DIGIT = re.compile("[๐-๙]")


def to_arabic_digits(text: str) -> str:
    """Replace Thai digits (๐–๙) with Arabic ones; everything else is kept."""
    # translate() looks every character up in a dict: searching first is several times
    # faster on the text without Thai digits, which is most of a spreadsheet.
    return text.translate(_TO_ARABIC) if _A_THAI_DIGIT.search(text) else text


def clean_text(value) -> str:
    """A cell or form value as text: Thai digits made Arabic, spaces (incl. NBSP) trimmed."""
    if value is None:
        return ""
    return to_arabic_digits(str(value)).replace("\u00a0", " ").strip()
