"""Search by number, name (incl. one and two characters and Extension B), pinyin, phone, ID tail,
village and facts."""

from __future__ import annotations

import logging
import shutil
import sqlite3
from datetime import date
from pathlib import Path

import pytest

from app.models import cases, search
from app.models import db as dbmod
from app.models import register as reg
from tests.conftest import TODAY
from tests.models.helpers import LI, ZHANG, register, user

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


@pytest.fixture
def three_cases(office_db):
    db = office_db
    a = register(db, applicant="张三", respondent="李四", facts="排水沟改道，雨水流入院内。")
    b = register(db, applicant="王五", respondent="赵六", facts="借款到期未还。")
    c = register(db, applicant="𠮷祥", respondent="𪚥英", facts="宅基地界址争议。")
    number = cases.accept_case(db, b, by=user(db), accepted_on=date(2026, 11, 2), today=TODAY)
    return db, {"a": a, "b": b, "c": c, "number": number}


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


@pytest.fixture
def named_cases(office_db):
    return office_db, {name: register(office_db, applicant=name) for name in NAMES}


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


# ---- the index of an older version is rebuilt when the file is opened


def _body(db, case_id: str) -> str:
    return db.scalar(
        "SELECT body FROM case_search WHERE rowid = (SELECT seq FROM cases WHERE id = ?)",
        (case_id,),
    )


def _make_stale(db, case_id: str, *, version: int | None) -> None:
    """What the file looked like before: the row with one reading (v1), and the setting."""
    seq = db.scalar("SELECT seq FROM cases WHERE id = ?", (case_id,))
    with db.transaction() as conn:
        conn.execute("DELETE FROM case_search WHERE rowid = ?", (seq,))
        conn.execute(
            "INSERT INTO case_search(rowid, body) VALUES (?, ?)",
            (seq, "单 晓 明 danxiaoming dxm 李 四 lisi ls"),
        )
        conn.execute("DELETE FROM settings WHERE key = ?", (search.INDEX_VERSION_KEY,))
        if version is not None:
            search.set_index_version(conn, version)


def test_a_new_file_is_marked_current(tmp_path):
    db = dbmod.connect(tmp_path / "new.sqlite3")
    assert search.index_version(db.conn) == search.INDEX_VERSION
    db.close()


def test_an_old_index_is_rebuilt_once_at_open(office_db):
    case_id = register(office_db, applicant="单晓明")
    _make_stale(office_db, case_id, version=None)  # from before the setting existed
    assert found(office_db, "sxm") == set()
    path = office_db.path
    reopened = dbmod.connect(path)
    assert found(reopened, "sxm") == found(reopened, "dxm") == {case_id}
    assert search.index_version(reopened.conn) == search.INDEX_VERSION
    # Current now: the next open reads the setting and leaves the rows alone.
    _make_stale(reopened, case_id, version=search.INDEX_VERSION)
    reopened.close()
    again = dbmod.connect(path)
    assert found(again, "sxm") == set()
    again.close()


def test_frozen_v1_file_gets_the_new_tokens(tmp_path):
    path = tmp_path / "v1.sqlite3"
    shutil.copy(FIXTURES / "schema_v1.sqlite3", path)
    raw = sqlite3.connect(path)
    bodies = [r[0] for r in raw.execute("SELECT body FROM case_search")]
    raw.close()
    assert not any("jixiang" in body for body in bodies)  # v1 had no reading for 𠮷
    db = dbmod.connect(path)
    assert search.index_version(db.conn) == search.INDEX_VERSION
    assert found(db, "jixiang") == found(db, "jx") == found(db, "𠮷祥")
    assert len(found(db, "jx")) == 1
    db.close()


def test_a_locked_file_opens_with_its_old_index_and_is_rebuilt_later(office_db, caplog):
    case_id = register(office_db, applicant="单晓明")
    _make_stale(office_db, case_id, version=1)
    path = office_db.path
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another program is writing
    try:
        with caplog.at_level(logging.WARNING, logger="app.models.search"):
            impatient = dbmod.connect(path, busy_timeout_ms=50)
        assert "search index left at version 1" in caplog.text
        assert found(impatient, "dxm") == {case_id}  # the old rows still find what they did
        assert search.index_version(impatient.conn) == 1
        impatient.close()
    finally:
        other.execute("ROLLBACK")
        other.close()
    later = dbmod.connect(path)
    assert found(later, "sxm") == {case_id}
    later.close()
