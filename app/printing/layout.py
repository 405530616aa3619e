"""What every printed document shares: the page, the type sizes, Chinese line breaking,
the paragraph flowable and the PDF builder.

The page follows GB/T 9704-2012 (党政机关公文格式) as the reference: A4 portrait, top
margin 37 mm, binding (left) margin 28 mm, a text block of 156 × 225 mm, body 3号 (16 pt)
at 22 lines a page, titles 2号 (22 pt) bold, dense forms 4号 (14 pt). Every page carries
"第x页 共y页" below the text block.

Line breaking is our own (:func:`break_lines`): reportlab's CJK wrapping lets a line start
with "，" or "。" (its list of such characters is Japanese and misses most Chinese
punctuation), lets a line end with "（" or "￥", and hangs the one character it does move
into the right margin. Here no line starts with a closing mark (，。、；：！？）》」』” …),
none ends with an opening one (（《「『“ … and currency signs), "……" and "——" stay whole,
numbers and Latin words are not cut, and nothing is drawn beyond the text block: the line
is broken earlier and justified by spreading the characters.
"""

from __future__ import annotations

import io
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    KeepTogether,
    PageTemplate,
)
from reportlab.platypus.tables import Table, TableStyle

from app.printing.fonts import FontSet, get_fonts

# ---------------------------------------------------------------------------------------
# The page (GB/T 9704-2012)

MM: float = mm
PAGE_WIDTH: float = A4[0]
PAGE_HEIGHT: float = A4[1]
MARGIN_TOP = 37 * MM
MARGIN_LEFT = 28 * MM
BLOCK_WIDTH = 156 * MM
BLOCK_HEIGHT = 225 * MM
MARGIN_BOTTOM = PAGE_HEIGHT - MARGIN_TOP - BLOCK_HEIGHT  # 35 mm
MARGIN_RIGHT = PAGE_WIDTH - MARGIN_LEFT - BLOCK_WIDTH  # 26 mm
FOOTER_BASELINE = MARGIN_BOTTOM - 13 * MM  # the page number sits 7 mm below the block

# Chinese type sizes (字号) in points.
SIZE_2 = 22.0  # 二号: titles
SIZE_3 = 16.0  # 三号: body
SIZE_4 = 14.0  # 四号: dense forms, tables
SIZE_SMALL_4 = 12.0  # 小四: page numbers, notes
SIZE_5 = 10.5  # 五号

BODY_LEADING = BLOCK_HEIGHT / 22  # 22 lines a page: 28.95 pt
DENSE_LEADING = 23.0
FUZZ = 1e-6

# ---------------------------------------------------------------------------------------
# Styles and text

ALIGNS = ("left", "center", "right", "justify")


@dataclass(frozen=True)
class Style:
    """How a paragraph is set. Indents are in points except ``first_indent`` (in em)."""

    size: float = SIZE_3
    leading: float = BODY_LEADING
    bold: bool = False
    align: str = "justify"
    first_indent: float = 0.0  # em: 2 = the usual two-character indent
    left_indent: float = 0.0
    right_indent: float = 0.0
    space_before: float = 0.0
    space_after: float = 0.0
    keep_with_next: bool = False
    tracking: float = 0.0  # extra space between characters, in em (spaced-out titles)

    def __post_init__(self) -> None:
        if self.align not in ALIGNS:
            raise ValueError(f"align must be one of {ALIGNS}")


# ---------------------------------------------------------------------------------------
# Density: the same document set tighter, to fit a form on one sheet or to keep the end
# of an agreement with its signatures without leaving half a page empty


@dataclass(frozen=True)
class Density:
    """How tightly text is set: ``size`` scales the type up to 3号 (titles keep their
    size), ``space`` the leading, padding and space between blocks."""

    name: str
    size: float = 1.0
    space: float = 1.0

    def style(self, style: Style) -> Style:
        if self.size == 1.0 and self.space == 1.0:
            return style
        key = (self, style)
        found = _set_in.get(key)  # every paragraph asks: made once per density and style
        if found is None:
            size = style.size * self.size if style.size <= SIZE_3 + FUZZ else style.size
            found = replace(
                style,
                size=size,
                leading=style.leading * self.space * (size / style.size),
                left_indent=style.left_indent * self.size,
                right_indent=style.right_indent * self.size,
                space_before=style.space_before * self.space,
                space_after=style.space_after * self.space,
            )
            if len(_set_in) >= 4096:
                _set_in.clear()
            _set_in[key] = found
        return found


_set_in: dict[tuple[Density, Style], Style] = {}


# From the standard setting (3号 body at 22 lines a page) to 小四 (12 pt) at 36 lines:
# the one-sheet forms and the agreement take the first that lays them out well.
NORMAL = Density("3号")
DENSITIES = (
    NORMAL,
    Density("3号 紧排", 1.0, 0.88),
    Density("4号", SIZE_4 / SIZE_3, 0.9),
    Density("4号 紧排", SIZE_4 / SIZE_3, 0.8),
    Density("小四", SIZE_SMALL_4 / SIZE_3, 0.9),
    Density("小四 紧排", SIZE_SMALL_4 / SIZE_3, 0.8),
)
_density: ContextVar[Density] = ContextVar("density", default=NORMAL)


def density() -> Density:
    """The density documents are being set in (see :func:`fit`)."""
    return _density.get()


@contextmanager
def setting(d: Density) -> Iterator[Density]:
    """Set every paragraph, table and ruled line made inside in density ``d``."""
    token = _density.set(d)
    try:
        yield d
    finally:
        _density.reset(token)


def space(points: float) -> float:
    """Vertical space of ``points`` in the current density."""
    return points * density().space


def type_size(points: float) -> float:
    """A type size (or a width measured in it) in the current density."""
    return points * density().size if points <= SIZE_3 + FUZZ else points


BODY = Style(first_indent=2)
BODY_FLUSH = Style()
HEADING = Style(bold=True, first_indent=2, keep_with_next=True)
TITLE = Style(size=SIZE_2, leading=SIZE_2 * 1.6, bold=True, align="center")
DENSE = Style(size=SIZE_4, leading=DENSE_LEADING, align="left")
CELL = Style(size=SIZE_4, leading=SIZE_4 * 1.4, align="left")
CELL_CENTER = replace(CELL, align="center")


@dataclass(frozen=True)
class Span:
    """A piece of a paragraph. ``bold``/``size`` None take the paragraph's style."""

    text: str
    bold: bool | None = None
    underline: bool = False
    size: float | None = None


Content = str | Span | Sequence[str | Span]

BLANK_CHAR = "\u3000"  # an ideographic space: a blank to fill in is a run of them, underlined


