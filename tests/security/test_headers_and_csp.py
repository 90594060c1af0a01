"""The content security policy and the other security headers, on the app's pages and the admin;
and templates that keep to the policy (no inline script, handler or style attribute)."""

import re
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings

from tests import factories as f

# This project's templates: templates/ and each of its own apps' (not installed packages').
TEMPLATE_DIRS = [Path(settings.BASE_DIR) / "templates"] + [
    Path(app.path) / "templates"
    for app in apps.get_app_configs()
    if Path(app.path).parent == Path(settings.BASE_DIR)
]
TEMPLATE_FILES = sorted(path for folder in TEMPLATE_DIRS for path in folder.glob("**/*.html"))


def policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    directives = [part.strip().split() for part in header.split(";") if part.strip()]
    return {name: values for name, *values in directives}


@pytest.fixture
def pages(client, official_a, admin_user):
    """(name, response) for a few pages of each kind, as their users get them."""
    household = f.PairingFactory(official=official_a).household
    responses = [("login", client.get("/login/"))]
    client.force_login(official_a.user)
    responses += [
        ("my households", client.get("/households/mine/")),
        ("case page", client.get(f"/households/{household.pk}/")),
        ("password change", client.get("/password/")),
        ("not found", client.get("/households/999999/")),
    ]
    client.force_login(admin_user)
    responses += [
        ("admin index", client.get("/admin/")),
        ("admin changelist", client.get("/admin/households/household/")),
        ("admin change form", client.get(f"/admin/households/household/{household.pk}/change/")),
        ("import page", client.get("/imports/")),
    ]
    return responses


def test_every_page_has_a_policy_without_inline_script(pages):
    for name, response in pages:
        assert response.status_code in (200, 404), name
        csp = policy(response)
        assert csp["default-src"] == ["'self'"], name
        assert csp["script-src"] == ["'self'"], name
        assert csp["style-src"] == ["'self'"], name
        # No inline handler or style attribute is allowed anywhere, not even by its hash.
        assert "script-src-attr" not in csp and "style-src-attr" not in csp, name
        assert csp["object-src"] == ["'none'"], name
        assert csp["frame-ancestors"] == ["'none'"], name
        assert csp["form-action"] == ["'self'"], name
        assert csp["base-uri"] == ["'self'"], name
        assert csp["img-src"] == ["'self'", "data:"], name
        header = response["Content-Security-Policy"]
        assert "unsafe-inline" not in header and "unsafe-eval" not in header, name
        assert "unsafe-hashes" not in header, name


def test_every_page_refuses_framing_and_sniffing(pages):
    for name, response in pages:
        assert response["X-Frame-Options"] == "DENY", name
        assert response["X-Content-Type-Options"] == "nosniff", name
        assert response["Referrer-Policy"] == "same-origin", name


def test_pages_carry_no_inline_script_handler_or_style(pages):
    for name, response in pages:
        html = response.content.decode()
        scripts = re.findall(r"<script\b[^>]*>", html)
        # Only files, or data for a script file to read (json_script, admin constants).
        for tag in scripts:
            assert "src=" in tag or 'type="application/json"' in tag, (name, tag)
        assert not re.search(r"<[^>]+\son[a-z]+\s*=", html), name
        assert not re.search(r"<[^>]+\sstyle\s*=", html), name
        assert "<style" not in html, name


def test_no_template_has_inline_script_handler_or_style():
    assert len(TEMPLATE_FILES) > 20
    offenders = []
    for path in TEMPLATE_FILES:
        text = path.read_text()
        for pattern in (
            r"<script\b(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>",
            r"<[^>]+\son[a-z]+\s*=",
            r"<[^>]+\sstyle\s*=",
            r"<style\b",
        ):
            for match in re.finditer(pattern, text):
                offenders.append(f"{path.relative_to(settings.BASE_DIR)}: {match.group(0)[:80]}")
    assert offenders == []


def test_static_files_get_the_headers_too(client, db):
    response = client.get("/static/css/kuseaw.css")

    assert response.status_code == 200
    assert response["X-Content-Type-Options"] == "nosniff"
