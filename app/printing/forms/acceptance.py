"""人民调解受理登记表: the record of accepting a dispute."""

from __future__ import annotations

from reportlab.platypus import Flowable

from app.models.casefile import CaseFile
from app.printing import common as C
from app.printing import layout as L
from app.printing.context import OfficeInfo
from app.printing.fonts import FontSet
from app.printing.forms.base import AFTER_ACCEPT, Form
from app.printing.layout import Span

COLUMNS = C.FORM_COLUMNS


def opening(case: CaseFile | None) -> list[Span]:
    """ "2026年11月2日，本人民调解委员会经当事人同意，调解张三、李四之间的纠纷。" """
    left, right = C.sides(case) if case else ([], [])
    who = [C.side_names(left), C.side_names(right)]
    out: list[Span] = [*L.day(case.accepted_on if case else None)]
    out.append(Span("，本人民调解委员会经当事人同意，调解"))
    out += [L.value(who[0], 5), Span("与" if C.many_parties(case) else "、"), L.value(who[1], 5)]
    out.append(Span(f"之间的{case.category}纠纷。" if case and case.category else "之间的纠纷。"))
    return out


class AcceptanceForm(Form):
    key = "acceptance"
    title = "人民调解受理登记表"
    states = AFTER_ACCEPT
    one_sheet = True

    def story(self, case: CaseFile | None, office: OfficeInfo, fonts: FontSet) -> list[Flowable]:
        left, right = C.sides(case) if case else ([], [])
        source = ""
        if case:
            source = case.source_label + (f"（{case.source_detail}）" if case.source_detail else "")
        rows = [
            ["纠纷类型", case.category if case else "", "案件来源", source],
            [
                "受理日期",
                L.day_text(case.accepted_on) if case else "",
                "调解期限",
                L.day_text(case.due_on) if case else "",
            ],
            ["所在村（社区）", case.village_name if case else "", "", ""],
        ]
        table = C.form_table(rows, COLUMNS, fonts, spans=[("SPAN", (1, 2), (3, 2))])
        registrar = C.event_user(case, "accept", "register")
        signers = (
            [
                *(C.party_signer(p) for p in [*left, *right]),
                ("登记人", registrar, "签名"),
            ]
            if case
            else [("当事人", "", "签名（按指印）"), ("登记人", "", "签名")]
        )
        body: list[Flowable] = [
            L.Paragraph(opening(case), L.BODY, fonts),
            C.parties_table(case, fonts),
            table,
            *C.long_text("纠纷简要情况", case.facts if case else "", fonts),
            *C.long_text("当事人请求", case.requests if case else "", fonts, blank_lines=2),
        ]
        block = [
            *C.signature_lines(signers, fonts),
            C.seal_block(
                C.committee_name(case, office), L.day(case.accepted_on if case else None), fonts
            ),
        ]
        return [*C.finish(body, block), *C.party_list_attachment(case, fonts)]


FORM = AcceptanceForm()
KEY, TITLE = FORM.key, FORM.title
build, build_blank, offered = FORM.build, FORM.build_blank, FORM.offered
