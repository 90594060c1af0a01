"""Response time of the family profile PDFs, next to a trivial Django view measured in the
same run.

It fills one district (เมืองขอนแก่น, 4001, by default) with --households households
(100 by default), bulk-created: four members each, a buddy, two complete rounds (the
latest with its five capitals and four unmet indicators), three problems with two actions
each, a year of monthly visits and four aid records. Then it requests each page through
Django's whole stack (middleware, sessions, the access log; no network) and prints the
median and 95th percentile:

  trivial           a view that answers "ok" to a logged-in user (the floor of this stack)
  one household     /profiles/<pk>.pdf, one household's profile
  district batch    /profiles/batch.pdf?district=4001, every household of the district

It REPLACES the households of that district in the database it runs on: give it its own, e.g.

    createdb -h 127.0.0.1 -U postgres kuseaw_bench_pdf
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kuseaw_bench_pdf \\
        .venv/bin/python bench/family_profile_pdf.py [--households 100] [--repeat 10]

It refuses a database whose name does not contain "bench". Results are appended to
bench/results/family_profile_pdf.jsonl (git-ignored).
"""

import argparse
import datetime as dt
import json
import os
import statistics
import sys
import time
import warnings
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kuseaw.settings")
# Production-like: DEBUG off (no query log, cached templates), plain HTTP, no static manifest.
os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("SECRET_KEY", "bench-only-not-a-secret")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")
os.environ.setdefault("KUSEAW_HTTPS", "0")
os.environ.setdefault("KUSEAW_STATIC_MANIFEST", "0")
os.environ.setdefault("KUSEAW_QUIET_DB", "1")

import django  # noqa: E402

django.setup()
warnings.filterwarnings("ignore", message="No directory at")  # no collectstatic needed here

from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.decorators import login_required  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.http import HttpResponse  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import include, path  # noqa: E402

from agencies.models import Agency, Subdistrict  # noqa: E402
from households.cases.models import (  # noqa: E402
    Action,
    ActionStatus,
    Answer,
    AnswerValue,
    Capital,
    CapitalKind,
    FollowUpCheck,
    Graduation,
    Indicator,
    OwnerKind,
    Problem,
    Round,
    RoundKind,
    RoundStatus,
)
from households.models import AidRecord, Cause, Household, Member, Visit  # noqa: E402
from kuseaw.national_id import check_digit  # noqa: E402
from officials.models import Official, Pairing  # noqa: E402
from officials.roles import GROUP_NAMES, Role  # noqa: E402

CODE_PREFIX = "PDFBENCH-"
USERNAME = "bench-province"


@login_required
def trivial(request):
    return HttpResponse("ok")


# The project's URLs and one more: the trivial view, behind the same middleware.
urlpatterns = [path("bench/trivial/", trivial), path("", include("kuseaw.urls"))]


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def national_id(n: int) -> str:
    first_twelve = f"5{n:011d}"
    return first_twelve + str(check_digit(first_twelve))


def _clear(district: str) -> None:
    households = Household.objects.filter(subdistrict__district_id=district)
    FollowUpCheck.objects.filter(graduation__household__in=households).delete()
    Graduation.objects.filter(household__in=households).delete()
    Pairing.objects.filter(household__in=households).delete()
    households.delete()
    Visit.objects.filter(official__user__username__startswith="bench-buddy-").delete()
    Official.objects.filter(user__username__startswith="bench-buddy-").delete()
    get_user_model().objects.filter(username__startswith="bench-buddy-").delete()


