"""The outreach content library (七个一 宣传内容): shipped defaults the office may edit.

Four kinds of text: the 明白卡 (card, one item per side), the 大喇叭 broadcast scripts,
the six panels of the 宣传册 tri-fold brochure, and the 微动漫 entries (title, duration,
link and a short description). The defaults are data in resources/content/outreach.json.
An office's changes are rows of ``outreach_content``, as for the clause templates: an
edit of a shipped item (``default_key`` set), a hidden shipped item (``hidden = 1``), or
an item of its own (``default_key`` NULL). "Restore default" deletes the override row, so
a later program version's better default text reaches every office that never changed it.

The texts hold placeholders such as ``{村名}`` that the printing fills per village with
:func:`fill`; :data:`PLACEHOLDERS` lists every one (docs/content.md explains them).
"""

from __future__ import annotations

import json
import math
import re
import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass, replace
from functools import cache
from types import MappingProxyType
from typing import Any
from urllib.parse import urlsplit

from app.models import accounts, rows
from app.models.accounts import Actor
from app.models.db import Database
from app.models.errors import NotFoundError, ValidationError
from app.paths import resource_path

KINDS = ("card", "broadcast", "brochure", "animation")
KIND_NAMES: Mapping[str, str] = MappingProxyType(
    {"card": "明白卡", "broadcast": "大喇叭", "brochure": "宣传册", "animation": "微动漫"}
)
# extra["side"] of a card item.
CARD_SIDES: Mapping[str, str] = MappingProxyType({"front": "正面", "back": "反面"})
# extra["slot"] of a brochure panel. An A4 sheet folded in three: the outside carries the
# flap (the panel seen first on opening), the back and the cover; the inside three panels.
BROCHURE_SLOTS: Mapping[str, str] = MappingProxyType(
    {
        "cover": "封面",
        "flap": "翻页（打开后第一眼看到的一栏）",
        "inside_left": "内页左栏",
        "inside_middle": "内页中栏",
        "inside_right": "内页右栏",
        "back": "封底",
    }
)

TITLE_FIELD = "标题"
BODY_FIELD = "内容"
LINK_FIELD = "链接"
DURATION_FIELD = "时长"
SIDE_FIELD = "正反面"
SLOT_FIELD = "栏位"

BLANK = "______"  # printed where a village has no value for a placeholder


@dataclass(frozen=True)
class Placeholder:
    meaning: str
    example: str  # also the width a text is measured with (see measure())


# The same names as app/printing/outreach/text.placeholders(), which fills them per village.
PLACEHOLDERS: Mapping[str, Placeholder] = MappingProxyType(
    {
        "村名": Placeholder("村（社区）名称", "红旗村"),
        "镇名": Placeholder("乡镇（街道）名称", "青山镇"),
        "调委会": Placeholder(
            "印发的人民调解委员会（本村的，没有时为乡镇的）", "红旗村人民调解委员会"
        ),
        "调解员": Placeholder("本村人民调解员姓名，几个人用“、”隔开", "王建华、陈秀兰"),
        "调解员电话": Placeholder(
            "本村调解员的电话，顺序与{调解员}相同，用“、”隔开", "13812345678"
        ),
        "评理说事点": Placeholder("本村评理说事点的名称", "红旗村评理说事点"),
        "评理说事点地址": Placeholder("评理说事点的地址", "红旗村村委会一楼"),
        "评理说事点电话": Placeholder("评理说事点的电话", "0415-5123456"),
        "开放时间": Placeholder("评理说事点的开放时间", "每周二、五上午"),
        "法律援助电话": Placeholder("公共法律服务热线", "12348"),
        "报警电话": Placeholder("报警电话", "110"),
    }
)
EXAMPLE_VALUES: Mapping[str, str] = MappingProxyType(
    {name: p.example for name, p in PLACEHOLDERS.items()}
)


@dataclass(frozen=True)
class TextBox:
    """The room on a printed piece, in full-width characters (an ASCII character counts
    half). A line break ends a line: a short line takes a whole line of the box."""

    name: str
    line_chars: int  # characters a line holds
    max_lines: int
    max_chars: int  # below line_chars * max_lines: leaves room for the line breaks
    max_title: int


