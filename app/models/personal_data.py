"""A person asks: correcting or erasing their ID number everywhere it is stored, and the raw
cells of imported 台账 rows (个人信息保护法 第四十六、四十七条; docs/privacy.md).

**Where a party's ID number is stored** and what a correction (or an erasure) does there:

- ``parties.id_number``: set to the new number (or '') by a normal, logged change, which
  travels to the other installations with the next sync file like any other edit;
- text typed in the party's cases (facts, mediation records, agreements …) that holds the
  old number: the number is replaced there too (the new number, or “（证件号码已删除）”), by
  normal logged changes, and the places are named in the result;
- the search index (``case_search``, local): the party's cases are indexed again, and the
  index's segments are merged so that no old segment keeps the old number's tokens;
- the change log (``sync_log.data``): every earlier entry that the correction was made
  knowing — of the party's row and of the rows whose text was changed — is rewritten to
  carry the corrected value. That is safe only because the correction itself consists of
  normal logged changes that come after them: whichever of these entries an installation
  holds, the rows come out as the correction says, and sending a rewritten entry to a laptop
  that lacks it changes nothing it derives;
- case events and conflict decisions (append-only, travel): since schema 8 they keep ID
  numbers masked only; a masked or full form of the old number in them is replaced (the
  one sanctioned rewrite of these records besides schema 8: privacy.rewriting);
- ``import_rows`` (local, the office's): the old number in the raw cells is replaced.

The correction is recorded in ``privacy_events`` (who, when, which party, why, which
change), never the number. Each installation that receives that record with the next sync
file does the same rewriting of its own copies (:func:`after_merge`). What is outside the
database (backups, sync files on a USB stick, printed forms, exported sheets) is listed in
docs/privacy.md with what to do about it.

Every change here is a 主任's (the role is checked here, not only by the buttons), done in
one transaction with SQLite's secure_delete on, so replaced values do not stay in free pages;
afterwards the WAL is checkpointed and truncated where no reader holds it.
"""

from __future__ import annotations

import json
import logging
import re
import sqlite3
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Final

from app.models import accounts, privacy, rows, search
from app.models.accounts import DIRECTOR, SYSTEM, WORKERS, Actor
from app.models.db import Database, utc_now
from app.models.errors import NotFoundError, PermissionDeniedError, ValidationError
from app.models.identity import (
    ID_TYPES,
    IdentityError,
    check_id_document,
    mask_id_number,
    normalize_id_number,
)
from app.models.sync.clock import Epochs, Version

log = logging.getLogger(__name__)

NUMBER_FIELD: Final = "新的证件号码"
REASON_FIELD: Final = "更正原因"
ERASE_REASON_FIELD: Final = "删除原因"
ERASED_TEXT: Final = "（已删除）"  # what an event or record says where the number was
ERASED_IN_TEXT: Final = "（证件号码已删除）"  # what typed text says where it was
MAX_REASON: Final = 200

# Free text of a case where a typed ID number may sit: (table, column, what the user calls it).
_FREE_TEXT: Final[tuple[tuple[str, str, str], ...]] = (
    ("cases", "title", "案由"),
    ("cases", "facts", "纠纷简要情况"),
    ("cases", "requests", "申请事项"),
    ("cases", "risk_note", "风险提示"),
    ("cases", "close_note", "结案说明"),
    ("cases", "decline_reason", "不予受理理由"),
    ("cases", "void_reason", "作废原因"),
    ("sessions", "record", "调解（调查）记录"),
    ("sessions", "participants", "调解（调查）记录的参加人"),
    ("sessions", "subject", "调解（调查）记录的事由"),
    ("agreements", "facts", "调解协议"),
    ("agreements", "terms", "调解协议的条款"),
    ("agreement_drafts", "facts", "协议草稿"),
    ("agreement_drafts", "terms", "协议草稿的条款"),
    ("follow_ups", "findings", "回访记录"),
    ("referrals", "reason", "归口移交"),
)


@dataclass(frozen=True)
class Correction:
    """What a correction or an erasure did."""

    party_id: str
    erased: bool
    cases: tuple[str, ...]  # the party's cases (ids)
    replaced: dict[str, int] = field(default_factory=dict)  # where: how many records
    free_text: tuple[str, ...] = ()  # "（2025）青山调字第3号的调解（调查）记录": changed too
    parties: int = 1  # person rows holding the number (one per case the person is in)

    @property
    def summary(self) -> str:
        """The sentence the dialog shows after it."""
        done = "已删除" if self.erased else "已更正"
        where = f"（共 {len(self.cases)} 件案件）" if len(self.cases) > 1 else ""
        text = (
            f"{done}该当事人的证件号码{where}：当事人信息、查找索引、修改记录"
            f"{'、台账原始行' if self.replaced.get('import_rows') else ''}中都已不再有原号码。"
            "这次操作已记入审计记录（不含号码）。"
        )
        if self.free_text:
            how = "删去" if self.erased else "改为新号码"
            text += f"以下文字中写着的原号码也已{how}：" + "；".join(self.free_text) + "。"
        return text