def blank(ems: int = 6) -> Span:
    """A line to fill in by hand (underlined space, ``ems`` characters wide)."""
    return Span(BLANK_CHAR * ems, underline=True)


class RuleLines(Flowable):  # type: ignore[misc]
    """``count`` ruled lines across the text block, to write on by hand."""

    def __init__(
        self, count: int, leading: float = BODY_LEADING, indent: float = 0.0, *, _set: bool = False
    ) -> None:
        super().__init__()
        self.count = count
        self.leading = leading if _set else space(leading)
        self.indent = indent

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self.width = availWidth
        self.height = self.count * self.leading
        return availWidth, self.height

    @property
    def least_first_part(self) -> int:
        """How many lines ``split`` leaves at the foot of a page at the least: three or
        fewer go on whole (never one line alone on either side), more keep two."""
        return self.count if self.count <= 3 else 2

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        fit = int((availHeight + FUZZ) // self.leading)
        if fit >= self.count:
            return [self]
        if self.count - fit == 1:
            fit -= 1  # not one line alone at the top of the next page
        if fit < 1 or (fit == 1 and self.count > 2):
            return []  # nor one alone at the bottom of this one: all go on
        return [
            RuleLines(fit, self.leading, self.indent, _set=True),
            RuleLines(self.count - fit, self.leading, _set=True),
        ]

    def draw(self) -> None:
        canv = self.canv
        canv.saveState()
        canv.setLineWidth(0.6)
        for n in range(self.count):
            y = self.height - (n + 1) * self.leading + 0.22 * self.leading
            canv.line(self.indent if n == 0 else 0.0, y, self.width, y)
        canv.restoreState()


def value(text: object, ems: int = 6) -> Span:
    """The value of a field, or a blank line when it is empty (never "None")."""
    if text is None:
        return blank(ems)
    s = str(text).strip()
    return Span(s) if s else blank(ems)


def day(d: date | None, *, blank_year: int = 4) -> list[Span]:
    """``2026年11月20日`` (Arabic figures, as GB/T 9704-2012 writes dates), or blanks."""
    if d is None:
        return [blank(blank_year), Span("年"), blank(2), Span("月"), blank(2), Span("日")]
    return [Span(f"{d.year}年{d.month}月{d.day}日")]


def day_text(d: date | None) -> str:
    return "" if d is None else f"{d.year}年{d.month}月{d.day}日"


# ---------------------------------------------------------------------------------------
# Line breaking

# No line may start with these (closing punctuation and marks that follow what they mark).
CANNOT_START = frozenset(
    "，。、；：！？）》」』”’〕】〗〉］｝…—·‰％℃°′″～"
    ",.;:!?)]}%"
    "\u3005\u309b\u309c\u30fc"  # 々 ゛ ゜ ー
)
# No line may end with these (opening punctuation, and signs that go with the next figure).
CANNOT_END = frozenset("（《「『“‘〔【〖〈［｛([{￥¥$£€＄№#＃")
# Pairs that are one mark and are never split: …… and ——.
UNBREAKABLE_PAIRS = frozenset("…—")
# A number stays with the unit after it ("1963年", "14号", "3,600元", "1.8米"), and a date
# or a time of day is one piece ("2026年12月15日", "9时30分"): never "1963 / 年".
DIGITS = frozenset("0123456789０１２３４５６７８９")
UNITS = frozenset("年月日时分秒号室栋幢楼层单组户元角万亿千百米亩斤吨岁周天次条款项份页人名")
DATE_JOINS = frozenset("年月时")


@dataclass(frozen=True, slots=True)
class Glyph:
    ch: str
    font: str
    size: float
    width: float
    underline: bool = False
    group: int = 0  # glyphs of one underlined blank share a group (> 0)

    @property
    def is_space(self) -> bool:
        return self.ch == " " and not self.underline

    @property
    def is_word(self) -> bool:
        """Part of a Latin word or a number (not to be cut)."""
        o = ord(self.ch)
        return o < 0x2E80 and not self.ch.isspace() and self.ch not in UNBREAKABLE_PAIRS


@dataclass(frozen=True)
class Line:
    start: int  # index of the first glyph
    end: int  # one past the last glyph drawn (trailing spaces excluded)
    width: float
    last: bool  # the paragraph's last line, or ended by a newline: not justified


GOOD, POOR, NEVER = 2, 1, 0


def break_quality(before: Glyph, after: Glyph) -> int:
    """May a line end with ``before`` and the next start with ``after``?

    NEVER for punctuation rules, POOR inside a word, a number or a blank, GOOD otherwise.
    Spaces between them (dropped at a break) are skipped by :func:`quality_at`.
    """
    if after.ch in CANNOT_START or before.ch in CANNOT_END:
        return NEVER
    if before.ch == after.ch and before.ch in UNBREAKABLE_PAIRS:
        return NEVER
    if before.group and before.group == after.group:
        return POOR
    if before.is_word and after.is_word:
        return POOR
    if before.ch in DIGITS and after.ch in UNITS:
        return POOR
    return GOOD


def quality_at(glyphs: Sequence[Glyph], k: int) -> int:
    """The quality of a break before ``glyphs[k]``, looking past spaces on either side."""
    a = k - 1
    while a >= 0 and glyphs[a].is_space:
        a -= 1
    b = k
    while b < len(glyphs) and glyphs[b].is_space:
        b += 1
    if a < 0 or b >= len(glyphs):
        return GOOD
    if a == k - 1 and b == k:
        return _adjacent_quality(glyphs, k)
    if glyphs[a].ch in CANNOT_END or glyphs[b].ch in CANNOT_START:
        return NEVER
    return GOOD  # at a space


def _adjacent_quality(glyphs: Sequence[Glyph], k: int) -> int:
    """The quality of a break between ``glyphs[k - 1]`` and ``glyphs[k]``, neither a
    space (0 < k < len(glyphs))."""
    before, after = glyphs[k - 1], glyphs[k]
    if before.ch in DATE_JOINS and after.ch in DIGITS and k > 1 and glyphs[k - 2].ch in DIGITS:
        return POOR  # inside a date: "2026年12月" or "9时30分"
    return break_quality(before, after)


def break_lines(
    glyphs: Sequence[Glyph],
    widths: Callable[[int], float],
    *,
    justify: bool = False,
    max_spread: float = 0.1,
    max_squeeze: float = 0.03,
) -> list[Line]:
    """Break ``glyphs`` into lines; ``widths(n)`` is the room for line n (0-based; every
    line after the first has the room of line 1).

    Greedy (ragged text): each line takes as many glyphs as fit, then moves back to the
    nearest GOOD break (or POOR, if there is none on the line); "\\n" ends a line. A single
    glyph wider than the line is put on a line of its own. A line never exceeds its width
    unless it holds a single glyph.

    ``justify``: the breaks are chosen over the whole paragraph (:func:`_justified_breaks`)
    so that each line but the last can be filled by spreading its characters no more than
    ``max_spread`` em apart, or by setting them up to ``max_squeeze`` em closer (such a
    line is wider than its room until drawn).
    """
    if justify:
        return _justified_breaks(glyphs, widths, max_spread, max_squeeze)
    lines: list[Line] = []
    n = len(glyphs)
    i = 0
    soft = False  # the previous line ended at a break we chose (not at a newline)
    while i < n:
        if soft:
            while i < n and glyphs[i].is_space:
                i += 1
            if i >= n:
                break
        room = widths(len(lines))
        j = _overflow(glyphs, i, room)
        if j < n and glyphs[j].ch == "\n":
            lines.append(_line(glyphs, i, j, last=True))
            i, soft = j + 1, False
            continue
        if j >= n:
            lines.append(_line(glyphs, i, n, last=True))
            break
        k = _best_break(glyphs, i, j)
        lines.append(_line(glyphs, i, k, last=False))
        i, soft = k, True
    return lines


def _overflow(glyphs: Sequence[Glyph], start: int, room: float) -> int:
    """The first glyph from ``start`` that does not fit a line of ``room`` (spaces may
    hang), or the newline that ends the line, or ``len(glyphs)``."""
    used = 0.0
    j = start
    n = len(glyphs)
    while j < n:
        g = glyphs[j]
        if g.ch == "\n" or (used + g.width > room + FUZZ and not g.is_space):
            break
        used += g.width
        j += 1
    return j


# What a justified line costs: spread or squeezed within the limits up to 100; a line
# left short (it would need more spread) 1,000 and more the shorter it is; a number or
# word cut (a POOR break, only where a line has no other) 100,000. Each line costs 500:
# a paragraph takes one line more rather than leave a line ragged. A last line of two
# characters or fewer ("份。") costs 300: the lines above give it a character or two
# (spread within the limit), or take it (set closer within the limit), where they can
# without a ragged line.
_LINE, _RAGGED, _CUT = 500.0, 1_000.0, 100_000.0
_SHORT_LAST, SHORT_LAST_GLYPHS = 300.0, 2


def _justified_breaks(
    glyphs: Sequence[Glyph], widths: Callable[[int], float], max_spread: float, max_squeeze: float
) -> list[Line]:
    """Total-fit breaking: the breaks that leave the fewest lines ragged, spread or
    squeeze the others the least, and take the fewest lines.

    Greedy breaking leaves a line short when something that cannot be cut ("13857123456。",
    "2026年12月15日") just misses its end; filling it would letter-space it. Here a line
    above may end a character or two earlier instead, so that each line is short by only
    a little. Dynamic programming from the end: ``best[i]`` is the cost of setting the
    glyphs from ``i`` on, so the lines from any start are the same as the whole
    paragraph's from there (a paragraph split over two pages keeps its lines). As in
    greedy breaking, a word or number is cut (a POOR break) only where a line has no
    other break.
    """
    n = len(glyphs)
    if n == 0:
        return []
    first_room, room = widths(0), widths(1)
    p = _Paragraph(glyphs)
    # The starts a line can have (from the first glyph, through the breaks weighed), and
    # each one's choices: the end of a paragraph or line, or the breaks worth weighing.
    # Only these are costed: most glyphs can never start a line.
    ends: dict[int, int] = {}  # start -> where its last line ends (a newline or n)
    breaks: dict[int, list[tuple[int, float, float | None]]] = {}
    todo = [0]
    while todo:
        i = todo.pop()
        if i >= n or i in ends or i in breaks:
            continue
        r = first_room if i == 0 else room
        j = p.overflow(i, r)
        if j >= n or glyphs[j].ch == "\n":  # the rest of the paragraph or of the line
            ends[i] = j
            todo.append(j + 1)
        else:
            breaks[i] = found = p.choices(i, j, r, max_spread, max_squeeze)
            todo.extend(p.resume[k] for k, _, _ in found)
    best: list[float] = [0.0] * (n + 1)
    step: list[tuple[int, bool]] = [(n, True)] * (n + 1)
    for i in sorted([*ends, *breaks], reverse=True):
        if i in ends:
            j = ends[i]
            cost = best[min(j + 1, n)] + _LINE
            if i and glyphs[i - 1].ch != "\n" and p.drawn[j] - p.drawn[i] <= SHORT_LAST_GLYPHS:
                cost += _SHORT_LAST  # the end of a paragraph (or of a line) left alone
            best[i], step[i] = cost, (j, True)
            continue
        choice: tuple[float, int] | None = None
        for k, bad, cut in breaks[i]:  # the cheapest; the earliest of equal cost
            cost = best[p.resume[k]] + _LINE + bad
            if cut is not None:
                cost += cut
            if choice is None or cost < choice[0] or (cost == choice[0] and k < choice[1]):
                choice = (cost, k)
        assert choice is not None
        best[i], step[i] = choice[0], (choice[1], False)
    out: list[Line] = []
    i = 0
    while i < n:
        k, hard = step[i]
        out.append(_line(glyphs, i, k, last=hard))
        i = (k + 1) if hard else p.resume[k]
    return out


class _Paragraph:
    """What total-fit breaking reads of a paragraph's glyphs, worked out once."""

    def __init__(self, glyphs: Sequence[Glyph]) -> None:
        n = len(glyphs)
        self.glyphs = glyphs
        self.n = n
        self.space = space = [g.is_space for g in glyphs]
        self.ends = ends = [0.0]  # ends[k]: the width of glyphs[:k]
        self.drawn = drawn = [0]  # drawn[k]: how many of glyphs[:k] are drawn (no spaces)
        for g, blank in zip(glyphs, space, strict=True):
            ends.append(ends[-1] + g.width)
            drawn.append(drawn[-1] + (not blank))
        self.quality = (
            [GOOD]
            + [
                quality_at(glyphs, k) if space[k - 1] or space[k] else _adjacent_quality(glyphs, k)
                for k in range(1, n)
            ]
            + [GOOD]
        )
        # trimmed[k]: a line broken before glyph k ends after its last glyph that is no space
        self.trimmed = trimmed = list(range(n + 1))
        for k in range(1, n + 1):
            if space[k - 1]:  # a newline is no space
                trimmed[k] = trimmed[k - 1]
        # resume[k]: where the next line starts after a break before glyph k (spaces dropped)
        self.resume = resume = list(range(n + 1))
        for k in range(n - 1, -1, -1):
            if space[k]:
                resume[k] = resume[k + 1]
        self.newline = newline = [n] * (n + 1)  # the first newline at or after k
        for k in range(n - 1, -1, -1):
            newline[k] = k if glyphs[k].ch == "\n" else newline[k + 1]

    def overflow(self, i: int, r: float) -> int:
        """Like :func:`_overflow`, from the running widths."""
        j = bisect_right(self.ends, self.ends[i] + r + FUZZ, lo=i) - 1  # glyphs[i:j] fit
        space, n = self.space, self.n
        while j < n and space[j]:
            j += 1  # spaces may hang past the end of a line
        j = min(j, self.newline[i])
        return j if j > i else i

    def choices(
        self,
        i: int,
        j: int,
        r: float,
        max_spread: float,
        max_squeeze: float,
    ) -> list[tuple[int, float, float | None]]:
        """The breaks worth weighing for a line from glyph ``i`` of room ``r`` that greedy
        breaking would overflow at ``j``: (break, badness, cut), the line's cost being
        the cost of the rest + _LINE + badness (+ cut)."""
        em = self.glyphs[i].size or 1.0
        ends, trimmed, quality = self.ends, self.trimmed, self.quality
        start = ends[i]
        squeeze, spread = max_squeeze * em, max_spread * em
        # a line may be a little too long: its characters set up to max_squeeze em closer
        top = max(j, self.overflow(i, r * (1 + max_squeeze)))
        if self.newline[i] < top:
            top = j
        for wanted in (GOOD, POOR):  # cut a word only where a line has no other break
            cut = _CUT if wanted == POOR else 0.0
            found: list[tuple[int, float, float | None]] = []
            for k in range(top, i, -1):
                if quality[k] != wanted:
                    continue
                end = trimmed[k]
                gaps = end - i - 1
                short = r - (ends[end] - start)
                if short < -FUZZ:
                    if gaps <= 0 or -short > squeeze * gaps:
                        continue
                    bad = 100.0 * (-short / (squeeze * gaps)) ** 2
                elif gaps > 0 and short <= spread * gaps + FUZZ:
                    bad = 100.0 * (short / (spread * gaps)) ** 2
                elif found:
                    break  # shorter lines are ragged too: the longest ragged one was taken
                else:  # spread to the limit, short by the rest
                    bad = _RAGGED + 100.0 * (short - spread * max(gaps, 0)) / em
                found.append((k, bad, cut))
            if found:
                return found
        # nowhere to break: cut where the greedy breaker would
        return [(_best_break(self.glyphs, i, j), _CUT, None)]


def _best_break(glyphs: Sequence[Glyph], start: int, overflow: int) -> int:
    """Where to end a line that starts at ``start`` and cannot take glyph ``overflow``."""
    if overflow <= start:
        return start + 1  # one glyph wider than the line: it goes alone
    poor = None
    for k in range(overflow, start, -1):
        q = quality_at(glyphs, k)
        if q == GOOD:
            return k
        if q == POOR and poor is None:
            poor = k
    return poor if poor is not None else overflow


def _line(glyphs: Sequence[Glyph], start: int, end: int, *, last: bool) -> Line:
    while end > start and glyphs[end - 1].is_space:
        end -= 1
    return Line(start, end, sum(g.width for g in glyphs[start:end]), last)


# ---------------------------------------------------------------------------------------
# Glyphs from text

_widths: dict[tuple[str, str], float] = {}


def char_width(ch: str, font: str) -> float:
    """Advance width of one character at 1 pt."""
    key = (font, ch)
    w = _widths.get(key)
    if w is None:
        w = _widths[key] = pdfmetrics.stringWidth(ch, font, 1000) / 1000
    return w


def _spans(content: Content) -> list[Span]:
    if isinstance(content, str):
        return [Span(content)]
    if isinstance(content, Span):
        return [content]
    return [Span(c) if isinstance(c, str) else c for c in content]


# Glyphs are immutable values: one of each (character, font, size, tracking, underline,
# group) serves every text (making a frozen dataclass was most of the cost of shaping).
_GlyphKey = tuple[str, str, float, float, bool, int]
_glyphs: dict[_GlyphKey, Glyph] = {}
_GLYPHS_KEPT = 100_000


def _glyph(key: _GlyphKey) -> Glyph:
    ch, font, size, track, underline, group = key
    width = 0.0 if ch == "\n" else char_width(ch, font) * size + track
    if len(_glyphs) >= _GLYPHS_KEPT:
        _glyphs.clear()
    g = _glyphs[key] = Glyph(ch, font, size, width, underline, group)
    return g


def shape(content: Content, style: Style, fonts: FontSet) -> list[Glyph]:
    """Glyphs of ``content`` in ``style``, each in the font that has it."""
    glyphs: list[Glyph] = []
    append, known = glyphs.append, _glyphs.get
    group = 0
    for span in _spans(content):
        bold = style.bold if span.bold is None else span.bold
        size = span.size or style.size
        base = fonts.bold if bold else fonts.regular
        underline = span.underline
        if underline:
            group += 1
        mark = group if underline else 0
        track = style.tracking * size
        for text, font in fonts.runs(span.text, base):
            for ch in text:
                if ch == "\t":
                    ch = " "
                elif ch < " " and ch != "\n":
                    continue  # \r and other control characters print nothing
                key = (ch, font, size, track, underline, mark)
                append(known(key) or _glyph(key))
    return glyphs


@dataclass
class _Shaped:
    """A text shaped once, and its lines for each room it was broken for."""

    fonts: FontSet
    glyphs: list[Glyph]
    breaks: dict[tuple[float, float, bool, float, float], list[Line]]


_Memo = dict[tuple[Any, Style, int], _Shaped]
_MEMO: ContextVar[_Memo | None] = ContextVar("layout_memo", default=None)


@contextmanager
def remembered() -> Iterator[None]:
    """Within this block (in this thread), a paragraph of a text already set in the same
    style and fonts reuses its glyphs and, for the same room, its lines: shaping and
    total-fit breaking are pure, and the same texts recur (the kits of 30 villages set
    about 12,000 paragraphs, 1,300 different ones). The shared glyph and line lists are
    never changed (a split makes new ones). Forgotten when the outermost block ends."""
    token = _MEMO.set({}) if _MEMO.get() is None else None
    try:
        yield
    finally:
        if token is not None:
            _MEMO.reset(token)


def _shaped(memo: _Memo, content: Content, style: Style, fonts: FontSet) -> _Shaped:
    key = (content if isinstance(content, str | Span) else tuple(content), style, id(fonts))
    found = memo.get(key)
    if found is None or found.fonts is not fonts:
        found = memo[key] = _Shaped(fonts, shape(content, style, fonts), {})
    return found


# ---------------------------------------------------------------------------------------
# The paragraph flowable


class Paragraph(Flowable):  # type: ignore[misc]
    """A paragraph of Chinese text set with :func:`break_lines`; splits across pages.

    ``content`` is a string, a :class:`Span` or a list of them; "\\n" starts a new line.
    """

    # em between characters beyond which a line is left ragged: more reads as letter-spaced
    # text ("1 4号"). A line broken early before something that cannot be cut
    # ("（￥12,300.00）", "2026年12月15日") is justified when that takes no more.
    MAX_SPREAD = 0.1
    MAX_SQUEEZE = 0.03  # em closer, for a line that would otherwise be left ragged

    def __init__(
        self,
        content: Content,
        style: Style = BODY,
        fonts: FontSet | None = None,
        *,
        _glyphs: list[Glyph] | None = None,
    ) -> None:
        super().__init__()
        if _glyphs is None:
            style = density().style(style)
        self.style = style
        self.fonts = fonts or get_fonts()
        self._shaped: _Shaped | None = None
        memo = _MEMO.get()
        if _glyphs is not None:
            self.glyphs = _glyphs
        elif memo is not None:
            self._shaped = _shaped(memo, content, style, self.fonts)
            self.glyphs = self._shaped.glyphs
        else:
            self.glyphs = shape(content, style, self.fonts)
        self.continues = False  # the head of a split paragraph: its last line is justified too
        # keep_with_next is handled by build_pdf (reportlab's keepWithNext would move a
        # heading and the whole of a long paragraph after it to the next page)
        self._lines: list[Line] = []
        self._wrapped_for: float | None = None

    # -- layout
    def _room(self, width: float) -> Callable[[int], float]:
        s = self.style
        first = width - s.left_indent - s.right_indent - s.first_indent * s.size
        rest = width - s.left_indent - s.right_indent
        return lambda n: first if n == 0 else rest

    def lines_for(self, width: float) -> list[Line]:
        if self._wrapped_for != width:
            room = self._room(width)
            justify = self.style.align == "justify"
            key = (room(0), room(1), justify, self.MAX_SPREAD, self.MAX_SQUEEZE)
            shaped = self._shaped
            lines = shaped.breaks.get(key) if shaped is not None else None
            if lines is None:
                lines = break_lines(
                    self.glyphs,
                    room,
                    justify=justify,
                    max_spread=self.MAX_SPREAD,
                    max_squeeze=self.MAX_SQUEEZE,
                )
                if shaped is not None:
                    shaped.breaks[key] = lines
            self._lines = lines
            self._wrapped_for = width
        return self._lines

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        lines = self.lines_for(availWidth)
        self.width = availWidth
        self.height = len(lines) * self.style.leading
        return availWidth, self.height

    def getSpaceBefore(self) -> float:
        return self.style.space_before

    def getSpaceAfter(self) -> float:
        return self.style.space_after

    def text(self) -> str:
        return "".join(g.ch for g in self.glyphs)

    def _part(self, start: int, end: int, *, first: bool, last: bool) -> Paragraph:
        style = self.style
        if not first:
            style = replace(style, first_indent=0, space_before=0)
        if not last:
            style = replace(style, space_after=0, keep_with_next=False)
        part = Paragraph("", style, self.fonts, _glyphs=self.glyphs[start:end])
        part.continues = not last or self.continues
        return part

    def split_at_line(self, n: int, width: float) -> tuple[Paragraph, Paragraph]:
        """The first ``n`` lines (at ``width``) and the rest, as two paragraphs."""
        lines = self.lines_for(width)
        cut = lines[n].start
        head = self._part(0, cut, first=True, last=False)
        tail = self._part(cut, len(self.glyphs), first=False, last=True)
        # the parts keep the whole paragraph's lines (breaking the head alone could differ:
        # its last line would cost nothing)
        head._lines, head._wrapped_for = lines[:n], width
        tail._lines = [replace(x, start=x.start - cut, end=x.end - cut) for x in lines[n:]]
        tail._wrapped_for = width
        return head, tail

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        lines = self.lines_for(availWidth)
        fit = int((availHeight + FUZZ) // self.style.leading)
        if fit >= len(lines):
            return [self]
        if len(lines) <= 3 or fit < 2:
            return []  # never one line alone at the bottom of a page: move it all
        if len(lines) - fit == 1:
            fit -= 1  # nor a last line alone at the top of the next page
        head, tail = self.split_at_line(fit, availWidth)
        return [head, tail]

    # -- drawing
    def draw(self) -> None:
        s = self.style
        lines = self.lines_for(self.width)
        top = self.height
        for n, line in enumerate(lines):
            glyphs = self.glyphs[line.start : line.end]
            if not glyphs:
                top -= s.leading
                continue
            size = max(g.size for g in glyphs)
            baseline = top - (s.leading - size) / 2 - 0.88 * size
            top -= s.leading
            indent = s.left_indent + (s.first_indent * s.size if n == 0 else 0.0)
            room = self._room(self.width)(n)
            track = s.tracking * s.size  # glyph widths include it; the last one's is not seen
            seen = line.width - track
            spread = 0.0
            x = indent
            if s.align == "center":
                x += (room - seen) / 2
            elif s.align == "right":
                x += room - seen
            elif s.align == "justify" and len(glyphs) > 1 and not self._is_last(n, line):
                # at most MAX_SPREAD em: a line that needs more stays short by the rest
                # (a line set a little too long by the breaker has a small negative spread)
                spread = min((room - line.width) / (len(glyphs) - 1), self.MAX_SPREAD * size)
            self._draw_line(glyphs, x, baseline, spread, track)

    def _is_last(self, n: int, line: Line) -> bool:
        """Whether line ``n`` ends its paragraph (not justified)."""
        if self.continues and n == len(self._lines) - 1:
            return line.end < len(self.glyphs) and self.glyphs[line.end].ch == "\n"
        return line.last

    def _draw_line(
        self, glyphs: Sequence[Glyph], x: float, baseline: float, spread: float, track: float
    ) -> None:
        """One line; ``spread`` is added after each glyph (justification) on top of its
        width, which already holds the style's ``track``."""
        canv = self.canv
        tx = canv.beginText(x, baseline)
        tx.setCharSpace(spread + track)
        underlines: list[tuple[float, float, float]] = []
        run: list[str] = []
        font, size = glyphs[0].font, glyphs[0].size
        tx.setFont(font, size)
        pos = x
        ul_start: float | None = None
        for i, g in enumerate(glyphs):
            if g.font != font or g.size != size:
                tx.textOut("".join(run))
                run = []
                font, size = g.font, g.size
                tx.setFont(font, size)
                tx.setCharSpace(spread + track)
            run.append(g.ch)
            if g.underline and ul_start is None:
                ul_start = pos
            pos += g.width
            end_ul = g.underline and (i + 1 == len(glyphs) or glyphs[i + 1].group != g.group)
            if end_ul and ul_start is not None:
                underlines.append((ul_start, pos, g.size))
                ul_start = None
            pos += spread
        tx.textOut("".join(run))
        canv.drawText(tx)
        if underlines:
            canv.saveState()
            canv.setLineWidth(0.6)
            for x0, x1, sz in underlines:
                y = baseline - 0.16 * sz
                canv.line(x0, y, x1, y)
            canv.restoreState()


def para(content: Content, style: Style = BODY, fonts: FontSet | None = None) -> Paragraph:
    return Paragraph(content, style, fonts)


def paragraphs(text: str, style: Style = BODY, fonts: FontSet | None = None) -> list[Paragraph]:
    """One paragraph per line of ``text`` (empty lines dropped); a blank line if empty."""
    parts = [p.strip() for p in text.replace("\r\n", "\n").split("\n")]
    parts = [p for p in parts if p]
    if not parts:
        return [Paragraph(blank(20), style, fonts)]
    return [Paragraph(p, style, fonts) for p in parts]


# ---------------------------------------------------------------------------------------
# Tables

GRID = 0.75


def table(
    rows: Sequence[Sequence[Flowable | list[Flowable] | Content | None]],
    col_widths: Sequence[float],
    *,
    style: Style = CELL,
    grid: bool = True,
    padding: float = 4.0,
    extra: Iterable[tuple[Any, ...]] = (),
    fonts: FontSet | None = None,
    repeat_rows: int = 0,
    row_heights: Sequence[float | None] | None = None,
) -> Table:
    """A table of paragraphs; ``None`` or empty text makes an empty cell.

    An ``("ALIGN", start, stop, "CENTER")`` command of ``extra`` aligns the text of the
    paragraphs made here from text (a paragraph fills its cell, so reportlab's own ALIGN
    would not move it). The table's own font is ours too: reportlab draws every cell after
    setting the style's font, which would otherwise be a Helvetica that is not embedded.
    """
    fonts = fonts or get_fonts()
    extra = list(extra)
    padding = space(padding)
    if row_heights is not None:
        row_heights = [None if h is None else space(h) for h in row_heights]
    n_rows = len(rows)
    n_cols = len(col_widths)
    data: list[list[Flowable | str]] = []
    for r, row in enumerate(rows):
        cells: list[Flowable | str] = []
        for col, cell in enumerate(row):
            if cell is None or cell == "":
                cells.append("")
            elif isinstance(cell, Flowable):
                cells.append(cell)
            elif isinstance(cell, list) and cell and all(isinstance(c, Flowable) for c in cell):
                cells.append(cell)  # a cell of several flowables
            else:
                align = _cell_align(extra, r, col, n_rows, n_cols)
                own = (
                    style if align is None or align == style.align else replace(style, align=align)
                )
                cells.append(Paragraph(cell, own, fonts))
        data.append(cells)
    set_in = density().style(style)
    commands: list[tuple[Any, ...]] = [
        ("FONTNAME", (0, 0), (-1, -1), fonts.regular),
        ("FONTSIZE", (0, 0), (-1, -1), set_in.size),
        ("LEADING", (0, 0), (-1, -1), set_in.leading),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), padding),
        ("RIGHTPADDING", (0, 0), (-1, -1), padding),
        ("TOPPADDING", (0, 0), (-1, -1), padding),
        ("BOTTOMPADDING", (0, 0), (-1, -1), padding),
    ]
    if grid:
        commands.append(("GRID", (0, 0), (-1, -1), GRID, "black"))
    commands += extra
    heights = list(row_heights) if row_heights is not None else None
    t = Table(data, colWidths=list(col_widths), rowHeights=heights, repeatRows=repeat_rows)
    t.setStyle(TableStyle(commands))
    return t


