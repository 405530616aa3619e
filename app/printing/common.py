"""Pieces the case documents share: parties, mediators, numbers, signature blocks."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from contextvars import ContextVar
from dataclasses import replace
from datetime import date, datetime
from typing import Any

from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, PageBreak, Spacer

from app.models.casefile import CaseFile
from app.models.identity import ID_TYPES
from app.models.parties import CaseParty
from app.models.reference import ROLES
from app.models.sync.numbers import PROVISIONAL_NOTE
from app.printing import layout as L
from app.printing.context import OfficeInfo
from app.printing.fonts import FontSet
from app.printing.layout import Content, Span, blank, value
from app.printing.money import chinese_number

PERSON, ORG = "person", "org"

NUMBER_STYLE = replace(L.BODY_FLUSH, align="right", space_after=6)
# Under a provisional number (a field laptop's, app/models/sync/numbers.py): what it is.
PROVISIONAL_STYLE = replace(NUMBER_STYLE, size=L.SIZE_SMALL_4, leading=L.SIZE_SMALL_4 * 1.5)
SIGN_STYLE = replace(L.CELL, size=L.SIZE_4, leading=L.SIZE_4 * 2)


def role_label(role: str) -> str:
    return ROLES.get(role, "当事人")


def id_label(p: CaseParty) -> str:
    if p.id_type in ("", "resident_id"):
        return "公民身份号码"
    if p.id_type == "resident_id_15":
        return "公民身份号码（15位）"
    return ID_TYPES.get(p.id_type, "证件") + "号码"


def field(label: str, text: object, ems: int = 6) -> list[Span]:
    return [Span(label + "："), value(text, ems)]


def joined(parts: Sequence[Sequence[Span]], sep: str = "，", end: str = "。") -> list[Span]:
    out: list[Span] = []
    for i, part in enumerate(parts):
        if i:
            out.append(Span(sep))
        out.extend(part)
    out.append(Span(end))
    return out


def person_fields(p: CaseParty) -> list[list[Span]]:
    return [
        field("性别", p.sex, 2),
        field("民族", p.ethnicity, 3),
        [Span("出生日期："), *L.day(p.birth_date)],
        field(id_label(p), p.id_number, 10),
        field("职业", p.occupation, 4),
        field("住址", p.address, 12),
        field("联系电话", p.phone, 7),
    ]


def org_fields(p: CaseParty) -> list[list[Span]]:
    return [
        field("统一社会信用代码", p.org_code, 10),
        field("住所", p.address, 12),
        field("法定代表人", p.legal_rep, 4),
        field("联系电话", p.phone, 7),
    ]


def party_description(p: CaseParty, *, label: str | None = None) -> list[Span]:
    """The party's line, "申请人：张三，性别：男，……。": every field, blanks for empty ones."""
    head = [Span(f"{label or p.role_label}："), value(p.name, 6)]
    rest = person_fields(p) if p.kind != ORG else org_fields(p)
    return joined([head, *rest])


def agent_description(p: CaseParty) -> list[Span] | None:
    if not p.agent_name.strip():
        return None
    return joined(
        [
            [Span("委托代理人："), Span(p.agent_name.strip())],
            field("联系电话", p.agent_phone, 7),
            field("代理权限", p.agent_powers, 8),
        ]
    )


# role | label | value | label | value: the last column takes "2026年12月31日" and a
# 12-digit phone number on one line, the labels their four or five characters.
PARTY_TABLE_COLUMNS = (68.0, 80.0, L.BLOCK_WIDTH - 328.0, 66.0, 114.0)
TABLE_CELL = replace(L.CELL, leading=L.SIZE_4 * 1.3)


def _party_rows(role: str, p: CaseParty | None) -> tuple[list[list[str]], tuple[int, ...]]:
    """A party's rows of the form table, and which of them span the whole width."""

    def v(text: object) -> str:
        return "" if text is None else str(text).strip()

    label = role_label(role)
    if p is not None and p.kind == ORG:
        rows = [
            [label, "名称", v(p.name), "", ""],
            ["", "信用代码", v(p.org_code), "", ""],
            ["", "法定代表人", v(p.legal_rep), "联系电话", v(p.phone)],
            ["", "住所", v(p.address), "", ""],
        ]
        wide: tuple[int, ...] = (0, 1, 3)
    else:
        q = p or _NOBODY
        if q.id_type in ("", "resident_id", "resident_id_15"):
            id_row = ["", "身份证号", v(q.id_number), "", ""]
        else:
            id_row = [
                "",
                "证件号码",
                f"{ID_TYPES.get(q.id_type, '')} {q.id_number}".strip(),
                "",
                "",
            ]
        rows = [
            [label, "姓名", v(q.name), "性别", v(q.sex)],
            ["", "民族", v(q.ethnicity), "出生日期", L.day_text(q.birth_date)],
            ["", "职业", v(q.occupation), "联系电话", v(q.phone)],
            id_row,
            ["", "住址", v(q.address), "", ""],
        ]
        wide = (3, 4)
    if p is not None and p.agent_name.strip():
        rows.append(["", "委托代理人", v(p.agent_name), "联系电话", v(p.agent_phone)])
    return rows, wide


