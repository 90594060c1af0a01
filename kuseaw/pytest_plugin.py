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
