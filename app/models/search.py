"""Finding cases: by number, party name, pinyin, phone, ID number (or its tail), village, facts.

Why not FTS5's trigram tokenizer: it cannot answer one- or two-character queries ("张",
"张三", "zs") without a full scan. Instead each case has one FTS5 row (rowid = cases.seq)
whose text is made of tokens:

- every CJK (or other non-ASCII) character is a token of its own, so any run of
  characters is found as an FTS5 *phrase*: "张三" → ``"张 三"``; this works for one
  character as well as for a whole fact sentence, and for CJK Extension B characters;
- ASCII words stay whole: full pinyin ``zhangsan``, initials ``zs``, phone and ID
  numbers; the last token of a query is a prefix (``zhang`` finds zhangsan);
- phone and ID numbers are also stored reversed behind an ``r`` (``r4321…``) so that
  "the last digits" is a prefix query too.

Results come in rowid order, newest first, so a LIMIT stops early even for a query that
matches tens of thousands of cases.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterable

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


def name_pinyin(name: str) -> tuple[str, str]:
    """("zhangsan", "zs") for 张三; characters without a reading are left out."""
    # Imported here: pypinyin's dictionaries cost ~170 ms, which start-up need not pay.
    from pypinyin import Style, lazy_pinyin

    syllables = [
        s
        for s in lazy_pinyin(name, style=Style.NORMAL, errors="ignore", v_to_u=False)
        if s.isascii() and s.isalpha()
    ]
    return "".join(syllables).lower(), "".join(s[0] for s in syllables).lower()


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
        full, initials = name_pinyin(name)
        if full:
            parts.extend((full, initials))
    for value in (*phones, *id_numbers):
        digits = _digits(value).lower()
        if digits:
            parts.extend((digits, "r" + digits[::-1]))
    parts.extend(tokens(village))
    for text in texts:
        parts.extend(tokens(text))
    return " ".join(parts)


def reindex_case(conn: sqlite3.Connection, case_id: str) -> None:
    """Rebuild one case's search row from the database (call inside the writing transaction)."""
    case = conn.execute(
        "SELECT c.seq, c.number, c.title, c.facts, c.requests, coalesce(p.name, '') AS village "
        "FROM cases c LEFT JOIN places p ON p.id = c.village_id WHERE c.id = ?",
        (case_id,),
    ).fetchone()
    if case is None:
        return
    party_rows = conn.execute(
        "SELECT p.name, p.phone, p.id_number, p.org_code, cp.agent_name, cp.agent_phone "
        "FROM case_parties cp JOIN parties p ON p.id = cp.party_id WHERE cp.case_id = ?",
        (case_id,),
    ).fetchall()
    body = case_body(
        number=case["number"],
        names=[n for r in party_rows for n in (r["name"], r["agent_name"])],
        phones=[ph for r in party_rows for ph in (r["phone"], r["agent_phone"])],
        id_numbers=[i for r in party_rows for i in (r["id_number"], r["org_code"])],
        village=case["village"],
        texts=(case["title"], case["facts"], case["requests"]),
    )
    conn.execute("DELETE FROM case_search WHERE rowid = ?", (case["seq"],))
    conn.execute("INSERT INTO case_search(rowid, body) VALUES (?, ?)", (case["seq"], body))


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
