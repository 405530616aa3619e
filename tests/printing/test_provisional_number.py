"""A case accepted on a field laptop with a provisional number: every document that prints
the case number says it is provisional (app/models/sync/numbers.py); a real one does not."""

from __future__ import annotations

from dataclasses import replace

import pytest

from app.printing import registry
from tests.printing.helpers import OFFICE, all_text, case_for, flat

PROVISIONAL = "（2026）青山调字第临时2-1号"
NOTE = "（临时编号，回办公室同步后换发正式案号）"

# Every document that prints the case number, and how: under the titles (with the note on
# a line of its own), or in a table or a sentence (followed by "（临时编号）").
UNDER_TITLES = (
    "contents",
    "acceptance",
    "rights_notice",
    "investigation",
    "session_record",
    "agreement",
    "oral_agreement",
    "termination",
)
IN_TEXT = ("cover", "follow_up", "confirmation_application")


def provisional_case(key: str):
    return replace(case_for(key), number=PROVISIONAL, number_provisional=True)


@pytest.mark.parametrize("key", UNDER_TITLES)
def test_the_number_line_says_the_number_is_provisional(key):
    text = all_text(registry.document(key).build(provisional_case(key), OFFICE))
    assert flat(PROVISIONAL + NOTE) in text


@pytest.mark.parametrize("key", IN_TEXT)
def test_a_table_or_sentence_says_the_number_is_provisional(key):
    text = all_text(registry.document(key).build(provisional_case(key), OFFICE))
    assert flat(PROVISIONAL + "（临时编号）") in text


@pytest.mark.parametrize("key", (*UNDER_TITLES, *IN_TEXT))
def test_a_real_number_prints_without_a_note(key):
    text = all_text(registry.document(key).build(case_for(key), OFFICE))
    assert "（2026）青山调字第12号" in text
    assert "临时编号" not in text
