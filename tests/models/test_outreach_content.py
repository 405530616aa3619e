"""The outreach content library: shipped defaults, the office's edits, restore default,
validation, filling in a village's names, and a guard against invented law articles."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from app.models import outreach_content as oc
from app.models.db import Database
from app.models.errors import NotFoundError, ValidationError
from app.paths import resource_path
from tests.helpers import director
from tests.models.helpers import user

# Every article the shipped texts may cite (checked against the official texts, see
# docs/content.md "Sources"). Anything else is an invented or mistyped citation.
ALLOWED_ARTICLES = {
    "人民调解法": {"第三条", "第四条", "第十七条", "第二十五条", "第三十一条", "第三十三条"},
    "民法典": {
        "第一百八十八条",
        "第二百八十八条",
        "第三百六十二条",
        "第五百零九条",
        "第六百七十五条",
        "第一千零四十二条",
        "第一千零四十三条",
        "第一千零六十七条",
    },
    "土地管理法": {"第六十二条"},
    "农村土地承包法": {"第五十五条"},
}
# A law named without 《》 in a running text ("民法典第一千零四十二条还规定").
_LAW = re.compile(r"《([^》]+)》|(人民调解法|民法典|土地管理法|农村土地承包法)")
_ARTICLE = re.compile(r"第[零〇一二三四五六七八九十百千两0-9０-９]+条")


def bad_citations(text: str) -> list[str]:
    """Each "第…条" of ``text`` that is not an allowed article of the law named last
    before it (a rule, an unknown law or no law at all make it bad)."""
    tokens = sorted(
        [(m.start(), "law", m.group(1) or m.group(2)) for m in _LAW.finditer(text)]
        + [(m.start(), "article", m.group(0)) for m in _ARTICLE.finditer(text)]
    )
    law = ""
    bad = []
    for _, what, value in tokens:
        if what == "law":
            law = value.removeprefix("中华人民共和国")
        elif value not in ALLOWED_ARTICLES.get(law, set()):
            bad.append(f"{law or '?'}{value}")
    return bad


def _texts(item: oc.ContentItem) -> str:
    return "\n".join([item.title, item.body, *item.extra.values()])


def _by_key(db: Database, *, include_hidden: bool = False) -> dict[str, oc.ContentItem]:
    return {i.key: i for i in oc.items(db, include_hidden=include_hidden)}


# ---- the shipped content -------------------------------------------------------------


def test_every_kind_is_shipped_in_the_required_numbers() -> None:
    shipped = oc.defaults()
    keys = [i.key for i in shipped]
    assert len(keys) == len(set(keys))
    by_kind = {k: [i for i in shipped if i.kind == k] for k in oc.KINDS}
    assert {i.extra["side"] for i in by_kind["card"]} == {"front", "back"}
    assert len(by_kind["card"]) == 2
    slots = [i.extra["slot"] for i in by_kind["brochure"]]
    assert sorted(slots) == sorted(oc.BROCHURE_SLOTS) and len(slots) == 6
    assert len(by_kind["broadcast"]) >= 7
    assert len(by_kind["animation"]) == 4
    assert all(i.shipped and not i.edited and not i.hidden for i in shipped)


def test_the_broadcasts_cover_the_common_disputes_and_take_three_to_five_minutes() -> None:
    broadcasts = [i for i in oc.defaults() if i.kind == "broadcast"]
    for item in broadcasts:
        assert 3 <= oc.reading_minutes(item.body) <= 5, (item.key, oc.reading_minutes(item.body))
        # Each tells where to turn.
        assert {"调解员", "调解员电话", "评理说事点地址"} <= set(oc.placeholders_in(item.body))
        assert "12348" in item.body
    everything = "".join(i.title + i.body for i in broadcasts)
    for topic in ("婚姻", "彩礼", "邻里", "借款", "宅基地", "土地承包"):
        assert topic in everything, topic


def test_the_card_tells_the_key_points_and_where_to_turn() -> None:
    card = "".join(_texts(i) for i in oc.defaults() if i.kind == "card")
    for point in ("不收", "自愿", "法律约束力", "司法确认", "30日", "12348", "110", "评理说事点"):
        assert point in card, point
    assert {"村名", "调解员", "调解员电话", "评理说事点地址"} <= set(oc.placeholders_in(card))


def test_every_shipped_item_passes_the_office_s_own_validation(office_db: Database) -> None:
    # Saving each default unchanged must be accepted: the defaults fit the card and the
    # brochure panels, and every animation has a duration.
    for item in oc.defaults():
        oc.save_item(
            office_db, item.key, item.kind, item.title, item.body, item.extra, by=user(office_db)
        )
        if item.kind == "animation":
            assert oc.check_duration(item.extra["duration"]) == item.extra["duration"]
            assert 50 <= len(item.body) <= 100, item.key
            assert item.extra["link"] == ""  # the office fills in its own video's link
    # Saved unchanged, nothing counts as edited.
    assert not any(i.edited for i in oc.items(office_db))


def test_every_placeholder_used_is_documented() -> None:
    raw = resource_path("content", "outreach.json").read_text(encoding="utf-8")
    used = set(re.findall(r"\{([^{}\s\"]+)\}", raw))
    assert used, "the content names no village data at all"
    assert used <= set(oc.PLACEHOLDERS), used - set(oc.PLACEHOLDERS)
    docs = (Path(__file__).parents[2] / "docs" / "content.md").read_text(encoding="utf-8")
    for name in oc.PLACEHOLDERS:
        assert "{" + name + "}" in docs, name
    # No stray brace a printing would show as is.
    for item in oc.defaults():
        assert not re.search(r"[{}]", oc._PLACEHOLDER.sub("", item.title + item.body)), item.key


def test_no_article_is_cited_but_the_checked_ones() -> None:
    raw = json.loads(resource_path("content", "outreach.json").read_text(encoding="utf-8"))
    cited: set[str] = set()
    for entry in raw["items"]:
        text = json.dumps(entry, ensure_ascii=False)
        assert bad_citations(text) == [], (entry["key"], bad_citations(text))
        cited |= set(_ARTICLE.findall(text))
    # The texts really do cite the law (so the guard is not passing on an empty set) …
    assert {"第四条", "第三十一条", "第三十三条", "第一千零四十二条", "第五十五条"} <= cited
    # … and the 彩礼 rules are named by title only.
    assert "关于审理涉彩礼纠纷案件适用法律若干问题的规定" in json.dumps(raw, ensure_ascii=False)


@pytest.mark.parametrize(
    ("text", "bad"),
    [
        ("《民法典》第一千零九十一条", ["民法典第一千零九十一条"]),
        ("《中华人民共和国人民调解法》第三十二条规定", ["人民调解法第三十二条"]),
        ("《民法典》第一千零四十二条；第三十三条", ["民法典第三十三条"]),
        ("依照第四条", ["?第四条"]),
        ("《反家庭暴力法》第二十三条", ["反家庭暴力法第二十三条"]),
        (
            "《关于审理涉彩礼纠纷案件适用法律若干问题的规定》第五条",
            ["关于审理涉彩礼纠纷案件适用法律若干问题的规定第五条"],
        ),
        ("《民法典》第1042条", ["民法典第1042条"]),
        ("人民调解法第三十三条，民法典第六百七十五条", []),
    ],
)
def test_the_citation_guard_catches_invented_articles(text: str, bad: list[str]) -> None:
    assert bad_citations(text) == bad


# ---- fill ----------------------------------------------------------------------------


def test_fill_puts_the_village_in_and_leaves_a_visible_blank_for_what_is_missing() -> None:
    text = "{村名}调解员：{调解员} {调解员电话}；评理说事点：{评理说事点}；{不知道}"
    filled = oc.fill(text, {"村名": "红旗村", "调解员": "王建华", "调解员电话": "  "})
    assert filled == f"红旗村调解员：王建华 {oc.BLANK}；评理说事点：{oc.BLANK}；{oc.BLANK}"
    for item in oc.defaults():
        empty = oc.fill(item.title + item.body, {})
        assert "{" not in empty and "}" not in empty and "None" not in empty
    # A value holding braces is printed as given, not filled again.
    assert oc.fill("{村名}", {"村名": "{乡镇}"}) == "{乡镇}"


# ---- the office's edits ------------------------------------------------------------------


def test_edit_then_restore_default(office_db: Database) -> None:
    original = _by_key(office_db)["broadcast_loans"]
    oc.save_item(
        office_db,
        "broadcast_loans",
        "broadcast",
        "借钱的事",
        "各位乡亲：借钱打借条。找{调解员}，电话{调解员电话}。",
        {},
        by=user(office_db),
    )
    edited = _by_key(office_db)["broadcast_loans"]
    assert edited.title == "借钱的事" and edited.edited and edited.shipped
    assert [i.key for i in oc.items(office_db)] == [i.key for i in oc.defaults()]  # same place
    oc.restore_default(office_db, "broadcast_loans", by=director(office_db))
    assert _by_key(office_db)["broadcast_loans"] == original


def test_a_shipped_card_or_panel_keeps_its_side_and_slot(office_db: Database) -> None:
    oc.save_item(
        office_db,
        "brochure_cover",
        "brochure",
        "和为贵",
        "{村名}人民调解",
        {"slot": "back"},
        by=user(office_db),
    )
    cover = _by_key(office_db)["brochure_cover"]
    assert cover.extra == {"slot": "cover"} and cover.body == "{村名}人民调解"
    assert oc.brochure_panels(office_db)["cover"].title == "和为贵"
    with pytest.raises(ValueError):  # a programming error, not a user's
        oc.save_item(office_db, "card_front", "brochure", "x", "y", {}, by=user(office_db))


def test_hide_restore_and_own_items(office_db: Database) -> None:
    by = user(office_db)
    oc.hide_item(office_db, "animation_loans", by=by)
    assert "animation_loans" not in _by_key(office_db)
    hidden = _by_key(office_db, include_hidden=True)["animation_loans"]
    assert hidden.hidden and not hidden.edited
    oc.restore_default(office_db, "animation_loans", by=director(office_db))
    assert "animation_loans" in _by_key(office_db)

    key = oc.save_item(
        office_db,
        None,
        "animation",
        "防范电信诈骗",
        "县司法局制作的防诈骗动漫，讲清陌生来电要求转账的常见骗局，提醒老人遇事先问子女、先问村干部，或者拨打110核实，守好自己的养老钱。",
        {"duration": "4:05", "link": " https://www.gov.cn/ "},
        by=by,
    )
    own = _by_key(office_db)[key]
    assert not own.shipped and own.kind == "animation"
    assert own.extra == {"duration": "4分05秒", "link": "https://www.gov.cn/"}
    assert [i.key for i in oc.items(office_db, "animation")][-1] == key
    assert key not in [i.key for i in oc.items(office_db, "broadcast")]
    oc.hide_item(office_db, key, by=by)
    assert key not in _by_key(office_db)
    assert _by_key(office_db, include_hidden=True)[key].hidden
    with pytest.raises(NotFoundError):
        # the office's own have no default
        oc.restore_default(office_db, key, by=director(office_db))
    with pytest.raises(NotFoundError):
        oc.hide_item(office_db, "no-such-item", by=by)


def test_the_office_s_own_card_side_takes_the_place_of_the_shipped_one(
    office_db: Database,
) -> None:
    by = user(office_db)
    assert list(oc.card_sides(office_db)) == ["front", "back"]
    key = oc.save_item(
        office_db,
        None,
        "card",
        "防诈骗",
        "陌生电话要转账，先挂断，再问{调解员}。",
        {"side": "back"},
        by=by,
    )
    assert oc.card_sides(office_db)["back"].key == key
    assert oc.card_sides(office_db)["front"].key == "card_front"
    oc.hide_item(office_db, key, by=by)
    oc.hide_item(office_db, "card_back", by=by)
    assert list(oc.card_sides(office_db)) == ["front"]  # the printing says the back is missing
    oc.hide_item(office_db, "brochure_flap", by=by)
    assert "flap" not in oc.brochure_panels(office_db)
    assert list(oc.brochure_panels(office_db)) == [s for s in oc.BROCHURE_SLOTS if s != "flap"]


# ---- validation ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "title", "body", "extra", "field", "words"),
    [
        ("broadcast", "  ", "内容。", {}, oc.TITLE_FIELD, "标题"),
        ("broadcast", "标题", "\n ", {}, oc.BODY_FIELD, "内容"),
        ("broadcast", "标题", "请找{调解人}", {}, oc.BODY_FIELD, "{调解人}"),
        ("broadcast", "标题", "请找{调解员", {}, oc.BODY_FIELD, "成对"),
        ("broadcast", "{村长}的话", "内容。", {}, oc.TITLE_FIELD, "{村长}"),
        ("card", "明白卡", "字" * 201, {"side": "front"}, oc.BODY_FIELD, "多了1个字"),
        ("card", "明白卡", "\n".join(["短行"] * 11), {"side": "front"}, oc.BODY_FIELD, "11行"),
        (
            "card",
            "人民调解明白卡人民调解明白卡人民调",
            "内容",
            {"side": "front"},
            oc.TITLE_FIELD,
            "多了1个字",
        ),
        ("card", "明白卡", "内容", {"side": "top"}, oc.SIDE_FIELD, "正面还是反面"),
        ("brochure", "一栏", "内容", {}, oc.SLOT_FIELD, "哪一栏"),
        ("brochure", "一栏", "字" * 600, {"slot": "flap"}, oc.BODY_FIELD, "多了40个字"),
        ("animation", "动漫", "简介", {"duration": "三分钟"}, oc.DURATION_FIELD, "3分20秒"),
        ("animation", "动漫", "简介", {"duration": "3分75秒"}, oc.DURATION_FIELD, "59"),
        ("animation", "动漫", "简介", {"link": "www.gov.cn/v"}, oc.LINK_FIELD, "http://"),
        ("animation", "动漫", "简介", {"link": "https：//www.gov.cn"}, oc.LINK_FIELD, "中文标点"),
        ("animation", "动漫", "简介", {"link": "https://gov cn/v"}, oc.LINK_FIELD, "空格"),
        ("animation", "动漫", "简介", {"link": "javascript:alert(1)"}, oc.LINK_FIELD, "http"),
        ("animation", "动漫", "简介", {"link": "https://"}, oc.LINK_FIELD, "网站地址"),
        ("animation", "动漫", "简介", {"link": "https://x/" + "a" * 300}, oc.LINK_FIELD, "太长"),
        ("animation", "动漫", "字" * 151, {}, oc.BODY_FIELD, "多了1个字"),
    ],
)
def test_bad_input_names_the_field_says_why_and_saves_nothing(
    office_db: Database,
    kind: str,
    title: str,
    body: str,
    extra: dict[str, str],
    field: str,
    words: str,
) -> None:
    before = office_db.scalar("SELECT count(*) FROM outreach_content")
    with pytest.raises(ValidationError) as info:
        oc.save_item(office_db, None, kind, title, body, extra, by=user(office_db))
    assert info.value.field == field
    assert words in info.value.message, info.value.message
    assert office_db.scalar("SELECT count(*) FROM outreach_content") == before


def test_full_width_braces_around_a_known_placeholder_are_accepted(office_db: Database) -> None:
    key = oc.save_item(
        office_db, None, "broadcast", "通知", "请到｛评理说事点｝。", {}, by=user(office_db)
    )
    assert _by_key(office_db)[key].body == "请到{评理说事点}。"


@pytest.mark.parametrize(
    "link",
    ["https://www.gov.cn/", "http://v.example.com:8080/a?b=1#c", "https://b23.tv/AbC123"],
)
def test_good_links_pass_and_the_qr_printing_refuses_an_empty_one(link: str) -> None:
    assert oc.check_link(f"  {link}\n") == link
    assert oc.check_link("") == ""
    with pytest.raises(ValidationError) as info:
        oc.check_link("  ", required=True)
    assert info.value.field == oc.LINK_FIELD and "二维码" in info.value.message
