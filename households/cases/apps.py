from django.apps import AppConfig


class CasesConfig(AppConfig):
    """Case plans: assessment rounds, problems and actions, graduation and follow-up. Part of
    the case file (its pages and the case page use it), with its own models and templates."""

    name = "households.cases"
    label = "households_cases"
    verbose_name = "แผนพัฒนาครัวเรือน"