def _director(conn: sqlite3.Connection, actor: Actor, label: str) -> Actor:
    now = accounts.current(conn, actor)
    if now.role not in (DIRECTOR, SYSTEM):
        raise PermissionDeniedError(accounts.refusal(now, label, {DIRECTOR}))
    return now


def _reason(text: str, field_name: str, example: str) -> str:
    reason = " ".join(text.split())
    if not reason:
        raise ValidationError(field_name, f"请填写{field_name}，例如“{example}”。")
    if len(reason) > MAX_REASON:
        raise ValidationError(
            field_name,
            f"{field_name}最多 {MAX_REASON} 个字，现在是 {len(reason)} 个字，请写简短些。",
        )
    if privacy.redact(reason) != reason:
        raise ValidationError(
            field_name, f"{field_name}里不要写证件号码或电话号码：审计记录不保存号码。"
        )
    return reason


def _party(conn: sqlite3.Connection, party_id: str) -> sqlite3.Row:
    row = conn.execute(
        "SELECT id, kind, name, id_type, id_number FROM parties WHERE id = ?", (party_id,)
    ).fetchone()
    if row is None:
        raise NotFoundError("找不到这位当事人，可能已被删除或数据库已更换。")
    if row["kind"] != "person":
        raise ValidationError(
            "当事人",
            "单位的统一社会信用代码是公开信息，不在此更正。请在当事人表单中修改。",
        )
    return row  # type: ignore[no-any-return]


def party_cases(conn: sqlite3.Connection, party_id: str) -> list[str]:
    return [
        str(r[0])
        for r in conn.execute(
            "SELECT DISTINCT case_id FROM case_parties WHERE party_id = ? ORDER BY case_id",
            (party_id,),
        )
    ]


def correct_id_number(
    db: Database,
    party_id: str,
    new_number: str,
    *,
    by: Actor,
    reason: str,
    id_type: str | None = None,
    today: date | None = None,
) -> Correction:
    """Replace a person's ID number everywhere it is stored (module docstring); ``id_type``
    None keeps the document type. Sex and birth date follow a resident ID number, as the
    party form fills them."""
    reason = _reason(reason, REASON_FIELD, "本人持身份证到所申请更正")
    number = normalize_id_number(new_number)
    if not number:
        raise ValidationError(
            NUMBER_FIELD, "请填写新的证件号码。如要删除证件号码，请选择“删除证件号码”。"
        )
    return _change(db, party_id, number, by=by, reason=reason, id_type=id_type, today=today)


def erase_id_number(db: Database, party_id: str, *, by: Actor, reason: str) -> Correction:
    """Remove a person's ID number everywhere it is stored (module docstring)."""
    reason = _reason(reason, ERASE_REASON_FIELD, "本人申请删除，案件已办结")
    return _change(db, party_id, "", by=by, reason=reason, id_type=None, today=None)


@dataclass(frozen=True)
class SameNumber:
    """Where else a person's number is stored (what the dialog shows before the change)."""

    parties: tuple[str, ...]  # the parties rows holding it, the chosen one first
    cases: tuple[str, ...]  # every case of those rows, and of import rows holding it
    other_cases: tuple[str, ...]  # those cases beside the chosen party's own
    other_labels: tuple[str, ...]  # their case numbers (or 登记日期), in words

    @property
    def note(self) -> str:
        """“此号码还出现在 N 件案件中：…” ('' when only the chosen party's cases hold it)."""
        if not self.other_cases:
            return ""
        shown = self.other_labels[:_SHOWN_CASES]
        more = len(self.other_labels) - len(shown)
        return (
            f"此号码还出现在另外 {len(self.other_cases)} 件案件中："
            + "、".join(shown)
            + (f" 等（还有 {more} 件）" if more else "")
            + "。这些案件中的号码会一并更正或删除。"
        )


_SHOWN_CASES = 10


def same_number(db: Database, party_id: str) -> SameNumber:
    """The parties rows (each case has its own) and the cases holding the chosen person's ID
    number, found by the normalised number; for the dialog, before the change."""
    conn = db.conn
    party = _party(conn, party_id)
    return _same_number(conn, party_id, normalize_id_number(str(party["id_number"])))