_ALIGN_NAMES = {"LEFT": "left", "CENTER": "center", "CENTRE": "center", "RIGHT": "right"}


def _cell_align(
    commands: Sequence[tuple[Any, ...]], row: int, col: int, n_rows: int, n_cols: int
) -> str | None:
    """The alignment the last ALIGN command covering cell (``col``, ``row``) asks for."""
    found: str | None = None
    for command in commands:
        if len(command) != 4 or command[0] != "ALIGN":
            continue
        (c0, r0), (c1, r1) = command[1], command[2]
        c0, c1 = (c + n_cols if c < 0 else c for c in (c0, c1))
        r0, r1 = (r + n_rows if r < 0 else r for r in (r0, r1))
        if c0 <= col <= c1 and r0 <= row <= r1:
            found = _ALIGN_NAMES.get(str(command[3]).upper(), found)
    return found


# ---------------------------------------------------------------------------------------
# Measuring and keeping together


def height_of(flowables: Sequence[Flowable], width: float = BLOCK_WIDTH) -> float:
    """The height ``flowables`` take in a frame, spaces merged the way a frame does."""
    total = 0.0
    previous_after: float | None = None
    for f in flowables:
        h: float = f.wrap(width, BLOCK_HEIGHT)[1]
        total += h
        if previous_after is not None:
            total += max(previous_after, float(f.getSpaceBefore()))
        previous_after = float(f.getSpaceAfter())
    return total


