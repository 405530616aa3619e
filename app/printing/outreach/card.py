"""明白卡: the pocket card, 90 × 54 mm, ten to an A4 sheet, front and back.

The sheet (A4 portrait) holds 2 columns × 5 rows of cards butted together (one cut
between two cards), centred: 15 mm margins left and right, 13.5 mm top and bottom.
Crop marks are short lines in the margins only, on the lines of the cuts, from
:data:`MARK_GAP` to :data:`MARK_GAP` + :data:`MARK_LENGTH` outside the card area; nothing
is drawn across the cards. Text keeps :data:`INSET` from every cut.

Page 1 is the fronts, page 2 the backs. Duplex with **long-edge flip** (the usual
"长边翻转" of a portrait sheet) turns the sheet over about its vertical axis: a card's
back lands in the same row, but in the other column, so the back of the card at column c
is drawn at column 1 − c (:func:`card_origin`). The sheet is symmetric (equal margins),
so the cuts of both sides meet.

Text must fit: each side starts at :data:`BODY_SIZE` and shrinks to :data:`MIN_SIZE`;
beyond that :class:`TextTooLongError` names what is too long.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from app.printing import layout as L
from app.printing.fonts import FontSet, get_fonts
from app.printing.layout import Span
from app.printing.outreach import canvas as K
from app.printing.outreach.data import CARD, KitData
from app.printing.outreach.text import (
    MissingDataError,
    TextTooLongError,
    fill,
    is_contact_line,
    lines,
)

KEY = "card"
TITLE = "明白卡"
PAPER = "A4"
ORIENTATION = "portrait"

MM = L.MM
CARD_WIDTH = 90 * MM
CARD_HEIGHT = 54 * MM
COLUMNS = 2
ROWS = 5
PAGE_WIDTH, PAGE_HEIGHT = K.A4_PORTRAIT
SHEET_LEFT = (PAGE_WIDTH - COLUMNS * CARD_WIDTH) / 2  # 15 mm
SHEET_BOTTOM = (PAGE_HEIGHT - ROWS * CARD_HEIGHT) / 2  # 13.5 mm
SHEET_TOP = SHEET_BOTTOM + ROWS * CARD_HEIGHT
SHEET_RIGHT = SHEET_LEFT + COLUMNS * CARD_WIDTH
MARK_GAP = 2 * MM  # crop marks start this far outside the card area
MARK_LENGTH = 6 * MM
MARK_WIDTH = 0.3  # points

INSET = 4 * MM  # text keeps this far from the cut
TITLE_SIZE = 10.5
BODY_SIZE = 8.0
MIN_SIZE = 6.0
STEP = 0.25
DEFAULT_TITLE = "人民调解明白卡"
DEFAULT_BACK_TITLE = "遇到矛盾纠纷 找我们"
_MARKER = re.compile(r"^([0-9０-９]{1,2}[.．、)）]|[一二三四五六七八九十]{1,2}、|[①-⑳]|[●■◆▶•·★])")


def card_origin(row: int, column: int, side: str = "front") -> tuple[float, float]:
    """Bottom-left corner of the card at ``row`` (0 = top) and ``column`` (0 = left) of
    the front sheet, on its ``side`` ("front" or "back": the back sits at column
    1 − column, for duplex with long-edge flip)."""
    if side not in ("front", "back"):
        raise ValueError("side must be 'front' or 'back'")
    col = column if side == "front" else COLUMNS - 1 - column
    return SHEET_LEFT + col * CARD_WIDTH, SHEET_TOP - (row + 1) * CARD_HEIGHT


def crop_marks() -> list[tuple[float, float, float, float]]:
    """Every crop mark (x0, y0, x1, y1): the cut lines continued into the margins."""
    marks: list[tuple[float, float, float, float]] = []
    for c in range(COLUMNS + 1):
        x = SHEET_LEFT + c * CARD_WIDTH
        marks.append((x, SHEET_TOP + MARK_GAP, x, SHEET_TOP + MARK_GAP + MARK_LENGTH))
        marks.append((x, SHEET_BOTTOM - MARK_GAP - MARK_LENGTH, x, SHEET_BOTTOM - MARK_GAP))
    for r in range(ROWS + 1):
        y = SHEET_BOTTOM + r * CARD_HEIGHT
        marks.append((SHEET_LEFT - MARK_GAP - MARK_LENGTH, y, SHEET_LEFT - MARK_GAP, y))
        marks.append((SHEET_RIGHT + MARK_GAP, y, SHEET_RIGHT + MARK_GAP + MARK_LENGTH, y))
    return marks


# ---------------------------------------------------------------------------------------
# What the card says


@dataclass(frozen=True)
class CardText:
    """The filled texts of both sides."""

    title: str
    sections: tuple[tuple[str, tuple[str, ...]], ...]  # (subheading or "", points)
    back_title: str
    contacts: tuple[tuple[str, str], ...]  # (label, text)
    mediators: tuple[str, ...]  # "王建华 13805710001" each: the first contact's entries
    back_notes: tuple[str, ...]
    foot: str


def _mediators(data: KitData) -> tuple[str, ...]:
    return tuple(
        f"{m.name.strip()} {m.phone.strip()}".strip() for m in data.mediators if m.name.strip()
    )


def card_text(data: KitData) -> CardText:
    """The card's texts for ``data``'s village (MissingDataError without card content)."""
    items = data.items(CARD)
    front = [i for i in items if i.get("side", "front") != "back"]
    back = [i for i in items if i.get("side", "front") == "back"]
    if not front:
        raise MissingDataError("内容库里没有明白卡的内容，无法打印明白卡。")
    sections = []
    for n, item in enumerate(front):
        points = tuple(fill(s, data) for s in lines(item.body))
        head = "" if n == 0 else fill(item.title.strip(), data)
        sections.append((head, points))
    contacts: list[tuple[str, str]] = []
    committee = data.committee.strip() or f"{data.village}人民调解委员会"
    mediators = _mediators(data)
    if mediators:
        contacts.append(("村调解员", "　".join(mediators)))
    else:
        contacts.append(("调委会", committee))
    tp = data.talk_point
    if tp is not None:
        contacts.append(("评理说事点", f"{tp.name.strip()}　{tp.phone.strip()}".strip()))
        if tp.address.strip():
            contacts.append(("地址", tp.address.strip()))
        if tp.hours.strip():
            contacts.append(("开放时间", tp.hours.strip()))
    contacts.append(("法律咨询", f"{data.legal_aid_phone}（公共法律服务热线）"))
    contacts.append(("报警求助", data.police_phone))
    notes = tuple(
        fill(s, data) for item in back for s in lines(item.body) if not is_contact_line(s, data)
    )
    back_title = fill(back[0].title.strip(), data) if back else DEFAULT_BACK_TITLE
    town = data.town.strip()
    foot = committee if not town or town in committee else f"{town}　{committee}"
    return CardText(
        title=fill(front[0].title.strip(), data) or DEFAULT_TITLE,
        sections=tuple(sections),
        back_title=back_title or DEFAULT_BACK_TITLE,
        contacts=tuple(contacts),
        mediators=mediators,
        back_notes=notes,
        foot=foot,
    )


# ---------------------------------------------------------------------------------------
# Laying out one card

AREA_WIDTH = CARD_WIDTH - 2 * INSET
AREA_HEIGHT = CARD_HEIGHT - 2 * INSET
TITLE_BLOCK = TITLE_SIZE * 1.5 + 3.0  # the title line and the rule under it
FOOT_BLOCK = 9.0  # the foot line of the back


def _point(text: str, size: float, fonts: FontSet) -> L.Paragraph:
    """A point of the front: a bullet hanging in the margin, unless the text brings its
    own number ("1.", "一、", "①")."""
    if _MARKER.match(text):
        return L.Paragraph(text, K.style(size, leading=1.38, align="left"), fonts)
    bullet = [Span("●", size=size * 0.6), Span("\u3000", size=size * 0.45)]
    hang = K.text_width("●", size * 0.6, fonts) + K.text_width("\u3000", size * 0.45, fonts)
    s = K.style(size, leading=1.38, align="left", first_indent=-hang / size, left_indent=hang)
    return L.Paragraph([*bullet, Span(text)], s, fonts)


def _front(text: CardText, size: float, fonts: FontSet) -> list[L.Paragraph]:
    out: list[L.Paragraph] = []
    for head, points in text.sections:
        if head:
            out.append(
                L.Paragraph(head, K.style(size, leading=1.38, bold=True, space_before=2), fonts)
            )
        out += [_point(p, size, fonts) for p in points]
    return out


def _label_width(text: CardText, size: float, fonts: FontSet) -> float:
    return max(K.text_width(f"{label}：", size, fonts, bold=True) for label, _v in text.contacts)


def _back(text: CardText, size: float, fonts: FontSet) -> list[L.Paragraph]:
    """The contacts, a bold label column and the values beside it, then the notes."""
    label = _label_width(text, size, fonts)
    row = K.style(size, leading=1.38, align="left", left_indent=label)
    values = [value for _label, value in text.contacts]
    if text.mediators:  # one mediator's name and phone stay on one line
        values[0] = K.keep_entries(text.mediators, AREA_WIDTH - label, size, fonts)
    out = [L.Paragraph(value, row, fonts) for value in values]
    note = K.style(size, leading=1.38, align="center", space_before=size * 0.5)
    out += [L.Paragraph(n, note, fonts) for n in text.back_notes]
    return out


@dataclass(frozen=True)
class CardLayout:
    """Both sides' paragraphs at the sizes that fit."""

    text: CardText
    front: list[L.Paragraph]
    front_size: float
    back: list[L.Paragraph]
    back_size: float
    title_size: float
    back_title_size: float


