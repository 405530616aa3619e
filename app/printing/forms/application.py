"""人民调解申请书: the applicant's written application (when the case came by application)."""

from __future__ import annotations

import re

from reportlab.platypus import Flowable

from app.models.casefile import CaseFile
from app.models.reference import sources
from app.printing import common as C
from app.printing import layout as L
from app.printing.context import OfficeInfo
from app.printing.fonts import FontSet
from app.printing.forms.base import Form

STATEMENT = (
    "人民调解委员会已向本人告知人民调解的性质、原则、效力以及当事人在调解活动中享有的权利"
    "和承担的义务。本人自愿申请人民调解委员会调解上述纠纷。"
)


def requests(text: str) -> list[str]:
    """The requests, one per line or per "；"; numbering the applicant typed is dropped."""
    parts = [p.strip() for p in re.split(r"[\n；;]+", text) if p.strip()]
    return [re.sub(r"^([0-9]+|[一二三四五六七八九十]+)[、.．)）]\s*", "", p) for p in parts]


class ApplicationForm(Form):
    key = "application"
    title = "人民调解申请书"
    states = frozenset({"registered", "accepted", "assigned", "mediating", "closed", "archived"})
    numbered = False  # the applicant's own paper: no case number on it
    one_sheet = True

    def missing(self, case: CaseFile) -> str | None:
        if case.source == "application":
            return None
        source = sources().get(case.source, case.source)
        return f"《{self.title}》用于当事人申请调解的案件，本案的纠纷来源是“{source}”。"

    def story(self, case: CaseFile | None, office: OfficeInfo, fonts: FontSet) -> list[Flowable]:
        left = C.sides(case)[0] if case else []
        out: list[Flowable] = [C.parties_table(case, fonts)]
        out.append(L.Paragraph("纠纷简要情况：", C.heading(space_before=8), fonts))
        out += (
            L.paragraphs(case.facts, L.BODY, fonts)
            if case and case.facts.strip()
            else [L.RuleLines(4)]
        )
        out.append(L.Paragraph("申请事项：", L.HEADING, fonts))
        out += C.numbered(requests(case.requests) if case else [], fonts) or [L.RuleLines(3)]
        out.append(L.Paragraph(STATEMENT, L.BODY, fonts))
        committee = C.committee_name(case, office)
        signers = [C.party_signer(p, "申请人") for p in left] or [("申请人", "", "签名（按指印）")]
        out += C.salutation(committee, fonts)
        block = [
            *C.signature_lines(signers, fonts),
            C.date_line(case.registered_on if case else None, fonts),
        ]
        return [*C.finish(out, block), *C.party_list_attachment(case, fonts)]


FORM = ApplicationForm()
KEY, TITLE = FORM.key, FORM.title
build, build_blank, offered = FORM.build, FORM.build_blank, FORM.offered
