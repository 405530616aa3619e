"""The tables, as a ladder of migration steps on ``PRAGMA user_version``.

Each step is frozen once released: never edit a step, add the next one. A frozen copy of a
database at every released version lives in tests/fixtures/ and is migrated by a test.

Every row that travels between machines has a uuid7 text key and the stamp columns
``created_at, updated_at`` (UTC ISO-8601), ``updated_by`` (user id) and ``origin`` (device id).
"""

from __future__ import annotations

import sqlite3

from app.models.db import Migration

_STAMP = """
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    origin     TEXT NOT NULL"""


def run_script(conn: sqlite3.Connection, script: str) -> None:
    """Execute several statements inside the caller's transaction.

    (``executescript`` would COMMIT first, breaking the one-transaction-per-step rule.)
    """
    statement = ""
    for line in script.splitlines(keepends=True):
        statement += line
        if sqlite3.complete_statement(statement):
            conn.execute(statement)
            statement = ""
    if statement.strip():
        raise ValueError(f"incomplete SQL statement: {statement[:80]!r}")


def _v1(conn: sqlite3.Connection) -> None:
    run_script(
        conn,
        f"""
CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE users (
    id        TEXT PRIMARY KEY,
    name      TEXT NOT NULL,
    role      TEXT NOT NULL DEFAULT 'mediator',  -- mediator | director (主任) | admin
    active    INTEGER NOT NULL DEFAULT 1,{_STAMP}
);

-- town / village / community / grid, as a tree
CREATE TABLE places (
    id        TEXT PRIMARY KEY,
    name      TEXT NOT NULL,
    kind      TEXT NOT NULL CHECK (kind IN ('district','town','village','community','grid')),
    parent_id TEXT REFERENCES places(id),
    retired   INTEGER NOT NULL DEFAULT 0,{_STAMP}
);
CREATE INDEX places_parent ON places(parent_id);

CREATE TABLE committees (
    id              TEXT PRIMARY KEY,
    name            TEXT NOT NULL,
    level           TEXT NOT NULL CHECK (level IN ('town','village','community','special')),
    parent_id       TEXT REFERENCES committees(id),
    place_id        TEXT REFERENCES places(id),
    abbr            TEXT NOT NULL,
    number_pattern  TEXT NOT NULL DEFAULT '（{{year}}）{{abbr}}调字第{{seq}}号',
    seq_width       INTEGER NOT NULL DEFAULT 0,
    time_limit_days INTEGER NOT NULL DEFAULT 30,
    seal_text       TEXT NOT NULL DEFAULT '',
    retired         INTEGER NOT NULL DEFAULT 0,{_STAMP}
);

-- the next free sequence number per committee and year (allocation is one UPDATE)
CREATE TABLE case_number_seq (
    committee_id TEXT NOT NULL REFERENCES committees(id),
    year         INTEGER NOT NULL,
    last_seq     INTEGER NOT NULL,
    PRIMARY KEY (committee_id, year)
) WITHOUT ROWID;

CREATE TABLE mediators (
    id           TEXT PRIMARY KEY,
    name         TEXT NOT NULL,
    committee_id TEXT REFERENCES committees(id),
    phone        TEXT NOT NULL DEFAULT '',
    full_time    INTEGER NOT NULL DEFAULT 0,
    specialities TEXT NOT NULL DEFAULT '',
    retired      INTEGER NOT NULL DEFAULT 0,{_STAMP}
);

-- seq is a local integer key for the full-text index; id is what syncs
CREATE TABLE cases (
    seq                INTEGER PRIMARY KEY,
    id                 TEXT NOT NULL UNIQUE,
    committee_id       TEXT NOT NULL REFERENCES committees(id),
    number             TEXT UNIQUE,
    number_year        INTEGER,
    number_seq         INTEGER,
    state              TEXT NOT NULL,
    category           TEXT NOT NULL,
    source             TEXT NOT NULL,
    source_detail      TEXT NOT NULL DEFAULT '',
    village_id         TEXT REFERENCES places(id),
    title              TEXT NOT NULL DEFAULT '',
    facts              TEXT NOT NULL DEFAULT '',
    requests           TEXT NOT NULL DEFAULT '',
    risk_note          TEXT NOT NULL DEFAULT '',
    registered_on      TEXT NOT NULL,
    accepted_on        TEXT,
    declined_on        TEXT,
    decline_reason     TEXT NOT NULL DEFAULT '',
    due_on             TEXT,
    closed_on          TEXT,
    outcome            TEXT,
    performance        TEXT,
    amount_fen         INTEGER,
    prevented_criminal INTEGER NOT NULL DEFAULT 0,
    prevented_petition INTEGER NOT NULL DEFAULT 0,
    close_note         TEXT NOT NULL DEFAULT '',
    archived_on        TEXT,
    voided_on          TEXT,
    void_reason        TEXT NOT NULL DEFAULT '',
    parties_text       TEXT NOT NULL DEFAULT '',  -- "张三、李四" for the register (denormalised)
    mediators_text     TEXT NOT NULL DEFAULT '',{_STAMP}
);
CREATE INDEX cases_registered ON cases(registered_on);
CREATE INDEX cases_state_due ON cases(state, due_on);
CREATE INDEX cases_village ON cases(village_id, registered_on);
CREATE INDEX cases_category ON cases(category, registered_on);
CREATE INDEX cases_closed ON cases(closed_on);

CREATE TABLE parties (
    id           TEXT PRIMARY KEY,
    kind         TEXT NOT NULL CHECK (kind IN ('person','org')),
    name         TEXT NOT NULL,
    sex          TEXT NOT NULL DEFAULT '',
    ethnicity    TEXT NOT NULL DEFAULT '',
    birth_date   TEXT,
    id_type      TEXT NOT NULL DEFAULT '',
    id_number    TEXT NOT NULL DEFAULT '',
    occupation   TEXT NOT NULL DEFAULT '',
    phone        TEXT NOT NULL DEFAULT '',
    address      TEXT NOT NULL DEFAULT '',
    org_code     TEXT NOT NULL DEFAULT '',
    legal_rep    TEXT NOT NULL DEFAULT '',{_STAMP}
);
CREATE INDEX parties_id_number ON parties(id_number) WHERE id_number <> '';

CREATE TABLE case_parties (
    id           TEXT PRIMARY KEY,
    case_id      TEXT NOT NULL REFERENCES cases(id),
    party_id     TEXT NOT NULL REFERENCES parties(id),
    role         TEXT NOT NULL CHECK (role IN ('applicant','respondent','party')),
    position     INTEGER NOT NULL DEFAULT 0,
    agent_name   TEXT NOT NULL DEFAULT '',
    agent_phone  TEXT NOT NULL DEFAULT '',
    agent_powers TEXT NOT NULL DEFAULT '',{_STAMP}
);
CREATE INDEX case_parties_case ON case_parties(case_id, position);
CREATE INDEX case_parties_party ON case_parties(party_id);

-- append-only history: never updated, never deleted
CREATE TABLE case_events (
    id           TEXT PRIMARY KEY,
    case_id      TEXT NOT NULL REFERENCES cases(id),
    at           TEXT NOT NULL,
    by           TEXT NOT NULL,
    action       TEXT NOT NULL,
    state_before TEXT,
    state_after  TEXT,
    data         TEXT NOT NULL DEFAULT '{{}}',
    origin       TEXT NOT NULL
);
CREATE INDEX case_events_case ON case_events(case_id, at);
CREATE TRIGGER case_events_no_update BEFORE UPDATE ON case_events
BEGIN SELECT RAISE(ABORT, 'case_events is append-only'); END;
CREATE TRIGGER case_events_no_delete BEFORE DELETE ON case_events
BEGIN SELECT RAISE(ABORT, 'case_events is append-only'); END;

-- mediation sessions (调解记录) and investigations (调查记录)
CREATE TABLE sessions (
    id           TEXT PRIMARY KEY,
    case_id      TEXT NOT NULL REFERENCES cases(id),
    kind         TEXT NOT NULL CHECK (kind IN ('session','investigation')),
    held_at      TEXT NOT NULL,
    place        TEXT NOT NULL DEFAULT '',
    participants TEXT NOT NULL DEFAULT '',
    subject      TEXT NOT NULL DEFAULT '',  -- matter (事由) or person investigated
    staff        TEXT NOT NULL DEFAULT '',  -- mediator / investigator
    recorder     TEXT NOT NULL DEFAULT '',
    record       TEXT NOT NULL DEFAULT '',
    result       TEXT NOT NULL DEFAULT '',{_STAMP}
);
CREATE INDEX sessions_case ON sessions(case_id, held_at);

CREATE TABLE assignments (
    id          TEXT PRIMARY KEY,
    case_id     TEXT NOT NULL REFERENCES cases(id),
    mediator_id TEXT NOT NULL REFERENCES mediators(id),
    how         TEXT NOT NULL CHECK (how IN ('appointed','chosen')),
    lead        INTEGER NOT NULL DEFAULT 0,
    assigned_on TEXT NOT NULL,
    ended_on    TEXT,
    end_reason  TEXT NOT NULL DEFAULT '',{_STAMP}
);
CREATE INDEX assignments_case ON assignments(case_id);
CREATE INDEX assignments_mediator ON assignments(mediator_id, ended_on);

CREATE TABLE extensions (
    id           TEXT PRIMARY KEY,
    case_id      TEXT NOT NULL REFERENCES cases(id),
    requested_by TEXT NOT NULL,
    reason       TEXT NOT NULL,
    old_due_on   TEXT,
    new_due_on   TEXT NOT NULL,
    decided_on   TEXT NOT NULL,{_STAMP}
);
CREATE INDEX extensions_case ON extensions(case_id);

-- 归口 referral to another body, and its feedback
CREATE TABLE referrals (
    id          TEXT PRIMARY KEY,
    case_id     TEXT NOT NULL REFERENCES cases(id),
    body        TEXT NOT NULL,
    receiver    TEXT NOT NULL DEFAULT '',
    referred_on TEXT NOT NULL,
    reason      TEXT NOT NULL DEFAULT '',
    feedback    TEXT NOT NULL DEFAULT '',
    feedback_on TEXT,{_STAMP}
);
CREATE INDEX referrals_case ON referrals(case_id);

CREATE TABLE agreements (
    id                TEXT PRIMARY KEY,
    case_id           TEXT NOT NULL UNIQUE REFERENCES cases(id),
    kind              TEXT NOT NULL CHECK (kind IN ('written','oral')),
    facts             TEXT NOT NULL DEFAULT '',  -- facts, matters in dispute, responsibilities
    terms             TEXT NOT NULL DEFAULT '[]', -- JSON list of numbered terms
    perform_manner    TEXT NOT NULL DEFAULT '',
    perform_place     TEXT NOT NULL DEFAULT '',
    perform_deadline  TEXT,
    amount_fen        INTEGER,
    signed_on         TEXT NOT NULL,{_STAMP}
);

CREATE TABLE follow_ups (
    id             TEXT PRIMARY KEY,
    case_id        TEXT NOT NULL REFERENCES cases(id),
    visited_on     TEXT NOT NULL,
    visitor        TEXT NOT NULL,
    person_visited TEXT NOT NULL DEFAULT '',
    performed      TEXT NOT NULL DEFAULT '',  -- full / partial / none
    satisfaction   TEXT NOT NULL DEFAULT '',
    findings       TEXT NOT NULL DEFAULT '',
    measures       TEXT NOT NULL DEFAULT '',{_STAMP}
);
CREATE INDEX follow_ups_case ON follow_ups(case_id);

CREATE TABLE judicial_confirmations (
    id         TEXT PRIMARY KEY,
    case_id    TEXT NOT NULL REFERENCES cases(id),
    applied_on TEXT NOT NULL,
    court      TEXT NOT NULL,
    number     TEXT NOT NULL DEFAULT '',  -- 调确字 number
    result     TEXT NOT NULL DEFAULT '',  -- confirmed / rejected / pending
    decided_on TEXT,{_STAMP}
);
CREATE INDEX judicial_confirmations_case ON judicial_confirmations(case_id);

-- Search: every case's searchable text as tokens (each CJK character one token, pinyin,
-- initials, numbers, reversed ID/phone digits for "last digits" queries). rowid = cases.seq.
CREATE VIRTUAL TABLE case_search USING fts5(
    body, tokenize = "unicode61 remove_diacritics 0"
);
""",
    )


