from django.apps import AppConfig


class PairingConfig(AppConfig):
    """Pairing officials with households:
    a package of the case file with its own templates and commands."""

    name = "households.pairing"
    label = "households_pairing"
    verbose_name = "การจับคู่คู่เสี่ยว"
