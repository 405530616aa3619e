"""当事人权利义务告知书: the parties' rights (Art 23) and duties (Art 24)."""

from __future__ import annotations

from reportlab.platypus import Flowable

from app.models.casefile import CaseFile
from app.printing import common as C
from app.printing import layout as L
from app.printing.context import OfficeInfo
from app.printing.fonts import FontSet
from app.printing.forms.base import AFTER_ACCEPT, Form
from app.printing.layout import Span

INTRO = (
    "根据《中华人民共和国人民调解法》的规定，现将当事人在人民调解活动中享有的权利和"
    "承担的义务告知如下："
)
RIGHTS = (  # Art 23
    "（一）选择或者接受人民调解员；",
    "（二）接受调解、拒绝调解或者要求终止调解；",
    "（三）要求调解公开进行或者不公开进行；",
    "（四）自主表达意愿、自愿达成调解协议。",
)
DUTIES = (  # Art 24
    "（一）如实陈述纠纷事实；",
    "（二）遵守调解现场秩序，尊重人民调解员；",
    "（三）尊重对方当事人行使权利。",
)
FREE = "人民调解委员会调解民间纠纷，不收取任何费用（《中华人民共和国人民调解法》第四条）。"
RECEIVED = "以上内容本人已经知悉。"


class RightsNoticeForm(Form):
    key = "rights_notice"
    title = "当事人权利义务告知书"
    states = AFTER_ACCEPT
    one_sheet = True

    def story(self, case: CaseFile | None, office: OfficeInfo, fonts: FontSet) -> list[Flowable]:
        parties = C.ordered_parties(case) if case else []
        to = "、".join(p.name for p in parties)
        out: list[Flowable] = [
            L.Paragraph([L.value(to, 12), Span("：")], L.BODY_FLUSH, fonts),
            L.Paragraph(INTRO, L.BODY, fonts),
            L.Paragraph("一、当事人在人民调解活动中享有下列权利：", L.HEADING, fonts),
            *(L.Paragraph(r, L.BODY, fonts) for r in RIGHTS),
            L.Paragraph("二、当事人在人民调解活动中履行下列义务：", L.HEADING, fonts),
            *(L.Paragraph(d, L.BODY, fonts) for d in DUTIES),
            L.Paragraph("三、" + FREE, L.BODY, fonts),
            L.Paragraph(RECEIVED, L.BODY, fonts),
        ]
        signers = [C.party_signer(p) for p in parties] or [
            ("当事人", "", "签名（按指印）"),
            ("当事人", "", "签名（按指印）"),
        ]
        block = [
            *C.signature_lines(signers, fonts),
            C.seal_block(
                C.committee_name(case, office), L.day(case.accepted_on if case else None), fonts
            ),
        ]
        return C.finish(out, block)


FORM = RightsNoticeForm()
KEY, TITLE = FORM.key, FORM.title
build, build_blank, offered = FORM.build, FORM.build_blank, FORM.offered
