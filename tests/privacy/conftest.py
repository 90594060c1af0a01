"""Helpers for the privacy tests: reading history events and page text."""

import re

import pytest
from pghistory.models import Events

from tests.html_checks import assert_page_ok


def events_of(model, pk, label: str) -> list:
    """The history events of one row (existing or deleted) with this label, oldest first."""
    event_model = model.pgh_event_models[label]
    return list(
        event_model.objects.filter(pgh_obj_id=pk, pgh_label=label)
        .select_related("pgh_context")
        .order_by("pgh_id")
    )


def who(event):
    """The user id pghistory attached to the event (the request's, the command's or None)."""
    return (event.pgh_context.metadata if event.pgh_context else {}).get("user")


def diffs_of(model, pk) -> list[dict]:
    """What each update of the row changed: {field: [old, new]}, oldest first."""
    return [
        e.pgh_diff
        for e in Events.objects.tracks(model(pk=pk))
        .filter(pgh_label="update")
        .order_by("pgh_created_at", "pgh_id")
    ]


def text_of(html: str) -> str:
    """The page's text with tags dropped and spaces collapsed, for phrases across tags."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def page_of(response) -> str:
    assert response.status_code == 200, response.status_code
    html = response.content.decode()
    assert_page_ok(html)
    return html


@pytest.fixture
def as_user(client):
    def log_in(user):
        client.force_login(getattr(user, "user", user))
        return client

    return log_in
