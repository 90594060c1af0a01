"""Workbooks crafted the way an attacker (or a careless export) would make them, for
tests/imports/test_crafted_workbooks.py and bench/import_workbooks.py.

Each starts from a real households workbook (three households, written by openpyxl, its
header in bold so that style 1 exists) and rewrites its sheet's XML:

- far_cell("XFD1048576"): one text cell at the sheet's last cell, the <dimension>
  claiming A1 to it (4.8 KB; python-calamine would allocate 512 GiB);
- padded(rows, width): below the data, `rows` rows of `width` empty formatted cells each
  (<c r="B7" s="1"/>, or with no r at all), and no <dimension>: what a careless
  «format the whole sheet» leaves; the sheet XML is streamed into the zip, never held.

`python -m tests.imports.crafted upload FILE ADMIN_ID MEMORY_MB` is the child process
the tests run: it limits its own address space (RLIMIT_AS) to MEMORY_MB, uploads FILE to
the import page as that admin through Django's test client, confirms the column mapping
step as proposed when the page asks for it, and prints what the admin saw as JSON.
"""

import io
import random
import re
import zipfile

from openpyxl import Workbook
from openpyxl.styles import Font

from households.imports.files import column_letters

SHEET = "xl/worksheets/sheet1.xml"
_DIMENSION = re.compile(rb"<dimension\b[^>]*/>")


def base_workbook(households: int = 3) -> bytes:
    from tests.imports.conftest import HOUSEHOLD_HEADER, household_row

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "ครัวเรือน"
    sheet.append(HOUSEHOLD_HEADER)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for n in range(1, households + 1):
        sheet.append(household_row(n))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _rewrite(base: bytes, sheet_xml) -> bytes:
    """The workbook with its sheet's XML replaced by the chunks `sheet_xml(old)` yields."""
    out = io.BytesIO()
    target = zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=6)
    with zipfile.ZipFile(io.BytesIO(base)) as source, target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename != SHEET:
                target.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED)
                continue
            with target.open(SHEET, "w", force_zip64=True) as stream:
                for chunk in sheet_xml(data):
                    stream.write(chunk)
    return out.getvalue()


def far_cell(reference: str, base: bytes | None = None) -> bytes:
    """One text cell at `reference` (say XFD1048576), the dimension claiming A1 to it."""
    row = int(re.search(r"\d+", reference).group())

    def sheet_xml(xml: bytes):
        xml = _DIMENSION.sub(f'<dimension ref="A1:{reference}"/>'.encode(), xml)
        cell = f'<row r="{row}"><c r="{reference}" t="inlineStr"><is><t>x</t></is></c></row>'
        yield xml.replace(b"</sheetData>", cell.encode() + b"</sheetData>")

    return _rewrite(base or base_workbook(), sheet_xml)


def padded(
    rows: int, width: int, *, placed: bool = True, mixed: bool = False, base: bytes | None = None
) -> bytes:
    """`rows` rows of `width` empty formatted cells under the data, and no dimension.
    `mixed`: each cell in one of two styles at random (cells without r), so that the zip
    packs about a hundredfold instead of four hundredfold."""
    starts = [b'<c r="' + column_letters(n).encode() for n in range(1, width + 1)]
    pool = []
    if mixed:
        draw = random.Random(14)  # the same file every time
        for _ in range(64):  # 64 rows of 10 KB: repeats fall outside deflate's 32 KB window
            pool.append(b"".join(b'<c s="%d"/>' % draw.randint(0, 1) for _ in range(width)))

    def sheet_xml(xml: bytes):
        head, tail = _DIMENSION.sub(b"", xml).split(b"</sheetData>")
        yield head
        first = head.count(b"<row ") + 1
        for number in range(first, first + rows):
            r = str(number).encode()
            if mixed:
                cells = pool[number % len(pool)]
            elif placed:
                end = r + b'" s="1"/>'
                cells = end.join(starts) + end
            else:
                cells = b'<c s="1"/>' * width
            yield b'<row r="' + r + b'">' + cells + b"</row>"
        yield b"</sheetData>" + tail

    return _rewrite(base or base_workbook(), sheet_xml)


def edited(change, base: bytes | None = None) -> bytes:
    """The workbook with `change(sheet_xml) -> sheet_xml` applied to its sheet."""
    return _rewrite(base or base_workbook(), lambda xml: [change(xml)])


def unpacked_size(data: bytes) -> int:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return sum(info.file_size for info in archive.infolist())


def _upload_as_admin(path: str, admin_id: int) -> dict:
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django.urls import reverse

    from households.models import Household, ImportJob, ImportStatus
    from tests.imports.conftest import map_as_proposed

    setup_test_environment()  # the client's host, and the pages' context for the form
    client = Client()
    client.force_login(get_user_model().objects.get(pk=admin_id))
    with open(path, "rb") as file:
        upload = SimpleUploadedFile(path.rpartition("/")[2], file.read())
    response = client.post(reverse("imports:upload"), {"kind": "households", "file": upload})
    codes = [response.status_code]
    job = ImportJob.objects.latest("pk")
    if job.status == ImportStatus.MAPPING:
        response = map_as_proposed(client, job)
        codes.append(response.status_code)
    page = client.get(reverse("imports:job", args=[job.pk]))
    codes.append(page.status_code)
    job.refresh_from_db()
    return {
        "codes": codes,
        "page": page.content.decode(),
        "status": job.status,
        "message": job.message,
        "in_background": bool(job.task_id),
        "new": job.counts.get("new", 0),
        "file_kept": job.file_data is not None,
        "households": Household.objects.count(),
    }


if __name__ == "__main__":
    import json
    import resource
    import sys

    _, command, path, admin_id, memory_mb = sys.argv
    assert command == "upload"
    limit = int(memory_mb) * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    outcome = _upload_as_admin(path, int(admin_id))
    outcome["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    print(json.dumps(outcome))