def keep_together(flowables: Sequence[Flowable]) -> Flowable:
    return KeepTogether(list(flowables))


def _stack(items: Sequence[tuple[float, float, float]]) -> float:
    """Height of (height, space before, space after) items stacked the way a frame does."""
    total = 0.0
    previous: float | None = None
    for h, before, after in items:
        total += h
        if previous is not None:
            total += max(previous, before)
        previous = after
    return total


class KeepWithText(Flowable):  # type: ignore[misc]
    """Paragraphs followed by a block (signatures) that must stay whole, on one page,
    below some of the text.

    The text flows onto as many pages as it needs; the page that takes the block also
    takes the rest of the text. The break before that page is chosen so that the whole
    of the last of the first ``strict`` paragraphs (the last term of an agreement) is on
    the block's page, whatever that leaves empty on the page before (documents that mind
    set themselves tighter, see :func:`fit`); only when the last term, the text after it
    and the block are more than a page does the block keep less (at least a line) of the
    text. Among the allowed breaks, the one that fills the page before the most.

    A paragraph of three lines or fewer is never split; a longer one leaves at least two
    lines on either side; a heading (``keep_with_next``) never ends a page. The last
    ``closing`` paragraphs ("此致" and the addressee) do not count as text: the block's
    page takes at least a line of the text before them.

    The block and the last line of the text must fit on one page; callers check that
    (:func:`fits_one_page`). This flowable is always split, so it must not follow a
    ``keep_with_next`` flowable: put such a heading into ``text``.
    """

    # Mark placed when the block could not keep the last strict paragraph on its page
    APART = "kept-apart"

    def __init__(
        self,
        text: Sequence[Paragraph],
        block: Sequence[Flowable],
        *,
        strict: int,
        closing: int = 0,
        page_height: float = BLOCK_HEIGHT,
    ) -> None:
        super().__init__()
        self.text = list(text)
        self.block = list(block)
        self.strict = strict
        self.closing = closing  # the last paragraphs ("此致", the addressee) are no text
        self.page_height = page_height

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        return availWidth, 0xFFFFFF  # always asked to split (like KeepTogether)

    def getSpaceBefore(self) -> float:
        # The frame takes it off the height it offers to split() (below other text), as it
        # will when it places the first paragraph: the room computed here is the real one.
        return self.text[0].getSpaceBefore() if self.text else 0.0

    def _pieces(self, p: int, keep: int, width: float) -> tuple[list[Flowable], list[Paragraph]]:
        """What stays (text before paragraph ``p`` and its first ``keep`` lines) and the
        text that goes on."""
        if keep == 0:
            return list(self.text[:p]), self.text[p:]
        head, tail = self.text[p].split_at_line(keep, width)
        return [*self.text[:p], head], [tail, *self.text[p + 1 :]]

    def _breaks(self, width: float) -> Iterator[tuple[int, int]]:
        """Every allowed break, in reading order: (paragraph, lines of it that stay). The
        block's page takes at least a line of text before the closing paragraphs."""
        for p, t in enumerate(self.text[: len(self.text) - self.closing]):
            if not (p and self.text[p - 1].style.keep_with_next):  # a heading alone
                yield p, 0
            n = len(t.lines_for(width))
            for keep in range(2, n - 1):  # two lines at least on either side
                yield p, keep

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        width = availWidth
        room = availHeight + FUZZ
        paras = [
            (len(t.lines_for(width)), t.style.leading, t.getSpaceBefore(), t.getSpaceAfter())
            for t in self.text
        ]
        block = (
            height_of(self.block, width),
            self.block[0].getSpaceBefore() if self.block else 0.0,
            0.0,
        )
        whole = [(n * lead, before, after) for n, lead, before, after in paras]
        if _stack([*whole, block]) <= room:
            return [*self.text, *self.block]
        last_strict = self.strict - 1
        fresh = availHeight >= self.page_height - FUZZ  # a page of its own
        best: dict[bool, tuple[float, int, int]] = {}  # strict? -> (waste, p, keep)
        flow: tuple[int, int] | None = None
        for p, keep in self._breaks(width):
            n, lead, before, after = paras[p]
            stays = whole[:p] + ([(keep * lead, before, 0.0)] if keep else [])
            here = _stack(stays)
            if here > room:
                break
            goes = [((n - keep) * lead, before if keep == 0 else 0.0, after), *whole[p + 1 :]]
            if _stack([*goes, block]) > self.page_height + FUZZ:
                if stays:
                    flow = (p, keep)  # the text must go on: fill this page
                continue
            waste = availHeight - here
            strict = self.strict == 0 or p < last_strict or (p == last_strict and keep == 0)
            for kind in {strict, False}:
                if kind not in best or waste < best[kind][0]:
                    best[kind] = (waste, p, keep)
        choice = best.get(True) or best.get(False)
        if choice is not None:
            _, p, keep = choice
            here_items, rest = self._pieces(p, keep, width)
            if not here_items:
                return []  # all of it goes to the next page
            apart = [] if True in best else [Mark(self.APART)]
            return [*here_items, *apart, KeepTogether([*rest, *self.block])]
        if flow is None:
            if fresh:  # not even a page of its own holds the block with the text it needs
                return [*self.text, Mark(self.APART), *self.block]
            return []  # nothing fits here: try the next page
        p, keep = flow
        here_items, rest = self._pieces(p, keep, width)
        more = KeepWithText(
            rest,
            self.block,
            strict=max(self.strict - p, 0),
            closing=self.closing,
            page_height=self.page_height,
        )
        return [*here_items, more]

    def draw(self) -> None:  # never drawn itself: always split into its parts
        raise AssertionError("KeepWithText is split, not drawn")


