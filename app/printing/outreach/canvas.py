"""Drawing the outreach printables: one canvas for any number of pages of any size, so
the whole kit (and every village's kit) is drawn in one go and needs no joining.

:class:`KitCanvas` holds its pages back until :meth:`KitCanvas.save`, like the case
documents' canvas (app/printing/layout.py), so a printable that runs over several pages
can print "第x页 共y页" counted within itself, and bookmarks land on the right pages.
Output is deterministic (reportlab's invariant mode): same data, same bytes.

:func:`flow` sets flowing text (layout.Paragraph, tables) in a frame over as many pages as
it needs; the fixed-layout printables (cards, brochure, posters, placard, chart) draw at
absolute positions with :func:`draw_string` and :func:`stack`.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from reportlab.lib.pagesizes import A3, A4, landscape
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Frame

from app.printing import layout as L
from app.printing.fonts import FontSet
from app.printing.outreach.text import MissingDataError, OutreachError

MM = L.MM
Size = tuple[float, float]
A4_PORTRAIT: Size = (float(A4[0]), float(A4[1]))
A4_LANDSCAPE: Size = (float(landscape(A4)[0]), float(landscape(A4)[1]))
A3_PORTRAIT: Size = (float(A3[0]), float(A3[1]))

# Colours: black text, one dark red for titles and bands (prints as dark grey in black and
# white), light greys for fills. No transparency.
INK = (0.0, 0.0, 0.0)
ACCENT = (0.66, 0.09, 0.09)
GREY_TEXT = (0.35, 0.35, 0.35)
GREY_LINE = (0.55, 0.55, 0.55)
TINT = (0.93, 0.93, 0.93)
ACCENT_TINT = (0.97, 0.92, 0.91)
WHITE = (1.0, 1.0, 1.0)

PAGE_NUMBER = "第{n}页 共{total}页"


@dataclass(frozen=True)
class Footer:
    """Where a page's number goes: "第x页 共y页" counted within its group."""

    x: float
    y: float
    size: float = L.SIZE_SMALL_4
    align: str = "center"  # or "right"


class KitCanvas(Canvas):  # type: ignore[misc]
    """A canvas that holds its pages back until :meth:`save`, then numbers them per
    group and writes the bookmarks (see the module's docstring)."""

    def __init__(self, buf: io.BytesIO, fonts: FontSet, info: L.DocInfo) -> None:
        super().__init__(
            buf,
            pagesize=A4_PORTRAIT,
            invariant=1,
            pageCompression=1,
            # the canvas starts every page in a font: ours, or the PDF would also
            # reference a Helvetica that is not embedded
            initialFontName=fonts.regular,
            initialFontSize=L.SIZE_SMALL_4,
        )
        self.setTitle(info.title)
        self.setAuthor(info.author)
        self.setSubject(info.subject)
        self.setKeywords(info.keywords)
        self.setCreator(L.CREATOR)
        self.fonts = fonts
        self._held: list[dict[str, Any]] = []
        self._groups = 0
        self._page_footer: tuple[int, Footer] | None = None
        self._page_marks: list[tuple[str, int]] = []
        self.pages = 0  # pages drawn so far

    # -- pages
    def start_page(self, size: Size) -> None:
        """Begin drawing a page of ``size`` (points, width × height)."""
        self.setPageSize(size)

    def new_group(self) -> int:
        """A new run of pages numbered "第x页 共y页" among themselves."""
        self._groups += 1
        return self._groups

    def number_page(self, group: int, footer: Footer) -> None:
        """This page prints its number within ``group`` at ``footer`` (unless the group
        has only this page)."""
        self._page_footer = (group, footer)

    def mark(self, title: str, level: int = 0) -> None:
        """A bookmark to this page in the PDF's outline (level 0, 1 …)."""
        self._page_marks.append((title, level))

    def showPage(self) -> None:
        self._held.append(dict(self.__dict__))
        self._page_footer = None
        self._page_marks = []
        self.pages += 1
        self._startPage()

    def save(self) -> None:
        # a run of one page carries no number
        totals: dict[int, int] = {}
        for state in self._held:
            if state["_page_footer"] is not None:
                group = state["_page_footer"][0]
                totals[group] = totals.get(group, 0) + 1
        numbers: dict[int, int] = {}
        made = 0  # bookmarks so far (a local: restoring a page's state resets attributes)
        for state in list(self._held):
            self.__dict__.update(state)
            if self._page_footer is not None and totals[self._page_footer[0]] > 1:
                group, f = self._page_footer
                numbers[group] = numbers.get(group, 0) + 1
                text = PAGE_NUMBER.format(n=numbers[group], total=totals[group])
                self.setFillColorRGB(*INK)
                draw_string(self, f.x, f.y, text, f.size, self.fonts, align=f.align)
            for title, level in self._page_marks:
                made += 1
                key = f"m{made}"
                self.bookmarkPage(key)
                self.addOutlineEntry(title, key, level=level, closed=level > 0)
            super().showPage()
        super().save()


