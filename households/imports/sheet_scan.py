"""What a workbook really holds, learned cheaply before python-calamine or openpyxl reads it.

Neither reader protects itself from a crafted file:

- calamine allocates the whole rectangle from A1 to the farthest cell holding a value: one
  cell at XFD1048576 asks for 512 GiB and aborts the process, one at ZZ200000 takes 5 GB;
- openpyxl parses every cell element in Python, empty or not (75 MB of empty formatted
  cells, 230 KB zipped, take 45 s), and for a sheet with no <dimension> it parses the
  whole sheet once more just to open the workbook;
- both believe the sizes the zip's directory claims.

So before either reads anything:

- check_package() inflates every part for real (whatever the directory says) and
  refuses a zip bomb, a part read whole that is far too big, an .xlsb or an .ods;
- scan_sheet() streams one sheet's XML once through regular expressions (C speed; Python
  runs only once per 1 MB and per cell holding a value) and gives its Extent: the last row
  and column holding a value. Empty formatted cells are skipped, so a sheet Excel padded to
  row 1,048,576 is trimmed to its data and only data truly beyond KUSEAW_IMPORT_MAX_ROWS /
  KUSEAW_IMPORT_MAX_COLUMNS is refused. A cell "holds a value" unless it is self-closing or
  closed at once, a superset of what either reader keeps, so the extent is an upper bound;
- sheet_rows_xml() hands openpyxl the sheet's rows only: its empty self-closing cells
  dropped, nothing before <sheetData> (a <cols> of a million entries) nor after
  </sheetData> (a million <mergeCell>s openpyxl would keep) passed on.

A sheet whose cells do not all say where they are (no r="B7"), or whose XML holds a
comment, CDATA, a DTD or a processing instruction, is "not placed": its extent is not
trusted, calamine never reads it, and openpyxl streams it with the limits checked row by
row (files.cut_to_limits), after a budget on its cell elements.
"""

import copy
import html
import io
import re
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass

from households.imports.files import CORRUPT_XLSX, NOT_A_TABLE, FileProblem, Limits, size_text

CHUNK = 1 << 20
# More parts than any workbook has (a 20 MB zip can list 300,000 tiny ones).
MAX_PARTS = 10_000
# Parts the readers load whole: the shared strings (every text of a 100,000-household
# sheet is about 12 MB), and the rest (styles, the workbook, relationships: kilobytes;
# Excel's 64,000 styles are about 10 MB).
MAX_SHARED_STRINGS_BYTES = 64 * 1024 * 1024
MAX_WHOLE_PART_BYTES = 16 * 1024 * 1024
# Bytes with no tag in them: one cell's text is at most 32,767 characters in Excel.
MAX_TAG_GAP = 4 * 1024 * 1024
# Cell elements openpyxl may parse in a sheet that is not placed (about 10 µs each).
MAX_UNPLACED_ELEMENTS = 4_000_000
# Parts read by neither reader, whose size only counts towards the whole.
_NEVER_READ = ("xl/media/", "xl/pivotCache/", "xl/embeddings/", "xl/printerSettings/")

_XLSB = "ไฟล์นี้เป็น Excel แบบไบนารี (.xlsb): เปิดใน Excel แล้ว «บันทึกเป็น» .xlsx ก่อนนำเข้า"
_ODS = "ไฟล์นี้เป็น OpenDocument (.ods): เปิดแล้ว «บันทึกเป็น» .xlsx หรือ CSV UTF-8 ก่อนนำเข้า"
_NOT_A_WORKBOOK = f"{NOT_A_TABLE}: เป็นไฟล์ zip ที่ไม่ใช่สมุดงาน Excel"
_RESAVE = "เปิดใน Excel แล้วบันทึกใหม่ก่อนนำเข้า"

