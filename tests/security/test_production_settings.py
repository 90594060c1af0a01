"""Production settings: `check --deploy` is clean with the production environment (README,
.env.example), and the settings it gives are the hardened ones. Each test starts a fresh
Python with only that environment, as gunicorn would."""

import json
import os
import secrets
import subprocess
import sys

from django.conf import settings

PRODUCTION = {
    "DATABASE_URL": "postgres://kuseaw:not-used@db.example:5432/kuseaw",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "kuseaw.example.go.th",
    "CSRF_TRUSTED_ORIGINS": "https://kuseaw.example.go.th",
    "DEBUG": "0",
}


def production_env(**overrides) -> dict[str, str]:
    """This machine's environment without any of the app's variables, plus production's."""
    ours = {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "CSRF_TRUSTED_ORIGINS", "DATABASE_URL"}
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in ours and not name.startswith(("KUSEAW_", "SECURE_", "DJANGO_"))
    }
    return {**env, **PRODUCTION, **overrides}


def run(args, **overrides) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *args],
        cwd=settings.BASE_DIR,
        env=production_env(**overrides),
        capture_output=True,
        text=True,
        timeout=120,
    )


def deploy_check(**overrides) -> subprocess.CompletedProcess:
    return run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], **overrides)


def production_settings(**overrides) -> dict:
    script = (
        "import json, django; from django.conf import settings; django.setup(); "
        "names = " + repr(SETTINGS_SHOWN) + "; "
        "print(json.dumps({n: getattr(settings, n, None) for n in names}, default=str))"
    )
    done = run(["-c", script], DJANGO_SETTINGS_MODULE="kuseaw.settings", **overrides)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


SETTINGS_SHOWN = [
    "DEBUG",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "SESSION_COOKIE_HTTPONLY",
    "SESSION_COOKIE_AGE",
    "SESSION_SAVE_EVERY_REQUEST",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_PROXY_SSL_HEADER",
    "SECURE_CONTENT_TYPE_NOSNIFF",
    "X_FRAME_OPTIONS",
    "CONTENT_SECURITY_POLICY",
    "AXES_FAILURE_LIMIT",
    "AXES_COOLOFF_TIME",
    "KUSEAW_LOGIN_FAILURE_LIMIT_PER_ADDRESS",
    "KUSEAW_CLIENT_IP_HEADER",
    "DATA_UPLOAD_MAX_MEMORY_SIZE",
    "FILE_UPLOAD_MAX_MEMORY_SIZE",
    "KUSEAW_MAX_REQUEST_BYTES",
]


def test_check_deploy_is_clean_with_the_production_environment():
    done = deploy_check()

    assert done.returncode == 0, done.stdout + done.stderr
    assert "System check identified no issues" in done.stdout


def test_check_deploy_would_catch_plain_http():
    # The same check fails when the HTTPS settings are off: the test above can fail.
    done = deploy_check(KUSEAW_HTTPS="0")

    assert done.returncode != 0
    assert "security.W004" in done.stderr  # no HSTS
    assert "security.W012" in done.stderr  # session cookie not secure


def test_production_is_https_only_with_hsts_and_no_framing():
    values = production_settings()

    assert values["DEBUG"] is False
    assert values["SESSION_COOKIE_SECURE"] is True
    assert values["CSRF_COOKIE_SECURE"] is True
    assert values["SESSION_COOKIE_HTTPONLY"] is True
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["SECURE_HSTS_SECONDS"] >= 365 * 24 * 60 * 60
    assert values["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert values["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert values["SECURE_CONTENT_TYPE_NOSNIFF"] is True
    assert values["X_FRAME_OPTIONS"] == "DENY"
    directives = values["CONTENT_SECURITY_POLICY"]["DIRECTIVES"]
    assert directives["script-src"] == ["'self'"]
    assert directives["frame-ancestors"] == ["'none'"]


def test_production_login_session_and_upload_limits_come_from_the_environment():
    defaults = production_settings()
    tuned = production_settings(
        KUSEAW_SESSION_IDLE_MINUTES="15",
        KUSEAW_LOGIN_FAILURE_LIMIT="3",
        KUSEAW_LOGIN_FAILURE_LIMIT_PER_ADDRESS="50",
        KUSEAW_LOGIN_COOLOFF_MINUTES="60",
        KUSEAW_CLIENT_IP_HEADER="X-Real-IP",
        KUSEAW_IMPORT_MAX_BYTES=str(10 * 1024 * 1024),
    )

    assert defaults["SESSION_COOKIE_AGE"] == 30 * 60
    assert defaults["SESSION_SAVE_EVERY_REQUEST"] is True
    assert defaults["AXES_FAILURE_LIMIT"] == 5
    assert defaults["AXES_COOLOFF_TIME"] == "0:15:00"
    assert defaults["KUSEAW_CLIENT_IP_HEADER"] == ""
    assert defaults["DATA_UPLOAD_MAX_MEMORY_SIZE"] == 1024 * 1024
    assert tuned["SESSION_COOKIE_AGE"] == 15 * 60
    assert tuned["AXES_FAILURE_LIMIT"] == 3
    assert tuned["KUSEAW_LOGIN_FAILURE_LIMIT_PER_ADDRESS"] == 50
    assert tuned["AXES_COOLOFF_TIME"] == "1:00:00"
    assert tuned["KUSEAW_CLIENT_IP_HEADER"] == "X-Real-IP"
    assert tuned["FILE_UPLOAD_MAX_MEMORY_SIZE"] == 10 * 1024 * 1024
    assert tuned["KUSEAW_MAX_REQUEST_BYTES"] == 21 * 1024 * 1024


def test_a_bad_value_stops_the_app_from_starting():
    done = run(
        ["-c", "import django; django.setup()"],
        DJANGO_SETTINGS_MODULE="kuseaw.settings",
        KUSEAW_LOGIN_FAILURE_LIMIT="five",
    )

    assert done.returncode != 0
    assert "KUSEAW_LOGIN_FAILURE_LIMIT must be a whole number" in done.stderr
