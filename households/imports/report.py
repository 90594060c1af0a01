"""What an import found: every row's status, the Thai row/column errors and the counts."""

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

    @property
    def ok(self) -> bool:
        return not self.errors

    def as_counts(self) -> dict:
        keys = [NEW, UPDATED, UNCHANGED, ERROR]
        keys += ["members_new", "members_updated", "members_unchanged"]
        return {key: self.counts.get(key, 0) for key in keys}
