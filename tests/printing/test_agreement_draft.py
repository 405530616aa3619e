"""The 协议草稿 printed for the parties to read (a 草稿 mark on every page, no seal, no
date), 履行期限 as "签订后 N 日内", and one signature line per mediator."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date
from typing import Any

from pypdf.generic import ContentStream

from app.models.casefile import Agreement, AgreementDraft, Assignment, CaseFile, SessionRecord
from app.printing import agreement
from app.printing.forms import oral_agreement, session_record
from tests.printing.helpers import (
    OFFICE,
    TERMS,
    all_text,
    drawn_lines,
    extreme_case,
    flat,
    full_case,
    page_texts,
    reader,
    with_agreement,
)

MEDIATORS = ["王建华", "陈秀兰", "刘春梅"]


def draft_of(case: CaseFile, **kw: Any) -> AgreementDraft:
    values: dict[str, Any] = dict(
        facts="双方因货款结算发生纠纷，被申请人认可欠款。",
        terms=list(TERMS),
        perform_manner="银行转账",
        perform_place="青山镇人民调解委员会",
        perform_deadline=None,
        perform_within_days=15,
        amount_fen=1230000,
        recorder="刘记录",
        updated_at="2026-11-20T06:00:00+00:00",
        updated_by_name="李主任",
    )
    values.update(kw)
    return AgreementDraft(**values)


def mediating(case: CaseFile | None = None, **kw: object) -> CaseFile:
    """The full case while it is mediated: no agreement yet, a draft."""
    case = case or full_case()
    return replace(
        case,
        state="mediating",
        closed_on=None,
        outcome=None,
        amount_fen=None,
        agreement=None,
        draft=draft_of(case, **kw),
    )


def draft_pdf(case: CaseFile) -> bytes:
    return agreement.draft_agreement_pdf(case, OFFICE)


def test_the_draft_prints_the_agreement_as_it_will_be_marked_as_a_draft() -> None:
    case = mediating()
    pdf = draft_pdf(case)
    text = all_text(pdf)
    assert text.startswith("草稿青山镇人民调解委员会人民调解协议书（草稿）（2026）青山调字第12号")
    for item in (
        "双方因货款结算发生纠纷，被申请人认可欠款。",
        *(f"{n}、{t}" for n, t in zip("一二三", TERMS, strict=True)),
        "履行方式：银行转账",
        "履行期限：自本协议签订之日起15日内履行完毕",
        "协议涉及金额：人民币壹万贰仟叁佰元整（¥12,300.00）",
        "本协议一式三份",
        "人民调解员：王建华签名：",
        "人民调解员：陈秀兰签名：",
        "记录人：刘记录签名：",
    ):
        assert flat(item) in text, item
    # Nothing as if it were signed: no committee seal, no date under it; a word instead.
    assert "青山镇人民调解委员会（盖章）" not in text
    assert text.endswith(flat(agreement.DRAFT_NOTE))
    assert "2026年11月20日" not in text  # the date the full case was signed
    meta = reader(pdf).metadata
    assert meta is not None and meta.title == "人民调解协议书（草稿） （2026）青山调字第12号"
    assert draft_pdf(case) == pdf  # deterministic, as every document


def test_every_page_carries_a_light_diagonal_draft_mark_under_the_text() -> None:
    case = mediating(extreme_case())
    pdf = draft_pdf(case)
    pages = page_texts(pdf)
    assert len(pages) > 3
    marks = [d for d in drawn_lines(pdf) if d.text == agreement.DRAFT_MARK]
    assert [d.page for d in marks] == list(range(len(pages)))  # one on each page
    assert all(d.size == 150 for d in marks)
    for page in reader(pdf).pages:
        ops = ContentStream(page.get_contents(), page.pdf).operations
        names = [op for _operands, op in ops]
        first_text = names.index(b"BT")
        # Drawn first (under the text), in a light grey, turned (a rotation matrix).
        grey = [float(o[0]) for o, op in ops[:first_text] if op == b"g"]
        assert grey and grey[-1] >= 0.85
        turns = [o for o, op in ops[:first_text] if op == b"cm" and float(o[1]) != 0]
        assert turns


def test_the_draft_recorder_falls_back_to_the_latest_session() -> None:
    case = mediating(recorder="")
    assert "记录人：刘记录" in all_text(draft_pdf(case))  # full_case's session recorder


def test_a_deadline_in_days_prints_in_words_on_the_agreement() -> None:
    case = with_agreement(full_case(), perform_deadline=None, perform_within_days=30)
    assert "履行期限：自本协议签订之日起30日内履行完毕" in all_text(agreement.agreement_pdf(case))
    a = case.agreement
    assert a is not None
    assert agreement.deadline_text(a) == "自本协议签订之日起30日内"
    assert agreement.deadline_text(replace(a, perform_deadline=date(2027, 1, 5))) == (
        "2027年1月5日前"
    )
    assert agreement.deadline_text(replace(a, perform_within_days=None)) == ""


def staff(names: list[str]) -> list[Assignment]:
    return [
        Assignment(f"a{i}", f"m{i}", name, "appointed", i == 0, date(2026, 11, 2), None, "")
        for i, name in enumerate(names)
    ]


def signature_lines(text: str, label: str) -> list[str]:
    """The lines starting with ``label``, as the PDF has them, one per signer."""
    return [line for line in text.splitlines() if line.startswith(label)]


def test_each_mediator_signs_on_a_line_of_their_own() -> None:
    case = full_case(assignments=staff(MEDIATORS))
    text = "\n".join(page_texts(agreement.agreement_pdf(case, OFFICE)))
    lines = signature_lines(text, "人民调解员：")
    assert [line.split()[0] for line in lines] == [f"人民调解员：{n}" for n in MEDIATORS]
    assert all("签名：" in line for line in lines)
    assert len(signature_lines(text, "记录人：")) == 1
    # None assigned: one line with a blank to write the name in.
    none = "\n".join(page_texts(agreement.agreement_pdf(full_case(assignments=[]), OFFICE)))
    assert [flat(line) for line in signature_lines(none, "人民调解员：")] == ["人民调解员：签名："]


def test_the_oral_agreement_register_has_a_line_per_mediator_and_days() -> None:
    case = with_agreement(
        full_case(assignments=staff(MEDIATORS[:2]), outcome="agreement_oral"),
        kind="oral",
        perform_deadline=None,
        perform_within_days=10,
    )
    text = all_text(oral_agreement.build(case, OFFICE))
    assert "履行期限签订后10日内" in text
    assert text.count("人民调解员：") == 2
    assert "人民调解员：王建华" in text and "人民调解员：陈秀兰" in text


def test_the_session_record_has_a_line_per_mediator_who_held_it() -> None:
    session = SessionRecord(
        "s1",
        "session",
        "2026-11-05T09:30:00",
        "村评理说事点",
        "村民小组长",
        "排水沟纠纷",
        "王建华、陈秀兰",
        "刘记录",
        "双方陈述了意见。",
        "达成一致。",
    )
    text = all_text(session_record.build(full_case(sessions=[session]), OFFICE))
    assert re.findall(r"人民调解员：(\w+?)签名", text) == ["王建华", "陈秀兰"]


def test_agreement_keeps_days_when_read_back() -> None:
    a = Agreement("written", "", ["一条"], "", "", None, None, date(2026, 11, 20), "", 7)
    assert a.perform_within_days == 7 and agreement.deadline_text(a) == "自本协议签订之日起7日内"
