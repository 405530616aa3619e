"""The per-month summary of the statistics (schema v9): a year read as twelve months.

docs/statistics.md ("The per-month summary") says why and how. The tables:

- ``stats_case_rows``: what each counted case (every case but the voided) counts, one
  row per month of its dates (the date groups of ``definitions.MONTH_DATE``, ``grp`` '')
  and per month of its judicial-confirmation applications and of its referrals
  (``PER_ROW``, ``grp`` the group): the bits (``definitions.BIT``) it counts then, the
  amount, the value a period of several months combines (``COMBINE``), and the case's
  breakdown keys: its category, source, village, committee and current mediators (a JSON
  list), '' for none, as the live count groups it.
- ``stats_months``: per month, breakdown (``dim``) and key, the count of each summed
  indicator (``COLUMNS``) and the amount: the sum over the stored rows, each under every
  key it names.
- ``stats_dirty``: the cases changed since the summary was last brought up to date.

Triggers on the five tables a case's figures read (cases, agreements, assignments,
judicial_confirmations, referrals) note in ``stats_dirty`` every case a statement changes,
whoever writes. ``flush`` (Database.transaction runs it before every commit) reads what
those cases count now, changes the summary by the difference from what their stored rows
say, and stores the new ones: whatever was stored, the result is the same, so the
order and the number of writes never matter. The statistics read the summary only while
``stats_dirty`` is empty (``is_ready``) and count live otherwise: a writer that commits
some other way leaves the summary unused, never wrong. ``check`` compares the summary with
the tables; ``rebuild`` makes it anew (after a bulk rewrite with the triggers dropped: a
field laptop's copy cut to its villages).

queries.py reads the summary for a period of whole months without filters; the overdue
stock (超期未结, on the as-of day) is always counted live there.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Final

from app.models.stats.definitions import (
    AMOUNT_OVER,
    AMOUNT_SQL,
    BIT,
    BITS,
    COUNT_INDICATORS,
    DEFINITIONS,
    MONTH_DATE,
    WHEN,
    group_bits_sql,
)


@dataclass(frozen=True)
class PerRow:
    """A group counted per row of a table, each row in the month of its date."""

    table: str  # the rows: judicial_confirmations, referrals
    date: str  # the column that dates a row
    source: str  # the rows under the alias the definitions use (with the value's column)
    value: str  # the definitions' name of the value a period combines (jc.result)
    stands_for: str  # picks the one row that stands for its case's month

    @property
    def alias(self) -> str:
        return self.value.split(".")[0]


# The month's row: the latest application of the month (the period's latest decides the
# result, queries._WITH), and an answered referral if the month has one (the period's is
# answered if any of its referrals is).
PER_ROW: Final[dict[str, PerRow]] = {
    "confirmation": PerRow(
        "judicial_confirmations",
        "applied_on",
        "judicial_confirmations jc",
        "jc.result",
        "NOT EXISTS (SELECT 1 FROM judicial_confirmations j2 WHERE j2.case_id = jc.case_id "
        "AND substr(j2.applied_on, 1, 7) = substr(jc.applied_on, 1, 7) "
        "AND (j2.applied_on > jc.applied_on OR j2.applied_on = jc.applied_on AND j2.id > jc.id))",
    ),
    "referral": PerRow(
        "referrals",
        "referred_on",
        "(SELECT r.case_id, r.id, r.referred_on, r.feedback_on IS NOT NULL AS answered "
        "FROM referrals r) rf",
        "rf.answered",
        "NOT EXISTS (SELECT 1 FROM referrals r2 WHERE r2.case_id = rf.case_id "
        "AND substr(r2.referred_on, 1, 7) = substr(rf.referred_on, 1, 7) "
        "AND ((r2.feedback_on IS NOT NULL) > rf.answered "
        "OR (r2.feedback_on IS NOT NULL) = rf.answered AND r2.id > rf.id))",
    ),
}
# How a period of several months combines one case's months: the latest application in
# the period decides its result; a referral is answered if any of the period's is.
COMBINE: Final[dict[str, str]] = {"confirmation": "latest", "referral": "max"}
# Never summed by month: a stock on the period's as-of day.
LIVE: Final[tuple[str, ...]] = ("overdue_open",)

if set(WHEN) != set(MONTH_DATE) | set(PER_ROW) | set(LIVE):  # pragma: no cover - a new group
    raise RuntimeError("every WHEN group is summed by month, per row, or counted live")

LIVE_BITS: Final = sum(BIT[n] for n, d in DEFINITIONS.items() if d.when in LIVE)
# The indicators the summary counts (every one with a bit outside the live groups) and
# the bits each counts there.
COLUMNS: Final[tuple[str, ...]] = tuple(n for n in COUNT_INDICATORS if BITS[n] & ~LIVE_BITS)
SUMMED_BITS: Final[dict[str, int]] = {n: BITS[n] & ~LIVE_BITS for n in COLUMNS}
GROUP_BITS: Final[dict[str, int]] = {
    g: sum(BIT[n] for n, d in DEFINITIONS.items() if d.when == g) for g in WHEN
}
# A sum of months counts a case once per month; right when each indicator's summed bits
# lie in one group (several_months corrects the per-row groups one by one).
if any(  # pragma: no cover - a new union across groups
    sum(1 for g in GROUP_BITS.values() if bits & g) != 1 for bits in SUMMED_BITS.values()
):
    raise RuntimeError("an indicator summed by month unions two date groups")

KEYS: Final[dict[str, str]] = {  # breakdown -> the case's key ('' for none)
    "category": "coalesce(c.category, '')",
    "source": "coalesce(c.source, '')",
    "village": "coalesce(c.village_id, '')",
    "committee": "coalesce(c.committee_id, '')",
}
MEDIATOR = "mediator"  # a case's current mediators, as the register shows them

# The columns of each table that a case's figures read, watched by the triggers
# (tests/models/test_stats_summary.py checks that the SQL reads no others), and the
# column naming the case.
WATCHED: Final[dict[str, tuple[str, ...]]] = {
    "cases": (
        "state",
        "registered_on",
        "accepted_on",
        "declined_on",
        "closed_on",
        "due_on",
        "outcome",
        "performance",
        "amount_fen",
        "prevented_criminal",
        "prevented_petition",
        "source",
        "category",
        "village_id",
        "committee_id",
    ),
    "agreements": ("amount_fen",),
    "assignments": ("mediator_id", "ended_on"),
    "judicial_confirmations": ("applied_on", "result"),
    "referrals": ("referred_on", "feedback_on"),
}
CASE_KEY: Final[dict[str, str]] = {t: "id" if t == "cases" else "case_id" for t in WATCHED}
DIRTY: Final = "{id} IN (SELECT case_id FROM stats_dirty)"  # the cases to flush

# ---------------------------------------------------------------------------------------
# The tables


def tables_sql() -> dict[str, str]:
    """name -> CREATE statement of the summary's tables and indexes."""
    keys = "".join(f"\n    {k} TEXT NOT NULL," for k in KEYS)
    counts = "".join(f"\n    {n} INTEGER NOT NULL DEFAULT 0," for n in COLUMNS)
    return {
        "stats_case_rows": f"""CREATE TABLE stats_case_rows (
    case_id    TEXT NOT NULL,
    month      TEXT NOT NULL,     -- YYYY-MM
    grp        TEXT NOT NULL,     -- '': the case's dates; else a PER_ROW group
    bits       INTEGER NOT NULL,  -- definitions.BIT of what the case counts then
    amount_fen INTEGER NOT NULL,
    value,                        -- a PER_ROW group's value of the month
    several    INTEGER NOT NULL,  -- 1: the case has that group in more than one month{keys}
    mediators  TEXT NOT NULL,     -- JSON list of the current mediators' ids ([""]: none)
    PRIMARY KEY (case_id, month, grp)
) WITHOUT ROWID""",
        # the cases a sum of months may count more than once (several_months)
        "stats_case_rows_several": (
            "CREATE INDEX stats_case_rows_several ON stats_case_rows(month) WHERE several"
        ),
        "stats_months": f"""CREATE TABLE stats_months (
    month TEXT NOT NULL,
    dim   TEXT NOT NULL,  -- category | source | village | committee | mediator
    key   TEXT NOT NULL,  -- '' for none
    {counts.strip()}
    amount_fen INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (month, dim, key)
) WITHOUT ROWID""",
        "stats_dirty": "CREATE TABLE stats_dirty (case_id TEXT PRIMARY KEY) WITHOUT ROWID",
    }


