"""Finding cases: by number, party name, pinyin, phone, ID number (or its tail), village, facts.

Why not FTS5's trigram tokenizer: it cannot answer one- or two-character queries ("张",
"张三", "zs") without a full scan. Instead each case has one FTS5 row (rowid = cases.seq)
whose text is made of tokens:

- every CJK (or other non-ASCII) character is a token of its own, so any run of
  characters is found as an FTS5 *phrase*: "张三" → ``"张 三"``; this works for one
  character as well as for a whole fact sentence, and for CJK Extension B characters;
- ASCII words stay whole: full pinyin ``zhangsan``, initials ``zs``, phone and ID
  numbers; the last token of a query is a prefix (``zhang`` finds zhangsan);
- a name's pinyin is stored for every reading of its surname, because pypinyin reads
  a name like any word (单 dān, 覃 tán, 区 qū, 仇 chóu …) while the surname is read
  shàn, qín, ōu, qiú: 单晓明 gives ``danxiaoming dxm danxm`` and the same for ``shan`` and
  ``chan`` (full, initials, full surname + initials of the given name);
- phone and ID numbers are also stored reversed behind an ``r`` (``r4321…``) so that
  "the last digits" is a prefix query too.

Results come in rowid order, newest first, so a LIMIT stops early even for a query that
matches tens of thousands of cases.

When the tokens change, INDEX_VERSION goes up and an existing file's rows are rebuilt
(``rebuild_index``; ``settings.search_index_version`` says which tokens a file has).
"""

from __future__ import annotations

import functools
import logging
import re
import sqlite3
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, cast

if TYPE_CHECKING:
    from app.models.db import Database

log = logging.getLogger(__name__)

# Which tokens case_body writes. 1: one pinyin per name; 2: every reading of the surname,
# full surname + initials, readings for Extension B characters pypinyin lacks.
INDEX_VERSION = 2
INDEX_VERSION_KEY = "search_index_version"

# Compound surnames read otherwise than their characters' first readings (万俟 mò qí,
# not wàn sì): their reading is added to what pypinyin says.
COMPOUND_SURNAMES: dict[str, tuple[str, str]] = {
    "万俟": ("mo", "qi"),
    "尉迟": ("yu", "chi"),
    "单于": ("chan", "yu"),
    "澹台": ("tan", "tai"),
    "长孙": ("zhang", "sun"),
    "令狐": ("ling", "hu"),
    "鲜于": ("xian", "yu"),
    "亓官": ("qi", "guan"),
}

# Name characters pypinyin 0.55 has no reading for (CJK Extension B). 𠮷 is 吉 with 土 on
# top, met in names. Characters in neither list are left out of the pinyin.
EXTRA_READINGS: dict[str, str] = {
    "𠮷": "ji",
}

_ASCII_WORD = re.compile(r"[0-9A-Za-z]+")
_SEPARATORS = re.compile(r"[\s\-_/\\·.,，。、；;：:（）()《》<>“”\"'‘’【】\[\]{}!?！？#*+^]+")


def tokens(text: str) -> list[str]:
    """Split text into search tokens: single non-ASCII characters and whole ASCII words."""
    out: list[str] = []
    word: list[str] = []
    for ch in text:
        if ch.isascii():
            if ch.isalnum():
                word.append(ch.lower())
                continue
            if word:
                out.append("".join(word))
                word = []
        else:
            if word:
                out.append("".join(word))
                word = []
            if ch.isalnum():  # drops full-width punctuation; keeps CJK incl. Ext B
                out.append(ch)
    if word:
        out.append("".join(word))
    return out


def _is_syllable(text: str) -> bool:
    return text.isascii() and text.isalpha()


def _each_character(chars: str) -> list[str]:
    return list(chars)


# What pypinyin cannot read comes back one character per item (pypinyin takes a list from
# its ``errors`` callback, though its stub says str), so the result lines up with the name.
_KEEP_EACH = cast("Callable[[str], str]", _each_character)