def _v2(conn: sqlite3.Connection) -> None:
    # The register's default order (newest registered first, voided hidden) and the case-number
    # sort read only these indexes: at 100,000 cases the first page no longer visits every row.
    # (Extended before any release; once released, a step is frozen.)
    run_script(
        conn,
        """
CREATE INDEX cases_register ON cases(registered_on, seq, state);
CREATE INDEX cases_number ON cases(number_year, number_seq, state);
-- The start page: closed cases awaiting follow-up, agreements in the confirmation window.
CREATE INDEX cases_state_closed ON cases(state, closed_on);
CREATE INDEX agreements_signed ON agreements(signed_on);
""",
    )


def _v3(conn: sqlite3.Connection) -> None:
    run_script(
        conn,
        f"""
-- 记录人 of the agreement (a clerk or a mediator; printed under the signatures).
ALTER TABLE agreements ADD COLUMN recorder TEXT NOT NULL DEFAULT '';

-- The office's own agreement clause templates: edits of a shipped default (default_key set)
-- or templates of its own (default_key NULL). Hidden rows hide a shipped default.
CREATE TABLE clause_templates (
    id          TEXT PRIMARY KEY,
    default_key TEXT UNIQUE,
    category    TEXT NOT NULL,
    title       TEXT NOT NULL,
    body        TEXT NOT NULL,
    position    INTEGER NOT NULL DEFAULT 0,
    hidden      INTEGER NOT NULL DEFAULT 0,{_STAMP}
);
CREATE INDEX clause_templates_category ON clause_templates(category, position);
""",
    )