def party_table(
    rows: Sequence[tuple[str, CaseParty | None]], fonts: FontSet, *, padding: float = 5.0
) -> Flowable:
    """A form table of the parties (five rows each, six with an agent), empty cells for
    empty fields: what blank and dense forms print."""
    data: list[list[str]] = []
    spans: list[tuple[object, ...]] = []
    for role, p in rows:
        r = len(data)
        block, wide = _party_rows(role, p)
        data += block
        spans.append(("SPAN", (0, r), (0, r + len(block) - 1)))
        spans += [("SPAN", (2, r + k), (4, r + k)) for k in wide]
    t = L.table(
        data,
        PARTY_TABLE_COLUMNS,
        style=TABLE_CELL,
        padding=padding,
        extra=[*spans, ("ALIGN", (0, 0), (0, -1), "CENTER")],
        fonts=fonts,
    )
    t.spaceBefore = 6  # off the text above it (not at the top of a page)
    return t


_NOBODY = CaseParty(
    link_id="",
    party_id="",
    role="",
    position=0,
    kind=PERSON,
    name="",
    sex="",
    ethnicity="",
    birth_date=None,
    id_type="",
    id_number="",
    occupation="",
    phone="",
    address="",
    org_code="",
    legal_rep="",
    agent_name="",
    agent_phone="",
    agent_powers="",
)


def party_paragraphs(case: CaseFile, fonts: FontSet) -> list[Flowable]:
    """Every party with every field, a paragraph each (and one for its agent); for more
    than three parties a side, their names by side and a pointer to the attached
    当事人名单 (:func:`party_list_attachment`)."""
    if listed_apart(case):
        return party_summary(case, fonts)
    out: list[Flowable] = []
    for p in ordered_parties(case):
        out.append(L.Paragraph(party_description(p), L.BODY, fonts))
        agent = agent_description(p)
        if agent is not None:
            out.append(L.Paragraph(agent, L.BODY, fonts))
    return out


# More parties than this on a side are listed by name, their particulars on an attached
# 当事人名单, and they sign in a ruled table (:func:`signature_grid`).
PARTIES_IN_FULL = 3
ATTACHMENT = "当事人名单"
ATTACHMENT_NOTE = f"各当事人的身份信息详见附件《{ATTACHMENT}》。"


def many_parties(case: CaseFile | None) -> bool:
    """Whether ``case`` has more than three parties on a side."""
    if case is None:
        return False
    left, right = sides(case)
    return max(len(left), len(right)) > PARTIES_IN_FULL


# Whether documents that describe the parties in paragraphs (the agreement, the
# 司法确认申请书) describe many parties in full in the text instead of by name with the
# attached 当事人名单: :func:`fitted_laid` tries both.
_in_full: ContextVar[bool] = ContextVar("parties_in_full", default=False)


def listed_apart(case: CaseFile | None) -> bool:
    """Whether the parties of ``case`` are named in the text and described on the
    attached 当事人名单."""
    return many_parties(case) and not _in_full.get()


def _by_role(case: CaseFile) -> list[tuple[str, list[CaseParty]]]:
    groups: dict[str, list[CaseParty]] = {}
    for p in ordered_parties(case):
        groups.setdefault(p.role, []).append(p)
    return [(role_label(role), ps) for role, ps in groups.items()]


def party_summary(case: CaseFile, fonts: FontSet) -> list[Flowable]:
    """ "申请人：张三、李四……（共8人）" for each side, then where the particulars are."""
    out: list[Flowable] = [
        L.Paragraph(f"{label}：{names(ps)}（共{len(ps)}人）", L.BODY, fonts)
        for label, ps in _by_role(case)
    ]
    out.append(L.Paragraph(ATTACHMENT_NOTE, L.BODY, fonts))
    return out


def party_summary_table(case: CaseFile, fonts: FontSet) -> Flowable:
    """The form table's party rows for many parties: one row a side with the names."""
    rows: list[list[Any]] = [[f"{label}（{len(ps)}人）", names(ps)] for label, ps in _by_role(case)]
    rows.append([ATTACHMENT_NOTE, ""])
    t = L.table(
        rows,
        (FORM_COLUMNS[0], L.BLOCK_WIDTH - FORM_COLUMNS[0]),
        style=TABLE_CELL,
        padding=5.0,
        extra=[("ALIGN", (0, 0), (0, -2), "CENTER"), ("SPAN", (0, -1), (1, -1))],
        fonts=fonts,
    )
    t.spaceBefore = L.space(6)
    return t


def parties_table(case: CaseFile | None, fonts: FontSet) -> Flowable:
    """The forms' party table: five rows a person (four an organisation), or for many
    parties the names by side (the particulars on the attached 当事人名单)."""
    if case is not None and many_parties(case):
        return party_summary_table(case, fonts)
    left, right = sides(case) if case else ([], [])
    return party_table(party_rows(left, right), fonts)