def _fit(
    make: Callable[[CardText, float, FontSet], list[L.Paragraph]],
    text: CardText,
    room: float,
    fonts: FontSet,
) -> tuple[list[L.Paragraph], float] | None:
    """The paragraphs at the largest size (down to MIN_SIZE) whose height is ``room``
    or less."""
    size = BODY_SIZE
    while size >= MIN_SIZE - 1e-9:
        paras = make(text, size, fonts)
        if K.stack_height(paras, AREA_WIDTH) <= room + 1e-6:
            return paras, size
        size -= STEP
    return None


def _longest(items: Sequence[tuple[str, str]]) -> str:
    return max(items, key=lambda kv: len(kv[1]))[0]


def layout_card(data: KitData, fonts: FontSet | None = None) -> CardLayout:
    """The card of ``data``'s village fitted to 90 × 54 mm; TextTooLongError naming what
    does not fit, MissingDataError without card content."""
    fonts = fonts or get_fonts()
    text = card_text(data)
    title_size = K.fit_size(text.title, AREA_WIDTH, TITLE_SIZE, fonts, bold=True)
    if title_size < MIN_SIZE + 2:
        raise TextTooLongError(f"明白卡的标题“{text.title}”太长，卡片上放不下，请缩短。")
    back_title_size = K.fit_size(text.back_title, AREA_WIDTH, TITLE_SIZE, fonts, bold=True)
    if back_title_size < MIN_SIZE + 2:
        raise TextTooLongError(f"明白卡背面的标题“{text.back_title}”太长，卡片上放不下，请缩短。")
    front = _fit(_front, text, AREA_HEIGHT - TITLE_BLOCK, fonts)
    if front is None:
        points = [p for _h, ps in text.sections for p in ps]
        longest = max(points, key=len) if points else ""
        cut = f"{longest[:16]}…" if len(longest) > 16 else longest
        raise TextTooLongError(
            f"明白卡正面的内容太长：{len(points)}条要点，字号缩到{MIN_SIZE:g}磅仍放不下"
            f"（最长的一条是“{cut}”），请精简明白卡内容。"
        )
    back = _fit(_back, text, AREA_HEIGHT - TITLE_BLOCK - FOOT_BLOCK, fonts)
    if back is None:
        what = _longest([*text.contacts, *(("背面说明", n) for n in text.back_notes)])
        raise TextTooLongError(
            f"明白卡背面的内容太长，字号缩到{MIN_SIZE:g}磅仍放不下（最长的一项是“{what}”），"
            "请精简（例如减少卡上列出的调解员或缩短评理说事点地址）。"
        )
    return CardLayout(text, front[0], front[1], back[0], back[1], title_size, back_title_size)


