"""Fully filled case files built directly (no database) and PDF inspection helpers."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, replace
from datetime import date
from functools import cache, lru_cache
from typing import Any

import pypdf
from pypdf.generic import ContentStream, DictionaryObject, PdfObject
from reportlab.pdfbase import pdfmetrics

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
from app.printing.fonts import FontConfig, get_fonts

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
    **kw: Any,
) -> CaseParty:
    values: dict[str, Any] = dict(
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


def organisation(name: str, role: str = "respondent", position: int = 1, **kw: Any) -> CaseParty:
    values: dict[str, Any] = dict(
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


def full_case(**kw: Any) -> CaseFile:
    """A closed case with a written agreement, every field of every party filled."""
    parties = [
        person("张𠮷祥", "applicant", 0, agent=True),
        organisation("青山建材有限公司", "respondent", 1),
    ]
    values: dict[str, Any] = dict(
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


RARE_NAMES = ["张𠀾祥", "郑𪚥国", "𠮷田𡒄", "李𥖄明"]  # CJK Extension B
FACTS_5000 = (
    "双方因货款结算发生纠纷（￥12,300.00），经多次协商未果；申请人𠀾某称：“货已送到。”" * 200
)[:5000]


def extreme_case(**kw: Any) -> CaseFile:
    """The most a case can hold: 8 parties on each side (every applicant with an agent,
    the respondents alternately people with agents and organisations), names with CJK
    Extension B characters, a 5,000-character account of the facts in the case, the
    agreement and the records, long terms, two follow-up visits."""
    applicants = [
        person(
            f"{RARE_NAMES[i % 4]}{i}",
            "applicant",
            i,
            agent=True,
            address="青山镇红旗村第三村民小组十二号院东侧二楼" * 2,
        )
        for i in range(8)
    ]
    respondents = [
        organisation(f"青山第{i}𪚥建材有限责任公司", "respondent", 8 + i, legal_rep="钱𠀾法")
        if i % 2
        else person(f"被申请人𠀾{i}号", "respondent", 8 + i, agent=True)
        for i in range(8)
    ]
    values: dict[str, Any] = dict(
        parties=applicants + respondents,
        facts=FACTS_5000,
        state="archived",
        archived_on=date(2026, 12, 30),
        requests="；".join(["请求支付货款壹万贰仟叁佰元及利息"] * 12),
        sessions=[
            SessionRecord(
                "s0",
                "investigation",
                "2026-11-05 14:00",
                "红旗村3组12号" * 5,
                "村民小组长、" * 10,
                "邻居王大妈𠀾" * 4,
                "王建华、陈秀兰、" * 3,
                "陈秀兰",
                FACTS_5000,
                "",
            ),
            SessionRecord(
                "s1",
                "session",
                "2026-12-31T23:59",
                "青山镇调委会调解室" * 4,
                "村民小组长、" * 10,
                "合同纠纷" * 10,
                "王建华、陈秀兰",
                "刘记录",
                FACTS_5000,
                "达成协议，" * 50,
            ),
        ],
        follow_ups=[
            FollowUp(
                date(2026, 12, 20),
                "王建华",
                "张𠀾祥",
                "partial",
                "基本满意",
                FACTS_5000[:2000],
                "督促履行。" * 60,
            )
        ]
        * 2,
    )
    values.update(kw)
    case = full_case(**values)
    return with_agreement(
        case,
        facts=FACTS_5000,
        terms=["第一条：" + "付款。" * 80, "第二条：" + "交货。" * 80, "第三条：和睦相处。"],
    )


def with_agreement(case: CaseFile, **kw: Any) -> CaseFile:
    assert case.agreement is not None
    return replace(case, agreement=replace(case.agreement, **kw))


INVESTIGATION = SessionRecord(
    "s0",
    "investigation",
    "2026-11-05 14:00",
    "红旗村3组12号",
    "村民小组长",
    "邻居王大妈",
    "王建华",
    "陈秀兰",
    "到现场查看了货物堆放情况。\n询问了邻居王大妈，情况属实。",
    "",
)

# the outcome a closed case needs for the registry to offer a document (else written)
OUTCOME_FOR = {"oral_agreement": "agreement_oral", "termination": "terminated"}
VARIANTS = ("filled", "extreme", "blank")


def case_for(key: str, variant: str = "filled") -> CaseFile:
    """An archived case for which the registry offers document ``key``: the full case
    with an investigation record, or the :func:`extreme_case`."""
    outcome = OUTCOME_FOR.get(key, "agreement_written")
    note = "双方对赔偿数额分歧较大，经多次调解未能达成协议" if outcome == "terminated" else ""
    if variant == "extreme":
        return extreme_case(outcome=outcome, close_note=note * 8 if note else "")
    case = full_case(
        outcome=outcome, close_note=note, state="archived", archived_on=date(2026, 12, 30)
    )
    return replace(case, sessions=[INVESTIGATION, *case.sessions])


@cache
def document_pdf(key: str, variant: str) -> bytes:
    """Document ``key`` of the registry as the user prints it: for the full case
    ("filled"), for the :func:`extreme_case` ("extreme") or the blank form ("blank")."""
    from app.printing import registry

    doc = registry.document(key)
    if variant == "blank":
        return doc.build_blank(OFFICE)
    case = case_for(key, variant)
    assert doc.offered_for(case), (key, variant)
    return doc.build(case, OFFICE)


# ---------------------------------------------------------------------------------------
# Reading PDFs back


def reader(pdf: bytes) -> pypdf.PdfReader:
    return pypdf.PdfReader(io.BytesIO(pdf))


# A test reads the same PDF back several times (its text, its footers, its lines): each
# is read once per process, the PDF's bytes the key.
@lru_cache(maxsize=32)
def extracted_texts(pdf: bytes) -> tuple[str, ...]:
    """pypdf's text of each page."""
    return tuple(page.extract_text() for page in reader(pdf).pages)


