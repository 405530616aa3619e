"""The forms on paper, tried on two cases entered through the real services: a dispute
between two neighbours and one of eight villagers against eight respondents
(tests/printing/office_cases.py). Every check reads the PDF back: pages, where the last
term and the signatures are, how full each page is, the character spacing of every line
(Tc), and where lines break."""

from __future__ import annotations

import re
from collections.abc import Iterator
from itertools import pairwise

import pytest

from app.models.casefile import CaseFile
from app.printing import common as C
from app.printing import layout as L
from app.printing import registry
from app.printing.agreement import agreement_pdf
from tests.printing.helpers import (
    OFFICE,
    DrawnLine,
    drawn_lines,
    flat,
    page_texts,
    reader,
)
from tests.printing.office_cases import (
    APPLICANTS,
    MANY_TERMS,
    RESPONDENTS,
    TWO_TERMS,
    many_party_case,
    two_party_case,
)
from tests.printing.test_layout import check_lines

CASES = ("two", "many")


@pytest.fixture(scope="module")
def cases(tmp_path_factory: pytest.TempPathFactory) -> dict[str, CaseFile]:
    folder = tmp_path_factory.mktemp("office")
    return {
        "two": two_party_case(folder / "two.sqlite3"),
        "many": many_party_case(folder / "many.sqlite3"),
    }


_built: dict[tuple[str, str, str], bytes] = {}


def pdf_of(cases: dict[str, CaseFile], which: str, key: str) -> bytes:
    """Document ``key`` of case ``which`` as the user prints it (built once a case)."""
    case = cases[which]
    found = _built.get((case.id, which, key))
    if found is None:
        found = _built[(case.id, which, key)] = registry.document(key).build(case, OFFICE)
    return found


def every_document(cases: dict[str, CaseFile]) -> Iterator[tuple[str, str, bytes]]:
    for which, case in cases.items():
        for doc in registry.for_case(case):
            yield which, doc.key, pdf_of(cases, which, doc.key)


def body_lines(pdf: bytes) -> list[DrawnLine]:
    """The lines in the text block (not the page numbers), in reading order."""
    return [d for d in drawn_lines(pdf) if d.y > L.MARGIN_BOTTOM - 0.01]


def attachment_page(pdf: bytes) -> int | None:
    """The first page of the attached 当事人名单, if there is one."""
    for n, text in enumerate(page_texts(pdf)):
        if flat(text).startswith("附件" + C.ATTACHMENT):
            return n
    return None


# ---------------------------------------------------------------------------------------
# Pages

PAGES = {
    # key: (pages for two parties, pages for 8 + 8 of which the 当事人名单 takes)
    "cover": (1, 1, 0),
    "application": (1, 3, 2),
    "acceptance": (1, 4, 2),
    "rights_notice": (1, 1, 0),
    "investigation": (1, 1, 0),
    "session_record": (1, 2, 0),
    "agreement": (2, 4, 2),
    "confirmation_application": (2, 4, 2),
}


@pytest.mark.parametrize("key", sorted(PAGES))
def test_page_count_of_each_form(cases: dict[str, CaseFile], key: str) -> None:
    two, many, listed = PAGES[key]
    assert len(reader(pdf_of(cases, "two", key)).pages) == two
    pdf = pdf_of(cases, "many", key)
    assert len(reader(pdf).pages) == many
    start = attachment_page(pdf)
    assert (many - start if start is not None else 0) == listed


@pytest.mark.parametrize("key", ["application", "rights_notice", "acceptance"])
def test_two_party_forms_fit_one_sheet(cases: dict[str, CaseFile], key: str) -> None:
    """As the model forms do: the whole form, signatures and seal on one A4 page."""
    pdf = pdf_of(cases, "two", key)
    assert len(reader(pdf).pages) == 1
    text = flat(page_texts(pdf)[0])
    for name in ("张桂英", "330781196305141227", "青山镇红旗村3组14号"):
        assert name in text or key == "rights_notice"
    assert "张桂英" in text and "签名" in text
    check_lines(pdf)


