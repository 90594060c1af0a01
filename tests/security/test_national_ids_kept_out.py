"""National IDs never reach a log line, an error page or an error report (kuseaw/logging.py),
and no URL of the app carries one."""

import io
import logging
import sys

import pytest
from django.test import RequestFactory
from django.views.debug import ExceptionReporter, get_exception_reporter_class

from kuseaw.logging import NationalIDMaskFilter, mask_national_ids
from tests import factories as f

NID = "1103700012345"  # not a real person's; check digit valid
NID_DASHED = "1-1037-00012-34-5"
MASKED = "x-xxxx-xxxxx-34-5"


@pytest.mark.parametrize(
    "written",
    [
        NID,
        NID_DASHED,
        "1 1037 00012 34 5",
        "1-1037-00012-345",
        "๑๑๐๓๗๐๐๐๑๒๓๔๕",  # in Thai digits
    ],
)
def test_an_id_however_written_is_masked(written):
    text = f"ค้นหา {written} ไม่พบ"

    assert mask_national_ids(text) == f"ค้นหา {MASKED} ไม่พบ"


def test_a_mistyped_id_is_still_masked():
    assert mask_national_ids("id=1103700012346") == "id=x-xxxx-xxxxx-34-6"


@pytest.mark.parametrize(
    "text",
    [
        "household 4001 has 12 members",
        "phone 081-234-5678",
        "2024-08-18 10:30:12,123",
        "ip 192.168.100.200",
        "12345678901234",  # 14 digits: not an ID
        "123456789012",  # 12 digits
        "ยอดเงิน 1,234,567.50 บาท",
    ],
)
def test_other_numbers_are_left_alone(text):
    assert mask_national_ids(text) == text


@pytest.fixture
def console():
    """What the configured console handler writes (its stream swapped for a buffer)."""
    handler = next(
        h
        for h in logging.getLogger().handlers
        if any(isinstance(flt, NationalIDMaskFilter) for flt in h.filters)
    )
    buffer = io.StringIO()
    old = handler.setStream(buffer)
    yield buffer
    handler.setStream(old)


def test_log_messages_and_arguments_are_masked(console):
    log = logging.getLogger("households.imports")

    log.warning("row %s: duplicate ID %s", 7, NID_DASHED)
    log.warning(f"member {NID} saved")

    written = console.getvalue()
    assert NID not in written and NID_DASHED not in written
    assert f"row 7: duplicate ID {MASKED}" in written
    assert f"member {MASKED} saved" in written


def test_tracebacks_in_logs_are_masked(console):
    try:
        int(f"{NID}x")
    except ValueError:
        logging.getLogger("django.request").exception("Internal Server Error: /households/1/")

    written = console.getvalue()
    assert "Traceback" in written
    assert NID not in written
    assert MASKED in written


def all_handlers():
    loggers = [logging.getLogger()] + [
        logger
        for logger in logging.Logger.manager.loggerDict.values()
        if isinstance(logger, logging.Logger)
    ]
    for logger in loggers:
        for handler in logger.handlers:
            if type(handler).__module__.startswith("_pytest"):
                continue  # pytest's own capture, not the app's
            if isinstance(handler, logging.NullHandler):
                continue  # writes nothing
            yield logger.name, handler


def test_every_log_handler_masks_national_ids():
    handlers = list(all_handlers())

    assert {name for name, _ in handlers} >= {"root", "django", "django.server"}
    for name, handler in handlers:
        assert any(isinstance(flt, NationalIDMaskFilter) for flt in handler.filters), (
            name,
            handler,
        )


# Error reports: the debug page and the reports mailed to admins show POST data and local
# variables. Whatever the view says, the ID is masked.


def failing_save(national_id):
    digits = national_id.replace("-", "")
    raise ValueError(f"cannot save member with ID {digits}")


def test_an_error_report_on_a_member_form_shows_no_id():
    request = RequestFactory().post(
        "/households/1/members/new/",
        {"first_name": "มานี", "national_id": NID_DASHED, "note": f"บัตร {NID}"},
    )
    try:
        failing_save(request.POST["national_id"])
    except ValueError:
        exc_info = sys.exc_info()
    reporter = get_exception_reporter_class(request)(request, *exc_info)  # settings' reporter

    html, text = reporter.get_traceback_html(), reporter.get_traceback_text()

    assert "cannot save member with ID" in html  # the report itself is there
    assert "มานี" in html  # other POST fields are shown
    for report in (html, text):
        assert NID not in report
        assert NID_DASHED not in report
        assert "1037" not in report
    assert MASKED in html


def test_the_member_form_view_hides_its_post_data_in_reports(
    client, official_a, monkeypatch, caplog
):
    from households import views

    household = f.PairingFactory(official=official_a).household

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(views, "get_household_for_action", broken)
    client.force_login(official_a.user)
    client.raise_request_exception = False

    response = client.post(
        f"/households/{household.pk}/members/new/",
        {"first_name": "มานี", "national_id": NID_DASHED},
    )

    assert response.status_code == 500
    (record,) = [r for r in caplog.records if r.name == "django.request"]
    assert record.request.sensitive_post_parameters == ("national_id",)
    html = ExceptionReporter(record.request, *record.exc_info).get_traceback_html()
    assert "มานี" in html
    assert NID_DASHED not in html and MASKED not in html  # hidden whole, not even masked


def test_a_server_error_page_is_thai_and_shows_no_id(client, official_a, monkeypatch, console):
    from households import views

    household = f.PairingFactory(official=official_a).household

    def broken(user, household):
        raise ValueError(f"unexpected ID {NID}")

    monkeypatch.setattr(views.selectors, "case_file", broken)
    client.force_login(official_a.user)
    client.raise_request_exception = False

    response = client.get(f"/households/{household.pk}/")

    assert response.status_code == 500
    html = response.content.decode()
    assert "ขออภัย ระบบขัดข้อง" in html
    assert '<html lang="th">' in html
    assert NID not in html
    logged = console.getvalue()
    assert "unexpected ID" in logged
    assert NID not in logged
    assert MASKED in logged


def test_a_missing_page_is_thai_and_does_not_echo_the_url(client, official_a):
    client.force_login(official_a.user)

    response = client.get(f"/households/{NID}/")

    assert response.status_code == 404
    html = response.content.decode()
    assert "ไม่พบหน้าที่ต้องการ" in html
    assert NID not in html


def test_the_debug_page_hides_the_database_password(settings):
    settings.DATABASE_URL = "postgres://kuseaw:s3cret-pw@db.example:5432/kuseaw"
    request = RequestFactory().get("/")
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        exc_info = sys.exc_info()
    reporter = get_exception_reporter_class(request)(request, *exc_info)

    text = reporter.get_traceback_text()

    assert "DATABASE_URL" in text
    assert "s3cret-pw" not in text


# URLs


def test_the_admin_cannot_be_searched_by_national_id(admin_client):
    member = f.MemberFactory()

    for url in ("/admin/households/household/", "/admin/households/member/"):
        response = admin_client.get(url, {"q": member.national_id})

        assert list(response.context["cl"].result_list) == [], url
