"""人民调解协议书 (People's Mediation Law, Art 29): the central document of a case.

Filled from a closed case (:class:`app.models.casefile.CaseFile`) and the office
(:class:`app.printing.context.OfficeInfo`):

- the committee's name and the title, the case number;
- every party (person: name, sex, ethnicity, birth date, ID number, occupation, address,
  phone; organisation: name, USCC, address, legal representative, phone) and its agent;
- the main facts, the matters in dispute and each party's responsibility;
- the numbered terms; manner, place and deadline of performance; the amount in
  capitals and figures;
- "本协议一式N份" (one per party plus one for the committee), when it takes effect
  (Art 29), its legal force (Art 31) and the 30 days for judicial confirmation (Art 33);
- a signature block per party, the mediators, the recorder, the committee's seal and
  the date, kept on one page with the end of the text (see
  :func:`app.printing.common.signatures_with_lead`).
"""

from __future__ import annotations

from dataclasses import replace

from reportlab.platypus import Flowable

from app.models.casefile import CaseFile
from app.printing import common as C
from app.printing import layout as L
from app.printing.context import OfficeInfo
from app.printing.fonts import FontSet, get_fonts
from app.printing.layout import Span, blank
from app.printing.money import amount_in_figures, amount_in_words, chinese_number

TITLE = "人民调解协议书"
KEY = "agreement"

ART_29 = (
    "本协议自各方当事人签名、盖章或者按指印，人民调解员签名并加盖人民调解委员会印章之日起生效。"
)
ART_31 = (
    "依照《中华人民共和国人民调解法》第三十一条，经人民调解委员会调解达成的调解协议，"
    "具有法律约束力，当事人应当按照约定履行。"
)
ART_33 = (
    "依照《中华人民共和国人民调解法》第三十三条，{who}认为有必要的，"
    "可以自本协议生效之日起三十日内共同向人民法院申请司法确认。"
)


def copies(case: CaseFile) -> int:
    """How many copies to print: one per party and one the committee keeps (Art 29)."""
    return max(len(case.parties), 1) + 1


def copies_sentence(parties: int) -> str:
    n = chinese_number(max(parties, 1) + 1)
    if parties == 2:
        who = "双方当事人各持一份"
    elif parties <= 1:
        who = "当事人持一份"
    else:
        who = "各方当事人各持一份"
    return f"本协议一式{n}份，{who}，人民调解委员会留存一份。"


def _both(parties: int) -> str:
    return "双方当事人" if parties == 2 else "各方当事人" if parties > 2 else "当事人"


def amount_spans(fen: int | None) -> list[Span]:
    if fen is None:  # the words' blank ends the label's line, the figures go below
        return [Span("人民币（大写）"), blank(10), Span("（¥"), blank(5), Span("）")]
    return [Span(amount_in_words(fen)), Span(f"（{amount_in_figures(fen)}）")]


def _labelled(label: str, content: list[Span], fonts: FontSet) -> L.Paragraph:
    return L.Paragraph([Span(label, bold=True), *content], L.BODY, fonts)


def agreement_story(case: CaseFile, office: OfficeInfo, fonts: FontSet) -> list[Flowable]:
    a = case.agreement
    committee = C.committee_name(case, office)
    n_parties = len(case.parties)
    story: list[Flowable] = [*C.titles(committee, TITLE, fonts), C.number_line(case.number, fonts)]
    story += C.party_paragraphs(case, fonts)
    if not case.parties:
        story.append(C.party_table([("applicant", None), ("respondent", None)], fonts))

    facts = (a.facts if a else "").strip() or case.facts.strip()
    story.append(L.Paragraph("纠纷主要事实、争议事项及各方责任：", L.HEADING, fonts))
    story += L.paragraphs(facts, L.BODY, fonts)

    heading = L.Paragraph(
        f"经{committee or '本委员会'}主持调解，{_both(n_parties)}自愿达成如下协议：",
        L.HEADING,
        fonts,
    )
    terms = [t.strip() for t in (a.terms if a else []) if t.strip()]
    term_paras = [
        L.Paragraph(f"{chinese_number(i)}、{t}", L.BODY, fonts) for i, t in enumerate(terms, 1)
    ] or [L.Paragraph([Span("一、"), blank(24)], L.BODY, fonts)]

    after: list[L.Paragraph] = [
        _labelled("履行方式：", [L.value(a.perform_manner if a else "", 12)], fonts),
        _labelled("履行地点：", [L.value(a.perform_place if a else "", 12)], fonts),
        _labelled(
            "履行期限：",
            [*L.day(a.perform_deadline if a else None), Span("前履行完毕")]
            if a and a.perform_deadline
            else [blank(12)],
            fonts,
        ),
        _labelled(
            "协议涉及金额：",
            amount_spans(a.amount_fen if a and a.amount_fen is not None else case.amount_fen),
            fonts,
        ),
        L.Paragraph(copies_sentence(n_parties), L.BODY, fonts),
        L.Paragraph(ART_29 + ART_31, L.BODY, fonts),
        L.Paragraph(ART_33.format(who=_both(n_parties)), L.BODY, fonts),
    ]
    sign = signature_block(case, office, fonts)
    return C.signatures_with_lead(story, [heading, *term_paras], after, sign)


