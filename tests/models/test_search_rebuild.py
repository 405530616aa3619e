"""An older file's search index: left as it is at open (its rows still find what they
found), rebuilt by search.rebuild_index in short batches, newest first, resumable, never
overwriting a row that a save made meanwhile."""

from __future__ import annotations

import logging
import shutil
import sqlite3
import threading
from datetime import date
from pathlib import Path

import pytest

from app.models import cases, search
from app.models import db as dbmod
from app.models.db import Database
from app.models.parties import PartyInput
from app.models.search import RebuildOutcome
from tests.helpers import edit_details, file_of
from tests.models.helpers import register, user

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def found(db: Database, text: str) -> set[str]:
    seqs = search.search_case_seqs(db.conn, text)
    return {db.scalar("SELECT id FROM cases WHERE seq = ?", (s,)) for s in seqs}


def body(db: Database, case_id: str) -> str:
    return db.scalar(
        "SELECT body FROM case_search WHERE rowid = (SELECT seq FROM cases WHERE id = ?)",
        (case_id,),
    )


def current_body(db: Database, case_id: str) -> str:
    """The row a save writes now (reindex_case)."""
    [(_seq, text)] = search._search_rows(db.conn, [case_id])
    return text


def v1_body(db: Database, case_id: str) -> str:
    """The row index version 1 wrote: one pinyin per name, as pypinyin reads it whole."""
    case = db.one(
        "SELECT c.number, c.title, c.facts, c.requests, coalesce(p.name, '') AS village "
        "FROM cases c LEFT JOIN places p ON p.id = c.village_id WHERE c.id = ?",
        (case_id,),
    )
    assert case is not None
    parts = search.tokens(case["number"] or "")
    parties = db.query(
        "SELECT p.name, p.phone, p.id_number, p.org_code, cp.agent_name, cp.agent_phone "
        "FROM case_parties cp JOIN parties p ON p.id = cp.party_id WHERE cp.case_id = ?",
        (case_id,),
    )
    for name in [n for r in parties for n in (r["name"], r["agent_name"]) if n]:
        parts.extend(search.tokens(name))
        parts.extend(t for t in search.name_pinyin(name) if t)
    numbers = [v for r in parties for v in (r["phone"], r["agent_phone"], r["id_number"])]
    for value in [*numbers, *(r["org_code"] for r in parties)]:
        digits = "".join(ch for ch in value.upper() if ch.isalnum() and ch.isascii()).lower()
        if digits:
            parts.extend((digits, "r" + digits[::-1]))
    parts.extend(search.tokens(case["village"]))
    for text in (case["title"], case["facts"], case["requests"]):
        parts.extend(search.tokens(text))
    return " ".join(parts)


def make_v1(db: Database) -> None:
    """What a file indexed by version 1 holds: v1 rows and no version setting."""
    ids = db.column("SELECT id FROM cases")
    rows = [(db.scalar("SELECT seq FROM cases WHERE id = ?", (i,)), v1_body(db, i)) for i in ids]
    with db.transaction() as conn:
        conn.executemany("DELETE FROM case_search WHERE rowid = ?", [(s,) for s, _ in rows])
        conn.executemany("INSERT INTO case_search(rowid, body) VALUES (?, ?)", rows)
        conn.execute("DELETE FROM settings WHERE key = ?", (search.INDEX_VERSION_KEY,))


def newest_first(db: Database) -> list[str]:
    return db.column("SELECT id FROM cases ORDER BY seq DESC")


def register_many(db: Database, n: int) -> list[str]:
    """``n`` cases, each with facts of its own (案情一号 …), the first by 单晓明."""
    names = ["单晓明", "覃小红", "区志强", "仇建国", "解文华", "查海波", "曾丽娟"]
    return [
        register(db, applicant=names[i % len(names)], respondent="李四", facts=f"案情{i}号。")
        for i in range(n)
    ]


def edit_facts(db: Database, case_id: str, facts: str) -> None:
    edit_details(db, case_id, by=user(db), facts=facts, requests="", risk_note="")


def integrity_ok(db: Database) -> bool:
    with db.transaction() as conn:
        conn.execute("INSERT INTO case_search(case_search) VALUES ('integrity-check')")
    return True


@pytest.fixture
def v1_file(office_db: Database) -> tuple[Database, list[str]]:
    """Seven cases of an office whose index is version 1."""
    ids = register_many(office_db, 7)
    make_v1(office_db)
    return office_db, ids


# ---- at open


def test_a_new_file_is_marked_current(tmp_path: Path) -> None:
    db = dbmod.connect(tmp_path / "new.sqlite3")
    assert search.index_version(db.conn) == search.INDEX_VERSION
    assert search.rebuild_index(db).rebuilt == 0
    db.close()


