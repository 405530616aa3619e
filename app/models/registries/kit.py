"""One village's registries as plain data for the 七个一 kit, and what is missing from it.

``village_kit_data`` is what the printing code consumes (it never queries the database);
``kit_gaps`` is the list the UI shows before printing, so no village gets a blank placard.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.models import office
from app.models.db import Database
from app.models.errors import NotFoundError
from app.models.office import Place
from app.models.registries.common import VILLAGE_KINDS
from app.models.registries.households import HOUSEHOLDS, ChartOptions, Household, chart_options
from app.models.registries.people import (
    GRID_WORKERS,
    LEGAL_ADVISERS,
    MEDIATORS,
    MIN_ADVISERS,
    GridWorker,
    LegalAdviser,
    MediatorEntry,
)
from app.models.registries.places import GRIDS, Grid, village_committee
from app.models.registries.village import BROADCASTS, TALK_POINTS, BroadcastSlot, TalkPoint


@dataclass(frozen=True)
class GridRegistry:
    """One grid of the village: its workers, its households (house-number order) and what
    its 装户图 may show."""

    grid: Grid
    workers: tuple[GridWorker, ...]
    households: tuple[Household, ...]
    chart: ChartOptions


@dataclass(frozen=True)
class VillageRegistry:
    """Everything the kit of one village prints, as plain data (only rows in use)."""

    town_name: str
    village_id: str
    village_name: str
    village_kind: str  # village / community
    committee_name: str  # the village's committee when it has mediators, else the town's
    mediators: tuple[MediatorEntry, ...]  # of that committee, full-time first
    advisers: tuple[LegalAdviser, ...]
    talk_points: tuple[TalkPoint, ...]
    grids: tuple[GridRegistry, ...]
    broadcasts: tuple[BroadcastSlot, ...]  # by date and time
    own_committee_name: str = ""  # the village's committee, also when it has no mediators yet

    @property
    def mediators_from_town(self) -> bool:
        """True when the card shows the town committee's mediators (no village ones)."""
        return self.committee_name != self.own_committee_name


def _village(db: Database, village_id: str) -> Place:
    r = db.one("SELECT id, name, kind, parent_id FROM places WHERE id = ?", (village_id,))
    if r is None or r["kind"] not in VILLAGE_KINDS:
        raise NotFoundError("这个村（社区）已被删除，请刷新后再试。")
    return Place(r["id"], r["name"], r["kind"], r["parent_id"])


def village_kit_data(db: Database, village_id: str) -> VillageRegistry:
    """The village's registries for printing its kit."""
    village = _village(db, village_id)
    own = village_committee(db, village.id)
    mediators = MEDIATORS.list(db, committee_id=own.id) if own is not None else []
    committee_name = own.name if own is not None else ""
    if not mediators:
        main = office.main_committee(db)
        mediators = MEDIATORS.list(db, committee_id=main.id)
        committee_name = main.name
    workers = GRID_WORKERS.list(db, village_id=village.id)
    households = HOUSEHOLDS.list(db, village_id=village.id)
    grids = tuple(
        GridRegistry(
            grid=g,
            workers=tuple(w for w in workers if w.grid_id == g.id),
            households=tuple(h for h in households if h.grid_id == g.id),
            chart=chart_options(db, g.id),
        )
        for g in GRIDS.list(db, village_id=village.id)
    )
    return VillageRegistry(
        town_name=office.town_name(db),
        village_id=village.id,
        village_name=village.name,
        village_kind=village.kind,
        committee_name=committee_name,
        mediators=tuple(mediators),
        advisers=tuple(LEGAL_ADVISERS.list(db, village_id=village.id)),
        talk_points=tuple(TALK_POINTS.list(db, village_id=village.id)),
        grids=grids,
        broadcasts=tuple(BROADCASTS.list(db, village_id=village.id)),
        own_committee_name="" if own is None else own.name,
    )


def gaps_of(data: VillageRegistry) -> list[str]:
    """What the village's kit lacks, in plain Chinese, each with what to do about it."""
    gaps: list[str] = []
    n = len(data.advisers)
    if n == 0:
        gaps.append(
            "还没有登记法律明白人（每个村（社区）至少三名）：法律明白人名单无法打印，"
            "请在“法律明白人”里添加。"
        )
    elif n < MIN_ADVISERS:
        gaps.append(
            f"法律明白人只有 {n} 名，每个村（社区）至少要有三名：请再添加 {MIN_ADVISERS - n} 名。"
        )
    if not data.talk_points:
        gaps.append("还没有登记评理说事点：评理说事点告示牌无法打印，请在“评理说事点”里添加。")
    if not data.grids:
        gaps.append("还没有划分网格：装户图无法打印，请先在“网格”里添加网格，再登记住户。")
    for g in data.grids:
        if not g.households:
            gaps.append(
                f"网格“{g.grid.name}”还没有登记住户：这个网格的装户图是空的，"
                "请在“住户”里添加，或从表格导入。"
            )
        if not g.workers:
            gaps.append(
                f"网格“{g.grid.name}”还没有网格员：装户图上没有网格员，请在“网格员”里添加。"
            )
    if not data.mediators:
        gaps.append("还没有调解员：明白卡上没有可以找的调解员，请在“调解员”里添加。")
    elif not any(m.phone for m in data.mediators):
        gaps.append(
            "调解员都没有登记联系电话：明白卡上没有可以拨打的调解电话，请在“调解员”里补上电话。"
        )
    if data.own_committee_name and data.mediators_from_town:
        gaps.append(
            f"“{data.own_committee_name}”还没有调解员：明白卡上印的是{data.committee_name}"
            "的调解员。如需印村里的调解员，请在“调解员”里添加。"
        )
    if not data.broadcasts:
        gaps.append(
            "还没有大喇叭播放安排：广播稿上的播放时间表是空的，请在“大喇叭播放安排”里添加。"
        )
    return gaps


def kit_gaps(db: Database, village_id: str) -> list[str]:
    """What is missing for the village's 七个一 kit (empty when it is complete)."""
    return gaps_of(village_kit_data(db, village_id))


def advisers_short(db: Database) -> list[tuple[Place, int]]:
    """Villages in use with fewer than three 法律明白人 in service, with their count."""
    counts = {
        r[0]: int(r[1])
        for r in db.query(
            "SELECT village_id, count(*) FROM legal_advisers WHERE retired = 0 GROUP BY village_id"
        )
    }
    return [
        (v, counts.get(v.id, 0)) for v in office.villages(db) if counts.get(v.id, 0) < MIN_ADVISERS
    ]