def _v4(conn: sqlite3.Connection) -> None:
    run_script(
        conn,
        f"""
-- The village registries of the 七个一 outreach work. Grids are places (kind 'grid') under
-- a village or community. Nothing here is deleted while referenced: rows are retired.

-- 网格员
CREATE TABLE grid_workers (
    id       TEXT PRIMARY KEY,
    grid_id  TEXT NOT NULL REFERENCES places(id),
    name     TEXT NOT NULL,
    phone    TEXT NOT NULL DEFAULT '',
    retired  INTEGER NOT NULL DEFAULT 0,{_STAMP}
);
CREATE INDEX grid_workers_grid ON grid_workers(grid_id);

-- 法律明白人 (at least three per village)
CREATE TABLE legal_advisers (
    id          TEXT PRIMARY KEY,
    village_id  TEXT NOT NULL REFERENCES places(id),
    name        TEXT NOT NULL,
    phone       TEXT NOT NULL DEFAULT '',
    area        TEXT NOT NULL DEFAULT '',  -- the groups / streets the person covers
    retired     INTEGER NOT NULL DEFAULT 0,{_STAMP}
);
CREATE INDEX legal_advisers_village ON legal_advisers(village_id);

-- 评理说事点
CREATE TABLE talk_points (
    id          TEXT PRIMARY KEY,
    village_id  TEXT NOT NULL REFERENCES places(id),
    name        TEXT NOT NULL,
    address     TEXT NOT NULL DEFAULT '',
    hours       TEXT NOT NULL DEFAULT '',  -- opening times, as the placard prints them
    staff       TEXT NOT NULL DEFAULT '',
    phone       TEXT NOT NULL DEFAULT '',
    retired     INTEGER NOT NULL DEFAULT 0,{_STAMP}
);
CREATE INDEX talk_points_village ON talk_points(village_id);

-- 装户图: households per grid and their members. No ID numbers are kept here.
CREATE TABLE households (
    id           TEXT PRIMARY KEY,
    grid_id      TEXT NOT NULL REFERENCES places(id),
    house_number TEXT NOT NULL,
    head_name    TEXT NOT NULL,
    phone        TEXT NOT NULL DEFAULT '',
    notes        TEXT NOT NULL DEFAULT '',
    retired      INTEGER NOT NULL DEFAULT 0,{_STAMP}
);
CREATE INDEX households_grid ON households(grid_id, house_number);

CREATE TABLE household_members (
    id           TEXT PRIMARY KEY,
    household_id TEXT NOT NULL REFERENCES households(id),
    name         TEXT NOT NULL,
    relation     TEXT NOT NULL DEFAULT '',  -- to the head: 配偶, 子, 女, 父, 母 …
    position     INTEGER NOT NULL DEFAULT 0,{_STAMP}
);
CREATE INDEX household_members_household ON household_members(household_id, position);

-- What the 装户图 of a grid may show, remembered per grid (phones masked by default).
CREATE TABLE household_chart_options (
    id           TEXT PRIMARY KEY,
    grid_id      TEXT NOT NULL UNIQUE REFERENCES places(id),
    mask_phones  INTEGER NOT NULL DEFAULT 1,
    hide_members INTEGER NOT NULL DEFAULT 0,
    heads_only   INTEGER NOT NULL DEFAULT 0,{_STAMP}
);

-- The outreach content library: edits of a shipped default (default_key set) or items of
-- the office's own (default_key NULL); hidden rows hide a shipped default.
CREATE TABLE outreach_content (
    id          TEXT PRIMARY KEY,
    default_key TEXT UNIQUE,
    kind        TEXT NOT NULL CHECK (kind IN ('card','broadcast','brochure','animation')),
    title       TEXT NOT NULL,
    body        TEXT NOT NULL DEFAULT '',
    extra       TEXT NOT NULL DEFAULT '{{}}',  -- JSON: an animation's duration and link …
    position    INTEGER NOT NULL DEFAULT 0,
    hidden      INTEGER NOT NULL DEFAULT 0,{_STAMP}
);
CREATE INDEX outreach_content_kind ON outreach_content(kind, position);

-- 大喇叭: when the broadcast is played in a village, and who reads it.
CREATE TABLE broadcast_schedule (
    id          TEXT PRIMARY KEY,
    village_id  TEXT NOT NULL REFERENCES places(id),
    play_on     TEXT NOT NULL,              -- ISO date
    play_at     TEXT NOT NULL DEFAULT '',   -- HH:MM
    reader      TEXT NOT NULL DEFAULT '',
    retired     INTEGER NOT NULL DEFAULT 0,{_STAMP}
);
CREATE INDEX broadcast_schedule_village ON broadcast_schedule(village_id, play_on);
""",
    )


