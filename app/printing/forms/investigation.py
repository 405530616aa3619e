"""人民调解调查记录: one record per investigation of the case."""

from __future__ import annotations

from reportlab.platypus import Flowable

from app.models.casefile import CaseFile, SessionRecord
from app.printing import common as C
from app.printing.fonts import FontSet
from app.printing.forms.base import AFTER_ACCEPT, SessionsForm


class InvestigationForm(SessionsForm):
    key = "investigation"
    title = "人民调解调查记录"
    # An investigation may be recorded once the case is accepted (app.models.cases:
    # record_investigation is allowed while accepted, assigned or mediating) and stays in
    # the file after closing; the record is offered wherever one can exist.
    states = AFTER_ACCEPT
    kind = "investigation"
    where = "请先在案件窗口点“记录调查”登记调查情况（案件进入调解中以后可以打印）。"

    def record_story(
        self, case: CaseFile | None, s: SessionRecord | None, fonts: FontSet
    ) -> list[Flowable]:
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


FORM = InvestigationForm()
KEY, TITLE = FORM.key, FORM.title
build, build_blank, offered = FORM.build, FORM.build_blank, FORM.offered
