"""Does what someone typed pick out a name from a short list? By the characters, or by
pinyin: initials ("hqc" for 红旗村), whole syllables ("hongqi") or a mix ("hongqc").

Every reading of a polyphonic character counts (长安村 is "ca…" and "za…"), since the
list does not know which one the office says. A match at the start of the name ranks
before one inside it ("qc" also finds 红旗村, after the names starting with q, c).

A character's readings are search's (search.character_readings: pypinyin's, and the
Extension B characters it lacks, 𠮷 ji). pypinyin is imported on first use, never on the
start path (its dictionaries take about 170 ms to load).
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

from app.models.search import character_readings

START, INSIDE = 0, 1  # ranks: the typed text matches from the first character, or later


@lru_cache(maxsize=4096)
def readings(name: str) -> tuple[tuple[str, ...], ...]:
    """Per character of ``name``, its possible spellings in lowercase ASCII: the pinyin
    readings of a Chinese character, the character itself for a letter or digit, none for
    punctuation and spaces (they are skipped)."""
    out: list[tuple[str, ...]] = []
    for ch in name:
        if ch.isascii():
            out.append((ch.lower(),) if ch.isalnum() else ())
            continue
        folded = unicodedata.normalize("NFKC", ch)
        if folded.isascii():
            out.append((folded.lower(),) if folded.isalnum() else ())
            continue
        out.append(character_readings(ch))
    return tuple(out)


def _from(spelled: tuple[tuple[str, ...], ...], i: int, typed: str) -> bool:
    """``typed`` is spelled by the characters from ``i`` on, each giving a non-empty
    start of one of its readings (skipping characters that have none)."""
    if not typed:
        return True
    if i >= len(spelled):
        return False
    options = spelled[i]
    if not options:  # punctuation: pass over it
        return _from(spelled, i + 1, typed)
    for reading in options:
        for n in range(min(len(reading), len(typed)), 0, -1):
            if typed[:n] == reading[:n] and _from(spelled, i + 1, typed[n:]):
                return True
    return False


def match_rank(name: str, typed: str) -> int | None:
    """START or INSIDE when ``typed`` picks out ``name``; None when it does not.

    Chinese (or any non-letter) text matches as a part of the name; letters match as
    pinyin, or as a part of a name written in letters."""
    query = unicodedata.normalize("NFKC", typed).strip().lower()
    if not query:
        return START
    text = unicodedata.normalize("NFKC", name).lower()
    if query in text:
        return START if text.startswith(query) else INSIDE
    letters = query.replace(" ", "").replace("'", "")
    if not (letters.isascii() and letters.isalpha()):
        return None
    spelled = readings(name)
    for i, options in enumerate(spelled):
        if options and _from(spelled, i, letters):
            return START if not any(spelled[:i]) else INSIDE
    return None
