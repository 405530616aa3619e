"""人民调解口头协议登记表: the register of an oral agreement (Art 30)."""

from __future__ import annotations

from reportlab.platypus import Flowable

from app.models.casefile import CaseFile
from app.printing import common as C
from app.printing import layout as L
from app.printing.context import OfficeInfo
from app.printing.fonts import FontSet
from app.printing.forms.base import CLOSED, Form
from app.printing.money import amount_in_figures, amount_in_words


def place(case: CaseFile) -> str:
    """Where the agreement was reached: the place of the last mediation session."""
    for s in reversed(case.sessions):
        if s.kind == "session" and s.place.strip():
            return s.place.strip()
    return ""


class OralAgreementForm(Form):
    key = "oral_agreement"
    title = "人民调解口头协议登记表"
    states = CLOSED

    def missing(self, case: CaseFile) -> str | None:
        return self.only_for_outcome(case, "agreement_oral", "以“达成口头协议”结案")

    def story(self, case: CaseFile | None, office: OfficeInfo, fonts: FontSet) -> list[Flowable]:
        a = case.agreement if case else None
        left, right = C.sides(case) if case else ([], [])
        fen = (
            a.amount_fen if a and a.amount_fen is not None else (case.amount_fen if case else None)
        )
        amount = "" if fen is None else f"{amount_in_words(fen)}（{amount_in_figures(fen)}）"
        rows = [
            [
                "纠纷类型",
                case.category if case else "",
                "协议日期",
                L.day_text(a.signed_on if a else None),
            ],
            ["调解地点", place(case) if case else "", "", ""],
            [
                "履行方式",
                a.perform_manner if a else "",
                "履行期限",
                f"签订后{a.perform_within_days}日内"
                if a and a.perform_within_days
                else L.day_text(a.perform_deadline if a else None),
            ],
            ["履行地点", a.perform_place if a else "", "", ""],
            ["协议金额", amount, "", ""],
            ["调解结果", case.outcome_label if case else "", "", ""],
            ["履行情况", case.performance_label if case else "", "", ""],
        ]
        table = C.form_table(
            rows, C.FORM_COLUMNS, fonts, spans=[("SPAN", (1, r), (3, r)) for r in (1, 3, 4, 5, 6)]
        )
        terms = C.numbered(a.terms if a else [], fonts)
        out: list[Flowable] = [C.parties_table(case, fonts), table]
        facts = (a.facts if a else "").strip() or (case.facts if case else "")
        out += C.long_text("纠纷简要情况", facts, fonts)
        if terms:
            out.append(L.Paragraph("协议内容：", C.heading(space_before=6), fonts))
            out += terms
        else:
            out += C.long_text("协议内容", "", fonts)
        signers = [C.party_signer(p) for p in [*left, *right]] or [
            ("当事人", "", "签名（按指印）"),
            ("当事人", "", "签名（按指印）"),
        ]
        # one line for each mediator to sign on
        mediators = C.mediator_names(case) if case else []
        signers += [("人民调解员", name, "签名") for name in mediators or [""]]
        signers.append(("记录人", C.recorder_name(case) if case else "", "签名"))
        block = [
            *C.signature_lines(signers, fonts),
            C.seal_block(C.committee_name(case, office), L.day(a.signed_on if a else None), fonts),
        ]
        return [*C.finish(out, block), *C.party_list_attachment(case, fonts)]


FORM = OralAgreementForm()
KEY, TITLE = FORM.key, FORM.title
build, build_blank, offered = FORM.build, FORM.build_blank, FORM.offered
