"""Input nobody means but somebody pastes: a 20 MB text, a 32,767-character search
(docs/storage-safety.md, "Hostile input"). Refused with a message, never saved, never a
frozen window."""

from __future__ import annotations

from datetime import date

import pytest

from app.models import limits, search
from app.models.errors import ValidationError
from tests.helpers import snapshot
from tests.models.helpers import register

TWENTY_MB = "案" * (20 * 1024 * 1024 // 3)  # 20 MB of UTF-8


def test_twenty_megabytes_of_facts_are_refused_by_name_and_nothing_is_saved(office_db):
    before = snapshot(office_db)
    with pytest.raises(ValidationError) as info:
        register(office_db, facts=TWENTY_MB)
    assert info.value.field == "纠纷简要情况"
    assert info.value.message.startswith("纠纷简要情况太长了：最多20,000个字")
    assert f"现在有{len(TWENTY_MB):,}个字" in info.value.message
    assert snapshot(office_db) == before


def test_facts_of_the_longest_length_allowed_are_saved(office_db):
    facts = "双方因宅基地发生纠纷。" * (limits.TEXT_CHARS // 11) + "止"
    assert len(facts) <= limits.TEXT_CHARS
    case_id = register(office_db, facts=facts)
    assert office_db.scalar("SELECT facts FROM cases WHERE id = ?", (case_id,)) == facts


def test_a_long_optional_text_is_caught_by_the_row_backstop(office_db):
    """申请事项 is optional (no check by name in the service): the check of every row
    written refuses it, naming it as the form does."""
    from app.models import cases, office
    from app.models.cases import CaseInput
    from tests.models.helpers import person, user

    village = office.villages(office_db)[0].id
    data = CaseInput(
        committee_id=office.main_committee(office_db).id,
        category="邻里",
        source="application",
        registered_on=date(2026, 11, 1),
        parties=[person("张三", "applicant"), person("李四", "respondent")],
        facts="排水沟纠纷。",
        requests="请求赔偿。" * 5000,
        village_id=village,
    )
    before = snapshot(office_db)
    with pytest.raises(ValidationError) as info:
        cases.register_case(office_db, data, by=user(office_db), today=date(2026, 11, 20))
    assert info.value.field == "申请事项" and "最多20,000个字" in info.value.message
    assert snapshot(office_db) == before


# ---- search ---------------------------------------------------------------------------


def test_a_long_query_is_searched_by_its_first_characters():
    query = "张三" + "的" * 32_765
    assert search.match_expression(query) == search.match_expression(
        query[: search.MAX_QUERY_CHARS]
    )
    assert search.cut_query("  " + query) == query[: search.MAX_QUERY_CHARS]


def test_repeated_words_count_once_and_only_the_first_words_count():
    assert search.match_expression("1 1 1 1 1 1 1 1") == search.match_expression("1")
    many = " ".join(f"w{i}" for i in range(20))
    expected = " ".join(f"w{i}" for i in range(search.MAX_QUERY_WORDS))
    assert search.match_expression(many) == search.match_expression(expected)


def test_a_pasted_page_finds_what_its_first_characters_find(office_db):
    case_id = register(office_db, applicant="欧阳明月")
    seq = office_db.scalar("SELECT seq FROM cases WHERE id = ?", (case_id,))
    pasted = "欧阳明月 " + "的" * 32_767
    assert search.search_case_seqs(office_db.conn, pasted) == []  # 欧阳明月 and 的…的: none
    # 王五 (in no case) is past the first 40 characters: not searched.
    assert search.search_case_seqs(office_db.conn, "欧阳明月" + " " * 50 + "王五") == [seq]
