from django.apps import AppConfig


class RemindersConfig(AppConfig):
    """Reminders by e-mail: the weekly digest of what each buddy has due (issue 15)."""

    name = "households.reminders"
    label = "households_reminders"
    verbose_name = "การแจ้งเตือนทางอีเมล"
