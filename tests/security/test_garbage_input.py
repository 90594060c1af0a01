"""Garbage in, never a 500 (issue 7): random and hostile input to every form, upload and
query string of the app.

The forms are found from docs/permissions.md: every POST row some role may send (the walk in
test_permission_matrix.py makes sure every URL has one). Each is posted by a user who may,
with garbage in every field at once and, via hypothesis, in one field while the others stay
valid. The answer may be the form again, a refusal or a redirect, never a server error; and
where the answer is not a redirect after a write, nothing was written. Uploads get files that
are not what their names say. Every page a role may open gets garbage in its query string.
"""

import io
import zipfile
from urllib.parse import urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import resolve, reverse
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from households.models import ImportJob
from tests.html_checks import parse
from tests.imports.conftest import HOUSEHOLD_HEADER
from tests.security import matrix as m

pytestmark = pytest.mark.django_db

ROWS = m.matrix()
TARGETS = m.targets()

# Text that has broken web apps: lengths, NUL bytes, numbers out of range, impossible dates,
# other scripts, markup, ids that are not ids.
GARBAGE = [
    "",
    " ",
    "x" * 100_000,
    "ก" * 5_000,
    "ภาษาไทย ๑๒๓ ก.พ.",
    "\x00",
    "abc\x00def",
    "-1",
    "-99999999999999999999",
    "9" * 400,
    "²",
    "1e309",
    "NaN",
    "-Infinity",
    "31/02/2564",
    "๓๑/๐๒/๒๕๖๔",
    "00/00/0000",
    "2567-13-45",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "../../etc/passwd",
    "\u202e\ufeff\u200b💩",
    "\r\n\t",
    str(2**63),
    "999999999999999999:999999999999999999",
]
# Values short enough to stand for one field while the others stay valid.
garbage_values = st.one_of(
    st.sampled_from(GARBAGE),
    st.text(max_size=50),
    st.integers().map(str),
    st.lists(st.sampled_from(GARBAGE[:12]), min_size=2, max_size=3),
)
ONE_FIELD = hypothesis_settings(
    max_examples=15,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with m.world_for_module(django_db_blocker) as world:
        yield world


@pytest.fixture(autouse=True)
def import_settings(settings):
    settings.TASKS = m.IMMEDIATE_TASKS
    settings.KUSEAW_IMPORT_PROGRESS_DATABASE = "default"


def _allowed(cell: str) -> bool:
    return cell == "200" or cell.startswith("302 →")


# A button with no fields: posted (empty, and with garbage) by the every-field test only.
BUTTONS = {"imports:confirm"}


def form_rows(*, with_fields=False):
    """(row, column): every POST action with a form, sent by the first column whose GET page
    shows that form (or, for a POST-only URL, who may send it)."""
    get_rows = {row.name: row for row in ROWS if row.method == "GET"}
    for row in ROWS:
        if row.method != "POST" or row.name not in m.ACTIONS:
            continue
        if with_fields and row.name in BUTTONS:
            continue
        shown = get_rows.get(row.name)
        columns = [c for c in m.COLUMNS if shown and shown.expected[c] == "200"]
        columns = columns or [c for c in m.COLUMNS if _allowed(row.expected[c])]
        if columns:
            yield pytest.param(row, columns[0], id=f"{row.name}-{columns[0]}".replace(" ", "-"))


def page_rows():
    """(row, column): every page some column may open, opened by the first such column."""
    for row in ROWS:
        columns = [c for c in m.COLUMNS if row.expected[c] == "200"]
        if row.method == "GET" and columns and not row.name.endswith("*"):
            yield pytest.param(row, columns[0], id=f"{row.name}-{columns[0]}".replace(" ", "-"))


class Poster:
    """Sends requests as one column to one URL, each in a savepoint rolled back afterwards,
    and checks the answer."""

    def __init__(self, client, world, row, column):
        self.client, self.world, self.row = client, world, row
        user = world.user_for(column)
        if user is not None:
            client.force_login(user)
        household = TARGETS[row.target][column] if row.target in TARGETS else None
        args, kwargs = m.url_args(world, row.target, household)
        self.url = reverse(row.name, args=args, kwargs=kwargs)
        self.case = world.cases.get(household)

    def valid(self) -> dict:
        return m.ACTIONS[self.row.name].data(self.world, self.case)

    def fields(self) -> list[str]:
        """The form's field names: those of the valid POST and those on its page."""
        names = list(self.valid())
        page = self.client.get(self.url)
        if page.status_code == 200 and page["Content-Type"].startswith("text/html"):
            for _, attrs in parse(page.content.decode()).controls:
                name = attrs.get("name")
                if name and name not in names and name != "csrfmiddlewaretoken":
                    names.append(name)
        return names

    def post(self, data, what: str):
        with transaction.atomic():
            before = m.snapshot()
            response = self.client.post(self.url, data)
            assert response.status_code < 500, f"{self.row.name} with {what}: {response}"
            if not self.wrote_on_purpose(response):
                assert m.snapshot() == before, f"{self.row.name} with {what}: refused, yet wrote"
            transaction.set_rollback(True)
        return response

    def wrote_on_purpose(self, response) -> bool:
        """A redirect to where a successful write goes (the matrix's `302 →` for this row)."""
        if response.status_code != 302:
            return False
        target = resolve(urlsplit(response.url).path).view_name
        return any(cell == f"302 → {target}" for cell in self.row.expected.values())


def shorten(value) -> str:
    text = repr(value)
    return text if len(text) < 60 else text[:57] + "…"


@pytest.mark.parametrize(("row", "column"), list(form_rows()))
def test_garbage_in_every_field_is_never_a_server_error(client, world, row, column):
    poster = Poster(client, world, row, column)
    fields = poster.fields()
    for value in GARBAGE:
        poster.post(dict.fromkeys(fields, value), f"{shorten(value)} in every field")
    poster.post({name: GARBAGE[:6] for name in fields}, "lists in every field")
    poster.post({}, "nothing")


@pytest.mark.parametrize(("row", "column"), list(form_rows(with_fields=True)))
def test_garbage_in_one_field_is_never_a_server_error(client, world, row, column):
    poster = Poster(client, world, row, column)
    fields = poster.fields()

    @ONE_FIELD
    @given(field=st.sampled_from(fields), value=garbage_values)
    def one_field(field, value):
        data = poster.valid()
        data[field] = value
        poster.post(data, f"{shorten(value)} in {field}")

    one_field()


# -- uploads ------------------------------------------------------------------------------------


def _zip(name: str, content: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(name, content)
    return out.getvalue()


def _csv(*rows: list) -> bytes:
    return "\n".join(",".join(str(v) for v in row) for row in rows).encode("utf-8")


NASTY_ROW = [
    "\x00KK1",
    "นาย\x00สมชาย ใจดี",
    "1" * 40,
    "31/02/2564",
    "ไม่ระบุ",
    "9" * 400,
    "=cmd|' /C calc'!A0",
    "-5",
    "\x00",
    "อ." + "ก" * 300,
    "99",
    "1e309",
]
FILES = {
    "random bytes named .xlsx": ("households.xlsx", bytes(range(256)) * 40),
    "random bytes named .csv": ("households.csv", bytes(range(255, -1, -1)) * 40),
    "invalid UTF-8 csv": ("households.csv", b"\xff\xfe\xfa\xc3\x28" * 200),
    "csv with NUL bytes": ("households.csv", b"a\x00b,c\x00\n" * 50),
    "empty .xlsx": ("households.xlsx", b""),
    "empty .csv": ("households.csv", b""),
    "a zip that is not a workbook": ("households.xlsx", _zip("x.txt", b"hello")),
    "a zip bomb-ish sheet": ("households.xlsx", _zip("xl/workbook.xml", b"<" * 200_000)),
    "header only": ("households.csv", _csv(HOUSEHOLD_HEADER)),
    "garbage cells": ("households.csv", _csv(HOUSEHOLD_HEADER, NASTY_ROW, NASTY_ROW)),
    "a thousand columns": ("households.csv", _csv(["ก"] * 1000, ["x"] * 1000)),
    "a .txt": ("households.txt", b"hello"),
    "a name with a path and NUL": ("../../\x00etc.csv", b"a,b\n1,2\n"),
    "a very long Thai name": ("ก" * 300 + ".csv", b"a,b\n1,2\n"),
}


def upload_params():
    for what in FILES:
        yield pytest.param(what, "households", id=f"{what}-households")
    for kind in ("officials", "pairings", "\x00", "x" * 1000):
        for what in ("garbage cells", "random bytes named .xlsx"):
            yield pytest.param(what, kind, id=f"{what}-{kind[:10]!r}")


@pytest.mark.parametrize(("what", "kind"), list(upload_params()))
def test_an_upload_that_is_not_what_it_says_is_never_a_server_error(client, world, what, kind):
    """Upload, then open what the upload led to (the preview, its errors file) and try to
    confirm it: every step answers in Thai or refuses, never with a 500."""
    client.force_login(world.users["admin"])
    name, content = FILES[what]
    members = SimpleUploadedFile("members.csv", b"\xff\x00" * 10)
    before = m.snapshot()
    jobs = ImportJob.objects.count()
    response = client.post(
        reverse("imports:upload"),
        {"kind": kind, "file": SimpleUploadedFile(name, content), "members_file": members},
    )
    assert response.status_code in (302, 400), response
    if ImportJob.objects.count() == jobs:
        assert m.snapshot() == before
        return
    job = ImportJob.objects.latest("pk")
    for page in ("imports:job", "imports:errors", "imports:progress"):
        assert client.get(reverse(page, args=[job.pk])).status_code == 200, page
    assert client.get(reverse("imports:job", args=[job.pk]), {"status": "-1"}).status_code == 200
    # A NUL in a query string is refused before any view (kuseaw.security).
    assert client.get(reverse("imports:job", args=[job.pk]), {"status": "\x00"}).status_code == 400
    assert client.post(reverse("imports:confirm", args=[job.pk])).status_code == 302


# -- query strings --------------------------------------------------------------------------------

QUERY_NAMES = ("page", "status", "q", "district", "subdistrict", "poverty_level", "level")
QUERY_NAMES += ("need", "agency", "with_room", "next", "kind", "o", "p", "year", "month")
QUERY_GARBAGE = ["\x00", "x" * 5_000, "-1", "9" * 400, "31/02/2564", "' OR 1=1 --", "²"]


@pytest.mark.parametrize(("row", "column"), list(page_rows()))
def test_garbage_in_the_query_string_is_never_a_server_error(client, world, row, column):
    poster = Poster(client, world, row, column)
    page = client.get(poster.url)
    names = list(QUERY_NAMES)
    if page["Content-Type"].startswith("text/html"):
        names += [a["name"] for _, a in parse(page.content.decode()).controls if a.get("name")]
    for value in QUERY_GARBAGE:
        response = client.get(poster.url, dict.fromkeys(names, value))
        assert response.status_code < 500, f"{row.name}?…={shorten(value)}: {response}"
    response = client.get(poster.url, {name: QUERY_GARBAGE[:3] for name in names})
    assert response.status_code < 500, f"{row.name} with lists: {response}"


# -- the Django admin -------------------------------------------------------------------------

# NUL in the admin's search is refused by kuseaw.security.RejectNulInQueryMiddleware (a 400,
# tested in test_request_limits.py); the autocomplete pickers get the same garbage as typed
# fields (a forged id: kuseaw.admin_autocomplete).
ADMIN_GARBAGE = ["x" * 5_000, "-1", "9" * 400, "31/02/2564", "๓๑/๐๒/๒๕๖๔", "²", "", "\x00"]


def admin_pages(suffix: str) -> list[str]:
    return [
        route.name
        for route in m.routes()
        if route.namespace == "admin" and route.name.endswith(suffix) and not route.takes_arguments
    ]


def form_fields(html: str) -> set[str]:
    """Every field of an admin form, the autocomplete pickers included."""
    names = {attrs["name"] for _, attrs in parse(html).controls if attrs.get("name")}
    return names - {"csrfmiddlewaretoken"}


@pytest.mark.parametrize("name", admin_pages("_add"))
def test_garbage_in_an_admin_form_is_never_a_server_error(client, world, name):
    client.force_login(world.users["admin"])
    url = reverse(name)
    page = client.get(url)
    if page.status_code == 403:  # a model kept read-only: nothing to post
        assert client.post(url, {}).status_code == 403
        return
    assert page.status_code == 200
    fields = form_fields(page.content.decode())
    for value in ADMIN_GARBAGE:
        with transaction.atomic():
            before = m.snapshot()
            response = client.post(url, dict.fromkeys(fields, value))
            assert response.status_code < 500, f"{name} with {shorten(value)}: {response}"
            if response.status_code != 302:
                assert m.snapshot() == before, f"{name} with {shorten(value)}: wrote"
            transaction.set_rollback(True)


@pytest.mark.parametrize("name", admin_pages("_changelist"))
def test_garbage_in_an_admin_list_query_is_never_a_server_error(client, world, name):
    client.force_login(world.users["admin"])
    url = reverse(name)
    searches = [{"q": value} for value in ADMIN_GARBAGE]
    # An invalid page or filter sends the admin back to the list (?e=1): one name at a time.
    others = [{name: v} for name in ("o", "p", "status") for v in ("-1", "9" * 400, "²")]
    for params in searches + others:
        response = client.get(url, params)
        assert response.status_code < 500, f"{name} with {params!r:.60}: {response}"
