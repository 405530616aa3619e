"""人民调解调查记录: one record per investigation of the case."""

from __future__ import annotations

from reportlab.platypus import Flowable

from app.models.casefile import CaseFile, SessionRecord
from app.printing import common as C
from app.printing.context import OfficeInfo
from app.printing.fonts import FontSet, get_fonts

KEY = "investigation"
TITLE = "人民调解调查记录"
# An investigation may be recorded once the case is accepted (app.models.cases:
# record_investigation is allowed while accepted, assigned or mediating) and stays in the
# file after closing; the record is offered wherever one can exist.
STATES = frozenset({"accepted", "assigned", "mediating", "closed", "archived"})
KIND = "investigation"


def records(case: CaseFile) -> list[SessionRecord]:
    return [s for s in case.sessions if s.kind == KIND]


def offered(case: CaseFile) -> bool:
    return bool(records(case))


def record_story(s: SessionRecord | None, fonts: FontSet) -> list[Flowable]:
    def f(name: str) -> str:
        return "" if s is None else str(getattr(s, name))

    rows = [
        ["调查时间", C.moment(f("held_at")), "调查地点", f("place")],
        ["被调查人", f("subject"), "参加人", f("participants")],
        ["调查人", f("staff"), "记录人", f("recorder")],
    ]
    table = C.form_table(rows, C.RECORD_COLUMNS, fonts)
    signers = [
        ("被调查人", f("subject"), "签名（按指印）"),
        ("调查人", f("staff"), "签名"),
        ("记录人", f("recorder"), "签名"),
    ]
    # nine lines to write on: the blank record, signatures included, is one page
    body = [table, *C.long_text("调查记录", f("record"), fonts, blank_lines=9)]
    return C.finish(body, C.signature_lines(signers, fonts))


def story(case: CaseFile | None, office: OfficeInfo, fonts: FontSet) -> list[Flowable]:
    items: list[SessionRecord | None] = list(records(case)) if case else []
    out: list[Flowable] = []
    for n, s in enumerate(items or [None]):
        if n:
            out += C.next_record(case, office, TITLE, fonts)
        out += record_story(s, fonts)
    return out


def build(case: CaseFile | None, office: OfficeInfo, *, fonts: FontSet | None = None) -> bytes:
    fonts = fonts or get_fonts()
    return C.form_pdf(TITLE, story(case, office, fonts), office, fonts, case)


def build_blank(office: OfficeInfo, *, fonts: FontSet | None = None) -> bytes:
    return build(None, office, fonts=fonts)
