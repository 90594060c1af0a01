"""Small helpers for Thai text as it arrives from people and spreadsheets."""

THAI_DIGITS = "๐๑๒๓๔๕๖๗๘๙"
_TO_ARABIC = str.maketrans(THAI_DIGITS, "0123456789")


def to_arabic_digits(text: str) -> str:
    """Replace Thai digits (๐–๙) with Arabic ones; everything else is kept."""
    return text.translate(_TO_ARABIC)


def clean_text(value) -> str:
    """A cell or form value as text: Thai digits made Arabic, spaces (incl. NBSP) trimmed."""
    if value is None:
        return ""
    return to_arabic_digits(str(value)).replace("\u00a0", " ").strip()