def triggers_sql() -> dict[str, str]:
    """name -> CREATE TRIGGER of every trigger that notes a changed case."""
    out: dict[str, str] = {}
    note = "INSERT OR IGNORE INTO stats_dirty(case_id)"
    for table, watched in WATCHED.items():
        key = CASE_KEY[table]
        changed = " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in (key, *watched))
        out[f"stats_{table}_insert"] = (
            f"CREATE TRIGGER stats_{table}_insert AFTER INSERT ON {table} "
            f"BEGIN {note} VALUES (NEW.{key}); END"
        )
        out[f"stats_{table}_update"] = (
            f"CREATE TRIGGER stats_{table}_update AFTER UPDATE ON {table} WHEN {changed} "
            f"BEGIN {note} SELECT OLD.{key} UNION SELECT NEW.{key}; END"
        )
        out[f"stats_{table}_delete"] = (
            f"CREATE TRIGGER stats_{table}_delete AFTER DELETE ON {table} "
            f"BEGIN {note} VALUES (OLD.{key}); END"
        )
    return out


# ---------------------------------------------------------------------------------------
# What the cases count now, from the tables


def live_rows_sql(cases: str = "1") -> str:
    """``stats_case_rows`` as the tables say, for the counted cases that ``cases`` (an SQL
    condition on ``{id}``, a case id) selects."""
    chosen = f"c.state <> 'voided' AND {cases.format(id='c.id')}"
    keys = "".join(f", {k}" for k in KEYS.values())
    mediators = (  # as the register lists them: each current assignment
        "coalesce(nullif((SELECT json_group_array(mediator_id) FROM (SELECT a.mediator_id "
        "FROM assignments a WHERE a.case_id = c.id AND a.ended_on IS NULL "
        "ORDER BY a.mediator_id, a.id)), '[]'), '[\"\"]')"
    )
    per_row = (
        f"SELECT c.id, substr({p.alias}.{p.date}, 1, 7), '{group}', {group_bits_sql(group)}, "
        f"0, {p.value}, (SELECT count(DISTINCT substr(o.{p.date}, 1, 7)) FROM {p.table} o "
        f"WHERE o.case_id = c.id) > 1{keys}, {mediators} FROM {p.source} "
        f"JOIN cases c ON c.id = {p.alias}.case_id WHERE {chosen} AND {p.stands_for}"
        for group, p in PER_ROW.items()
    )
    return " UNION ALL ".join((_dates_sql(chosen, mediators), *per_row))