def keep_headings(story: Sequence[Flowable], width: float = BLOCK_WIDTH) -> list[Flowable]:
    """Before each ``keep_with_next`` paragraph, a conditional page break: the heading goes
    to the next page unless it and the first two lines of what follows fit on this one
    (all of a paragraph of three lines or fewer, which is never split)."""
    out: list[Flowable] = []
    for i, f in enumerate(story):
        if isinstance(f, Paragraph) and f.style.keep_with_next and i + 1 < len(story):
            nxt = story[i + 1]
            if isinstance(nxt, Paragraph):  # three lines or fewer never split: all of them
                lines = len(nxt.lines_for(width))
                follow = (lines if lines <= 3 else 2) * nxt.style.leading
            elif isinstance(nxt, KeepWithText):
                follow = 2 * BODY_LEADING
            elif isinstance(nxt, RuleLines):  # three lines do not split 2 + 1
                follow = nxt.least_first_part * nxt.leading
            elif isinstance(nxt, KeepTogether):  # moves on whole (if it fits a page)
                whole = height_of(nxt._content, width)
                follow = whole if whole <= BLOCK_HEIGHT else 2 * BODY_LEADING
            else:
                follow = min(nxt.wrap(width, BLOCK_HEIGHT)[1], 2 * BODY_LEADING)
            between = max(float(f.getSpaceAfter()), float(nxt.getSpaceBefore()))
            need = f.getSpaceBefore() + f.wrap(width, BLOCK_HEIGHT)[1] + between + follow
            out.append(CondPageBreak(need))
        out.append(f)
    return out