# ---------------------------------------------------------------------------------------
# Parts: what each printable hands to the kit


Draw = Callable[[KitCanvas], None]


@dataclass(frozen=True)
class Part:
    """One printable of a village, ready to draw, or left out.

    ``draw`` is None when the printable cannot be made (``problems`` says why);
    ``problems`` also holds what is missing but does not stop printing.
    """

    key: str
    title: str
    draw: Draw | None
    problems: tuple[str, ...] = ()


def left_out(exc: OutreachError, title: str) -> str:
    """Why a printable is left out of the kit, for the list shown before printing."""
    text = str(exc)
    if isinstance(exc, MissingDataError) and "无法打印" in text:
        return text.replace("无法打印", "本次不打印")
    return f"{text}本次不打印{title}。"


def render(draws: Sequence[Draw], info: L.DocInfo, fonts: FontSet) -> bytes:
    """Draw ``draws`` in order on one canvas; the PDF's bytes."""
    buf = io.BytesIO()
    canv = KitCanvas(buf, fonts, info)
    for draw in draws:
        draw(canv)
    if canv.pages == 0:
        raise OutreachError("没有可以打印的内容。")
    canv.save()
    return buf.getvalue()


# ---------------------------------------------------------------------------------------
# Text


def font_of(fonts: FontSet, bold: bool) -> str:
    return fonts.bold if bold else fonts.regular


def text_width(text: str, size: float, fonts: FontSet, *, bold: bool = False) -> float:
    """Width of one line of ``text``, each rare character in its fallback font."""
    return sum(
        float(pdfmetrics.stringWidth(run, font, size))
        for run, font in fonts.runs(text, font_of(fonts, bold))
    )


def draw_string(
    canv: Canvas,
    x: float,
    y: float,
    text: str,
    size: float,
    fonts: FontSet,
    *,
    bold: bool = False,
    align: str = "left",
    tracking: float = 0.0,
) -> float:
    """One line at baseline ``y``; ``x`` is its left end, centre or right end
    (``align``). Rare characters are drawn in their fallback font. Returns its width."""
    track = tracking * size
    w = text_width(text, size, fonts, bold=bold) + track * max(len(text) - 1, 0)
    if align == "center":
        x -= w / 2
    elif align == "right":
        x -= w
    tx = canv.beginText(x, y)
    tx.setCharSpace(track)
    for run, font in fonts.runs(text, font_of(fonts, bold)):
        tx.setFont(font, size)
        tx.textOut(run)
    canv.drawText(tx)
    return w


def fit_size(text: str, width: float, size: float, fonts: FontSet, *, bold: bool = False) -> float:
    """``size``, or smaller so that ``text`` fits ``width`` on one line."""
    w = text_width(text, size, fonts, bold=bold)
    return size if w <= width else size * width / w


