"""Placeholders, phone masks, ID scrubbing, house-number order, durations, links."""

from __future__ import annotations

import pytest

from app.models.privacy import mask_phone
from app.printing.outreach.data import Contact, Household, KitData, Member, TalkPoint
from app.printing.outreach.text import (
    ID_REMOVED,
    InvalidLinkError,
    check_link,
    duration_text,
    fill,
    has_id_number,
    natural_key,
    scrub_ids,
    unknown_placeholders,
)

DATA = KitData(
    village="红旗村",
    town="青山镇",
    committee="红旗村人民调解委员会",
    mediators=(Contact("王建华", "13805710001"), Contact("张𠀾", "13905710002")),
    talk_point=TalkPoint("红旗村评理说事点", "村委会一楼", "周一至周五", "王建华", "0571-1234"),
)


def test_placeholders_are_filled_with_the_villages_own_people() -> None:
    text = (
        "{村名}{镇名}：请找{调解员}（{调解员电话}），"
        "或到{评理说事点}（{评理说事点地址}）。{法律援助电话}"
    )
    assert fill(text, DATA) == (
        "红旗村青山镇：请找王建华、张𠀾（13805710001、13905710002），"
        "或到红旗村评理说事点（村委会一楼）。12348"
    )


def test_without_talk_point_or_mediators_the_committee_stands_in() -> None:
    bare = KitData(village="桃园村")
    assert fill("{评理说事点}/{调解员}", bare) == "桃园村人民调解委员会/桃园村人民调解委员会"


def test_unknown_placeholders_stay_and_are_found() -> None:
    assert fill("{村名}{不知道}", DATA) == "红旗村{不知道}"
    assert unknown_placeholders("{村名}{不知道}{不知道}{另一个}") == ["{不知道}", "{另一个}"]


@pytest.mark.parametrize(
    ("phone", "masked"),
    [
        ("13812345678", "138****5678"),
        ("138 1234 5678", "138****5678"),
        ("0571-88881234", "057****1234"),
        ("８８８１２３４", "****34"),
        ("无", "无"),
    ],
)
def test_phones_are_masked(phone: str, masked: str) -> None:
    assert mask_phone(phone) == masked


def test_id_numbers_are_scrubbed() -> None:
    assert scrub_ids("身份证33010219750302123X号") == f"身份证{ID_REMOVED}号"
    assert scrub_ids("330102750302123") == ID_REMOVED  # the old 15 digits
    assert scrub_ids("13812345678") == "13812345678"
    assert has_id_number("a330102197503021234b")
    assert not has_id_number("1381234567813812")  # 16 digits: not an ID shape


def test_house_numbers_sort_naturally() -> None:
    numbers = ["10号", "2号", "1号", "3-10", "3-2", "二组1号", "１１号", "2号附1"]
    assert sorted(numbers, key=natural_key) == [
        "1号", "2号", "2号附1", "3-2", "3-10", "10号", "１１号", "二组1号",
    ]  # fmt: skip


def test_people_counts_the_head_once() -> None:
    h = Household("1号", "王大明", members=(Member("王大明", "户主"), Member("钱淑芳", "配偶")))
    assert h.people == 2


@pytest.mark.parametrize(
    ("value", "text"),
    [("200", "3分20秒"), ("180", "3分钟"), ("45", "45秒"), ("3:05", "3分5秒"),
     ("1:02:03", "1小时2分3秒"), ("约3分钟", "约3分钟"), ("0", "0秒")],
)  # fmt: skip
def test_durations(value: str, text: str) -> None:
    assert duration_text(value) == text


@pytest.mark.parametrize(
    "link",
    ["https://v.example.cn/a", "http://10.0.0.1:8080/v?id=3", " https://v.qq.com/x/page/abc.html "],
)
def test_good_links(link: str) -> None:
    assert check_link(link, "片名") == link.strip()


@pytest.mark.parametrize(
    ("link", "said"),
    [
        ("", "没有填写视频链接"),
        ("   ", "没有填写视频链接"),
        ("v.example.cn/a", "不是有效的网址"),
        ("ftp://v.example.cn/a", "不是有效的网址"),
        ("https://", "不是有效的网址"),
        ("https://localhost/a", "不是有效的网址"),
        ("https://exa mple.cn/a", "不是有效的网址"),
        ("https://v.example.cn:port/a", "不是有效的网址"),
        ("https://v..cn/a", "不是有效的网址"),
        ("javascript:alert(1)", "不是有效的网址"),
        ("https://v.example.cn/" + "a" * 400, "链接太长"),
    ],
)
def test_bad_links_are_refused_naming_the_animation(link: str, said: str) -> None:
    with pytest.raises(InvalidLinkError) as caught:
        check_link(link, "一墙之隔")
    message = str(caught.value)
    assert "微动漫《一墙之隔》" in message and said in message
    assert isinstance(caught.value, ValueError)