def page_texts(pdf: bytes) -> list[str]:
    """Each page's text without its "第x页 共y页" footer."""
    out = []
    for text in extracted_texts(pdf):
        lines = text.splitlines()
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
        for text in extracted_texts(pdf)
        for line in text.splitlines()
        if FOOTER.match(line.strip())
    ]


@dataclass(frozen=True)
class DrawnLine:
    """One line of text as the PDF draws it (one BT … ET block: every line this package
    draws is one), in page coordinates."""

    page: int
    text: str
    x: float  # where the line starts
    y: float  # its baseline
    size: float  # font size of its first run
    right: float  # where its last glyph ends (widths from the fonts, plus character spacing)
    fonts: tuple[str, ...]  # BaseFont of each run
    spacing: float = 0.0  # the largest character spacing (Tc) of its runs, in points


def _multiply(a: list[float], b: list[float]) -> list[float]:
    """The PDF matrix product a × b (each [a b c d e f])."""
    return [
        a[0] * b[0] + a[1] * b[2],
        a[0] * b[1] + a[1] * b[3],
        a[2] * b[0] + a[3] * b[2],
        a[2] * b[1] + a[3] * b[3],
        a[4] * b[0] + a[5] * b[2] + b[4],
        a[4] * b[1] + a[5] * b[3] + b[5],
    ]


def _reportlab_font(base_font: str) -> str:
    """The registered reportlab font of a subset's BaseFont (AAAAAA+NotoSerifSC-Regular)."""
    name = base_font.lstrip("/").split("+", 1)[-1]
    return {"NotoSerifSC-Regular": "NotoSerifSC"}.get(name, name)


def pdf_dict(obj: PdfObject, *keys: str) -> DictionaryObject:
    """The dictionary at ``keys`` inside ``obj``, e.g. a page's fonts: ``pdf_dict(page,
    "/Resources", "/Font")`` (pypdf types a dictionary's values as any PdfObject)."""
    for key in keys:
        assert isinstance(obj, DictionaryObject), key
        obj = obj[key]
    found = obj.get_object()
    assert isinstance(found, DictionaryObject), keys
    return found


def drawn_lines(pdf: bytes) -> list[DrawnLine]:
    """Every line of text drawn, read from the content streams (q/Q/cm, BT, Tm, Tf, Tc),
    its text decoded by pypdf. A line's width is measured the way it was set: each
    character in the font that has it (rare characters in their fallback font), plus the
    character spacing between them."""
    fontset = get_fonts()
    return list(_drawn_lines(pdf, fontset.config, fontset.regular, fontset.bold))


@lru_cache(maxsize=32)
def _drawn_lines(pdf: bytes, config: FontConfig, regular: str, bold: str) -> tuple[DrawnLine, ...]:
    """drawn_lines(pdf) measured with the fonts ``config`` loads (as ``regular`` and
    ``bold``: the key tells a set loaded again apart)."""
    fontset = get_fonts(config)
    assert (fontset.regular, fontset.bold) == (regular, bold)
    out: list[DrawnLine] = []
    for n, page in enumerate(reader(pdf).pages):
        resources = pdf_dict(page, "/Resources", "/Font")
        texts: list[list[str]] = []

        def before(op: bytes, *_: object, texts: list[list[str]] = texts) -> None:
            if op == b"BT":
                texts.append([])

        def visit(text: str, *_: object, texts: list[list[str]] = texts) -> None:
            if texts:
                texts[-1].append(text)

        page.extract_text(visitor_operand_before=before, visitor_text=visit)
        ctm = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0]
        stack: list[list[float]] = []
        block = -1
        start: tuple[float, float] | None = None
        fonts: list[str] = []
        sizes: list[float] = []
        spacing: list[float] = []
        font, size, tc = "", 0.0, 0.0
        for operands, op in ContentStream(page.get_contents(), page.pdf).operations:
            if op == b"q":
                stack.append(ctm)
            elif op == b"Q":
                ctm = stack.pop()
            elif op == b"cm":
                ctm = _multiply([float(v) for v in operands], ctm)
            elif op == b"BT":
                block += 1
                start, fonts, sizes, spacing, tc = None, [], [], [], 0.0
            elif op == b"Tm":
                m = _multiply([float(v) for v in operands], ctm)
                start = (m[4], m[5])
            elif op == b"Tf":
                font = str(pdf_dict(resources, operands[0])["/BaseFont"])
                size = float(operands[1])
            elif op == b"Tc":
                tc = float(operands[0])
            elif op in (b"Tj", b"TJ"):
                fonts.append(font)
                sizes.append(size)
                spacing.append(tc)
            elif op == b"ET" and start is not None and fonts:
                text = "".join(texts[block]).replace("\n", "").strip(" ")  # pypdf's
                if not text:
                    continue
                base = _reportlab_font(fonts[0])
                width = sum(
                    pdfmetrics.stringWidth(piece, face, sizes[0])
                    for piece, face in fontset.runs(text, base)
                )
                right = start[0] + width + spacing[0] * (len(text) - 1)
                out.append(
                    DrawnLine(
                        n, text, start[0], start[1], sizes[0], right, tuple(fonts), max(spacing)
                    )
                )
    return tuple(out)


def text_positions(pdf: bytes) -> list[tuple[int, str, float, float, float]]:
    """(page, text, x, y, font size) of every line of text drawn, in page coordinates."""
    return [(d.page, d.text, d.x, d.y, d.size) for d in drawn_lines(pdf)]
