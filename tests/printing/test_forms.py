"""The other model forms: each prints its fields (read back with pypdf) and a blank."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date
from types import ModuleType

import pytest

from app.models.casefile import CaseFile, FollowUp
from app.printing import common as C
from app.printing import layout as L
from app.printing import registry
from app.printing.forms import (
    acceptance,
    application,
    confirmation,
    contents,
    cover,
    follow_up,
    investigation,
    oral_agreement,
    rights_notice,
    session_record,
    termination,
)
from app.printing.money import amount_in_words
from tests.printing.helpers import (
    INVESTIGATION,
    OFFICE,
    VARIANTS,
    DrawnLine,
    all_text,
    document_pdf,
    flat,
    footers,
    full_case,
    reader,
    with_agreement,
)
from tests.printing.test_layout import check_lines


def case_with_records(**kw: object) -> CaseFile:
    base = full_case(**kw)
    return replace(base, sessions=[INVESTIGATION, *base.sessions])


def text_of(module: ModuleType, case: CaseFile) -> str:
    pdf = module.build(case, OFFICE)
    assert "None" not in all_text(pdf)
    check_lines(pdf, footer=module is not cover)
    return all_text(pdf)


def test_application() -> None:
    case = full_case(requests="1、请求支付货款壹万贰仟叁佰元；\n2、请求支付利息")
    text = text_of(application, case)
    for item in (
        "人民调解申请书",
        "张𠮷祥",
        "33010219750302123X",
        "个体工商户",
        "13812345678",
        "青山镇红旗村3组12号",
        "青山建材有限公司",
        "91330102MA2H0XXX1Y",
        "纠纷简要情况：双方因货款结算发生纠纷。",
        "申请事项：一、请求支付货款壹万贰仟叁佰元二、请求支付利息",
        flat(application.STATEMENT),
        "此致青山镇人民调解委员会",
        "申请人：张𠮷祥签名（按指印）：",
        "2026年11月1日",
    ):
        assert item in text, item
    assert application.offered(case)
    assert not application.offered(replace(case, source="screening"))


def test_requests_are_numbered_once() -> None:
    assert application.requests("1、甲；2、乙\n（三）丙") == ["甲", "乙", "（三）丙"]
    assert application.requests("一、赔偿损失") == ["赔偿损失"]


def test_acceptance() -> None:
    text = text_of(acceptance, full_case())
    for item in (
        "人民调解受理登记表",
        "（2026）青山调字第12号",
        "2026年11月2日，本人民调解委员会经当事人同意，调解张𠮷祥、青山建材有限公司之间的合同纠纷。",
        "纠纷类型合同案件来源当事人申请",
        "受理日期2026年11月2日调解期限2026年12月2日",
        "所在村（社区）红旗村",
        "纠纷简要情况：双方因货款结算发生纠纷。",
        "当事人请求：请求支付货款。",
        "登记人：",
        "青山镇人民调解委员会（盖章）2026年11月2日",
    ):
        assert item in text, item


def test_rights_notice() -> None:
    text = text_of(rights_notice, full_case())
    assert text.startswith("青山镇人民调解委员会当事人权利义务告知书")
    assert "张𠮷祥、青山建材有限公司：" in text
    for line in (*rights_notice.RIGHTS, *rights_notice.DUTIES, rights_notice.RECEIVED):
        assert flat(line) in text, line
    assert "签名（按指印）" in text


def test_investigation_record() -> None:
    text = text_of(investigation, case_with_records())
    for item in (
        "人民调解调查记录",
        "调查时间2026年11月5日14时00分调查地点红旗村3组12号",
        "被调查人邻居王大妈参加人村民小组长",
        "调查人王建华记录人陈秀兰",
        "调查记录：到现场查看了货物堆放情况。询问了邻居王大妈，情况属实。",
        "被调查人：邻居王大妈签名（按指印）：",
    ):
        assert item in text, item
    assert investigation.offered(case_with_records())
    assert not investigation.offered(full_case())


def test_one_record_per_session_each_on_its_own_pages() -> None:
    second = replace(INVESTIGATION, held_at="2026-11-06 09:00", place="青山建材有限公司")
    case = replace(case_with_records(), sessions=[INVESTIGATION, second])
    pdf = investigation.build(case, OFFICE)
    pages = [flat(p.extract_text()) for p in reader(pdf).pages]
    assert len(pages) == 2
    assert "2026年11月5日14时00分" in pages[0] and "2026年11月6日9时00分" in pages[1]
    assert all(p.count("人民调解调查记录") == 1 for p in pages)
    # each record is signed on its own, and numbered on its own
    assert footers(pdf) == ["第1页 共1页", "第1页 共1页"]


def test_session_record() -> None:
    text = text_of(session_record, case_with_records())
    for item in (
        "人民调解记录",
        "调解时间2026年11月10日9时30分调解地点青山镇调委会调解室",
        "事由合同纠纷",
        "当事人申请人张𠮷祥、被申请人青山建材有限公司",
        "参加人村民小组长",
        "调解人员王建华记录人刘记录",
        "调解记录：双方陈述。",
        "调解结果：达成协议",
        "人民调解员：王建华签名：",
        "记录人：刘记录签名：",
    ):
        assert item in text, item


def test_oral_agreement() -> None:
    case = full_case(outcome="agreement_oral")
    assert oral_agreement.offered(case) and not oral_agreement.offered(full_case())
    text = text_of(oral_agreement, case)
    assert case.agreement is not None
    for item in (
        "人民调解口头协议登记表",
        "纠纷类型合同协议日期2026年11月20日",
        "调解地点青山镇调委会调解室",
        "履行方式银行转账履行期限2026年12月31日",
        "履行地点青山镇人民调解委员会",
        "协议金额" + amount_in_words(1_230_000) + "（¥12,300.00）",
        "调解结果达成口头协议",
        "履行情况未到履行期",
        *(flat(t) for t in case.agreement.terms),
        "青山镇人民调解委员会（盖章）2026年11月20日",
    ):
        assert item in text, item


def test_termination_notice() -> None:
    case = full_case(
        outcome="terminated",
        agreement=None,
        close_note="双方对赔偿数额分歧较大，经多次调解未能达成协议",
        closed_on=date(2026, 11, 25),
    )
    assert termination.offered(case)
    text = text_of(termination, case)
    for item in (
        "终止调解通知书",
        "张𠮷祥、青山建材有限公司：",
        "张𠮷祥与青山建材有限公司合同纠纷一案，本委员会于2026年11月2日受理后依法进行了调解。",
        "双方对赔偿数额分歧较大，经多次调解未能达成协议。",
        flat(termination.DECISION),
        "仲裁、行政、司法等途径",
        *(flat(r) for r in termination.ROUTES),
        "青山镇人民调解委员会（盖章）2026年11月25日",
    ):
        assert item in text, item


def test_follow_up_record() -> None:
    case = full_case()
    case = replace(
        case,
        follow_ups=[
            FollowUp(
                date(2026, 12, 20),
                "王建华",
                "张𠮷祥",
                "partial",
                "基本满意",
                "已付一半。",
                "督促履行。",
            )
        ],
    )
    text = text_of(follow_up, case)
    for item in (
        "人民调解回访记录",
        "回访日期2026年12月20日回访人王建华",
        "被回访人张𠮷祥满意程度基本满意",
        "协议编号（2026）青山调字第12号",
        "纠纷事项张𠮷祥与青山建材有限公司合同纠纷",
        "履行情况部分履行",
        "已付一半。",
        "采取的措施：督促履行。",
        "回访人：王建华签名：",
    ):
        assert item in text, item


def test_confirmation_application() -> None:
    case = full_case()
    assert confirmation.offered(case)
    assert not confirmation.offered(full_case(outcome="agreement_oral"))
    text = text_of(confirmation, case)
    assert case.agreement is not None
    for item in (
        "司法确认申请书",
        "申请人：张𠮷祥，性别：男",
        "申请人：青山建材有限公司，统一社会信用代码：91330102MA2H0XXX1Y",
        "请求人民法院依法确认申请人于2026年11月20日经青山镇人民调解委员会主持调解达成的"
        "（2026）青山调字第12号人民调解协议书有效。",
        *(flat(t) for t in case.agreement.terms),
        *(flat(p) for p in confirmation.PROMISES),
        "此致青山县人民法院",
        "2026年11月25日",
    ):
        assert item in text, item
    # no application recorded yet: the office's court, a blank date
    text = text_of(confirmation, replace(case, confirmations=[]))
    assert "此致青山县人民法院" in text
    assert "（（" not in text_of(confirmation, case)


def test_cover() -> None:
    case = full_case(state="archived", archived_on=date(2026, 12, 30))
    text = text_of(cover, case)
    for item in (
        "青山镇人民调解委员会人民调解卷宗",
        "卷名张𠮷祥与青山建材有限公司合同纠纷",
        "卷号（2026）青山调字第12号",
        "调解员王建华、陈秀兰",
        "起止日期2026年11月1日至2026年12月30日",
        "立卷日期2026年12月30日",
    ):
        assert item in text, item
    office = replace(OFFICE, retention="长期")
    assert "保管期限长期" in all_text(cover.build(case, office))


def test_contents_lists_the_file_with_page_numbers() -> None:
    case = case_with_records()
    text = text_of(contents, case)
    entries = contents.entries(case, OFFICE)
    titles = [t for t, _, _ in entries]
    assert titles == [
        "人民调解申请书",
        "人民调解受理登记表",
        "当事人权利义务告知书",
        "人民调解调查记录",
        "人民调解记录",
        "人民调解协议书",
        "人民调解回访记录",
        "司法确认申请书",
    ]
    page = 1
    for title, pages, _ in entries:
        first = int(pages.split("-")[0])
        assert first == page, (title, pages)
        page = int(pages.split("-")[-1]) + 1
        assert title + pages in text


def test_count_pages() -> None:
    pdf = contents.build(full_case(), OFFICE)
    assert C.count_pages(pdf) == len(reader(pdf).pages)


BLANKS = [
    application,
    acceptance,
    rights_notice,
    investigation,
    session_record,
    oral_agreement,
    termination,
    follow_up,
    confirmation,
    cover,
    contents,
]


@pytest.mark.parametrize("module", BLANKS, ids=lambda m: m.KEY)
def test_blank_forms(module: ModuleType) -> None:
    pdf = module.build_blank(OFFICE)
    text = all_text(pdf)
    assert module.TITLE in text
    assert "None" not in text
    assert len(reader(pdf).pages) <= 2
    check_lines(pdf, footer=module is not cover)


# ---------------------------------------------------------------------------------------
# Every document as the user sees it


@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("key", [d.key for d in registry.documents()])
def test_every_document_reads_right(key: str, variant: str) -> None:
    """Each document of the registry, filled, for the largest case and blank: the title,
    every line inside the text block, none overlapping another, Chinese line breaking,
    "第x页 共y页" on every page but the cover's, no "None"."""
    pdf = document_pdf(key, variant)
    lines = check_lines(pdf, footer=key != "cover")
    text = all_text(pdf)
    assert registry.document(key).title in text
    if variant == "extreme" and key not in ("contents", "cover"):
        assert "𠀾" in text, key  # a rare character of the names, drawn and extractable
    signing = [d for d in lines if SIGNING.search(d.text)]
    if not signing:
        assert key in ("cover", "contents"), key
        return
    # the signature block never starts a page: something is above its first line there
    first = signing[0]
    above = [d for d in lines if d.page == first.page and d.y > first.y + 1]
    assert above, (key, variant, first)
    # nor is the seal or the date alone at the top of a page
    last = signing[-1]
    assert [d for d in lines if d.page == last.page and d.y > last.y + 1], (key, variant)