def _same_number(conn: sqlite3.Connection, party_id: str, old: str) -> SameNumber:
    parties = [party_id]
    if old:
        for (other,) in conn.execute(
            "SELECT id FROM parties WHERE kind = 'person' AND id_number IN (?, ?) "
            "AND id <> ? ORDER BY id",
            (old, old.lower(), party_id),
        ):
            parties.append(str(other))
        parties += [p for p in _named_with(conn, old) if p not in parties]
    own = party_cases(conn, party_id)
    cases = list(own)
    for other in parties[1:]:
        cases += [c for c in party_cases(conn, other) if c not in cases]
    if old:
        cases += [c for c in _import_row_cases(conn, old) if c not in cases]
    others = [c for c in cases if c not in own]
    return SameNumber(
        tuple(parties),
        tuple(cases),
        tuple(others),
        tuple(_case_label(conn, c) for c in others),
    )


def _named_with(conn: sqlite3.Connection, number: str) -> list[str]:
    """Person rows whose name holds the number (an import before the party-cell parser took
    numbers out of names: “张三（3301…）电话…”)."""
    return [
        str(r[0])
        for r in conn.execute(
            "SELECT id FROM parties WHERE kind = 'person' AND instr(upper(name), ?) > 0",
            (number,),
        )
    ]


def _holds(text: str, number: str) -> bool:
    """Whether stored text holds the number, also written with spaces or full-width digits."""
    return number in text.upper() or number in normalize_id_number(text)


def _import_row_cases(conn: sqlite3.Connection, number: str) -> list[str]:
    """Cases whose import row (local raw cells) holds the number anywhere."""
    return [
        str(case_id)
        for case_id, cells, remarks in conn.execute(
            "SELECT case_id, cells, warnings FROM import_rows WHERE cleared = 0 ORDER BY case_id"
        )
        if _holds(str(cells), number) or _holds(str(remarks), number)
    ]


def _without_number(name: str, number: str) -> str:
    """A name with an ID number written into it, without the number (and the brackets or
    label left around it)."""
    text = _text_replaced(name, [number], "\x00")
    text = re.sub(r"(?:身份证号码|身份证号|身份证|证件号码|证件号)?\s*[:：]?\s*\x00", "", text)
    text = re.sub(r"[（(]\s*[)）]", "", text)
    return " ".join(text.split()).strip(" ,，、:：") or name.replace(number, "").strip()


def _change(
    db: Database,
    party_id: str,
    number: str,
    *,
    by: Actor,
    reason: str,
    id_type: str | None,
    today: date | None,
) -> Correction:
    """Change the number of every person row holding the chosen party's number (each case
    has its own row), of the import rows and of the typed texts holding it, in one
    transaction; one privacy record per person row (each travels and is replayed on its
    own by :func:`after_merge`)."""
    erasing = not number
    label = "删除当事人的证件号码" if erasing else "更正当事人的证件号码"
    with privacy.secure_delete(db.conn), db.transaction() as conn:
        actor = _director(conn, by, label)
        party = _party(conn, party_id)
        old = normalize_id_number(str(party["id_number"]))
        values = _new_values(party, old, number, id_type=id_type, today=today)
        same = _same_number(conn, party_id, old)
        action = "erase_id" if erasing else "correct_id"
        changes = [
            (row_id, _rewrite_party_row(conn, row_id, values, old, by=actor.user_id))
            for row_id in same.parties
        ]
        cases = list(same.cases)
        free = _replace_in_free_text(conn, cases, old, number, by=actor.user_id) if old else []
        replaced: dict[str, int] = {}
        for row_id, change in changes:
            record = privacy.record_access(
                conn,
                action,
                by=actor.user_id,
                party_id=row_id,
                data={
                    "change": list(change),
                    "cases": party_cases(conn, row_id),
                    "reason": reason,
                    "asked_for": party_id,  # one request: the rows it changed share it
                    "rows": len(same.parties),
                },
            )
            for key, count in scrub(conn, record, extra_old=[old] if old else []).items():
                replaced[key] = replaced.get(key, 0) + count
        if old:  # import rows of cases whose party row never held the number (a name did)
            found = _scrub_import_rows(conn, cases, {old}, number)
            replaced["import_rows"] = replaced.get("import_rows", 0) + found
        for case_id in cases:
            search.reindex_case(conn, case_id)
        purge_search_index(conn)
    checkpoint(db)
    log.info(
        "party %s: ID number %s by %s in %d row(s), %d case(s)",
        party_id,
        action,
        actor.user_id,
        len(same.parties),
        len(cases),
    )
    return Correction(
        party_id, erasing, tuple(cases), replaced, tuple(free), parties=len(same.parties)
    )


