"""Who may open what (issue 7): every cell of docs/permissions.md, run as a request.

Each matrix row is a URL name and a method; each column a role, in or out of its scope. The
test logs the column's user in, points the URL at the column's object, sends the row's request
(a POST carries the valid form of tests/security/matrix.ACTIONS, so a refusal is about the user,
not the data) and compares the answer with the cell. A refused request must write nothing; an
allowed action must make its write. Another test walks every URL pattern of the project and
fails, naming it, when the file has no row for it.

The world of the file is built once for this module; every test runs in a savepoint of it.
"""

from urllib.parse import urlsplit

import pytest
from django.contrib.auth.views import redirect_to_login
from django.urls import resolve, reverse

from tests.security import matrix as m

pytestmark = pytest.mark.django_db

ROWS = m.matrix()
ROW_BY_KEY = {row.key: row for row in ROWS}
TARGETS = m.targets()


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """docs/permissions.md's people and households, built once for the module."""
    with m.world_for_module(django_db_blocker) as world:
        yield world


@pytest.fixture(autouse=True)
def import_settings(settings):
    """Imports run at once and write their progress through the test's own connection."""
    settings.TASKS = m.IMMEDIATE_TASKS
    settings.KUSEAW_IMPORT_PROGRESS_DATABASE = "default"


def _id(*parts: str) -> str:
    return "-".join(parts).replace(": ", "-").replace(" ", "-")


# Without an object in the URL, "out of scope" is the same request as "in scope".
SAME_REQUEST = {
    "official: other": "official: own",
    "coordinator: out": "coordinator: in",
    "district: out": "district: in",
}


def matrix_params():
    for row in ROWS:
        if row.name.endswith(":" + m.WILDCARD):
            continue
        for column in m.COLUMNS:
            twin = SAME_REQUEST.get(column)
            no_object = row.target not in TARGETS
            if twin and no_object and row.expected[column] == row.expected[twin]:
                continue  # its twin's test sends the very same request
            yield pytest.param(row, column, id=_id(row.name, row.method, column))


def edge_params():
    for case in m.edge_cases():
        yield pytest.param(case, id=_id(case.name, case.method, case.column, case.household))


def request_as(client, world, row, column, household, expected):
    """Send the row's request as the column's user, check the answer; nothing is written
    unless the cell says the action was made, and then its write is there."""
    user = world.user_for(column)
    if user is not None:
        client.force_login(user)
    args, kwargs = m.url_args(world, row.target, household)
    url = reverse(row.name, args=args, kwargs=kwargs)
    case = world.cases.get(household)
    action = m.ACTIONS.get(row.name)
    before = m.snapshot()

    if row.method == "GET":
        response = client.get(url)
    else:
        response = client.post(url, action.data(world, case) if action else {})

    assert_answer(response, expected, url)
    writes = row.method == "POST" and expected.startswith("302 →") and action and action.done
    if writes:
        assert action.done(world, case), f"{row.name}: answered {expected} but wrote nothing"
    else:
        assert m.snapshot() == before, f"{row.name}: {response.status_code} yet wrote something"
    if expected == "200" and response.context and "household" in response.context and case:
        assert response.context["household"] == case.household


def assert_answer(response, expected, url):
    why = _why(response)
    if expected == "302 login":
        assert response.status_code == 302, why
        assert response.url == redirect_to_login(url).url
    elif expected.startswith("302 → "):
        assert response.status_code == 302, why
        target = resolve(urlsplit(response.url).path).view_name
        assert target == expected.removeprefix("302 → "), response.url
    else:
        assert response.status_code == int(expected), why


def _why(response) -> str:
    """What the page said, to tell a form error from a refusal when a cell fails."""
    form = response.context.get("form") if response.context else None
    if form is not None and form.errors:
        return f"{response.status_code}, form errors: {form.errors.as_text()}"
    return f"{response.status_code} {response.get('Location', '')}"


@pytest.mark.parametrize(("row", "column"), list(matrix_params()))
def test_permission_matrix(client, world, row, column):
    household = TARGETS[row.target][column] if row.target in TARGETS else None
    request_as(client, world, row, column, household, row.expected[column])


@pytest.mark.parametrize("case", list(edge_params()))
def test_edge_cases(client, world, case):
    row = ROW_BY_KEY[case.name, case.method]
    request_as(client, world, row, case.column, case.household, case.expected)


def admin_routes_without_arguments(column: str):
    """The admin URLs `admin:*` is run on for the column (see docs/permissions.md)."""
    own_rows = {row.name for row in ROWS}
    return [
        route
        for route in m.routes()
        if route.namespace == "admin"
        and not route.takes_arguments
        and route.name not in own_rows
        and (column != "admin" or route.name.endswith("_changelist"))
    ]


@pytest.mark.parametrize("column", m.COLUMNS, ids=[_id(c) for c in m.COLUMNS])
def test_every_other_admin_page(client, world, column):
    """`admin:*`: every other admin page, for each column."""
    expected = ROW_BY_KEY["admin:*", "GET"].expected[column]
    user = world.user_for(column)
    if user is not None:
        client.force_login(user)
    routes = admin_routes_without_arguments(column)
    assert len(routes) >= 10, "the walk found no admin pages"
    wrong = []
    for route in routes:
        url = reverse(route.name)
        response = client.get(url)
        try:
            assert_answer(response, expected, url)
        except AssertionError:
            wrong.append(f"{route.name} ({url}): {response.status_code}")
    assert wrong == [], f"admin pages that do not answer {expected}: {wrong}"


# -- the file covers every URL, and names only URLs that exist ------------------------------------


def test_every_url_of_the_project_has_a_get_and_a_post_row():
    covered = {row.key for row in ROWS}
    wildcards = {row.name.removesuffix(":" + m.WILDCARD) for row in ROWS if row.name.endswith("*")}
    missing = []
    for route in m.routes():
        if route.namespace in wildcards:
            continue
        lacking = [method for method in ("GET", "POST") if (route.name, method) not in covered]
        if lacking:
            missing.append(f"{route.name} ({route.route}): {' and '.join(lacking)}")
    assert missing == [], (
        "URLs with no row in docs/permissions.md (add one per method, for every role): "
        + "; ".join(missing)
    )


def test_every_row_names_a_url_that_exists():
    names = {route.name for route in m.routes()}
    stale = {row.name for row in ROWS if row.name not in names and not row.name.endswith("*")}
    stale |= {case.name for case in m.edge_cases() if case.name not in names}
    assert stale == set(), f"docs/permissions.md names URLs that do not exist: {stale}"


def test_every_object_in_a_url_points_somewhere_for_every_column():
    for row in ROWS:
        if row.target != "—" and "=" not in row.target:
            assert row.target in TARGETS, f"{row.name}: no line for {row.target!r} in the targets"
    for target, columns in TARGETS.items():
        for column, household in columns.items():
            assert household in {"H0", "H1", "H2", "H3", "J"}, (target, column, household)


def test_every_action_a_role_may_take_has_a_valid_form_to_send():
    """A POST row that some role may take needs a form in matrix.ACTIONS, unless the request
    is the action itself (log out) and answers with a redirect."""
    for row in ROWS:
        allowed = [c for c in row.expected.values() if c == "200" or c.startswith("302 →")]
        if row.method != "POST" or not allowed or row.name in m.ACTIONS:
            continue
        assert row.name in m.FORMLESS_ACTIONS, f"{row.name}: no valid form in matrix.ACTIONS"
        assert all(c.startswith("302 →") for c in allowed), row.name
