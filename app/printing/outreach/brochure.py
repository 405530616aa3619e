"""宣传册: the A4 landscape tri-fold brochure, two pages (the two sides of one sheet).

Panel widths (mm, left to right), after the usual roll-fold layout: the panel that folds
in is 2 mm narrower than the back so it sits inside the fold without buckling, the cover
1 mm narrower than the back:

- page 1, the outside: inside flap 98 | back 100 | cover 99 (folds at 98 and 198 mm);
- page 2, the inside: inside 1 99 | inside 2 100 | inside 3 98 (folds at 99 and 199 mm).

Print double-sided with **short-edge flip** (landscape pages): the sheet turns over about
its vertical axis, so the inside panel 1 is behind the cover, inside 3 behind the flap,
and the folds of both sides meet (297 − 198 = 99, 297 − 98 = 199). Fold marks are short
lines at the top and bottom edges, at the fold positions (:func:`fold_marks`).

The cover carries the title (content item with ``panel: cover``), the village and the
committee; the back the village's contacts (mediators, 评理说事点, 12348, 110). The other
brochure items flow, in order, through the inside flap (what one sees first on opening
the cover), inside 1 and inside 2, at the largest size from :data:`MAX_SIZE` (12 pt) down
to :data:`MIN_SIZE` (9 pt) at which they fit; beyond that :class:`TextTooLongError` names
the first item that does not fit. Inside 3 shows the steps of a mediation (人民调解法
Arts 17, 19, 22, 28, 33) and the village's 法律明白人.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from reportlab.platypus import Flowable

from app.printing import layout as L
from app.printing.fonts import FontSet, get_fonts
from app.printing.layout import Span
from app.printing.outreach import canvas as K
from app.printing.outreach.data import BROCHURE, ContentItem, KitData
from app.printing.outreach.text import MissingDataError, TextTooLongError, fill, lines

KEY = "brochure"
TITLE = "宣传册"
PAPER = "A4"
ORIENTATION = "landscape"

MM = L.MM
PAGE_WIDTH, PAGE_HEIGHT = K.A4_LANDSCAPE
OUTSIDE = (98 * MM, 100 * MM, 99 * MM)  # inside flap | back | cover
INSIDE = (99 * MM, 100 * MM, 98 * MM)  # inside 1 | inside 2 | inside 3
MARK_FROM = 3 * MM  # fold marks run from this far from the edge …
MARK_TO = 9 * MM  # … to this far
PAD_X = 9 * MM  # text keeps this far from a fold or the sheet's edge
PAD_TOP = 13 * MM
PAD_BOTTOM = 12 * MM
MAX_SIZE = 12.0
MIN_SIZE = 9.0
STEP = 0.25
DEFAULT_COVER = "学法用法　化解纠纷"


def panel_edges(widths: Sequence[float]) -> list[tuple[float, float]]:
    """(left, right) x of each panel."""
    out = []
    x = 0.0
    for w in widths:
        out.append((x, x + w))
        x += w
    return out


def folds(page: int) -> list[float]:
    """The x of the two folds on page 0 (outside) or 1 (inside)."""
    edges = panel_edges(OUTSIDE if page == 0 else INSIDE)
    return [edges[0][1], edges[1][1]]


def fold_marks(page: int) -> list[tuple[float, float, float, float]]:
    """The fold marks (x0, y0, x1, y1) of page 0 or 1: at each fold, one at the top edge
    and one at the bottom edge."""
    out = []
    for x in folds(page):
        out.append((x, PAGE_HEIGHT - MARK_FROM, x, PAGE_HEIGHT - MARK_TO))
        out.append((x, MARK_FROM, x, MARK_TO))
    return out


# ---------------------------------------------------------------------------------------
# Content


@dataclass(frozen=True)
class Section:
    title: str
    paragraphs: tuple[str, ...]


def cover_text(data: KitData) -> tuple[str, str]:
    """The cover's title and subtitle."""
    for item in data.items(BROCHURE):
        if item.get("panel") == "cover":
            return fill(item.title.strip(), data) or DEFAULT_COVER, fill(item.body.strip(), data)
    return DEFAULT_COVER, f"{data.village}人民调解宣传册"