def _new_values(
    party: sqlite3.Row, old: str, number: str, *, id_type: str | None, today: date | None
) -> dict[str, Any]:
    """What the party's rows get: no number (erasing) or the new one checked against its
    document type, with the sex and birth date the number carries."""
    if not number:
        if not old:
            raise ValidationError("证件号码", "这位当事人没有登记证件号码，不用删除。")
        return {"id_number": number, "id_type": ""}
    values: dict[str, Any] = {"id_number": number}
    kind = id_type or str(party["id_type"]) or "resident_id"
    if kind not in ID_TYPES:
        raise ValidationError("证件类型", "证件类型不在可选范围内，请从列表中选择。")
    try:
        parsed = check_id_document(kind, number, today=today)
    except IdentityError as exc:
        raise ValidationError(NUMBER_FIELD, exc.message) from exc
    if number == old and kind == party["id_type"]:
        raise ValidationError(NUMBER_FIELD, "新的证件号码与原号码相同，不用更正。")
    values["id_type"] = kind
    if parsed is not None:
        values["sex"] = parsed.sex
        values["birth_date"] = parsed.birth_date.isoformat()
    return values


def _rewrite_party_row(
    conn: sqlite3.Connection, row_id: str, values: dict[str, Any], old: str, *, by: str
) -> tuple[str, int]:
    """One person row gets ``values`` (and the old number out of its name, where a name
    held it); returns the change logged."""
    row_values = dict(values)
    name = str(conn.execute("SELECT name FROM parties WHERE id = ?", (row_id,)).fetchone()[0])
    if old and _holds(name, old):
        row_values["name"] = _without_number(name, old)
    rows.update(conn, "parties", row_id, row_values, by=by)
    return _last_change(conn, "parties", row_id)


def _last_change(conn: sqlite3.Connection, table: str, row_id: str) -> tuple[str, int]:
    """(device, seq) of the change just logged here for the row."""
    row = conn.execute(
        "SELECT device, seq FROM sync_log WHERE tbl = ? AND row_id = ? "
        "AND device = (SELECT value FROM settings WHERE key = 'device_id') "
        "ORDER BY seq DESC LIMIT 1",
        (table, row_id),
    ).fetchone()
    if row is None:  # the triggers are missing: the correction would not travel
        raise RuntimeError("the correction was not logged")
    return str(row[0]), int(row[1])


# --------------------------------------------------------------------------------------
# Rewriting the copies


def _masked(number: str) -> str:
    return mask_id_number(number) if number else ERASED_TEXT


def _free_text_rows(
    conn: sqlite3.Connection, cases: list[str]
) -> Iterator[tuple[str, str, str, str, str]]:
    """(table, column, what, row id, case id) of every typed text of the cases."""
    if not cases:
        return
    marks = ",".join("?" * len(cases))
    for table, column, what in _FREE_TEXT:
        key = "id" if table == "cases" else "case_id"
        for row_id, case_id in conn.execute(
            f"SELECT id, {key} FROM {table} WHERE {key} IN ({marks})", cases
        ).fetchall():
            yield table, column, what, str(row_id), str(case_id)


def _in_text(text: str, number: str) -> bool:
    return number in text.upper()


def _text_replaced(text: str, olds: Iterable[str], new: str) -> str:
    """Typed text with each old number replaced: by the new one, or a note it was erased."""
    for old in olds:
        start = text.upper().find(old)
        while start >= 0:
            text = text[:start] + (new or ERASED_IN_TEXT) + text[start + len(old) :]
            start = text.upper().find(old, start + len(new or ERASED_IN_TEXT))
    return text


def _replace_in_free_text(
    conn: sqlite3.Connection, cases: list[str], old: str, new: str, *, by: str
) -> list[str]:
    """Replace the old number in the typed text of the cases (normal logged changes);
    returns where, in words."""
    old = normalize_id_number(old)
    found: list[str] = []
    for table, column, what, row_id, case_id in _free_text_rows(conn, cases):
        text = conn.execute(f"SELECT {column} FROM {table} WHERE id = ?", (row_id,)).fetchone()[0]
        if not text or not _in_text(str(text), old):
            continue
        rows.update(conn, table, row_id, {column: _text_replaced(str(text), [old], new)}, by=by)
        found.append(f"{_case_label(conn, case_id)}的{what}")
    return list(dict.fromkeys(found))


