"""装户图: a grid's households as boxes, in house-number order (natural: 2号 before
10号), row by row across A4 landscape pages, for the grid worker.

Each box: the house number, how many people live there, the head of household, the
phone and the other members with their relation to the head. The title names the village,
the grid and its grid workers with their phones (work numbers, never masked). What a box
shows follows the grid's :class:`ChartOptions` (remembered per grid by the office):

- ``mask_phones``: 138****5678;
- ``hide_members``: the number of people, no member's name (smaller boxes, more a page);
- ``heads_only``: the house number and the head's name only (no count, no phone).

What an option hides is not in the PDF at all. No ID number is ever printed: the data has
none, and anything shaped like one (15 or 18 digits) in any field is replaced by
"（证件号码不打印）" (:func:`app.printing.outreach.text.scrub_ids`). Each page says it is
internal ("内部资料　注意保密"). A grid without households gets no chart.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.models.privacy import mask_phone
from app.printing import layout as L
from app.printing.fonts import FontSet, get_fonts
from app.printing.outreach import canvas as K
from app.printing.outreach.data import ChartOptions, Grid, Household, KitData
from app.printing.outreach.text import (
    MissingDataError,
    has_id_number,
    natural_key,
    scrub_ids,
)

KEY = "household_chart"
TITLE = "装户图"
PAPER = "A4"
ORIENTATION = "landscape"

MM = L.MM
PAGE_WIDTH, PAGE_HEIGHT = K.A4_LANDSCAPE
MARGIN = 12 * MM
HEADER = 21 * MM  # title and subtitle above the boxes
FOOTER = 9 * MM  # page number and issuer below them
GAP = 3 * MM  # between boxes
STRIP = 7.5 * MM  # the house-number strip at the top of a box
PAD = 2.2 * MM
MEMBER_SIZE = 8.5
MEMBER_MIN = 6.5


@dataclass(frozen=True)
class Grill:
    """How many boxes a page takes (columns × rows)."""

    columns: int
    rows: int

    @property
    def per_page(self) -> int:
        return self.columns * self.rows

    @property
    def box(self) -> tuple[float, float]:
        w = (PAGE_WIDTH - 2 * MARGIN - (self.columns - 1) * GAP) / self.columns
        h = (PAGE_HEIGHT - 2 * MARGIN - HEADER - FOOTER - (self.rows - 1) * GAP) / self.rows
        return w, h

    def origin(self, index: int) -> tuple[float, float]:
        """Bottom-left corner of box ``index`` (0-based, row by row) on its page."""
        w, h = self.box
        k = index % self.per_page
        row, col = divmod(k, self.columns)
        x = MARGIN + col * (w + GAP)
        y = PAGE_HEIGHT - MARGIN - HEADER - (row + 1) * h - row * GAP
        return x, y


def grill(options: ChartOptions) -> Grill:
    if options.heads_only:
        return Grill(7, 8)
    if options.hide_members:
        return Grill(6, 6)
    return Grill(5, 4)


@dataclass(frozen=True)
class Box:
    """What one box prints, already filtered by the options."""

    house_number: str
    head: str
    people: int | None  # None: not shown (heads only)
    phone: str | None  # None: not shown
    members_split: tuple[tuple[str, str], ...]  # (relation, name); empty when hidden

    @property
    def members(self) -> tuple[str, ...]:
        """ "钱淑芳（配偶）" each."""
        return tuple(f"{n}（{r}）" if r else n for r, n in self.members_split)


def box_for(h: Household, options: ChartOptions) -> Box:
    """``h`` as its box shows it under ``options`` (never an ID number)."""
    head = scrub_ids(h.head.strip())
    phone: str | None = None
    members: tuple[tuple[str, str], ...] = ()
    people: int | None = None
    if not options.heads_only:
        people = h.people
        raw = h.phone.strip()
        phone = mask_phone(raw) if options.mask_phones and raw else scrub_ids(raw)
        if not options.hide_members:
            members = tuple(
                (scrub_ids(m.relation.strip()), scrub_ids(m.name.strip()))
                for m in h.members
                if m.name.strip() and m.name.strip() != h.head.strip()
            )
    box = Box(scrub_ids(h.house_number.strip()), head, people, phone, members)
    assert not any(
        has_id_number(t) for t in (box.house_number, box.head, box.phone or "", *box.members)
    )
    return box


def boxes(grid: Grid) -> list[Box]:
    """The grid's households in house-number order, as their boxes show them."""
    order = sorted(grid.households, key=lambda h: natural_key(h.house_number))
    return [box_for(h, grid.options) for h in order]


def privacy_note(options: ChartOptions) -> str:
    if options.heads_only:
        return "仅列户主姓名"
    parts = []
    if options.hide_members:
        parts.append("只列人数、不列家庭成员姓名")
    if options.mask_phones:
        parts.append("电话号码隐去中间四位")
    return "，".join(parts)


# ---------------------------------------------------------------------------------------
# Drawing


@dataclass(frozen=True)
class MemberCells:
    """The members as cells of ``columns`` columns at ``size``; ``entries`` may end in
    "等N人" when not all fit."""

    entries: tuple[tuple[str, str], ...]  # (relation, name)
    columns: int
    size: float

    @property
    def leading(self) -> float:
        return self.size * 1.32


