"""The "七个一" outreach kit of a village, printed (DOMAIN.md, "The 七个一 outreach kit").

Plain data in (:class:`app.printing.outreach.data.KitData`), PDF bytes out, no Qt, no
database. The seven printables, in the kit's order, each in its own module:

====================  ==================  ============  ==========================
key                   title               paper         module
====================  ==================  ============  ==========================
card                  明白卡              A4 portrait   card.py (10 cards a sheet)
broadcast             大喇叭广播稿        A4 portrait   broadcast.py
brochure              宣传册              A4 landscape  brochure.py (tri-fold)
animation             微动漫海报          A4 portrait   animation.py (QR codes)
advisers              法律明白人名单      A4 portrait   advisers.py
talk_point            评理说事点标牌      A4 (or A3)    talk_point.py
household_chart       装户图              A4 landscape  household_chart.py
====================  ==================  ============  ==========================

The whole kit (one village, or all villages in one file) is in :mod:`kit`. The case
documents' registry (app/printing/registry.py) is separate: these are not case documents.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType

from app.printing.fonts import FontSet
from app.printing.outreach import (
    advisers,
    animation,
    broadcast,
    brochure,
    card,
    household_chart,
    talk_point,
)
from app.printing.outreach.canvas import Part
from app.printing.outreach.data import KitData

Builder = Callable[[KitData], bytes]
PartMaker = Callable[[KitData, FontSet | None, int], Part]


@dataclass(frozen=True)
class OutreachPrintable:
    """One of the seven: its key, title, paper, the builder of its PDF alone (raises an
    :class:`app.printing.outreach.text.OutreachError` when it cannot be made) and the
    maker of its part of the kit (which never raises for the data: it says why)."""

    key: str
    title: str
    paper: str
    orientation: str
    build: Builder
    part: PartMaker


def _entry(module: ModuleType, build: Builder) -> OutreachPrintable:
    """The entry of a printable's module (KEY, TITLE, PAPER, ORIENTATION, part)."""
    part = module.part

    def make(data: KitData, fonts: FontSet | None, level: int) -> Part:
        made: Part = part(data, fonts, level=level)
        return made

    return OutreachPrintable(
        key=str(module.KEY),
        title=str(module.TITLE),
        paper=str(module.PAPER),
        orientation=str(module.ORIENTATION),
        build=build,
        part=make,
    )


def _card(data: KitData) -> bytes:
    return card.card_pdf(data)


def _broadcast(data: KitData) -> bytes:
    return broadcast.broadcast_pdf(data)


def _brochure(data: KitData) -> bytes:
    return brochure.brochure_pdf(data)


def _animation(data: KitData) -> bytes:
    return animation.animation_pdf(data)


def _advisers(data: KitData) -> bytes:
    return advisers.advisers_pdf(data)


def _talk_point(data: KitData) -> bytes:
    return talk_point.talk_point_pdf(data)


def _household_chart(data: KitData) -> bytes:
    return household_chart.household_chart_pdf(data)


# In the order of the kit (and of DOMAIN.md's list).
PRINTABLES: tuple[OutreachPrintable, ...] = (
    _entry(card, _card),
    _entry(broadcast, _broadcast),
    _entry(brochure, _brochure),
    _entry(animation, _animation),
    _entry(advisers, _advisers),
    _entry(talk_point, _talk_point),
    _entry(household_chart, _household_chart),
)


def printables() -> list[OutreachPrintable]:
    return list(PRINTABLES)


def printable(key: str) -> OutreachPrintable:
    for p in PRINTABLES:
        if p.key == key:
            return p
    raise KeyError(key)