def scrub(
    conn: sqlite3.Connection, record_id: str, *, extra_old: Iterable[str] = ()
) -> dict[str, int]:
    """Rewrite this installation's copies of a party's earlier ID numbers as the correction
    or erasure ``record_id`` (a privacy_events row) says, inside the caller's transaction,
    once the record and the changes it names are stored here. Returns how many records were
    rewritten, by kind. Idempotent."""
    c = _Correction.load(conn, record_id)
    if c is None:
        return {}
    olds = {normalize_id_number(o) for o in extra_old if o}
    log_rows = _scrub_number_log(conn, c, olds)
    olds.discard(c.new)
    olds.discard("")
    log_rows += _scrub_name_log(conn, c, olds)
    replaced = {"change_log": log_rows}
    if not olds:
        return replaced
    cases = party_cases(conn, c.party_id)
    replaced["change_log"] += _scrub_free_text_log(conn, c, cases, olds)
    replaced["events"] = _scrub_events(conn, cases, olds, c.new)
    replaced["conflict_records"] = _scrub_decisions(conn, c.party_id, olds, c.new)
    replaced["import_rows"] = _scrub_import_rows(conn, cases, olds, c.new)
    return replaced


@dataclass(frozen=True)
class _Correction:
    """A correction or erasure as stored here: the party row, its number now, and when
    the record came here (only changes made knowing it are rewritten)."""

    party_id: str
    new: str
    recorded: Version
    known: Epochs

    @classmethod
    def load(cls, conn: sqlite3.Connection, record_id: str) -> _Correction | None:
        """None until the record and the change it names are both stored here."""
        record = conn.execute(
            "SELECT party_id, data FROM privacy_events WHERE id = ?", (record_id,)
        ).fetchone()
        if record is None or record[0] is None:
            return None
        party_id = str(record[0])
        change = json.loads(record[1]).get("change")
        if not isinstance(change, list) or len(change) != 2:
            return None
        found = conn.execute(
            "SELECT data FROM sync_log WHERE device = ? AND seq = ? AND tbl = 'parties' "
            "AND row_id = ?",
            (str(change[0]), int(change[1]), party_id),
        ).fetchone()
        mark = conn.execute(
            "SELECT at, device, seq FROM sync_log WHERE tbl = 'privacy_events' AND row_id = ? "
            "AND op = 'i'",
            (record_id,),
        ).fetchone()
        if found is None or mark is None:  # the change did not come here (a laptop's scope)
            return None
        return cls(
            party_id,
            normalize_id_number(str(json.loads(found[0]).get("id_number") or "")),
            Version(str(mark[0]), str(mark[1]), int(mark[2])),
            Epochs.load(conn),
        )

    def knew(self, at: Any, device: Any, seq: Any) -> bool:
        """Whether a logged change was made knowing the correction."""
        return self.known.knew(self.recorded, Version(str(at), str(device), int(seq)))


def _scrub_number_log(conn: sqlite3.Connection, c: _Correction, olds: set[str]) -> int:
    """The party row's logged changes carry the number now; the numbers they held are
    added to ``olds``. Returns how many were rewritten."""
    log_rows = 0
    for rowid, at, device, seq, text in conn.execute(
        "SELECT rowid, at, device, seq, data FROM sync_log WHERE tbl = 'parties' AND row_id = ?",
        (c.party_id,),
    ).fetchall():
        data = json.loads(text)
        if "id_number" not in data or not c.knew(at, device, seq):
            continue  # a change made without knowing the correction: a conflict of its own
        value = normalize_id_number(str(data["id_number"] or ""))
        if value != c.new:
            if value:
                olds.add(value)
            conn.execute(
                "UPDATE sync_log SET data = json_set(data, '$.id_number', ?) WHERE rowid = ?",
                (c.new, rowid),
            )
            log_rows += 1
    return log_rows


def _scrub_name_log(conn: sqlite3.Connection, c: _Correction, olds: set[str]) -> int:
    """A name the number was written into (imports before the cell parser), in the party
    row's logged changes. Returns how many were rewritten."""
    log_rows = 0
    for rowid, at, device, seq, text in conn.execute(
        "SELECT rowid, at, device, seq, data FROM sync_log WHERE tbl = 'parties' AND row_id = ?",
        (c.party_id,),
    ).fetchall():
        name = json.loads(text).get("name")
        if not isinstance(name, str) or not c.knew(at, device, seq):
            continue
        cleaned = name
        for old in olds:
            if _holds(cleaned, old):
                cleaned = _without_number(cleaned, old)
        if cleaned != name:
            conn.execute(
                "UPDATE sync_log SET data = json_set(data, '$.name', ?) WHERE rowid = ?",
                (cleaned, rowid),
            )
            log_rows += 1
    return log_rows


