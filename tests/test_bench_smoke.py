"""The benchmark's generator writes rows like the services do, and its measurements run.

Timings are never asserted here (they belong in bench/results.json); only that the
generated database is consistent and that each in-process measurement returns a number.
"""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from app.models import casefile, search
from app.models.cases import TRANSITIONS
from app.models.db import connect
from app.models.identity import check_phone, check_resident_id, check_uscc
from bench import generate, measure, printing

CASES = 300
TODAY = date(2026, 11, 20)


@pytest.fixture(scope="module")
def bench_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("bench") / "bench-300.sqlite3"
    result = generate.generate(path, cases=CASES, seed=7, today=TODAY, progress=None)
    assert not result.reused
    assert result.counts["cases"] == CASES
    return path


@pytest.fixture
def conn(bench_db: Path) -> Iterator[sqlite3.Connection]:
    c = sqlite3.connect(bench_db)
    c.row_factory = sqlite3.Row
    yield c
    c.close()


def test_file_is_a_current_wal_database_and_is_reused(bench_db: Path) -> None:
    db = connect(bench_db)  # migrates nothing: already at the latest version
    try:
        assert db.scalar("PRAGMA journal_mode") == "wal"
        assert db.conn.execute("PRAGMA foreign_key_check").fetchall() == []
        assert db.scalar("PRAGMA integrity_check") == "ok"
    finally:
        db.close()
    again = generate.generate(bench_db, cases=CASES, seed=7, today=TODAY, progress=None)
    assert again.reused


def test_case_numbers_have_no_gaps(conn: sqlite3.Connection) -> None:
    unnumbered = conn.execute(
        "SELECT count(*) FROM cases WHERE accepted_on IS NOT NULL AND number IS NULL"
    ).fetchone()[0]
    assert unnumbered == 0
    assert (
        conn.execute(
            "SELECT count(*) FROM cases WHERE state IN "
            "('accepted','assigned','mediating','closed') AND number IS NULL"
        ).fetchone()[0]
        == 0
    )
    by_year: dict[tuple[str, int], list[int]] = {}
    for r in conn.execute(
        "SELECT committee_id, number_year, number_seq, number, accepted_on FROM cases "
        "WHERE number IS NOT NULL ORDER BY number_seq"
    ):
        assert r["number"] == f"（{r['number_year']}）青山调字第{r['number_seq']}号"
        assert r["accepted_on"].startswith(str(r["number_year"]))
        by_year.setdefault((r["committee_id"], r["number_year"]), []).append(r["number_seq"])
    assert len(by_year) >= 5
    for key, seqs in by_year.items():
        assert seqs == list(range(1, len(seqs) + 1)), key
        last = conn.execute(
            "SELECT last_seq FROM case_number_seq WHERE committee_id = ? AND year = ?", key
        ).fetchone()
        assert last is not None and last[0] == len(seqs)


def test_events_follow_the_life_cycle(conn: sqlite3.Connection) -> None:
    states: Counter[str] = Counter()
    for case in conn.execute("SELECT id, state, seq FROM cases"):
        events = conn.execute(
            "SELECT action, state_before, state_after, at, data FROM case_events "
            "WHERE case_id = ? ORDER BY at, id",
            (case["id"],),
        ).fetchall()
        assert events[0]["action"] == "register"
        assert events[0]["state_after"] == "registered"
        state = "registered"
        for e in events[1:]:
            t = TRANSITIONS[e["action"]]
            assert state in t.allowed_from, (case["seq"], e["action"], state)
            assert e["state_before"] == state
            state = e["state_after"]
            json.loads(e["data"])
        assert state == case["state"]
        states[state] += 1
    # recent cases are still open, most older ones are closed or archived
    assert states["archived"] + states["closed"] > CASES * 0.7
    assert states["registered"] + states["accepted"] + states["assigned"] + states["mediating"] > 0


def test_denormalised_columns_match(conn: sqlite3.Connection) -> None:
    for case in conn.execute("SELECT id, parties_text, mediators_text FROM cases"):
        names = [
            r[0]
            for r in conn.execute(
                "SELECT p.name FROM case_parties cp JOIN parties p ON p.id = cp.party_id "
                "WHERE cp.case_id = ? ORDER BY cp.position",
                (case["id"],),
            )
        ]
        assert 2 <= len(names) <= 4
        assert case["parties_text"] == "、".join(names)
        mediators = [
            r[0]
            for r in conn.execute(
                "SELECT m.name FROM assignments a JOIN mediators m ON m.id = a.mediator_id "
                "WHERE a.case_id = ? AND a.ended_on IS NULL ORDER BY a.lead DESC, m.name",
                (case["id"],),
            )
        ]
        assert case["mediators_text"] == "、".join(mediators)


