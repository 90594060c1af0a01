from django.apps import AppConfig


class KuseawConfig(AppConfig):
    name = "kuseaw"
    verbose_name = "คู่เสี่ยว"

    def ready(self):
        from kuseaw import checks  # noqa: F401 - registers the system checks
