"""评理说事点: the placard at the door of the village's talk point: its name large, the
address, opening times, who staffs it and the phone, what one can do there and what to
bring.

A4 portrait by default; ``paper="A3"`` draws the same design scaled by √2 (A3 is A4
scaled by 297/210) onto an A3 page. A field left empty prints as a line to fill in by
hand. A village without a 评理说事点 gets no placard (:class:`MissingDataError`).
"""

from __future__ import annotations

from app.printing import layout as L
from app.printing.fonts import FontSet, get_fonts
from app.printing.layout import Span
from app.printing.outreach import canvas as K
from app.printing.outreach.data import KitData, TalkPoint
from app.printing.outreach.text import MissingDataError, TextTooLongError

KEY = "talk_point"
TITLE = "评理说事点标牌"
PAPER = "A4"  # or A3
ORIENTATION = "portrait"
PAPERS = {"A4": K.A4_PORTRAIT, "A3": K.A3_PORTRAIT}

MM = L.MM
WIDTH, HEIGHT = K.A4_PORTRAIT  # the design, in A4 units
BORDER = 9 * MM  # the outer rule, this far from the edge
INNER = 11.5 * MM  # the inner rule
CONTENT = 22 * MM  # text keeps this far from the edge
SERVICES = (
    ("说事", "有烦心事、矛盾纠纷，来这里说一说"),
    ("评理", "请调解员、法律明白人和乡贤帮您评评理"),
    ("调解", "人民调解员依法调解，不收取任何费用"),
    ("咨询", "了解法律规定，找到依法维权的途径"),
)
BRING = (
    "本人身份证件（代他人来访的，带上委托书）",
    "与纠纷有关的证据材料：合同、借条、收据、照片、聊天记录等",
    "对方当事人的姓名、住址和联系方式",
)


def _rows(tp: TalkPoint) -> list[tuple[str, str]]:
    return [
        ("地　　址", tp.address.strip()),
        ("开放时间", tp.hours.strip()),
        ("值守人员", tp.staff.strip()),
        ("联系电话", tp.phone.strip()),
    ]


def _draw(canv: K.KitCanvas, data: KitData, tp: TalkPoint) -> None:
    """The design on an A4 page (the caller scales it for A3)."""
    fonts = canv.fonts
    _draw_frame(canv)
    name = tp.name.strip() or f"{data.village}评理说事点"
    y = _draw_name(canv, data, name)
    y = _draw_facts(canv, tp, y)
    item = K.style(15, leading=1.55, align="left")
    services = [
        L.Paragraph([Span(f"{word}　", bold=True), Span(what)], item, fonts)
        for word, what in SERVICES
    ]
    y = _draw_list(canv, "在这里，您可以", services, y - 9 * MM)
    bring = [L.Paragraph(what, item, fonts) for what in BRING]
    y = _draw_list(canv, "来访请带上", bring, y - 7 * MM)
    _draw_foot(canv, data, name, y)


def _draw_frame(canv: K.KitCanvas) -> None:
    """A thick outer rule and a thin inner one."""
    canv.saveState()
    canv.setStrokeColorRGB(*K.ACCENT)
    canv.setLineWidth(2.2)
    canv.rect(BORDER, BORDER, WIDTH - 2 * BORDER, HEIGHT - 2 * BORDER, stroke=1, fill=0)
    canv.setLineWidth(0.6)
    canv.rect(INNER, INNER, WIDTH - 2 * INNER, HEIGHT - 2 * INNER, stroke=1, fill=0)
    canv.restoreState()


def _draw_name(canv: K.KitCanvas, data: KitData, name: str) -> float:
    """The town and village, the talk point's name large, what it is for, a rule; the y
    below."""
    fonts = canv.fonts
    mid = WIDTH / 2
    y = HEIGHT - CONTENT - 6 * MM
    where = "　".join(s for s in (data.town.strip(), data.village.strip()) if s)
    canv.setFillColorRGB(*K.GREY_TEXT)
    K.draw_string(canv, mid, y, where, 16, fonts, align="center", tracking=0.3)
    size = K.fit_size(name, WIDTH - 2 * CONTENT, 50, fonts, bold=True)
    if size < 28:
        raise TextTooLongError(f"评理说事点的名称“{name}”太长，标牌上放不下，请缩短。")
    y -= 14 * MM + size * 0.6
    canv.setFillColorRGB(*K.ACCENT)
    K.draw_string(canv, mid, y, name, size, fonts, bold=True, align="center", tracking=0.04)
    y -= 12 * MM
    canv.setFillColorRGB(*K.INK)
    K.draw_string(canv, mid, y, "说事　·　评理　·　调解　·　普法", 15, fonts, align="center")
    y -= 8 * MM
    K.hline(canv, CONTENT, WIDTH - CONTENT, y, 1.2, K.ACCENT)
    return y


def _draw_facts(canv: K.KitCanvas, tp: TalkPoint, y: float) -> float:
    """The address, hours, staff and phone: label | value rows, ruled; the y below."""
    fonts = canv.fonts
    inner_w = WIDTH - 2 * CONTENT
    label_w = 5.2 * 18
    value_style = K.style(18, leading=1.45, align="left")
    y -= 4 * MM
    for label, value in _rows(tp):
        content: L.Content = value if value else [L.blank(12)]
        p = L.Paragraph(content, value_style, fonts)
        h = float(p.wrap(inner_w - label_w, 1e4)[1])
        row_h = max(h, value_style.leading) + 5 * MM
        top = y
        base = top - 2.5 * MM - (value_style.leading - 18) / 2 - 0.88 * 18
        K.draw_string(canv, CONTENT, base, label, 18, fonts, bold=True)
        p.drawOn(canv, CONTENT + label_w, top - 2.5 * MM - h)
        y = top - row_h
        K.hline(canv, CONTENT, WIDTH - CONTENT, y, 0.5, K.GREY_LINE)
    return y