def signature_block(case: CaseFile, office: OfficeInfo, fonts: FontSet) -> list[Flowable]:
    left, right = C.sides(case)
    rows: list[Flowable] = []
    if not left and not right:
        rows.append(
            C.signature_row(
                C.party_signature(None, "applicant"), C.party_signature(None, "respondent"), fonts
            )
        )
    for i in range(max(len(left), len(right))):
        lp = left[i] if i < len(left) else None
        rp = right[i] if i < len(right) else None
        rows.append(
            C.signature_row(
                C.party_signature(lp, lp.role) if lp else [],
                C.party_signature(rp, rp.role) if rp else [],
                fonts,
            )
        )
    mediators = C.mediator_names(case)
    recorder = C.recorder_name(case)
    rows.append(
        C.signature_row(
            [
                [Span("人民调解员："), L.value("、".join(mediators), 6)],
                [Span("签名："), blank(10)],
            ],
            [[Span("记录人："), L.value(recorder, 6)], [Span("签名："), blank(10)]],
            fonts,
        )
    )
    signed = case.agreement.signed_on if case.agreement else None
    rows.append(C.seal_block(C.committee_name(case, office), L.day(signed), fonts))
    first = rows[0]
    first.spaceBefore = L.BODY_LEADING / 2
    return rows


def agreement_pdf(
    case: CaseFile, office: OfficeInfo | None = None, *, fonts: FontSet | None = None
) -> bytes:
    """The agreement of ``case`` as PDF bytes (A4, deterministic)."""
    office = office or OfficeInfo()
    fonts = fonts or get_fonts()
    info = L.DocInfo(
        title=f"{TITLE} {case.number or ''}".strip(),
        author=C.committee_name(case, office),
        subject=f"{C.names(C.ordered_parties(case))} {case.category}纠纷".strip(),
    )
    return L.build_pdf(agreement_story(case, office, fonts), info, fonts=fonts)


def blank_agreement_pdf(office: OfficeInfo | None = None, *, fonts: FontSet | None = None) -> bytes:
    """The form with every field blank, to fill in by hand."""
    office = office or OfficeInfo()
    fonts = fonts or get_fonts()
    committee = office.committee()
    story: list[Flowable] = [*C.titles(committee, TITLE, fonts), C.number_line(None, fonts)]
    story.append(C.party_table([("applicant", None), ("respondent", None)], fonts))
    story.append(
        L.Paragraph("纠纷主要事实、争议事项及各方责任：", replace(L.HEADING, space_before=8), fonts)
    )
    story.append(L.RuleLines(4))
    heading = L.Paragraph("经本委员会主持调解，当事人自愿达成如下协议：", L.HEADING, fonts)
    terms = [L.Paragraph([Span(f"{n}、"), blank(23)], L.BODY, fonts) for n in "一二三"]
    after = [
        _labelled("履行方式：", [blank(20)], fonts),
        _labelled("履行地点：", [blank(20)], fonts),
        _labelled("履行期限：", [blank(20)], fonts),
        _labelled("协议涉及金额：", amount_spans(None), fonts),
        L.Paragraph(
            [Span("本协议一式"), blank(2), Span("份，当事人各持一份，人民调解委员会留存一份。")],
            L.BODY,
            fonts,
        ),
        L.Paragraph(ART_29 + ART_31, L.BODY, fonts),
        L.Paragraph(ART_33.format(who="双方当事人"), L.BODY, fonts),
    ]
    rows: list[Flowable] = [
        C.signature_row(
            C.party_signature(None, "applicant"), C.party_signature(None, "respondent"), fonts
        ),
        C.signature_row(
            [[Span("人民调解员（签名）："), blank(5)]],
            [[Span("记录人（签名）："), blank(6)]],
            fonts,
        ),
        C.seal_block(committee, L.day(None), fonts),
    ]
    rows[0].spaceBefore = L.BODY_LEADING / 2
    story = C.signatures_with_lead(story, [heading, *terms], after, rows)
    return L.build_pdf(story, L.DocInfo(title=TITLE, author=committee), fonts=fonts)


__all__ = [
    "KEY",
    "TITLE",
    "agreement_pdf",
    "agreement_story",
    "blank_agreement_pdf",
    "copies",
    "copies_sentence",
]