def fits_one_page(flowables: Sequence[Flowable], width: float = BLOCK_WIDTH) -> bool:
    return height_of(flowables, width) <= BLOCK_HEIGHT + FUZZ


# ---------------------------------------------------------------------------------------
# The document


class _PagedCanvas(Canvas):  # type: ignore[misc]
    """Holds the pages back until the end, then writes "第x页 共y页" on each.

    reportlab's :meth:`save` at the end of a build only marks the pages complete; the PDF
    is written by :meth:`write`, when someone asks for it (:attr:`Laid.pdf`): a layout
    that :func:`fit` tries and rejects is never serialised (fonts subset, streams
    compressed), which was about half of the work of each try."""

    def __init__(self, *args: Any, footer_font: str, footer: bool, **kwargs: Any) -> None:
        # The canvas starts every page in a font; make it ours, or the PDF would also
        # reference a Helvetica that is not embedded.
        if kwargs.get("initialFontName") is None:
            kwargs["initialFontName"] = footer_font
            kwargs["initialFontSize"] = SIZE_SMALL_4
        super().__init__(*args, **kwargs)
        self._pages: list[dict[str, Any]] = []
        self._group_starts: list[int] = [0]  # pages (0-based) where a numbering starts
        self.marks: dict[str, int] = {}  # Mark name -> page (0-based) it was placed on
        self._footer_font = footer_font
        self._footer = footer

    def start_page_group(self) -> None:
        """Number the pages from this one on afresh (a new record in the same file)."""
        if self._group_starts[-1] != len(self._pages):
            self._group_starts.append(len(self._pages))

    def showPage(self) -> None:
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        self._complete = True

    def write(self) -> None:
        """Number the pages and write the PDF to the file given (once, after the build)."""
        if not getattr(self, "_complete", False):
            raise RuntimeError("the document was not built to its end")
        ends = [*self._group_starts[1:], len(self._pages)]
        for start, end in zip(self._group_starts, ends, strict=True):
            for index in range(start, end):
                self.__dict__.update(self._pages[index])
                if self._footer:
                    number, total = index - start + 1, end - start
                    self.setFont(self._footer_font, SIZE_SMALL_4)
                    self.drawCentredString(
                        PAGE_WIDTH / 2, FOOTER_BASELINE, f"第{number}页 共{total}页"
                    )
                super().showPage()
        super().save()