SIGNING = re.compile(r"签名|（盖章）|^\s*[0-9\u3000]+年")


def page_of(lines: list[DrawnLine], text: str) -> int:
    found = [d.page for d in lines if text in d.text]
    assert found, text
    return found[0]


@pytest.mark.parametrize("length", range(0, 560, 20))
def test_the_salutation_stays_with_the_addressee(length: int) -> None:
    """ "此致" never ends a page with the committee (or the court) on the next one."""
    facts = ("双方因院墙发生纠纷，" * 60)[:length] or "无"
    for module, addressee in (
        (application, "青山镇人民调解委员会"),
        (confirmation, "青山县人民法院"),
    ):
        case = full_case(facts=facts)
        if module is confirmation:
            assert case.agreement is not None
            case = with_agreement(case, terms=[*case.agreement.terms, facts])
        lines = check_lines(module.build(case, OFFICE))
        salutation = next(i for i, d in enumerate(lines) if d.text == "此致")
        after = lines[salutation + 1]
        assert after.text == addressee and after.page == lines[salutation].page, (module, length)


@pytest.mark.parametrize("length", range(0, 900, 30))
def test_the_termination_notice_never_leaves_the_seal_alone(length: int) -> None:
    note = ("双方对赔偿数额分歧较大，" * 80)[:length]
    case = full_case(outcome="terminated", close_note=note, closed_on=date(2026, 11, 25))
    lines = check_lines(termination.build(case, OFFICE))
    seal = page_of(lines, "（盖章）")
    assert seal == page_of(lines, "2026年11月25日")
    assert seal == page_of(lines, "特此通知。"), length  # the end of the text is above it


