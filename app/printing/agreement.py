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
- a signature block per party, one signature line per mediator, the recorder, the
  committee's seal and the date, kept on one page with the end of the text (see
  :func:`app.printing.common.signatures_with_lead`).

While the case is mediated its 协议草稿 prints the same way as a draft
(:func:`draft_agreement_pdf`): "（草稿）" after the title, a light diagonal 草稿 across
every page, and in place of the committee's seal and date a note that the draft is for
reading only.
"""

from __future__ import annotations

from dataclasses import replace

from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable

from app.models.casefile import Agreement, AgreementDraft, CaseFile
from app.printing import common as C
from app.printing import layout as L
from app.printing.context import OfficeInfo
from app.printing.fonts import FontSet, get_fonts
from app.printing.forms.base import CLOSED, PrintableForm
from app.printing.layout import Span, blank
from app.printing.money import amount_in_figures, amount_in_words, chinese_number

TITLE = "人民调解协议书"
KEY = "agreement"
DRAFT_KEY = "agreement_draft"
DRAFT_SUFFIX = "（草稿）"
DRAFT_TITLE = TITLE + DRAFT_SUFFIX
DRAFT_MARK = "草稿"
DRAFT_NOTE = (
    "（本稿为协议草稿，供各方当事人阅读核对，不作为正式协议。经各方当事人签名、"
    "人民调解员签名并加盖人民调解委员会印章的协议书方为正式协议。）"
)

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


def deadline_text(a: Agreement | AgreementDraft | None) -> str:
    """履行期限 in words: "2026年12月31日前" or "自本协议签订之日起15日内" ("" when none)."""
    if a is None:
        return ""
    if a.perform_deadline is not None:
        return f"{L.day_text(a.perform_deadline)}前"
    if a.perform_within_days:
        return f"自本协议签订之日起{a.perform_within_days}日内"
    return ""


def _deadline_spans(a: Agreement | AgreementDraft | None) -> list[Span]:
    if a is not None and a.perform_deadline is not None:
        return [*L.day(a.perform_deadline), Span("前履行完毕")]
    text = deadline_text(a)
    return [Span(f"{text}履行完毕")] if text else [blank(12)]


def _labelled(label: str, content: list[Span], fonts: FontSet) -> L.Paragraph:
    return L.Paragraph([Span(label, bold=True), *content], L.BODY, fonts)


def agreement_story(
    case: CaseFile, office: OfficeInfo, fonts: FontSet, *, draft: bool = False
) -> list[Flowable]:
    """The agreement's flowables; with ``draft`` those of the case's 协议草稿 (marked as
    a draft, no seal or date)."""
    a: Agreement | AgreementDraft | None = case.draft if draft else case.agreement
    committee = C.committee_name(case, office)
    n_parties = len(case.parties)
    title = DRAFT_TITLE if draft else TITLE
    story: list[Flowable] = [*C.titles(committee, title, fonts), C.case_number_line(case, fonts)]
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
    term_paras = C.numbered(a.terms if a else [], fonts) or [
        L.Paragraph([Span("一、"), blank(24)], L.BODY, fonts)
    ]

    after: list[L.Paragraph] = [
        _labelled("履行方式：", [L.value(a.perform_manner if a else "", 12)], fonts),
        _labelled("履行地点：", [L.value(a.perform_place if a else "", 12)], fonts),
        _labelled("履行期限：", _deadline_spans(a), fonts),
        _labelled(
            "协议涉及金额：",
            amount_spans(a.amount_fen if a and a.amount_fen is not None else case.amount_fen),
            fonts,
        ),
        L.Paragraph(copies_sentence(n_parties), L.BODY, fonts),
        L.Paragraph(ART_29 + ART_31, L.BODY, fonts),
        L.Paragraph(ART_33.format(who=_both(n_parties)), L.BODY, fonts),
    ]
    sign = signature_block(case, office, fonts, draft=draft)
    story = C.signatures_with_lead(story, [heading, *term_paras], after, sign)
    return [*story, *C.party_list_attachment(case, fonts)]  # many parties: 当事人名单


def staff_block(mediators: list[str], recorder: str, fonts: FontSet) -> Flowable:
    """One line per mediator ("人民调解员：name　签名：____"), then the recorder's: each
    signs on a line of their own. One blank mediator line when none is assigned."""
    people = [("人民调解员", name) for name in mediators] or [("人民调解员", "")]
    people.append(("记录人", recorder))
    rows = [
        [
            L.Paragraph([Span(f"{label}："), L.value(name, 6)], C.SIGN_STYLE, fonts),
            L.Paragraph([Span("签名："), blank(10)], C.SIGN_STYLE, fonts),
        ]
        for label, name in people
    ]
    return L.table(
        rows,
        C.SIGN_COLUMNS,
        grid=False,
        padding=0,
        extra=[
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("BOTTOMPADDING", (0, -1), (-1, -1), 6),
            ("RIGHTPADDING", (0, 0), (0, -1), 8),
        ],
        fonts=fonts,
    )


def signature_block(
    case: CaseFile, office: OfficeInfo, fonts: FontSet, *, draft: bool = False
) -> list[Flowable]:
    left, right = C.sides(case)
    rows: list[Flowable] = []
    if not left and not right:
        rows.append(
            C.signature_row(
                C.party_signature(None, "applicant"), C.party_signature(None, "respondent"), fonts
            )
        )
    rows += C.party_signature_rows(left, right, fonts)  # a ruled table for many parties
    drafted = case.draft.recorder.strip() if draft and case.draft else ""
    staff = C.staff_grid if C.many_parties(case) else staff_block  # below the parties' grid
    rows.append(staff(C.mediator_names(case), drafted or C.recorder_name(case), fonts))
    if draft:  # not signed: no seal, no date, and a word on what the paper is
        rows.append(L.Paragraph(DRAFT_NOTE, L.BODY, fonts))
    else:
        signed = case.agreement.signed_on if case.agreement else None
        rows.append(C.seal_block(C.committee_name(case, office), L.day(signed), fonts))
    first = rows[0]
    first.spaceBefore = L.space(L.BODY_LEADING / 2)
    return rows


def _doc_info(title: str, case: CaseFile, office: OfficeInfo) -> L.DocInfo:
    return L.DocInfo(
        title=f"{title} {case.number or ''}".strip(),
        author=C.committee_name(case, office),
        subject=f"{C.names(C.ordered_parties(case))} {case.category}纠纷".strip(),
    )


def agreement_pdf(
    case: CaseFile, office: OfficeInfo | None = None, *, fonts: FontSet | None = None
) -> bytes:
    """The agreement of ``case`` as PDF bytes (A4, deterministic)."""
    return agreement_laid(case, office or OfficeInfo(), fonts or get_fonts()).pdf


def agreement_laid(case: CaseFile, office: OfficeInfo, fonts: FontSet) -> L.Laid:
    """The agreement of ``case`` laid out (:func:`agreement_pdf` without the writing)."""
    info = _doc_info(TITLE, case, office)
    # set tighter when that keeps the last term with the signatures without a gap
    return C.fitted_laid(
        lambda: agreement_story(case, office, fonts), info, fonts, parties_either_way=True
    )


def draft_mark(canvas: Canvas, font: str) -> None:
    """草稿 across the page, large, light and diagonal, under the text."""
    canvas.saveState()
    canvas.setFillGray(0.88)
    canvas.setFont(font, 150)
    canvas.translate(L.PAGE_WIDTH / 2, L.PAGE_HEIGHT / 2)
    canvas.rotate(38)
    canvas.drawCentredString(0, -50, DRAFT_MARK)
    canvas.restoreState()


def draft_agreement_pdf(
    case: CaseFile, office: OfficeInfo | None = None, *, fonts: FontSet | None = None
) -> bytes:
    """The case's 协议草稿 as PDF bytes, for the parties to read before they sign: the
    agreement as it will be, marked 草稿 on every page, without seal or date."""
    office = office or OfficeInfo()
    fonts = fonts or get_fonts()
    info = _doc_info(DRAFT_TITLE, case, office)
    font = fonts.bold
    return C.fitted_laid(
        lambda: agreement_story(case, office, fonts, draft=True),
        info,
        fonts,
        parties_either_way=True,
        on_page=lambda canvas: draft_mark(canvas, font),
    ).pdf


def draft_copies(case: CaseFile) -> int:
    """A draft is read, not kept: one copy per party."""
    return max(len(case.parties), 1)


def blank_agreement_pdf(office: OfficeInfo | None = None, *, fonts: FontSet | None = None) -> bytes:
    """The form with every field blank, to fill in by hand."""
    return blank_agreement_laid(office or OfficeInfo(), fonts or get_fonts()).pdf


def blank_agreement_laid(office: OfficeInfo, fonts: FontSet) -> L.Laid:
    """The blank form laid out (:func:`blank_agreement_pdf` without the writing)."""
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
    return L.lay_out(story, L.DocInfo(title=TITLE, author=committee), fonts=fonts)


class AgreementForm(PrintableForm):
    """The agreement as the registry lists it: offered for a case closed with a written
    agreement, one copy per party and one the committee keeps."""

    key = KEY
    title = TITLE
    states = CLOSED

    def laid(self, case: CaseFile | None, office: OfficeInfo, fonts: FontSet) -> L.Laid:
        if case is None:
            return blank_agreement_laid(office, fonts)
        return agreement_laid(case, office, fonts)

    def copies(self, case: CaseFile) -> int:
        return copies(case)

    def missing(self, case: CaseFile) -> str | None:
        return self.only_for_outcome(case, "agreement_written", "以“达成书面协议”结案")


FORM = AgreementForm()


__all__ = [
    "DRAFT_KEY",
    "DRAFT_TITLE",
    "FORM",
    "KEY",
    "TITLE",
    "agreement_laid",
    "agreement_pdf",
    "agreement_story",
    "blank_agreement_laid",
    "blank_agreement_pdf",
    "copies",
    "copies_sentence",
    "deadline_text",
    "draft_agreement_pdf",
]
