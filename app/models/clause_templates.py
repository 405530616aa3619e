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
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from app.models import accounts, rows
from app.models.accounts import Actor
from app.models.db import Database
from app.models.errors import NotFoundError, ValidationError
from app.models.parsing import money
from app.models.parsing.errors import shown
from app.models.reference import categories
from app.paths import resource_path

EVERY_CATEGORY = "*"  # offered whatever the dispute's category
APPLICANT = "{申请人}"
RESPONDENT = "{被申请人}"
TITLE_FIELD = "条款名称"
BODY_FIELD = "条款内容"
CATEGORY_FIELD = "适用纠纷类型"
TERMS_FIELD = "协议内容"  # how the services name the agreement's terms


@dataclass(frozen=True)
class ClauseTemplate:
    key: str  # the shipped key, or the row id of an office's own template
    category: str  # a category from reference.categories(), or EVERY_CATEGORY
    title: str
    body: str
    shipped: bool  # one of the program's defaults (possibly edited)
    edited: bool  # a shipped default whose text the office changed
    # the row's edit stamp as read (rows.stamp_sql; ABSENT: a shipped one never edited)
    stamp: str = rows.ABSENT


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


_SELECT = (
    f"SELECT *, {rows.stamp_sql('clause_templates', 'clause_templates')} AS stamp "
    "FROM clause_templates"
)


def all_templates(db: Database, *, include_hidden: bool = False) -> list[ClauseTemplate]:
    """Every template as the office sees it: shipped ones (with its edits), then its own."""
    overrides = {r["default_key"]: r for r in db.query(f"{_SELECT} WHERE default_key IS NOT NULL")}
    out: list[ClauseTemplate] = []
    for t in _shipped():
        row = overrides.get(t.key)
        if row is None:
            out.append(t)
        elif include_hidden or not row["hidden"]:
            out.append(
                ClauseTemplate(
                    t.key, row["category"], row["title"], row["body"], True, True, row["stamp"]
                )
            )
    for r in db.query(
        f"{_SELECT} WHERE default_key IS NULL"
        + ("" if include_hidden else " AND hidden = 0")
        + " ORDER BY position, created_at"
    ):
        out.append(
            ClauseTemplate(r["id"], r["category"], r["title"], r["body"], False, False, r["stamp"])
        )
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
BLANK_WORDS = "________"  # the capitals of a figure not (yet) an amount

# What is typed where a sum's figure goes. From a digit up to 元: digits and whatever a
# slip puts there ("15000o", "1e30", "3.141"), but no space, no bracket, no punctuation
# ending a phrase and no Chinese character but a unit ("1.2万", "200亿"): a phrase such
# as "人民币3000，分两期每期1500元" is not one figure, and is left alone. Else a word or
# two ("三千", "叁仟"), which no amount is read from.
_DIGITS = "0-9０-９"
_FIGURE = (
    rf"[{_DIGITS}](?:[^\s元（()）。；;：:、\u3400-\u9fff\uf900-\ufaff]|[万亿千百拾佰仟])*"
    rf"|[^\s元（()）。，,；;：:、_{_DIGITS}]{{1,12}}"
)
# "人民币3000元", optionally followed by its capitals "（大写：叁仟元整）". A figure still
# blank ("人民币____元"), or emptied ("人民币元"), matches too: a known amount can be put
# in, and capitals left from an earlier figure are blanked.
SUM = re.compile(
    rf"人民币\s*(?P<figure>{_FIGURE}|_{{2,}}|)\s*元"
    r"(?:[（(]大写[：:]\s*(?P<words>[^）)]*?)\s*[）)])?"
)
# Amounts paid every month or year (赡养费、抚养费) are not the sum the agreement is about.
_PERIODIC = re.compile(r"每[月年季期]")
# An amount with a slip of the finger after it ("15000o", "3000.", "1.2万w"): a letter or
# sign or two, not a digit and not a Chinese unit ("200亿" is not "200" mistyped).
_STRAY_END = re.compile(r"(?P<figure>.*?[0-9０-９万])[^0-9０-９\u3400-\u9fff]{1,2}")


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
    """A sum's figure as typed into a clause → fen; None when it is no amount. The rules
    are money.read_yuan's: "3000", "3,000.50", full-width digits, "1.2万"."""
    try:
        return money.read_yuan(figure) if figure.strip() else None
    except money.MoneyError:
        return None


