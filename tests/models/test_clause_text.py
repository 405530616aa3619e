"""Filling in a clause template: where its blanks are, and an amount typed once (the
figure gives the capitals and the 协议金额)."""

from __future__ import annotations

import pytest

from app.models import clause_templates as ct
from app.models.errors import ValidationError
from app.printing.money import amount_in_words

PAY_ONCE = "李四于____年__月__日前一次性支付张三人民币____元（大写：________）。"


def test_blanks_are_found_in_order_forwards_and_back() -> None:
    assert ct.blanks(PAY_ONCE) == [(3, 7), (8, 10), (11, 13), (25, 29), (34, 42)]
    assert ct.next_blank(PAY_ONCE, 0) == (3, 7)
    assert ct.next_blank(PAY_ONCE, 7) == (8, 10)  # after the first, filled or selected
    assert ct.next_blank(PAY_ONCE, 43) is None
    assert ct.previous_blank(PAY_ONCE, 8) == (3, 7)
    assert ct.previous_blank(PAY_ONCE, 3) is None
    assert ct.blanks("李四赔礼道歉。") == []
    assert ct.blanks("一个下划线_不算") == []


@pytest.mark.parametrize(
    ("figure", "fen"),
    [
        ("3000", 300000),
        ("3,000.5", 300050),
        ("１２３４.５６", 123456),  # full-width digits, as a Chinese input method types them
        ("0.05", 5),
        ("30.", None),
        ("3.141", None),
        ("三千", None),
        ("____", None),
    ],
)
def test_figures(figure: str, fen: int | None) -> None:
    assert ct.figure_fen(figure) == fen


def test_the_capitals_follow_the_figure_typed() -> None:
    typed = PAY_ONCE.replace("____元", "3000元", 1)
    start, end, words = ct.capitals_to_fill(typed) or (0, 0, "")
    assert typed[start:end] == "________"
    assert words == "叁仟元整" == amount_in_words(300000, prefix="")
    filled = ct.follow_figures(typed)
    assert filled.endswith("人民币3000元（大写：叁仟元整）。")
    assert ct.capitals_to_fill(filled) is None  # nothing left to do
    # The figure changed: the capitals written before are put right.
    changed = filled.replace("3000元", "3500.5元")
    assert ct.follow_figures(changed).endswith("人民币3500.5元（大写：叁仟伍佰元伍角）。")
    # Still a blank, or no capitals asked for: nothing to write.
    assert ct.capitals_to_fill(PAY_ONCE) is None
    assert ct.capitals_to_fill("李四支付张三人民币3000元。") is None


def test_the_amount_the_terms_state() -> None:
    assert ct.stated_amount([PAY_ONCE]) is None
    assert ct.stated_amount(["李四支付张三人民币3000元（大写：叁仟元整）。"]) == 300000
    terms = [
        # an instalment plan: its first sum is the whole, the instalments are not added
        "李四分2期向张三支付人民币3000元：2027年1月1日前支付1500元，2月1日前支付1500元。",
        "李四另赔偿张三医疗费人民币500.50元。",
        "李四自2027年1月起每月5日前向张三支付赡养费人民币800元。",  # paid every month
        "双方和睦相处。",
    ]
    assert ct.stated_amount(terms) == 350050


def test_a_known_amount_goes_into_the_principal_sum_of_a_template() -> None:
    assert ct.with_amount(PAY_ONCE, 123456) == (
        "李四于____年__月__日前一次性支付张三人民币1234.56元（大写：壹仟贰佰叁拾肆元伍角陆分）。"
    )
    monthly = "李四自____年__月起每月__日前向张三支付赡养费人民币____元。"
    assert ct.with_amount(monthly, 80000) == monthly  # a monthly sum is not the whole
    assert ct.figure_text(300000) == "3000" and ct.figure_text(300050) == "3000.50"


def test_every_shipped_sum_with_capitals_fills_in() -> None:
    """The shipped templates that name the agreement's sum take it, capitals and all."""
    filled = [ct.with_amount(t.body, 150000) for t in ct.defaults()]
    with_sum = [text for text in filled if "人民币1500元（大写：壹仟伍佰元整）" in text]
    assert len(with_sum) >= 6
    for text in filled:
        assert "人民币____元（大写：" not in text  # no principal sum is left blank


SUM_WITH_CAPITALS = "李四于2027年1月1日前一次性支付张三人民币{}元（大写：{}）。"


@pytest.mark.parametrize(
    ("figure", "fen", "words"),
    [
        ("1.2万", 1200000, "壹万贰仟元整"),  # 万 is a multiplier, not a stray character
        ("30万", 30000000, "叁拾万元整"),
        ("１２，０００", 1200000, "壹万贰仟元整"),
        ("3,000.5", 300050, "叁仟元伍角"),
    ],
)
def test_the_capitals_and_the_sum_follow_the_real_amount(figure: str, fen: int, words: str) -> None:
    typed = SUM_WITH_CAPITALS.format(figure, "________")
    assert ct.stated_amount([typed]) == fen
    assert ct.follow_figures(typed) == SUM_WITH_CAPITALS.format(figure, words)


@pytest.mark.parametrize("figure", ["15000o", "1e30", "3.141", "三千", "200亿", ""])
def test_a_figure_that_is_no_amount_blanks_the_capitals_and_states_nothing(figure: str) -> None:
    earlier = SUM_WITH_CAPITALS.format(figure, "壹万伍仟元整")  # written for 15000
    assert ct.follow_figures(earlier) == SUM_WITH_CAPITALS.format(figure, ct.BLANK_WORDS)
    assert ct.stated_amount([earlier]) is None
    # Blank capitals of a template stay as the template wrote them.
    assert ct.capitals_to_fill(SUM_WITH_CAPITALS.format(figure, "____")) is None


def test_terms_whose_sum_is_no_amount_are_named() -> None:
    terms = [
        "李四向张三赔礼道歉。",
        SUM_WITH_CAPITALS.format("15000o", "________"),
        "李四另支付张三医疗费人民币1e30元。",
        "李四支付张三人民币____元（大写：________）。",  # still blank: a draft may be
        "李四支付张三人民币叁仟元整。",  # in words, no figure asked for
        "张三收到人民币3000，其中1500元为医疗费。",  # not one figure
        SUM_WITH_CAPITALS.format("叁仟", "________"),  # words where the figure goes
    ]
    found = ct.bad_figures(terms)
    assert [(b.term, terms[b.term][b.start : b.end]) for b in found] == [
        (1, "15000o"),
        (2, "1e30"),
        (6, "叁仟"),
    ]
    assert [b.message for b in found] == [
        "第2条：“15000o”不是金额，请改成数字，如 15000",
        "第3条：“1e30”不是金额。请只填数字，如 3600 或 3600.50（单位：元）",
        "第7条：“叁仟”不是金额。请只填数字，如 3600 或 3600.50（单位：元）",
    ]
    with pytest.raises(ValidationError) as caught:
        ct.check_figures(terms)
    assert caught.value.field == "协议内容"
    assert caught.value.message == "；".join(b.message for b in found)
    ct.check_figures(terms[:1] + terms[3:6])  # nothing wrong: nothing raised