def _said_alone_each(name: str) -> list[str] | None:
    """What lazy_pinyin says for ``name`` when no part of it is a word of pypinyin's phrase
    dictionary: then it reads the characters one by one, so each character's reading can
    come from a cache (a 10,000-row 台账 import indexes some 15,000 different names; read
    whole, they cost seconds). None: a name with a dictionary word, or not all Chinese
    characters (read whole)."""
    from pypinyin.constants import PHRASES_DICT, RE_HANS

    n = len(name)
    if not RE_HANS.match(name):
        return None
    for i in range(n):
        for j in range(i + 1, n + 1):
            if name[i:j] in PHRASES_DICT:
                return None
    return [_said_alone(ch) for ch in name]


@functools.lru_cache(maxsize=16384)
def _said_alone(ch: str) -> str:
    from pypinyin import Style, lazy_pinyin

    return (lazy_pinyin(ch, style=Style.NORMAL, errors=_KEEP_EACH, v_to_u=False) or [ch])[0]


def _readings_in_context(name: str) -> list[str | None]:
    """Each character's reading as pypinyin reads the whole name (its phrase dictionary
    knows 重庆 chóng, 长江 cháng), or from EXTRA_READINGS; None: no reading (ASCII, marks,
    characters nobody knows)."""
    # Imported here: pypinyin's dictionaries cost ~170 ms, which start-up need not pay.
    from pypinyin import Style, lazy_pinyin

    said = _said_alone_each(name)
    if said is None:
        said = lazy_pinyin(name, style=Style.NORMAL, errors=_KEEP_EACH, v_to_u=False)
    if len(said) != len(name):  # not expected; read character by character instead
        said = [(lazy_pinyin(ch, style=Style.NORMAL, errors=_KEEP_EACH) or [ch])[0] for ch in name]
    out: list[str | None] = []
    for ch, reading in zip(name, said, strict=True):
        if ch.isascii():
            out.append(None)  # ASCII stays a word of its own (tokens())
        elif _is_syllable(reading):
            out.append(reading.lower())
        else:
            out.append(EXTRA_READINGS.get(ch))
    return out


@functools.lru_cache(maxsize=4096)  # surnames repeat: a few hundred cover nearly everyone
def _all_readings(ch: str) -> tuple[str, ...]:
    from pypinyin import Style, pinyin

    return tuple(
        r.lower()
        for r in pinyin(ch, style=Style.NORMAL, heteronym=True, errors=_KEEP_EACH, v_to_u=False)[0]
        if _is_syllable(r)
    )


def name_pinyin(name: str) -> tuple[str, str]:
    """("zhangsan", "zs") for 张三, as pypinyin reads the name; characters without a
    reading are left out. (Search also stores the surname's other readings:
    name_pinyin_tokens.)"""
    syllables = [r for r in _readings_in_context(name) if r]
    return "".join(syllables), "".join(s[0] for s in syllables)


def name_pinyin_tokens(name: str) -> list[str]:
    """The pinyin words stored for a name: for each reading of its surname, the full
    pinyin, the initials and, for a given name of two or more characters, the surname in
    full with the given name's initials. 单晓明: danxiaoming dxm danxm chanxiaoming cxm
    chanxm shanxiaoming sxm shanxm."""
    return list(_name_pinyin_tokens(name))


@functools.lru_cache(maxsize=8192)  # a party's name comes back with each of their cases
def _name_pinyin_tokens(name: str) -> tuple[str, ...]:
    readings = _readings_in_context(name)
    compound = COMPOUND_SURNAMES.get(name[:2])
    surnames: list[list[str]] = []
    if compound is not None:
        rest = readings[2:]
        in_context = readings[:2]
        if all(in_context):
            surnames.append([r for r in in_context if r])
        surnames.append(list(compound))
    elif readings and readings[0]:
        rest = readings[1:]
        first = [readings[0], *_all_readings(name[0])]
        surnames.extend([r] for r in dict.fromkeys(first))
    else:  # no surname reading (it starts with ASCII or an unknown character)
        rest = readings
        surnames.append([])
    given = [r for r in rest if r]
    given_full = "".join(given)
    given_initials = "".join(r[0] for r in given)
    out: list[str] = []
    for surname in surnames:
        full = "".join(surname)
        initials = "".join(r[0] for r in surname)
        out.extend((full + given_full, initials + given_initials))
        if len(given) >= 2:
            out.append(full + given_initials)
    return tuple(t for t in dict.fromkeys(out) if t)


