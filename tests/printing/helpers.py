"""Fully filled case files built directly (no database) and PDF inspection helpers."""

from __future__ import annotations

import io
import re
from dataclasses import replace
from datetime import date

import pypdf

from app.models.casefile import (
    Agreement,
    Assignment,
    CaseFile,
    Confirmation,
    FollowUp,
    SessionRecord,
)
from app.models.parties import CaseParty
from app.printing.context import OfficeInfo

OFFICE = OfficeInfo(
    committee_name="青山镇人民调解委员会",
    town_name="青山镇",
    address="青山镇人民路1号",
    phone="0571-88880000",
    court_name="青山县人民法院",
)

FOOTER = re.compile(r"^第\d+页 共\d+页$")


def person(
    name: str,
    role: str = "applicant",
    position: int = 0,
    *,
    agent: bool = False,
    **kw: object,
) -> CaseParty:
    values: dict[str, object] = dict(
        link_id=f"l{position}{role}",
        party_id=f"p{position}{role}",
        role=role,
        position=position,
        kind="person",
        name=name,
        sex="男",
        ethnicity="回族",
        birth_date=date(1975, 3, 2),
        id_type="resident_id",
        id_number="33010219750302123X",
        occupation="个体工商户",
        phone="13812345678",
        address="青山镇红旗村3组12号",
        org_code="",
        legal_rep="",
        agent_name="",
        agent_phone="",
        agent_powers="",
    )
    if agent:
        values.update(agent_name="赵律师", agent_phone="13900001111", agent_powers="特别授权代理")
    values.update(kw)
    return CaseParty(**values)


def organisation(name: str, role: str = "respondent", position: int = 1, **kw: object) -> CaseParty:
    values: dict[str, object] = dict(
        kind="org",
        sex="",
        ethnicity="",
        birth_date=None,
        id_type="",
        id_number="",
        occupation="",
        org_code="91330102MA2H0XXX1Y",
        legal_rep="钱法人",
        phone="057188889999",
        address="青山镇工业园区8号",
    )
    values.update(kw)
    return person(name, role, position, **values)


TERMS = [
    "被申请人青山建材有限公司于2026年12月31日前一次性支付申请人张𠮷祥人民币壹万贰仟叁佰元整。",
    "申请人收到上述款项后，双方就本纠纷再无其他争议，申请人不再向被申请人主张任何权利。",
    "本协议履行完毕后，双方互不追究，和睦相处。",
]


def full_case(**kw: object) -> CaseFile:
    """A closed case with a written agreement, every field of every party filled."""
    parties = [
        person("张𠮷祥", "applicant", 0, agent=True),
        organisation("青山建材有限公司", "respondent", 1),
    ]
    values: dict[str, object] = dict(
        id="case-1",
        committee_id="cm-1",
        committee_name="青山镇人民调解委员会",
        number="（2026）青山调字第12号",
        state="closed",
        category="合同",
        source="application",
        source_detail="",
        village_id="v1",
        village_name="红旗村",
        title="张𠮷祥与青山建材有限公司合同纠纷",
        facts="双方因货款结算发生纠纷。",
        requests="请求支付货款。",
        risk_note="",
        registered_on=date(2026, 11, 1),
        accepted_on=date(2026, 11, 2),
        declined_on=None,
        decline_reason="",
        due_on=date(2026, 12, 2),
        closed_on=date(2026, 11, 20),
        outcome="agreement_written",
        performance="pending",
        amount_fen=1_230_000,
        prevented_criminal=False,
        prevented_petition=False,
        close_note="",
        archived_on=None,
        voided_on=None,
        void_reason="",
        parties=parties,
        assignments=[
            Assignment("a1", "m1", "王建华", "appointed", True, date(2026, 11, 2), None, ""),
            Assignment("a2", "m2", "陈秀兰", "chosen", False, date(2026, 11, 2), None, ""),
        ],
        sessions=[
            SessionRecord(
                "s1",
                "session",
                "2026-11-10T09:30",
                "青山镇调委会调解室",
                "村民小组长",
                "合同纠纷",
                "王建华",
                "刘记录",
                "双方陈述。",
                "达成协议",
            )
        ],
        agreement=Agreement(
            kind="written",
            facts=(
                "申请人张𠮷祥向被申请人供应建材，被申请人尚欠货款人民币壹万贰仟叁佰元未付。"
                "双方对欠款数额无异议，被申请人应承担付款责任。"
            ),
            terms=list(TERMS),
            perform_manner="银行转账",
            perform_place="青山镇人民调解委员会",
            perform_deadline=date(2026, 12, 31),
            amount_fen=1_230_000,
            signed_on=date(2026, 11, 20),
        ),
        follow_ups=[
            FollowUp(date(2026, 12, 20), "王建华", "张𠮷祥", "performed", "满意", "已履行。", "")
        ],
        confirmations=[
            Confirmation(
                date(2026, 11, 25),
                "青山县人民法院",
                "（2026）浙0781民特调确字第8号",
                "confirmed",
                date(2026, 12, 1),
            )
        ],
    )
    values.update(kw)
    return CaseFile(**values)


def with_agreement(case: CaseFile, **kw: object) -> CaseFile:
    assert case.agreement is not None
    return replace(case, agreement=replace(case.agreement, **kw))


# ---------------------------------------------------------------------------------------
# Reading PDFs back


def reader(pdf: bytes) -> pypdf.PdfReader:
    return pypdf.PdfReader(io.BytesIO(pdf))


def page_texts(pdf: bytes) -> list[str]:
    """Each page's text without its "第x页 共y页" footer."""
    out = []
    for page in reader(pdf).pages:
        lines = page.extract_text().splitlines()
        out.append("\n".join(line for line in lines if not FOOTER.match(line.strip())))
    return out


def flat(text: str) -> str:
    """Text with every line break and space removed (fields may wrap anywhere)."""
    return re.sub(r"\s+", "", text)


def all_text(pdf: bytes) -> str:
    return flat("".join(page_texts(pdf)))


def footers(pdf: bytes) -> list[str]:
    return [
        line.strip()
        for page in reader(pdf).pages
        for line in page.extract_text().splitlines()
        if FOOTER.match(line.strip())
    ]


def text_positions(pdf: bytes) -> list[tuple[int, str, float, float, float]]:
    """(page, text, x, y, font size) of every piece of text drawn, in page coordinates."""
    out: list[tuple[int, str, float, float, float]] = []
    for n, page in enumerate(reader(pdf).pages):

        def visit(text, cm, tm, font_dict, font_size, n=n):
            if not text.strip():
                return
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            scale = (tm[0] ** 2 + tm[1] ** 2) ** 0.5 * (cm[0] ** 2 + cm[1] ** 2) ** 0.5
            out.append((n, text, x, y, font_size * scale))

        page.extract_text(visitor_text=visit)
    return out
