"""法律明白人: the village's roster as a notice to post: title, a short introduction, a
table of names, phones and the areas each covers (no photos), and the committee and the
date at the foot (GB/T 9704-2012: right-aligned, four characters in).

A4 portrait in the frame of the other documents. A village without 法律明白人 gets no
notice (:class:`MissingDataError`); fewer than three (the required number) is reported
but printed.
"""

from __future__ import annotations

from dataclasses import replace

from reportlab.lib.colors import Color
from reportlab.platypus import Flowable, Spacer

from app.printing import layout as L
from app.printing.fonts import FontSet, get_fonts
from app.printing.layout import Span
from app.printing.outreach import canvas as K
from app.printing.outreach.data import KitData
from app.printing.outreach.text import MissingDataError

KEY = "advisers"
TITLE = "法律明白人名单"
PAPER = "A4"
ORIENTATION = "portrait"
REQUIRED = 3  # at least three 法律明白人 per village

INTRO = (
    "为推进法治乡村建设，方便村民学法用法、就近化解矛盾纠纷，现将本村法律明白人名单公布如下。"
    "村民遇到法律问题或者矛盾纠纷，可以就近联系。"
)
CELL = replace(L.CELL, size=L.SIZE_3, leading=L.SIZE_3 * 1.35)  # 三号: read on a wall
CELL_CENTER = replace(CELL, align="center")
HEAD = replace(CELL_CENTER, bold=True)
COLUMNS = (50.0, 104.0, 136.0, L.BLOCK_WIDTH - 290.0)
ROW_HEIGHT = 34.0  # at least: room to write a change by hand
FOOT = replace(L.BODY_FLUSH, align="center")


def _foot(data: KitData, fonts: FontSet) -> Flowable:
    """The committee's name over the date, right-aligned four characters in."""
    committee = data.committee.strip() or f"{data.village}人民调解委员会"
    date = L.day(data.issued_on)
    w = max(
        sum(g.width for g in L.shape(committee, FOOT, fonts)),
        sum(g.width for g in L.shape(date, FOOT, fonts)),
    )
    t = L.table(
        [[L.Paragraph(committee, FOOT, fonts), ""], [L.Paragraph(date, FOOT, fonts), ""]],
        (w + 2, 4 * L.SIZE_3),
        grid=False,
        padding=0,
        fonts=fonts,
    )
    t.hAlign = "RIGHT"
    return t


def story(data: KitData, fonts: FontSet) -> list[Flowable]:
    people = [a for a in data.legal_advisers if a.name.strip()]
    if not people:
        raise MissingDataError(f"{data.village}没有登记法律明白人，无法打印法律明白人名单。")
    rows: list[list[L.Content | Flowable]] = [
        [L.Paragraph(h, HEAD, fonts) for h in ("序号", "姓名", "联系电话", "负责区域")]
    ]
    for n, a in enumerate(people, start=1):
        rows.append(
            [
                L.Paragraph(str(n), CELL_CENTER, fonts),
                L.Paragraph(a.name.strip(), CELL_CENTER, fonts),
                L.Paragraph(a.phone.strip(), CELL_CENTER, fonts),
                L.Paragraph(a.area.strip(), CELL, fonts),
            ]
        )
    heights: list[float | None] = [None] + [ROW_HEIGHT] * len(people)
    table = L.table(
        rows,
        COLUMNS,
        padding=5,
        repeat_rows=1,
        row_heights=heights,
        extra=[("BACKGROUND", (0, 0), (-1, 0), Color(*K.TINT))],
        fonts=fonts,
    )
    hotline = L.Paragraph(
        [
            Span("公共法律服务热线："),
            Span(data.legal_aid_phone, bold=True),
            Span("　　报警求助："),
            Span(data.police_phone, bold=True),
        ],
        replace(L.BODY_FLUSH, size=L.SIZE_4, leading=L.DENSE_LEADING, space_before=10),
        fonts,
    )
    foot = _foot(data, fonts)
    foot_height = float(foot.wrap(L.BLOCK_WIDTH, L.BLOCK_HEIGHT)[1]) + 2 * L.BODY_LEADING
    return [
        L.Paragraph(f"{data.village}法律明白人名单", replace(L.TITLE, tracking=0.05), fonts),
        Spacer(1, 10),
        L.Paragraph(INTRO, L.BODY, fonts),
        Spacer(1, 12),
        table,
        hotline,
        K.NeedSpace(foot_height),
        Spacer(1, 2 * L.BODY_LEADING),
        foot,
    ]


FRAME = (L.MARGIN_LEFT, L.MARGIN_BOTTOM, L.BLOCK_WIDTH, L.BLOCK_HEIGHT)
FOOTER = K.Footer(L.PAGE_WIDTH / 2, L.FOOTER_BASELINE)


def draw(canv: K.KitCanvas, data: KitData, *, mark: str | None = TITLE, level: int = 0) -> None:
    K.flow_numbered(
        canv, story(data, canv.fonts), frame=FRAME, footer=FOOTER, mark=mark, level=level
    )


def problems(data: KitData) -> list[str]:
    people = [a for a in data.legal_advisers if a.name.strip()]
    out = []
    if not people:
        out.append(f"{data.village}没有登记法律明白人，本次不打印法律明白人名单。")
    elif len(people) < REQUIRED:
        out.append(f"{data.village}只登记了{len(people)}名法律明白人，每村应至少{REQUIRED}名。")
    nophone = [a.name.strip() for a in people if not a.phone.strip()]
    if nophone:
        out.append(f"{data.village}的法律明白人{'、'.join(nophone)}没有登记联系电话。")
    return out


def part(data: KitData, fonts: FontSet | None = None, *, level: int = 0) -> K.Part:
    """The roster as a part of the kit (left out when the village has no 法律明白人)."""
    found = tuple(problems(data))
    if not any(a.name.strip() for a in data.legal_advisers):
        return K.Part(KEY, TITLE, None, found)
    return K.Part(KEY, TITLE, lambda canv: draw(canv, data, level=level), found)


def advisers_pdf(data: KitData, *, fonts: FontSet | None = None) -> bytes:
    """The roster notice; MissingDataError when the village has no 法律明白人."""
    fonts = fonts or get_fonts()
    info = L.DocInfo(title=f"{data.village}{TITLE}", author=data.committee)
    return K.render([lambda canv: draw(canv, data)], info, fonts)