def keep_entries(
    entries: Sequence[str], width: float, size: float, fonts: FontSet, sep: str = "\u3000"
) -> str:
    """``entries`` joined by ``sep``, with a line break ("\n") before each entry that
    would not fit on the line any more: an entry ("王建华 13805710001") is not split
    between lines unless it is wider than a line by itself."""
    lines_: list[str] = []
    line = ""
    for entry in entries:
        candidate = f"{line}{sep}{entry}" if line else entry
        if line and text_width(candidate, size, fonts) > width:
            lines_.append(line)
            line = entry
        else:
            line = candidate
    if line:
        lines_.append(line)
    return "\n".join(lines_)


def style(
    size: float,
    *,
    leading: float = 1.5,
    bold: bool = False,
    align: str = "justify",
    first_indent: float = 0.0,
    left_indent: float = 0.0,
    space_before: float = 0.0,
    space_after: float = 0.0,
    tracking: float = 0.0,
) -> L.Style:
    """A paragraph style; ``leading`` is a multiple of ``size``."""
    return L.Style(
        size=size,
        leading=size * leading,
        bold=bold,
        align=align,
        first_indent=first_indent,
        left_indent=left_indent,
        space_before=space_before,
        space_after=space_after,
        tracking=tracking,
    )


def stack_height(paras: Sequence[Flowable], width: float) -> float:
    """The height ``paras`` take stacked top-down (spaces between them merged)."""
    total = 0.0
    after: float | None = None
    for p in paras:
        total += float(p.wrap(width, 1e6)[1])
        if after is not None:
            total += max(after, float(p.getSpaceBefore()))
        after = float(p.getSpaceAfter())
    return total


def stack(canv: Canvas, paras: Sequence[Flowable], x: float, top: float, width: float) -> float:
    """Draw ``paras`` top-down from ``top``; the y of the bottom of the last one."""
    y = top
    after: float | None = None
    for p in paras:
        h = float(p.wrap(width, 1e6)[1])
        if after is not None:
            y -= max(after, float(p.getSpaceBefore()))
        y -= h
        p.drawOn(canv, x, y)
        after = float(p.getSpaceAfter())
    return y


class Colored(L.Paragraph):
    """A paragraph drawn in ``color`` (headings in the accent colour)."""

    def __init__(
        self,
        content: L.Content,
        style: L.Style,
        fonts: FontSet,
        color: tuple[float, float, float] = ACCENT,
    ) -> None:
        super().__init__(content, style, fonts)
        self.color = color

    def draw(self) -> None:
        self.canv.setFillColorRGB(*self.color)
        super().draw()


def lone_line(original: Flowable, parts: Sequence[Flowable], width: float) -> bool:
    """Whether a split of a paragraph leaves its first line alone (layout.Paragraph.split
    does so for a three-line paragraph with room for two; such a split is refused)."""
    if not isinstance(original, L.Paragraph) or len(parts) != 2:
        return False
    head = parts[0]
    return isinstance(head, L.Paragraph) and len(head.lines_for(width)) < 2


def pack(
    flowables: Sequence[Flowable], frames: Sequence[tuple[float, float]]
) -> tuple[list[list[Flowable]], list[Flowable]]:
    """Fill frames of (width, height) with ``flowables`` in order, splitting paragraphs
    between frames as a page would; the frames' contents and what is left over. Draw a
    frame's contents with :func:`stack`. Nothing is drawn here."""
    todo = list(flowables)
    out: list[list[Flowable]] = []
    for width, height in frames:
        here: list[Flowable] = []
        used = 0.0
        after: float | None = None
        while todo:
            f = todo[0]
            gap = 0.0 if after is None else max(after, float(f.getSpaceBefore()))
            room = height - used - gap
            if isinstance(f, NeedSpace):
                todo.pop(0)
                if after is not None and room + 1e-6 < f.height:
                    break
                continue
            h = float(f.wrap(width, room)[1]) if room > 0 else height + 1
            if h <= room + 1e-6:
                here.append(f)
                used += gap + h
                after = float(f.getSpaceAfter())
                todo.pop(0)
                continue
            parts = f.split(width, room) if room > 0 else []
            if len(parts) > 1 and not lone_line(f, parts, width):
                here.append(parts[0])
                todo[0:1] = parts[1:]
            break
        out.append(here)
    return out, todo


