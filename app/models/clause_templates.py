"""Agreement clause templates (协议条款模板): shipped defaults the office may edit.

The defaults are data in resources/content/clause_templates.json. An office's changes are
rows of ``clause_templates``: an edit of a shipped template (``default_key`` set), a hidden
shipped template (``hidden = 1``), or a template of its own (``default_key`` NULL).
"Restore default" deletes the override row, so a later program version's better default
text reaches every office that never changed it.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from app.models import rows
from app.models.db import Database
from app.models.errors import NotFoundError, ValidationError
from app.models.reference import categories
from app.paths import resource_path

EVERY_CATEGORY = "*"  # offered whatever the dispute's category
APPLICANT = "{申请人}"
RESPONDENT = "{被申请人}"
TITLE_FIELD = "条款名称"
BODY_FIELD = "条款内容"
CATEGORY_FIELD = "适用纠纷类型"


@dataclass(frozen=True)
class ClauseTemplate:
    key: str  # the shipped key, or the row id of an office's own template
    category: str  # a category from reference.categories(), or EVERY_CATEGORY
    title: str
    body: str
    shipped: bool  # one of the program's defaults (possibly edited)
    edited: bool  # a shipped default whose text the office changed


@cache
def _shipped() -> tuple[ClauseTemplate, ...]:
    with resource_path("content", "clause_templates.json").open(encoding="utf-8") as f:
        data: dict[str, Any] = json.load(f)
    return tuple(
        ClauseTemplate(t["key"], t["category"], t["title"], t["body"], True, False)
        for t in data["templates"]
    )


def defaults() -> list[ClauseTemplate]:
    return list(_shipped())


def all_templates(db: Database, *, include_hidden: bool = False) -> list[ClauseTemplate]:
    """Every template as the office sees it: shipped ones (with its edits), then its own."""
    overrides = {
        r["default_key"]: r
        for r in db.query("SELECT * FROM clause_templates WHERE default_key IS NOT NULL")
    }
    out: list[ClauseTemplate] = []
    for t in _shipped():
        row = overrides.get(t.key)
        if row is None:
            out.append(t)
        elif include_hidden or not row["hidden"]:
            out.append(
                ClauseTemplate(t.key, row["category"], row["title"], row["body"], True, True)
            )
    for r in db.query(
        "SELECT * FROM clause_templates WHERE default_key IS NULL"
        + ("" if include_hidden else " AND hidden = 0")
        + " ORDER BY position, created_at"
    ):
        out.append(ClauseTemplate(r["id"], r["category"], r["title"], r["body"], False, False))
    return out


def templates_for(db: Database, category: str) -> list[ClauseTemplate]:
    """The templates offered for a dispute of ``category``: its own first, then general."""
    every = all_templates(db)
    own = [t for t in every if t.category == category]
    return own + [t for t in every if t.category == EVERY_CATEGORY]


def fill(body: str, applicants: Sequence[str], respondents: Sequence[str]) -> str:
    """The template's text with the parties' names in place of {申请人} / {被申请人}."""
    return body.replace(APPLICANT, "、".join(applicants) or "申请人").replace(
        RESPONDENT, "、".join(respondents) or "被申请人"
    )


# ---------------------------------------------------------------------------------------
# Filling in a template's text: its blanks, and the amount typed once.

# What a template leaves for the mediator to fill in: "____", "__" (two underscores or more).
BLANK = re.compile(r"_{2,}")

_FIGURE = r"[0-9０-９][0-9０-９,，]*(?:[.．][0-9０-９]{1,2})?"
# "人民币3000元", optionally followed by its capitals "（大写：叁仟元整）". A figure still
# blank ("人民币____元") matches too, so a known amount can be put in.
SUM = re.compile(
    rf"人民币\s*(?P<figure>{_FIGURE}|_{{2,}})\s*元"
    r"(?:[（(]大写[：:]\s*(?P<words>[^）)]*?)\s*[）)])?"
)
# Amounts paid every month or year (赡养费、抚养费) are not the sum the agreement is about.
_PERIODIC = re.compile(r"每[月年季期]")


def blanks(text: str) -> list[tuple[int, int]]:
    """Where the blanks to fill in are: (start, end) of each, in order."""
    return [(m.start(), m.end()) for m in BLANK.finditer(text)]


def next_blank(text: str, position: int) -> tuple[int, int] | None:
    """The first blank starting at or after ``position`` (None: no blank left after it)."""
    return next(((a, b) for a, b in blanks(text) if a >= position), None)


def previous_blank(text: str, position: int) -> tuple[int, int] | None:
    """The last blank ending at or before ``position``."""
    return next(((a, b) for a, b in reversed(blanks(text)) if b <= position), None)


def figure_fen(figure: str) -> int | None:
    """Amounts such as "3000", "3,000.50" or full-width digits → fen; None when none."""
    s = unicodedata.normalize("NFKC", figure).replace(",", "").replace("，", "")
    if not re.fullmatch(r"\d+(?:\.\d{1,2})?", s):
        return None
    yuan, _, cents = s.partition(".")
    fen = int(yuan) * 100 + int((cents + "00")[:2])
    return fen if fen < 10**12 else None


def figure_text(fen: int) -> str:
    """How an amount is written into a clause: 3000, 1500.5 → 1500.50."""
    yuan, cents = divmod(fen, 100)
    return f"{yuan}.{cents:02d}" if cents else str(yuan)


def words_of(fen: int) -> str:
    """The capitals a clause puts after the figure: 叁仟元整 (without 人民币)."""
    from app.printing.money import amount_in_words  # pure Python, no layer cycle at import

    return amount_in_words(fen, prefix="")


def _sums(text: str) -> list[re.Match[str]]:
    return [m for m in SUM.finditer(text) if not _PERIODIC.search(text, 0, m.start())]


def stated_amount(terms: Sequence[str]) -> int | None:
    """The amount the terms agree on: the first 人民币…元 of each term added up (amounts
    paid every month or year left out). None when no term states one."""
    found: list[int] = []
    for term in terms:
        sums = _sums(term)
        fen = figure_fen(sums[0]["figure"]) if sums else None
        if fen is not None:
            found.append(fen)
    return sum(found) if found else None


def capitals_to_fill(text: str) -> tuple[int, int, str] | None:
    """Where a clause's capitals do not follow its figure ("人民币3000元（大写：____）"):
    (start, end, the right capitals) of the first such place, or None."""
    for m in SUM.finditer(text):
        words = m["words"]
        fen = figure_fen(m["figure"])
        if words is None or fen is None:
            continue
        right = words_of(fen)
        if words != right:
            return m.start("words"), m.end("words"), right
    return None


def follow_figures(text: str) -> str:
    """``text`` with every figure's capitals written after it."""
    while (fix := capitals_to_fill(text)) is not None:
        start, end, words = fix
        text = text[:start] + words + text[end:]
    return text