CLOSING = re.compile(
    r"此致|签名|按指印|盖章|^人民调解员|^记录人|^登记人|^\d{4}年\d{1,2}月\d{1,2}日$|"
    r"^____年|人民调解委员会$|人民法院$"
)


def is_text(d: DrawnLine) -> bool:
    """A line of the document's text: not the closing formula, a signature, a seal or a
    date, nor a name in a cell of the signature table (a paragraph's line starts at the
    left of the text block or two characters in)."""
    if CLOSING.search(d.text):
        return False
    starts = d.x - L.MARGIN_LEFT
    return len(d.text) >= 13 or any(abs(starts - k * d.size) < 0.5 for k in (0, 2))


def test_no_page_holds_only_the_closing_signatures_or_seal(cases: dict[str, CaseFile]) -> None:
    for which, key, pdf in every_document(cases):
        by_page: dict[int, list[DrawnLine]] = {}
        for d in body_lines(pdf):
            by_page.setdefault(d.page, []).append(d)
        for page, lines in by_page.items():
            assert any(is_text(d) for d in lines), (which, key, page, [d.text for d in lines])


def test_nothing_is_drawn_outside_the_text_block(cases: dict[str, CaseFile]) -> None:
    for _which, key, pdf in every_document(cases):
        check_lines(pdf, footer=key != "cover")


def is_bold(d: DrawnLine) -> bool:
    """A line drawn wholly in the bold face: a heading, a title, "附件" (a value after a
    bold label, "履行方式：银行转账", is not)."""
    return all(font.endswith("-Bold") for font in d.fonts)


def test_no_page_ends_with_a_heading(cases: dict[str, CaseFile]) -> None:
    """A heading ("纠纷简要情况：", "被申请人（8人）" on the 当事人名单 …) is always followed
    on its page by the start of what it heads: the lowest line of every page but the
    last is not a bold one."""
    checked = 0
    for which, key, pdf in every_document(cases):
        lines = body_lines(pdf)
        pages = len(reader(pdf).pages)
        for page in range(pages - 1):
            lowest = min((d for d in lines if d.page == page), key=lambda d: d.y)
            assert not is_bold(lowest), (which, key, page, lowest.text)
            checked += 1
        assert any(is_bold(d) for d in lines), (which, key)  # the measure sees headings
    assert checked >= 10


# ---------------------------------------------------------------------------------------
# The agreement: the last term with the signatures, short terms whole, page 1 filled


def term_lines(lines: list[DrawnLine], term: str) -> list[DrawnLine]:
    """The drawn lines of a numbered term (its text from the first line on)."""
    start = next(i for i, d in enumerate(lines) if d.text.startswith(term[:6]))
    out: list[DrawnLine] = []
    text = flat(term)
    got = ""
    for d in lines[start:]:
        out.append(d)
        got += flat(d.text)
        if len(got) >= len(text):
            break
    assert text.startswith(got[: len(text)][:-1]), (got, text)
    return out


@pytest.mark.parametrize("which", CASES)
def test_the_last_term_shares_its_page_with_the_signatures(
    cases: dict[str, CaseFile], which: str
) -> None:
    pdf = pdf_of(cases, which, "agreement")
    lines = body_lines(pdf)
    terms = TWO_TERMS if which == "two" else MANY_TERMS
    numbered = [f"{'一二三四五'[i]}、{t}" for i, t in enumerate(terms)]
    last = term_lines(lines, numbered[-1])
    page = last[0].page
    assert {d.page for d in last} == {page}
    # every signer, the mediators, the recorder and the seal are on that page
    case = cases[which]
    signature = [d for d in lines if "签名" in d.text or "按指印" in d.text or "（盖章）" in d.text]
    assert signature and {d.page for d in signature} == {page}
    seal = [d for d in lines if d.text == "青山镇人民调解委员会（盖章）"]
    assert len(seal) == 1 and seal[0].page == page and seal[0].y < last[-1].y
    on_page = flat("".join(d.text for d in lines if d.page == page))
    for p in case.parties:
        assert p.name in on_page, p.name
    for mediator in C.mediator_names(case):
        assert f"人民调解员：{mediator}" in on_page
    # short terms are never split across pages
    for term in numbered:
        drawn = term_lines(lines, term)
        if len(drawn) <= 3:
            assert len({d.page for d in drawn}) == 1, term


