"""Breaking Thai into lines that fit: never a vowel or tone mark cut from its consonant."""

from hypothesis import given
from hypothesis import strategies as st

from households.profiles.wrap import LEADING_VOWELS, NO_LINE_START, wrap


def width_of(text: str) -> float:
    """A stand-in for the font: marks take no room, everything else one unit."""
    return sum(
        0 if char in "\u0e31\u0e34\u0e35\u0e36\u0e37\u0e38\u0e39\u0e47\u0e48\u0e49" else 1
        for char in text
    )


def test_text_that_fits_stays_on_one_line():
    assert wrap("บ้านเลขที่ 12", 20, width_of) == ["บ้านเลขที่ 12"]


def test_lines_break_at_spaces_first():
    assert wrap("ที่นา 5 ไร่ บ่อน้ำ 1 บ่อ", 9, width_of) == ["ที่นา 5 ไร่", "บ่อน้ำ 1 บ่อ"]


def test_a_long_thai_run_breaks_between_syllables_not_inside_one():
    lines = wrap("ครัวเรือนมีความมั่นคงในที่อยู่อาศัย", 12, width_of)
    assert "".join(lines) == "ครัวเรือนมีความมั่นคงในที่อยู่อาศัย"
    assert all(width_of(line) <= 12 for line in lines)
    assert lines[0] == "ครัวเรือนมีความ"[: len(lines[0])]
    assert not lines[1].startswith(tuple(NO_LINE_START))


def test_codes_and_numbers_are_not_split():
    assert wrap("เลขที่ 1-2345-67890-12-3", 18, width_of) == ["เลขที่", "1-2345-67890-12-3"]


def test_its_own_line_breaks_are_kept():
    assert wrap("ทุนมนุษย์\n(ทักษะ สุขภาพ)", 30, width_of) == ["ทุนมนุษย์", "(ทักษะ สุขภาพ)"]


def test_too_many_lines_end_in_an_ellipsis():
    lines = wrap("หนึ่ง สอง สาม สี่ ห้า หก", 5, width_of, max_lines=2)
    assert len(lines) == 2 and lines[-1].endswith("…") and width_of(lines[-1]) <= 5


def test_an_empty_text_is_one_empty_line():
    assert wrap("", 10, width_of) == [""]


THAI = st.text(alphabet=st.characters(min_codepoint=0x0E01, max_codepoint=0x0E5B), min_size=1)
TEXTS = st.lists(st.one_of(THAI, st.sampled_from(["12", "OTOP", "-", " "])), max_size=8).map(
    "".join
)


@given(text=TEXTS, width=st.integers(min_value=3, max_value=40))
def test_a_word_is_split_only_where_no_mark_or_vowel_is_parted(text, width):
    lines = wrap(text, width, width_of)
    words = text.split()
    joined = "".join(words)
    assert "".join(lines).replace(" ", "") == joined
    boundaries, at = {0}, 0
    for word in words:
        at += len(word)
        boundaries.add(at)
    at = 0
    for line in lines[:-1]:
        at += len(line.replace(" ", ""))
        if at not in boundaries and 0 < at < len(joined):
            assert joined[at] not in NO_LINE_START, (lines, at)
            assert joined[at - 1] not in LEADING_VOWELS, (lines, at)
