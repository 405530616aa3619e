"""人民调解记录: one record per mediation session of the case."""

from __future__ import annotations

import re

from reportlab.platypus import Flowable

from app.models.casefile import CaseFile, SessionRecord
from app.printing import common as C
from app.printing.fonts import FontSet
from app.printing.forms.base import MEDIATED, SessionsForm


class SessionRecordForm(SessionsForm):
    key = "session_record"
    title = "人民调解记录"
    states = MEDIATED
    kind = "session"
    where = "请先在案件窗口点“记录调解”登记调解经过。"

    def record_story(
        self, case: CaseFile | None, s: SessionRecord | None, fonts: FontSet
    ) -> list[Flowable]:
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


FORM = SessionRecordForm()
KEY, TITLE = FORM.key, FORM.title
build, build_blank, offered = FORM.build, FORM.build_blank, FORM.offered