def _draw_list(canv: K.KitCanvas, heading: str, items: list[L.Paragraph], top: float) -> float:
    """A tinted heading and its items, each after a dot; the y below."""
    y = _box_heading(canv, heading, top)
    inner_w = WIDTH - 2 * CONTENT
    for p in items:
        canv.setFillColorRGB(*K.ACCENT)
        K.draw_string(canv, CONTENT + 2 * MM, y - p.style.leading * 0.72, "●", 9, canv.fonts)
        canv.setFillColorRGB(*K.INK)
        y = K.stack(canv, [p], CONTENT + 7 * MM, y, inner_w - 7 * MM)
    return y


def _draw_foot(canv: K.KitCanvas, data: KitData, name: str, y: float) -> None:
    """A band with the free service and the hotlines, the committee above it (refused
    when the text above reaches down to it)."""
    fonts = canv.fonts
    inner_w = WIDTH - 2 * CONTENT
    band_h = 16 * MM
    band_y = INNER + 5 * MM
    if y < band_y + band_h + 16 * MM:
        raise TextTooLongError(
            f"评理说事点“{name}”的地址、开放时间或值守人员太长，标牌上放不下，请精简。"
        )
    K.band(canv, CONTENT - 4 * MM, band_y, inner_w + 8 * MM, band_h, K.ACCENT)
    canv.setFillColorRGB(*K.WHITE)
    line = f"人民调解不收费　法律咨询 {data.legal_aid_phone}　报警 {data.police_phone}"
    fs = K.fit_size(line, inner_w, 17, fonts, bold=True)
    K.draw_string(
        canv, WIDTH / 2, band_y + band_h / 2 - fs * 0.36, line, fs, fonts, bold=True, align="center"
    )
    canv.setFillColorRGB(*K.INK)
    committee = data.committee.strip() or f"{data.village}人民调解委员会"
    K.draw_string(
        canv, WIDTH - CONTENT, band_y + band_h + 6 * MM, committee, 14, fonts, align="right"
    )


def _box_heading(canv: K.KitCanvas, text: str, top: float) -> float:
    """A tinted heading bar across the content width; the y below it."""
    h = 10 * MM
    K.band(canv, CONTENT, top - h, WIDTH - 2 * CONTENT, h, K.ACCENT_TINT)
    K.band(canv, CONTENT, top - h, 1.6 * MM, h, K.ACCENT)
    canv.setFillColorRGB(*K.ACCENT)
    K.draw_string(canv, CONTENT + 5 * MM, top - h / 2 - 6, text, 17, canv.fonts, bold=True)
    canv.setFillColorRGB(*K.INK)
    return top - h - 3 * MM


def draw(
    canv: K.KitCanvas,
    data: KitData,
    *,
    paper: str = "A4",
    mark: str | None = TITLE,
    level: int = 0,
) -> None:
    """The placard on one page of ``paper`` ("A4" or "A3")."""
    tp = data.talk_point
    if tp is None:
        raise MissingDataError(f"{data.village}没有登记评理说事点，无法打印评理说事点标牌。")
    if paper not in PAPERS:
        raise ValueError(f"paper must be one of {sorted(PAPERS)}")
    size = PAPERS[paper]
    canv.start_page(size)
    if mark:
        canv.mark(mark, level)
    canv.saveState()
    scale = size[0] / WIDTH
    canv.scale(scale, scale)
    _draw(canv, data, tp)
    canv.restoreState()
    canv.showPage()


def problems(data: KitData) -> list[str]:
    tp = data.talk_point
    if tp is None:
        return [f"{data.village}没有登记评理说事点，本次不打印评理说事点标牌。"]
    missing = [label.replace("　", "") for label, value in _rows(tp) if not value]
    if missing:
        return [f"{data.village}的评理说事点没有填写{'、'.join(missing)}，标牌上留空待手写。"]
    return []


def check(data: KitData, fonts: FontSet) -> None:
    """Raises what :func:`draw` would (drawing onto a throw-away canvas)."""
    import io

    canv = K.KitCanvas(io.BytesIO(), fonts, L.DocInfo(title=""))
    draw(canv, data)


def part(
    data: KitData, fonts: FontSet | None = None, *, paper: str = "A4", level: int = 0
) -> K.Part:
    """The placard as a part of the kit (left out when there is no 评理说事点 or its texts
    do not fit). ValueError for a ``paper`` other than "A4" or "A3"."""
    if paper not in PAPERS:
        raise ValueError(f"paper must be one of {sorted(PAPERS)}")
    fonts = fonts or get_fonts()
    found = tuple(problems(data))
    try:
        check(data, fonts)
    except (MissingDataError, TextTooLongError) as exc:
        extra = () if data.talk_point is None else (K.left_out(exc, TITLE),)
        return K.Part(KEY, TITLE, None, (*found, *extra))
    return K.Part(KEY, TITLE, lambda canv: draw(canv, data, paper=paper, level=level), found)


def talk_point_pdf(data: KitData, *, paper: str = "A4", fonts: FontSet | None = None) -> bytes:
    """The placard (A4, or A3 with ``paper="A3"``); MissingDataError without a
    评理说事点, TextTooLongError when its texts do not fit."""
    fonts = fonts or get_fonts()
    info = L.DocInfo(title=f"{data.village}{TITLE}", author=data.committee)
    return K.render([lambda canv: draw(canv, data, paper=paper)], info, fonts)
