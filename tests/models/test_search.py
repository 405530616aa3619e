"""Search by number, name (incl. one and two characters and Extension B), pinyin, phone, ID tail,
village and facts."""

from __future__ import annotations

from datetime import date

import pytest

from app.models import cases, search
from app.models import register as reg
from app.models.db import Database
from tests.conftest import TODAY, set_up_qingshan
from tests.helpers import new_database
from tests.models.helpers import LI, ZHANG, register, user


def office_for(tmp_path_factory: pytest.TempPathFactory, name: str) -> Database:
    return set_up_qingshan(new_database(tmp_path_factory.mktemp("search") / f"{name}.sqlite3"))


@pytest.fixture(scope="module")
def three_cases(tmp_path_factory):
    """Three cases in an office of their own, for the module: its tests only search it."""
    db = office_for(tmp_path_factory, "three")
    a = register(db, applicant="张三", respondent="李四", facts="排水沟改道，雨水流入院内。")
    b = register(db, applicant="王五", respondent="赵六", facts="借款到期未还。")
    c = register(db, applicant="𠮷祥", respondent="𪚥英", facts="宅基地界址争议。")
    number = cases.accept_case(db, b, by=user(db), accepted_on=date(2026, 11, 2), today=TODAY)
    yield db, {"a": a, "b": b, "c": c, "number": number}
    db.close()


def found(db, text):
    seqs = search.search_case_seqs(db.conn, text)
    return {db.scalar("SELECT id FROM cases WHERE seq = ?", (s,)) for s in seqs}


@pytest.mark.parametrize(
    ("query", "keys"),
    [
        ("张", {"a"}),
        ("张三", {"a"}),
        ("三", {"a"}),
        ("zs", {"a"}),
        ("zhangsan", {"a"}),
        ("zhang", {"a"}),
        ("wangwu", {"b"}),
        ("𠮷", {"c"}),
        ("𠮷祥", {"c"}),
        ("𪚥英", {"c"}),
        ("排水沟", {"a"}),
        ("借款", {"b"}),
        ("红旗", {"a", "b", "c"}),
        ("5678", {"a", "b", "c"}),  # phone tail 13812345678
        ("138123", {"a", "b", "c"}),
        ("张三 排水", {"a"}),
        ("李四 借款", set()),
    ],
)
def test_search_finds(three_cases, query, keys):
    db, ids = three_cases
    assert found(db, query) == {ids[k] for k in keys}


def test_search_by_id_number_and_its_tail(three_cases):
    db, ids = three_cases
    everyone = {ids["a"], ids["b"], ids["c"]}
    assert found(db, ZHANG) == everyone
    assert found(db, ZHANG[-6:]) == everyone
    assert found(db, LI[-4:].lower()) == everyone


def test_search_by_case_number(three_cases):
    db, ids = three_cases
    assert found(db, ids["number"]) == {ids["b"]}
    assert found(db, "调字第1号") == {ids["b"]}


def test_empty_and_punctuation_queries(three_cases):
    db, _ = three_cases
    assert search.search_case_seqs(db.conn, "") == []
    assert search.search_case_seqs(db.conn, "，。！") == []
    assert search.search_case_seqs(db.conn, '"') == []


def test_extension_b_name_is_stored_intact(three_cases):
    db, ids = three_cases
    assert (
        db.scalar(
            "SELECT p.name FROM parties p JOIN case_parties cp ON cp.party_id = p.id "
            "WHERE cp.case_id = ? AND cp.role = 'applicant'",
            (ids["c"],),
        )
        == "𠮷祥"
    )


def test_register_filters_and_search_combine(three_cases):
    db, ids = three_cases
    seqs = reg.query_seqs(db, reg.RegisterFilter(states=frozenset({"accepted"})))
    assert [reg.case_id_for_seq(db, s) for s in seqs] == [ids["b"]]
    seqs = reg.query_seqs(db, reg.RegisterFilter(text="张三", category="邻里"))
    assert [reg.case_id_for_seq(db, s) for s in seqs] == [ids["a"]]
    rows = reg.fetch_rows(db, seqs)
    assert rows[seqs[0]].parties == "张三、李四"


# ---- surnames read otherwise than the word (单 shàn, 覃 qín …) and rare characters

NAMES = {
    "单晓明": ["shanxm", "sxm", "shanxiaoming", "shan", "danxiaoming", "dxm"],
    "覃海": ["qinh", "qinhai", "qh", "tanhai"],
    "区志强": ["ouzq", "ozq", "ouzhiqiang", "quzhiqiang"],
    "仇伟": ["qiuwei", "qw", "chouwei"],
    "解文华": ["xiewh", "xwh", "xiewenhua", "jiewenhua"],
    "查丽": ["zhali", "zhal", "chali"],
    "曾国强": ["zengguoqiang", "zgq", "zenggq", "cengguoqiang"],
    "朴成浩": ["piaochenghao", "pch", "piaoch"],
    "尉迟敬": ["yuchijing", "ycj"],
    "万俟卨": ["moqixie", "mqx"],
    # Extension B and beyond: a reading where pypinyin (or EXTRA_READINGS) has one
    "张𠮷祥": ["zhangjixiang", "zjx", "zhangjx"],
    "郑𪚥国": ["zhengzheguo", "zzg"],
    "黄𬍛": ["huangli", "hl"],
}


@pytest.fixture(scope="module")
def named_cases(tmp_path_factory):
    """A case for each name in an office of their own, for the module (only searched)."""
    db = office_for(tmp_path_factory, "named")
    yield db, {name: register(db, applicant=name) for name in NAMES}
    db.close()


@pytest.mark.parametrize(
    ("name", "query"), [(name, query) for name, queries in NAMES.items() for query in queries]
)
def test_a_surname_is_found_by_its_surname_reading_and_its_common_one(named_cases, name, query):
    db, ids = named_cases
    assert found(db, query) == {ids[name]}


def test_name_pinyin_tokens_cover_every_surname_reading() -> None:
    tokens = search.name_pinyin_tokens("单晓明")
    assert {"danxiaoming", "dxm", "danxm", "shanxiaoming", "sxm", "shanxm"} <= set(tokens)
    assert search.name_pinyin_tokens("张三") == ["zhangsan", "zs"]  # one reading: as before
    assert search.name_pinyin("单晓明") == ("danxiaoming", "dxm")  # the common reading
    assert search.name_pinyin_tokens("万俟卨") == ["moqixie", "mqx"]
    # A character nobody has a reading for is left out; what is known is still there.
    assert search.name_pinyin_tokens("李𡘙明") == ["liming", "lm"]
    assert search.name_pinyin_tokens("ABC公司") == ["gongsi", "gs"]


# The index of an older version: tests/models/test_search_rebuild.py