DEFAULT_BACK = "遇到矛盾纠纷　找我们"


def back_title(data: KitData) -> str:
    """The heading of the back panel: the title of the content library's back panel."""
    for item in data.items(BROCHURE):
        if item.get("panel") == "back":
            return fill(item.title.strip(), data) or DEFAULT_BACK
    return DEFAULT_BACK


def sections(data: KitData) -> list[Section]:
    # The back panel is the contact block, built from the registries (_layout_back).
    items: list[ContentItem] = [
        i for i in data.items(BROCHURE) if i.get("panel") not in ("cover", "back")
    ]
    return [
        Section(fill(i.title.strip(), data), tuple(fill(p, data) for p in lines(i.body)))
        for i in items
    ]


def _content_frames() -> list[tuple[float, float, float, float]]:
    """The frames (x, y, width, height) text flows through, in reading order: the inside
    flap (page 0), then inside 1 and 2 (page 1)."""
    height = PAGE_HEIGHT - PAD_TOP - PAD_BOTTOM
    panels = [panel_edges(OUTSIDE)[0], *panel_edges(INSIDE)[:2]]
    return [(a + PAD_X, PAD_BOTTOM, b - a - 2 * PAD_X, height) for a, b in panels]


def _section_flowables(
    secs: Sequence[Section], size: float, fonts: FontSet
) -> tuple[list[Flowable], list[int]]:
    """The sections' headings and paragraphs at ``size``, and the section of each."""
    head = K.style(
        size * 1.3,
        leading=1.45,
        bold=True,
        align="left",
        space_before=size * 1.1,
        space_after=size * 0.4,
    )
    body = K.style(size, leading=1.65, first_indent=2)
    width = _content_frames()[0][2]
    out: list[Flowable] = []
    owner: list[int] = []
    for n, s in enumerate(secs):
        here: list[Flowable] = []
        if s.title:
            heading = K.Colored([Span("■", size=size), Span(" "), Span(s.title)], head, fonts)
            need = heading.wrap(width, 1e4)[1] + head.space_after + 2 * body.leading
            here += [K.NeedSpace(need), heading]
        here += [L.Paragraph(p, body, fonts) for p in s.paragraphs]
        out += here
        owner += [n] * len(here)
    return out, owner


@dataclass(frozen=True)
class BrochureLayout:
    cover: tuple[str, str]
    frames: list[list[Flowable]]  # the flap, inside 1, inside 2
    size: float


def layout_brochure(data: KitData, fonts: FontSet | None = None) -> BrochureLayout:
    """The brochure's texts fitted to the panels; MissingDataError without brochure
    sections, TextTooLongError naming the first section that does not fit."""
    fonts = fonts or get_fonts()
    secs = [s for s in sections(data) if s.title or s.paragraphs]
    if not secs:
        raise MissingDataError("内容库里没有宣传册的内容，无法打印宣传册。")
    frames = [(w, h) for _x, _y, w, h in _content_frames()]
    size = MAX_SIZE
    while True:
        flowables, owner = _section_flowables(secs, size, fonts)
        packed, left = K.pack(flowables, frames)
        if not left:
            return BrochureLayout(cover_text(data), packed, size)
        if size - STEP < MIN_SIZE - 1e-9:
            break
        size -= STEP
    # the section of the first flowable left over (a split tail: the one before the next
    # original flowable, or the last)
    index = {id(f): i for i, f in enumerate(flowables)}
    sec = secs[-1]
    for k, f in enumerate(left):
        if id(f) in index:
            sec = secs[owner[index[id(f)] - (1 if k else 0)]]
            break
    name = sec.title or sec.paragraphs[0][:12]
    raise TextTooLongError(
        f"宣传册的内容太长，字号缩到{MIN_SIZE:g}磅仍排不下三个版面，"
        f"从“{name}”起放不下，请精简宣传册内容或减少篇目。"
    )


# ---------------------------------------------------------------------------------------
# The back (contacts) and the cover

BACK_SIZE = 11.5
BACK_MIN = 8.0


