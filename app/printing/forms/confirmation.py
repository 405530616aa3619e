"""司法确认申请书: the parties' joint application to the court to confirm the agreement
(People's Mediation Law Art 33; Civil Procedure Law on confirming mediation agreements)."""

from __future__ import annotations

from reportlab.platypus import Flowable

from app.models.casefile import CaseFile
from app.printing import common as C
from app.printing import layout as L
from app.printing.context import OfficeInfo
from app.printing.fonts import FontSet
from app.printing.forms.base import CLOSED, Form, outcome_label
from app.printing.layout import Span

PROMISES = (  # the undertakings the court's rules ask of the applicants
    "（一）双方当事人出于解决纠纷的目的自愿达成协议，没有恶意串通、规避法律的行为；",
    "（二）如果因为该协议内容而给他人造成损害的，愿意承担相应的民事责任和其他法律责任。",
)


def court(case: CaseFile | None, office: OfficeInfo) -> str:
    if case and case.confirmations and case.confirmations[-1].court.strip():
        return case.confirmations[-1].court.strip()
    return office.court_name.strip()


class ConfirmationForm(Form):
    key = "confirmation_application"
    title = "司法确认申请书"
    states = CLOSED

    def missing(self, case: CaseFile) -> str | None:
        if case.can_apply_for_confirmation:
            return None
        return (
            "只有以“达成书面协议”结案的案件才能申请司法确认，"
            f"本案的调解结果是“{outcome_label(case)}”。"
        )

    def story(self, case: CaseFile | None, office: OfficeInfo, fonts: FontSet) -> list[Flowable]:
        a = case.agreement if case else None
        committee = C.committee_name(case, office)
        parties = C.ordered_parties(case) if case else []
        out: list[Flowable] = []
        if C.listed_apart(case):  # many: by name, the particulars on the attached 当事人名单
            out.append(
                L.Paragraph(f"申请人：{C.names(parties)}（共{len(parties)}人）", L.BODY, fonts)
            )
            out.append(L.Paragraph(C.ATTACHMENT_NOTE, L.BODY, fonts))
        else:
            for p in parties:  # every party applies
                out.append(L.Paragraph(C.party_description(p, label="申请人"), L.BODY, fonts))
                agent = C.agent_description(p)
                if agent is not None:
                    out.append(L.Paragraph(agent, L.BODY, fonts))
        if not parties:  # the blank form: a ruled table to fill in, as the other forms have
            out.append(C.party_table([("applicant", None), ("applicant", None)], fonts))
        signed = L.day(a.signed_on if a else None)
        number = C.printed_number(case)
        out.append(L.Paragraph("请求事项：", C.heading(space_before=6), fonts))
        out.append(
            L.Paragraph(
                [
                    Span("请求人民法院依法确认申请人于"),
                    *signed,
                    Span("经"),
                    L.value(committee, 10),
                    Span("主持调解达成的"),
                    # The number has its own brackets: "协议（（2026）…号）" would double them.
                    L.value(number, 8),
                    Span("人民调解协议书有效。"),
                ],
                L.BODY,
                fonts,
            )
        )
        out.append(L.Paragraph("事实与理由：", L.HEADING, fonts))
        out.append(
            L.Paragraph(
                [
                    Span("申请人因"),
                    L.value(case.category if case else "", 4),
                    Span("纠纷，于"),
                    *signed,
                    Span("经"),
                    L.value(committee, 10),
                    Span("主持调解，自愿达成如下协议："),
                ],
                L.BODY,
                fonts,
            )
        )
        out += C.numbered(a.terms if a else [], fonts) or [L.RuleLines(4)]
        out.append(
            L.Paragraph(
                "该协议已经生效。为此，申请人依照《中华人民共和国人民调解法》第三十三条的规定，"
                "在法定期限内共同向人民法院申请司法确认。申请人承诺：",
                L.BODY,
                fonts,
            )
        )
        out += [L.Paragraph(x, L.BODY, fonts) for x in PROMISES]
        applied = case.confirmations[-1].applied_on if case and case.confirmations else None
        signers = [C.party_signer(p, "申请人") for p in parties] or [
            ("申请人", "", "签名（按指印）"),
            ("申请人", "", "签名（按指印）"),
        ]
        out += C.salutation(court(case, office), fonts)
        block = [*C.signature_lines(signers, fonts), C.date_line(applied, fonts)]
        return [*C.finish(out, block), *C.party_list_attachment(case, fonts)]

    def laid(self, case: CaseFile | None, office: OfficeInfo, fonts: FontSet) -> L.Laid:
        info = L.DocInfo(
            title=self.title,
            author=C.committee_name(case, office),
            subject=C.case_name(case) if case else "",
        )
        # addressed to the court: no committee heading, no case number of the committee
        return C.fitted_laid(
            lambda: [*C.titles("", self.title, fonts), *self.story(case, office, fonts)],
            info,
            fonts,
            parties_either_way=True,
        )


FORM = ConfirmationForm()
KEY, TITLE = FORM.key, FORM.title
build, build_blank, offered = FORM.build, FORM.build_blank, FORM.offered