@pytest.mark.parametrize("which", CASES)
def test_no_page_before_the_signatures_is_left_half_empty(
    cases: dict[str, CaseFile], which: str
) -> None:
    """Page 1 (and any page before the signatures') is filled: the space below its last
    line is no more than C.GAP_LIMIT (five lines of 3号)."""
    pdf = pdf_of(cases, which, "agreement")
    lines = body_lines(pdf)
    pages = len(reader(pdf).pages)
    assert pages >= 2
    start = attachment_page(pdf)
    for page in range(pages - 1 if start is None else start - 1):
        lowest = min((d for d in lines if d.page == page), key=lambda d: d.y)
        # below the last baseline: the rest of its line (less than an em) and the gap
        assert lowest.y - L.MARGIN_BOTTOM <= C.GAP_LIMIT + lowest.size, (page, lowest)


def test_many_parties_are_listed_compactly_with_an_attached_list(
    cases: dict[str, CaseFile],
) -> None:
    """More than three parties a side: no table per person; the forms name the parties
    and attach a 当事人名单 with every party's particulars; they sign in a table."""
    case = cases["many"]
    for key in ("application", "acceptance", "confirmation_application"):
        pdf = pdf_of(cases, "many", key)
        start = attachment_page(pdf)
        assert start is not None, key
        pages = [flat(t) for t in page_texts(pdf)]
        main, listed = "".join(pages[:start]), "".join(pages[start:])
        assert "身份证号" not in main and "民族" not in main, key  # no table per person
        for p in case.parties:
            assert p.name in main, (key, p.name)
            assert flat(C.party_description(p)[1].text) in listed
            assert p.id_number in listed and p.phone in listed
        assert "当事人签名（盖章）或按指印" in main, key
    summary = flat(page_texts(pdf_of(cases, "many", "application"))[0])
    assert f"申请人（8人）{'、'.join(APPLICANTS)}" in summary
    assert f"被申请人（8人）{'、'.join(RESPONDENTS)}" in summary


LISTING = ("application", "acceptance", "agreement", "confirmation_application")


def attached_list(pdf: bytes) -> list[list[tuple[str, float, float, float]]]:
    """The pages of the attached 当事人名单: (text, x, y, size) of each line drawn, the
    page number left out."""
    start = attachment_page(pdf)
    assert start is not None
    pages: list[list[tuple[str, float, float, float]]] = [[] for _ in reader(pdf).pages]
    for d in body_lines(pdf):
        pages[d.page].append((d.text, round(d.x, 2), round(d.y, 2), d.size))
    return pages[start:]


def entry_pitches(pages: list[list[tuple[str, float, float, float]]]) -> set[float]:
    """The distances between neighbouring 4号 lines of the list (its leading), in points."""
    return {
        round(a[2] - b[2], 2)
        for page in pages
        for a, b in pairwise(page)
        if a[3] == b[3] == L.SIZE_4 and 0 < a[2] - b[2] < 2 * L.SIZE_4
    }


def test_the_attached_list_is_the_same_in_every_document(cases: dict[str, CaseFile]) -> None:
    """Whatever density the document before it takes, the 当事人名单 prints the same:
    the same lines in the same places and sizes (4号 entries), on the same pages."""
    lists = {key: attached_list(pdf_of(cases, "many", key)) for key in LISTING}
    first = lists[LISTING[0]]
    for key, pages in lists.items():
        assert pages == first, key
    sizes = {size for page in first for text, _x, _y, size in page if re.match(r"\d+\. ", text)}
    assert sizes == {L.SIZE_4}


def test_the_last_page_of_the_attached_list_holds_more_than_two_entries(
    cases: dict[str, CaseFile],
) -> None:
    """Set 1.5 lines apart, the 8 + 8 list would leave one entry alone on a third page;
    it is set a little closer (C.LIST_LEADINGS) and takes two."""
    pages = attached_list(pdf_of(cases, "many", "application"))
    assert len(pages) == 2
    entries = [sum(1 for line in page if re.match(r"\d+\. ", line[0])) for page in pages]
    assert sum(entries) == len(APPLICANTS) + len(RESPONDENTS)
    assert entries[-1] > C.LIST_LONELY
    assert entry_pitches(pages) == {round(C.LIST_LEADINGS[1] * L.SIZE_4, 2)}


