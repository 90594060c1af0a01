"""Households import speed (rows/s) next to this machine's ceilings, in the same run.

For each size (1,174 and 10,000 households by default; --large adds 100,000) it builds
an .xlsx of households, each row carrying its head, and times:

  parse    reading.read_table + streaming every row (the file alone, no checks)
  mapping  the column mapping step, as the import page runs it: the upload's reading of
           the headers (import_mapping_open), the mapping page's proposal with its sample
           values (import_mapping_proposal) and the confirmed mapping (import_mapping_set)
  preview  households.imports.services.import_preview with that mapping (parse + checks,
           nothing written)
  commit   import_apply (parse + re-check + write, one transaction, history triggers on)
  COPY     PostgreSQL COPY of the same households and heads into tables shaped like
           ours (no triggers, no checks): the database's own ceiling

and prints rows/s (the median of --repeat runs, 3 by default; one at 100,000) and the
ratios to parse and to COPY. It runs on a throwaway database
(bench_kuseaw_imports, created and dropped here), never on the demo data. From the root:

    .venv/bin/python bench/import_households.py [--sizes 1174 10000] [--large]

Results are appended to bench/results/import_households.jsonl (git-ignored).
"""

import argparse
import csv
import io
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kuseaw.settings")
if not os.environ.get("DATABASE_URL"):
    os.environ.setdefault("DEBUG", "1")  # as manage.py does on the embedded server

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection, connections, transaction  # noqa: E402
from openpyxl import Workbook  # noqa: E402

from households.imports import reading, services  # noqa: E402
from households.imports.columns import HOUSEHOLD_COLUMNS  # noqa: E402
from households.models import ImportKind  # noqa: E402
from kuseaw.national_id import check_digit  # noqa: E402

BENCH_DATABASE = "bench_kuseaw_imports"
HEADER = [
    "รหัสครัวเรือน",
    "ชื่อ-สกุล",
    "เลขประจำตัวประชาชน",
    "วันเกิด",
    "เพศ",
    "โทรศัพท์",
    "บ้านเลขที่",
    "หมู่ที่",
    "ชื่อหมู่บ้าน",
    "ตำบล",
    "อำเภอ",
    "ระดับความยากจน",
    "สาเหตุ",
    "รายได้ครัวเรือนต่อปี",
    "วันที่เข้าโครงการ",
]
PLACES = [("ในเมือง", "เมืองขอนแก่น"), ("บ้านเป็ด", "เมืองขอนแก่น"), ("ในเมือง", "บ้านไผ่")]


def national_id(n: int) -> str:
    first_twelve = f"1{n:011d}"
    return first_twelve + str(check_digit(first_twelve))


def rows(count: int):
    for n in range(1, count + 1):
        subdistrict, district = PLACES[n % len(PLACES)]
        yield [
            f"B{n:07d}",
            f"นายสมชาย{n} ใจดี",
            national_id(n),
            f"{1 + n % 28:02d}/{1 + n % 12:02d}/25{10 + n % 30}",
            "ชาย",
            "0812345678",
            f"{n % 300 + 1}/{n % 7}",
            1 + n % 20,
            "โนนสว่าง",
            f"ต.{subdistrict}",
            f"อ.{district}",
            "อยู่ยาก",
            "ขาดโอกาส",
            30000 + n % 9000,
            "15/01/2567",
        ]


def build_xlsx(count: int) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("ครัวเรือน")
    sheet.append(HEADER)
    for row in rows(count):
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def timed(function, *args, **kwargs):
    started = time.perf_counter()
    result = function(*args, **kwargs)
    return time.perf_counter() - started, result


def parse_only(data: bytes) -> int:
    table = reading.read_table(
        io.BytesIO(data),
        filename="bench.xlsx",
        columns=HOUSEHOLD_COLUMNS,
        max_bytes=settings.KUSEAW_IMPORT_MAX_BYTES,
    )
    return sum(1 for _ in table.rows())


def copy_ceiling(count: int) -> float:
    """COPY the same households and heads into trigger-free copies of our tables."""
    households, members = io.StringIO(), io.StringIO()
    hh, mm = csv.writer(households), csv.writer(members)
    for n, row in enumerate(rows(count), start=1):
        hh.writerow(
            [n, row[0], row[6], row[7], row[8], "400101", row[5], "active", 2, 2, "lack"]
            + ["f"] * 5
            + [row[13], 0, 0, "", "2024-01-15", "f", "", "now", "now"]
        )
        mm.writerow(
            [n, n, "นาย", f"สมชาย{n}", "ใจดี", row[2], "1975-05-01", "m", "head", "t"]
            + ["", "", 0, row[5], "", "", "f", "", "now", ""]
        )
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE bench_household (LIKE households_household INCLUDING DEFAULTS)"
            " ON COMMIT DROP"
        )
        cursor.execute(
            "CREATE TEMP TABLE bench_member (LIKE households_member INCLUDING DEFAULTS)"
            " ON COMMIT DROP"
        )
        household_columns = (
            "id, code, house_no, village_no, village_name, subdistrict_id, phone, status,"
            " poverty_level, poverty_level_at_entry, cause, need_health, need_living,"
            " need_education, need_income, need_public_services, annual_income, debts,"
            " land_rai, livelihood_assets, joined_on, consent_given, consent_date,"
            " created_at, updated_at"
        )
        member_columns = (
            "id, household_id, title, first_name, last_name, national_id, birth_date, sex,"
            " relation, is_head, education, occupation, income, phone, disability,"
            " chronic_illness, has_welfare_card, left_on, updated_at, updated_by_id"
        )
        households.seek(0)
        members.seek(0)
        raw = cursor.cursor  # psycopg2's cursor
        started = time.perf_counter()
        raw.copy_expert(
            f"COPY bench_household ({household_columns}) FROM STDIN WITH (FORMAT csv,"
            " FORCE_NOT_NULL (livelihood_assets))",
            households,
        )
        raw.copy_expert(
            f"COPY bench_member ({member_columns}) FROM STDIN WITH (FORMAT csv,"
            " FORCE_NOT_NULL (education, occupation, disability, chronic_illness))",
            members,
        )
        return time.perf_counter() - started