def _digits(text: str) -> str:
    return "".join(ch for ch in text.upper() if ch.isalnum() and ch.isascii())


def case_body(
    *,
    number: str | None,
    names: Iterable[str],
    phones: Iterable[str],
    id_numbers: Iterable[str],
    village: str,
    texts: Iterable[str],
) -> str:
    """The token text stored for one case (see module docstring)."""
    parts: list[str] = []
    if number:
        parts.extend(tokens(number))
    for name in names:
        if not name:
            continue
        parts.extend(tokens(name))
        parts.extend(name_pinyin_tokens(name))
    for value in (*phones, *id_numbers):
        digits = _digits(value).lower()
        if digits:
            parts.extend((digits, "r" + digits[::-1]))
    parts.extend(tokens(village))
    for text in texts:
        parts.extend(tokens(text))
    return " ".join(parts)


_CASES_SQL = (
    "SELECT c.id, c.seq, c.number, c.title, c.facts, c.requests, "
    "coalesce(p.name, '') AS village "
    "FROM cases c LEFT JOIN places p ON p.id = c.village_id WHERE c.id IN ({})"
)
_PARTIES_SQL = (
    "SELECT cp.case_id, p.name, p.phone, p.id_number, p.org_code, cp.agent_name, "
    "cp.agent_phone FROM case_parties cp JOIN parties p ON p.id = cp.party_id "
    "WHERE cp.case_id IN ({}) ORDER BY cp.case_id, cp.position, cp.rowid"
)


def _search_rows(conn: sqlite3.Connection, case_ids: list[str]) -> list[tuple[int, str]]:
    """(cases.seq, body) for each of ``case_ids`` that exists, from what is stored now."""
    marks = ",".join("?" * len(case_ids))
    parties: dict[str, list[sqlite3.Row]] = {}
    for row in conn.execute(_PARTIES_SQL.format(marks), case_ids):
        parties.setdefault(row["case_id"], []).append(row)
    out: list[tuple[int, str]] = []
    for case in conn.execute(_CASES_SQL.format(marks), case_ids):
        party_rows = parties.get(case["id"], [])
        body = case_body(
            number=case["number"],
            names=[n for r in party_rows for n in (r["name"], r["agent_name"])],
            phones=[ph for r in party_rows for ph in (r["phone"], r["agent_phone"])],
            id_numbers=[i for r in party_rows for i in (r["id_number"], r["org_code"])],
            village=case["village"],
            texts=(case["title"], case["facts"], case["requests"]),
        )
        out.append((int(case["seq"]), body))
    return out


def _write_rows(conn: sqlite3.Connection, rows: list[tuple[int, str]]) -> None:
    conn.executemany("DELETE FROM case_search WHERE rowid = ?", [(seq,) for seq, _ in rows])
    conn.executemany("INSERT INTO case_search(rowid, body) VALUES (?, ?)", rows)


def reindex_case(conn: sqlite3.Connection, case_id: str) -> None:
    """Rebuild one case's search row from the database (call inside the writing transaction)."""
    _write_rows(conn, _search_rows(conn, [case_id]))


def index_version(conn: sqlite3.Connection) -> int:
    """Which tokens the file's search rows have (1: from before the setting existed)."""
    row = conn.execute("SELECT value FROM settings WHERE key = ?", (INDEX_VERSION_KEY,)).fetchone()
    try:
        return int(row[0]) if row is not None else 1
    except ValueError:
        return 1


def set_index_version(conn: sqlite3.Connection, version: int = INDEX_VERSION) -> None:
    conn.execute(
        "INSERT INTO settings(key, value) VALUES (?, ?) "
        "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        (INDEX_VERSION_KEY, str(version)),
    )


def index_is_current(db: Database) -> bool:
    return index_version(db.conn) >= INDEX_VERSION