def test_opening_an_older_file_rebuilds_nothing_and_its_rows_find_what_they_found(
    v1_file: tuple[Database, list[str]],
) -> None:
    db, ids = v1_file
    shan = ids[0]  # 单晓明: v1 stored dan only
    before = {i: body(db, i) for i in ids}
    reopened = dbmod.connect(file_of(db))
    assert not search.index_is_current(reopened)
    assert {i: body(reopened, i) for i in ids} == before
    assert found(reopened, "dxm") == found(reopened, "单晓明") == {shan}
    assert found(reopened, "sxm") == set()  # the surname reading comes with the rebuild
    reopened.close()


# ---- the rebuild


def test_rebuild_writes_what_a_save_writes_and_records_the_version(
    v1_file: tuple[Database, list[str]],
) -> None:
    db, ids = v1_file
    reports: list[tuple[int, int]] = []
    result = search.rebuild_index(db, batch=3, progress=lambda d, t: reports.append((d, t)))
    assert result.outcome is RebuildOutcome.DONE
    assert (result.rebuilt, result.total) == (7, 7)
    assert reports == [(0, 7), (3, 7), (6, 7), (7, 7)]
    assert all(body(db, i) == current_body(db, i) for i in ids)
    assert found(db, "sxm") == found(db, "dxm") == {ids[0]}  # 单 shàn as well as dān
    assert found(db, "qxh") == found(db, "txh") == {ids[1]}  # 覃 qín as well as tán
    assert search.index_is_current(db)
    assert search.rebuilt_down_to(db.conn) is None  # nothing left to go on with
    assert integrity_ok(db)


def test_a_stopped_rebuild_goes_on_where_it_stopped_newest_first(
    v1_file: tuple[Database, list[str]],
) -> None:
    db, _ids = v1_file
    order = newest_first(db)
    asked = 0

    def stop_after_two_batches() -> bool:
        nonlocal asked
        asked += 1
        return asked > 2

    first = search.rebuild_index(db, batch=3, cancelled=stop_after_two_batches)
    assert first.outcome is RebuildOutcome.CANCELLED
    assert first.rebuilt == 6
    assert not search.index_is_current(db)
    # The six newest have current rows; the oldest still has its v1 row, and search
    # meanwhile finds every case by what it found before.
    assert [body(db, i) == current_body(db, i) for i in order] == [True] * 6 + [False]
    assert search.rebuilt_down_to(db.conn) == db.scalar(
        "SELECT seq FROM cases WHERE id = ?", (order[5],)
    )
    assert all(found(db, f"案情{n}号") for n in range(7))

    # Quitting here and starting again: a new connection goes on below, not from the top.
    db.close()
    again = dbmod.connect(file_of(db))
    reports: list[tuple[int, int]] = []
    second = search.rebuild_index(again, batch=3, progress=lambda d, t: reports.append((d, t)))
    assert second.outcome is RebuildOutcome.DONE
    assert second.rebuilt == 1
    assert reports == [(6, 7), (7, 7)]
    assert all(body(again, i) == current_body(again, i) for i in order)
    assert search.index_is_current(again)
    again.close()


def test_a_rebuild_stopped_while_merging_records_the_version_only_after_the_merge(
    v1_file: tuple[Database, list[str]],
) -> None:
    db, ids = v1_file
    asked = 0

    def stop_at_the_merge() -> bool:  # asked before each of the 3 batches, then merging
        nonlocal asked
        asked += 1
        return asked > 3

    first = search.rebuild_index(db, batch=3, cancelled=stop_at_the_merge)
    assert (first.outcome, first.rebuilt) == (RebuildOutcome.CANCELLED, 7)
    assert not search.index_is_current(db)  # every row is current, but not merged yet
    assert search._usermerge(db) == 4  # FTS5's setting put back
    reports: list[tuple[int, int]] = []
    second = search.rebuild_index(db, batch=3, progress=lambda d, t: reports.append((d, t)))
    assert (second.outcome, second.rebuilt) == (RebuildOutcome.DONE, 0)  # rows not redone
    assert reports == [(7, 7)]
    assert search.index_is_current(db) and search._usermerge(db) == 4
    assert all(body(db, i) == current_body(db, i) for i in ids)


