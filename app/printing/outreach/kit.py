"""打印七个一: the seven printables of a village as one PDF, and every village's in one.

Everything is drawn on one canvas (:class:`app.printing.outreach.canvas.KitCanvas`), so
nothing is joined and every font is subset once for the whole file. The PDF's outline has
a bookmark per printable (per village, then per printable, for all villages).

A printable that cannot be made is left out, never printed blank: no 法律明白人 → no
roster, no 评理说事点 → no placard, an animation without a valid link → no poster for it,
a text too long for its card … :func:`kit_problems` lists why, together with what is
missing but does not stop printing (fewer than three 法律明白人, no schedule, a mediator
without a phone, a placeholder the content library does not know), for the screen before
printing.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from app.printing import layout as L
from app.printing.fonts import FontSet, get_fonts
from app.printing.outreach import PRINTABLES, talk_point
from app.printing.outreach import canvas as K
from app.printing.outreach.data import KitData
from app.printing.outreach.text import MissingDataError, unknown_placeholders

TITLE = "“七个一”宣传资料"
SAVE_STEP = "生成文件"

# progress(n, total, title): step n of total is about to start (what it returns is ignored)
Progress = Callable[[int, int, str], object]


class Cancelled(Exception):
    """The kits were cancelled (``cancelled()`` said so); nothing was produced."""


def parts(
    data: KitData,
    fonts: FontSet | None = None,
    *,
    level: int = 0,
    talk_point_paper: str = "A4",
) -> list[K.Part]:
    """The seven parts of ``data``'s kit in order (a part left out has ``draw`` None)."""
    fonts = fonts or get_fonts()
    out = []
    for p in PRINTABLES:
        if p.key == talk_point.KEY:
            out.append(talk_point.part(data, fonts, paper=talk_point_paper, level=level))
        else:
            out.append(p.part(data, fonts, level))
    return out


def _content_problems(data: KitData) -> list[str]:
    out = []
    if not any(m.name.strip() for m in data.mediators):
        out.append(f"{data.village}没有登记调解员，明白卡和宣传册上只印调解委员会。")
    nophone = [m.name.strip() for m in data.mediators if m.name.strip() and not m.phone.strip()]
    if nophone:
        out.append(f"{data.village}的调解员{'、'.join(nophone)}没有登记联系电话。")
    for item in data.content:
        unknown = unknown_placeholders(f"{item.title}\n{item.body}")
        if unknown:
            out.append(f"内容“{item.title}”里有无法填写的占位符{'、'.join(unknown)}，会原样印出。")
    return out


def _problems(data: KitData, made: Sequence[K.Part]) -> list[str]:
    out: list[str] = []
    for message in [*(m for p in made for m in p.problems), *_content_problems(data)]:
        if message not in out:
            out.append(message)
    return out


def kit_problems(data: KitData, fonts: FontSet | None = None) -> list[str]:
    """What is missing or wrong before printing ``data``'s kit, one plain-Chinese
    message each (empty when all seven print complete). A message about a printable
    that is left out says so ("本次不打印……")."""
    return _problems(data, parts(data, fonts))


def _info(title: str, data: KitData | None) -> L.DocInfo:
    return L.DocInfo(
        title=title,
        author=(data.committee if data is not None else ""),
        subject="七个一",
        keywords="人民调解 七个一 普法宣传",
    )


def village_kit_pdf(
    data: KitData, *, fonts: FontSet | None = None, talk_point_paper: str = "A4"
) -> bytes:
    """``data``'s kit: the printables that can be made, in order, as one PDF.
    MissingDataError when none can (see :func:`kit_problems` for why)."""
    fonts = fonts or get_fonts()
    with L.remembered():  # the printables repeat texts (the contact block, headings …)
        draws = [p.draw for p in parts(data, fonts, talk_point_paper=talk_point_paper) if p.draw]
        if not draws:
            raise MissingDataError(f"{data.village}的“七个一”资料一项也无法打印。")
        return K.render(draws, _info(f"{data.village}{TITLE}", data), fonts)


def all_villages_kit_pdf(
    datas: Sequence[KitData],
    progress: Progress | None = None,
    cancelled: Callable[[], bool] | None = None,
    *,
    fonts: FontSet | None = None,
    talk_point_paper: str = "A4",
) -> bytes:
    """Every village's kit in one PDF, village after village (each bookmarked, its
    printables under it). A village with nothing printable is skipped.

    ``progress(n, total, village)`` is called before each village and
    ``(total, total, "生成文件")`` before the file is written; ``cancelled()`` is asked
    before each step and, when it answers True, :class:`Cancelled` is raised. Both may be
    called from a worker thread. MissingDataError when no village has anything to print.
    """

    fonts = fonts or get_fonts()

    def check() -> None:
        if cancelled is not None and cancelled():
            raise Cancelled

    with L.remembered():  # every village sets the same content texts
        return _all_villages(datas, progress, check, fonts, talk_point_paper)


def _all_villages(
    datas: Sequence[KitData],
    progress: Progress | None,
    check: Callable[[], None],
    fonts: FontSet,
    talk_point_paper: str,
) -> bytes:
    import io

    total = len(datas) + 1
    buf = io.BytesIO()
    canv = K.KitCanvas(buf, fonts, _info(TITLE, datas[0] if datas else None))
    for n, data in enumerate(datas, start=1):
        check()
        if progress is not None:
            progress(n, total, data.village)
        draws = [
            p.draw for p in parts(data, fonts, level=1, talk_point_paper=talk_point_paper) if p.draw
        ]
        if not draws:
            continue
        canv.mark(data.village, 0)
        for draw in draws:
            draw(canv)
    check()
    if progress is not None:
        progress(total, total, SAVE_STEP)
    if canv.pages == 0:
        raise MissingDataError("所有村的“七个一”资料都无法打印。")
    canv.save()
    return buf.getvalue()