def _dates_sql(chosen: str, mediators: str) -> str:
    """The rows of the date groups: one per month in which a date of the case falls, with
    the bits of every group dated in it. Each case is read and evaluated once
    (MATERIALIZED), then taken with each group (no sorting)."""
    groups = list(MONTH_DATE)
    n = len(groups)
    amount_group = groups.index(DEFINITIONS[AMOUNT_OVER].when)
    also = DEFINITIONS[AMOUNT_OVER].also or "1"
    case = ", ".join(
        [
            "c.id AS case_id",
            *(f"substr({MONTH_DATE[g]}, 1, 7) AS m{i}" for i, g in enumerate(groups)),
            *(f"{group_bits_sql(g)} AS b{i}" for i, g in enumerate(groups)),
            f"CASE WHEN {also} THEN {AMOUNT_SQL} ELSE 0 END AS a",
            *(f"{k} AS k{i}" for i, k in enumerate(KEYS.values())),
            f"{mediators} AS mediators",
        ]
    )

    def each(of: list[str]) -> str:
        return "CASE g.i " + " ".join(f"WHEN {i} THEN {x}" for i, x in enumerate(of)) + " END"

    # group i stands for its month when no earlier group is dated in the same month
    first = [
        " AND ".join([f"x.m{i} IS NOT NULL", *(f"x.m{i} IS NOT x.m{j}" for j in range(i))])
        for i in range(n)
    ]
    bits = [" + ".join(f"(x.m{j} IS x.m{i}) * x.b{j}" for j in range(i, n)) for i in range(n)]
    amounts = [f"(x.m{amount_group} IS x.m{i}) * x.a" for i in range(n)]
    numbers = " UNION ALL ".join(f"SELECT {i} AS i" for i in range(n))
    keys = "".join(f", x.k{i}" for i in range(len(KEYS)))
    return (
        f"WITH x AS MATERIALIZED (SELECT {case} "
        f"FROM cases c LEFT JOIN agreements ag ON ag.case_id = c.id WHERE {chosen}) "
        f"SELECT x.case_id, {each([f'x.m{i}' for i in range(n)])}, '', {each(bits)}, "
        f"{each(amounts)}, NULL, 0{keys}, x.mediators "
        f"FROM x CROSS JOIN ({numbers}) g WHERE {each(first)}"
    )