def test_rebuilding_again_changes_nothing(v1_file: tuple[Database, list[str]]) -> None:
    db, ids = v1_file
    assert search.rebuild_index(db, batch=2).outcome is RebuildOutcome.DONE
    rows = {i: body(db, i) for i in ids}
    again = search.rebuild_index(db, batch=2)
    assert (again.outcome, again.rebuilt) == (RebuildOutcome.DONE, 0)  # current: not touched
    # Even forced (the version taken back), the rows come out the same.
    with db.transaction() as conn:
        search.set_index_version(conn, 1)
    forced = search.rebuild_index(db, batch=2)
    assert (forced.outcome, forced.rebuilt) == (RebuildOutcome.DONE, 7)
    assert {i: body(db, i) for i in ids} == rows
    assert db.scalar("SELECT count(*) FROM case_search") == 7
    assert integrity_ok(db)


def test_a_case_saved_after_its_batch_was_made_keeps_its_new_text(
    v1_file: tuple[Database, list[str]],
) -> None:
    """The program saves (its own connection) while the rebuild's batch is made: the
    rebuild asks ``cancelled()`` after making a batch and before writing it."""
    gui, _ids = v1_file
    order = newest_first(gui)
    worker = dbmod.connect(file_of(gui))
    edits = {
        1: (order[0], "鱼塘承包到期未续签。"),  # in the batch just made
        2: (order[4], "宅基地滴水檐争议。"),  # in the next batch, before it is made
    }
    asked = 0

    def save_meanwhile() -> bool:
        nonlocal asked
        asked += 1
        if asked in edits:
            case_id, facts = edits[asked]
            edit_facts(gui, case_id, facts)
            if asked == 1:
                cases.save_party(
                    gui,
                    case_id,
                    PartyInput(name="单晓燕", role="respondent"),
                    by=user(gui),
                    today=date(2026, 11, 20),
                )
        return False

    result = search.rebuild_index(worker, batch=3, cancelled=save_meanwhile)
    assert result.outcome is RebuildOutcome.DONE
    assert found(gui, "鱼塘") == found(gui, "单晓燕") == found(gui, "sxy") == {order[0]}
    assert found(gui, "滴水檐") == {order[4]}
    assert found(gui, "案情6号") == set()  # order[0]'s facts before the save
    assert all(body(gui, i) == current_body(gui, i) for i in order)
    worker.close()


def test_saves_from_another_thread_during_the_rebuild_are_never_lost(office_db: Database) -> None:
    """The program's own thread saving while the worker rebuilds, as it happens: every row
    ends as a save would write it."""
    ids = register_many(office_db, 40)
    make_v1(office_db)
    errors: list[BaseException] = []
    finished = threading.Event()

    def rebuild() -> None:
        worker = dbmod.connect(file_of(office_db))
        try:
            assert search.rebuild_index(worker, batch=2).outcome is RebuildOutcome.DONE
        except BaseException as exc:  # reported below, in the test's thread
            errors.append(exc)
        finally:
            worker.close()
            finished.set()

    thread = threading.Thread(target=rebuild)
    thread.start()
    saved = 0
    while not finished.is_set() or saved < 10:
        case_id = ids[(saved * 7) % len(ids)]
        edit_facts(office_db, case_id, f"第{saved}次修改的案情。")
        saved += 1
    thread.join()
    assert not errors
    assert all(body(office_db, i) == current_body(office_db, i) for i in ids)
    assert found(office_db, f"第{saved - 1}次修改") == {ids[((saved - 1) * 7) % len(ids)]}
    assert search.index_is_current(office_db)


def test_a_case_registered_during_the_rebuild_is_found_by_every_reading(
    v1_file: tuple[Database, list[str]],
) -> None:
    gui, ids = v1_file
    worker = dbmod.connect(file_of(gui))
    added: list[str] = []

    def register_meanwhile() -> bool:
        if not added:
            added.append(register(gui, applicant="区海燕", respondent="李四", facts="新登记。"))
        return False

    assert search.rebuild_index(worker, batch=3, cancelled=register_meanwhile).rebuilt == 7
    assert found(gui, "ohy") == found(gui, "qhy") == {added[0]}  # 区 ōu as well as qū
    assert gui.scalar("SELECT count(*) FROM case_search") == len(ids) + 1
    worker.close()


def test_a_rebuild_stops_when_another_copy_of_the_program_finished_it(
    v1_file: tuple[Database, list[str]],
) -> None:
    db, _ids = v1_file
    other = dbmod.connect(file_of(db))
    outcomes: list[RebuildOutcome] = []

    def other_finishes_first() -> bool:
        if not outcomes:
            outcomes.append(search.rebuild_index(other, batch=5).outcome)
        return False

    mine = search.rebuild_index(db, batch=2, cancelled=other_finishes_first)
    assert outcomes == [RebuildOutcome.DONE]
    assert (mine.outcome, mine.rebuilt) == (RebuildOutcome.DONE, 0)
    assert search.index_is_current(db)
    other.close()


