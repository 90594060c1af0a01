"""Server-rendered SVG charts: the geometry here, the markup in dashboard/_bar_chart.html and
dashboard/_column_chart.html. No JavaScript and no chart library: a viewBox 360 units wide
scales to a 390 px phone, and the numbers are always in a table beside the chart.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.contrib.humanize.templatetags.humanize import intcomma

from kuseaw.thaidate import MONTHS_SHORT, to_be_year

WIDTH = 360
LABEL_WIDTH = 104  # the labels of a bar chart, right-aligned before the bars
VALUE_ROOM = 76  # room after the longest bar for its number (12 digits at 12px)
ROW = 30
BAR = 18
COLUMN_TOP = 20  # room above the tallest column for its number
COLUMN_HEIGHT = 140
AXIS = 34  # below the columns: month and year


def number_text(value) -> str:
    """1234.5 → 1,235 (whole numbers, grouped)."""
    if isinstance(value, Decimal | float):
        value = int(Decimal(value).quantize(Decimal("1")))
    return intcomma(value)


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    text: str
    series: int  # 1 (light: before) or 2 (the main colour: now, or the only series)
    x: float
    y: float
    width: float
    height: float
    label_y: float  # the baseline of the label and the number
    first_of_row: bool  # the row's label is drawn once, at its first bar

    @property
    def value_x(self) -> float:
        """Where the number starts: just after the bar."""
        return round(self.x + self.width, 1)


@dataclass(frozen=True)
class BarChart:
    """Horizontal bars, one row per label, one or two bars per row (two series)."""

    bars: list[Bar]
    height: float
    legend: list[str]
    width: int = WIDTH
    label_width: int = LABEL_WIDTH

    @property
    def empty(self) -> bool:
        return not any(bar.value for bar in self.bars)


def bar_chart(rows, *, legend: list[str] | None = None) -> BarChart:
    """rows: (label, value) or (label, value, value2) tuples; values ≥ 0.

    Bars are scaled to the largest value; a zero value draws no bar but keeps its number.
    """
    series = max((len(row) - 1 for row in rows), default=1)
    values = [float(v or 0) for row in rows for v in row[1:]]
    top = max(values, default=0) or 1
    span = WIDTH - LABEL_WIDTH - VALUE_ROOM
    row_height = ROW if series == 1 else ROW + BAR - 4
    bar_height = BAR if series == 1 else BAR - 4
    bars = []
    for index, (label, *row_values) in enumerate(rows):
        for number, value in enumerate(row_values):
            y = index * row_height + 6 + number * bar_height
            width = round(span * float(value or 0) / top, 1)
            bars.append(
                Bar(
                    label=label,
                    value=float(value or 0),
                    text=number_text(value or 0),
                    # One series is drawn in the main colour, two as before (light) and now.
                    series=number + 1 if series == 2 else 2,
                    x=LABEL_WIDTH,
                    y=y,
                    width=width,
                    height=bar_height - 2,
                    label_y=y + bar_height - 6,
                    first_of_row=number == 0,
                )
            )
    height = len(rows) * row_height + 8
    return BarChart(bars=bars, height=height, legend=legend or [])


@dataclass(frozen=True)
class Column:
    label: str  # under the column (a month), empty when the columns are many
    sublabel: str  # under the label (a year), where the year changes
    value: float
    text: str
    x: float
    y: float
    width: float
    height: float
    centre: float
    show_text: bool


@dataclass(frozen=True)
class ColumnChart:
    columns: list[Column]
    baseline: float
    height: float
    top_text: str  # the largest value, written beside its gridline
    top_y: float
    width: int = WIDTH

    @property
    def empty(self) -> bool:
        return not any(column.value for column in self.columns)


def column_chart(points) -> ColumnChart:
    """points: (label, group, value) tuples, oldest first: a month, its year, its count.

    Labels are written under every column up to 12, else under every 3rd or 6th; the group
    (the year) under the first labelled column and wherever it changes.
    """
    count = max(len(points), 1)
    values = [float(v or 0) for _, _, v in points]
    top = max(values, default=0) or 1
    slot = WIDTH / count
    width = max(round(slot * 0.7, 1), 1)
    # Numbers over the columns only when every one fits its column (about 5.6 units a
    # character at 10px); else the largest is written by the top line. The table has them all.
    show_text = max((len(number_text(v or 0)) for _, _, v in points), default=0) * 5.6 <= slot
    every = 1 if count <= 12 else 3 if count <= 24 else 6
    baseline = COLUMN_TOP + COLUMN_HEIGHT
    columns = []
    shown_group = None
    for index, (label, group, value) in enumerate(points):
        height = round(COLUMN_HEIGHT * float(value or 0) / top, 1)
        x = round(index * slot + (slot - width) / 2, 1)
        labelled = index % every == 0
        new_group = labelled and group != shown_group
        if new_group:
            shown_group = group
        columns.append(
            Column(
                label=label if labelled else "",
                sublabel=group if new_group else "",
                value=float(value or 0),
                text=number_text(value or 0),
                x=x,
                y=baseline - height,
                width=width,
                height=height,
                centre=round(x + width / 2, 1),
                show_text=show_text,
            )
        )
    return ColumnChart(
        columns=columns,
        baseline=baseline,
        height=baseline + AXIS,
        top_text=number_text(max(values, default=0)),
        top_y=COLUMN_TOP,
    )


# -- the overview's charts ------------------------------------------------------------------


def overview_charts(overview) -> dict | None:
    """The overview's four charts from its figures (households.dashboards.figures.Overview)."""
    if overview is None:
        return None

    def month_points(value):
        return [
            (MONTHS_SHORT[row.month.month - 1], str(to_be_year(row.month.year)), value(row))
            for row in overview.months
        ]

    return {
        "levels": bar_chart(
            [(row.level.label, row.at_entry, row.now) for row in overview.levels],
            legend=["เมื่อเข้าโครงการ", "ตอนนี้"],
        ),
        "aid": bar_chart([(row.category.label, row.baht) for row in overview.aid]),
        "visits": column_chart(month_points(lambda row: row.visits)),
        "aid_months": column_chart(month_points(lambda row: row.aid_baht)),
    }


# -- the case plans' charts -----------------------------------------------------------------


def problem_charts(problems) -> dict | None:
    """The problems page's chart (households.dashboards.case_plans.ProblemFigures): problems
    open and solved per dimension."""
    if problems is None:
        return None
    rows = [
        (row.dimension.label.removeprefix("ด้าน"), row.open, row.solved)
        for row in problems.dimensions
    ]
    return {"dimensions": bar_chart(rows, legend=["ยังไม่แก้", "แก้ได้แล้ว"])}


def progress_charts(progress) -> dict | None:
    """The progress page's chart (households.dashboards.case_plans.Progress): the
    graduation funnel."""
    if progress is None:
        return None
    return {"funnel": bar_chart([(short, n) for short, _, n in progress.funnel.steps()])}
