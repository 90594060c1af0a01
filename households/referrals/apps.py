from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    """Partners' offers and the referral of a household's problems to them: part of the case
    file (the case page suggests the offers that fit a problem), with its own models."""

    name = "households.referrals"
    label = "households_referrals"
    verbose_name = "ข้อเสนอและการส่งต่อ"
