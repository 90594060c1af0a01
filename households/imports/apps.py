from django.apps import AppConfig


class ImportsConfig(AppConfig):
    """Importing and exporting lists:
    a package of the case file with its own templates and commands."""

    name = "households.imports"
    label = "households_imports"
    verbose_name = "นำเข้าข้อมูล"