# 90 × 54 mm card, 4 mm margins: the title at 10 pt bold, the text at 8 pt (28 characters
# a line on 82 mm) with 11 pt leading: 10 lines under the title.
CARD_BOX = TextBox("明白卡一面", line_chars=28, max_lines=10, max_chars=200, max_title=16)
# 99 × 210 mm panel, 8 mm side and 10 mm top/bottom margins: text at 10.5 pt (22 characters
# on 83 mm), leading 15 pt: 30 lines under a 14 pt title.
BROCHURE_BOX = TextBox("宣传册一栏", line_chars=22, max_lines=30, max_chars=560, max_title=16)
TITLE_MAX = 40
ANIMATION_MAX_CHARS = 150  # the description under the title on the poster
LINK_MAX = 300  # bytes: a longer link makes a QR code too dense to scan from 1 m
READING_CHARS_PER_MINUTE = 220  # a clear, slow loudspeaker voice


@dataclass(frozen=True)
class ContentItem:
    key: str  # the shipped key, or the row id of an office's own item
    kind: str  # one of KINDS
    title: str
    body: str
    extra: dict[str, str]  # card: side; brochure: slot; animation: duration, link
    shipped: bool  # one of the program's defaults (possibly edited)
    edited: bool  # a shipped default whose text the office changed
    hidden: bool = False  # only seen with include_hidden=True
    # the row's edit stamp as read (rows.stamp_sql; ABSENT: a shipped one never edited)
    stamp: str = ""


# ---- placeholders and measuring ----------------------------------------------------

_PLACEHOLDER = re.compile(r"\{([^{}\s]{1,20})\}")
_FULL_WIDTH_PLACEHOLDER = re.compile(r"｛([^｛｝{}\s]{1,20})｝")


def fill(text: str, values: Mapping[str, str]) -> str:
    """``text`` with each ``{name}`` replaced by ``values[name]``; a missing or empty value
    (or an unknown name) leaves a visible blank to write in by hand."""

    def one(match: re.Match[str]) -> str:
        value = values.get(match.group(1))
        return value.strip() if value and value.strip() else BLANK

    return _PLACEHOLDER.sub(one, text)


def placeholders_in(text: str) -> list[str]:
    """The placeholder names ``text`` uses, in order of first use."""
    return list(dict.fromkeys(_PLACEHOLDER.findall(text)))


def _width(text: str) -> float:
    return sum(0.5 if ord(c) < 128 else 1.0 for c in text)


def measure(text: str, line_chars: int) -> tuple[float, int]:
    """(characters, lines) of ``text`` filled with the example values, in full-width
    characters (ASCII counts half), each line wrapped at ``line_chars``."""
    filled = fill(text, EXAMPLE_VALUES)
    chars = _width(filled.replace("\n", ""))
    lines = sum(max(1, math.ceil(_width(line) / line_chars)) for line in filled.split("\n"))
    return chars, lines


def reading_minutes(text: str) -> float:
    """How long a broadcast script takes to read aloud, at READING_CHARS_PER_MINUTE."""
    spoken = re.sub(r"\s", "", fill(text, EXAMPLE_VALUES))
    return len(spoken) / READING_CHARS_PER_MINUTE


# ---- validation ----------------------------------------------------------------------

_DURATION = re.compile(r"(?:(\d{1,3})分(?:钟)?)?(?:(\d{1,2})秒(?:钟)?)?")
_DURATION_COLON = re.compile(r"(\d{1,3})[:：](\d{2})")
_HOST_LABEL = re.compile(r"(?!-)[a-z0-9\-\u0080-\uffff]{1,63}(?<!-)")


def check_link(text: str, *, required: bool = False) -> str:
    """The link of a 微动漫 cleaned up, or ValidationError(LINK_FIELD) saying what is wrong.

    Empty is allowed unless ``required`` (the QR printing passes required=True)."""
    link = text.strip()
    if not link:
        if required:
            raise ValidationError(
                LINK_FIELD,
                "还没有填写视频链接，不能生成二维码。请在宣传内容里填写这个微动漫的链接。",
            )
        return ""
    if re.search(r"\s", link):
        raise ValidationError(LINK_FIELD, "链接里不能有空格或换行，请只粘贴网址本身。")
    if re.search(r"[\uff01-\uff5e\u3000-\u303f]", link):
        raise ValidationError(
            LINK_FIELD,
            "链接里有中文标点（如“：”“／”“。”），请改成英文（半角）符号，"
            "或从浏览器地址栏重新复制。",
        )
    size = len(link.encode("utf-8"))
    if size > LINK_MAX:
        raise ValidationError(
            LINK_FIELD,
            f"链接太长（{size}个字符，最多{LINK_MAX}个），二维码会太密，"
            "1米外扫不出来。请使用视频平台的“分享”或短链接。",
        )
    parts = urlsplit(link)
    if parts.scheme.lower() not in ("http", "https") or not link.lower().startswith(
        parts.scheme.lower() + "://"
    ):
        raise ValidationError(
            LINK_FIELD,
            "链接要以 http:// 或 https:// 开头，请从浏览器地址栏复制完整的网址。",
        )
    try:
        host = parts.hostname or ""
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError:
        host = ""
    labels = host.split(".")
    if len(labels) < 2 or not all(_HOST_LABEL.fullmatch(label) for label in labels):
        raise ValidationError(LINK_FIELD, "链接里的网站地址不对，请从浏览器地址栏复制完整的网址。")
    return link