# Attributes inside a tag: quoted values may hold ">" and "/" (never "<").
_ATTRS = rb"""([^>"'/]*+(?:(?:"[^"]*+"|'[^']*+'|/(?!>))[^>"'/]*+)*+)"""
_START_TAG = re.compile(rb"<([A-Za-z_][\w.-]*(?::[A-Za-z_][\w.-]*)?)\b" + _ATTRS + rb"(/?)>")
_DECLARATION = re.compile(rb"<\?xml\b[^>]*?\?>")
_ENCODING = re.compile(rb"""encoding\s*=\s*["']([^"']*)["']""")
_DIMENSION = re.compile(rb"""<(?:[\w.-]+:)?dimension\b[^>]*?\bref\s*=\s*["']([^"']{0,64})["']""")
_SHEET_DATA = re.compile(rb"<([\w.-]+:)?sheetData\b" + _ATTRS + rb"(/?)>")
_ATTRIBUTE = re.compile(rb"""([\w.:-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_SHEET = re.compile(rb"<(?:[\w.-]+:)?sheet\b" + _ATTRS + rb"/?>")
_RELATIONSHIP = re.compile(rb"<(?:[\w.-]+:)?Relationship\b" + _ATTRS + rb"/?>")
# Greedy from the end: the regex engine walks back to the last "<" + letter.
_LAST_START_TAG = re.compile(rb".*<[A-Za-z_]", re.DOTALL)
_PROLOGUE_SPACE = b"\xef\xbb\xbf \t\r\n"
_LETTERS = bytes(range(65, 91)) + bytes(range(97, 123))
_UTF8 = (b"utf-8", b"utf8", b"ascii", b"us-ascii")


# An attribute other than r, with its leading space.
_NOT_R = rb"""\s++(?!r\s*+=)[A-Za-z_][\w.:-]*+\s*+=\s*+(?:"[^"<]*+"|'[^'<]*+')"""
# A quoted value holding "<" (never in well-formed XML; text holding =" also matches):
# a "<c" inside it could be counted in place of the cell whose value it is.
_QUOTED_LT = re.compile(rb"""=\s*+(?:"[^"<]*+<|'[^'<]*+<)""")


def _cell_patterns(prefix: bytes):
    """For cells in this namespace prefix: one holding a value (not self-closing, not
    closed at once); one holding a value with exactly one r="B7" (its reference
    captured); and an empty self-closing one."""
    c = b"<" + re.escape(prefix) + b"c"
    valued = re.compile(c + rb"\b" + _ATTRS + rb">(?!\s*+</)")
    placed = re.compile(
        c
        + b"(?:"
        + _NOT_R
        + rb""")*+\s++r\s*+=\s*+["']([A-Za-z]++[0-9]++)["'](?:"""
        + _NOT_R
        + rb")*+\s*+>(?!\s*+</)"
    )
    empty = re.compile(c + rb"\b" + _ATTRS + rb"/>")
    return valued, placed, empty


# --- the package ---------------------------------------------------------------------


class _TooBig(Exception):
    pass


def inflate(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int) -> Iterator[bytes]:
    """A part's bytes as they really unpack, in chunks; _TooBig past `limit` bytes."""
    real = copy.copy(info)
    # Read to the end of the deflate stream, not to the size the directory claims (the CRC
    # is still checked at the end); one chunk past the limit, so that the limit is what
    # stops a larger part, not a CRC error at the claimed end.
    real.file_size = limit + CHUNK + 1
    total = 0
    try:
        with archive.open(real) as stream:
            while chunk := stream.read(CHUNK):
                total += len(chunk)
                if total > limit:
                    raise _TooBig
                yield chunk
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError, RuntimeError):
        # A broken stream, an unknown compression, a password.
        raise FileProblem(CORRUPT_XLSX) from None


def _part_limit(name: str) -> int | None:
    """The most a part read whole may unpack to (None: checked elsewhere or never read)."""
    if name.startswith("xl/worksheets/") and name.endswith(".xml"):
        return None  # scanned as a stream by scan_sheet
    if name.startswith(_NEVER_READ) or not name.endswith((".xml", ".rels", ".vml")):
        return None
    if name.endswith("sharedStrings.xml"):
        return MAX_SHARED_STRINGS_BYTES
    return MAX_WHOLE_PART_BYTES


