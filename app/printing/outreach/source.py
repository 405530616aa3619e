"""A village's :class:`KitData` from the database: the registries (app.models.registries)
and the office's content library (app.models.outreach_content).

The content library keeps the 明白卡 by side and the 宣传册 by panel ("slot"); the
printables read ``side`` and ``panel``. The card's and the brochure's contact blocks are
built from the registries (every mediator with a phone, the 评理说事点, 12348, 110), so a
content line that only repeats those contacts is not printed a second time
(:func:`app.printing.outreach.text.is_contact_line`).
"""

from __future__ import annotations

from datetime import date

from app.models import office
from app.models import outreach_content as oc
from app.models import registries as reg
from app.models.db import Database
from app.printing.outreach import data as kit


def content_items(db: Database) -> tuple[kit.ContentItem, ...]:
    """Every item the kit prints, in the order of the library: the card's sides, the
    broadcast scripts, the brochure's panels, the animations."""
    out: list[kit.ContentItem] = []
    for side, item in oc.card_sides(db).items():
        out.append(kit.ContentItem(kit.CARD, item.title, item.body, {"side": side}))
    for item in oc.items(db, kit.BROADCAST):
        out.append(kit.ContentItem(kit.BROADCAST, item.title, item.body))
    for slot, item in oc.brochure_panels(db).items():
        out.append(kit.ContentItem(kit.BROCHURE, item.title, item.body, {"panel": slot}))
    for item in oc.items(db, kit.ANIMATION):
        out.append(kit.ContentItem(kit.ANIMATION, item.title, item.body, dict(item.extra)))
    return tuple(out)


def _grid(g: reg.GridRegistry) -> kit.Grid:
    return kit.Grid(
        name=g.grid.name,
        workers=tuple(kit.Contact(w.name, w.phone) for w in g.workers),
        households=tuple(
            kit.Household(
                house_number=h.house_number,
                head=h.head_name,
                phone=h.phone,
                members=tuple(kit.Member(m.name, m.relation) for m in h.members),
            )
            for h in g.households
        ),
        options=kit.ChartOptions(
            mask_phones=g.chart.mask_phones,
            hide_members=g.chart.hide_members,
            heads_only=g.chart.heads_only,
        ),
    )


def from_registry(
    village: reg.VillageRegistry,
    content: tuple[kit.ContentItem, ...],
    *,
    issued_on: date | None = None,
) -> kit.KitData:
    """The kit data of one village (plain data in, plain data out)."""
    points = village.talk_points
    talk_point = (
        kit.TalkPoint(
            name=points[0].name,
            address=points[0].address,
            hours=points[0].hours,
            staff=points[0].staff,
            phone=points[0].phone,
        )
        if points
        else None
    )
    return kit.KitData(
        village=village.village_name,
        town=village.town_name,
        committee=village.committee_name,
        mediators=tuple(kit.Contact(m.name, m.phone) for m in village.mediators),
        legal_advisers=tuple(kit.LegalAdviser(a.name, a.phone, a.area) for a in village.advisers),
        talk_point=talk_point,
        grids=tuple(_grid(g) for g in village.grids),
        broadcast_schedule=tuple(
            kit.BroadcastSlot(day=b.play_on, time=b.play_at, reader=b.reader)
            for b in village.broadcasts
        ),
        content=content,
        issued_on=issued_on,
    )


def kit_data(db: Database, village_id: str, *, issued_on: date | None = None) -> kit.KitData:
    """Everything the kit of ``village_id`` prints, read from the database."""
    return from_registry(
        reg.village_kit_data(db, village_id), content_items(db), issued_on=issued_on
    )


def all_kit_data(db: Database, *, issued_on: date | None = None) -> list[kit.KitData]:
    """The kit data of every village and community in use, in the office's order."""
    content = content_items(db)
    return [
        from_registry(reg.village_kit_data(db, v.id), content, issued_on=issued_on)
        for v in office.villages(db)
    ]
