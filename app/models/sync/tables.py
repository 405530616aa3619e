"""What travels between installations, declared once.

Every synced table has a text key ``id`` (uuid7, or a name-based uuid5 for rows that exist at
most once per natural key: see :func:`natural_id`) and, except the append-only ones, the stamp
columns. ``settings`` travels by key, apart from the keys that describe this installation.
Everything else (the search index, the number sequences the office owns, the sync state) is
local to one installation.
"""

from __future__ import annotations

import uuid
from typing import Final

# Parents before children, so that a starter file or a first merge reads naturally; the merge
# itself defers foreign keys to the commit and does not depend on this order.
SYNCED_TABLES: Final[tuple[str, ...]] = (
    "devices",
    "users",
    "places",
    "committees",
    "mediators",
    "parties",
    "cases",
    "case_parties",
    "case_events",
    "sessions",
    "assignments",
    "extensions",
    "referrals",
    "agreements",
    "agreement_drafts",
    "follow_ups",
    "judicial_confirmations",
    "clause_templates",
    "grid_workers",
    "legal_advisers",
    "talk_points",
    "households",
    "household_members",
    "household_chart_options",
    "outreach_content",
    "broadcast_schedule",
    "monthly_reports",
    "number_blocks",
    "conflict_decisions",
    "privacy_events",  # who showed, exported, corrected or erased ID numbers (docs/privacy.md)
)

# Tables whose rows are never changed once written: a merge only adds the missing ones.
APPEND_ONLY: Final[frozenset[str]] = frozenset(
    {"case_events", "conflict_decisions", "privacy_events"}
)

# Columns that belong to one installation: never logged, never sent.
LOCAL_COLUMNS: Final[dict[str, frozenset[str]]] = {"cases": frozenset({"seq"})}

# Who-and-when columns: they travel (last writer wins) but two sides stamping the same row is
# not a conflict of their own.
STAMP_COLUMNS: Final[frozenset[str]] = frozenset(
    {"created_at", "updated_at", "updated_by", "origin"}
)

# settings keys that describe this installation, not the office.
LOCAL_SETTINGS: Final[frozenset[str]] = frozenset(
    {
        "device_id",
        "device_name",
        "default_user_id",  # the person who works at this installation
        "set_up_at",
        "office_id",  # copied into a starter file, never changed afterwards
        "search_index_version",
        "search_index_rebuild",
    }
)
LOCAL_SETTING_PREFIXES: Final[tuple[str, ...]] = ("sync.", "local.")

SETTINGS: Final = "settings"

# Columns merged as one unit, not field by field (docs/sync.md "A case's life cycle"): the
# first names the unit in conflicts (冲突处理 shows it once, as 办理状态). A 受理, 不予受理,
# 结案, 归档, 重新调解 or 作废 writes several of them at once, and a case's state only makes
# sense with its dates and result: merged column by column, an office's 重新调解 and a
# laptop's 归档 made without seeing each other would leave an archived case without a
# closing date or result. Left out on purpose: the case number (``number``, ``number_year``,
# ``number_seq``, ``number_provisional``: set once by 受理 and then only by the office's
# renumbering, which must never be undone by a concurrent step, or a real number would be
# lost; no step clears them) and ``due_on`` (an extension is a fact of its own, with its own
# row: a later deadline on a case closed meanwhile harms nothing, while one unit would let an
# extension granted in the office undo a 结案 made in the village).
CASE_LIFECYCLE: Final[tuple[str, ...]] = (
    "state",
    "accepted_on",
    "declined_on",
    "decline_reason",
    "closed_on",
    "closed_on_basis",
    "outcome",
    "performance",
    "amount_fen",
    "prevented_criminal",
    "prevented_petition",
    "close_note",
    "archived_on",
    "voided_on",
    "void_reason",
)
UNITS: Final[dict[str, tuple[str, ...]]] = {"cases": CASE_LIFECYCLE}

# Tables that belong to a case (a case_id column): a field laptop carries those of its cases.
CASE_CHILD_TABLES: Final[tuple[str, ...]] = (
    "case_parties",
    "case_events",
    "sessions",
    "assignments",
    "extensions",
    "referrals",
    "agreements",
    "agreement_drafts",
    "follow_ups",
    "judicial_confirmations",
)

# Rows that exist at most once per natural key get a name-based key, so that two
# installations that make "the agreement of case X" or "the office's edit of clause K" make
# the same row and their fields merge, instead of two rows that break a UNIQUE constraint.
NATURAL_KEYS: Final[dict[str, tuple[str, ...]]] = {
    "agreements": ("case_id",),
    "agreement_drafts": ("case_id",),
    "household_chart_options": ("grid_id",),
    "monthly_reports": ("committee_id", "year", "month"),
    "clause_templates": ("default_key",),
    "outreach_content": ("default_key",),
}

_NAMESPACE: Final = uuid.UUID("6f1d2c1e-7b51-4d0e-9a43-3b8a4e3c9d10")


def natural_id(table: str, *key: object) -> str:
    """The key of the one row of ``table`` for this natural key, the same on every machine."""
    return str(uuid.uuid5(_NAMESPACE, "\x1f".join([table, *(str(k) for k in key)])))


def is_local_setting(key: str) -> bool:
    return key in LOCAL_SETTINGS or key.startswith(LOCAL_SETTING_PREFIXES)
