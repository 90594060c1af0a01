"""The demo's partners of the other four sectors and their offers: the offers page of a
demo household's problem has something to suggest, and the demo can be made again."""

from agencies.models import Agency, Sector
from households.cases.models import Problem
from households.demo.builder import demo_data_delete
from households.demo.partners import PARTNER_PREFIX, PARTNERS
from households.referrals.matching import offers_for
from households.referrals.models import Offer
from officials.models import Official


def test_the_demo_has_partners_of_every_other_sector_with_open_offers(seeded, db):
    partners = Agency.objects.filter(code__startswith=PARTNER_PREFIX)
    assert partners.count() == len(PARTNERS)
    assert set(partners.values_list("sector", flat=True)) == set(Sector) - {Sector.GOVERNMENT}
    assert Offer.objects.open_on().filter(agency__in=partners).count() == sum(
        len(p["offers"]) for p in PARTNERS
    )


def test_demo_officials_income_problems_get_offers(seeded, db):
    buddy = Official.objects.get(user__username="demo-official")
    problems = Problem.objects.open().filter(
        household__pairings__official=buddy, household__pairings__ended_on__isnull=True
    )
    income = [p for p in problems if p.dimension == "income"]
    assert income, "demo-official's households have an open income problem"
    assert all(offers_for(problem) for problem in income)


def test_deleting_the_demo_removes_its_partners(seeded, db):
    counts = demo_data_delete()
    assert counts["partners"] == len(PARTNERS)
    assert not Agency.objects.filter(code__startswith=PARTNER_PREFIX).exists()
    assert Agency.objects.filter(sector=Sector.GOVERNMENT).exists()  # the reference list stays


def test_demo_partner_answers_the_referrals_of_its_inbox(seeded, db, client):
    from django.contrib.auth import get_user_model
    from django.urls import reverse

    from households.referrals.models import Referral, ReferralStatus

    partner = get_user_model().objects.get(username="demo-partner")
    inbox = Referral.objects.inbox_of(partner)
    assert sorted(inbox.values_list("status", flat=True)) == sorted(
        [ReferralStatus.SENT, ReferralStatus.ACCEPTED, ReferralStatus.DONE]
    )
    assert inbox.get(status=ReferralStatus.SENT).sent_by.username == "demo-official"
    client.force_login(partner)
    page = client.get(reverse("referrals:inbox")).content.decode()
    assert "รอตอบรับ (1)" in page and "รับเรื่องแล้ว กำลังดำเนินการ (1)" in page
