from django.apps import AppConfig


class OfficialsConfig(AppConfig):
    name = "officials"
    verbose_name = "เจ้าหน้าที่และการจับคู่"