def _v5(conn: sqlite3.Connection) -> None:
    run_script(
        conn,
        f"""
-- Statistics read each period by these dates (docs/statistics.md).
CREATE INDEX cases_accepted ON cases(accepted_on);
CREATE INDEX cases_declined ON cases(declined_on) WHERE declined_on IS NOT NULL;
CREATE INDEX cases_closed_due ON cases(closed_on, due_on);
CREATE INDEX assignments_case_current ON assignments(case_id, ended_on, mediator_id);

-- The monthly 矛盾纠纷排查化解 report: what the head writes beside the figures.
CREATE TABLE monthly_reports (
    id           TEXT PRIMARY KEY,
    committee_id TEXT NOT NULL REFERENCES committees(id),
    year         INTEGER NOT NULL,
    month        INTEGER NOT NULL CHECK (month BETWEEN 1 AND 12),
    situation    TEXT NOT NULL DEFAULT '',  -- 总体情况 (the head's summary)
    causes       TEXT NOT NULL DEFAULT '',  -- 主要原因 / 特点
    measures     TEXT NOT NULL DEFAULT '',  -- 工作措施
    plans        TEXT NOT NULL DEFAULT '',  -- 下步打算{_STAMP},
    UNIQUE (committee_id, year, month)
);
""",
    )


