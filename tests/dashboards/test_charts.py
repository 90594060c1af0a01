"""The SVG charts: bars in proportion to their numbers, labels that fit, nothing on zero."""

from decimal import Decimal

from households.dashboards.charts import LABEL_WIDTH, VALUE_ROOM, WIDTH, bar_chart, column_chart


def test_bars_are_in_proportion_and_the_longest_fills_the_room():
    chart = bar_chart([("อาชีพ", 300), ("การตลาด", 150), ("สวัสดิการ", 0)])

    widths = [bar.width for bar in chart.bars]
    assert widths == [WIDTH - LABEL_WIDTH - VALUE_ROOM, (WIDTH - LABEL_WIDTH - VALUE_ROOM) / 2, 0]
    assert [bar.text for bar in chart.bars] == ["300", "150", "0"]
    assert max(bar.value_x for bar in chart.bars) + VALUE_ROOM <= WIDTH
    assert {bar.series for bar in chart.bars} == {2}  # one series: the main colour
    assert not chart.empty


def test_two_series_share_a_row_and_a_scale():
    chart = bar_chart([("อยู่ลำบาก", 4, 2), ("อยู่ยาก", 8, 6)], legend=["ก่อน", "ตอนนี้"])

    assert [(bar.label, bar.series) for bar in chart.bars] == [
        ("อยู่ลำบาก", 1),
        ("อยู่ลำบาก", 2),
        ("อยู่ยาก", 1),
        ("อยู่ยาก", 2),
    ]
    assert [bar.first_of_row for bar in chart.bars] == [True, False, True, False]
    assert chart.bars[2].width == 2 * chart.bars[0].width
    assert chart.legend == ["ก่อน", "ตอนนี้"]


def test_an_empty_chart_draws_no_bar_and_divides_by_nothing():
    chart = bar_chart([("อาชีพ", 0), ("การตลาด", Decimal("0"))])

    assert chart.empty
    assert all(bar.width == 0 for bar in chart.bars)


def test_baht_are_shown_whole_and_grouped():
    chart = bar_chart([("อาชีพ", Decimal("1234567.50"))])

    assert chart.bars[0].text == "1,234,568"


def test_columns_fit_the_width_and_label_each_month_up_to_twelve():
    points = [(f"ด{n}", "2568", n) for n in range(1, 13)]

    chart = column_chart(points)

    assert len(chart.columns) == 12
    assert chart.columns[-1].x + chart.columns[-1].width <= WIDTH
    assert chart.columns[-1].height == 140 and chart.columns[0].height == round(140 / 12, 1)
    assert all(column.label for column in chart.columns)
    assert [column.sublabel for column in chart.columns].count("2568") == 1
    assert all(column.show_text for column in chart.columns)


def test_three_years_of_columns_label_every_sixth_and_each_new_year():
    points = [(f"ด{n % 12 + 1}", str(2566 + n // 12), n) for n in range(36)]

    chart = column_chart(points)

    labelled = [i for i, column in enumerate(chart.columns) if column.label]
    assert labelled == [0, 6, 12, 18, 24, 30]
    assert [c.sublabel for c in chart.columns if c.sublabel] == ["2566", "2567", "2568"]
    assert not any(column.show_text for column in chart.columns)
    assert chart.top_text == "35"
