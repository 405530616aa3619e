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

When the tokens change, INDEX_VERSION goes up and an existing file's rows are rebuilt in
the background, in short batches, resumable (``rebuild_index``;
``settings.search_index_version`` says which tokens a file has).
"""

from __future__ import annotations

import enum
import functools
import logging
import re
import sqlite3
import time
from collections.abc import Callable, Container, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NamedTuple, cast

from app.models import office

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
    phrases, hans = _phrase_dictionary()
    n = len(name)
    if not hans.match(name):
        return None
    for i in range(n):
        for j in range(i + 1, n + 1):
            if name[i:j] in phrases:
                return None
    return [_said_alone(ch) for ch in name]


@functools.cache
def _phrase_dictionary() -> tuple[Container[str], re.Pattern[str]]:
    """pypinyin's phrase dictionary and its pattern of Chinese characters, imported on
    first use (an import statement in a function called per name costs, with PySide's
    import hook, more than the lookups)."""
    from pypinyin.constants import PHRASES_DICT, RE_HANS

    return PHRASES_DICT, RE_HANS


def load_pinyin() -> None:
    """Import pypinyin and its dictionaries now (~0.2-0.3 s of CPU) rather than in the
    middle of the first pinyin search, chooser keystroke or 台账 import: the program calls
    this in a background thread once its window shows (app/__main__.py)."""
    started = time.perf_counter()
    _phrase_dictionary()
    _said_alone("张")
    character_readings("张")
    log.info("pypinyin loaded in %.0f ms", (time.perf_counter() - started) * 1000)


@functools.lru_cache(maxsize=16384)
def _said_alone(ch: str) -> str:
    from pypinyin import Style, lazy_pinyin

    return (lazy_pinyin(ch, style=Style.NORMAL, errors=_KEEP_EACH, v_to_u=False) or [ch])[0]


def _readings_in_context(name: str) -> list[str | None]:
    """Each character's reading as pypinyin reads the whole name (its phrase dictionary
    knows 重庆 chóng, 长江 cháng), or from EXTRA_READINGS; None: no reading (ASCII, marks,
    characters nobody knows)."""
    said = _said_alone_each(name)
    if said is None or len(said) != len(name):
        # Imported here: pypinyin's dictionaries cost ~170 ms, which start-up need not pay.
        from pypinyin import Style, lazy_pinyin

        if said is None:
            said = lazy_pinyin(name, style=Style.NORMAL, errors=_KEEP_EACH, v_to_u=False)
        if len(said) != len(name):  # not expected; read character by character instead
            said = [
                (lazy_pinyin(ch, style=Style.NORMAL, errors=_KEEP_EACH) or [ch])[0] for ch in name
            ]
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
def character_readings(ch: str) -> tuple[str, ...]:
    """Every reading of one non-ASCII character in lowercase pinyin without tones (ü as
    v), each once: pypinyin's heteronyms, or EXTRA_READINGS for a character it lacks;
    none for a mark or a character nobody knows. pypinyin is imported on first use."""
    from pypinyin import Style, pinyin

    said = pinyin(ch, style=Style.NORMAL, heteronym=True, errors=_KEEP_EACH, v_to_u=False)
    found = [r.lower() for group in said for r in group if _is_syllable(r)]
    extra = EXTRA_READINGS.get(ch)
    if extra is not None:
        found.append(extra)
    return tuple(dict.fromkeys(found))


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
        first = [readings[0], *character_readings(name[0])]
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
        parts.extend(_name_pinyin_tokens(name))
    for value in (*phones, *id_numbers):
        digits = _digits(value).lower() if value else ""
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


class SearchParty(NamedTuple):
    """One party of a case as its search row takes it: the party's name and numbers and
    its agent in the case (the columns of _PARTIES_SQL after case_id, in their order)."""

    name: str
    phone: str
    id_number: str
    org_code: str
    agent_name: str
    agent_phone: str


def case_search_body(
    *,
    number: str | None,
    title: str,
    facts: str,
    requests: str,
    village: str,
    parties: Iterable[Sequence[str]],
) -> str:
    """The search row of a case from its stored values: ``parties`` in their order in
    the case, each a SearchParty (or a tuple of the same fields), ``village`` the name
    of its village ("" for none). What reindex_case writes, for a writer that has the
    values in hand and need not read them back (the ledger import)."""
    parties = list(parties)
    return case_body(
        number=number,
        names=[n for p in parties for n in (p[0], p[4])],
        phones=[ph for p in parties for ph in (p[1], p[5])],
        id_numbers=[i for p in parties for i in (p[2], p[3])],
        village=village,
        texts=(title, facts, requests),
    )


def _search_rows(conn: sqlite3.Connection, case_ids: list[str]) -> list[tuple[int, str]]:
    """(cases.seq, body) for each of ``case_ids`` that exists, from what is stored now."""
    return [(int(f[0][1]), _body_of(f)) for f in _read_fields(conn, case_ids).values()]


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
    office.set_setting(conn, INDEX_VERSION_KEY, str(version))


def index_is_current(db: Database) -> bool:
    with db.reading():  # a damaged or locked file: a StorageError, never a raw sqlite3 error
        return index_version(db.conn) >= INDEX_VERSION


def check_index_at_open(db: Database) -> None:
    """At open (db.connect): one read of a setting, normally. A file without cases is
    marked current (a new file). A file indexed by an older version is not rebuilt here:
    its rows still find everything they found before, and the program rebuilds them in the
    background once its window shows (``rebuild_index``, app/ui/search_index_job.py)."""
    from app.models.db import StorageError

    if index_is_current(db):
        return
    try:
        if db.scalar("SELECT NOT EXISTS (SELECT 1 FROM cases)"):
            with db.transaction() as conn:
                set_index_version(conn)
                conn.execute("DELETE FROM settings WHERE key = ?", (REBUILD_KEY,))
    except StorageError as exc:
        log.warning("search index left at version %d: %s", index_version(db.conn), exc.message)


# ---- rebuilding an older index, in the background

# "<INDEX_VERSION>:<seq>": an unfinished rebuild for that version has written every case
# from <seq> up (newest first); the next one goes on below it.
REBUILD_KEY = "search_index_rebuild"
# Cases per write transaction. Their rows are made before it begins (the slow part:
# pinyin); inside it the batch's stored fields are read again and compared, and the rows
# written. On the 100,000-case bench file that holds the write lock 2.4 ms (median; 12 ms
# at the 95th percentile, when FTS5 merges segments; 30-45 ms the longest), so a save
# made meanwhile hardly waits (docs/architecture.md).
REBUILD_BATCH = 50
# The rebuild's connection checkpoints the WAL itself, every so many batches or merge
# steps, outside its transactions (an automatic checkpoint runs inside the COMMIT call, so
# the measured write time would include it; a checkpoint never blocks a writer). Four
# keep the WAL under the 1,000 pages at which a save of the program would checkpoint it
# (about 270 pages between two on the bench file, 700 at most).
CHECKPOINT_EVERY = 4
# Pages per FTS5 merge step after the rows: each step holds the write lock about as long
# as a batch.
MERGE_PAGES = 50


class RebuildOutcome(enum.Enum):
    DONE = "done"  # every row has the current tokens; the version is recorded
    CANCELLED = "cancelled"  # stopped when asked; the next rebuild goes on from there
    SKIPPED = "skipped"  # the file cannot be written now (read-only, locked): next time


@dataclass(frozen=True)
class RebuildResult:
    outcome: RebuildOutcome
    rebuilt: int  # rows written by this call
    total: int  # cases in the file when it began
    longest_write_ms: float  # the longest write transaction: what a save waited at most


# A case's stored fields as the search row is made from them: the _CASES_SQL row and its
# _PARTIES_SQL rows, as tuples (compared to tell a case saved meanwhile).
_Fields = tuple[tuple[Any, ...], tuple[tuple[Any, ...], ...]]


def rebuilt_down_to(conn: sqlite3.Connection) -> int | None:
    """The lowest cases.seq from which up an unfinished rebuild to INDEX_VERSION has
    written every row; None when none has begun (or one for another version)."""
    row = conn.execute("SELECT value FROM settings WHERE key = ?", (REBUILD_KEY,)).fetchone()
    if row is None:
        return None
    version, _, seq = str(row[0]).partition(":")
    try:
        return int(seq) if int(version) == INDEX_VERSION else None
    except ValueError:
        return None


def _record_rebuilt_down_to(conn: sqlite3.Connection, seq: int) -> None:
    office.set_setting(conn, REBUILD_KEY, f"{INDEX_VERSION}:{seq}")


def _read_fields(conn: sqlite3.Connection, case_ids: list[str]) -> dict[str, _Fields]:
    """What reindex_case reads for each of ``case_ids`` that exists (_search_rows)."""
    marks = ",".join("?" * len(case_ids))
    parties: dict[str, list[tuple[Any, ...]]] = {}
    for row in conn.execute(_PARTIES_SQL.format(marks), case_ids):
        parties.setdefault(row[0], []).append(tuple(row))
    return {
        case[0]: (tuple(case), tuple(parties.get(case[0], ())))
        for case in conn.execute(_CASES_SQL.format(marks), case_ids)
    }


def _body_of(fields: _Fields) -> str:
    """The search row of a case's fields as _read_fields reads them."""
    case, parties = fields
    _id, _seq, number, title, facts, requests, village = case
    return case_search_body(
        number=number,
        title=title,
        facts=facts,
        requests=requests,
        village=village,
        parties=[p[1:] for p in parties],
    )