def _v6(conn: sqlite3.Connection) -> None:
    run_script(
        conn,
        f"""
-- 协议草稿: while a case is 调解中 the agreement is drafted, printed for the parties to read,
-- and turned into the agreement by 结案. One draft per case; removed when the case closes.
CREATE TABLE agreement_drafts (
    id                  TEXT PRIMARY KEY,
    case_id             TEXT NOT NULL UNIQUE REFERENCES cases(id),
    facts               TEXT NOT NULL DEFAULT '',
    terms               TEXT NOT NULL DEFAULT '[]',  -- JSON list of numbered terms
    perform_manner      TEXT NOT NULL DEFAULT '',
    perform_place       TEXT NOT NULL DEFAULT '',
    perform_deadline    TEXT,
    perform_within_days INTEGER,                     -- 签订后 N 日内 (instead of a date)
    amount_fen          INTEGER,
    recorder            TEXT NOT NULL DEFAULT '',{_STAMP}
);

-- 履行期限 "签订后 N 日内": a number of days after signing instead of a fixed date.
ALTER TABLE agreements ADD COLUMN perform_within_days INTEGER;

-- Where a closing date came from. '' = entered in the program or written in the sheet;
-- an imported 台账 row with a result but no 结案日期 is dated by the wizard's choice:
-- 'accepted' (the 受理日期), 'mediated' (the sheet's 调解日期), 'unrecorded' (closed_on NULL).
ALTER TABLE cases ADD COLUMN closed_on_basis TEXT NOT NULL DEFAULT '';
""",
    )