# ---------------------------------------------------------------------------------------
# Drawing


def _title(canv: K.KitCanvas, x: float, top: float, text: str, size: float) -> float:
    """The title centred at the top of a card and a rule under it; the y below them."""
    base = top - size * 1.1
    canv.setFillColorRGB(*K.ACCENT)
    K.draw_string(canv, x + AREA_WIDTH / 2, base, text, size, canv.fonts, bold=True, align="center")
    canv.setFillColorRGB(*K.INK)
    rule = top - TITLE_BLOCK + 2.0
    K.hline(canv, x, x + AREA_WIDTH, rule, 0.8, K.ACCENT)
    return top - TITLE_BLOCK


def _draw_front(canv: K.KitCanvas, lay: CardLayout, x0: float, y0: float) -> None:
    x, top = x0 + INSET, y0 + CARD_HEIGHT - INSET
    below = _title(canv, x, top, lay.text.title, lay.title_size)
    K.stack(canv, lay.front, x, below, AREA_WIDTH)


def _draw_back(canv: K.KitCanvas, lay: CardLayout, x0: float, y0: float) -> None:
    x, top = x0 + INSET, y0 + CARD_HEIGHT - INSET
    below = _title(canv, x, top, lay.text.back_title, lay.back_title_size)
    rows = len(lay.text.contacts)
    y = below
    for n, p in enumerate(lay.back):
        if n < rows:  # the label, on the first line of its row
            s = p.style
            base = y - (s.leading - s.size) / 2 - 0.88 * s.size
            label = f"{lay.text.contacts[n][0]}："
            K.draw_string(canv, x, base, label, s.size, canv.fonts, bold=True)
        else:
            canv.setFillColorRGB(*K.ACCENT)  # the notes
        y = K.stack(canv, [p], x, y - (p.getSpaceBefore() if n else 0.0), AREA_WIDTH)
    canv.setFillColorRGB(*K.GREY_TEXT)
    foot = lay.text.foot
    size = K.fit_size(foot, AREA_WIDTH, 6.5, canv.fonts)
    K.draw_string(
        canv, x + AREA_WIDTH / 2, y0 + INSET + 1.0, foot, size, canv.fonts, align="center"
    )
    canv.setFillColorRGB(*K.INK)