def check_duration(text: str) -> str:
    """A 微动漫's duration as "3分20秒" (also accepts "3:20"), or "" when not given."""
    duration = re.sub(r"\s", "", text)
    if not duration:
        return ""
    colon = _DURATION_COLON.fullmatch(duration)
    if colon:
        duration = f"{int(colon.group(1))}分{colon.group(2)}秒"
    match = _DURATION.fullmatch(duration)
    if match is None or not (match.group(1) or match.group(2)):
        raise ValidationError(DURATION_FIELD, "时长请写成“3分20秒”这样，或者不填。")
    if match.group(2) and int(match.group(2)) >= 60:
        raise ValidationError(DURATION_FIELD, "时长的秒数不能超过59，例如“3分20秒”。")
    if int(match.group(1) or 0) == 0 and int(match.group(2) or 0) == 0:
        raise ValidationError(DURATION_FIELD, "时长不能是0，请填写视频的实际长度。")
    return duration


def _check_text(field: str, text: str) -> str:
    text = _FULL_WIDTH_PLACEHOLDER.sub(
        lambda m: "{" + m.group(1) + "}" if m.group(1) in PLACEHOLDERS else m.group(0), text
    )
    unknown = [name for name in placeholders_in(text) if name not in PLACEHOLDERS]
    if unknown:
        known = "、".join("{" + name + "}" for name in PLACEHOLDERS)
        raise ValidationError(
            field, f"“{{{unknown[0]}}}”不是能自动填写的项目，可以用的有：{known}。"
        )
    rest = _PLACEHOLDER.sub("", text)
    if any(c in rest for c in "{}｛｝"):
        raise ValidationError(
            field, "大括号只用来写自动填写的项目，要成对使用，例如{村名}；请检查。"
        )
    return text


def _check_fits(box: TextBox, body: str) -> None:
    chars, lines = measure(body, box.line_chars)
    if chars > box.max_chars:
        over = math.ceil(chars - box.max_chars)
        raise ValidationError(
            BODY_FIELD, f"{box.name}最多{box.max_chars}个字，现在多了{over}个字，请删减。"
        )
    if lines > box.max_lines:
        raise ValidationError(
            BODY_FIELD,
            f"{box.name}最多排{box.max_lines}行，现在要排{lines}行"
            f"（每行约{box.line_chars}个字，分段越多占的行越多），请合并几段或删减。",
        )


def _checked(
    kind: str, title: str, body: str, extra: Mapping[str, str], fixed: Mapping[str, str]
) -> tuple[str, str, dict[str, str]]:
    """The cleaned (title, body, extra) of an item, or ValidationError. ``fixed`` holds the
    extra values a shipped item keeps whatever the edit (its card side, its panel)."""
    if kind not in KINDS:
        raise ValueError(f"unknown outreach content kind {kind!r}")
    title = _check_text(TITLE_FIELD, title.strip())
    body = _check_text(BODY_FIELD, body.replace("\r\n", "\n").replace("\r", "\n").strip())
    extra = {**extra, **fixed}
    if not title:
        raise ValidationError(TITLE_FIELD, "请填写标题。")
    if not body:
        raise ValidationError(BODY_FIELD, "请填写内容。")
    box = {"card": CARD_BOX, "brochure": BROCHURE_BOX}.get(kind)
    max_title = box.max_title if box is not None else TITLE_MAX
    title_width = _width(fill(title, EXAMPLE_VALUES))
    if title_width > max_title:
        over = math.ceil(title_width - max_title)
        raise ValidationError(
            TITLE_FIELD,
            f"{KIND_NAMES[kind]}的标题最多{max_title}个字，现在多了{over}个字，请改短。",
        )
    if kind == "card":
        side = extra.get("side", "")
        if side not in CARD_SIDES:
            raise ValidationError(SIDE_FIELD, "请选择这段文字印在明白卡的正面还是反面。")
        _check_fits(CARD_BOX, body)
        return title, body, {"side": side}
    if kind == "brochure":
        slot = extra.get("slot", "")
        if slot not in BROCHURE_SLOTS:
            raise ValidationError(SLOT_FIELD, "请选择这段文字印在宣传册的哪一栏。")
        _check_fits(BROCHURE_BOX, body)
        return title, body, {"slot": slot}
    if kind == "animation":
        duration = check_duration(extra.get("duration", ""))
        link = check_link(extra.get("link", ""))
        if _width(body) > ANIMATION_MAX_CHARS:
            over = math.ceil(_width(body) - ANIMATION_MAX_CHARS)
            raise ValidationError(
                BODY_FIELD,
                f"微动漫的简介最多{ANIMATION_MAX_CHARS}个字，现在多了{over}个字，请删减。",
            )
        return title, body, {"duration": duration, "link": link}
    return title, body, {}