def _back_flowables(data: KitData, size: float, fonts: FontSet) -> list[Flowable]:
    head = K.style(size * 1.1, leading=1.5, bold=True, align="left", space_before=size * 0.9)
    row = K.style(size, leading=1.5, align="left", left_indent=size * 1.0)
    out: list[Flowable] = []
    people = [m for m in data.mediators if m.name.strip()]
    if people:
        out.append(K.Colored("村人民调解员", head, fonts))
        out += [
            L.Paragraph(f"{m.name.strip()}　{m.phone.strip()}".strip(), row, fonts) for m in people
        ]
    else:
        out.append(K.Colored("人民调解委员会", head, fonts))
        out.append(
            L.Paragraph(data.committee.strip() or f"{data.village}人民调解委员会", row, fonts)
        )
    tp = data.talk_point
    if tp is not None:
        out.append(K.Colored("评理说事点", head, fonts))
        out.append(L.Paragraph(tp.name.strip(), row, fonts))
        hang = K.style(size, leading=1.5, align="left", left_indent=size * 4, first_indent=-3)
        for label, value in (
            ("地址", tp.address),
            ("时间", tp.hours),
            ("值守", tp.staff),
            ("电话", tp.phone),
        ):
            if value.strip():
                out.append(L.Paragraph(f"{label}：{value.strip()}", hang, fonts))
    return out


HOTLINE_BLOCK = 30 * MM  # the two hotline boxes and the foot at the bottom of the back


def _layout_back(data: KitData, fonts: FontSet) -> list[Flowable]:
    left, right = panel_edges(OUTSIDE)[1]
    width = right - left - 2 * PAD_X
    height = PAGE_HEIGHT - PAD_TOP - PAD_BOTTOM - HOTLINE_BLOCK - 16 * MM
    size = BACK_SIZE
    while size >= BACK_MIN - 1e-9:
        flowables = _back_flowables(data, size, fonts)
        packed, left_over = K.pack(flowables, [(width, height)])
        if not left_over:
            return packed[0]
        size -= STEP
    raise TextTooLongError(
        f"宣传册封底的联系方式太长（{len(data.mediators)}名调解员和评理说事点），"
        "字号缩到最小仍放不下，请精简评理说事点的地址或开放时间。"
    )


def _draw_back(canv: K.KitCanvas, data: KitData, flowables: list[Flowable]) -> None:
    fonts = canv.fonts
    left, right = panel_edges(OUTSIDE)[1]
    x0, x1 = left + PAD_X, right - PAD_X
    mid = (left + right) / 2
    top = PAGE_HEIGHT - PAD_TOP
    canv.setFillColorRGB(*K.ACCENT)
    K.draw_string(canv, mid, top - 16, back_title(data), 16, fonts, bold=True, align="center")
    K.hline(canv, x0, x1, top - 24, 0.8, K.ACCENT)
    canv.setFillColorRGB(*K.INK)
    K.stack(canv, flowables, x0, top - 16 * MM, x1 - x0)
    # the hotlines: two boxes side by side
    gap = 4 * MM
    w = (x1 - x0 - gap) / 2
    h = 17 * MM
    y = PAD_BOTTOM + 10 * MM
    for n, (number, label) in enumerate(
        ((data.legal_aid_phone, "公共法律服务热线"), (data.police_phone, "报警求助"))
    ):
        bx = x0 + n * (w + gap)
        K.band(canv, bx, y, w, h, K.ACCENT_TINT)
        canv.setFillColorRGB(*K.ACCENT)
        K.draw_string(
            canv, bx + w / 2, y + h - 9 * MM, number, 20, fonts, bold=True, align="center"
        )
        canv.setFillColorRGB(*K.INK)
        K.draw_string(canv, bx + w / 2, y + 3 * MM, label, 9, fonts, align="center")
    canv.setFillColorRGB(*K.GREY_TEXT)
    foot = f"{data.committee.strip() or data.village + '人民调解委员会'}　免费赠阅"
    size = K.fit_size(foot, x1 - x0, 9, fonts)
    K.draw_string(canv, mid, PAD_BOTTOM + 1 * MM, foot, size, fonts, align="center")
    canv.setFillColorRGB(*K.INK)