def _v7(conn: sqlite3.Connection) -> None:
    run_script(
        conn,
        f"""
-- Field laptops (docs/sync.md). Each installation is a device; its name travels.
CREATE TABLE devices (
    id    TEXT PRIMARY KEY,           -- the installation's device_id
    name  TEXT NOT NULL DEFAULT '',   -- 办公室电脑, 周玉梅的笔记本
    role  TEXT NOT NULL DEFAULT 'office' CHECK (role IN ('office','field')),{_STAMP}
);

-- The change log: one row per insert, update or delete of a synced row, written by triggers
-- in the same transaction as the change (app/models/sync/triggers.py), plus the rows other
-- devices made, as they came. (device, seq) names a change everywhere.
-- (A rowid table: a WITHOUT ROWID table keeps whole rows in its interior pages, and a log of
-- big JSON rows then outgrows the page cache: a 10,000-row 台账 import took 300 s instead of 2.)
CREATE TABLE sync_log (
    device  TEXT NOT NULL,
    seq     INTEGER NOT NULL,
    tbl     TEXT NOT NULL,
    row_id  TEXT NOT NULL,
    op      TEXT NOT NULL CHECK (op IN ('i','u','d')),
    data    TEXT NOT NULL,            -- JSON {{column: value}} of what the change wrote
    at      TEXT NOT NULL,            -- UTC moment
    by      TEXT NOT NULL DEFAULT '', -- user id
    UNIQUE (device, seq)
);
CREATE INDEX sync_log_row ON sync_log(tbl, row_id);

-- What each device had seen (per device, the highest change number it held without gaps)
-- when it made its changes from first_seq on: tells "overwrote knowingly" from "concurrently".
CREATE TABLE sync_epochs (
    device    TEXT NOT NULL,
    first_seq INTEGER NOT NULL,
    seen      TEXT NOT NULL,          -- JSON {{device: seq}}
    PRIMARY KEY (device, first_seq)
) WITHOUT ROWID;

-- This installation's sync state (never sent): 'applying' while a merge writes rows.
CREATE TABLE sync_state (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;

-- The installations this one exchanges files with, and what each is known to hold.
CREATE TABLE sync_peers (
    device       TEXT PRIMARY KEY,
    known        TEXT NOT NULL DEFAULT '{{}}',  -- JSON {{device: seq}} it reported holding
    scope        TEXT,                          -- JSON scope of a field laptop (NULL: all)
    files_in     INTEGER NOT NULL DEFAULT 0,    -- the highest file number applied from it
    last_in_at   TEXT,
    files_out    INTEGER NOT NULL DEFAULT 0,    -- the last file number written for it
    last_out_at  TEXT
) WITHOUT ROWID;

-- Fields changed on two devices without either seeing the other's change: the value kept
-- (the later one, for now) and the one set aside, for 冲突处理. Derived from sync_log.
CREATE TABLE sync_conflicts (
    tbl          TEXT NOT NULL,
    row_id       TEXT NOT NULL,
    col          TEXT NOT NULL,
    kept_device  TEXT NOT NULL,
    kept_seq     INTEGER NOT NULL,
    lost_device  TEXT NOT NULL,
    lost_seq     INTEGER NOT NULL,
    UNIQUE (tbl, row_id, col, lost_device, lost_seq)
);  -- (not WITHOUT ROWID: SQLite 3.40's integrity_check misreads the NOT NULL columns that
    -- follow a WITHOUT ROWID table's key columns and calls a sound file damaged)

-- What the 主任 decided about a conflict (append-only, travels).
CREATE TABLE conflict_decisions (
    id          TEXT PRIMARY KEY,
    tbl         TEXT NOT NULL,
    row_id      TEXT NOT NULL,
    col         TEXT NOT NULL,
    case_id     TEXT,
    kept        TEXT,                 -- JSON of the value kept
    set_aside   TEXT NOT NULL,        -- JSON list of the values not kept
    how         TEXT NOT NULL CHECK (how IN ('kept','merged')),
    decided_by  TEXT NOT NULL,
    decided_at  TEXT NOT NULL,
    origin      TEXT NOT NULL
);
CREATE TRIGGER conflict_decisions_no_update BEFORE UPDATE ON conflict_decisions
BEGIN SELECT RAISE(ABORT, 'conflict_decisions is append-only'); END;

-- Case numbers handed to a field laptop: first_seq..last_seq of one committee and year.
-- The laptop writes next_seq and closes the block when it hands the rest back; the office
-- then puts the unused numbers back (reclaimed) to be used next.
CREATE TABLE number_blocks (
    id           TEXT PRIMARY KEY,
    committee_id TEXT NOT NULL REFERENCES committees(id),
    year         INTEGER NOT NULL,
    first_seq    INTEGER NOT NULL,
    last_seq     INTEGER NOT NULL,
    device       TEXT NOT NULL,
    next_seq     INTEGER NOT NULL,
    closed       INTEGER NOT NULL DEFAULT 0,
    reclaimed    INTEGER NOT NULL DEFAULT 0,{_STAMP}
);
CREATE INDEX number_blocks_device ON number_blocks(device, committee_id, year);

-- Numbers handed back from blocks, used before the sequence goes on (office only).
CREATE TABLE case_number_free (
    committee_id TEXT NOT NULL,
    year         INTEGER NOT NULL,
    seq          INTEGER NOT NULL,
    PRIMARY KEY (committee_id, year, seq)
) WITHOUT ROWID;

-- A laptop out of numbers accepts with a provisional number; the office gives the real one.
ALTER TABLE cases ADD COLUMN number_provisional INTEGER NOT NULL DEFAULT 0;

-- A field laptop's short number, given by the office when it is prepared: its provisional
-- case numbers carry it (临时2-1), so that two laptops never make the same one.
ALTER TABLE devices ADD COLUMN number_tag INTEGER;
""",
    )
    _v7_identity(conn)
    from app.models.sync import triggers

    triggers.install(conn)
    run_script(
        conn,
        """
-- The cases a field laptop with a scope holds, as the office knows it (local to the office):
-- a case entering the scope is handed over whole, one leaving it dropped (docs/sync.md).
-- full_in / drop_in: the office file that did so, until the laptop says it merged it.
CREATE TABLE sync_peer_cases (
    device   TEXT NOT NULL,
    case_id  TEXT NOT NULL,
    full_in  INTEGER NOT NULL DEFAULT 0,
    drop_in  INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (device, case_id)
);

-- The deletes of the log, by row: a merge asks for them (rows that may come back) without
-- reading the whole log.
CREATE INDEX sync_log_deletes ON sync_log(tbl, row_id) WHERE op = 'd';
""",
    )


