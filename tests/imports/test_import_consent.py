"""Consent from a district office's list: recorded the way the case page records it.

A file's «ยินยอมให้ใช้ข้อมูล» column turns a household's consent on or off only with a
Consent record of it (method «ตามรายชื่อที่หน่วยงานส่งมา», by the importing admin); a
blank cell keeps what is on record, and a file cannot give back a consent the household
withdrew or refused.
"""

import datetime

import pytest
from django.urls import reverse

from households.imports import services
from households.models import (
    Consent,
    ConsentDecision,
    ConsentMethod,
    Household,
    ImportStatus,
)
from households.privacy.services import consent_record
from tests.imports.conftest import HOUSEHOLD_HEADER, household_row, xlsx

pytestmark = pytest.mark.django_db

HEADER = [*HOUSEHOLD_HEADER, "ยินยอมให้ใช้ข้อมูล", "วันที่ให้ความยินยอม"]


def consent_file(*consents) -> bytes:
    """One household per (yes/no cell, date cell), KK00001 onwards."""
    rows = [[*household_row(n), given, on] for n, (given, on) in enumerate(consents, start=1)]
    return xlsx({"ครัวเรือน": [HEADER, *rows]})


def _import(user, data, name="อำเภอเมือง.xlsx"):
    job = services.import_job_create(user=user, kind="households", file_name=name, data=data)
    job = services.import_preview(job=job)
    assert job.status == ImportStatus.PREVIEWED, job.row_errors
    return services.import_apply(job=job)


def test_a_list_with_consent_adds_a_consent_record_per_household(admin_user, monkeypatch):
    monkeypatch.setattr(services, "CHUNK_SIZE", 2)  # the records are written chunk by chunk
    _import(admin_user, consent_file(("ใช่", "15/02/2567"), ("ใช่", ""), ("", ""), ("ไม่", "")))
    first = Household.objects.get(code="KK00001")
    assert first.consent_given and first.consent_date == datetime.date(2024, 2, 15)
    consent = first.consents.get()
    assert consent.decision == ConsentDecision.GIVEN
    assert consent.decided_on == datetime.date(2024, 2, 15)
    assert consent.method == ConsentMethod.AGENCY_LIST
    assert consent.given_by == first.members.get(is_head=True)
    assert consent.recorded_by == admin_user
    assert consent.note == "นำเข้าจากไฟล์ «อำเภอเมือง.xlsx»"
    second = Household.objects.get(code="KK00002")  # no date: the day of the import
    assert second.consents.get().decided_on == second.consent_date
    # A blank cell or «ไม่» for a new household: no consent, and nothing recorded.
    for code in ("KK00003", "KK00004"):
        household = Household.objects.get(code=code)
        assert not household.consent_given and not household.consents.exists()


def test_the_case_page_shows_how_the_consent_was_given(admin_client, admin_user):
    _import(admin_user, consent_file(("ใช่", "15/02/2567")))
    household = Household.objects.get(code="KK00001")
    page = admin_client.get(reverse("households:detail", args=[household.pk])).content.decode()
    assert "ตามรายชื่อที่หน่วยงานส่งมา" in page
    assert "ยังไม่มีบันทึกวิธีให้ความยินยอม" not in page


def test_importing_the_same_list_again_records_nothing_more(admin_user):
    data = consent_file(("ใช่", "15/02/2567"), ("ใช่", ""))
    _import(admin_user, data)
    job = _import(admin_user, data)
    assert job.counts["unchanged"] == 2
    assert Consent.objects.count() == 2


def test_a_blank_cell_keeps_the_consent_on_record(admin_user):
    _import(admin_user, consent_file(("ใช่", "15/02/2567")))
    job = _import(admin_user, consent_file(("", "")))
    assert job.counts["unchanged"] == 1
    household = Household.objects.get(code="KK00001")
    assert household.consent_given and household.consent_date == datetime.date(2024, 2, 15)
    assert household.consents.count() == 1


def test_a_list_that_says_no_records_a_withdrawal(admin_user):
    _import(admin_user, consent_file(("ใช่", "15/02/2567")))
    job = _import(admin_user, consent_file(("ไม่", "")))
    assert job.row_results[0][1] == "updated"
    household = Household.objects.get(code="KK00001")
    assert not household.consent_given and household.consent_date is None
    latest = household.consents.first()
    assert latest.decision == ConsentDecision.WITHDRAWN
    assert latest.method == ConsentMethod.AGENCY_LIST


def test_a_list_cannot_give_back_a_consent_withdrawn_on_record(admin_user):
    _import(admin_user, consent_file(("ใช่", "15/02/2567")))
    household = Household.objects.get(code="KK00001")
    consent_record(
        consent=Consent(
            household=household,
            decision=ConsentDecision.WITHDRAWN,
            decided_on=datetime.date(2024, 6, 1),
            method=ConsentMethod.SIGNED_FORM,
        ),
        by=admin_user,
    )
    job = _import(admin_user, consent_file(("ใช่", "15/02/2567")))  # the office's old list
    assert job.row_results[0][1] == "unchanged"
    assert "ความยินยอมคงตามที่บันทึกไว้" in job.row_results[0][3]
    household.refresh_from_db()
    assert not household.consent_given
    assert household.consents.first().decision == ConsentDecision.WITHDRAWN