# The attached 当事人名单 is set the same way in every document, whatever density the
# document before it takes (app.printing.layout.fit): 4号 entries, 3号 bold side headings.
# The leading is 1.5 lines; only when that leaves one or two entries alone on a last
# page is a tighter one (LIST_LEADINGS) taken, and only if it saves that page.
LIST_LEADINGS = (1.5, 1.45, 1.4, 1.35)
LIST_STYLE = replace(L.DENSE, align="justify", first_indent=2, leading=L.SIZE_4 * LIST_LEADINGS[0])
LIST_HEADING = replace(L.HEADING, space_before=6)
LIST_LONELY = 2  # entries on a last page that a tighter leading may spare
_ENTRY = f"{ATTACHMENT}:"  # Mark names at the end of each entry (a trial layout only)


def party_list_attachment(case: CaseFile | None, fonts: FontSet) -> list[Flowable]:
    """For many parties: a new page headed 附件, the 当事人名单 — every party by side with
    every field, numbered, and its agent — after the document it belongs to, the same in
    every document (:data:`LIST_STYLE`). Nothing for three parties a side or fewer (they
    are printed in full in the document)."""
    if case is None or not listed_apart(case):
        return []
    leading = _list_leading(case, fonts)
    return [PageBreak(), L.Mark(ATTACHMENT), *_party_list(case, fonts, leading)]


def _party_list(
    case: CaseFile, fonts: FontSet, leading: float, *, marks: bool = False
) -> list[Flowable]:
    """The 当事人名单 (after its page break), entries ``leading`` × 4号 apart; with
    ``marks`` a :class:`app.printing.layout.Mark` after each entry."""
    entry_style = replace(LIST_STYLE, leading=L.SIZE_4 * leading)
    with L.setting(L.NORMAL):  # not the density of the document it is attached to
        out: list[Flowable] = [
            L.Paragraph("附件", replace(L.BODY_FLUSH, bold=True), fonts),
            L.Paragraph(ATTACHMENT, replace(L.TITLE, space_after=6), fonts),
        ]
        if case.number:
            out.append(case_number_line(case, fonts))
        for label, ps in _by_role(case):
            out.append(L.Paragraph(f"{label}（{len(ps)}人）", LIST_HEADING, fonts))
            for n, p in enumerate(ps, 1):
                # "1. 张三，性别：女，……": the side is the heading above
                entry = [Span(f"{n}. "), *party_description(p)[1:]]
                agent = agent_description(p)
                style = replace(entry_style, keep_with_next=agent is not None)
                out.append(L.Paragraph(entry, style, fonts))
                if agent is not None:  # kept with its party
                    out.append(L.Paragraph(agent, replace(entry_style, first_indent=3), fonts))
                if marks:
                    out.append(L.Mark(f"{_ENTRY}{label}{n}"))
    return out


_list_leadings: dict[tuple[Any, ...], float] = {}


def _list_leading(case: CaseFile, fonts: FontSet) -> float:
    """The leading of the 当事人名单 of ``case``: LIST_LEADINGS[0], or a tighter one that
    saves a last page of LIST_LONELY entries or fewer. The list starts on a page of its
    own, so it is tried alone; remembered per list (a document tries several densities)."""
    printed = [
        (p.role, *(s.text for s in [*party_description(p), *(agent_description(p) or [])]))
        for p in ordered_parties(case)
    ]
    key = (tuple(printed), case.number, case.number_provisional, fonts.regular, fonts.bold)
    found = _list_leadings.get(key)
    if found is not None:
        return found
    choice = LIST_LEADINGS[0]
    pages = 0
    for leading in LIST_LEADINGS:
        story = _party_list(case, fonts, leading, marks=True)
        laid = L.lay_out(story, L.DocInfo(ATTACHMENT), fonts=fonts)
        last = laid.pages - 1
        alone = sum(1 for k, v in laid.marks.items() if k.startswith(_ENTRY) and v == last)
        if leading == LIST_LEADINGS[0]:
            pages = laid.pages
            if pages == 1 or alone > LIST_LONELY:
                break
        elif laid.pages < pages:
            choice = leading
            break
    if len(_list_leadings) > 256:
        _list_leadings.clear()
    _list_leadings[key] = choice
    return choice


def party_signer(p: CaseParty, label: str | None = None) -> tuple[str, str, str]:
    """(label, name, how) of a party for :func:`signature_lines`: a person signs and
    presses a fingerprint, an organisation signs by its representative and seals."""
    how = "签名（盖章）" if p.kind == ORG else "签名（按指印）"
    return (label or p.role_label, p.name, how)


def ordered_parties(case: CaseFile) -> list[CaseParty]:
    """Applicants, then respondents, then plain 当事人, each in the order given."""
    order = {"applicant": 0, "respondent": 1}
    return sorted(case.parties, key=lambda p: (order.get(p.role, 2), p.position))


def sides(case: CaseFile) -> tuple[list[CaseParty], list[CaseParty]]:
    """The two columns of a signature block: applicants | respondents (or alternating)."""
    left = case.side("applicant")
    right = case.side("respondent")
    others = case.side("party")
    if others:
        left += others[0::2]
        right += others[1::2]
    return left, right


