"""The plain input of the "七个一" outreach printables: one village's people, places and
texts, as frozen dataclasses. Nothing here reads the database; an adapter builds a
:class:`KitData` from the registries and the content library.

Every text field is printed as given (stripped). Phones are kept as typed ("13812345678",
"0571-88880000"); the printables mask them only where a privacy option says so (装户图).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

# The kinds of :class:`ContentItem` (the outreach_content table's ``kind``).
CARD = "card"
BROADCAST = "broadcast"
BROCHURE = "brochure"
ANIMATION = "animation"
KINDS = (CARD, BROADCAST, BROCHURE, ANIMATION)


@dataclass(frozen=True)
class Contact:
    """Someone to call: a mediator or a grid worker."""

    name: str
    phone: str = ""  # as typed; empty when unknown


@dataclass(frozen=True)
class LegalAdviser:
    """A 法律明白人 of the village."""

    name: str
    phone: str = ""
    area: str = ""  # what the person covers, as printed: "一组、二组" or "河东片"


@dataclass(frozen=True)
class TalkPoint:
    """The village's 评理说事点."""

    name: str  # "红旗村评理说事点"
    address: str = ""  # "红旗村村委会一楼东侧"
    hours: str = ""  # opening times as printed: "周一至周五 8:30—17:30"
    staff: str = ""  # who staffs it, as printed: "王建华、李秀梅"
    phone: str = ""


@dataclass(frozen=True)
class Member:
    """A member of a household other than its head."""

    name: str
    relation: str = ""  # to the head: 配偶, 长子, 女, 父, 母 …


@dataclass(frozen=True)
class Household:
    """One household of a grid. There is no ID number field, on purpose."""

    house_number: str  # "12号", "3组5号", "5-2": sorted naturally (2 before 10)
    head: str  # head of household (户主)
    phone: str = ""
    members: tuple[Member, ...] = ()  # the others; a member named as the head is not counted

    @property
    def people(self) -> int:
        """How many people live here: the head and the other members."""
        others = [m for m in self.members if m.name.strip() != self.head.strip()]
        return 1 + len(others)


@dataclass(frozen=True)
class ChartOptions:
    """What the grid's 装户图 may show (remembered per grid by the office).

    - ``mask_phones``: phones print as 138****5678 (the default, as in the registry);
    - ``hide_members``: members are counted ("4人") but not named;
    - ``heads_only``: only the house number and the head's name: no count, no members,
      no phone.
    """

    mask_phones: bool = True
    hide_members: bool = False
    heads_only: bool = False


@dataclass(frozen=True)
class Grid:
    """A grid (网格) of the village with its grid workers and households."""

    name: str  # "第一网格"
    workers: tuple[Contact, ...] = ()  # 网格员, printed with their phones in the title
    households: tuple[Household, ...] = ()  # in any order: the chart sorts them
    options: ChartOptions = ChartOptions()


@dataclass(frozen=True)
class BroadcastSlot:
    """One playing of the 大喇叭 broadcast."""

    day: date
    time: str = ""  # "07:30"
    reader: str = ""  # who reads (播音人)


@dataclass(frozen=True)
class ContentItem:
    """A text of the content library, its placeholders not yet filled.

    ``kind`` is one of :data:`KINDS`. Placeholders ({村名}, {调解员}, …) are filled per
    village by :func:`app.printing.outreach.text.fill`. ``extra`` by kind:

    - card: ``side``: "front" (default) or "back". The first front item's title is the
      card's title; each front item's body lines are its points; a back item's title
      heads the back and its body lines follow the contacts.
    - broadcast: none; one script per item (title, body).
    - brochure: ``panel``: "cover" for the cover's title (title) and subtitle (body);
      the other items (title, body) flow through the inside flap and the three inside
      panels in order.
    - animation: ``link`` (http/https URL of the video), ``duration`` (seconds, "3:20"
      or text such as "3分20秒"); the body is the poster's short text.
    """

    kind: str
    title: str
    body: str = ""
    extra: Mapping[str, object] = field(default_factory=dict, hash=False)

    def get(self, key: str, default: str = "") -> str:
        """``extra[key]`` as stripped text (``default`` when missing or empty)."""
        value = self.extra.get(key)
        text = "" if value is None else str(value).strip()
        return text or default


@dataclass(frozen=True)
class KitData:
    """Everything one village's kit prints.

    ``committee`` is who issues the kit and signs the notices (e.g.
    "红旗村人民调解委员会"; the town's committee when the village has none). ``issued_on``
    is the date at the foot of the notices; None leaves a blank to fill in by hand.
    ``content`` holds every item of every kind in the office's order.
    """

    village: str  # "红旗村"
    town: str = ""  # "青山镇"
    committee: str = ""
    mediators: tuple[Contact, ...] = ()  # the village's mediators, the one to call first first
    legal_advisers: tuple[LegalAdviser, ...] = ()
    talk_point: TalkPoint | None = None
    grids: tuple[Grid, ...] = ()
    broadcast_schedule: tuple[BroadcastSlot, ...] = ()
    content: tuple[ContentItem, ...] = ()
    issued_on: date | None = None
    legal_aid_phone: str = "12348"  # 公共法律服务热线
    police_phone: str = "110"

    def items(self, kind: str) -> list[ContentItem]:
        """The content items of ``kind``, in order."""
        return [c for c in self.content if c.kind == kind]

    @property
    def grid_workers(self) -> list[Contact]:
        """Every grid worker of the village, each once, in grid order."""
        seen: list[Contact] = []
        for g in self.grids:
            seen += [w for w in g.workers if w not in seen]
        return seen