# ---------------------------------------------------------------------------------------
# Summing


def _keyed(rows: str, sign: int = 1) -> str:
    """(month, dim, key, bits, amount_fen, sign): each of ``rows`` (of stats_case_rows'
    shape, alias r) under each key it names, to be added (1) or taken away (-1). (CROSS
    JOIN: the rows outside, each row's own conditions evaluated once.)"""
    dims = " UNION ALL ".join(f"SELECT '{d}' AS dim" for d in KEYS)
    key = "CASE d.dim " + " ".join(f"WHEN '{d}' THEN r.{d}" for d in KEYS) + " END"
    return (
        f"SELECT r.month, d.dim, {key} AS key, r.bits, r.amount_fen, {sign} AS sign "
        f"FROM {rows} CROSS JOIN ({dims}) d UNION ALL "
        f"SELECT r.month, '{MEDIATOR}', m.value, r.bits, r.amount_fen, {sign} "
        f"FROM {rows} CROSS JOIN json_each(r.mediators) m"
    )


def _counts_sql(rows: str) -> str:
    """Per month, breakdown and key, the counts (COLUMNS) and the amount ``rows`` (of
    :func:`_keyed`) add; the cases are counted per bit mask first, so that a bulk flush
    sums each mask once rather than each case."""
    sums = ", ".join(f"sum(cases * ((bits & {SUMMED_BITS[c]}) <> 0))" for c in COLUMNS)
    masks = (
        "SELECT month, dim, key, bits, sum(sign) AS cases, sum(sign * amount_fen) AS amount_fen "
        f"FROM ({rows}) WHERE 1 GROUP BY month, dim, key, bits"
    )
    return (
        f"SELECT month, dim, key, {sums}, sum(amount_fen) FROM ({masks}) "
        "WHERE 1 GROUP BY month, dim, key"
    )


_NAMES = ", ".join((*COLUMNS, "amount_fen"))
_ROW_COLUMNS = (
    "case_id",
    "month",
    "grp",
    "bits",
    "amount_fen",
    "value",
    "several",
    *KEYS,
    "mediators",
)
_SAME_ROW = " AND ".join(f"o.{c} IS r.{c}" for c in _ROW_COLUMNS)
_STORED = DIRTY.format(id="case_id")


def _difference_sql(*, grouped: bool) -> str:
    """Add to the summary what the flushed cases count now (temp.stats_new_rows) less what
    their stored rows counted: only the rows that changed, mostly one month of a case (受理
    adds the month of acceptance). ``grouped``: summed per bit mask and key first (many
    cases: the import, a merge); else each row added as it comes (a few cases: a sort per
    statement would cost more than the rows)."""
    added = (
        "(SELECT * FROM temp.stats_new_rows r WHERE NOT EXISTS "
        "(SELECT 1 FROM stats_case_rows o WHERE o.case_id = r.case_id AND o.month = r.month "
        f"AND o.grp = r.grp AND {_SAME_ROW})) r"
    )
    gone = (
        f"(SELECT * FROM stats_case_rows r WHERE r.{_STORED} AND NOT EXISTS "
        "(SELECT 1 FROM temp.stats_new_rows o WHERE o.case_id = r.case_id "
        f"AND o.month = r.month AND o.grp = r.grp AND {_SAME_ROW})) r"
    )
    rows = f"{_keyed(added)} UNION ALL {_keyed(gone, -1)}"
    if grouped:
        counts = _counts_sql(rows)
    else:
        each = ", ".join(f"sign * ((bits & {SUMMED_BITS[c]}) <> 0)" for c in COLUMNS)
        counts = f"SELECT month, dim, key, {each}, sign * amount_fen FROM ({rows}) WHERE 1"
    sets = ", ".join(f"{n} = {n} + excluded.{n}" for n in (*COLUMNS, "amount_fen"))
    return (
        f"INSERT INTO stats_months(month, dim, key, {_NAMES}) {counts} "
        f"ON CONFLICT (month, dim, key) DO UPDATE SET {sets}"
    )


