"""What an import found: every row's status, the Thai row/column errors and the counts."""

import logging
from collections import Counter
from dataclasses import dataclass, field

NEW, UPDATED, UNCHANGED, ERROR = "new", "updated", "unchanged", "error"
STATUS_LABELS = {
    NEW: "ใหม่",
    UPDATED: "แก้ไข",
    UNCHANGED: "ไม่เปลี่ยนแปลง",
    ERROR: "ผิดพลาด",
}


class ImportFailed(Exception):
    """The file could not be applied; the message is Thai and safe to show."""


def write_refused(error) -> ImportFailed:
    """The database refused a write that the checks allowed: someone wrote a clashing
    record meanwhile. The message names no value (the re-check lists the rows); the
    database's own words go to the log, where national IDs are masked."""
    logging.getLogger("kuseaw.imports").warning("import write refused: %s", error)
    return ImportFailed(
        "นำเข้าไม่สำเร็จ ข้อมูลขัดกับที่มีอยู่ในระบบ (มีการบันทึกข้อมูลเดียวกันระหว่างนำเข้า) จึงไม่ได้บันทึกข้อมูลใด ๆ"
    )


@dataclass
class RowIssue:
    row: int
    column: str
    message: str
    sheet: str = ""

    def as_dict(self) -> dict:
        return {
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "message": self.message,
        }

    def __str__(self) -> str:
        where = f"{self.sheet} " if self.sheet else ""
        column = f", {self.column}" if self.column else ""
        return f"{where}แถว {self.row}{column}: {self.message}"


@dataclass
class ImportReport:
    """What the preview (or the apply) found: counts, every row's status, the errors."""

    counts: Counter = field(default_factory=Counter)
    rows: list = field(default_factory=list)  # [row number, status, household code, note]
    errors: list[RowIssue] = field(default_factory=list)
    processed: int = 0
    # Member rows not imported because their household's row was not: row → household row.
    rejected_member_rows: dict = field(default_factory=dict)
    # The rows not imported as a file to return (valid_rows_only): services.rejected_rows_file.
    rejected: bytes | None = None

    @property
    def valid_rows(self) -> int:
        """Rows that passed every check (written, or unchanged)."""
        return self.processed - self.counts.get(ERROR, 0)

    @property
    def ok(self) -> bool:
        return not self.errors

    def as_counts(self) -> dict:
        keys = [NEW, UPDATED, UNCHANGED, ERROR]
        keys += ["members_new", "members_updated", "members_unchanged"]
        return {key: self.counts.get(key, 0) for key in keys}