def checked_archive(archive: zipfile.ZipFile) -> zipfile.ZipFile:
    """The zip of an .xlsx, refused when it has far too many parts, two parts of one name
    (each reader might pick a different one), or is an .xlsb, an .ods or no workbook."""
    infos = archive.infolist()
    if len(infos) > MAX_PARTS:
        raise FileProblem(f"ไฟล์มีส่วนประกอบ {len(infos):,} ส่วน มากผิดปกติ: {_RESAVE}")
    names = [info.filename for info in infos]
    if len(set(names)) != len(names):
        raise FileProblem(CORRUPT_XLSX)
    if "xl/workbook.xml" not in names:
        if "xl/workbook.bin" in names:
            raise FileProblem(_XLSB)
        if "content.xml" in names:
            raise FileProblem(_ODS)
        raise FileProblem(_NOT_A_WORKBOOK)
    return archive


def check_whole_parts(archive: zipfile.ZipFile) -> None:
    """Refuse a part the readers load whole (shared strings, styles…) that is far too big."""
    for info in archive.infolist():
        limit = _part_limit(info.filename)
        if limit is None:
            continue
        try:
            for _ in inflate(archive, info, limit):
                pass
        except _TooBig:
            raise FileProblem(
                f"ส่วน «{info.filename}» ของไฟล์ใหญ่ผิดปกติ (เกิน {size_text(limit)} เมื่อขยาย): {_RESAVE}"
            ) from None


def check_package(archive: zipfile.ZipFile, max_unpacked: int) -> dict[str, int]:
    """Every part's real unpacked size; FileProblem for a bomb (more than `max_unpacked`
    in all) or for a part read whole that is far too big."""
    check_whole_parts(archive)
    sizes: dict[str, int] = {}
    left = max_unpacked
    for info in archive.infolist():
        size = 0
        try:
            for chunk in inflate(archive, info, left):
                size += len(chunk)
        except _TooBig:
            raise FileProblem(f"ไฟล์ใหญ่เกิน {size_text(max_unpacked)} เมื่อขยาย") from None
        sizes[info.filename] = size
        left -= size
    return sizes


def unpacked_over(data: bytes, limit: int) -> bool:
    """Whether an .xlsx's parts unpack to more than `limit` bytes in all (inflating at most
    that much); False for anything that is not a zip (its reader says what is wrong)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, EOFError, OSError, ValueError):
        return False
    left = limit
    try:
        for info in archive.infolist():
            for chunk in inflate(archive, info, left):
                left -= len(chunk)
    except _TooBig:
        return True
    except FileProblem:
        return False
    return False


def _attributes(raw: bytes) -> dict[str, str]:
    return {
        key.decode("utf-8", "replace"): html.unescape(
            (double if double is not None else single).decode("utf-8", "replace")
        )
        for key, double, single in _ATTRIBUTE.findall(raw)
    }


def sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """{sheet name: its part in the zip}, resolved the way calamine resolves them
    (xl/workbook.xml and xl/_rels/workbook.xml.rels; a target is under xl/ unless it
    starts with /). A name whose part is not in the zip is left out."""
    try:
        workbook = archive.read("xl/workbook.xml")
        relationships = archive.read("xl/_rels/workbook.xml.rels")
    except (KeyError, zipfile.BadZipFile, zlib.error, EOFError, OSError):
        return {}
    targets = {}
    for raw in _RELATIONSHIP.findall(relationships):
        attrs = _attributes(raw)
        target = attrs.get("Target", "")
        if target.startswith("/"):
            target = target[1:]
        elif not target.startswith("xl/"):
            target = f"xl/{target}"
        targets[attrs.get("Id")] = target
    names = set(archive.namelist())
    parts = {}
    for raw in _SHEET.findall(workbook):
        attrs = _attributes(raw)
        relation = next((v for k, v in attrs.items() if k.endswith(":id")), None)
        target = targets.get(relation)
        if "name" in attrs and target in names:
            parts[attrs["name"]] = target
    return parts


# --- one sheet's XML -----------------------------------------------------------------


@dataclass(frozen=True)
class Extent:
    """How far a sheet's data reaches: the last row and column holding a value."""

    rows: int = 0
    columns: int = 0
    # The sheet's own <dimension ref>, which may be wrong or missing: never trusted.
    declared: str = ""
    # Cells holding a value, and cell elements of any kind (an upper bound).
    cells: int = 0
    elements: int = 0
    # Every cell holding a value says where it is, once, in XML with nothing that could
    # hide a cell from the scan: only then is the extent trusted.
    placed: bool = True

    @property
    def area(self) -> int:
        return self.rows * self.columns

    def check(self, sheet: str, limits: Limits) -> None:
        """FileProblem for data beyond the limits, or a sheet too big to check."""
        if not self.placed and self.elements > MAX_UNPLACED_ELEMENTS:
            raise FileProblem(
                f"ชีต «{sheet}» ไม่ได้ระบุตำแหน่งของเซลล์ และมีเซลล์ {self.elements:,} เซลล์ "
                f"มากเกินจะตรวจได้: {_RESAVE}"
            )
        if self.placed:
            limits.check(self.rows, self.columns, sheet)


