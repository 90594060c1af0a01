from django.conf import settings
from django.core import checks


@checks.register(deploy=True)
def embedded_postgres_in_production(app_configs, **kwargs):
    """`check --deploy` warns when production would run on the embedded demo server."""
    if getattr(settings, "USING_EMBEDDED_POSTGRES", False):
        return [
            checks.Warning(
                "DATABASE_URL is not set: the app is using the embedded PostgreSQL meant for the "
                "demo and tests.",
                hint="Set DATABASE_URL to the production PostgreSQL server.",
                id="kuseaw.W001",
            )
        ]
    return []
