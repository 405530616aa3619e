"""Every printable document in one list: the UI's print menu, batch printing and the
tests all read it.

Each document is a form (:class:`app.printing.forms.base.PrintableForm`: key, title,
paper, the case states that offer it, its PDF filled or blank, the default copies, and
why it is not offered for a case); the registry lists them in the order of the case file.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

from app.models.casefile import CaseFile
from app.printing import agreement
from app.printing.common import count_pages
from app.printing.context import OfficeInfo
from app.printing.forms import (
    acceptance,
    application,
    confirmation,
    contents,
    cover,
    follow_up,
    investigation,
    oral_agreement,
    rights_notice,
    session_record,
    termination,
)
from app.printing.forms.base import AFTER_ACCEPT as AFTER_ACCEPT  # for the registry's readers
from app.printing.forms.base import ALL_STATES as ALL_STATES
from app.printing.forms.base import PrintableForm

Builder = Callable[[CaseFile, OfficeInfo], bytes]


@dataclass(frozen=True)
class PrintableDocument:
    """A document of the registry: its form, and the builder the program calls (the
    form's own; a stand-in may take its place, as where a test makes a form fail)."""

    form: PrintableForm
    build: Builder

    @classmethod
    def of(cls, form: PrintableForm) -> PrintableDocument:
        return cls(form, form.build)

    @property
    def key(self) -> str:
        return self.form.key

    @property
    def title(self) -> str:
        return self.form.title

    @property
    def states(self) -> frozenset[str]:
        return self.form.states

    @property
    def paper(self) -> str:
        return self.form.paper

    @property
    def orientation(self) -> str:
        return self.form.orientation

    def build_blank(self, office: OfficeInfo) -> bytes:
        return self.form.build_blank(office)

    def pages(self, case: CaseFile, office: OfficeInfo) -> int:
        """How many pages :meth:`build` gives for ``case``: the form's own layout, not
        written, unless a stand-in builds instead."""
        if self.build == self.form.build:
            return self.form.pages(case, office)
        return count_pages(self.build(case, office))

    def copies(self, case: CaseFile) -> int:
        return self.form.copies(case)

    def unavailable_reason(self, case: CaseFile) -> str | None:
        """Why the document is not offered for ``case`` now, in plain Chinese (None: it is)."""
        return self.form.unavailable_reason(case)

    def offered_for(self, case: CaseFile) -> bool:
        """Whether the case's documents menu offers this one now."""
        return self.form.offered_for(case)


# In the order of the case file (卷内目录 lists them in this order).
DOCUMENTS: tuple[PrintableDocument, ...] = tuple(
    PrintableDocument.of(form)
    for form in (
        cover.FORM,
        contents.FORM,
        application.FORM,
        acceptance.FORM,
        rights_notice.FORM,
        investigation.FORM,
        session_record.FORM,
        agreement.FORM,
        oral_agreement.FORM,
        termination.FORM,
        follow_up.FORM,
        confirmation.FORM,
    )
)


# The documents that print the parties' ID numbers in full (the official forms ask for
# them: the party tables and lines of 申请书, 受理登记表, the agreements, 司法确认申请书).
# Printing or saving one for a case whose parties have numbers is recorded
# (docs/privacy.md); tests/printing/test_registry.py checks this list against the PDFs.
SHOWS_ID_NUMBERS: Final = frozenset(
    {
        application.KEY,
        acceptance.KEY,
        agreement.KEY,
        agreement.DRAFT_KEY,
        oral_agreement.KEY,
        confirmation.KEY,
    }
)


def shows_id_numbers(key: str, case: CaseFile) -> bool:
    """Whether document ``key`` printed for ``case`` holds an ID number in full."""
    return key in SHOWS_ID_NUMBERS and any(p.id_number.strip() for p in case.parties)


def documents() -> list[PrintableDocument]:
    return list(DOCUMENTS)


def document(key: str) -> PrintableDocument:
    for d in DOCUMENTS:
        if d.key == key:
            return d
    raise KeyError(key)


def for_case(case: CaseFile) -> list[PrintableDocument]:
    """The documents to offer for ``case`` in its current state, in the registry's order."""
    return [d for d in DOCUMENTS if d.offered_for(case)]
