"""National IDs never reach a log line or an error report.

`NationalIDMaskFilter` sits on every handler in settings.LOGGING and rewrites each record
(message, arguments, traceback) with the IDs masked; `NationalIDSafeExceptionReporter`
(settings.DEFAULT_EXCEPTION_REPORTER) masks the debug page and the reports mailed to admins,
which show local variables, POST data and settings that no decorator can be trusted to cover.

Anything shaped like a national ID is masked, valid check digit or not: a mistyped ID is
still someone's ID. The price is that an unrelated 13-digit number in a log is masked too.
"""

import logging
import re

from django.views.debug import ExceptionReporter, SafeExceptionReporterFilter

from kuseaw.national_id import mask_national_id

_DIGIT = "[0-9\u0e50-\u0e59]"  # Arabic and Thai digits
_SEPARATOR = "[ \\-\u2013.]"  # as kuseaw.national_id.normalize_national_id accepts them
# 13 digits, each pair at most one separator apart, not inside a longer run of digits.
NATIONAL_ID_LIKE = re.compile(
    f"(?<!{_DIGIT})(?<!{_DIGIT}{_SEPARATOR})"
    f"{_DIGIT}(?:{_SEPARATOR}?{_DIGIT}){{12}}"
    f"(?!{_SEPARATOR}?{_DIGIT})"
)
_THAI_TO_ARABIC = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")


def _mask(match: re.Match) -> str:
    digits = re.sub(r"\D", "", match.group(0).translate(_THAI_TO_ARABIC))
    return mask_national_id(digits)


def mask_national_ids(text: str) -> str:
    """`text` with every national-ID-like number shown as x-xxxx-xxxxx-12-3."""
    return NATIONAL_ID_LIKE.sub(_mask, text)


class NationalIDMaskFilter(logging.Filter):
    """Masks national IDs in a log record before any handler formats it (never drops one)."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string: leave it to logging's own error report
            return True
        masked = mask_national_ids(message)
        if masked != message:
            record.msg, record.args = masked, ()
        if record.exc_info and not record.exc_text:
            # Formatted here once; formatters reuse exc_text instead of formatting again.
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask_national_ids(record.exc_text)
        if record.stack_info:
            record.stack_info = mask_national_ids(record.stack_info)
        return True


class NationalIDSafeExceptionReporter(ExceptionReporter):
    """Django's error report (debug page, admin e-mails) with national IDs masked throughout."""

    def get_traceback_html(self):
        return mask_national_ids(str(super().get_traceback_html()))

    def get_traceback_text(self):
        return mask_national_ids(str(super().get_traceback_text()))


class NationalIDSafeExceptionReporterFilter(SafeExceptionReporterFilter):
    """Also hides POST fields named like an ID field, whether or not the view says so."""

    hidden_settings = re.compile(
        "API|TOKEN|KEY|SECRET|PASS|SIGNATURE|HTTP_COOKIE|DATABASE_URL", flags=re.I
    )

    def get_post_parameters(self, request):
        params = super().get_post_parameters(request)
        if request is None or not any("national_id" in key for key in params):
            return params
        params = params.copy()
        for key in params:
            if "national_id" in key:
                params[key] = self.cleansed_substitute
        return params