def _v7_identity(conn: sqlite3.Connection) -> None:
    """This installation's device id, the office id, the first epoch; one-per-key rows rekeyed."""
    from app.models import rows
    from app.models.sync.tables import NATURAL_KEYS, natural_id

    device = rows.device_id(conn)
    if conn.execute("SELECT 1 FROM settings WHERE key = 'office_id'").fetchone() is None:
        conn.execute("INSERT INTO settings(key, value) VALUES ('office_id', ?)", (rows.new_id(),))
    conn.execute(
        "INSERT OR IGNORE INTO sync_epochs(device, first_seq, seen) VALUES (?, 1, '{}')",
        (device,),
    )
    for table, key in NATURAL_KEYS.items():
        cols = ", ".join(key)
        found = conn.execute(
            f"SELECT id, {cols} FROM {table} WHERE {' AND '.join(f'{c} IS NOT NULL' for c in key)}"
        ).fetchall()
        for row in found:
            conn.execute(
                f"UPDATE {table} SET id = ? WHERE id = ?",
                (natural_id(table, *row[1:]), row[0]),
            )


def _v8(conn: sqlite3.Connection) -> None:
    """Issue 13 (data safety and accountability): accounts, privacy, backups.

    Accounts (docs/accounts.md). ``users`` travels: its name, role, active flag and the
    password hash go to field laptops with the change log, so that a laptop's mediator logs in
    offline and a 主任's reset or deactivation reaches the laptop with the next sync file.
    Failed attempts, the slowdown and the login record stay on this installation
    (``login_throttle`` and ``login_events`` are not in SYNCED_TABLES).
    """
    run_script(
        conn,
        """
-- Roles: 'director' (主任), 'mediator' (调解员), 'viewer' (统计/只读). The old 'admin' was a
-- 主任 in all but name (it could reopen archived cases): it becomes one.
UPDATE users SET role = 'director' WHERE role = 'admin';
-- argon2id hash (PHC string); '' = no password yet: such a user cannot log in until a 主任
-- sets one (an office from before v8: the first start asks its 主任 to set one).
ALTER TABLE users ADD COLUMN password_hash TEXT NOT NULL DEFAULT '';
-- Set by a 主任's reset: the user chooses a new password at the next login.
ALTER TABLE users ADD COLUMN must_change_password INTEGER NOT NULL DEFAULT 0;
-- The 调解员 record a mediator user is: "their cases" are the cases it is assigned to.
ALTER TABLE users ADD COLUMN mediator_id TEXT REFERENCES mediators(id);

-- Failed logins per user on this installation (local): after 3 failures in a row each
-- further attempt waits, doubling (5 s, 10 s, ... at most 15 min); a good login clears it.
CREATE TABLE login_throttle (
    user_id    TEXT PRIMARY KEY,
    failures   INTEGER NOT NULL DEFAULT 0,
    last_at    TEXT,                 -- UTC moment of the last failure
    wait_until TEXT                  -- UTC moment before which no attempt is checked
) WITHOUT ROWID;

-- Who logged in, failed, locked and unlocked on this installation (local, append-only).
CREATE TABLE login_events (
    id      INTEGER PRIMARY KEY,
    at      TEXT NOT NULL,
    user_id TEXT NOT NULL,
    event   TEXT NOT NULL CHECK (event IN ('login','failed','refused','lock','unlock','logout'))
);
CREATE INDEX login_events_user ON login_events(user_id, at);
CREATE TRIGGER login_events_no_update BEFORE UPDATE ON login_events
BEGIN SELECT RAISE(ABORT, 'login_events is append-only'); END;
""",
    )
    _v8_privacy(conn)
    # Last: the change-log triggers of every synced table whose columns changed above.
    from app.models.sync import triggers

    triggers.install(conn)


