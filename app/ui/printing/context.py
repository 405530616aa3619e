"""What the documents need to know about the office, read from the database."""

from __future__ import annotations

from pathlib import Path

from app.models.casefile import CaseFile
from app.models.db import Database
from app.models.office import get_committee, main_committee, office_details, town_name
from app.printing import fonts
from app.printing.context import OfficeInfo, office_info
from app.ui import ui_settings

_font_applied = False


def apply_print_font(path: Path | None) -> None:
    """Print with ``path`` (a system font file; None: the shipped fonts) from now on."""
    global _font_applied
    fonts.select(fonts.FontConfig(body_font=path))
    _font_applied = True


def office_for(db: Database, case: CaseFile | None = None, *, court_name: str = "") -> OfficeInfo:
    """The committee that prints: the case's own committee (a village committee prints
    its own name and seal), the office's main committee for blank forms; with the
    office's details (单位信息: address, phone, court, 保管期限). ``court_name`` overrides
    the office's court for one document."""
    if not _font_applied:  # the first document of this run: this PC's font setting
        apply_print_font(ui_settings.load_print_font())
    committee = get_committee(db, case.committee_id) if case else main_committee(db)
    details = office_details(db)
    return office_info(
        committee,
        seal_text=committee.seal_text,
        town_name=town_name(db),
        address=details.address,
        phone=details.phone,
        court_name=court_name or details.court_name,
        retention=details.retention,
    )