def clear_imported() -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE households_member, households_household, households_memberevent,"
            " households_householdevent, households_importjob, pghistory_context CASCADE"
        )


def mapping_step(job):
    """What the import page does between the upload and the preview."""
    job = services.import_mapping_open(job=job)
    proposal = services.import_mapping_proposal(job)
    assert not proposal.problems, proposal.problems
    return services.import_mapping_set(job=job, mapping=proposal.mapping, valid_rows_only=False)


def once(data: bytes, count: int, user) -> dict:
    parse_s, parsed = timed(parse_only, data)
    assert parsed == count, parsed
    job = services.import_job_create(
        user=user, kind=ImportKind.HOUSEHOLDS, file_name="bench.xlsx", data=data
    )
    mapping_s, job = timed(mapping_step, job)
    preview_s, job = timed(services.import_preview, job=job)
    assert job.status == "previewed", (job.message, job.row_errors[:3])
    commit_s, job = timed(services.import_apply, job=job)
    assert job.counts["new"] == count, job.counts
    again = mapping_step(
        services.import_job_create(
            user=user, kind=ImportKind.HOUSEHOLDS, file_name="bench.xlsx", data=data
        )
    )
    reimport_s, again = timed(services.import_preview, job=again)
    assert again.counts["unchanged"] == count, again.counts
    copy_s = copy_ceiling(count)
    clear_imported()
    return {
        "parse_s": parse_s,
        "mapping_s": mapping_s,
        "preview_s": preview_s,
        "commit_s": commit_s,
        "reimport_preview_s": reimport_s,
        "copy_s": copy_s,
    }


def run(count: int, user, repeat: int) -> dict:
    """The median of `repeat` runs of each step (this machine's timings vary by ±20 %)."""
    data = build_xlsx(count)
    runs = [once(data, count, user) for _ in range(repeat)]
    result = {"households": count, "file_mb": round(len(data) / 1e6, 2), "runs": repeat}
    for key in runs[0]:
        result[key] = round(statistics.median(r[key] for r in runs), 3)
    for key in ("parse", "mapping", "preview", "commit", "reimport_preview", "copy"):
        result[f"{key}_rows_per_s"] = round(count / max(result[f"{key}_s"], 1e-6))
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1174, 10_000])
    parser.add_argument("--large", action="store_true", help="also 100,000 households (one run)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per size; the median is shown")
    args = parser.parse_args()
    sizes = args.sizes + ([100_000] if args.large else [])

    connection.settings_dict["TEST"].update(NAME=BENCH_DATABASE)
    original = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    # Progress goes through its own connection, to the same (bench) database.
    connections["progress"].close()
    connections["progress"].settings_dict["NAME"] = connection.settings_dict["NAME"]
    results = []
    try:
        user = get_user_model().objects.create_superuser("bench", password="x")
        print(f"households import benchmark on {BENCH_DATABASE} (PostgreSQL)")
        print(
            f"{'households':>10} {'parse/s':>9} {'preview/s':>10} {'commit/s':>9} "
            f"{'COPY/s':>9}  preview s  commit s  preview÷parse  commit÷COPY"
        )
        for count in sizes:
            r = run(count, user, 1 if count >= 100_000 else args.repeat)
            results.append(r)
            print(
                f"{count:>10,} {r['parse_rows_per_s']:>9,} {r['preview_rows_per_s']:>10,} "
                f"{r['commit_rows_per_s']:>9,} {r['copy_rows_per_s']:>9,}  "
                f"{r['preview_s']:>9.2f} {r['commit_s']:>9.2f}  "
                f"{r['preview_rows_per_s'] / r['parse_rows_per_s']:>13.2f}  "
                f"{r['commit_rows_per_s'] / r['copy_rows_per_s']:>11.3f}"
            )
            print(
                f"{'':>10} mapping step {r['mapping_s']:.2f} s · "
                f"re-import preview (all unchanged): {r['reimport_preview_s']:.2f} s"
            )
    finally:
        connections["progress"].close()
        connection.creation.destroy_test_db(original, verbosity=0)
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    with (out / "import_households.jsonl").open("a") as file:
        for r in results:
            file.write(json.dumps({"time": time.strftime("%Y-%m-%dT%H:%M:%S"), **r}) + "\n")


if __name__ == "__main__":
    main()