def _scrub_free_text_log(
    conn: sqlite3.Connection, c: _Correction, cases: list[str], olds: set[str]
) -> int:
    """The typed texts of the party's cases (案情, records …) in the logged changes."""
    log_rows = 0
    for table, column, _what, row_id, _case in _free_text_rows(conn, cases):
        for rowid, at, device, seq, text in conn.execute(
            "SELECT rowid, at, device, seq, data FROM sync_log WHERE tbl = ? AND row_id = ?",
            (table, row_id),
        ).fetchall():
            value = json.loads(text).get(column)
            if not isinstance(value, str) or not c.knew(at, device, seq):
                continue
            if any(_in_text(value, old) for old in olds):
                conn.execute(
                    f"UPDATE sync_log SET data = json_set(data, '$.{column}', ?) WHERE rowid = ?",
                    (_text_replaced(value, olds, c.new), rowid),
                )
                log_rows += 1
    return log_rows


def _replace_all(text: str, olds: Iterable[str], new: str) -> str:
    """``text`` (a stored JSON text) with each old number, full or masked, replaced by the
    new one's masked form (events never keep more)."""
    for old in olds:
        text = text.replace(old, _masked(new))
        masked_old = mask_id_number(old)
        if masked_old != _masked(new):
            text = text.replace(masked_old, _masked(new))
    return text


def _scrub_events(conn: sqlite3.Connection, cases: list[str], olds: set[str], new: str) -> int:
    if not cases:
        return 0
    marks = ",".join("?" * len(cases))
    count = 0
    with privacy.rewriting(conn, "case_events"):
        for event_id, text in conn.execute(
            f"SELECT id, data FROM case_events WHERE case_id IN ({marks})", cases
        ).fetchall():
            replaced = _replace_all(str(text), olds, new)
            if replaced != text:
                privacy.set_event_data(conn, str(event_id), json.loads(replaced))
                count += 1
    return count


def _scrub_decisions(conn: sqlite3.Connection, party_id: str, olds: set[str], new: str) -> int:
    count = 0
    with privacy.rewriting(conn, "conflict_decisions"):
        for decision_id, kept, set_aside in conn.execute(
            "SELECT id, kept, set_aside FROM conflict_decisions "
            "WHERE tbl = 'parties' AND row_id = ?",
            (party_id,),
        ).fetchall():
            new_kept = _replace_all(str(kept), olds, new) if kept is not None else None
            new_aside = _replace_all(str(set_aside), olds, new)
            if (new_kept, new_aside) != (kept, set_aside):
                privacy.set_decision_values(
                    conn,
                    str(decision_id),
                    json.loads(new_kept) if new_kept is not None else None,
                    json.loads(new_aside),
                )
                count += 1
    return count


def _replace_in_cell(cell: str, olds: Iterable[str], new: str) -> str:
    for old in olds:
        if old in cell:
            cell = cell.replace(old, new)
        elif old in normalize_id_number(cell):  # written with spaces or full-width digits
            cell = normalize_id_number(cell).replace(old, new)
    return cell


def _scrub_import_rows(conn: sqlite3.Connection, cases: list[str], olds: set[str], new: str) -> int:
    if not cases:
        return 0
    marks = ",".join("?" * len(cases))
    count = 0
    for row_id, cells_text, remarks_text in conn.execute(
        f"SELECT id, cells, warnings FROM import_rows WHERE case_id IN ({marks})", cases
    ).fetchall():
        cells = json.loads(cells_text)
        remarks = json.loads(remarks_text)
        new_cells = {k: _replace_in_cell(str(v), olds, new) for k, v in cells.items()}
        new_remarks = [_replace_in_cell(str(r), olds, new) for r in remarks]
        if (new_cells, new_remarks) != (cells, remarks):
            conn.execute(
                "UPDATE import_rows SET cells = ?, warnings = ?, changed_at = ? WHERE id = ?",
                (
                    json.dumps(new_cells, ensure_ascii=False),
                    json.dumps(new_remarks, ensure_ascii=False),
                    utc_now(),
                    row_id,
                ),
            )
            count += 1
    return count


def _case_label(conn: sqlite3.Connection, case_id: str) -> str:
    row = conn.execute(
        "SELECT number, registered_on FROM cases WHERE id = ?", (case_id,)
    ).fetchone()
    if row is None:
        return "一件案件"
    return str(row[0]) if row[0] else f"{row[1]}登记的案件"


