"""The base of every printable document: what a form is, once.

A document is a subclass of :class:`PrintableForm` with its ``key``, ``title`` and the case
``states`` that offer it; it makes its PDF from a case (``None``: the blank form) and says,
in plain Chinese, why it is not offered for a case now (:meth:`unavailable_reason`): the
print menu asks the document and shows the answer. Most forms are a :class:`Form` (the
committee's name, the title and the case number, then the form's ``story``); the forms
with one record per session or visit are a :class:`RecordForm` (``records`` and one
record's story: the pages per record and their numbering are done here).

See docs/printing.md, "Adding a form".
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from typing import ClassVar, Generic, TypeVar

from reportlab.platypus import Flowable, PageBreak

from app.models.casefile import CaseFile, SessionRecord
from app.models.reference import OUTCOMES, STATES
from app.printing import common as C
from app.printing import layout as L
from app.printing.context import OfficeInfo
from app.printing.fonts import FontSet, get_fonts

ALL_STATES = frozenset(
    {"registered", "accepted", "assigned", "mediating", "closed", "archived", "declined"}
)
AFTER_ACCEPT = frozenset({"accepted", "assigned", "mediating", "closed", "archived"})
MEDIATED = frozenset({"mediating", "closed", "archived"})
CLOSED = frozenset({"closed", "archived"})


class PrintableForm(ABC):
    """A printable document: its key, title and paper, the states of a case that offer
    it, its PDF for a case or blank, how many copies to print, and why it is not offered."""

    key: ClassVar[str]
    title: ClassVar[str]
    states: ClassVar[frozenset[str]]  # the case states in which it is offered
    paper: ClassVar[str] = "A4"
    orientation: ClassVar[str] = "portrait"

    @abstractmethod
    def laid(self, case: CaseFile | None, office: OfficeInfo, fonts: FontSet) -> L.Laid:
        """The document filled from ``case``, laid out (its PDF is written when asked
        for); for ``None`` the blank form to fill by hand."""

    def pdf(self, case: CaseFile | None, office: OfficeInfo, fonts: FontSet) -> bytes:
        return self.laid(case, office, fonts).pdf

    def pages(self, case: CaseFile, office: OfficeInfo, *, fonts: FontSet | None = None) -> int:
        """How many pages the document has for ``case`` (laid out, not written)."""
        return self.laid(case, office, fonts or get_fonts()).pages

    def build(self, case: CaseFile, office: OfficeInfo, *, fonts: FontSet | None = None) -> bytes:
        return self.pdf(case, office, fonts or get_fonts())

    def build_blank(self, office: OfficeInfo, *, fonts: FontSet | None = None) -> bytes:
        return self.pdf(None, office, fonts or get_fonts())

    def copies(self, case: CaseFile) -> int:
        """How many copies the print dialog presets."""
        return 1

    def missing(self, case: CaseFile) -> str | None:
        """What ``case`` lacks for this document whatever its state (no records, another
        outcome…) and what to do, in plain Chinese; None when it has what it needs."""
        return None

    def offered(self, case: CaseFile) -> bool:
        """Whether ``case`` has what the document needs (its state aside)."""
        return self.missing(case) is None

    def unavailable_reason(self, case: CaseFile) -> str | None:
        """Why the document is not offered for ``case`` now, and what to do, in plain
        Chinese; None when it is offered."""
        if case.state not in self.states:
            wanted = "、".join(STATES[s] for s in STATES if s in self.states)
            now = STATES.get(case.state, case.state)
            return f"《{self.title}》要在案件{wanted}时才能打印，本案现在是“{now}”。"
        return self.missing(case)

    def offered_for(self, case: CaseFile) -> bool:
        """Whether the case's documents menu offers this one now."""
        return self.unavailable_reason(case) is None

    def only_for_outcome(self, case: CaseFile, outcome: str, cases: str) -> str | None:
        """For :meth:`missing` of a document made for one 调解结果: None when ``case`` has
        ``outcome``, else the reason (``cases``: the cases it is for, "以“达成书面协议”结案")."""
        if case.outcome == outcome:
            return None
        return f"《{self.title}》只用于{cases}的案件，本案的调解结果是“{outcome_label(case)}”。"


def outcome_label(case: CaseFile) -> str:
    """The case's 调解结果 as a reason quotes it."""
    return OUTCOMES.get(case.outcome or "", "（未填写）")


class Form(PrintableForm):
    """A model form: the committee's name and the title, the case number (or a blank for
    it), then :meth:`story` (:func:`app.printing.common.form_laid`)."""

    numbered: ClassVar[bool] = True  # the case number under the title
    # set in the loosest density that lays it out well (False: in the standard one)
    fitted: ClassVar[bool] = True
    one_sheet: ClassVar[bool] = False  # one page if it can be, as the model form is

    @abstractmethod
    def story(self, case: CaseFile | None, office: OfficeInfo, fonts: FontSet) -> list[Flowable]:
        """The form below its heading; ``case`` None for the blank form."""

    def laid(self, case: CaseFile | None, office: OfficeInfo, fonts: FontSet) -> L.Laid:
        def body() -> list[Flowable]:
            return self.story(case, office, fonts)

        return C.form_laid(
            self.title,
            body if self.fitted else body(),
            office,
            fonts,
            case,
            number=self.numbered,
            one_sheet=self.one_sheet,
        )


R = TypeVar("R")


class RecordForm(Form, Generic[R]):
    """A form with one record per session, visit…: each record is signed on its own, so
    each starts a new page with the titles and the case number and is numbered on its own
    ("第1页 共n页"). The blank form is one record."""

    fitted = False
    # where in the case window the records are entered (for the reason it is not offered)
    where: ClassVar[str]

    @abstractmethod
    def records(self, case: CaseFile) -> Sequence[R]:
        """The case's records, each printed on pages of its own, in order."""

    @abstractmethod
    def record_story(
        self, case: CaseFile | None, record: R | None, fonts: FontSet
    ) -> list[Flowable]:
        """One record; ``record`` None for the blank one."""

    def missing(self, case: CaseFile) -> str | None:
        if self.records(case):
            return None
        return f"本案还没有《{self.title}》要填写的记录。{self.where}"

    def story(self, case: CaseFile | None, office: OfficeInfo, fonts: FontSet) -> list[Flowable]:
        items: list[R | None] = list(self.records(case)) if case else []
        out: list[Flowable] = []
        for n, record in enumerate(items or [None]):
            if n:
                out += self.next_record(case, office, fonts)
            out += self.record_story(case, record, fonts)
        return out

    def next_record(
        self, case: CaseFile | None, office: OfficeInfo, fonts: FontSet
    ) -> list[Flowable]:
        """The start of the next record: a new page with the titles and the case number,
        numbered on its own."""
        return [
            PageBreak(),
            L.PageGroup(),
            *C.titles(C.committee_name(case, office), self.title, fonts),
            C.case_number_line(case, fonts),
        ]


class SessionsForm(RecordForm[SessionRecord]):
    """A record form of the case's sessions of one kind: 调解 or 调查."""

    kind: ClassVar[str]  # SessionRecord.kind

    def records(self, case: CaseFile) -> list[SessionRecord]:
        return [s for s in case.sessions if s.kind == self.kind]
