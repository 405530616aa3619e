"""微动漫: an A4 poster per animation: its title, length, a short text and a QR code to
its link.

The QR code (segno, error correction M) is drawn as vector rectangles, one per run of
dark modules in a row, filled in one path; no image. Its modules take :data:`QR_SIDE`
(100 mm): about a tenth of the 1 m it should scan from (the usual rule of thumb), far above
the 40 mm minimum. A quiet zone of :data:`QUIET` (4) modules around it stays empty; the
thin frame around the code is drawn outside the quiet zone.

A link that is empty or not an http(s) address gets no QR code: :func:`qr_matrix` raises
:class:`InvalidLinkError` naming the animation; the kit leaves that poster out and says
why (:func:`part`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import segno

from app.printing import layout as L
from app.printing.fonts import FontSet, get_fonts
from app.printing.outreach import canvas as K
from app.printing.outreach.data import ANIMATION, ContentItem, KitData
from app.printing.outreach.text import (
    InvalidLinkError,
    MissingDataError,
    TextTooLongError,
    check_link,
    duration_text,
    fill,
    lines,
)

KEY = "animation"
TITLE = "微动漫海报"
PAPER = "A4"
ORIENTATION = "portrait"

MM = L.MM
PAGE_WIDTH, PAGE_HEIGHT = K.A4_PORTRAIT
QR_SIDE = 100 * MM  # the modules, without the quiet zone
QUIET = 4  # modules of quiet zone on every side
MARGIN = 14 * MM
BAND_HEIGHT = 20 * MM
TITLE_SIZE = 30.0
TITLE_MIN = 22.0
TEXT_SIZE = 16.0
TEXT_MIN = 12.0
CAPTION = "手机扫一扫　观看微动漫"

Matrix = tuple[tuple[bool, ...], ...]


def qr_matrix(link: str, title: str) -> Matrix:
    """The QR code of ``link`` (True = dark), without its quiet zone; InvalidLinkError
    naming the animation ``title`` when the link is empty or not a web address."""
    return _matrix(check_link(link, title))


@lru_cache(maxsize=256)
def _matrix(link: str) -> Matrix:
    """The code of a checked link; every village's poster of an animation has the same
    one, so it is made once (immutable tuples)."""
    qr = segno.make(link, error="m", micro=False)
    return tuple(tuple(bool(v) for v in row) for row in qr.matrix)


def qr_geometry(matrix: Matrix, center_x: float, top: float) -> tuple[float, float, float]:
    """(x, y of the symbol's bottom-left corner, module size) for a code whose quiet
    zone's top edge is at ``top``, centred on ``center_x``."""
    n = len(matrix)
    module = QR_SIDE / n
    x = center_x - QR_SIDE / 2
    y = top - QUIET * module - QR_SIDE
    return x, y, module


def draw_qr(canv: K.KitCanvas, matrix: Matrix, x: float, y: float, module: float) -> None:
    """The dark modules as rectangles (a row's run of dark modules is one rectangle),
    filled as one path in black; (x, y) is the symbol's bottom-left corner."""
    n = len(matrix)
    path = canv.beginPath()
    overlap = 0.02  # a hair of overlap between rows, so no seam shows when rendered
    for r, row in enumerate(matrix):
        c = 0
        while c < n:
            if not row[c]:
                c += 1
                continue
            start = c
            while c < n and row[c]:
                c += 1
            top = y + (n - r) * module
            path.rect(
                x + start * module, top - module - overlap, (c - start) * module, module + overlap
            )
    canv.saveState()
    canv.setFillColorRGB(*K.INK)
    canv.drawPath(path, stroke=0, fill=1)
    canv.restoreState()


# ---------------------------------------------------------------------------------------
# The poster


@dataclass(frozen=True)
class Poster:
    title: str
    duration: str
    text: list[L.Paragraph]
    title_lines: list[L.Paragraph]
    link: str
    matrix: Matrix


BOTTOM_BLOCK = 40 * MM  # below the QR code: caption, link, foot
DURATION_GAP = 12 * MM  # the length line between title and text


def _qr_top(matrix: Matrix) -> float:
    """The top edge of the QR code's quiet zone."""
    module = QR_SIDE / len(matrix)
    return MARGIN + BOTTOM_BLOCK + QR_SIDE + 2 * QUIET * module


def _text_area(matrix: Matrix) -> tuple[float, float]:
    """(top, bottom) of the room for title, length and text: below the band, above the
    QR code's frame."""
    return PAGE_HEIGHT - MARGIN - BAND_HEIGHT - 8 * MM, _qr_top(matrix) + 10 * MM


def layout_poster(item: ContentItem, data: KitData, fonts: FontSet) -> Poster:
    """One animation's poster; InvalidLinkError for its link, TextTooLongError when its
    title and text do not fit above the QR code."""
    title = fill(item.title.strip(), data) or "法治微动漫"
    link = check_link(item.get("link"), title)
    matrix = qr_matrix(link, title)
    top, bottom = _text_area(matrix)
    room = top - bottom
    width = PAGE_WIDTH - 2 * MARGIN - 20 * MM
    paras = [fill(p, data) for p in lines(item.body)]
    tsize = TITLE_SIZE
    while tsize >= TITLE_MIN - 1e-9:
        heads = [L.Paragraph(title, K.style(tsize, leading=1.35, bold=True, align="center"), fonts)]
        size = TEXT_SIZE
        while size >= TEXT_MIN - 1e-9:
            text = [
                L.Paragraph(p, K.style(size, leading=1.65, first_indent=2), fonts) for p in paras
            ]
            need = K.stack_height(heads, width) + DURATION_GAP + K.stack_height(text, width)
            if need <= room:
                duration = duration_text(item.get("duration"))
                return Poster(title, duration, text, heads, link, matrix)
            size -= 0.5
        tsize -= 2
    raise TextTooLongError(f"微动漫《{title}》的标题和简介太长，海报上放不下，请精简简介。")


def _draw_poster(canv: K.KitCanvas, data: KitData, poster: Poster) -> None:
    fonts = canv.fonts
    mid = PAGE_WIDTH / 2
    top = PAGE_HEIGHT - MARGIN
    # the band
    K.band(canv, MARGIN, top - BAND_HEIGHT, PAGE_WIDTH - 2 * MARGIN, BAND_HEIGHT, K.ACCENT)
    canv.setFillColorRGB(*K.WHITE)
    head = f"{data.village}　法治微动漫"
    K.draw_string(
        canv,
        mid,
        top - BAND_HEIGHT / 2 - 7,
        head,
        20,
        fonts,
        bold=True,
        align="center",
        tracking=0.2,
    )
    canv.setFillColorRGB(*K.INK)
    # title, length, text: a third of the room left over above them, two thirds below
    width = PAGE_WIDTH - 2 * MARGIN - 20 * MM
    x = mid - width / 2
    area_top, area_bottom = _text_area(poster.matrix)
    need = (
        K.stack_height(poster.title_lines, width)
        + DURATION_GAP
        + K.stack_height(poster.text, width)
    )
    y = area_top - max(0.0, area_top - area_bottom - need) / 3
    y = K.stack(canv, poster.title_lines, x, y, width)
    if poster.duration:
        canv.setFillColorRGB(*K.GREY_TEXT)
        K.draw_string(
            canv, mid, y - 8 * MM + 4, f"时长　{poster.duration}", 14, fonts, align="center"
        )
        canv.setFillColorRGB(*K.INK)
    y -= DURATION_GAP
    K.stack(canv, poster.text, x, y, width)
    # the QR code, its frame, caption and link, anchored above the foot
    qr_top = _qr_top(poster.matrix)
    qx, qy, module = qr_geometry(poster.matrix, mid, qr_top)
    block = QR_SIDE + 2 * QUIET * module
    canv.saveState()
    canv.setStrokeColorRGB(*K.GREY_LINE)
    canv.setLineWidth(0.5)
    pad = QUIET * module
    canv.rect(
        qx - pad - 1.5 * MM, qy - pad - 1.5 * MM, block + 3 * MM, block + 3 * MM, stroke=1, fill=0
    )
    canv.restoreState()
    draw_qr(canv, poster.matrix, qx, qy, module)
    cap_y = qr_top - block - 13 * MM
    canv.setFillColorRGB(*K.ACCENT)
    K.draw_string(canv, mid, cap_y, CAPTION, 20, fonts, bold=True, align="center", tracking=0.1)
    canv.setFillColorRGB(*K.GREY_TEXT)
    link_size = K.fit_size(poster.link, PAGE_WIDTH - 2 * MARGIN, 9, fonts)
    K.draw_string(canv, mid, cap_y - 8 * MM, poster.link, link_size, fonts, align="center")
    # the foot
    K.hline(canv, MARGIN, PAGE_WIDTH - MARGIN, MARGIN + 9 * MM, 0.6, K.ACCENT)
    canv.setFillColorRGB(*K.INK)
    committee = data.committee.strip() or f"{data.village}人民调解委员会"
    foot = "　".join(s for s in (committee, data.town.strip()) if s)
    K.draw_string(
        canv,
        mid,
        MARGIN + 2 * MM,
        foot,
        K.fit_size(foot, PAGE_WIDTH - 2 * MARGIN, 12, fonts),
        fonts,
        align="center",
    )


def draw(
    canv: K.KitCanvas,
    data: KitData,
    posters: Sequence[Poster],
    *,
    mark: str | None = TITLE,
    level: int = 0,
) -> None:
    for n, poster in enumerate(posters):
        canv.start_page(K.A4_PORTRAIT)
        if n == 0 and mark:
            canv.mark(mark, level)
        _draw_poster(canv, data, poster)
        canv.showPage()


def posters(data: KitData, fonts: FontSet) -> tuple[list[Poster], list[str]]:
    """The posters that can be made, and why the others cannot (one message each)."""
    items = data.items(ANIMATION)
    made: list[Poster] = []
    problems: list[str] = []
    for item in items:
        try:
            made.append(layout_poster(item, data, fonts))
        except (InvalidLinkError, TextTooLongError) as exc:
            problems.append(f"{exc}不打印它的海报。")
    return made, problems


def part(data: KitData, fonts: FontSet | None = None, *, level: int = 0) -> K.Part:
    """The posters as a part of the kit: those with a valid link; the others reported."""
    fonts = fonts or get_fonts()
    if not data.items(ANIMATION):
        return K.Part(KEY, TITLE, None, ("内容库里没有微动漫，本次不打印微动漫海报。",))
    made, problems = posters(data, fonts)
    if not made:
        return K.Part(KEY, TITLE, None, tuple(problems))
    return K.Part(KEY, TITLE, lambda canv: draw(canv, data, made, level=level), tuple(problems))


def animation_pdf(data: KitData, *, fonts: FontSet | None = None) -> bytes:
    """A poster per animation of ``data``; the first InvalidLinkError / TextTooLongError
    when one cannot be made, MissingDataError when there is no animation."""
    fonts = fonts or get_fonts()
    items = data.items(ANIMATION)
    if not items:
        raise MissingDataError("内容库里没有微动漫，无法打印微动漫海报。")
    made = [layout_poster(item, data, fonts) for item in items]
    info = L.DocInfo(title=f"{data.village}{TITLE}", author=data.committee)
    return K.render([lambda canv: draw(canv, data, made)], info, fonts)


def poster_pdf(item: ContentItem, data: KitData, *, fonts: FontSet | None = None) -> bytes:
    """The poster of one animation; InvalidLinkError when its link cannot be a QR code."""
    fonts = fonts or get_fonts()
    poster = layout_poster(item, data, fonts)
    info = L.DocInfo(title=f"微动漫《{poster.title}》", author=data.committee)
    return K.render([lambda canv: draw(canv, data, [poster])], info, fonts)