@pytest.mark.parametrize("sides", [(8, 4), (4, 4)])
def test_an_attached_list_keeps_its_leading_unless_that_saves_a_page(
    cases: dict[str, CaseFile], sides: tuple[int, int]
) -> None:
    """8 + 4: the last of two pages holds five entries at 1.5 lines; 4 + 4: it holds two,
    and no leading down to C.LIST_LEADINGS[-1] saves that page. Both are set at 1.5."""
    from dataclasses import replace

    case = cases["many"]
    keep = {*APPLICANTS[: sides[0]], *RESPONDENTS[: sides[1]]}
    fewer = replace(case, parties=[p for p in case.parties if p.name in keep])
    pages = attached_list(registry.document("application").build(fewer, OFFICE))
    assert len(pages) == 2
    assert entry_pitches(pages) == {round(C.LIST_LEADINGS[0] * L.SIZE_4, 2)}


def test_the_cover_is_one_page_for_any_number_of_parties(cases: dict[str, CaseFile]) -> None:
    pdf = pdf_of(cases, "many", "cover")
    assert len(reader(pdf).pages) == 1
    assert "卷名张三、李四等8人与王五、青山绿源农业开发有限公司等8人山林土地纠纷" in flat(
        page_texts(pdf)[0]
    )
    case = cases["many"]
    long_title = "、".join(APPLICANTS + RESPONDENTS) * 3 + "山林土地承包经营权纠纷"
    from dataclasses import replace

    pdf = registry.document("cover").build(replace(case, title=long_title), OFFICE)
    assert len(reader(pdf).pages) == 1
    assert flat(long_title) in flat(page_texts(pdf)[0])


# ---------------------------------------------------------------------------------------
# Lines: character spacing and numbers


def test_no_line_is_letter_spaced_past_a_tenth_of_an_em(cases: dict[str, CaseFile]) -> None:
    """Measured from the PDF: the character spacing (Tc) of every line of every form of
    both cases is at most 0.1 em of its type (a line set a little closer has a small
    negative spacing, at least -0.03 em)."""
    widest = 0.0
    for which, key, pdf in every_document(cases):
        for d in drawn_lines(pdf):
            em = d.spacing / d.size
            assert -0.03 - 1e-6 <= em <= 0.1 + 1e-6, (which, key, d)
            widest = max(widest, em)
    assert widest > 0.05  # justified lines are spread: the measure sees them


UNIT = "年月日时分秒号室栋幢楼层单组户元角万亿千百米亩斤吨岁周天次条款项份页人名"


def test_numbers_dates_and_house_numbers_are_never_broken(cases: dict[str, CaseFile]) -> None:
    """No line of a paragraph ends inside a number ("1963 / 年", "1 / 4号") or a date
    ("2026年 / 12月"): read from every form of both cases."""
    checked = 0
    for which, key, pdf in every_document(cases):
        lines = body_lines(pdf)
        for a, b in pairwise(lines):
            goes_on = abs(b.x - L.MARGIN_LEFT) < 0.5 and (b.page > a.page or b.y < a.y)
            if not goes_on or not a.text or not b.text:
                continue
            checked += 1
            end, start = a.text[-1], b.text[0]
            assert not (end.isdigit() and (start.isdigit() or start in UNIT)), (which, key, a, b)
            assert not (
                end in "年月时" and len(a.text) > 1 and a.text[-2].isdigit() and start.isdigit()
            ), (which, key, a, b)
    assert checked > 100


def short_last_lines(pdf: bytes) -> list[tuple[DrawnLine, DrawnLine]]:
    """(line before, last line) of each justified paragraph whose last line holds two
    characters or fewer ("份。"): a full line (it reaches the right edge of the text
    block) directly above a short line at the left edge of the block."""
    right = L.MARGIN_LEFT + L.BLOCK_WIDTH
    found = []
    for a, b in pairwise(body_lines(pdf)):
        if b.page != a.page or not 0 < a.y - b.y < 2.5 * b.size or b.size != a.size:
            continue
        if abs(b.x - L.MARGIN_LEFT) < 0.5 and a.right > right - 1 and len(b.text.strip()) <= 2:
            found.append((a, b))
    return found