def _entry_width(entry: tuple[str, str], size: float, fonts: FontSet) -> float:
    relation, name = entry
    rel = K.text_width(f"{relation} ", size * 0.88, fonts, bold=True) if relation else 0.0
    return rel + K.text_width(name, size, fonts)


def member_cells(box: Box, width: float, height: float, fonts: FontSet) -> MemberCells | None:
    """The largest size (MEMBER_SIZE down to MEMBER_MIN) and columns (two, else one) at
    which every member fits the box; else one column at MEMBER_MIN with the last rows
    giving way to "等N人"."""
    entries = box.members_split
    if not entries:
        return None
    size = MEMBER_SIZE
    while size >= MEMBER_MIN - 1e-9:
        for columns in (2, 1):
            rows = -(-len(entries) // columns)
            cell = (width - (columns - 1) * 2 * MM) / columns
            fits = all(_entry_width(e, size, fonts) <= cell for e in entries)
            if fits and rows * size * 1.32 <= height + 1e-6:
                return MemberCells(entries, columns, size)
        size -= 0.5
    rows = int((height + 1e-6) // (MEMBER_MIN * 1.32))
    if rows < 1:
        return None
    shown = (*entries[: rows - 1], ("", f"等{len(entries)}人"))
    return MemberCells(shown, 1, MEMBER_MIN)


def _draw_members(
    canv: K.KitCanvas, cells: MemberCells, x: float, top: float, width: float
) -> None:
    fonts = canv.fonts
    cell = (width - (cells.columns - 1) * 2 * MM) / cells.columns
    for n, (relation, name) in enumerate(cells.entries):
        row, col = divmod(n, cells.columns)
        cx = x + col * (cell + 2 * MM)
        base = top - row * cells.leading - cells.size * 0.95
        if relation:
            canv.setFillColorRGB(*K.GREY_TEXT)
            cx += K.draw_string(canv, cx, base, f"{relation} ", cells.size * 0.88, fonts, bold=True)
            canv.setFillColorRGB(*K.INK)
        fit = min(cells.size, K.fit_size(name, x + width - cx, cells.size, fonts))
        K.draw_string(canv, cx, base, name, fit, fonts)


def _draw_box(
    canv: K.KitCanvas, box: Box, x: float, y: float, w: float, h: float, compact: bool
) -> None:
    fonts = canv.fonts
    canv.saveState()
    canv.setStrokeColorRGB(*K.GREY_LINE)
    canv.setLineWidth(0.6)
    canv.rect(x, y, w, h, stroke=1, fill=0)
    canv.restoreState()
    strip = STRIP if not compact else 6.5 * MM
    K.band(canv, x + 0.3, y + h - strip, w - 0.6, strip - 0.3, K.TINT)
    size = K.fit_size(
        box.house_number, w - 2 * PAD - (12 * MM if box.people else 0), 11, fonts, bold=True
    )
    K.draw_string(
        canv, x + PAD, y + h - strip / 2 - size * 0.36, box.house_number, size, fonts, bold=True
    )
    if box.people is not None:
        canv.setFillColorRGB(*K.ACCENT)
        K.draw_string(
            canv,
            x + w - PAD,
            y + h - strip / 2 - 3.6,
            f"{box.people}人",
            10,
            fonts,
            bold=True,
            align="right",
        )
        canv.setFillColorRGB(*K.INK)
    top = y + h - strip - 1.6 * MM
    name_size = 12.0 if not compact else 11.0
    label = "户主 " if not compact else ""
    head_size = K.fit_size(label + box.head, w - 2 * PAD, name_size, fonts, bold=True)
    base = top - head_size * 0.95
    if label:
        K.draw_string(canv, x + PAD, base, label, head_size * 0.8, fonts)
        lw = K.text_width(label, head_size * 0.8, fonts)
    else:
        lw = 0.0
    K.draw_string(canv, x + PAD + lw, base, box.head, head_size, fonts, bold=True)
    top = base - 2.2 * MM
    if box.phone is not None:
        phone = box.phone or "—"
        base = top - 9.5 * 0.9
        K.draw_string(canv, x + PAD, base, "电话 ", 8.5, fonts, bold=True)
        K.draw_string(
            canv, x + PAD + K.text_width("电话 ", 8.5, fonts, bold=True), base, phone, 9.5, fonts
        )
        top = base - 1.8 * MM
    cells = member_cells(box, w - 2 * PAD, top - y - PAD, fonts)
    if cells is not None:
        _draw_members(canv, cells, x + PAD, top, w - 2 * PAD)


def _draw_header(canv: K.KitCanvas, data: KitData, grid: Grid, shown: list[Box]) -> None:
    fonts = canv.fonts
    top = PAGE_HEIGHT - MARGIN
    title = f"{data.village}{grid.name.strip()}装户图"
    K.draw_string(canv, MARGIN, top - 18, title, 20, fonts, bold=True)
    workers = "　".join(
        f"{w.name.strip()} {w.phone.strip()}".strip() for w in grid.workers if w.name.strip()
    )
    who = f"网格员：{workers}" if workers else "网格员：（未登记）"
    K.draw_string(
        canv,
        PAGE_WIDTH - MARGIN,
        top - 17,
        who,
        K.fit_size(who, 150 * MM, 12, fonts),
        fonts,
        align="right",
    )
    count = f"共{len(shown)}户"
    if not grid.options.heads_only:
        count += f" {sum(b.people or 0 for b in shown)}人"
    note = privacy_note(grid.options)
    sub = f"{count}，按门牌号排列" + (f"（{note}）" if note else "")
    canv.setFillColorRGB(*K.GREY_TEXT)
    K.draw_string(canv, MARGIN, top - 33, sub, 10.5, fonts)
    canv.setFillColorRGB(*K.ACCENT)
    K.draw_string(
        canv,
        PAGE_WIDTH - MARGIN,
        top - 33,
        "内部资料　注意保密",
        10.5,
        fonts,
        bold=True,
        align="right",
    )
    canv.setFillColorRGB(*K.INK)
    K.hline(canv, MARGIN, PAGE_WIDTH - MARGIN, top - HEADER + 3 * MM, 1.0, K.ACCENT)


def _draw_foot(canv: K.KitCanvas, data: KitData) -> None:
    committee = data.committee.strip() or f"{data.village}人民调解委员会"
    when = L.day_text(data.issued_on)
    text = f"{committee}　{when}".strip()
    canv.setFillColorRGB(*K.GREY_TEXT)
    K.draw_string(canv, MARGIN, MARGIN, text, 9, canv.fonts)
    canv.setFillColorRGB(*K.INK)


PAGE_FOOTER = K.Footer(PAGE_WIDTH - MARGIN, MARGIN, 9.0, align="right")


def draw_grid(
    canv: K.KitCanvas, data: KitData, grid: Grid, *, mark: str | None = None, level: int = 0
) -> None:
    """The chart of one grid, on as many pages as its households need."""
    shown = boxes(grid)
    if not shown:
        raise MissingDataError(f"{data.village}{grid.name}没有登记住户，无法打印装户图。")
    g = grill(grid.options)
    w, h = g.box
    group = canv.new_group()
    for start in range(0, len(shown), g.per_page):
        canv.start_page(K.A4_LANDSCAPE)
        if start == 0 and mark:
            canv.mark(mark, level)
        canv.number_page(group, PAGE_FOOTER)
        _draw_header(canv, data, grid, shown)
        for k, box in enumerate(shown[start : start + g.per_page]):
            x, y = g.origin(k)
            _draw_box(canv, box, x, y, w, h, compact=grid.options.heads_only)
        _draw_foot(canv, data)
        canv.showPage()


def charted(data: KitData) -> list[Grid]:
    """The grids that get a chart (those with households)."""
    return [g for g in data.grids if g.households]


def draw(canv: K.KitCanvas, data: KitData, *, mark: str | None = TITLE, level: int = 0) -> None:
    """Every grid's chart in turn (each starts a page and is numbered by itself)."""
    grids = charted(data)
    if not grids:
        raise MissingDataError(f"{data.village}没有登记网格住户，无法打印装户图。")
    for n, grid in enumerate(grids):
        if n == 0 and mark:
            draw_grid(canv, data, grid, mark=mark, level=level)
        else:
            draw_grid(canv, data, grid)


def problems(data: KitData) -> list[str]:
    out = []
    if not data.grids:
        out.append(f"{data.village}没有登记网格，本次不打印装户图。")
    elif not charted(data):
        out.append(f"{data.village}的网格都没有登记住户，本次不打印装户图。")
    for g in data.grids:
        if not g.households and charted(data):
            out.append(f"{data.village}{g.name}没有登记住户，不打印它的装户图。")
        elif g.households and not any(w.name.strip() for w in g.workers):
            out.append(f"{data.village}{g.name}没有登记网格员，装户图上网格员一栏为空。")
    return out


def part(data: KitData, fonts: FontSet | None = None, *, level: int = 0) -> K.Part:
    """The charts as a part of the kit (left out when no grid has households)."""
    found = tuple(problems(data))
    if not charted(data):
        return K.Part(KEY, TITLE, None, found)
    return K.Part(KEY, TITLE, lambda canv: draw(canv, data, level=level), found)


def household_chart_pdf(data: KitData, *, fonts: FontSet | None = None) -> bytes:
    """Every grid's chart of ``data``'s village; MissingDataError when no grid has
    households."""
    fonts = fonts or get_fonts()
    info = L.DocInfo(title=f"{data.village}{TITLE}", author=data.committee)
    return K.render([lambda canv: draw(canv, data)], info, fonts)


def grid_chart_pdf(data: KitData, grid: Grid, *, fonts: FontSet | None = None) -> bytes:
    """The chart of one grid (with its own options); MissingDataError without households."""
    fonts = fonts or get_fonts()
    info = L.DocInfo(title=f"{data.village}{grid.name}{TITLE}", author=data.committee)
    return K.render([lambda canv: draw_grid(canv, data, grid, mark=TITLE)], info, fonts)