@dataclass
class _Batch:
    """Search rows made outside a transaction from the fields read then."""

    seqs: list[int]  # the batch's cases.seq, highest first
    fields: dict[str, _Fields]
    bodies: dict[str, str]


def _prepare_batch(db: Database, below: int, size: int) -> _Batch | None:
    """The next ``size`` cases under seq ``below``, newest first, with their rows made
    (the slow part: pinyin), outside any transaction. None: no case is left."""
    picked = db.query(
        "SELECT seq, id FROM cases WHERE seq < ? ORDER BY seq DESC LIMIT ?", (below, size)
    )
    if not picked:
        return None
    ids = [str(r[1]) for r in picked]
    with db.reading():
        fields = _read_fields(db.conn, ids)
    bodies = {case_id: _body_of(f) for case_id, f in fields.items()}
    return _Batch([int(r[0]) for r in picked], fields, bodies)


def _write_batch(db: Database, batch: _Batch) -> tuple[int, float]:
    """Write the batch in one short transaction. A case saved since it was prepared (its
    save wrote a current row already) gets its row made again from what is stored now,
    never the one made before. Records how far the rebuild has come. Returns that seq and
    how long the write lock was held (ms)."""
    with db.transaction() as conn:
        locked = time.perf_counter()
        rows: list[tuple[int, str]] = []
        for case_id, fields in _read_fields(conn, list(batch.fields)).items():
            same = batch.fields.get(case_id) == fields
            rows.append((int(fields[0][1]), batch.bodies[case_id] if same else _body_of(fields)))
        _write_rows(conn, rows)
        # Another copy of the program rebuilding the same file may have gone further down.
        stored = rebuilt_down_to(conn)
        low = min(batch.seqs) if stored is None else min(min(batch.seqs), stored)
        _record_rebuilt_down_to(conn, low)
    return low, (time.perf_counter() - locked) * 1000