def _typed(figure: str) -> bool:
    """Something was typed as the figure (not a blank, not nothing)."""
    return bool(figure.strip()) and not BLANK.fullmatch(figure.strip())


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
    paid every month or year left out). None when no term states one it can read."""
    found: list[int] = []
    for term in terms:
        sums = _sums(term)
        fen = figure_fen(sums[0]["figure"]) if sums else None
        if fen is not None:
            found.append(fen)
    return sum(found) if found else None


def capitals_to_fill(text: str) -> tuple[int, int, str] | None:
    """Where a clause's capitals do not follow its figure ("人民币3000元（大写：____）"):
    (start, end, the right capitals) of the first such place, or None. A figure that is
    no amount ("15000o", blank, emptied) has blank capitals (BLANK_WORDS): never those of
    an earlier figure."""
    for m in SUM.finditer(text):
        words = m["words"]
        if words is None:
            continue
        fen = figure_fen(m["figure"])
        if fen is None:
            if BLANK.fullmatch(words):
                continue  # blank already (a template's own blank stays as it is)
            right = BLANK_WORDS
        else:
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


@dataclass(frozen=True)
class BadFigure:
    """A sum in a term whose figure is no amount: where it is, and what to tell."""

    term: int  # 0-based, as the terms are listed (第1条 is 0)
    start: int  # the figure's place in the term's text
    end: int
    figure: str
    message: str  # 第2条：“15000o”不是金额，请改成数字，如 15000


def _bad_figure(term: int, m: re.Match[str]) -> BadFigure | None:
    figure = m["figure"]
    if not _typed(figure):
        return None  # a blank still to fill in is not wrong (a draft is a working paper)
    if not re.match(f"[{_DIGITS}]", figure) and m["words"] is None:
        return None  # "人民币叁仟元" in words: no figure was asked for
    try:
        money.read_yuan(figure)
        return None
    except money.MoneyError as exc:
        problem = exc.message
    stray = _STRAY_END.fullmatch(figure)  # an amount and a slip of the finger after it
    if stray is not None and figure_fen(stray["figure"]) is not None:
        problem = f"“{shown(figure)}”不是金额，请改成数字，如 {stray['figure']}"
    return BadFigure(term, m.start("figure"), m.end("figure"), figure, f"第{term + 1}条：{problem}")


def bad_figures(terms: Sequence[str]) -> list[BadFigure]:
    """Every sum of the terms (人民币…元) whose typed figure cannot be read as an amount,
    in order."""
    found = (_bad_figure(i, m) for i, term in enumerate(terms) for m in SUM.finditer(term))
    return [bad for bad in found if bad is not None]


def check_figures(terms: Sequence[str]) -> None:
    """ValidationError on 协议内容 naming each term whose sum is no amount."""
    bad = bad_figures(terms)
    if bad:
        raise ValidationError(TERMS_FIELD, "；".join(b.message for b in bad))


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
    db: Database,
    key: str | None,
    *,
    category: str,
    title: str,
    body: str,
    by: Actor,
    loaded: Mapping[str, str] | None = None,
    stamp: str | None = None,
) -> str:
    """Save an edit of a template (shipped or the office's own) or, with key None, a new one.
    Returns the template's key.

    The editor gives ``loaded`` (category, title, body as it showed them) and ``stamp``
    (ClauseTemplate.stamp): only what the user changed is written, and nothing when the
    template changed since (StaleEditError). Without a stamp all of it is written (the
    program's own writes)."""
    typed = {"category": category, "title": title, "body": body}
    category, title, body = _checked(category, title, body)
    values = {"category": category, "title": title, "body": body, "hidden": 0}
    shipped_keys = {t.key for t in _shipped()}
    what = f"条款模板“{(loaded or {}).get('title') or title}”"
    with db.transaction() as conn:
        accounts.authorize(conn, by, "templates")
        shipped = key in shipped_keys
        if key is not None and not shipped:
            found = conn.execute("SELECT 1 FROM clause_templates WHERE id = ?", (key,)).fetchone()
            if found is None:
                raise NotFoundError("这个条款模板已被删除，请刷新后再试。")
        return rows.save_catalogue_text(
            conn, "clause_templates", key, values, shipped=shipped, typed=typed, loaded=loaded,
            stamp=stamp, by=by.user_id, what=what,
        )  # fmt: skip


def hide_template(db: Database, key: str, *, by: Actor) -> None:
    """Stop offering a template (a shipped one can be brought back by restore_default)."""
    shipped = {t.key: t for t in _shipped()}
    with db.transaction() as conn:
        accounts.authorize(conn, by, "templates")
        values: dict[str, Any] | None = None
        if key in shipped:
            t = shipped[key]
            values = {"category": t.category, "title": t.title, "body": t.body}
        elif conn.execute("SELECT 1 FROM clause_templates WHERE id = ?", (key,)).fetchone() is None:
            raise NotFoundError("这个条款模板已被删除，请刷新后再试。")
        rows.hide_catalogue_text(conn, "clause_templates", key, values, by=by.user_id)


def restore_default(db: Database, key: str, *, by: Actor) -> None:
    """Back to the shipped text (and offered again, if it was hidden)."""
    if key not in {t.key for t in _shipped()}:
        raise NotFoundError("只有程序自带的条款模板可以恢复默认。")
    with db.transaction() as conn:
        accounts.authorize(conn, by, "templates")
        conn.execute("DELETE FROM clause_templates WHERE default_key = ?", (key,))
