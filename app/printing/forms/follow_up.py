"""人民调解回访记录: one record per follow-up visit after the agreement."""

from __future__ import annotations

from reportlab.platypus import Flowable

from app.models.casefile import CaseFile, FollowUp
from app.models.reference import PERFORMANCE
from app.printing import common as C
from app.printing import layout as L
from app.printing.fonts import FontSet
from app.printing.forms.base import CLOSED, RecordForm


class FollowUpForm(RecordForm[FollowUp]):
    key = "follow_up"
    title = "人民调解回访记录"
    states = CLOSED
    where = "请先在案件窗口点“回访”登记回访情况。"

    def records(self, case: CaseFile) -> list[FollowUp]:
        return case.follow_ups

    def record_story(
        self, case: CaseFile | None, v: FollowUp | None, fonts: FontSet
    ) -> list[Flowable]:
        rows = [
            ["回访日期", L.day_text(v.visited_on) if v else "", "回访人", v.visitor if v else ""],
            ["被回访人", v.person_visited if v else "", "满意程度", v.satisfaction if v else ""],
            ["协议编号", C.printed_number(case), "", ""],
            ["纠纷事项", C.case_name(case) if case else "", "", ""],
            ["履行情况", PERFORMANCE.get(v.performed, v.performed) if v else "", "", ""],
        ]
        table = C.form_table(
            rows, C.RECORD_COLUMNS, fonts, spans=[("SPAN", (1, r), (3, r)) for r in (2, 3, 4)]
        )
        # 6 + 2 lines to write on: the blank record, signatures included, is one page
        body = [
            table,
            *C.long_text(
                "回访情况（履行、诉讼、矛盾反复等）", v.findings if v else "", fonts, blank_lines=6
            ),
            *C.long_text("采取的措施", v.measures if v else "", fonts, blank_lines=2),
        ]
        signers = [
            ("回访人", v.visitor if v else "", "签名"),
            ("被回访人", v.person_visited if v else "", "签名（按指印）"),
        ]
        return C.finish(body, C.signature_lines(signers, fonts))


FORM = FollowUpForm()
KEY, TITLE = FORM.key, FORM.title
build, build_blank, offered = FORM.build, FORM.build_blank, FORM.offered