# ---- the shipped defaults -----------------------------------------------------------

_FIXED_KEYS = {"card": ("side",), "brochure": ("slot",)}


def _fixed(item: ContentItem) -> dict[str, str]:
    return {k: item.extra[k] for k in _FIXED_KEYS.get(item.kind, ()) if k in item.extra}


@cache
def _shipped() -> tuple[ContentItem, ...]:
    with resource_path("content", "outreach.json").open(encoding="utf-8") as f:
        data: dict[str, Any] = json.load(f)
    out = []
    for t in data["items"]:
        body = t["body"]
        out.append(
            ContentItem(
                key=t["key"],
                kind=t["kind"],
                title=t["title"],
                body="\n".join(body) if isinstance(body, list) else body,
                extra={str(k): str(v) for k, v in t.get("extra", {}).items()},
                shipped=True,
                edited=False,
            )
        )
    return tuple(out)


def _copy(item: ContentItem, **changes: Any) -> ContentItem:
    return replace(item, extra=dict(changes.pop("extra", item.extra)), **changes)


def defaults() -> list[ContentItem]:
    """The shipped content as the program brings it, whatever the office changed."""
    return [_copy(t) for t in _shipped()]


def _extra_of(text: str) -> dict[str, str]:
    try:
        value = json.loads(text)
    except ValueError:
        return {}
    if not isinstance(value, dict):
        return {}
    return {str(k): str(v) for k, v in value.items() if v is not None}


def _dump(extra: Mapping[str, str]) -> str:
    return json.dumps(dict(extra), ensure_ascii=False, sort_keys=True)


# ---- reading -------------------------------------------------------------------------


_SELECT = (
    f"SELECT *, {rows.stamp_sql('outreach_content', 'outreach_content')} AS stamp "
    "FROM outreach_content"
)


def items(
    db: Database, kind: str | None = None, *, include_hidden: bool = False
) -> list[ContentItem]:
    """Every item (of ``kind``) as the office sees it: shipped ones with its edits, in the
    shipped order, then its own in the order they were added."""
    if kind is not None and kind not in KINDS:
        raise ValueError(f"unknown outreach content kind {kind!r}")
    overrides = {r["default_key"]: r for r in db.query(f"{_SELECT} WHERE default_key IS NOT NULL")}
    out: list[ContentItem] = []
    for t in _shipped():
        if kind is not None and t.kind != kind:
            continue
        row = overrides.get(t.key)
        if row is None:
            out.append(_copy(t))
            continue
        if row["hidden"] and not include_hidden:
            continue
        title, body = row["title"], row["body"]
        extra = {**_extra_of(row["extra"]), **_fixed(t)}
        edited = (title, body, extra) != (t.title, t.body, t.extra)
        out.append(
            _copy(
                t,
                title=title,
                body=body,
                extra=extra,
                edited=edited,
                hidden=bool(row["hidden"]),
                stamp=row["stamp"],
            )
        )
    sql = f"{_SELECT} WHERE default_key IS NULL"
    params: list[str] = []
    if kind is not None:
        sql += " AND kind = ?"
        params.append(kind)
    if not include_hidden:
        sql += " AND hidden = 0"
    for r in db.query(sql + " ORDER BY position, created_at", params):
        out.append(
            ContentItem(
                key=r["id"],
                kind=r["kind"],
                title=r["title"],
                body=r["body"],
                extra=_extra_of(r["extra"]),
                shipped=False,
                edited=False,
                hidden=bool(r["hidden"]),
                stamp=r["stamp"],
            )
        )
    return out