def _v8_privacy(conn: sqlite3.Connection) -> None:
    """Personal data (docs/privacy.md): the raw cells of imported 台账 rows move out of the
    append-only case events into ``import_rows`` (local: never sent, a 主任 corrects or clears
    them); who showed, exported, corrected or erased ID numbers goes to ``privacy_events``
    (append-only, travels); the events and conflict records written before keep ID numbers
    and phones masked (privacy.mask_stored_events: the one sanctioned rewrite of them)."""
    run_script(
        conn,
        """
-- The raw cells of an imported 台账 row, as the sheet had them (ID numbers and phones
-- included), for checking the import against its sheet. Local to this installation (the
-- office that imported it): not in SYNCED_TABLES, emptied in a field laptop's copy. The
-- import's case event (which travels) names the file, sheet and row and refers to this row
-- by its own id; a 主任 corrects a cell or clears the row (privacy_events records it).
CREATE TABLE import_rows (
    id         TEXT PRIMARY KEY,               -- the case event 'import' of the case
    case_id    TEXT NOT NULL,
    cells      TEXT NOT NULL DEFAULT '{}',     -- JSON {column: text}, every non-empty cell
    warnings   TEXT NOT NULL DEFAULT '[]',     -- JSON list: what the import said of the row
    changed_at TEXT,                           -- the last correction or clearing (UTC)
    changed_by TEXT,
    cleared    INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX import_rows_case ON import_rows(case_id);

-- Who showed an ID number in full, exported with full ID numbers, corrected or erased one,
-- corrected or cleared an import's raw cells (privacy.ACCESS_ACTIONS). Never the number
-- itself. Append-only; travels, so that a field laptop's record reaches the office.
CREATE TABLE privacy_events (
    id       TEXT PRIMARY KEY,
    at       TEXT NOT NULL,
    by       TEXT NOT NULL,
    action   TEXT NOT NULL,
    case_id  TEXT,
    party_id TEXT,
    data     TEXT NOT NULL DEFAULT '{}',
    origin   TEXT NOT NULL
);
CREATE INDEX privacy_events_at ON privacy_events(at);
CREATE TRIGGER privacy_events_no_update BEFORE UPDATE ON privacy_events
BEGIN SELECT RAISE(ABORT, 'privacy_events is append-only'); END;
CREATE TRIGGER privacy_events_no_delete BEFORE DELETE ON privacy_events
BEGIN SELECT RAISE(ABORT, 'privacy_events is append-only'); END;

-- The audit window lists the change log by moment and by person.
CREATE INDEX sync_log_at ON sync_log(at);
CREATE INDEX case_events_at ON case_events(at);
""",
    )
    from app.models import privacy

    privacy.mask_stored_events(conn)


def _v9(conn: sqlite3.Connection) -> None:
    """Issue 15 (a year's statistics at once): the per-month summary of the statistics
    (app/models/stats/summary.py, docs/statistics.md "The per-month summary"): per month,
    breakdown and key the counts a year adds up from twelve months, kept by triggers and
    filled here from the cases; and a partial index that finds the cases closed late
    without reading every closing after a past as-of day (the overdue stock)."""
    run_script(
        conn,
        """
CREATE INDEX cases_closed_late ON cases(closed_on, due_on) WHERE closed_on > due_on;
""",
    )
    from app.models.stats import summary

    summary.install(conn)


MIGRATIONS: list[Migration] = [_v1, _v2, _v3, _v4, _v5, _v6, _v7, _v8, _v9]
LATEST = len(MIGRATIONS)
