"""What the documents need to know about the office, read from the database."""

from __future__ import annotations

from app.models.casefile import CaseFile
from app.models.db import Database
from app.models.office import get_committee, main_committee
from app.printing.context import OfficeInfo, office_info


def office_for(db: Database, case: CaseFile | None = None, *, court_name: str = "") -> OfficeInfo:
    """The committee that prints: the case's own committee (a village committee prints
    its own name and seal), the office's main committee for blank forms."""
    committee = get_committee(db, case.committee_id) if case else main_committee(db)
    fields = {"seal_text": committee.seal_text}
    if court_name:
        fields["court_name"] = court_name
    return office_info(committee, **fields)