@dataclass
class _Head:
    root: bytes = b""  # the root element's start tag, with its namespaces
    root_name: bytes = b""
    prefix: bytes = b""  # the namespace prefix of sheetData and its cells ("x:" or "")
    sheet_data: bytes = b""  # sheetData's start tag ("" when there is none)
    empty: bool = True  # no sheetData, or a self-closing one
    declared: str = ""
    unusual: bool = False


def _column_number(letters: bytes) -> int:
    if len(letters) > 3:
        return 1 << 30  # beyond any sheet (XFD is 16,384)
    number = 0
    for byte in letters.upper():
        number = number * 26 + byte - 64
    return number


def _check_encoding(start: bytes) -> None:
    if start.startswith((b"\xff\xfe", b"\xfe\xff")) or start[:4] in (b"<\x00?\x00", b"\x00<\x00?"):
        raise FileProblem(f"ชีตในไฟล์นี้ใช้รหัสอักขระ UTF-16: {_RESAVE}")
    declaration = _DECLARATION.match(start, len(start) - len(start.lstrip(_PROLOGUE_SPACE)))
    if declaration:
        encoding = _ENCODING.search(declaration.group())
        if encoding and encoding.group(1).lower().replace(b"_", b"-") not in _UTF8:
            raise FileProblem(
                f"ชีตในไฟล์นี้ใช้รหัสอักขระ {encoding.group(1).decode('ascii', 'replace')}: {_RESAVE}"
            )


def _last_tag_start(buffer: bytes) -> int:
    """Where the last start tag begins (-1: none). Cutting there keeps every tag whole,
    and what follows a cell's start tag decidable."""
    found = _LAST_START_TAG.match(buffer)
    return found.end() - 2 if found else -1


def _split(chunks: Iterator[bytes]) -> Iterator:
    """The _Head, then the inside of sheetData in pieces that each end before a start tag;
    stops at </sheetData> without inflating the rest of the part."""
    chunks = iter(chunks)
    head = _Head()
    buffer = b""
    first = True
    for chunk in chunks:
        if first:
            _check_encoding(chunk[:256])
            first = False
        buffer += chunk
        if not head.root:
            skip = _after_declaration(buffer)
            root = _START_TAG.search(buffer, skip)
            if root is None:
                if len(buffer) > MAX_TAG_GAP:
                    raise FileProblem(CORRUPT_XLSX)
                continue
            head.unusual |= b"<!" in buffer[: root.start()] or b"<?" in buffer[skip : root.start()]
            head.root, head.root_name = root.group(), root.group(1)
            if root.group(3):  # a self-closing root: nothing in it
                yield head
                return
            buffer = buffer[root.end() :]
        found = _SHEET_DATA.search(buffer)
        before = buffer[: found.start()] if found else buffer
        head.unusual |= b"<!" in before or b"<?" in before
        if not head.declared and (dimension := _DIMENSION.search(before)):
            head.declared = dimension.group(1).decode("ascii", "replace")
        if found is None:
            buffer = buffer[-4096:]  # a tag cut in two is whole next time
            continue
        head.prefix = found.group(1) or b""
        head.sheet_data, head.empty = found.group(), bool(found.group(3))
        buffer = buffer[found.end() :]
        break
    else:
        yield head  # no sheetData at all
        return
    yield head
    if head.empty:
        return
    closing = b"</" + head.prefix + b"sheetData"
    while True:
        end = buffer.find(closing)
        if end >= 0:
            if end:
                yield buffer[:end]
            return
        cut = _last_tag_start(buffer)
        if cut > 0:
            yield buffer[:cut]
            buffer = buffer[cut:]
        elif len(buffer) > MAX_TAG_GAP:
            raise FileProblem(f"พบข้อความในเซลล์ยาวเกินกว่าที่ Excel รับได้: {_RESAVE}")
        chunk = next(chunks, None)
        if chunk is None:
            if buffer:
                yield buffer  # cut short: the reader says the file is broken
            return
        buffer += chunk


