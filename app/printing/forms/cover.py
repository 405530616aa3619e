"""卷宗封面: the cover of the bound case file."""

from __future__ import annotations

from dataclasses import replace

from reportlab.platypus import Flowable, Spacer

from app.models.casefile import CaseFile
from app.printing import common as C
from app.printing import layout as L
from app.printing.context import OfficeInfo
from app.printing.fonts import FontSet
from app.printing.forms.base import CLOSED, Form

BIG = replace(L.TITLE, size=36.0, leading=48.0)  # not letter-spaced: no line is
LABEL = replace(L.BODY_FLUSH, align="left")


def period(case: CaseFile) -> str:
    end = case.archived_on or case.closed_on
    return f"{L.day_text(case.registered_on)}至{L.day_text(end)}" if end else ""


class CoverForm(Form):
    key = "cover"
    title = "人民调解卷宗"
    states = CLOSED

    def story(self, case: CaseFile | None, office: OfficeInfo, fonts: FontSet) -> list[Flowable]:
        committee = C.committee_name(case, office)
        fields = [
            ("卷名", C.case_name(case) if case else ""),
            ("卷号", C.printed_number(case)),
            ("调解员", "、".join(C.mediator_names(case)) if case else ""),
            ("起止日期", period(case) if case else ""),
            ("立卷人", C.event_user(case, "archive")),
            ("立卷日期", L.day_text(case.archived_on) if case else ""),
            ("保管期限", office.retention),
            ("备注", ""),
        ]
        rows = [
            [L.Paragraph(label, LABEL, fonts), L.Paragraph(v.strip() or " ", LABEL, fonts)]
            for label, v in fields
        ]
        table = L.table(
            rows,
            (96.0, L.BLOCK_WIDTH - 96.0 - 40.0),
            grid=False,
            padding=6,
            extra=[
                ("LINEBELOW", (1, 0), (1, -1), 0.6, "black"),
                ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
            ],
            fonts=fonts,
        )
        table.hAlign = "CENTER"
        return [
            Spacer(1, L.space(2 * L.BODY_LEADING)),
            L.Paragraph(committee or [L.blank(12)], replace(L.TITLE, size=L.SIZE_2), fonts),
            Spacer(1, L.space(L.BODY_LEADING)),
            L.Paragraph(self.title, BIG, fonts),
            Spacer(1, L.space(3 * L.BODY_LEADING)),
            table,
        ]

    def laid(self, case: CaseFile | None, office: OfficeInfo, fonts: FontSet) -> L.Laid:
        info = L.DocInfo(
            title=f"{self.title} {(case.number or '') if case else ''}".strip(),
            author=C.committee_name(case, office),
            subject=C.case_name(case) if case else "",
        )
        # one page whatever it holds: a long 卷名 is set tighter
        return L.fit(
            lambda: self.story(case, office, fonts),
            info,
            good=lambda laid: laid.pages == 1,
            rank=lambda laid: laid.pages,
            fonts=fonts,
            footer=False,
        )


FORM = CoverForm()
KEY, TITLE = FORM.key, FORM.title
build, build_blank, offered = FORM.build, FORM.build_blank, FORM.offered