def bring_index_up_to_date(db: Database) -> None:
    """At open (db.connect): one read of a setting, normally. A file without cases is
    marked current (new files); a file indexed by an older version is rebuilt once, here
    (about 0.25 ms a case: 20,000 cases in 5 s). A file that cannot be written now
    (read-only, locked by another program) keeps its old rows, which still find everything
    they found before; the rebuild is tried again next time."""
    from app.models.db import StorageError

    if index_is_current(db):
        return
    try:
        if db.scalar("SELECT NOT EXISTS (SELECT 1 FROM cases)"):
            with db.transaction() as conn:
                set_index_version(conn)
            return
        rebuild_index(db)
    except StorageError as exc:
        log.warning("search index left at version %d: %s", index_version(db.conn), exc.message)


REBUILD_BATCH = 500


def rebuild_index(
    db: Database,
    *,
    batch: int = REBUILD_BATCH,
    progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> bool:
    """Write every case's search row again with the current tokens, newest cases first,
    then record INDEX_VERSION. One transaction per ``batch`` cases, so a save made
    meanwhile waits for one batch at most, and an interrupted rebuild keeps what it did
    (it starts over next time; rows are whole either way).

    Returns False when ``cancelled()`` said stop (the version is then not recorded).
    """
    ids = db.column("SELECT id FROM cases ORDER BY seq DESC")
    log.info("rebuilding the search index of %d cases (version %d)", len(ids), INDEX_VERSION)
    for start in range(0, len(ids), batch):
        if cancelled is not None and cancelled():
            return False
        with db.transaction() as conn:
            _write_rows(conn, _search_rows(conn, ids[start : start + batch]))
        if progress is not None:
            progress(min(start + batch, len(ids)), len(ids))
    with db.transaction() as conn:
        set_index_version(conn)
    return True


def _quote(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def match_expression(query: str) -> str | None:
    """The FTS5 MATCH expression for what the user typed, or None if nothing searchable.

    Words separated by spaces must all match (AND); within a word, characters must be
    adjacent (phrase); the last token of each word may be a prefix.
    """
    words = [w for w in _SEPARATORS.split(query.strip()) if w]
    clauses: list[str] = []
    for word in words:
        toks = tokens(word)
        if not toks:
            continue
        phrase = _quote(" ".join(toks)) + " *"
        if len(toks) == 1 and toks[0].isdigit() and len(toks[0]) >= 3:
            # digits may be the tail of a phone or ID number
            tail = _quote("r" + toks[0][::-1]) + " *"
            clauses.append(f"({phrase} OR {tail})")
        elif len(toks) == 1 and toks[0].isascii() and toks[0][-1:] == "x" and len(toks[0]) >= 4:
            # an ID tail ending in X: "002x"
            tail = _quote("r" + toks[0][::-1]) + " *"
            clauses.append(f"({phrase} OR {tail})")
        else:
            clauses.append(phrase)
    return " AND ".join(clauses) if clauses else None


def search_case_seqs(conn: sqlite3.Connection, query: str, *, limit: int = 200) -> list[int]:
    """cases.seq of the best matches, newest first."""
    expr = match_expression(query)
    if expr is None:
        return []
    rows = conn.execute(
        "SELECT rowid FROM case_search WHERE case_search MATCH ? ORDER BY rowid DESC LIMIT ?",
        (expr, limit),
    ).fetchall()
    return [int(r[0]) for r in rows]


def naive_like_scan(conn: sqlite3.Connection, query: str, *, limit: int = 200) -> list[int]:
    """The obvious way (reference for the benchmark): LIKE over every text column."""
    like = f"%{query}%"
    rows = conn.execute(
        """SELECT DISTINCT c.seq FROM cases c
           LEFT JOIN case_parties cp ON cp.case_id = c.id
           LEFT JOIN parties p ON p.id = cp.party_id
           WHERE c.number LIKE ?1 OR p.name LIKE ?1 OR p.phone LIKE ?1 OR p.id_number LIKE ?1
              OR c.facts LIKE ?1
           ORDER BY c.seq DESC LIMIT ?2""",
        (like, limit),
    ).fetchall()
    return [int(r[0]) for r in rows]
