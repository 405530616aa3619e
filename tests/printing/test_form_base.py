"""The base of the printable documents (app/printing/forms/base.py): a form says itself
why it is not offered, and a form written on the base gets the blank form and the pages
per record without writing them."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from reportlab.platypus import Flowable

from app.models.casefile import CaseFile, FollowUp
from app.printing import layout as L
from app.printing import registry
from app.printing.context import OfficeInfo
from app.printing.fonts import FontSet
from app.printing.forms.base import CLOSED, Form, RecordForm
from tests.printing.helpers import OFFICE, flat, footers, full_case, page_texts, reader


def test_every_document_not_offered_says_why(demo_cases: list[CaseFile]) -> None:
    """For every demo case (every state and outcome) and the same case without its
    records, each document is offered exactly when it has no reason against it, and a
    reason names the document or what the case lacks: the menu never has to fall back on
    a reason of its own."""
    reasons = 0
    for case in demo_cases:
        for c in (case, replace(case, sessions=[], follow_ups=[])):
            for doc in registry.documents():
                why = doc.unavailable_reason(c)
                assert (why is None) == doc.offered_for(c), (doc.key, c.state)
                assert (doc in registry.for_case(c)) == (why is None)
                if why is not None:
                    reasons += 1
                    assert "本案" in why and why.endswith("。"), (doc.key, why)
    assert reasons > 100


def test_the_state_reason_names_the_states_that_offer_the_document() -> None:
    doc = registry.document("follow_up")
    why = doc.unavailable_reason(full_case(state="mediating"))
    assert why == "《人民调解回访记录》要在案件已结案、已归档时才能打印，本案现在是“调解中”。"
    case = full_case(follow_ups=[])  # closed, but nobody has visited yet
    assert doc.unavailable_reason(case) == (
        "本案还没有《人民调解回访记录》要填写的记录。请先在案件窗口点“回访”登记回访情况。"
    )
    assert not doc.offered_for(case) and not doc.form.offered(case)
    assert doc.form.offered(full_case(state="mediating"))  # it has visits; only the state is wrong


def visit(day: int, visitor: str) -> FollowUp:
    return FollowUp(date(2026, 12, day), visitor, "张𠮷祥", "partial", "满意", "已付。", "")


class VisitList(RecordForm[FollowUp]):
    """A form as a new one is written: key, title, states, records and one record."""

    key = "visit_list"
    title = "回访登记单"
    states = CLOSED
    where = "请先登记回访。"

    def records(self, case: CaseFile) -> list[FollowUp]:
        return case.follow_ups

    def record_story(
        self, case: CaseFile | None, record: FollowUp | None, fonts: FontSet
    ) -> list[Flowable]:
        who = record.visitor if record else ""
        return [L.Paragraph(f"回访人：{who or '________'}", L.BODY, fonts)]


def test_a_record_form_prints_each_record_on_pages_of_its_own() -> None:
    form = VisitList()
    assert form.unavailable_reason(full_case(follow_ups=[])) == (
        "本案还没有《回访登记单》要填写的记录。请先登记回访。"
    )
    case = full_case(follow_ups=[visit(1, "王建华"), visit(8, "陈秀兰"), visit(15, "李四")])
    pdf = form.build(case, OFFICE)
    pages = [flat(t) for t in page_texts(pdf)]
    assert len(pages) == 3
    for page, who in zip(pages, ("王建华", "陈秀兰", "李四"), strict=True):
        # the committee, the title and the case number head every record
        assert page.startswith("青山镇人民调解委员会回访登记单（2026）青山调字第12号"), page
        assert f"回访人：{who}" in page
    assert footers(pdf) == ["第1页 共1页"] * 3  # each record numbered on its own
    blank = form.build_blank(OFFICE)
    assert len(reader(blank).pages) == 1 and "回访人：________" in flat(page_texts(blank)[0])
    assert form.offered_for(case)


class Notice(Form):
    key = "notice"
    title = "测试通知书"
    states = CLOSED
    numbered = False

    def missing(self, case: CaseFile) -> str | None:
        return self.only_for_outcome(case, "terminated", "调解不成、终止调解")

    def story(self, case: CaseFile | None, office: OfficeInfo, fonts: FontSet) -> list[Flowable]:
        return [L.Paragraph(case.category if case else "", L.BODY, fonts)]


def test_a_form_of_one_outcome_says_which_cases_it_is_for() -> None:
    form = Notice()
    assert form.unavailable_reason(full_case()) == (
        "《测试通知书》只用于调解不成、终止调解的案件，本案的调解结果是“达成书面协议”。"
    )
    terminated = full_case(outcome="terminated")
    assert form.unavailable_reason(terminated) is None
    text = flat(page_texts(form.build(terminated, OFFICE))[0])
    assert text.startswith("青山镇人民调解委员会测试通知书合同")  # no case number line
    assert "测试通知书" in flat(page_texts(form.build_blank(OFFICE))[0])