class PageGroup(Flowable):  # type: ignore[misc]
    """Put at the top of a record that is signed on its own (one 调解记录 of several in a
    file): its pages are numbered "第1页 共n页" afresh. Takes no space."""

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        return 0.0, 0.0

    def draw(self) -> None:
        start = getattr(self.canv, "start_page_group", None)
        if start is not None:
            start()


class Mark(Flowable):  # type: ignore[misc]
    """Takes no space; records the page it lands on under ``name`` (see :class:`Laid`)."""

    def __init__(self, name: str) -> None:
        super().__init__()
        self.name = name

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        return 0.0, 0.0

    def draw(self) -> None:
        marks = getattr(self.canv, "marks", None)
        if marks is not None:
            marks[self.name] = len(self.canv._pages)


@dataclass(frozen=True)
class Laid:
    """A document laid out: how its pages are filled, and its PDF (written when first
    asked for: ``write`` makes the bytes)."""

    write: Callable[[], bytes] = field(repr=False, compare=False)
    free: tuple[float, ...]  # points left empty at the foot of each page
    marks: dict[str, int]  # Mark name -> page (0-based)
    density: Density = NORMAL

    @property
    def pdf(self) -> bytes:
        return self.write()  # written the first time, the same bytes after

    @property
    def pages(self) -> int:
        return len(self.free)

    def page_of(self, name: str) -> int:
        return self.marks[name]

    def gap_before(self, page: int) -> float:
        """The most space left empty at the foot of a page before ``page``."""
        return max(self.free[:page], default=0.0)


