"""Checks every page test runs on the HTML it gets: unique ids and a label for each control."""

import re
from html.parser import HTMLParser


class PageParser(HTMLParser):
    """Collects what the accessibility checks need: ids, label targets and form controls."""

    def __init__(self):
        super().__init__()
        self.ids = []
        self.label_targets = set()
        self.controls = []
        self.urls = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids.append(attrs["id"])
        if tag == "label" and attrs.get("for"):
            self.label_targets.add(attrs["for"])
        if tag in ("input", "select", "textarea"):
            self.controls.append((tag, attrs))
        for name in ("href", "src", "action"):
            if attrs.get(name):
                self.urls.append(attrs[name])


def parse(html: str) -> PageParser:
    parser = PageParser()
    parser.feed(html)
    parser.close()
    return parser


# Inputs that need no <label>: hidden ones, and buttons named by their own value.
UNLABELLED_INPUT_TYPES = {"hidden", "submit", "button", "reset", "image"}


def unlabelled_controls(page: PageParser) -> list[str]:
    missing = []
    for tag, attrs in page.controls:
        if tag == "input" and attrs.get("type", "text") in UNLABELLED_INPUT_TYPES:
            continue
        if attrs.get("aria-label") or attrs.get("aria-labelledby"):
            continue
        if attrs.get("id") and attrs["id"] in page.label_targets:
            continue
        missing.append(f"<{tag} name={attrs.get('name')!r}>")
    return missing


def duplicate_ids(page: PageParser) -> list[str]:
    return sorted({i for i in page.ids if page.ids.count(i) > 1})


def assert_unique_ids(html: str) -> None:
    duplicates = duplicate_ids(parse(html))
    assert duplicates == [], f"ids used more than once: {duplicates}"


def assert_inputs_labelled(html: str) -> None:
    missing = unlabelled_controls(parse(html))
    assert missing == [], f"form controls without a label: {missing}"


def assert_page_ok(html: str) -> None:
    """Both checks at once: what every page test asks of the HTML it gets."""
    assert_unique_ids(html)
    assert_inputs_labelled(html)


def field_error(html: str, field: str) -> str:
    """The error text shown under one field of a form (crispy puts it in #id_<field>_error)."""
    match = re.search(rf'id="id_{field}_error"[^>]*>(.*?)</div>', html, re.S)
    assert match, f"no error shown for {field}"
    return " ".join(re.sub(r"<[^>]+>", " ", match.group(1)).split())