def test_parties_have_valid_ids_and_phones(conn: sqlite3.Connection) -> None:
    for p in conn.execute("SELECT * FROM parties"):
        if p["id_number"]:
            parsed = check_resident_id(p["id_number"], today=TODAY)
            assert parsed.sex == p["sex"]
            assert parsed.birth_date.isoformat() == p["birth_date"]
        if p["org_code"]:
            assert check_uscc(p["org_code"]) == p["org_code"]
        if p["phone"]:
            assert check_phone(p["phone"]) == p["phone"]
    assert conn.execute("SELECT count(DISTINCT kind) FROM parties").fetchone()[0] == 2


def test_search_index_is_what_reindex_would_write(conn: sqlite3.Connection) -> None:
    sample = [r[0] for r in conn.execute("SELECT id FROM cases ORDER BY seq LIMIT 40")]
    conn.execute("BEGIN")
    try:
        for case_id in sample:
            seq = conn.execute("SELECT seq FROM cases WHERE id = ?", (case_id,)).fetchone()[0]
            before = conn.execute(
                "SELECT body FROM case_search WHERE rowid = ?", (seq,)
            ).fetchone()[0]
            search.reindex_case(conn, case_id)
            after = conn.execute("SELECT body FROM case_search WHERE rowid = ?", (seq,)).fetchone()[
                0
            ]
            assert before == after
    finally:
        conn.execute("ROLLBACK")


def test_search_finds_names_and_pinyin(conn: sqlite3.Connection) -> None:
    row = conn.execute(
        "SELECT c.seq, p.name FROM cases c JOIN case_parties cp ON cp.case_id = c.id "
        "JOIN parties p ON p.id = cp.party_id WHERE p.kind = 'person' AND length(p.name) = 3 "
        "ORDER BY c.seq DESC LIMIT 1"
    ).fetchone()
    assert row["seq"] in search.search_case_seqs(conn, row["name"])
    _, initials = search.name_pinyin(row["name"])
    assert len(initials) == 3
    assert row["seq"] in search.search_case_seqs(conn, initials, limit=1000)


@pytest.mark.slow
def test_measurements_return_numbers(bench_db: Path) -> None:
    figures = {
        "register_first_page_ms": measure.register_first_page(bench_db, runs=2),
        "open_case_ms": measure.open_case(bench_db, count=5),
        "db_mb": measure.db_size_mb(bench_db),
        "agreement_pdf_ms": printing.agreement_pdf(bench_db, count=2),
    }
    case_file = printing.case_file_pdf(bench_db, runs=1)
    assert case_file["case_file_sessions"] == 10
    assert case_file["case_file_pages"] > 10  # cover, contents, ten session records, …
    figures.update(case_file)
    mix = measure.search_mix(bench_db)
    assert len(mix) >= 60
    kinds = {q.kind for q in mix}
    assert {"surname", "name2", "name3", "pinyin", "id_tail", "number", "village", "fact"} <= kinds
    figures.update(measure.search_figures(bench_db, mix, runs=1, like_budget_s=5))
    for name, value in figures.items():
        assert isinstance(value, (int, float)), name
        assert value >= 0, name
    db = connect(bench_db)
    try:
        any_case = db.scalar("SELECT id FROM cases ORDER BY seq DESC LIMIT 1")
        assert casefile.load_case(db, any_case).events
    finally:
        db.close()


def test_case_file_case_is_closed_with_ten_sessions(bench_db: Path) -> None:
    """The case of case_file_pdf_ms: closed with a written agreement, its own sessions
    kept and copied up to ten, each with its own id, in order of time."""
    db = connect(bench_db)
    try:
        case = casefile.load_case(db, printing.case_file_case(db))
    finally:
        db.close()
    assert case.state in ("closed", "archived") and case.outcome == "agreement_written"
    assert case.agreement is not None and case.agreement.kind == "written"
    padded = printing.with_sessions(case, 10)
    sessions = [s for s in padded.sessions if s.kind == "session"]
    assert len(sessions) == 10
    assert len({s.id for s in padded.sessions}) == len(padded.sessions)
    assert set(case.sessions) <= set(padded.sessions)
    assert [s.held_at for s in padded.sessions] == sorted(s.held_at for s in padded.sessions)


@pytest.mark.slow
def test_outreach_figures_on_a_small_office() -> None:
    """bench.outreach builds its office through the services and times real kits."""
    from bench import outreach

    figures = outreach.kit_figures(villages=2)
    assert set(figures) == set(outreach.FIGURES)
    assert figures["outreach_kit_village_ms"] > 0
    assert figures["outreach_kit_all_pages"] > 2 * 7  # seven printables, several pages each
    # both figures are rounded to 0.01 ms from the same time: they agree within that
    per_page = figures["outreach_kit_all_ms"] / figures["outreach_kit_all_pages"]
    assert figures["outreach_kit_page_ms"] == pytest.approx(per_page, abs=0.0055)