@dataclass(frozen=True)
class DocInfo:
    """PDF metadata."""

    title: str
    author: str = ""
    subject: str = ""
    keywords: str = ""


CREATOR = "乡镇人民调解工作台 (Mediation Desk)"


def build_pdf(
    story: list[Flowable],
    info: DocInfo,
    *,
    fonts: FontSet | None = None,
    footer: bool = True,
    on_page: Callable[[Canvas], None] | None = None,
) -> bytes:
    """Lay ``story`` out on A4 pages and return the PDF; same input, same bytes.

    ``on_page`` draws on every page before its text (e.g. the 草稿 mark of a draft)."""
    return lay_out(story, info, fonts=fonts, footer=footer, on_page=on_page).pdf


def fit(
    make_story: Callable[[], list[Flowable]],
    info: DocInfo,
    *,
    good: Callable[[Laid], bool],
    rank: Callable[[Laid], Any] | None = None,
    fonts: FontSet | None = None,
    footer: bool = True,
    on_page: Callable[[Canvas], None] | None = None,
    densities: Sequence[Density] = DENSITIES,
) -> Laid:
    """The story ``make_story()`` makes, laid out in the first of ``densities`` (loosest
    first) whose layout is ``good``; when none is, the one ``rank`` puts first (the
    loosest of equals), or the first."""
    tried: list[Laid] = []
    for d in densities:
        with setting(d):
            laid = lay_out(make_story(), info, fonts=fonts, footer=footer, on_page=on_page)
        if good(laid):
            return laid
        tried.append(laid)
    if rank is None:
        return tried[0]
    return min(tried, key=rank)


def lay_out(
    story: list[Flowable],
    info: DocInfo,
    *,
    fonts: FontSet | None = None,
    footer: bool = True,
    on_page: Callable[[Canvas], None] | None = None,
) -> Laid:
    """Lay ``story`` out on A4 pages: the PDF (same input, same bytes) and how full its
    pages are. ``on_page`` as for :func:`build_pdf`."""
    fonts = fonts or get_fonts()
    free: list[float] = []

    def page_end(canvas: Canvas, doc: BaseDocTemplate) -> None:
        frame = doc.frame
        free.append(max(float(frame._y - frame._y1p), 0.0))

    buf = io.BytesIO()
    doc = BaseDocTemplate(
        buf,
        pagesize=A4,
        leftMargin=MARGIN_LEFT,
        rightMargin=MARGIN_RIGHT,
        topMargin=MARGIN_TOP,
        bottomMargin=MARGIN_BOTTOM,
        title=info.title,
        author=info.author,
        subject=info.subject,
        keywords=info.keywords,
        creator=CREATOR,
        invariant=1,
        pageCompression=1,
    )
    frame = Frame(
        MARGIN_LEFT,
        MARGIN_BOTTOM,
        BLOCK_WIDTH,
        BLOCK_HEIGHT,
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
        id="body",
    )
    template = PageTemplate(id="page", frames=[frame], onPageEnd=page_end)
    if on_page is not None:
        template.onPage = lambda canvas, _doc: on_page(canvas)
    doc.addPageTemplates([template])
    story = keep_headings(story)
    canvases: list[_PagedCanvas] = []

    def canvas(*args: Any, **kwargs: Any) -> _PagedCanvas:
        c = _PagedCanvas(*args, footer_font=fonts.regular, footer=footer, **kwargs)
        canvases.append(c)
        return c

    doc.build(list(story), canvasmaker=canvas)  # build() consumes the list it is given
    marks = dict(canvases[-1].marks) if canvases else {}

    written: list[bytes] = []

    def write() -> bytes:
        if not written:
            for c in canvases:
                c.write()
            canvases.clear()  # the pages' contents go with the canvas
            written.append(buf.getvalue())
        return written[0]

    return Laid(write, tuple(free), marks, density())
