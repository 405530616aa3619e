"""Chinese line breaking: no line starts with closing punctuation or ends with opening."""

from __future__ import annotations

import random

import pytest

from app.printing import layout as L
from app.printing.layout import CANNOT_END, CANNOT_START, Glyph, break_lines
from tests.printing.helpers import page_texts


def glyphs(text: str) -> list[Glyph]:
    """Test glyphs: CJK characters 1 unit wide, ASCII half."""
    return [Glyph(ch, "test", 1.0, 0.5 if ord(ch) < 0x2E80 else 1.0) for ch in text]


def lines_of(text: str, width: float) -> list[str]:
    g = glyphs(text)
    return [
        "".join(x.ch for x in g[line.start : line.end]) for line in break_lines(g, lambda n: width)
    ]


def check_rules(lines: list[str]) -> None:
    for i, line in enumerate(lines):
        assert line, "empty line"
        if i:
            assert line[0] not in CANNOT_START, (i, line)
        if i < len(lines) - 1:
            assert line[-1] not in CANNOT_END, (i, line)


def test_a_full_stop_never_starts_a_line() -> None:
    # the greedy break would fall just before "。"
    lines = lines_of("一二三四五六七八九十。一二三", 10)
    assert lines == ["一二三四五六七八九", "十。一二三"]


@pytest.mark.parametrize("closer", list("，。、；：！？）》」』”"))
def test_no_closing_mark_at_line_start(closer: str) -> None:
    lines = lines_of("甲乙丙丁戊己庚辛壬癸" + closer + "子丑寅", 10)
    check_rules(lines)
    assert lines[1].startswith("癸" + closer)


@pytest.mark.parametrize("opener", list("（《「『“"))
def test_no_opening_mark_at_line_end(opener: str) -> None:
    lines = lines_of("甲乙丙丁戊己庚辛壬" + opener + "子丑寅", 10)
    check_rules(lines)
    assert lines[0] == "甲乙丙丁戊己庚辛壬"


def test_opening_bracket_and_yuan_sign_stay_with_the_amount() -> None:
    # reportlab's CJK wrapping ends this line with "（￥"
    lines = lines_of("赔偿修墙费用共计人民币（￥12,300.00）元整。", 12)
    check_rules(lines)
    assert lines[0] == "赔偿修墙费用共计人民币"
    assert lines[1].startswith("（￥12,300.00）")


def test_runs_of_closing_marks_move_together() -> None:
    lines = lines_of("他说道我已经同意了。”）后来又", 10)
    check_rules(lines)
    assert lines[1].startswith("了。”）")


def test_ellipsis_and_dash_are_not_split() -> None:
    for mark in ("……", "——"):
        lines = lines_of("甲乙丙丁戊己庚辛壬" + mark + "子丑", 10)
        check_rules(lines)
        assert all(mark in line or mark[0] not in line for line in lines), lines


def test_numbers_and_words_are_not_cut() -> None:
    lines = lines_of("身份证号码为33010219750302123X的当事人", 14)
    assert "33010219750302123X" in "".join(lines)
    assert any("33010219750302123X" in line for line in lines), lines


def test_a_word_longer_than_a_line_is_cut_somewhere() -> None:
    lines = lines_of("号" + "1" * 50, 10)
    assert all(len(line) <= 20 for line in lines)
    assert "".join(lines) == "号" + "1" * 50


def test_spaces_at_a_break_are_dropped_and_newlines_break() -> None:
    assert lines_of("aaaa bbbb cccc", 2.5) == ["aaaa", "bbbb", "cccc"]
    assert lines_of("甲乙丙丁 ；戊", 4.5) == ["甲乙丙", "丁 ；戊"]
    assert lines_of("一二\n三四", 10) == ["一二", "三四"]


def test_no_line_is_wider_than_its_room() -> None:
    g = glyphs("这是一段很长的文字，用来检查每一行都不会超出版心。" * 20)
    for line in break_lines(g, lambda n: 9.0 if n == 0 else 11.0):
        room = 9.0 if line.start == 0 else 11.0
        assert line.width <= room + 1e-9


ALPHABET = (
    "甲乙丙丁戊己庚辛壬癸一二三四五" * 3 + "，。、；：！？）》」』”（《「『“￥" + "0123456789ab "
)


@pytest.mark.parametrize("seed", range(40))
def test_random_text_keeps_every_rule(seed: int) -> None:
    rng = random.Random(seed)
    text = ""
    while len(text) < 400:
        ch = rng.choice(ALPHABET)
        # no more than two punctuation marks in a row: a legal break always exists
        if (
            ch in CANNOT_START | CANNOT_END
            and text[-2:]
            and all(c in CANNOT_START | CANNOT_END for c in text[-2:])
        ):
            continue
        text += ch
    width = rng.choice([8, 10, 13, 27.5])
    g = glyphs(text)
    lines = break_lines(g, lambda n: width)
    texts = ["".join(x.ch for x in g[line.start : line.end]) for line in lines]
    check_rules(texts)
    for line in lines:
        assert line.width <= width + 1e-9
    # nothing lost but the spaces dropped at breaks
    assert "".join(texts).replace(" ", "") == text.replace(" ", "")


def test_printed_lines_keep_the_rules() -> None:
    """The same rules on real fonts, read back out of the PDF."""
    body = (
        "甲" * 26
        + "（￥12,300.00）。"
        + "乙" * 25
        + "“丙丁”，"
        + "戊" * 26
        + "。已"
        + "庚" * 27
        + "《人民调解法》"
        + "辛" * 24
        + "——壬癸……子"
        + "丑" * 25
        + "！？"
        + "寅" * 3
    )
    story = L.paragraphs(body * 3, L.BODY_FLUSH)
    pdf = L.build_pdf(story, L.DocInfo("断行"))
    lines = [line for page in page_texts(pdf) for line in page.splitlines() if line.strip()]
    assert len(lines) > 10
    check_rules(lines)
    assert "".join(lines) == body * 3


def justified(text: str, width: float) -> list[str]:
    g = [Glyph(ch, "test", 1.0, 1.0) for ch in text]  # every glyph one em wide
    lines = break_lines(g, lambda n: width, justify=True)
    return ["".join(x.ch for x in g[line.start : line.end]) for line in lines]


@pytest.mark.parametrize("tail", ["份。", "份", "甲份。"])
def test_a_justified_paragraph_does_not_end_with_one_or_two_characters(tail: str) -> None:
    """ "……人民调解委员会留存一 / 份。": the line above gives a character (spread within
    0.1 em) so that the last line holds three or more."""
    text = "本协议一式十七份各方当事人各持一份人民调解委员会留存一"[: 24 - len(tail) + 2] + tail
    lines = justified(text, 24)
    assert "".join(lines) == text
    assert len(lines) == 2 and len(lines[-1]) >= 3, lines
    assert 24 - len(lines[0]) <= 0.1 * (len(lines[0]) - 1)  # spread within the limit


def test_a_short_last_line_is_taken_up_when_setting_closer_can() -> None:
    """Two characters over a line of 80: set 0.03 em closer, the paragraph is one line."""
    assert justified("甲" * 80 + "份。", 80) == ["甲" * 80 + "份。"]


def test_a_short_last_line_stays_when_only_a_ragged_line_would_avoid_it() -> None:
    """A last line of two is better than a line spread past 0.1 em above it."""
    lines = justified("甲" * 10 + "份。", 10)
    assert lines == ["甲" * 10, "份。"]


def test_a_short_line_after_a_newline_is_left_as_typed() -> None:
    assert justified("甲" * 12 + "\n乙。", 24) == ["甲" * 12, "乙。"]