def _rows_left_under(conn: sqlite3.Connection, below: int) -> bool:
    return bool(
        conn.execute("SELECT EXISTS (SELECT 1 FROM cases WHERE seq < ?)", (below,)).fetchone()[0]
    )


def _merge_step(db: Database) -> tuple[bool, float]:
    """One short FTS5 merge of about MERGE_PAGES pages. Returns whether it found work (its
    changes count: docs of the FTS5 'merge' command) and how long it held the write lock."""
    with db.transaction() as conn:
        locked = time.perf_counter()
        before = conn.total_changes
        conn.execute(
            "INSERT INTO case_search(case_search, rank) VALUES ('merge', ?)", (MERGE_PAGES,)
        )
        worked = conn.total_changes - before >= 2
    return worked, (time.perf_counter() - locked) * 1000


def _usermerge(db: Database) -> int:
    value = db.scalar("SELECT v FROM case_search_config WHERE k = 'usermerge'")
    return int(value) if value is not None else 4  # FTS5's default


def _set_usermerge(db: Database, value: int) -> None:
    with db.transaction() as conn:
        conn.execute("INSERT INTO case_search(case_search, rank) VALUES ('usermerge', ?)", (value,))


def _merge_segments(
    db: Database, stop_asked: Callable[[], bool], held: Callable[[float], None]
) -> bool:
    """Merge the index's segments in short steps until each level has one (the batches
    leave the replaced rows' entries behind: twice the size and three times slower to
    search on 100,000 cases). A positive 'merge' with usermerge 2: a negative one (FTS5's
    'optimize' in steps) adds a level each time a save has added a segment meanwhile, and
    SQLite 3.40 lets the levels grow until the index is unreadable (seen: 2,002 levels
    after 100,000 cases rebuilt while saving every 150 ms). Returns False when stopped."""
    limit = 2 * int(db.scalar("SELECT count(*) FROM case_search_data")) // MERGE_PAGES + 10
    usermerge = _usermerge(db)
    _set_usermerge(db, 2)
    try:
        for _ in range(limit):  # saves meanwhile add segments: bounded all the same
            if stop_asked():
                return False
            worked, ms = _merge_step(db)
            held(ms)
            if not worked:
                break
        else:
            log.info("search index merge left after %d steps", limit)
    finally:
        _set_usermerge(db, usermerge)
    return True