# What the stored summary was made by: a file whose summary another version of the
# definitions made (or the tables' shape) is counted live until a schema step makes it
# anew (install; docs/statistics.md "Adding a figure"). A local setting: never sent.
VERSION_KEY: Final = "local.stats_summary"
VERSION: Final = hashlib.sha256(
    "\n".join((*tables_sql().values(), live_rows_sql(), _counts_sql("x"))).encode()
).hexdigest()[:16]

FEW: Final = 20  # cases a flush adds row by row; more are summed per mask first
FLUSH_SQL: Final[tuple[str, ...]] = (
    tables_sql()["stats_case_rows"].replace(
        "CREATE TABLE stats_case_rows", "CREATE TEMP TABLE IF NOT EXISTS stats_new_rows"
    ),
    f"INSERT INTO temp.stats_new_rows {live_rows_sql(DIRTY)}",
    _difference_sql(grouped=False),  # (FLUSH_MANY: grouped)
    f"DELETE FROM stats_case_rows WHERE {_STORED}",
    "INSERT INTO stats_case_rows SELECT * FROM temp.stats_new_rows",
    "DELETE FROM temp.stats_new_rows",
    "DELETE FROM stats_dirty",
)
FLUSH_MANY: Final = (*FLUSH_SQL[:2], _difference_sql(grouped=True), *FLUSH_SQL[3:])


# ---------------------------------------------------------------------------------------
# Making, keeping, checking


def objects_sql() -> dict[str, str]:
    """name -> CREATE statement of every table, index and trigger of the summary, in the
    order they are made."""
    return {**tables_sql(), **triggers_sql()}


def installed(conn: sqlite3.Connection) -> dict[str, str]:
    """name -> stored SQL of the summary's tables, indexes and triggers in the file."""
    found = conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE name LIKE ? ESCAPE '\\' AND sql IS NOT NULL",
        ("stats\\_%",),
    ).fetchall()
    return {str(name): str(sql) for name, sql in found}


def install(conn: sqlite3.Connection) -> None:
    """(Re)make the summary's tables and triggers from today's definitions and fill them,
    inside the caller's transaction: schema v9, and every later step that changes what a
    figure counts (docs/statistics.md, "Adding a figure")."""
    made = installed(conn)
    for kind in ("TRIGGER", "TABLE"):  # (a table's indexes go with it)
        for name, sql in made.items():
            if sql.startswith(f"CREATE {kind}"):
                conn.execute(f"DROP {kind} {name}")
    for statement in objects_sql().values():
        conn.execute(statement)
    rebuild(conn)
    conn.execute(
        "INSERT INTO settings(key, value) VALUES (?, ?) "
        "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        (VERSION_KEY, VERSION),
    )


def rebuild(conn: sqlite3.Connection) -> None:
    """Make the summary anew from the tables (inside the caller's transaction)."""
    for table in ("stats_months", "stats_case_rows", "stats_dirty"):
        conn.execute(f"DELETE FROM {table}")
    conn.execute(f"INSERT INTO stats_case_rows {live_rows_sql()}")
    everything = _keyed("stats_case_rows r")
    conn.execute(f"INSERT INTO stats_months(month, dim, key, {_NAMES}) {_counts_sql(everything)}")


def flush(conn: sqlite3.Connection) -> None:
    """Bring the summary up to date for every case noted since the last flush (inside the
    caller's transaction; Database.transaction runs it before each commit)."""
    noted = conn.execute(f"SELECT count(*) FROM (SELECT 1 FROM stats_dirty LIMIT {FEW + 1})")
    for statement in FLUSH_SQL if noted.fetchone()[0] <= FEW else FLUSH_MANY:
        conn.execute(statement)


