"""Picking a name out of a short list by what is typed: characters, or pinyin initials,
whole syllables or a mix, every reading of a polyphonic character counted."""

from __future__ import annotations

import pytest

from app.models.name_match import INSIDE, START, match_rank, readings


@pytest.mark.parametrize(
    ("name", "typed", "rank"),
    [
        ("红旗村", "hqc", START),  # initials
        ("红旗村", "HQ", START),  # capitals too
        ("红旗村", "hongqi", START),  # whole syllables
        ("红旗村", "hongqc", START),  # a mix
        ("红旗村", "红", START),  # the characters
        ("红旗村", "qc", INSIDE),  # from the second character
        ("红旗村", "旗村", INSIDE),
        ("河东社区", "hdsq", START),
        ("长安村", "ca", START),  # 长 cháng
        ("长安村", "za", START),  # 长 zhǎng: the office may say either
        ("长安村", "zhangan", START),
        ("婚姻家庭", "hyjt", START),
        ("道路交通事故", "jt", INSIDE),
        ("城东（二）社区", "cdesq", START),  # brackets are passed over
        ("A区", "a", START),
        ("全部", "", START),  # nothing typed: everything
        ("红旗村", "hqd", None),
        ("桃园村", "hq", None),
        ("桃园村", "红", None),
        ("桃园村", "t y", START),  # a space between initials is ignored
        ("𠮷家村", "jjc", START),  # 𠮷 (Extension B, unknown to pypinyin) is ji, as in search
        ("王𠮷", "wangji", START),
    ],
)
def test_what_is_typed_picks_out_the_name(name: str, typed: str, rank: int | None) -> None:
    assert match_rank(name, typed) == rank


def test_every_reading_of_a_polyphonic_character_is_known() -> None:
    assert set(readings("长")[0]) >= {"chang", "zhang"}
    assert readings("村（一）") == (("cun",), (), ("yi",), ())