def _title_lines(title: str) -> list[str]:
    """The cover title's lines: split at spaces (full-width or not), else as one line."""
    parts = [p for p in title.replace("\u3000", " ").split(" ") if p]
    return parts or [title]


SUBTITLE_SIZE = 11.0


def _draw_cover(canv: K.KitCanvas, data: KitData, cover: tuple[str, str]) -> None:
    fonts = canv.fonts
    left, right = panel_edges(OUTSIDE)[2]
    mid = (left + right) / 2
    inner = right - left - 2 * PAD_X
    title, subtitle = cover
    top = PAGE_HEIGHT - PAD_TOP
    canv.setFillColorRGB(*K.GREY_TEXT)
    town = data.town.strip()
    K.draw_string(
        canv,
        mid,
        top - 10,
        f"{town}人民调解" if town else "人民调解",
        11,
        fonts,
        align="center",
        tracking=0.3,
    )
    canv.setFillColorRGB(*K.INK)
    # the band with the title, kept 6 mm inside the panel (no printing to the edge)
    band_x = left + 6 * MM
    band_w = right - left - 12 * MM
    band_h = 78 * MM
    band_y = PAGE_HEIGHT / 2 - band_h / 2 + 12 * MM
    K.band(canv, band_x, band_y, band_w, band_h, K.ACCENT)
    rows = _title_lines(title)
    size = min(K.fit_size(r, inner - 4 * MM, 28, fonts, bold=True) for r in rows)
    lead = size * 1.55
    y = band_y + band_h / 2 + (len(rows) - 1) * lead / 2 - size * 0.35
    canv.setFillColorRGB(*K.WHITE)
    for r in rows:
        K.draw_string(canv, mid, y, r, size, fonts, bold=True, align="center", tracking=0.12)
        y -= lead
    canv.setFillColorRGB(*K.INK)
    committee = data.committee.strip() or f"{data.village}人民调解委员会"
    # The subtitle's lines under the band (the committee has its own line at the foot);
    # an empty line is half a line of space.
    y = band_y - 10 * MM
    for n, line in enumerate(subtitle.replace("\r\n", "\n").split("\n")):
        line = line.strip()
        if line == committee:
            continue
        if not line:
            y -= SUBTITLE_SIZE * 0.8
            continue
        size = K.fit_size(line, inner, SUBTITLE_SIZE + (2 if n == 0 else 0), fonts)
        K.draw_string(canv, mid, y, line, size, fonts, bold=n == 0, align="center")
        y -= size * 1.6
        if y < PAD_BOTTOM + 18 * MM:  # never into the committee's line
            break
    K.draw_string(
        canv,
        mid,
        PAD_BOTTOM + 9 * MM,
        committee,
        K.fit_size(committee, inner, 12, fonts),
        fonts,
        align="center",
    )
    if data.issued_on is not None:
        canv.setFillColorRGB(*K.GREY_TEXT)
        when = f"{data.issued_on.year}年{data.issued_on.month}月"
        K.draw_string(canv, mid, PAD_BOTTOM + 2 * MM, when, 10.5, fonts, align="center")
        canv.setFillColorRGB(*K.INK)


def _draw_marks(canv: K.KitCanvas, page: int) -> None:
    canv.saveState()
    canv.setLineWidth(0.4)
    canv.setStrokeColorRGB(*K.GREY_LINE)
    for x0, y0, x1, y1 in fold_marks(page):
        canv.line(x0, y0, x1, y1)
    canv.restoreState()


SLOGAN = ("有事好商量", "纠纷找调解")
SLOGAN_MIN = 48 * MM  # the box is drawn when inside 2 has this much room left below the text