def _by_place(
    db: Database, kind: str, extra_key: str, order: Mapping[str, str]
) -> dict[str, ContentItem]:
    chosen: dict[str, ContentItem] = {}
    for item in items(db, kind):  # the office's own come last and take the place
        chosen[item.extra.get(extra_key, "")] = item
    return {place: chosen[place] for place in order if place in chosen}


def card_sides(db: Database) -> dict[str, ContentItem]:
    """The text for each side of the 明白卡 ("front", "back"): the office's own item for a
    side takes the place of the shipped one. A side whose items are all hidden is absent."""
    return _by_place(db, "card", "side", CARD_SIDES)


def brochure_panels(db: Database) -> dict[str, ContentItem]:
    """The text of each brochure panel, by slot in BROCHURE_SLOTS order, chosen as for
    card_sides. A slot whose panels are all hidden is absent (the printing says so)."""
    return _by_place(db, "brochure", "slot", BROCHURE_SLOTS)


# ---- changing ------------------------------------------------------------------------


def _own_row(conn: sqlite3.Connection, key: str) -> sqlite3.Row:
    row: sqlite3.Row | None = conn.execute(
        "SELECT * FROM outreach_content WHERE id = ? AND default_key IS NULL", (key,)
    ).fetchone()
    if row is None:
        raise NotFoundError("这条宣传内容已被删除，请刷新后再试。")
    return row


def save_item(
    db: Database,
    key: str | None,
    kind: str,
    title: str,
    body: str,
    extra: Mapping[str, str] | None = None,
    *,
    by: Actor,
    loaded: Mapping[str, Any] | None = None,
    stamp: str | None = None,
) -> str:
    """Save an edit of an item (shipped or the office's own) or, with key None, a new item
    of the office. Returns the item's key. A hidden item that is saved is shown again.

    The editor gives ``loaded`` (title, body, extra as it showed them) and ``stamp``
    (ContentItem.stamp): only what the user changed is written, and nothing when the item
    changed since (StaleEditError). Without a stamp all of it is written (the program's own
    writes)."""
    typed = {"title": title, "body": body, "extra": dict(extra or {})}
    shown = None if loaded is None else {**loaded, "extra": dict(loaded.get("extra") or {})}
    shipped = {t.key: t for t in _shipped()}
    default = shipped.get(key) if key is not None else None
    if default is not None and default.kind != kind:
        raise ValueError(f"{key} is a {default.kind}, not a {kind}")
    fixed = _fixed(default) if default is not None else {}
    title, body, clean = _checked(kind, title, body, extra or {}, fixed)
    values = {"kind": kind, "title": title, "body": body, "extra": _dump(clean), "hidden": 0}
    what = f"宣传内容“{(loaded or {}).get('title') or title}”"
    with db.transaction() as conn:
        accounts.authorize(conn, by, "content")
        if key is not None and default is None and _own_row(conn, key)["kind"] != kind:
            raise ValueError(f"{key} is not a {kind}")
        return rows.save_catalogue_text(
            conn, "outreach_content", key, values, shipped=default is not None, typed=typed,
            loaded=shown, stamp=stamp, by=by.user_id, what=what,
        )  # fmt: skip


def hide_item(db: Database, key: str, *, by: Actor) -> None:
    """Stop using an item (a shipped one comes back with restore_default; the office's own
    is kept, hidden, and shown again by items(include_hidden=True))."""
    shipped = {t.key: t for t in _shipped()}
    with db.transaction() as conn:
        accounts.authorize(conn, by, "content")
        values: dict[str, Any] | None = None
        if key in shipped:
            t = shipped[key]
            values = {"kind": t.kind, "title": t.title, "body": t.body, "extra": _dump(t.extra)}
        else:
            _own_row(conn, key)
        rows.hide_catalogue_text(conn, "outreach_content", key, values, by=by.user_id)


def restore_default(db: Database, key: str, *, by: Actor) -> None:
    """Back to the shipped text (and used again, if it was hidden)."""
    if key not in {t.key for t in _shipped()}:
        raise NotFoundError("只有程序自带的宣传内容可以恢复默认。")
    with db.transaction() as conn:
        accounts.authorize(conn, by, "content")
        conn.execute("DELETE FROM outreach_content WHERE default_key = ?", (key,))
