from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo data: a package of the case file with its own templates and commands."""

    name = "households.demo"
    label = "households_demo"
    verbose_name = "ข้อมูลสาธิต"