def _draw_slogan(canv: K.KitCanvas, data: KitData, text_bottom: float) -> None:
    """A box with the slogan in the room left at the bottom of inside 2, if it is enough."""
    x, y, w, _h = _content_frames()[2]
    room = text_bottom - y
    if room < SLOGAN_MIN:
        return
    h = min(room - 16 * MM, 62 * MM)
    y += (room - h) / 2  # centred in the room left
    K.band(canv, x, y, w, h, K.ACCENT_TINT)
    K.band(canv, x, y + h - 1.2 * MM, w, 1.2 * MM, K.ACCENT)
    fonts = canv.fonts
    mid = x + w / 2
    canv.setFillColorRGB(*K.ACCENT)
    size = 19.0
    base = y + h / 2 + size * 0.55
    for line in SLOGAN:
        K.draw_string(canv, mid, base, line, size, fonts, bold=True, align="center", tracking=0.25)
        base -= size * 1.6
    canv.setFillColorRGB(*K.INK)
    where = data.talk_point.name.strip() if data.talk_point is not None else ""
    note = f"调解不收费　{where or data.village + '人民调解委员会'}欢迎您"
    K.draw_string(
        canv, mid, y + 6 * MM, note, K.fit_size(note, w - 6 * MM, 10, fonts), fonts, align="center"
    )


# ---------------------------------------------------------------------------------------
# Inside 3: the steps of a mediation and the village's 法律明白人

STEPS = (
    ("申请调解", "当事人申请，或调委会主动调解（第十七条）"),
    ("选定调解员", "调委会指定或当事人选择调解员（第十九条）"),
    ("开展调解", "听取陈述、讲解法律、耐心疏导（第二十二条）"),
    ("达成协议", "书面调解协议或者口头协议（第二十八条）"),
    ("司法确认", "协议生效起三十日内共同申请（第三十三条）"),
)
STEP_HEIGHT = 17 * MM
STEP_GAP = 4.5 * MM
STEPS_TOP = PAGE_HEIGHT - PAD_TOP - 12 * MM  # below the heading
ADVISERS_TOP = STEPS_TOP - len(STEPS) * STEP_HEIGHT - (len(STEPS) - 1) * STEP_GAP - 8 * MM
ADVISER_SIZE = 9.5


def _inside3() -> tuple[float, float]:
    left, right = panel_edges(INSIDE)[2]
    return left + PAD_X, right - PAD_X


def _layout_advisers(data: KitData, fonts: FontSet) -> list[Flowable]:
    """The 法律明白人 lines that fit below the steps; the last says how many are left out."""
    x0, x1 = _inside3()
    people = [a for a in data.legal_advisers if a.name.strip()]
    if not people:
        return []
    row = K.style(
        ADVISER_SIZE, leading=1.5, align="left", left_indent=ADVISER_SIZE * 4.5, first_indent=-4.5
    )
    lines_ = [
        L.Paragraph(
            [
                Span(a.name.strip(), bold=True),
                Span(f"　{a.phone.strip()}　{a.area.strip()}".rstrip()),
            ],
            row,
            fonts,
        )
        for a in people
    ]
    room = ADVISERS_TOP - 9 * MM - PAD_BOTTOM
    for n in range(len(lines_), 0, -1):
        shown = lines_[:n]
        if n < len(lines_):
            more = f"……共{len(people)}人，名单见村务公开栏"
            shown = [
                *shown,
                L.Paragraph(more, K.style(ADVISER_SIZE, leading=1.5, align="left"), fonts),
            ]
        if K.stack_height(shown, x1 - x0) <= room:
            return shown
    return []


