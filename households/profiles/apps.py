from django.apps import AppConfig


class ProfilesConfig(AppConfig):
    """The family profile as a PDF: a package of the case file with its own templates."""

    name = "households.profiles"
    label = "households_profiles"
    verbose_name = "แฟ้มครอบครัว"
