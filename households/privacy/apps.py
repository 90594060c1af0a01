from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    """Personal data (PDPA): a package of the case file with its own templates and commands."""

    name = "households.privacy"
    label = "households_privacy"
    verbose_name = "ข้อมูลส่วนบุคคล"