def names(parties: Sequence[CaseParty]) -> str:
    return "、".join(p.name for p in parties)


def mediator_names(case: CaseFile) -> list[str]:
    """The case's current mediators, lead first; every one ever assigned if none is."""
    current = [a for a in case.assignments if a.ended_on is None] or list(case.assignments)
    current.sort(key=lambda a: not a.lead)
    seen: list[str] = []
    for a in current:
        if a.mediator_name not in seen:
            seen.append(a.mediator_name)
    return seen


def recorder_name(case: CaseFile) -> str:
    """The agreement's 记录人 as entered at closing; for agreements from before that field,
    who recorded the latest mediation session; else ""."""
    if case.agreement is not None and case.agreement.recorder.strip():
        return case.agreement.recorder.strip()
    for s in reversed(case.sessions):
        if s.kind == "session" and s.recorder.strip():
            return s.recorder.strip()
    for s in reversed(case.sessions):
        if s.recorder.strip():
            return s.recorder.strip()
    return ""


def committee_name(case: CaseFile | None, office: OfficeInfo) -> str:
    return office.committee(case.committee_name if case else "")


def number_line(number: str | None, fonts: FontSet, *, provisional: bool = False) -> Flowable:
    """The case number under the titles (a blank to write it in when there is none); a
    provisional number says so on a line of its own below it."""
    if number and number.strip():
        if provisional:
            return L.keep_together(
                [
                    L.Paragraph(number.strip(), replace(NUMBER_STYLE, space_after=0), fonts),
                    L.Paragraph(f"（{PROVISIONAL_NOTE}）", PROVISIONAL_STYLE, fonts),
                ]
            )
        return L.Paragraph(number.strip(), NUMBER_STYLE, fonts)
    return L.Paragraph([Span("编号："), blank(10)], NUMBER_STYLE, fonts)


def case_number_line(case: CaseFile | None, fonts: FontSet) -> Flowable:
    """:func:`number_line` of a case (of the blank form without one)."""
    if case is None:
        return number_line(None, fonts)
    return number_line(case.number, fonts, provisional=case.number_provisional)


def printed_number(case: CaseFile | None) -> str:
    """The case number as a form's table or sentence prints it: "（2026）青山调字第12号";
    a field laptop's provisional one followed by "（临时编号）"; "" for none."""
    if case is None or not case.number:
        return ""
    return f"{case.number}（临时编号）" if case.number_provisional else case.number


def titles(committee: str, title: str, fonts: FontSet) -> list[Flowable]:
    """The committee's name and the document's name, 2号 bold, centred."""
    first = committee.strip()
    out: list[Flowable] = []
    if first:
        out.append(L.Paragraph(first, L.TITLE, fonts))
    out.append(L.Paragraph(title, replace(L.TITLE, space_after=10), fonts))
    return out


# ---------------------------------------------------------------------------------------
# Signature blocks


def party_signature(p: CaseParty | None, role: str) -> list[Content]:
    """Lines of one party's signature cell."""
    if p is None:
        return [[Span(f"{role_label(role)}："), blank(6)], [Span("签名（按指印）："), blank(7)]]
    label = p.role_label
    if p.kind == ORG:
        lines: list[Content] = [
            [Span(f"{label}："), Span(p.name)],
            "（盖章）",
            [Span("法定代表人（签名）："), blank(5)],
        ]
    else:
        lines = [[Span(f"{label}："), Span(p.name)], [Span("签名（按指印）："), blank(7)]]
    if p.agent_name.strip():
        lines.append([Span("委托代理人（签名）："), blank(5)])
    return lines


def cell(lines: Sequence[Content], fonts: FontSet) -> list[Flowable]:
    return [L.Paragraph(line, SIGN_STYLE, fonts) for line in lines]


SIGN_COLUMNS = (L.BLOCK_WIDTH / 2, L.BLOCK_WIDTH / 2)


def signature_row(left: Sequence[Content], right: Sequence[Content], fonts: FontSet) -> Flowable:
    """Two signature cells side by side, with room to sign (no ruling)."""
    return L.table(
        [[cell(left, fonts) if left else None, cell(right, fonts) if right else None]],
        SIGN_COLUMNS,
        grid=False,
        padding=0,
        extra=[
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
            ("RIGHTPADDING", (0, 0), (0, -1), 8),
        ],
        fonts=fonts,
    )


def seal_block(committee: str, signed: Content, fonts: FontSet) -> Flowable:
    """The committee's name with （盖章） over the date, right-aligned, four characters in.

    Room above for the seal (GB/T 9704-2012 7.3.5: the date 右空四字)."""
    style = replace(L.BODY_FLUSH, align="center")
    name = [Span(committee) if committee else blank(10), Span("（盖章）")]
    w = max(_width(name, style, fonts), _width(signed, style, fonts)) + 2
    t = L.table(
        [[L.Paragraph(name, style, fonts), ""], [L.Paragraph(signed, style, fonts), ""]],
        (w, 4 * L.SIZE_3),
        grid=False,
        padding=0,
        fonts=fonts,
    )
    t.hAlign = "RIGHT"
    t.spaceBefore = L.BODY_LEADING * 0.6
    return t


