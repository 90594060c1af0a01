"""Lines of Thai text that fit a width on the page.

Thai is written without spaces between words, so a line may have to break inside a run of
letters. It breaks at a space where it can; inside a run only where no vowel or tone mark
is parted from the consonant it sits on, no leading vowel (เ แ โ ใ ไ) from the consonant
after it, and no following vowel (ะ า ำ) or ๆ ฯ starts the line; Latin letters and
digits (a code, a number, an ID) are kept whole unless they alone are wider than the line.
Of those places it takes the last that fits among the likelier ends of a syllable (before a
leading vowel, after า ะ ำ ์ ๆ, between Thai and other letters) unless that leaves the line
less than half full. Without a dictionary a word may still be split between syllables.
Pure functions of the text and a `measure` function (the width of a string).
"""

from collections.abc import Callable

LEADING_VOWELS = frozenset("เแโใไ")
# Above and below marks (vowels, tone marks, ์), the following vowels and the repetition
# marks, which all belong to the letter before them; and closing punctuation.
NO_LINE_START = frozenset(
    "\u0e31\u0e34\u0e35\u0e36\u0e37\u0e38\u0e39\u0e3a\u0e47\u0e48\u0e49\u0e4a\u0e4b\u0e4c\u0e4d\u0e4e"
    "ะาำๅๆฯ"
    ".,;:!?)]}%»”’"
)
NO_LINE_END = frozenset("([{«“‘")
# After these a syllable usually ends.
SYLLABLE_END = frozenset("ะาำ์ๆฯ")
ELLIPSIS = "…"


def _is_thai(char: str) -> bool:
    return "\u0e00" <= char <= "\u0e7f"


def _may_break_before(word: str, i: int, *, any_letter: bool = False) -> bool:
    """Whether a line may end before word[i] (0 < i < len(word))."""
    before, char = word[i - 1], word[i]
    if char in NO_LINE_START or before in LEADING_VOWELS or before in NO_LINE_END:
        return False
    return any_letter or _is_thai(char) or _is_thai(before)


def _break_points(word: str, *, any_letter: bool = False) -> list[int]:
    return [i for i in range(1, len(word)) if _may_break_before(word, i, any_letter=any_letter)]


def _likely_end(word: str, i: int) -> bool:
    before, char = word[i - 1], word[i]
    return char in LEADING_VOWELS or before in SYLLABLE_END or _is_thai(before) != _is_thai(char)


def _last_fitting(word, points, width, measure) -> int | None:
    """The last of `points` (ascending) whose piece fits, by halving (widths grow)."""
    low, high, cut = 0, len(points) - 1, None
    while low <= high:
        middle = (low + high) // 2
        if measure(word[: points[middle]]) <= width:
            cut, low = points[middle], middle + 1
        else:
            high = middle - 1
    return cut


def _split_word(word: str, width: float, measure: Callable[[str], float]) -> list[str]:
    """A word wider than the line, in pieces that fit (a piece is never empty)."""
    pieces = []
    while word and measure(word) > width:
        points = _break_points(word) or _break_points(word, any_letter=True)
        if not points:
            break
        likely = [i for i in points if _likely_end(word, i)]
        cut = _last_fitting(word, likely, width, measure)
        if cut is None or measure(word[:cut]) < width / 2:
            cut = _last_fitting(word, points, width, measure) or points[0]
        pieces.append(word[:cut])
        word = word[cut:]
    if word:
        pieces.append(word)
    return pieces


def wrap(
    text: str, width: float, measure: Callable[[str], float], *, max_lines: int | None = None
) -> list[str]:
    """`text` in lines no wider than `width` (its own line breaks kept; at least one line).
    With `max_lines`, what is left over is cut and the last line ends in «…»."""
    text = str(text)
    if "\n" not in text and measure(text) <= width:
        return [text]  # most cells: one measure, no word by word
    space = measure(" ")
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        line, line_width = "", 0.0
        for word in paragraph.split():
            word_width = measure(word)
            if line and line_width + space + word_width <= width:
                line, line_width = f"{line} {word}", line_width + space + word_width
                continue
            if line:
                lines.append(line)
            pieces = _split_word(word, width, measure) if word_width > width else [word]
            lines.extend(pieces[:-1])
            line, line_width = pieces[-1], measure(pieces[-1])
        lines.append(line)
    if max_lines is not None and len(lines) > max_lines:
        lines = lines[:max_lines]
        last = lines[-1]
        while last and measure(last + ELLIPSIS) > width:
            last = last[:-1]
        lines[-1] = last.rstrip() + ELLIPSIS
    return lines