def purge_search_index(conn: sqlite3.Connection) -> None:
    """Merge every segment of the search index into one, so that no old segment keeps the
    tokens of a replaced row (about 1 s on 100,000 cases; with secure_delete on, the pages
    freed are zeroed)."""
    conn.execute("INSERT INTO case_search(case_search) VALUES ('optimize')")


def checkpoint(db: Database) -> None:
    """Copy the WAL into the file and truncate it, so old page images go (best effort: a
    reader elsewhere may hold it; its frames are then overwritten by later writes)."""
    try:
        db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
    except sqlite3.Error as exc:
        log.info("checkpoint after a correction not done: %s", exc)


def after_merge(conn: sqlite3.Connection, privacy_rows: Iterable[str]) -> int:
    """Inside a merge (exchange.apply_bundle), after the rows are written: each correction or
    erasure recorded on another installation that came with this file rewrites this
    installation's copies too. Returns how many came."""
    done = 0
    for record_id in sorted(privacy_rows):
        row = conn.execute(
            "SELECT action, party_id FROM privacy_events WHERE id = ?", (record_id,)
        ).fetchone()
        if row is None or row[0] not in ("correct_id", "erase_id") or row[1] is None:
            continue
        with privacy.secure_delete(conn):
            scrub(conn, record_id)
            for case_id in party_cases(conn, str(row[1])):
                search.reindex_case(conn, case_id)
            purge_search_index(conn)
        done += 1
    return done


# --------------------------------------------------------------------------------------
# Showing a number in full


def reveal_id_number(
    db: Database, party_id: str, *, by: Actor, case_id: str | None = None, where: str
) -> str:
    """A person's ID number in full, for a 主任's or a 调解员's eyes (a 统计/只读 user sees
    masks only); the showing is recorded (privacy_events 'show_id': who, which party, which
    case, on which screen: ``where``), the number never."""
    with db.transaction() as conn:
        now = accounts.current(conn, by)
        if now.role not in WORKERS and now.role != SYSTEM:
            raise PermissionDeniedError(accounts.refusal(now, "查看完整证件号码", WORKERS))
        row = conn.execute("SELECT id_number FROM parties WHERE id = ?", (party_id,)).fetchone()
        if row is None:
            raise NotFoundError("找不到这位当事人，可能已被删除或数据库已更换。")
        privacy.record_access(
            conn,
            "show_id",
            by=now.user_id,
            case_id=case_id,
            party_id=party_id,
            data={"where": where},
        )
    return str(row[0])


# --------------------------------------------------------------------------------------
# Printing or saving forms that carry ID numbers in full

OUTPUT_ACTIONS: Final = {"print": "print_ids", "save": "save_ids"}


def record_output(
    db: Database,
    case_id: str,
    *,
    by: Actor,
    kind: str,
    forms: Iterable[str],
    sheets: int | None = None,
    file: str = "",
) -> str | None:
    """Record that forms of case ``case_id`` printing its parties' ID numbers in full
    (``forms``: their titles) were printed (``kind`` "print", ``sheets`` sent) or saved as
    a PDF ("save", the ``file``'s name): who, which case, which forms, never a number.

    Called after the paper or the file exists, so it never refuses: a file that cannot be
    written (opened read-only, damaged) gets the record in the log instead. Returns the
    record's id (None when it went to the log)."""
    action = OUTPUT_ACTIONS[kind]
    data: dict[str, Any] = {"forms": list(forms)}
    if sheets is not None:
        data["sheets"] = sheets
    if file:
        data["file"] = file
    if db.write_refusal() is not None:
        log.info(  # no file name: a name the user typed may hold a party's name
            "%s of case %s by user %s (%d form(s)): the file is read-only, not recorded in it",
            action,
            case_id,
            by.user_id,
            len(data["forms"]),
        )
        return None
    with db.transaction() as conn:
        return privacy.record_access(conn, action, by=by.user_id, case_id=case_id, data=data)


# --------------------------------------------------------------------------------------
# The raw cells of imported 台账 rows


@dataclass(frozen=True)
class ImportRow:
    id: str  # the import event's id
    case_id: str
    file: str
    sheet: str
    row: int
    cells: dict[str, str]
    remarks: list[str]
    cleared: bool
    changed_at: str | None