def test_an_organisation_signs_and_seals() -> None:
    case = full_case()
    for module in (acceptance, rights_notice, session_record, oral_agreement, confirmation):
        c = replace(case, outcome="agreement_oral") if module is oral_agreement else case
        text = all_text(module.build(c, OFFICE))
        assert "青山建材有限公司签名（盖章）：" in text, module.KEY
        assert "张𠮷祥签名（按指印）：" in text, module.KEY
        assert "青山建材有限公司签名（按指印）" not in text, module.KEY


def test_dates_and_places_fit_their_cells() -> None:
    """A date in the narrow last column, a time and a place of a record: one line each."""
    late = full_case(outcome="agreement_oral", amount_fen=None)
    late = with_agreement(late, signed_on=date(2026, 12, 31), perform_deadline=date(2026, 12, 31))
    late = replace(late, parties=[replace(late.parties[0], birth_date=date(1975, 12, 31))])
    texts = [d.text for d in check_lines(oral_agreement.build(late, OFFICE))]
    assert texts.count("2026年12月31日") == 3  # signed, deadline, under the seal
    assert "1975年12月31日" in texts
    session = replace(
        full_case().sessions[0], held_at="2026-12-31 23:59", place="青山镇调委会调解室"
    )
    texts = [
        d.text for d in check_lines(session_record.build(full_case(sessions=[session]), OFFICE))
    ]
    assert "2026年12月31日23时59分" in texts and "青山镇调委会调解室" in texts


