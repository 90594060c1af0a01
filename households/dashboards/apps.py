from django.apps import AppConfig


class DashboardsConfig(AppConfig):
    """Dashboards: a package of the case file with its own templates and commands."""

    name = "households.dashboards"
    label = "households_dashboards"
    verbose_name = "ภาพรวม"