# ---------------------------------------------------------------------------------------
# Flowing text over pages


class NeedSpace(Flowable):  # type: ignore[misc]
    """A conditional page break for :func:`flow`: what follows goes to the next page
    unless ``height`` is left on this one (a heading and the first lines after it)."""

    def __init__(self, height: float) -> None:
        super().__init__()
        self.height = height

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        frame = getattr(self, "_frame", None)
        at_top = bool(getattr(frame, "_atTop", False))
        if availHeight + 1e-6 < self.height and not at_top:
            return availWidth, availHeight  # use up the page
        return availWidth, 0.0

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        return []

    def draw(self) -> None:
        pass


def flow(
    canv: KitCanvas,
    story: Sequence[Flowable],
    *,
    size: Size,
    frame: tuple[float, float, float, float],
    decorate: Callable[[KitCanvas, int], None] | None = None,
) -> int:
    """Set ``story`` in ``frame`` (x, y, width, height) on pages of ``size``, as many as
    it takes; ``decorate(canv, n)`` draws what goes around page n (0-based) before its
    text. Returns the number of pages."""
    todo = list(story)
    pages = 0

    def new_frame() -> Frame:
        nonlocal pages
        canv.start_page(size)
        if decorate is not None:
            decorate(canv, pages)
        pages += 1
        x, y, w, h = frame
        return Frame(x, y, w, h, leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)

    f = new_frame()
    empty = True
    while todo:
        head = todo[0]
        if f.add(head, canv, trySplit=1):
            todo.pop(0)
            empty = False
            continue
        parts = f.split(head, canv)
        if lone_line(head, parts, frame[2]):
            parts = []
        if parts and parts[0] is not head and f.add(parts[0], canv, trySplit=1):
            todo[0:1] = parts[1:]
            empty = False
            continue
        if empty:
            raise OutreachError("有一段内容比一页还大，无法排版。")
        canv.showPage()
        f = new_frame()
        empty = True
    canv.showPage()
    return pages


def flow_numbered(
    canv: KitCanvas,
    story: Sequence[Flowable],
    *,
    frame: tuple[float, float, float, float],
    footer: Footer,
    mark: str | None,
    level: int,
) -> int:
    """:func:`flow` on A4 portrait pages numbered among themselves at ``footer``, the
    first one marked (a bookmark ``mark`` at ``level``) unless ``mark`` is None or empty.
    Returns the number of pages."""
    group = canv.new_group()

    def decorate(c: KitCanvas, n: int) -> None:
        if n == 0 and mark:
            c.mark(mark, level)
        c.number_page(group, footer)

    return flow(canv, story, size=A4_PORTRAIT, frame=frame, decorate=decorate)


# ---------------------------------------------------------------------------------------
# Small drawings


def band(
    canv: Canvas,
    x: float,
    y: float,
    w: float,
    h: float,
    color: tuple[float, float, float] = ACCENT,
) -> None:
    """A filled rectangle without outline."""
    canv.saveState()
    canv.setFillColorRGB(*color)
    canv.rect(x, y, w, h, stroke=0, fill=1)
    canv.restoreState()


def hline(
    canv: Canvas,
    x0: float,
    x1: float,
    y: float,
    width: float = 0.6,
    color: tuple[float, float, float] = INK,
) -> None:
    canv.saveState()
    canv.setStrokeColorRGB(*color)
    canv.setLineWidth(width)
    canv.line(x0, y, x1, y)
    canv.restoreState()