def check(conn: sqlite3.Connection) -> list[str]:
    """What differs between the summary and the tables (empty: the summary is right): the
    stored rows that are not what the tables say, the months whose counts are not the sum
    of the stored rows, and cases noted but not flushed."""
    problems: list[str] = []

    def differ(a: str, b: str, what: str) -> None:
        sql = f"SELECT * FROM ({a}) EXCEPT SELECT * FROM ({b})"
        for row in conn.execute(sql).fetchall()[:20]:
            problems.append(f"{what}: {tuple(row)!r}")

    live = live_rows_sql()
    differ("SELECT * FROM stats_case_rows", live, "stats_case_rows, not in the tables")
    differ(live, "SELECT * FROM stats_case_rows", "stats_case_rows, missing")
    nonzero = " OR ".join(f"{n} <> 0" for n in (*COLUMNS, "amount_fen"))
    kept = f"SELECT month, dim, key, {_NAMES} FROM stats_months WHERE {nonzero}"
    summed = _counts_sql(_keyed("stats_case_rows r"))
    differ(kept, summed, "stats_months, not the sum of the rows")
    differ(summed, kept, "stats_months, missing")
    if conn.execute("SELECT 1 FROM stats_dirty LIMIT 1").fetchone() is not None:
        problems.append("stats_dirty: cases noted but not flushed")
    made = conn.execute("SELECT value FROM settings WHERE key = ?", (VERSION_KEY,)).fetchone()
    if made is None or made[0] != VERSION:
        problems.append(f"made by another version of the definitions: {made and made[0]}")
    return problems


def is_ready(conn: sqlite3.Connection) -> bool:
    """The file has the summary of today's definitions (VERSION) and it is up to date (no
    case noted since the last flush)."""
    made = conn.execute("SELECT value FROM settings WHERE key = ?", (VERSION_KEY,)).fetchone()
    if made is None or made[0] != VERSION:  # an older file, opened without migrating it
        return False
    return conn.execute("SELECT 1 FROM stats_dirty LIMIT 1").fetchone() is None


# ---------------------------------------------------------------------------------------
# Reading a period

# Per breakdown and key, the summed counts (COLUMNS) and amount of the months :first to
# :last ('YYYY-MM').
MONTHS_SQL: Final = (
    f"SELECT dim, key, {', '.join(f'sum({n})' for n in COLUMNS)}, sum(amount_fen) "
    "FROM stats_months WHERE month BETWEEN :first AND :last GROUP BY dim, key"
)


def _several_months_sql() -> str:
    """The cases with applications or referrals (one group) in two or more of the months
    :first to :last (the only ones a sum of months counts more than once; among the few
    with that group in several months at all): the group, its months' values and the
    case's keys (a case's rows all name the same)."""
    keys = ", ".join(f"r.{k}" for k in KEYS)
    return (
        f"SELECT r.grp, json_group_object(r.month, r.value), {keys}, r.mediators "
        "FROM stats_case_rows r WHERE r.several AND r.month BETWEEN :first AND :last "
        "GROUP BY r.grp, r.case_id HAVING count(*) > 1"
    )


def several_months(
    conn: sqlite3.Connection, first: str, last: str
) -> Iterator[tuple[list[tuple[str, str]], dict[str, int]]]:
    """What a sum of the months ``first`` to ``last`` ('YYYY-MM') counts too often: per
    case with applications or referrals in two or more of them, its breakdown keys
    ((dim, key) pairs) and what to add to each indicator (each month counts the case once;
    the period counts it once in all, by its COMBINE value)."""
    bits_of: dict[tuple[str, object], int] = {}

    def bits(group: str, value: object) -> int:
        found = bits_of.get((group, value))
        if found is None:
            alias, name = PER_ROW[group].value.split(".")
            sql = f"SELECT {group_bits_sql(group)} FROM (SELECT ? AS {name}) AS {alias}"
            found = bits_of[(group, value)] = int(conn.execute(sql, (value,)).fetchone()[0])
        return found

    found = conn.execute(_several_months_sql(), {"first": first, "last": last}).fetchall()
    for group, values_json, *keys in found:
        if True:
            values: dict[str, object] = json.loads(values_json)
            if COMBINE[group] == "latest":
                whole = bits(group, values[max(values)])
            else:
                whole = bits(group, max(int(str(v)) for v in values.values()))
            months = [bits(group, v) for v in values.values()]
            delta = {
                name: (1 if whole & summed else 0) - sum(1 for b in months if b & summed)
                for name, summed in SUMMED_BITS.items()
                if summed & GROUP_BITS[group]
            }
            named = [(d, str(k)) for d, k in zip(KEYS, keys[:-1], strict=True)]
            named += [(MEDIATOR, str(m)) for m in json.loads(keys[-1])]
            yield named, delta