def _width(content: Content, style: L.Style, fonts: FontSet) -> float:
    return sum(g.width for g in L.shape(content, style, fonts))


def _tail(p: L.Paragraph, keep: int) -> tuple[L.Paragraph | None, L.Paragraph]:
    """``p`` as (head, last ``keep`` lines); no head when ``p`` is that short."""
    n = len(p.lines_for(L.BLOCK_WIDTH))
    if n <= keep:
        return None, p
    return p.split_at_line(n - keep, L.BLOCK_WIDTH)


def _lead(p: L.Paragraph) -> tuple[L.Paragraph | None, L.Paragraph]:
    """``p`` as (head, the last two lines that go with a signature block); the head is at
    least two lines (a first line alone at the bottom of a page reads as a mistake), so a
    paragraph of three lines or fewer goes with the block whole."""
    n = len(p.lines_for(L.BLOCK_WIDTH))
    return (None, p) if n - 2 < 2 else _tail(p, 2)


def _with_tall_block(
    story: list[Flowable], lead: list[Flowable], sign: list[Flowable]
) -> list[Flowable]:
    """``lead`` (the end of the text) and the block ``sign``: kept together when they fit
    on one page; a block taller than a page is split between its rows, its first row
    kept with ``lead`` and its last (the seal or date) with the row before. A heading
    (or "此致") that ends ``story`` goes with ``lead``."""
    story, lead = list(story), list(lead)
    while story and isinstance(story[-1], L.Paragraph) and story[-1].style.keep_with_next:
        lead.insert(0, story.pop())
    if L.fits_one_page([*lead, *sign]) or len(sign) < 3:
        return [*story, L.keep_together([*lead, *sign])]
    return [*story, L.keep_together([*lead, sign[0]]), *sign[1:-2], L.keep_together(sign[-2:])]


def signatures_with_lead(
    before: list[Flowable],
    terms: list[L.Paragraph],
    after: list[L.Paragraph],
    sign: list[Flowable],
) -> list[Flowable]:
    """The story's end: ``before``, the ``terms``, the closing text ``after`` them, then the
    signature block ``sign`` (rows, the last one the seal).

    The signature block is never split and never alone at the top of a page: it stays on
    one page with the whole of the last term and the closing text, or — only when those
    and the block are more than a page — below the end of the closing text
    (:class:`app.printing.layout.KeepWithText`; :func:`fitted_laid` tries tighter
    settings first). Only a block taller than a page is split, between rows; its first
    row still stays with the text above it and the seal with the row before it.
    """
    text = [*terms, *after]
    if text and L.fits_one_page([_lead(text[-1])[1], *sign]):
        return [*before, L.KeepWithText(text, sign, strict=len(terms))]
    story = [*before, *text[:-1]]
    lead: list[Flowable] = []
    if text:
        head, tail = _lead(text[-1])
        story += [head] if head is not None else []
        lead = [tail]
    return _with_tall_block(story, lead, sign)


# ---------------------------------------------------------------------------------------
# The other forms


def moment(text: str) -> str:
    """ "2026-11-10 09:30" (or ISO with a T) → "2026年11月10日9时30分"; "" stays ""."""
    text = text.strip()
    if not text:
        return ""
    try:
        d = datetime.fromisoformat(text.replace(" ", "T"))
    except ValueError:
        return text
    return f"{d.year}年{d.month}月{d.day}日{d.hour}时{d.minute:02d}分"


def side_names(parties: Sequence[CaseParty]) -> str:
    """ "张三、李四、王五", or for more than three "张三、李四等9人"."""
    if len(parties) <= PARTIES_IN_FULL:
        return names(parties)
    return f"{names(parties[:2])}等{len(parties)}人"


def case_name(case: CaseFile) -> str:
    """ "张三与李四邻里纠纷", "张三、李四等9人与王五等8人山林土地纠纷" (the case's own title
    when it has one)."""
    if case.title.strip():
        return case.title.strip()
    left, right = sides(case)
    who = "与".join(x for x in (side_names(left), side_names(right)) if x)
    return f"{who}{case.category}纠纷"


def form_laid(
    title: str,
    body: list[Flowable] | Callable[[], list[Flowable]],
    office: OfficeInfo,
    fonts: FontSet,
    case: CaseFile | None = None,
    *,
    number: bool = True,
    one_sheet: bool = False,
) -> L.Laid:
    """A form laid out (its PDF written when asked for): the committee's name and the
    title, the case number (or a blank for it), then ``body``; metadata from the case.

    A ``body`` given as a function that makes it is set as loosely as lays it out well
    (:func:`fitted_laid`): with ``one_sheet`` (a form that is one sheet, as the model form
    is) on one page if it can be, else without half-empty pages."""
    committee = committee_name(case, office)
    info = L.DocInfo(
        title=f"{title} {(case.number or '') if case else ''}".strip(),
        author=committee,
        subject=case_name(case) if case else "",
    )

    def story() -> list[Flowable]:
        head: list[Flowable] = titles(committee, title, fonts)
        if number:
            head.append(case_number_line(case, fonts))
        return [*head, *(body() if callable(body) else body)]

    if not callable(body):
        return L.lay_out(story(), info, fonts=fonts)
    return fitted_laid(story, info, fonts, one_sheet=one_sheet)


