"""人民调解记录: one record per mediation session of the case."""

from __future__ import annotations

import re

from reportlab.platypus import Flowable

from app.models.casefile import CaseFile, SessionRecord
from app.printing import common as C
from app.printing.context import OfficeInfo
from app.printing.fonts import FontSet, get_fonts

KEY = "session_record"
TITLE = "人民调解记录"
STATES = frozenset({"mediating", "closed", "archived"})
KIND = "session"


def records(case: CaseFile) -> list[SessionRecord]:
    return [s for s in case.sessions if s.kind == KIND]


def offered(case: CaseFile) -> bool:
    return bool(records(case))


def record_story(case: CaseFile | None, s: SessionRecord | None, fonts: FontSet) -> list[Flowable]:
    def f(name: str) -> str:
        return "" if s is None else str(getattr(s, name))

    parties = C.ordered_parties(case) if case else []
    present = "、".join(f"{p.role_label}{p.name}" for p in parties)
    rows = [
        ["调解时间", C.moment(f("held_at")), "调解地点", f("place")],
        ["事由", f("subject"), "", ""],
        ["当事人", present, "", ""],
        ["参加人", f("participants"), "", ""],
        ["调解人员", f("staff"), "记录人", f("recorder")],
    ]
    table = C.form_table(
        rows, C.RECORD_COLUMNS, fonts, spans=[("SPAN", (1, r), (3, r)) for r in (1, 2, 3)]
    )
    signers = [C.party_signer(p) for p in parties] or [
        ("当事人", "", "签名（按指印）"),
        ("当事人", "", "签名（按指印）"),
    ]
    # one line for each mediator to sign on ("王建华、陈秀兰" as typed in 调解人员)
    staff = [name for name in re.split(r"[、，,；;\s]+", f("staff")) if name]
    signers += [("人民调解员", name, "签名") for name in staff or [""]]
    signers.append(("记录人", f("recorder"), "签名"))
    body = [
        table,
        # a blank record: its lines fill the first page; the result and signatures follow
        *C.long_text("调解记录", f("record"), fonts, blank_lines=11),
        # two lines for a result still to come: a short record and its signatures are one page
        *C.long_text("调解结果", f("result"), fonts, blank_lines=2),
    ]
    return C.finish(body, C.signature_lines(signers, fonts))


def story(case: CaseFile | None, office: OfficeInfo, fonts: FontSet) -> list[Flowable]:
    items: list[SessionRecord | None] = list(records(case)) if case else []
    out: list[Flowable] = []
    for n, s in enumerate(items or [None]):
        if n:
            out += C.next_record(case, office, TITLE, fonts)
        out += record_story(case, s, fonts)
    return out


def build(case: CaseFile | None, office: OfficeInfo, *, fonts: FontSet | None = None) -> bytes:
    fonts = fonts or get_fonts()
    return C.form_pdf(TITLE, story(case, office, fonts), office, fonts, case)


def build_blank(office: OfficeInfo, *, fonts: FontSet | None = None) -> bytes:
    return build(None, office, fonts=fonts)
