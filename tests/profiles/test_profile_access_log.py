"""Every family profile downloaded is in the access log: one line per household in the PDF."""

import pytest
from django.urls import reverse

from households.models import AccessAction, AccessLog

pytestmark = pytest.mark.django_db


def lines():
    return list(AccessLog.objects.filter(action=AccessAction.PROFILE_DOWNLOADED).order_by("id"))


def test_a_download_is_one_line_naming_the_household_and_the_user(client, official_a, own):
    client.force_login(official_a.user)
    url = reverse("profiles:household", args=[own.pk])
    client.get(url)
    client.get(url)
    logged = lines()
    assert len(logged) == 2
    line = logged[0]
    assert (line.user, line.household_id, line.household_code) == (
        official_a.user,
        own.pk,
        own.code,
    )
    assert line.path == url
    assert line.description == "แฟ้มครอบครัว (PDF)"
    assert line.get_action_display() == "ดาวน์โหลดแฟ้มครอบครัว (PDF)"


def test_a_batch_is_one_line_per_household_naming_the_batch(
    client, district_staff, own, other, waiting
):
    client.force_login(district_staff)
    client.get(reverse("profiles:batch"), {"district": "4001"})
    logged = lines()
    assert {line.household_code for line in logged} == {own.code, waiting.code}
    assert all(line.user == district_staff for line in logged)
    assert {line.description for line in logged} == {"แฟ้มครอบครัว (PDF) ชุดอำเภอเมืองขอนแก่น 2 ครัวเรือน"}


def test_what_was_not_downloaded_is_not_logged(client, district_staff, other):
    client.force_login(district_staff)
    assert client.get(reverse("profiles:household", args=[other.pk])).status_code == 404
    assert client.get(reverse("profiles:batch"), {"district": "4010"}).status_code == 404
    assert client.get(reverse("profiles:batch"), {"district": "nope"}).status_code == 400
    assert lines() == []