# A page before the last of a document may stay this empty at its foot (a paragraph that
# is not split, a heading kept with its text): five lines of 3号, under a quarter of the
# page; more, and a tighter density is tried.
GAP_LIMIT = 5 * L.BODY_LEADING


def main_pages(laid: L.Laid) -> int:
    """Pages of the document before its attached 当事人名单."""
    return laid.marks.get(ATTACHMENT, laid.pages)


def well_laid(laid: L.Laid) -> bool:
    """The block kept its text (the last term) and no page before the last of the
    document (before the attachment) is left emptier at its foot than GAP_LIMIT."""
    return (
        L.KeepWithText.APART not in laid.marks
        and laid.gap_before(main_pages(laid) - 1) <= GAP_LIMIT + L.FUZZ
    )


def fitted_laid(
    make_story: Callable[[], list[Flowable]],
    info: L.DocInfo,
    fonts: FontSet,
    *,
    one_sheet: bool = False,
    parties_either_way: bool = False,
    on_page: Callable[[Canvas], None] | None = None,
    footer: bool = True,
) -> L.Laid:
    """The story set in the loosest density (:data:`app.printing.layout.DENSITIES`) that
    lays it out well: on one page for a ``one_sheet`` form, else :func:`well_laid`.
    When none does, the loosest that keeps the block with its text and leaves no big
    gap, else the loosest that keeps the block with its text, else the standard one."""
    order = {d: n for n, d in enumerate(L.DENSITIES)}

    def good(laid: L.Laid) -> bool:
        return main_pages(laid) == 1 if one_sheet else well_laid(laid)

    def rank(laid: L.Laid) -> tuple[bool, bool, int]:
        apart = L.KeepWithText.APART in laid.marks
        return (apart, not well_laid(laid), order[laid.density])

    tried: list[L.Laid] = []
    # the second fit (the parties listed the other way) sets the other texts again in the
    # same densities: each is set once
    with L.remembered():
        for in_full in (False, True) if parties_either_way else (False,):
            token = _in_full.set(in_full)
            try:
                laid = L.fit(
                    make_story,
                    info,
                    good=good,
                    rank=rank,
                    fonts=fonts,
                    on_page=on_page,
                    footer=footer,
                )
            finally:
                _in_full.reset(token)
            if good(laid):
                return laid
            tried.append(laid)
        return min(tried, key=rank)


def form_table(
    rows: Sequence[Sequence[Any]],
    widths: Sequence[float],
    fonts: FontSet,
    *,
    spans: Sequence[tuple[Any, ...]] = (),
    write_rows: Sequence[int] = (),
    write_height: float = 4 * L.BODY_LEADING,
) -> Flowable:
    """A ruled form table (4号). Cells: text, lists of spans, flowables; empty text makes
    an empty cell. The empty cells of ``write_rows`` get ``write_height`` points of room
    to write in by hand."""
    data: list[list[Any]] = []
    for r, row in enumerate(rows):
        cells: list[Any] = []
        for c in row:
            if c is None or (isinstance(c, str) and not c.strip()):
                cells.append(Spacer(1, write_height) if r in write_rows else "")
            else:
                cells.append(c.strip() if isinstance(c, str) else c)
        data.append(cells)
    return L.table(data, widths, style=TABLE_CELL, padding=5, extra=list(spans), fonts=fonts)


def signer_lines(p: CaseParty) -> list[Content]:
    """Who signs in a cell of :func:`signature_grid`: the name; an organisation seals and
    its 法定代表人 signs; an agent signs too."""
    if p.kind == ORG:
        lines: list[Content] = [f"{p.name}（盖章）", [Span("法定代表人："), value(p.legal_rep, 4)]]
    else:
        lines = [p.name]
    if p.agent_name.strip():
        lines.append(f"委托代理人：{p.agent_name.strip()}")
    return lines


GRID_PER_ROW = 4
SIGN_ROOM = 28.0  # points to sign and press a fingerprint in, below the name (10 mm)
GRID_LABEL = 1.6 * L.SIZE_SMALL_4  # the side's label, one character a line