# ---- files that cannot be written now


def test_a_locked_file_is_skipped_with_a_log_line_and_rebuilt_later(
    v1_file: tuple[Database, list[str]], caplog: pytest.LogCaptureFixture
) -> None:
    db, ids = v1_file
    path = file_of(db)
    db.close()
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another program is writing
    try:
        impatient = dbmod.connect(path, busy_timeout_ms=50)  # opens: nothing to write
        with caplog.at_level(logging.WARNING, logger="app.models.search"):
            result = search.rebuild_index(impatient)
        assert result.outcome is RebuildOutcome.SKIPPED
        assert "search index rebuild skipped" in caplog.text
        assert "锁定" in caplog.text  # the reason, as the user would be told it
        assert found(impatient, "dxm") == {ids[0]}  # the old rows still find what they did
        assert not search.index_is_current(impatient)
        impatient.close()
    finally:
        other.execute("ROLLBACK")
        other.close()
    later = dbmod.connect(path)
    assert search.rebuild_index(later).outcome is RebuildOutcome.DONE
    assert found(later, "sxm") == {ids[0]}
    later.close()


def test_a_read_only_file_is_skipped_with_a_log_line(
    v1_file: tuple[Database, list[str]], caplog: pytest.LogCaptureFixture
) -> None:
    db, ids = v1_file
    path = file_of(db)
    db.close()
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, isolation_level=None)
    conn.row_factory = sqlite3.Row
    read_only = Database(conn, path)
    with caplog.at_level(logging.WARNING, logger="app.models.search"):
        result = search.rebuild_index(read_only)
    assert (result.outcome, result.rebuilt) == (RebuildOutcome.SKIPPED, 0)
    assert "search index rebuild skipped" in caplog.text and "只读" in caplog.text
    assert found(read_only, "dxm") == {ids[0]}
    read_only.close()


# ---- the frozen file of schema version 1


def test_frozen_v1_file_opens_with_its_rows_and_the_rebuild_gives_the_new_tokens(
    tmp_path: Path,
) -> None:
    path = tmp_path / "v1.sqlite3"
    shutil.copy(FIXTURES / "schema_v1.sqlite3", path)
    db = dbmod.connect(path)
    assert not search.index_is_current(db)
    assert len(found(db, "张三")) == 1 and len(found(db, "zs")) == 1  # what v1 found
    assert found(db, "jixiang") == set()  # v1 had no reading for 𠮷
    result = search.rebuild_index(db)
    assert (result.outcome, result.rebuilt, result.total) == (RebuildOutcome.DONE, 3, 3)
    assert search.index_is_current(db)
    assert found(db, "jixiang") == found(db, "jx") == found(db, "𠮷祥")
    assert len(found(db, "jx")) == 1
    assert len(found(db, "张三")) == 1 and len(found(db, "李四")) == 3
    db.close()


def fts_levels(db: Database) -> int:
    """How many levels FTS5's structure record lists (its layout in SQLite's fts5_index.c:
    an optional 4-byte v2 marker, a 4-byte cookie, then the level count as a varint)."""
    record = db.scalar("SELECT block FROM case_search_data WHERE id = 10")
    at = 8 if record[:4] == b"\xff\x00\x00\x01" else 4
    value = 0
    while True:
        byte = record[at]
        value = (value << 7) | (byte & 0x7F)
        at += 1
        if not byte & 0x80:
            return value


def test_saves_while_the_index_is_merged_do_not_pile_up_its_levels(
    office_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A save between every two steps of the rebuild (SQLite 3.40's FTS5 adds a level for
    each when merged the 'optimize' way, and a file with 2,000 became unreadable). Merge
    steps of one page make this small index take many, as the bench file's does."""
    monkeypatch.setattr(search, "MERGE_PAGES", 1)
    ids = register_many(office_db, 40)
    make_v1(office_db)
    worker = dbmod.connect(file_of(office_db))
    saves = 0

    def save_before_every_step() -> bool:
        nonlocal saves
        saves += 1
        edit_facts(office_db, ids[saves % len(ids)], f"第{saves}次修改的案情。")
        return False

    result = search.rebuild_index(worker, batch=1, cancelled=save_before_every_step)
    assert result.outcome is RebuildOutcome.DONE
    assert saves > len(ids)  # saves came during the merge too
    assert fts_levels(office_db) <= 8
    assert integrity_ok(office_db)
    assert all(body(office_db, i) == current_body(office_db, i) for i in ids)
    worker.close()