def with_amount(text: str, fen: int) -> str:
    """Put a known amount into a clause's first sum still blank ("人民币____元"), when
    that sum is the one with capitals (the principal sum of a template), and write the
    capitals; other text is left as it is."""
    for m in _sums(text):
        if m["words"] is not None and BLANK.fullmatch(m["figure"]):
            filled = text[: m.start("figure")] + figure_text(fen) + text[m.end("figure") :]
            return follow_figures(filled)
    return text


def _checked(category: str, title: str, body: str) -> tuple[str, str, str]:
    title, body = title.strip(), body.strip()
    if category != EVERY_CATEGORY and category not in categories():
        raise ValidationError(CATEGORY_FIELD, f"没有“{category}”这个纠纷类型，请从列表中选择。")
    if not title:
        raise ValidationError(TITLE_FIELD, "请填写条款名称，例如：分期付款。")
    if not body:
        raise ValidationError(BODY_FIELD, "请填写条款内容。")
    return category, title, body


def save_template(
    db: Database, key: str | None, *, category: str, title: str, body: str, by: str
) -> str:
    """Save an edit of a template (shipped or the office's own) or, with key None, a new one.
    Returns the template's key."""
    category, title, body = _checked(category, title, body)
    values = {"category": category, "title": title, "body": body, "hidden": 0}
    shipped_keys = {t.key for t in _shipped()}
    with db.transaction() as conn:
        if key is None:
            position = conn.execute(
                "SELECT coalesce(max(position), 0) + 1 FROM clause_templates"
            ).fetchone()[0]
            return rows.insert(conn, "clause_templates", {**values, "position": position}, by=by)
        if key in shipped_keys:
            row = conn.execute(
                "SELECT id FROM clause_templates WHERE default_key = ?", (key,)
            ).fetchone()
            if row is None:
                rows.insert(conn, "clause_templates", {**values, "default_key": key}, by=by)
            else:
                rows.update(conn, "clause_templates", row[0], values, by=by)
            return key
        if conn.execute("SELECT 1 FROM clause_templates WHERE id = ?", (key,)).fetchone() is None:
            raise NotFoundError("这个条款模板已被删除，请刷新后再试。")
        rows.update(conn, "clause_templates", key, values, by=by)
        return key


def hide_template(db: Database, key: str, *, by: str) -> None:
    """Stop offering a template (a shipped one can be brought back by restore_default)."""
    shipped = {t.key: t for t in _shipped()}
    with db.transaction() as conn:
        if key in shipped:
            t = shipped[key]
            row = conn.execute(
                "SELECT id FROM clause_templates WHERE default_key = ?", (key,)
            ).fetchone()
            if row is None:
                rows.insert(
                    conn,
                    "clause_templates",
                    {
                        "default_key": key,
                        "category": t.category,
                        "title": t.title,
                        "body": t.body,
                        "hidden": 1,
                    },
                    by=by,
                )
            else:
                rows.update(conn, "clause_templates", row[0], {"hidden": 1}, by=by)
            return
        if conn.execute("SELECT 1 FROM clause_templates WHERE id = ?", (key,)).fetchone() is None:
            raise NotFoundError("这个条款模板已被删除，请刷新后再试。")
        rows.update(conn, "clause_templates", key, {"hidden": 1}, by=by)


def restore_default(db: Database, key: str) -> None:
    """Back to the shipped text (and offered again, if it was hidden)."""
    if key not in {t.key for t in _shipped()}:
        raise NotFoundError("只有程序自带的条款模板可以恢复默认。")
    with db.transaction() as conn:
        conn.execute("DELETE FROM clause_templates WHERE default_key = ?", (key,))
