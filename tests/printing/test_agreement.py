"""人民调解协议书: every field printed, blanks for empty ones, long cases, signatures."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from itertools import pairwise
from typing import Any

import pytest

from app.models.casefile import CaseFile
from app.printing import agreement
from app.printing import layout as L
from app.printing.money import amount_in_words
from tests.printing.helpers import (
    OFFICE,
    all_text,
    extreme_case,
    flat,
    footers,
    full_case,
    organisation,
    page_texts,
    person,
    reader,
    with_agreement,
)
from tests.printing.test_layout import check_lines

SIGN_MARKS = ("签名（按指印）：", "人民调解员：", "记录人：", "调解委员会（盖章）")


def pdf_of(case: CaseFile) -> bytes:
    return agreement.agreement_pdf(case, OFFICE)


def test_every_field_of_a_full_agreement_is_printed() -> None:
    case = full_case()
    text = all_text(pdf_of(case))
    a = case.agreement
    assert a is not None
    applicant, company = case.parties
    expected = [
        "青山镇人民调解委员会",
        "人民调解协议书",
        "（2026）青山调字第12号",
        # the person, every field
        "申请人：张𠮷祥",
        "性别：男",
        "民族：回族",
        "出生日期：1975年3月2日",
        "公民身份号码：33010219750302123X",
        "职业：个体工商户",
        "住址：青山镇红旗村3组12号",
        "联系电话：13812345678",
        "委托代理人：赵律师，联系电话：13900001111，代理权限：特别授权代理",
        # the organisation
        "被申请人：青山建材有限公司",
        "统一社会信用代码：91330102MA2H0XXX1Y",
        "住所：青山镇工业园区8号",
        "法定代表人：钱法人",
        "联系电话：057188889999",
        # facts, terms, performance, amount
        "纠纷主要事实、争议事项及各方责任：",
        a.facts,
        "经青山镇人民调解委员会主持调解，双方当事人自愿达成如下协议：",
        *(f"{n}、{t}" for n, t in zip("一二三", a.terms, strict=True)),
        "履行方式：银行转账",
        "履行地点：青山镇人民调解委员会",
        "履行期限：2026年12月31日前履行完毕",
        "协议涉及金额：人民币壹万贰仟叁佰元整（¥12,300.00）",
        "本协议一式三份，双方当事人各持一份，人民调解委员会留存一份。",
        "经人民调解委员会调解达成的调解协议，具有法律约束力，当事人应当按照约定履行。",
        "可以自本协议生效之日起三十日内共同向人民法院申请司法确认。",
        # signatures
        "申请人：张𠮷祥签名（按指印）：委托代理人（签名）：",
        "被申请人：青山建材有限公司（盖章）法定代表人（签名）：",
        # one line for each mediator to sign on
        "人民调解员：王建华签名：人民调解员：陈秀兰签名：",
        "记录人：刘记录签名：",
        "青山镇人民调解委员会（盖章）2026年11月20日",
    ]
    for item in expected:
        assert flat(item) in text, item
    assert applicant.name in text and company.name in text


def test_document_metadata() -> None:
    meta = reader(pdf_of(full_case())).metadata
    assert meta is not None
    assert meta.title == "人民调解协议书 （2026）青山调字第12号"
    assert meta.author == "青山镇人民调解委员会"


def test_same_case_same_bytes() -> None:
    assert pdf_of(full_case()) == pdf_of(full_case())


def empty_case() -> CaseFile:
    bare: dict[str, Any] = {
        "sex": "",
        "ethnicity": "",
        "birth_date": None,
        "id_number": "",
        "occupation": "",
        "phone": "",
        "address": "",
    }
    case = full_case(
        number=None,
        amount_fen=None,
        assignments=[],
        sessions=[],
        parties=[
            person("张三", "applicant", 0, **bare),
            organisation(
                "某公司", "respondent", 1, org_code="", legal_rep="", phone="", address=""
            ),
        ],
    )
    return with_agreement(
        case,
        facts="",
        perform_manner="",
        perform_place="",
        perform_deadline=None,
        amount_fen=None,
    )


def test_empty_optional_fields_print_blank_never_none() -> None:
    case = replace(empty_case(), facts="")
    pdf = pdf_of(case)
    raw = "".join(page_texts(pdf))
    assert "None" not in raw
    text = all_text(pdf)
    for label in (
        "编号：",
        "性别：，民族：，出生日期：年月日，公民身份号码：，职业：，住址：，联系电话：。",
        "统一社会信用代码：，住所：，法定代表人：，联系电话：。",
        "履行方式：履行地点：履行期限：协议涉及金额：人民币（大写）（¥）",
        "人民调解员：签名：",
        "记录人：签名：",
    ):
        assert label in text, label
    assert "\u3000" in raw  # the blanks are there, as underlined space


def test_without_an_agreement_record_it_still_prints_blanks() -> None:
    pdf = pdf_of(replace(full_case(), agreement=None, amount_fen=None))
    text = all_text(pdf)
    assert "None" not in text
    assert "一、" in text and "履行期限：" in text


def test_agreement_facts_fall_back_to_the_case_facts() -> None:
    case = with_agreement(full_case(facts="双方因院墙发生纠纷。"), facts="")
    assert "双方因院墙发生纠纷。" in all_text(pdf_of(case))


def test_copies() -> None:
    case = full_case()
    assert agreement.copies(case) == 3
    three = replace(case, parties=[*case.parties, person("王五", "respondent", 2)])
    assert agreement.copies(three) == 4
    text = all_text(pdf_of(three))
    assert "本协议一式四份，各方当事人各持一份，人民调解委员会留存一份。" in text
    assert "各方当事人认为有必要的" in text
    assert agreement.copies_sentence(1) == "本协议一式二份，当事人持一份，人民调解委员会留存一份。"
    assert agreement.copies_sentence(11).startswith("本协议一式十二份")


RARE = ["张𠮷祥", "王𡒄", "郑𪚥国", "李𥖄明"]


def test_rare_character_names_come_back_out() -> None:
    parties = [
        person(name, "applicant" if i < 2 else "respondent", i) for i, name in enumerate(RARE)
    ]
    case = with_agreement(
        full_case(parties=parties), terms=[f"{RARE[2]}于2026年12月31日前支付{RARE[0]}人民币。"]
    )
    pages = page_texts(pdf_of(case))
    text = flat("".join(pages))
    for name in RARE:
        assert text.count(name) >= 2, name  # the party line and the signature block
    assert f"{RARE[2]}于2026年12月31日前支付{RARE[0]}" in text


def test_committee_initiated_case_signs_in_two_columns() -> None:
    parties = [person(f"当事人{i}", "party", i) for i in range(3)]
    text = all_text(pdf_of(full_case(parties=parties)))
    assert "当事人：当事人0" in text
    assert "经青山镇人民调解委员会主持调解，各方当事人自愿达成如下协议：" in text
    assert text.count("签名（按指印）：") == 3


def big_case() -> CaseFile:
    applicants = [person(f"申请人{i}号𠮷", "applicant", i, agent=i % 2 == 0) for i in range(8)]
    respondents = [
        organisation(f"青山第{i}建材有限责任公司", "respondent", 8 + i)
        if i % 2
        else person(f"被申请人{i}号", "respondent", 8 + i)
        for i in range(8)
    ]
    facts = ("双方因货款结算发生纠纷（￥12,300.00），经多次协商未果。" * 200)[:5000]
    return with_agreement(
        full_case(parties=applicants + respondents),
        facts=facts,
        terms=["第一条：" + "付款。" * 80, "第二条：" + "交货。" * 80, "第三条：和睦相处。"],
    )


def test_long_facts_and_sixteen_parties_lay_out() -> None:
    """Sixteen parties: named in the text, described on the attached 当事人名单, signing in
    a ruled table that shares its page with the last term; 5,000 characters of facts."""
    case = big_case()
    pdf = pdf_of(case)
    pages = page_texts(pdf)
    n = len(pages)
    # 5,000 characters of facts fill at least five pages however tight the setting
    assert 7 <= n <= 16
    assert footers(pdf) == [f"第{i}页 共{n}页" for i in range(1, n + 1)]
    text = flat("".join(pages))
    assert flat(case.agreement.facts if case.agreement else "") in text
    for p in case.parties:
        assert text.count(p.name) >= 3, p.name  # named, signing, on the list
        assert p.id_number in text or p.kind == "org"
    check_lines(pdf)
    grid = next(i for i, page in enumerate(pages) if "当事人签名（盖章）或按指印" in page)
    assert "第三条：和睦相处。" in flat(pages[grid])
    assert "人民调解员：" in pages[grid] and "调解委员会（盖章）" in pages[grid]
    listed = next(i for i, page in enumerate(pages) if flat(page).startswith("附件当事人名单"))
    assert listed == grid + 1


def signature_page(pdf: bytes, case: CaseFile) -> tuple[int, str]:
    """The page holding the whole signature block, and the text above it there."""
    pages = page_texts(pdf)
    holding = [i for i, page in enumerate(pages) if any(m in page for m in SIGN_MARKS)]
    assert len(holding) == 1, f"signature block split over pages {holding}"
    page = pages[holding[0]]
    for mark in SIGN_MARKS:
        assert mark in page, mark
    assert page.count("签名（按指印）：") == sum(p.kind == "person" for p in case.parties)
    first_party = case.parties[0]
    above = flat(page).split(flat(f"申请人：{first_party.name}签名"))[0]
    return holding[0], above


@pytest.mark.parametrize("length", range(0, 800, 23))
def test_signature_block_is_whole_and_never_alone(length: int) -> None:
    """Facts of every length move the page break through the whole agreement."""
    case = with_agreement(full_case(), facts=("甲方乙方，" * 200)[:length] or "无")
    pdf = pdf_of(case)
    page, above = signature_page(pdf, case)
    assert page == len(reader(pdf).pages) - 1
    assert len(above) >= 2, "the signature block starts a page"
    assert above.endswith("申请司法确认。")


def test_signatures_stay_with_the_last_term_in_the_demo_cases(
    written_agreements: list[CaseFile],
) -> None:
    for case in written_agreements:
        pdf = pdf_of(case)
        _, above = signature_page(pdf, case)
        assert case.agreement is not None
        assert flat(case.agreement.terms[-1])[-2:] in above, case.number


def test_demo_agreements_print_their_data(written_agreements: list[CaseFile]) -> None:
    for case in written_agreements:
        assert case.agreement is not None
        text = all_text(pdf_of(case))
        assert case.number and case.number in text
        for p in case.parties:
            assert p.name in text and p.id_number in text and p.phone in text
        for term in case.agreement.terms:
            assert flat(term) in text
        assert case.agreement.amount_fen is not None
        assert amount_in_words(case.agreement.amount_fen) in text
        assert "None" not in text
        signed = case.agreement.signed_on
        assert f"{signed.year}年{signed.month}月{signed.day}日" in text


def test_blank_form() -> None:
    pdf = agreement.blank_agreement_pdf(OFFICE)
    text = all_text(pdf)
    assert text.startswith("青山镇人民调解委员会人民调解协议书编号：")
    for label in ("申请人：", "被申请人：", "履行期限：", "本协议一式份", "人民调解员（签名）："):
        assert label in text
    assert "None" not in text
    assert len(reader(pdf).pages) <= 2


def test_a_date_of_signing_is_printed_in_arabic_figures() -> None:
    case = with_agreement(full_case(), signed_on=date(2027, 1, 5))
    assert "2027年1月5日" in all_text(pdf_of(case))


def test_sixteen_parties_sign_below_the_last_term() -> None:
    """With 16 parties, long names and terms the signature table stays whole, on the page
    of the last term and of the closing clauses after it."""
    pdf = pdf_of(extreme_case())
    lines = check_lines(pdf)
    start = next(
        d for d in lines if d.text.startswith("依照《中华人民共和国人民调解法》第三十三条")
    )
    end = next(d for d in lines if d.text.endswith("申请司法确认。"))
    last_term = next(d for d in lines if d.text.startswith("三、第三条：和睦相处。"))
    assert start.page == end.page == last_term.page
    caption = next(d for d in lines if d.text.startswith("当事人签名（盖章）或按指印"))
    seal = next(d for d in lines if d.text.endswith("（盖章）") and "委员会" in d.text)
    assert caption.page == seal.page == end.page and caption.y < end.y


@pytest.mark.parametrize("length", range(0, 800, 40))
def test_no_paragraph_leaves_one_line_alone_at_a_page_foot(length: int) -> None:
    case = with_agreement(big_case(), facts=("甲方乙方，" * 200)[:length] or "无")
    lines = check_lines(pdf_of(case))
    body = [d for d in lines if d.size == L.SIZE_3 and d.y > L.MARGIN_BOTTOM]
    for last, nxt in pairwise(body):
        starts = abs(last.x - (L.MARGIN_LEFT + 2 * L.SIZE_3)) < 0.5  # indented: a first line
        goes_on = abs(nxt.x - L.MARGIN_LEFT) < 0.5  # flush: the same paragraph
        if nxt.page != last.page and starts and goes_on:
            raise AssertionError(f"a first line alone at the foot of a page: {last}")


def test_blank_amount_keeps_its_words_blank_on_the_label_line() -> None:
    lines = check_lines(agreement.blank_agreement_pdf(OFFICE))
    at = next(i for i, d in enumerate(lines) if d.text.startswith("协议涉及金额："))
    assert lines[at].text.startswith("协议涉及金额：人民币（大写）\u3000")
    assert lines[at + 1].text.startswith("（¥")


def test_an_agreement_without_parties_prints_the_party_table() -> None:
    text = all_text(pdf_of(full_case(parties=[])))
    assert text.count("姓名") == 2 and text.count("身份证号") == 2
    assert "申请人" in text and "被申请人" in text