def _finish(db: Database, below: int) -> bool:
    """Record the version when no case is left under ``below``; False if one is (a case
    given a lower seq meanwhile: the rows go on)."""
    with db.transaction() as conn:
        if _rows_left_under(conn, below):
            return False
        set_index_version(conn)
        conn.execute("DELETE FROM settings WHERE key = ?", (REBUILD_KEY,))
    return True


def _checkpoint(db: Database) -> None:
    """A passive checkpoint: copies what it can of the WAL, blocks no one, fails quietly
    (a reader or writer in the way: the next one copies the rest)."""
    try:
        db.conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
    except sqlite3.Error as exc:
        log.info("checkpoint during the search index rebuild not done: %s", exc)


def rebuild_index(
    db: Database,
    *,
    batch: int = REBUILD_BATCH,
    progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> RebuildResult:
    """Write every case's search row again with the current tokens, newest cases first,
    merge the index's segments, then record INDEX_VERSION. Meant for a worker thread with
    its own connection while the program is in use (app/ui/search_index_job.py):

    - ``batch`` cases per write transaction, their tokens made before it begins, so a save
      made meanwhile waits a few milliseconds at most (``longest_write_ms``); the merge
      goes in steps as short; the WAL is checkpointed every CHECKPOINT_EVERY of either;
    - until it is done, search reads the old rows, which still find what they found; a
      case saved meanwhile has a current row from its save (reindex_case), which is never
      overwritten with a row made from what was stored before the save;
    - each batch records how far it came (REBUILD_KEY) in its own transaction, so a rebuild
      stopped by ``cancelled()`` (asked after each batch is made, before it is written, and
      before each merge step), by quitting or by a crash goes on from there next time; on a
      current file it does nothing, and it stops when another copy of the program on the
      same file has finished it;
    - a file that cannot be written now (read-only, locked by another program) is left
      as it is, with a log line (outcome SKIPPED).

    ``progress(done, total)``: cases with a current row, of all; called before the first
    batch and after each (the merge that follows reports nothing).
    """
    from app.models.db import StorageError

    started = time.perf_counter()
    run = _Rebuild(db, batch, progress, cancelled)
    autocheckpoint: int | None = None
    try:
        if index_is_current(db):
            return run.result(RebuildOutcome.DONE)
        autocheckpoint = int(db.scalar("PRAGMA wal_autocheckpoint"))
        db.conn.execute("PRAGMA wal_autocheckpoint = 0")
        outcome = run.run()
        if not run.finished:  # stopped, or finished by another copy of the program
            return run.result(outcome)
    except StorageError as exc:
        log.warning(
            "search index rebuild skipped at case %s (it is tried again next time): %s",
            run.below if run.below is not None else "-",
            exc.message,
        )
        return run.result(RebuildOutcome.SKIPPED)
    finally:
        if autocheckpoint is not None:
            db.conn.execute(f"PRAGMA wal_autocheckpoint = {autocheckpoint}")
            _checkpoint(db)
    log.info(
        "search index rebuilt (version %d): %d cases in %.1f s, longest write %.0f ms",
        INDEX_VERSION,
        run.rebuilt,
        time.perf_counter() - started,
        run.longest_ms,
    )
    return run.result(RebuildOutcome.DONE)


class _Rebuild:
    """One run of rebuild_index: where it starts, its batches, the merge, the end; and how
    far it came (``below``: the lowest case seq written) and how long it held the file."""

    def __init__(
        self,
        db: Database,
        batch: int,
        progress: Callable[[int, int], None] | None,
        cancelled: Callable[[], bool] | None,
    ) -> None:
        self.db = db
        self.batch = batch
        self.progress = progress
        self.cancelled = cancelled
        self.rebuilt = 0  # rows written by this run
        self.total = 0  # cases in the file
        self.done = 0  # cases with a current row
        self.longest_ms = 0.0
        self.steps = 0  # writes and merge steps, for the checkpoints
        self.below: int | None = None
        self.finished = False  # this run recorded the version

    def result(self, outcome: RebuildOutcome) -> RebuildResult:
        return RebuildResult(outcome, self.rebuilt, self.total, round(self.longest_ms, 1))

    def stop_asked(self) -> bool:
        if self.cancelled is not None and self.cancelled():
            log.info("search index rebuild stopped at case %s; it goes on from there", self.below)
            return True
        return False

    def held(self, ms: float) -> None:
        """A write or merge step held the file ``ms``; checkpoint every so many."""
        self.longest_ms = max(self.longest_ms, ms)
        self.steps += 1
        if self.steps % CHECKPOINT_EVERY == 0:
            _checkpoint(self.db)

    def _report(self) -> None:
        if self.progress is not None:
            self.progress(min(self.done, self.total), self.total)

    def run(self) -> RebuildOutcome:
        below = self._start()
        while True:
            stopped = self._write_batches(below)
            if stopped is not None:
                return stopped
            if not _merge_segments(self.db, self.stop_asked, self.held):
                return RebuildOutcome.CANCELLED
            assert self.below is not None
            below = self.below
            if _finish(self.db, below):
                self.finished = True
                return RebuildOutcome.DONE

    def _start(self) -> int:
        """Where to begin: under the last case a stopped run wrote, else above the newest."""
        db = self.db
        self.total = int(db.scalar("SELECT count(*) FROM cases"))
        below = rebuilt_down_to(db.conn)
        if below is None:
            below = int(db.scalar("SELECT coalesce(max(seq), 0) + 1 FROM cases"))
            log.info(
                "rebuilding the search index of %d cases (version %d)", self.total, INDEX_VERSION
            )
        else:
            log.info(
                "going on rebuilding the search index (version %d) below case %d of %d",
                INDEX_VERSION,
                below,
                self.total,
            )
        self.below = below
        self.done = int(db.scalar("SELECT count(*) FROM cases WHERE seq >= ?", (below,)))
        self._report()
        return below

    def _write_batches(self, below: int) -> RebuildOutcome | None:
        """Batch after batch down to the oldest case; an outcome if it stopped before."""
        db = self.db
        while (prepared := _prepare_batch(db, below, self.batch)) is not None:
            if self.stop_asked():
                return RebuildOutcome.CANCELLED
            if index_is_current(db):
                log.info("search index rebuilt meanwhile by another copy of the program")
                return RebuildOutcome.DONE
            low, ms = _write_batch(db, prepared)
            self.held(ms)
            self.rebuilt += len(prepared.seqs)
            if low < min(prepared.seqs):  # another copy of the program went further
                self.done = int(db.scalar("SELECT count(*) FROM cases WHERE seq >= ?", (low,)))
            else:
                self.done += len(prepared.seqs)
            below = self.below = low
            self._report()
        return None


def _quote(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


# What a query may hold (docs/storage-safety.md, "Search never freezes the window"). The
# search runs in the GUI thread, and its cost grows with every word: each one is a prefix
# query over the whole index, 2-80 ms on the 100,000-case bench file ("1" alone matches
# every phone and ID number: 70 ms), so 32,767 pasted characters once held the window for
# minutes. Real searches are a name, a number, a village and a few words of the facts:
# 40 characters and 5 different words hold every one of them; the worst query within
# these bounds (five single digits, or 40 of the commonest character) takes about 0.25 s
# on the bench file (bench/safety.py, search_worst_ms).
MAX_QUERY_CHARS = 40
MAX_QUERY_WORDS = 5


def cut_query(query: str) -> str:
    """``query`` as searched: trimmed to MAX_QUERY_CHARS characters."""
    return query.strip()[:MAX_QUERY_CHARS]


def match_expression(query: str) -> str | None:
    """The FTS5 MATCH expression for what the user typed, or None if nothing searchable.

    Words separated by spaces must all match (AND); within a word, characters must be
    adjacent (phrase); the last token of each word may be a prefix. Only the first
    MAX_QUERY_CHARS characters and MAX_QUERY_WORDS different words count.
    """
    words = list(dict.fromkeys(w for w in _SEPARATORS.split(cut_query(query)) if w))
    words = words[:MAX_QUERY_WORDS]
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