def import_row(db: Database, case_id: str) -> ImportRow | None:
    """The raw cells of the row a case was imported from, as kept on this installation
    (None: not imported, or the cells are on the office computer)."""
    row = db.one(
        "SELECT r.id, r.case_id, r.cells, r.warnings, r.cleared, r.changed_at, e.data "
        "FROM import_rows r JOIN case_events e ON e.id = r.id WHERE r.case_id = ? "
        "ORDER BY e.at DESC LIMIT 1",
        (case_id,),
    )
    if row is None:
        return None
    event: Mapping[str, Any] = json.loads(row["data"])
    return ImportRow(
        str(row["id"]),
        str(row["case_id"]),
        str(event.get("file", "")),
        str(event.get("sheet", "")),
        int(event.get("row", 0) or 0),
        {str(k): str(v) for k, v in json.loads(row["cells"]).items()},
        [str(w) for w in json.loads(row["warnings"])],
        bool(row["cleared"]),
        row["changed_at"],
    )


def show_import_row(db: Database, case_id: str, *, by: Actor) -> ImportRow | None:
    """import_row for a 主任's eyes: the cells hold ID numbers and phones in full, so the
    showing is recorded (privacy_events 'show_id')."""
    found = import_row(db, case_id)
    if found is None:
        return None
    with db.transaction() as conn:
        actor = _director(conn, by, "查看台账原始行")
        privacy.record_access(
            conn, "show_id", by=actor.user_id, case_id=case_id, data={"where": "台账原始行"}
        )
    return found


def correct_import_cell(
    db: Database, row_id: str, column: str, text: str, *, by: Actor
) -> ImportRow:
    """A 主任 corrects one raw cell (empty text removes it)."""
    with privacy.secure_delete(db.conn), db.transaction() as conn:
        actor = _director(conn, by, "更正台账原始行")
        found = conn.execute(
            "SELECT case_id, cells FROM import_rows WHERE id = ?", (row_id,)
        ).fetchone()
        if found is None:
            raise NotFoundError("找不到这一行台账原始内容，可能已被清除。")
        cells: dict[str, str] = json.loads(found[1])
        if column not in cells:
            raise ValidationError("列", f"原始行中没有“{column}”这一列。")
        value = text.strip()
        if value:
            cells[column] = value
        else:
            del cells[column]
        conn.execute(
            "UPDATE import_rows SET cells = ?, changed_at = ?, changed_by = ? WHERE id = ?",
            (json.dumps(cells, ensure_ascii=False), utc_now(), actor.user_id, row_id),
        )
        privacy.record_access(
            conn,
            "correct_import_row",
            by=actor.user_id,
            case_id=str(found[0]),
            data={"column": column, "removed": not value},
        )
        case_id = str(found[0])
    checkpoint(db)
    result = import_row(db, case_id)
    assert result is not None
    return result


def clear_import_rows(
    db: Database,
    *,
    by: Actor,
    case_id: str | None = None,
    file: str | None = None,
) -> int:
    """A 主任 clears the raw cells of one case's import row (``case_id``), of every row of
    one imported file (``file``), or of every import (neither). The import events keep the
    file, sheet and row. Returns the rows cleared."""
    where, params = "cleared = 0", []
    if case_id is not None:
        where += " AND case_id = ?"
        params.append(case_id)
    if file is not None:
        where += (
            " AND id IN (SELECT id FROM case_events WHERE action = 'import' "
            "AND json_extract(data, '$.file') = ?)"
        )
        params.append(file)
    with privacy.secure_delete(db.conn), db.transaction() as conn:
        actor = _director(conn, by, "清除台账原始行")
        cur = conn.execute(
            "UPDATE import_rows SET cells = '{}', warnings = '[]', cleared = 1, "
            f"changed_at = ?, changed_by = ? WHERE {where}",
            [utc_now(), actor.user_id, *params],
        )
        cleared = int(cur.rowcount)
        if cleared:
            data: dict[str, Any] = {"rows": cleared}
            if file is not None:
                data["file"] = file
            privacy.record_access(
                conn, "clear_import_row", by=actor.user_id, case_id=case_id, data=data
            )
    checkpoint(db)
    return cleared


@dataclass(frozen=True)
class ImportFile:
    file: str
    imported_at: str  # UTC moment of the first row's event
    kept: int  # rows whose cells are kept here
    cleared: int

    @property
    def key(self) -> str:
        return self.file


def import_files(db: Database) -> list[ImportFile]:
    """The imported files whose rows this installation keeps, newest first."""
    return [
        ImportFile(str(r[0]), str(r[1]), int(r[2]), int(r[3]))
        for r in db.query(
            "SELECT json_extract(e.data, '$.file') AS f, min(e.at), "
            "sum(r.cleared = 0), sum(r.cleared = 1) "
            "FROM import_rows r JOIN case_events e ON e.id = r.id "
            "GROUP BY f ORDER BY min(e.at) DESC"
        )
    ]