def seed(district: str, count: int) -> None:
    """`count` households in `district`, each with a whole case file (bulk-created)."""
    users = get_user_model().objects
    subdistricts = list(Subdistrict.objects.filter(district_id=district))
    agency = Agency.objects.order_by("code").first()
    indicators = {i.code: i for i in Indicator.objects.all()}
    unmet_codes = ["L1", "L2", "H2", "I3"]
    today = dt.date.today()
    with transaction.atomic():
        _clear(district)
        buddies = users.bulk_create(
            [
                users.model(username=f"bench-buddy-{i}", first_name=f"คู่เสี่ยว{i}", last_name="ทดสอบ")
                for i in range((count + 1) // 2)
            ]
        )
        officials = Official.objects.bulk_create(
            [Official(user=user, agency=agency, district_id=district) for user in buddies]
        )
        households = Household.objects.bulk_create(
            [
                Household(
                    code=f"{CODE_PREFIX}{i:05d}",
                    house_no=str(i + 1),
                    village_no=i % 12 + 1,
                    village_name="โนนสว่าง",
                    subdistrict=subdistricts[i % len(subdistricts)],
                    phone="081-234-5678",
                    cause=Cause.LACK_OF_OPPORTUNITY,
                    annual_income=Decimal("72000"),
                    joined_on=today - dt.timedelta(days=400),
                )
                for i in range(count)
            ]
        )
        Member.objects.bulk_create(
            [
                Member(
                    household=household,
                    title=title,
                    first_name=f"{name}{i}",
                    last_name="ศรีสุขใจ",
                    national_id=national_id(i * 4 + j),
                    birth_date=dt.date(1970 + 12 * j, 3, 1),
                    sex=sex,
                    relation=relation,
                    is_head=j == 0,
                    education="primary",
                    occupation="ทำนา",
                    income=Decimal("24000"),
                    chronic_illness="เบาหวาน" if j == 0 else "",
                )
                for i, household in enumerate(households)
                for j, (title, name, sex, relation) in enumerate(
                    [
                        ("นาง", "คำแพง", "f", "head"),
                        ("นาย", "บุญมี", "m", "spouse"),
                        ("นางสาว", "ปิ่นแก้ว", "f", "child"),
                        ("ด.ช.", "น้ำฝน", "m", "child"),
                    ]
                )
            ]
        )
        Pairing.objects.bulk_create(
            [
                Pairing(official=officials[i // 2], household=h, started_on=h.joined_on)
                for i, h in enumerate(households)
            ]
        )
        rounds = Round.objects.bulk_create(
            [
                Round(
                    household=household,
                    kind=kind,
                    assessed_on=today - dt.timedelta(days=days),
                    official=officials[i // 2],
                    status=RoundStatus.COMPLETE,
                    members=4,
                    annual_income=Decimal("96000"),
                    debts=Decimal("45000"),
                    threshold=38000,
                    suggested_level=2,
                    level=2,
                    steps_done=["figures"],
                )
                for i, household in enumerate(households)
                for kind, days in ((RoundKind.ENTRY, 380), (RoundKind.REVIEW, 200))
            ]
        )
        latest = rounds[1::2]
        Capital.objects.bulk_create(
            [
                Capital(
                    round=round_,
                    kind=kind,
                    score=3,
                    items="ที่นา 5 ไร่ บ่อน้ำ 1 บ่อ วัว 2 ตัว รถจักรยานยนต์ 1 คัน",
                    note="ต้องการแหล่งน้ำเพิ่มในหน้าแล้ง",
                )
                for round_ in latest
                for kind in CapitalKind.values
            ]
        )
        Answer.objects.bulk_create(
            [
                Answer(
                    round=round_,
                    indicator=indicators[code],
                    asked_text=indicators[code].text,
                    value=AnswerValue.NOT_MET,
                    note="พบจากการสำรวจ",
                )
                for round_ in latest
                for code in unmet_codes
            ]
        )
        problems = Problem.objects.bulk_create(
            [
                Problem(
                    household=round_.household,
                    dimension=indicators[code].dimension,
                    indicator=indicators[code],
                    title=indicators[code].text,
                    found_in=round_,
                    opened_on=round_.assessed_on,
                )
                for round_ in latest
                for code in unmet_codes[:3]
            ]
        )
        Action.objects.bulk_create(
            [
                Action(
                    problem=problem,
                    what=what,
                    owner_kind=OwnerKind.AGENCY,
                    agency=agency,
                    due_on=today + dt.timedelta(days=30),
                    status=ActionStatus.IN_PROGRESS,
                )
                for problem in problems
                for what in ("ประสานหน่วยงานเพื่อขอรับการช่วยเหลือ", "ติดตามผลกับครัวเรือน")
            ]
        )
        Visit.objects.bulk_create(
            [
                Visit(
                    household=household,
                    official=officials[i // 2],
                    visited_on=today - dt.timedelta(days=30 * month),
                    findings="ครอบครัวอยู่บ้านครบ ติดตามการซ่อมบ้านและการฝึกอาชีพ",
                )
                for i, household in enumerate(households)
                for month in range(12)
            ]
        )
        AidRecord.objects.bulk_create(
            [
                AidRecord(
                    household=household,
                    category="career",
                    title="พันธุ์ไก่ไข่ 20 ตัว",
                    agency=agency,
                    given_on=today - dt.timedelta(days=60 * k),
                    value=Decimal("3000"),
                )
                for household in households
                for k in range(4)
            ]
        )
    user, _ = users.get_or_create(username=USERNAME)
    user.groups.add(Group.objects.get(name=GROUP_NAMES[Role.PROVINCE]))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def measure(client, url: str, repeat: int) -> dict:
    for _ in range(2):  # warm up: connection, caches, fonts
        assert client.get(url).status_code == 200, url
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, url
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    return {
        "median_ms": round(statistics.median(times), 1),
        "p95_ms": round(percentile(times, 0.95), 1),
        "queries": len(queries),
        "bytes": len(response.content),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=100)
    parser.add_argument("--district", default="4001")
    parser.add_argument("--repeat", type=int, default=10)
    args = parser.parse_args()

    database = connection.settings_dict["NAME"]
    if "bench" not in database:
        sys.exit(f"refusing to replace the data of {database!r}: use a database named *bench*")
    print(f"family profile benchmark on {database!r}, {os.cpu_count()} CPUs")
    started = time.perf_counter()
    seed(args.district, args.households)
    print(f"  seeded {args.households} households in {time.perf_counter() - started:.1f} s")
    first = Household.objects.filter(code__startswith=CODE_PREFIX).order_by("code").first()
    pages = [
        ("trivial", "/bench/trivial/"),
        ("one household", f"/profiles/{first.pk}.pdf"),
        ("district batch", f"/profiles/batch.pdf?district={args.district}"),
    ]
    client = Client()
    client.force_login(get_user_model().objects.get(username=USERNAME))
    load = os.getloadavg()[0]
    results = []
    with override_settings(ROOT_URLCONF=__name__):
        for name, url in pages:
            row = measure(client, url, args.repeat)
            print(
                f"    {name:<15} median {row['median_ms']:8.1f} ms   p95 {row['p95_ms']:8.1f} ms"
                f"   {row['queries']:>3} queries   {row['bytes'] / 1024:7.0f} KiB"
            )
            results.append(
                {"households": args.households, "page": name, "url": url, "load": load, **row}
            )
    print(f"  (load average {load:.1f} when it started)")
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    with (out / "family_profile_pdf.jsonl").open("a", encoding="utf-8") as file:
        for row in results:
            file.write(json.dumps({"at": time.strftime("%Y-%m-%d %H:%M"), **row}) + "\n")


if __name__ == "__main__":
    main()
