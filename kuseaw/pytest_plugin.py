"""The test run's environment, set before Django reads its settings.

Loaded with `-p kuseaw.pytest_plugin` (pyproject.toml), so it runs before
pytest-django imports kuseaw.settings. Values already in the environment win:
CI passes DATABASE_URL, a developer may pass anything else.
"""

import os

os.environ.setdefault("SECRET_KEY", "kuseaw-test-run-only-not-a-secret")
os.environ.setdefault("KUSEAW_HTTPS", "0")
# Tests do not run collectstatic: serve and resolve static files from static/.
os.environ.setdefault("KUSEAW_STATIC_MANIFEST", "0")
# Playwright's sync API runs an event loop in the test's thread; the browser tests' ORM
# calls (factories, counts) are still plain synchronous code, which Django would refuse.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_report_header(config):
    """Say which PostgreSQL server the tests run on (CI must show it is DATABASE_URL's)."""
    import psycopg2
    from django.conf import settings

    db = settings.DATABASES["default"]
    source = "embedded PostgreSQL" if settings.USING_EMBEDDED_POSTGRES else "DATABASE_URL"
    # A plain connection to the maintenance database: pytest-django blocks Django's own
    # until the tests start, and the test database does not exist yet.
    try:
        conn = psycopg2.connect(
            dbname="postgres",
            user=db["USER"],
            password=db["PASSWORD"] or None,
            host=db["HOST"] or None,
            port=db["PORT"] or None,
        )
        with conn, conn.cursor() as cursor:
            cursor.execute("SHOW server_version")
            version = cursor.fetchone()[0]
        conn.close()
    except psycopg2.Error as exc:
        version = f"(version unknown: {exc})"
    where = f"{db['HOST']}:{db['PORT']}" if db.get("PORT") else db["HOST"]
    return f"database: PostgreSQL {version} at {where} ({source}); tests use a test_ database there"
