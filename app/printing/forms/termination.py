"""终止调解通知书: mediation failed and ends; the parties are told the other routes (Art 26)."""

from __future__ import annotations

from reportlab.platypus import Flowable

from app.models.casefile import CaseFile
from app.printing import common as C
from app.printing import layout as L
from app.printing.context import OfficeInfo
from app.printing.fonts import FontSet
from app.printing.forms.base import CLOSED, Form
from app.printing.layout import Span

DECISION = "根据《中华人民共和国人民调解法》第二十六条的规定，本委员会决定终止调解。"
ROUTES_INTRO = "当事人可以依法通过仲裁、行政、司法等途径维护自己的权利："
ROUTES = (
    "（一）属于仲裁范围的纠纷，可以依法向仲裁机构申请仲裁；",
    "（二）可以依法请求有关行政机关处理；",
    "（三）可以依法向人民法院提起诉讼。",
)


def reason(case: CaseFile | None) -> list[Span]:
    """Why mediation ended: the note given when closing, or a blank to fill in."""
    note = case.close_note.strip() if case else ""
    if note:
        return [Span(note if note.endswith(("。", "！", "；")) else note + "。")]
    return [Span("因"), L.blank(12), Span("，当事人未能达成调解协议。")]


class TerminationForm(Form):
    key = "termination"
    title = "终止调解通知书"
    states = CLOSED

    def missing(self, case: CaseFile) -> str | None:
        return self.only_for_outcome(case, "terminated", "调解不成、终止调解")

    def story(self, case: CaseFile | None, office: OfficeInfo, fonts: FontSet) -> list[Flowable]:
        parties = C.ordered_parties(case) if case else []
        left, right = C.sides(case) if case else ([], [])
        committee = C.committee_name(case, office)
        body: list[Span] = [
            L.value(C.names(left), 4),
            Span("与"),
            L.value(C.names(right), 4),
            Span(f"{case.category}纠纷一案，" if case and case.category else "纠纷一案，"),
            Span("本委员会于"),
            *L.day(case.accepted_on if case else None),
            Span("受理后依法进行了调解。"),
            *reason(case),
            Span(DECISION),
        ]
        text = [
            L.Paragraph(
                [L.value("、".join(p.name for p in parties), 12), Span("：")], L.BODY_FLUSH, fonts
            ),
            L.Paragraph(body, L.BODY, fonts),
            L.Paragraph(ROUTES_INTRO, L.BODY, fonts),
            *(L.Paragraph(r, L.BODY, fonts) for r in ROUTES),
            L.Paragraph("特此通知。", L.BODY, fonts),
        ]
        # the seal and date stay on the page of the end of the text, never alone on top
        return C.finish(
            text, [C.seal_block(committee, L.day(case.closed_on if case else None), fonts)]
        )


FORM = TerminationForm()
KEY, TITLE = FORM.key, FORM.title
build, build_blank, offered = FORM.build, FORM.build_blank, FORM.offered