def _draw_steps(canv: K.KitCanvas, data: KitData, advisers: list[Flowable]) -> None:
    fonts = canv.fonts
    x0, x1 = _inside3()
    width = x1 - x0
    top = PAGE_HEIGHT - PAD_TOP
    canv.setFillColorRGB(*K.ACCENT)
    K.draw_string(canv, x0, top - 15, "■ 人民调解怎么调", 15, fonts, bold=True)
    y = STEPS_TOP
    what_style = K.style(8.5, leading=1.3, align="left")
    for n, (name, what) in enumerate(STEPS):
        box_y = y - STEP_HEIGHT
        K.band(canv, x0, box_y, width, STEP_HEIGHT, K.ACCENT_TINT)
        K.band(canv, x0, box_y, 9 * MM, STEP_HEIGHT, K.ACCENT)
        canv.setFillColorRGB(*K.WHITE)
        K.draw_string(
            canv,
            x0 + 4.5 * MM,
            box_y + STEP_HEIGHT / 2 - 5,
            str(n + 1),
            14,
            fonts,
            bold=True,
            align="center",
        )
        canv.setFillColorRGB(*K.ACCENT)
        K.draw_string(
            canv, x0 + 12 * MM, box_y + STEP_HEIGHT - 5.5 * MM, name, 11, fonts, bold=True
        )
        canv.setFillColorRGB(*K.INK)
        text = L.Paragraph(what, what_style, fonts)
        K.stack(canv, [text], x0 + 12 * MM, box_y + STEP_HEIGHT - 7.2 * MM, width - 14 * MM)
        if n + 1 < len(STEPS):  # an arrow down to the next step
            ax = x0 + 4.5 * MM
            canv.saveState()
            canv.setFillColorRGB(*K.ACCENT)
            p = canv.beginPath()
            p.moveTo(ax - 2.2 * MM, box_y - 1 * MM)
            p.lineTo(ax + 2.2 * MM, box_y - 1 * MM)
            p.lineTo(ax, box_y - STEP_GAP + 1 * MM)
            p.close()
            canv.drawPath(p, stroke=0, fill=1)
            canv.restoreState()
        y = box_y - STEP_GAP
    if advisers:
        canv.setFillColorRGB(*K.ACCENT)
        K.draw_string(
            canv, x0, ADVISERS_TOP - 12, f"■ {data.village}法律明白人", 15, fonts, bold=True
        )
        canv.setFillColorRGB(*K.INK)
        K.stack(canv, advisers, x0, ADVISERS_TOP - 8 * MM, width)


@dataclass(frozen=True)
class Ready:
    """Everything laid out: the content frames, the back, the 法律明白人 lines."""

    layout: BrochureLayout
    back: list[Flowable]
    advisers: list[Flowable]


def prepare(data: KitData, fonts: FontSet | None = None) -> Ready:
    fonts = fonts or get_fonts()
    return Ready(
        layout_brochure(data, fonts), _layout_back(data, fonts), _layout_advisers(data, fonts)
    )


def draw(
    canv: K.KitCanvas, data: KitData, ready: Ready, *, mark: str | None = TITLE, level: int = 0
) -> None:
    """The two pages: outside (flap | back | cover), inside (three panels)."""
    frames = _content_frames()
    top = PAGE_HEIGHT - PAD_TOP
    for page in (0, 1):
        canv.start_page(K.A4_LANDSCAPE)
        if page == 0 and mark:
            canv.mark(mark, level)
        _draw_marks(canv, page)
        if page == 0:
            x, _y, w, _h = frames[0]
            K.stack(canv, ready.layout.frames[0], x, top, w)
            _draw_back(canv, data, ready.back)
            _draw_cover(canv, data, ready.layout.cover)
        else:
            for k in (1, 2):
                x, _y, w, _h = frames[k]
                bottom = K.stack(canv, ready.layout.frames[k], x, top, w)
            _draw_slogan(canv, data, bottom)
            _draw_steps(canv, data, ready.advisers)
        canv.showPage()


def part(data: KitData, fonts: FontSet | None = None, *, level: int = 0) -> K.Part:
    """The brochure as a part of the kit (left out, with the reason, when it cannot be
    made)."""
    try:
        ready = prepare(data, fonts)
    except (MissingDataError, TextTooLongError) as exc:
        return K.Part(KEY, TITLE, None, (K.left_out(exc, TITLE),))
    return K.Part(KEY, TITLE, lambda canv: draw(canv, data, ready, level=level))


def brochure_pdf(data: KitData, *, fonts: FontSet | None = None) -> bytes:
    """The brochure's two pages; MissingDataError / TextTooLongError when it cannot be
    made."""
    fonts = fonts or get_fonts()
    ready = prepare(data, fonts)
    info = L.DocInfo(title=f"{data.village}{TITLE}", author=data.committee)
    return K.render([lambda canv: draw(canv, data, ready)], info, fonts)
