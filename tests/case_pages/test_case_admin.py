"""Admins keep the indicators and suggested actions in the Django admin."""

from django.urls import reverse

from households.cases.models import Indicator
from tests.case_pages.conftest import walk_round


def test_an_admin_rewords_an_indicator_but_not_its_code(client, admin_user):
    client.force_login(admin_user)
    indicator = Indicator.objects.get(code="L4")
    url = reverse("admin:households_cases_indicator_change", args=[indicator.pk])

    page = client.get(url)
    client.post(
        url,
        {
            "code": "ZZ",
            "dimension": "living",
            "text": "บ้านสะอาด ถูกสุขลักษณะ",
            "applies_to": "household",
            "how_measured": "yes/no",
            "order": "8",
            "is_active": "on",
        },
    )

    indicator.refresh_from_db()
    assert page.status_code == 200
    assert (indicator.code, indicator.text) == ("L4", "บ้านสะอาด ถูกสุขลักษณะ")


def test_an_indicator_that_was_asked_cannot_be_deleted(client, admin_user, buddy, household):
    walk_round(buddy, household)
    client.force_login(admin_user)
    asked = Indicator.objects.get(code="L1")

    response = client.get(reverse("admin:households_cases_indicator_delete", args=[asked.pk]))

    assert response.status_code == 403
    assert Indicator.objects.filter(code="L1").exists()