@pytest.mark.parametrize("module", [investigation, follow_up], ids=lambda m: m.KEY)
def test_blank_records_are_one_page(module: ModuleType) -> None:
    pdf = module.build_blank(OFFICE)
    assert len(reader(pdf).pages) == 1
    assert "签名：" in all_text(pdf)


def test_blank_session_record_keeps_its_lines_with_the_record() -> None:
    """The lines of the record fill the first page; the result and the signatures are on
    the second (not a heading and one line left at the foot of the first)."""
    pages = [flat(p.extract_text()) for p in reader(session_record.build_blank(OFFICE)).pages]
    assert len(pages) == 2
    assert "调解记录：" in pages[0] and "调解结果：" in pages[1] and "签名：" in pages[1]


def test_blank_confirmation_application_has_a_table_for_the_applicants() -> None:
    text = all_text(confirmation.build_blank(OFFICE))
    for label in ("姓名", "性别", "民族", "出生日期", "职业", "联系电话", "身份证号", "住址"):
        assert text.count(label) == 2, label
    assert text.count("申请人") >= 4  # two rows of the table, two signatures


def test_contents_headings_and_numbers_are_centred() -> None:
    lines = check_lines(contents.build(case_with_records(), OFFICE))
    x0 = L.MARGIN_LEFT + (L.BLOCK_WIDTH - sum(contents.COLUMNS)) / 2
    edges = [x0 + sum(contents.COLUMNS[:i]) for i in range(len(contents.COLUMNS) + 1)]
    heading = {d.text: d for d in lines}
    for col, text in enumerate(("序号", "文书名称", "页号", "备注")):
        d = heading[text]
        assert (d.x + d.right) / 2 == pytest.approx((edges[col] + edges[col + 1]) / 2, abs=0.5)
    below = [d for d in lines if d.y < heading["序号"].y - 1 and d.page == 0]
    numbers = [d for d in below if edges[0] < d.x < edges[1]]
    pages = [d for d in below if edges[2] < d.x < edges[3]]
    assert [d.text for d in numbers] == [str(i) for i in range(1, 9)]
    assert len(pages) == 8
    for col, cells in ((0, numbers), (2, pages)):
        for d in cells:
            assert (d.x + d.right) / 2 == pytest.approx((edges[col] + edges[col + 1]) / 2, abs=0.5)


def headings_left_alone(pdf: bytes) -> list[DrawnLine]:
    """Bold headings ("纠纷简要情况：") that are the last line of their page."""
    lines = [d for d in check_lines(pdf) if d.y > L.MARGIN_BOTTOM]
    last = {d.page: d for d in lines}  # in drawing order: the lowest line of each page
    last = {p: min((d for d in lines if d.page == p), key=lambda d: d.y) for p in last}
    return [
        d
        for d in last.values()
        if d.text.endswith("：") and all("Bold" in f for f in d.fonts) and d.size == L.SIZE_3
    ]


@pytest.mark.parametrize("length", range(0, 400, 24))
def test_a_heading_never_ends_a_page(length: int) -> None:
    """ "纠纷简要情况：" and the like go to the next page with their text, whatever the
    length of the text before them."""
    facts = ("宋文世在田淑国承包的工地务工三个月，" * 30)[: length + 20]
    case = full_case(facts=facts, requests="请求田淑国支付拖欠的劳务工资。")
    for module in (acceptance, oral_agreement):
        c = replace(case, outcome="agreement_oral") if module is oral_agreement else case
        if module is oral_agreement:
            c = with_agreement(c, facts="")
        assert headings_left_alone(module.build(c, OFFICE)) == [], (module.KEY, length)


def test_a_record_without_its_result_yet_is_one_page() -> None:
    """A short mediation record whose result is still to be written: the lines for the
    result and the signatures stay on the record's page."""
    record = "告知双方权利义务。田秀陈述：请求谢胜赔偿医药费、误工费等各项损失。" * 2
    session = replace(full_case().sessions[0], record=record, result="")
    pdf = session_record.build(full_case(sessions=[session]), OFFICE)
    assert len(reader(pdf).pages) == 1
    text = all_text(pdf)
    assert "调解结果：" in text and "人民调解员：王建华签名：" in text