def _marks(canv: K.KitCanvas) -> None:
    canv.saveState()
    canv.setLineWidth(MARK_WIDTH)
    canv.setStrokeColorRGB(*K.INK)
    for x0, y0, x1, y1 in crop_marks():
        canv.line(x0, y0, x1, y1)
    canv.restoreState()


def _note(canv: K.KitCanvas, text: str) -> None:
    canv.setFillColorRGB(*K.GREY_TEXT)
    K.draw_string(canv, SHEET_LEFT + 4 * MM, PAGE_HEIGHT - 8 * MM, text, 6.5, canv.fonts)
    canv.setFillColorRGB(*K.INK)


def draw(canv: K.KitCanvas, lay: CardLayout, *, mark: str | None = TITLE, level: int = 0) -> None:
    """The two sheets of cards: fronts, then backs (mirrored for long-edge duplex)."""
    for side in ("front", "back"):
        canv.start_page(K.A4_PORTRAIT)
        if side == "front" and mark:
            canv.mark(mark, level)
        _note(
            canv,
            "明白卡 正面 · 沿裁切线裁开"
            if side == "front"
            else "明白卡 背面 · 双面打印选“长边翻转”",
        )
        _marks(canv)
        for row in range(ROWS):
            for col in range(COLUMNS):
                x, y = card_origin(row, col, side)
                (_draw_front if side == "front" else _draw_back)(canv, lay, x, y)
        canv.showPage()


def part(data: KitData, fonts: FontSet | None = None, *, level: int = 0) -> K.Part:
    """The card as a part of the kit (left out, with the reason, when it cannot be made)."""
    fonts = fonts or get_fonts()
    try:
        lay = layout_card(data, fonts)
    except (MissingDataError, TextTooLongError) as exc:
        return K.Part(KEY, TITLE, None, (K.left_out(exc, TITLE),))
    return K.Part(KEY, TITLE, lambda canv: draw(canv, lay, level=level))


def card_pdf(data: KitData, *, fonts: FontSet | None = None) -> bytes:
    """The two sheets of ``data``'s cards; TextTooLongError / MissingDataError when the
    card cannot be made."""
    fonts = fonts or get_fonts()
    lay = layout_card(data, fonts)
    info = L.DocInfo(title=f"{data.village}{TITLE}", author=data.committee)
    return K.render([lambda canv: draw(canv, lay)], info, fonts)