def scan_sheet(chunks: Iterator[bytes]) -> Extent:
    """The sheet's Extent, from its XML in chunks (see the module's docstring)."""
    pieces = _split(chunks)
    head = next(pieces)
    valued, with_place, _ = _cell_patterns(head.prefix)
    cell_tag = b"<" + head.prefix + b"c"
    rows = columns = cells = elements = 0
    placed = not head.unusual
    for piece in pieces:
        elements += piece.count(cell_tag)
        if b"<!" in piece or b"<?" in piece:
            placed = False  # a comment, CDATA or instruction could hide a cell
        count = len(valued.findall(piece))
        if not count:
            continue
        cells += count
        references = with_place.findall(piece)
        if len(references) != count or _QUOTED_LT.search(piece):
            placed = False  # a cell without a place of its own, or XML that could hide one
        if references:
            # Letters and digits apart at C speed: "AB12 C3" → {AB, C} and {12, 3}.
            joined = b" ".join(references)
            letters = set(joined.translate(None, b"0123456789").split())
            numbers = set(joined.translate(None, _LETTERS).split())
            rows = max(rows, max(map(int, numbers)))
            columns = max(columns, max(map(_column_number, letters)))
    return Extent(
        rows=rows,
        columns=columns,
        declared=head.declared,
        cells=cells,
        elements=elements,
        placed=placed,
    )


def sheet_rows_xml(chunks: Iterator[bytes], *, drop_empty: bool) -> Iterator[bytes]:
    """The sheet as openpyxl should see it: its root element holding a placeholder
    <dimension ref="A1"> (so that opening the workbook parses nothing; the caller gives
    the real bounds) and its sheetData, without empty self-closing cells when
    `drop_empty` (only for a placed sheet: a cell that does not say where it is takes
    its place from the ones before it)."""
    pieces = _split(chunks)
    head = next(pieces)
    if not head.root:
        return
    prefix = head.prefix
    yield head.root
    yield b"<" + prefix + b'dimension ref="A1"/>'
    if head.sheet_data:
        yield head.sheet_data
    if not head.empty:
        _, _, empty = _cell_patterns(prefix)
        for piece in pieces:
            yield empty.sub(b"", piece) if drop_empty else piece
        yield b"</" + prefix + b"sheetData>"
    yield b"</" + head.root_name + b">"


def _after_declaration(buffer: bytes) -> int:
    start = len(buffer) - len(buffer.lstrip(_PROLOGUE_SPACE))
    declaration = _DECLARATION.match(buffer, start)
    return declaration.end() if declaration else start


def root_name(chunk: bytes) -> bytes:
    """The local name of a part's root element, from its first bytes (b"" if unseen)."""
    found = _START_TAG.search(chunk, _after_declaration(chunk))
    return found.group(1).rpartition(b":")[2] if found else b""


class ChunkReader(io.RawIOBase):
    """A read-only binary file over an iterator of byte chunks (closing it closes them)."""

    def __init__(self, chunks: Iterator[bytes]):
        self._chunks = chunks
        self._pending = memoryview(b"")

    def readable(self):
        return True

    def readinto(self, buffer) -> int:
        while not self._pending:
            chunk = next(self._chunks, None)
            if chunk is None:
                return 0
            self._pending = memoryview(chunk)
        size = min(len(buffer), len(self._pending))
        buffer[:size] = self._pending[:size]
        self._pending = self._pending[size:]
        return size

    def close(self):
        close = getattr(self._chunks, "close", None)
        if close is not None:
            close()
        super().close()