def test_no_paragraph_ends_with_a_line_of_one_or_two_characters(
    cases: dict[str, CaseFile],
) -> None:
    """ "……人民调解委员会留存一 / 份。": the breaker pulls a character or two down (or sets
    the lines up to 0.03 em closer) rather than leave such a last line."""
    for which, key, pdf in every_document(cases):
        assert short_last_lines(pdf) == [], (which, key)


def test_the_measure_sees_the_short_last_line_the_breaker_avoids(
    cases: dict[str, CaseFile], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without the cost of a short last line, the 8 + 8 agreement ends a paragraph with
    "留存一 / 份。": the test above would see it."""
    monkeypatch.setattr(L, "_SHORT_LAST", 0.0)
    pdf = registry.document("agreement").build(cases["many"], OFFICE)
    found = [(a.text[-3:], b.text) for a, b in short_last_lines(pdf)]
    assert ("留存一", "份。") in found


@pytest.mark.parametrize(
    ("text", "pieces"),
    [
        ("被申请人于2026年12月15日前一次性支付", ["2026年12月15日"]),
        ("出生于1963年5月14日，现住", ["1963年5月14日"]),
        ("住青山镇红旗村3组14号", ["3组", "14号"]),
        ("共计3,600元整", ["3,600元"]),
        ("于9时30分到场", ["9时30分"]),
        ("通道宽1.8米", ["1.8米"]),
    ],
)
def test_a_number_and_its_unit_are_one_piece_at_any_width(text: str, pieces: list[str]) -> None:
    from tests.printing.test_linebreak import glyphs

    g = glyphs("甲" * 7 + text + "乙" * 9)
    for width in [w / 2 for w in range(20, 60)]:  # a line takes a piece and its "，"

        def line_width(_n: int, width: float = width) -> float:
            return width

        for justify in (False, True):
            lines = L.break_lines(g, line_width, justify=justify)
            drawn = ["".join(x.ch for x in g[line.start : line.end]) for line in lines]
            for piece in pieces:
                assert any(piece in line for line in drawn), (width, justify, piece, drawn)


def test_justified_lines_are_the_same_in_a_paragraph_split_over_pages() -> None:
    """Breaking looks at the whole paragraph; its tail on the next page keeps the lines."""
    text = "住址：青山镇红旗村3组14号，联系电话：13857123456，出生日期：1963年5月14日。" * 12
    p = L.Paragraph(text)
    lines = p.lines_for(L.BLOCK_WIDTH)
    head, tail = p.split_at_line(5, L.BLOCK_WIDTH)
    whole = ["".join(g.ch for g in p.glyphs[x.start : x.end]) for x in lines]
    parts = [
        "".join(g.ch for g in part.glyphs[x.start : x.end])
        for part in (head, tail)
        for x in part.lines_for(L.BLOCK_WIDTH)
    ]
    assert parts == whole


def test_a_three_line_paragraph_is_never_split() -> None:
    p = L.Paragraph("甲" * 70)
    assert len(p.lines_for(L.BLOCK_WIDTH)) == 3
    for fit in (1, 2):
        assert p.split(L.BLOCK_WIDTH, fit * L.BODY_LEADING + 1) == []


def test_the_demo_agreements_keep_their_last_term_with_the_signatures(
    written_agreements: list[CaseFile],
) -> None:
    for case in written_agreements:
        assert case.agreement is not None
        pdf = agreement_pdf(case, OFFICE)
        lines = body_lines(pdf)
        terms = case.agreement.terms
        last = term_lines(lines, f"{'一二三四五六七八九'[len(terms) - 1]}、{terms[-1]}")
        seal = next(d for d in lines if d.text.endswith("（盖章）") and "委员会" in d.text)
        assert seal.page == last[0].page == last[-1].page, case.number
