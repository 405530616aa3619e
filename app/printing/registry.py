"""Every printable document in one list: the UI's print menu, batch printing and the
tests all read it.

Each entry has a key, the title, the paper, a builder ``build(case, office) -> bytes``,
a builder of the blank form ``build_blank(office) -> bytes``, the case states in which
it is offered (plus an optional condition on the case, e.g. "closed with a written
agreement") and how many copies to print by default.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType
from typing import Final

from app.models.casefile import CaseFile
from app.printing import agreement
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

Builder = Callable[[CaseFile, OfficeInfo], bytes]
BlankBuilder = Callable[[OfficeInfo], bytes]

ALL_STATES = frozenset(
    {"registered", "accepted", "assigned", "mediating", "closed", "archived", "declined"}
)
AFTER_ACCEPT = frozenset({"accepted", "assigned", "mediating", "closed", "archived"})
MEDIATED = frozenset({"mediating", "closed", "archived"})
CLOSED = frozenset({"closed", "archived"})


def _always(case: CaseFile) -> bool:
    return True


def _one(case: CaseFile) -> int:
    return 1


@dataclass(frozen=True)
class PrintableDocument:
    key: str
    title: str
    build: Builder
    build_blank: BlankBuilder
    states: frozenset[str]
    paper: str = "A4"
    orientation: str = "portrait"
    condition: Callable[[CaseFile], bool] = _always
    copies: Callable[[CaseFile], int] = _one

    def offered_for(self, case: CaseFile) -> bool:
        """Whether the case's documents menu offers this one now."""
        return case.state in self.states and self.condition(case)


def _written(case: CaseFile) -> bool:
    return case.outcome == "agreement_written"


def _agreement(case: CaseFile, office: OfficeInfo) -> bytes:
    return agreement.agreement_pdf(case, office)


def _blank_agreement(office: OfficeInfo) -> bytes:
    return agreement.blank_agreement_pdf(office)


def _form(module: ModuleType) -> PrintableDocument:
    """The entry of a form module of app.printing.forms (KEY, TITLE, STATES, offered,
    build, build_blank)."""
    build = module.build
    build_blank = module.build_blank

    def _build(case: CaseFile, office: OfficeInfo) -> bytes:
        return bytes(build(case, office))

    def _build_blank(office: OfficeInfo) -> bytes:
        return bytes(build_blank(office))

    return PrintableDocument(
        key=str(module.KEY),
        title=str(module.TITLE),
        build=_build,
        build_blank=_build_blank,
        states=frozenset(module.STATES),
        condition=module.offered,
    )


# In the order of the case file (卷内目录 lists them in this order).
DOCUMENTS: tuple[PrintableDocument, ...] = (
    _form(cover),
    _form(contents),
    _form(application),
    _form(acceptance),
    _form(rights_notice),
    _form(investigation),
    _form(session_record),
    PrintableDocument(
        key=agreement.KEY,
        title=agreement.TITLE,
        build=_agreement,
        build_blank=_blank_agreement,
        states=CLOSED,
        condition=_written,
        copies=agreement.copies,
    ),
    _form(oral_agreement),
    _form(termination),
    _form(follow_up),
    _form(confirmation),
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