def signature_grid(
    groups: Sequence[tuple[str, Sequence[Sequence[Content]]]],
    fonts: FontSet,
    *,
    caption: str = "当事人签名（盖章）或按指印：",
) -> Flowable:
    """Many parties sign in a ruled table: under ``caption``, for each side ("申请人",
    written downwards in a narrow first column) four cells to a row, each with a party's
    name over room to sign, seal or press a fingerprint."""
    style = replace(TABLE_CELL, size=L.SIZE_SMALL_4, leading=L.SIZE_SMALL_4 * 1.25)
    label_style = replace(style, align="center")
    room = L.space(SIGN_ROOM)
    width = (L.BLOCK_WIDTH - GRID_LABEL) / GRID_PER_ROW
    rows: list[list[Any]] = []
    commands: list[tuple[Any, ...]] = [
        ("VALIGN", (1, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (0, -1), 1),
        ("RIGHTPADDING", (0, 0), (0, -1), 1),
    ]
    if caption:
        rows.append([L.Paragraph(caption, style, fonts), "", "", "", ""])
        commands += [("SPAN", (0, 0), (-1, 0)), ("LEFTPADDING", (0, 0), (0, 0), 3)]
    for label, signers in groups:
        first = len(rows)
        for i in range(0, len(signers), GRID_PER_ROW):
            cells: list[Any] = [
                [*(L.Paragraph(line, style, fonts) for line in lines), Spacer(1, room)]
                for lines in signers[i : i + GRID_PER_ROW]
            ]
            rows.append(["", *cells, *[""] * (GRID_PER_ROW - len(cells))])
        if label:
            rows[first][0] = L.Paragraph("\n".join(label), label_style, fonts)
        commands.append(("SPAN", (0, first), (0, len(rows) - 1)))
    t = L.table(
        rows,
        (GRID_LABEL, *(width,) * GRID_PER_ROW),
        style=style,
        padding=3,
        extra=commands,
        fonts=fonts,
    )
    t.spaceBefore = L.space(L.BODY_LEADING / 2)
    return t


def staff_grid(mediators: Sequence[str], recorder: str, fonts: FontSet) -> Flowable:
    """The mediators and the recorder of an agreement with many parties, each in a cell
    of a row like the parties' (:func:`signature_grid`) with room to sign."""
    cells: list[Sequence[Content]] = [
        [[Span("人民调解员："), value(name, 4)]] for name in mediators or [""]
    ]
    cells.append([[Span("记录人："), value(recorder, 4)]])
    grid = signature_grid([("", cells)], fonts, caption="")
    grid.spaceBefore = 0
    return grid


def party_signature_rows(
    left: Sequence[CaseParty], right: Sequence[CaseParty], fonts: FontSet
) -> list[Flowable]:
    """The parties' part of an agreement's signature block: a two-column row of cells per
    applicant and respondent (:func:`party_signature`), or for more than three on a side
    one :func:`signature_grid`."""
    n = max(len(left), len(right))
    if n > PARTIES_IN_FULL:
        groups: dict[str, list[Sequence[Content]]] = {}
        for p in [*left, *right]:
            groups.setdefault(p.role_label, []).append(signer_lines(p))
        return [signature_grid(list(groups.items()), fonts)]
    rows: list[Flowable] = []
    for i in range(n):
        lp = left[i] if i < len(left) else None
        rp = right[i] if i < len(right) else None
        rows.append(
            signature_row(
                party_signature(lp, lp.role) if lp else [],
                party_signature(rp, rp.role) if rp else [],
                fonts,
            )
        )
    return rows


def _signs_as_party(how: str) -> bool:
    return "按指印" in how or "盖章" in how


def signature_lines(items: Sequence[tuple[str, str, str]], fonts: FontSet) -> list[Flowable]:
    """Signature cells, two to a row: "label：name" over "how：____" (how: 签名, 签名（按指印）
    …); a blank for the name when it is empty. More than six parties (those who sign with
    a fingerprint or seal) sign in a :func:`signature_grid`; the staff below them."""
    parties = [item for item in items if _signs_as_party(item[2])]
    if len(parties) > 2 * PARTIES_IN_FULL:
        groups: dict[str, list[Sequence[Content]]] = {}
        for label, name, how in parties:
            groups.setdefault(label, []).append([name + ("（盖章）" if "盖章" in how else "")])
        staff = [item for item in items if not _signs_as_party(item[2])]
        return [signature_grid(list(groups.items()), fonts), *_signature_rows(staff, fonts)]
    return _signature_rows(items, fonts)


def _signature_rows(items: Sequence[tuple[str, str, str]], fonts: FontSet) -> list[Flowable]:
    cells: list[list[Content]] = [
        [[Span(f"{label}："), Span(name) if name else blank(6)], [Span(f"{how}："), blank(7)]]
        for label, name, how in items
    ]
    rows: list[Flowable] = []
    for i in range(0, len(cells), 2):
        left = cells[i]
        right = cells[i + 1] if i + 1 < len(cells) else []
        rows.append(signature_row(left, right, fonts))
    if rows:
        rows[0].spaceBefore = L.space(L.BODY_LEADING / 2)
    return rows


def heading(**changes: Any) -> L.Style:
    return replace(L.HEADING, **changes)


# "此致" never ends a page without the addressee on the next line.
SALUTATION = replace(L.BODY, keep_with_next=True)
SALUTATION_TEXT = "此致"


def salutation(addressee: str, fonts: FontSet) -> list[L.Paragraph]:
    """ "此致" and, flush left below it, the addressee (a blank line when unknown)."""
    return [
        L.Paragraph(SALUTATION_TEXT, SALUTATION, fonts),
        L.Paragraph(addressee.strip() or [L.blank(10)], L.BODY_FLUSH, fonts),
    ]


DATE_STYLE = replace(L.BODY_FLUSH, align="right", right_indent=4 * L.SIZE_3, space_before=6)


def date_line(d: date | None, fonts: FontSet) -> Flowable:
    """The date of a letter or record, right-aligned four characters in (GB/T 9704)."""
    return L.Paragraph(L.day(d), DATE_STYLE, fonts)


def event_user(case: CaseFile | None, *actions: str) -> str:
    """Who did the latest of ``actions`` on the case (e.g. the 登记人), or ""."""
    if case is None:
        return ""
    for e in reversed(case.events):
        if e.action in actions:
            return e.by_name
    return ""


def bold(text: str) -> Span:
    return Span(text, bold=True)


def count_pages(pdf: bytes) -> int:
    """The number of pages of a PDF this package wrote."""
    return len(re.findall(rb"/Type /Page\b(?!s)", pdf))


def party_rows(
    left: Sequence[CaseParty], right: Sequence[CaseParty]
) -> list[tuple[str, CaseParty | None]]:
    """Rows for :func:`party_table`: the parties of both sides, a blank one for an empty
    side (blank forms)."""
    rows: list[tuple[str, CaseParty | None]] = [(p.role, p) for p in left]
    rows += [] if left else [("applicant", None)]
    rows += [(p.role, p) for p in right]
    rows += [] if right else [("respondent", None)]
    return rows


def text_cell(text: str, fonts: FontSet, style: L.Style = TABLE_CELL) -> Any:
    """A table cell with paragraphs of text (one per line), or "" when there is none."""
    parts = [p.strip() for p in text.replace("\r\n", "\n").split("\n") if p.strip()]
    if not parts:
        return ""
    return [L.Paragraph(p, style, fonts) for p in parts]


# label | value | label | value, lined up with the party table's columns
FORM_COLUMNS = (
    PARTY_TABLE_COLUMNS[0] + PARTY_TABLE_COLUMNS[1],
    PARTY_TABLE_COLUMNS[2],
    PARTY_TABLE_COLUMNS[3],
    PARTY_TABLE_COLUMNS[4],
)


# label | value | label | value, for the short fields of a record: four-character labels,
# a time ("2026年12月31日23时59分") and a place of nine characters each on one line.
RECORD_COLUMNS = (66.0, 172.0, 66.0, L.BLOCK_WIDTH - 66.0 - 172.0 - 66.0)


def long_text(label: str, text: str, fonts: FontSet, *, blank_lines: int = 4) -> list[Flowable]:
    """A bold "label：" and the text below it as body paragraphs that flow over pages (a
    table cell could not), or ruled lines to write on when there is no text."""
    head = L.Paragraph(f"{label}：", heading(space_before=6), fonts)
    parts = [p.strip() for p in text.replace("\r\n", "\n").split("\n") if p.strip()]
    if not parts:
        return [head, L.RuleLines(blank_lines)]
    return [head, *(L.Paragraph(p, L.BODY, fonts) for p in parts)]


def numbered(items: Sequence[str], fonts: FontSet) -> list[L.Paragraph]:
    """Terms or requests as "一、…", "二、…", a body paragraph each (empty ones left out)."""
    kept = [t.strip() for t in items if t.strip()]
    return [L.Paragraph(f"{chinese_number(i)}、{t}", L.BODY, fonts) for i, t in enumerate(kept, 1)]


def finish(body: Sequence[Flowable], block: Sequence[Flowable]) -> list[Flowable]:
    """``body`` then ``block`` (signatures, seal, date), the block kept whole and below
    some of the body on its page: with the trailing paragraphs of the body through
    :class:`app.printing.layout.KeepWithText`; with the last two of the body's closing
    ruled lines (a blank form: the lines above them stay on their page); or with the
    last item (and its heading) when the body ends in a table. A block taller than a
    page keeps its first row with the end of the body and its last with the row before
    (:func:`_with_tall_block`)."""
    body, block = list(body), list(block)
    run = 0
    while run < len(body) and isinstance(body[len(body) - 1 - run], L.Paragraph):
        run += 1
    if run:
        text = body[len(body) - run :]
        last = text[-1]
        assert isinstance(last, L.Paragraph)
        paras = [t for t in text if isinstance(t, L.Paragraph)]
        # "此致" and the addressee: the block's page also takes text from before them
        closing = 2 if len(paras) > 2 and paras[-2].text() == SALUTATION_TEXT else 0
        lead = paras[len(paras) - closing - 1 :]
        if L.fits_one_page([_lead(lead[0])[1], *lead[1:], *block]):
            return [
                *body[: len(body) - run],
                L.KeepWithText(paras, block, strict=0, closing=closing),
            ]
        head, tail = _lead(last)
        return _with_tall_block([*body[:-1], *([head] if head else [])], [tail], block)
    if not body:
        return _with_tall_block([], [], block)
    lead = body[-1:]
    before = body[:-1]
    rules = lead[0]
    if isinstance(rules, L.RuleLines) and rules.count >= 4:  # fewer go whole, as paragraphs
        before.append(L.RuleLines(rules.count - 2, rules.leading, rules.indent))
        lead = [L.RuleLines(2, rules.leading)]
    return _with_tall_block(before, lead, block)
