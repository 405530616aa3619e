"""Agreement clause templates: shipped defaults, the office's edits, restore default."""

from __future__ import annotations

import re

import pytest

from app.models import clause_templates as ct
from app.models.db import Database
from app.models.errors import NotFoundError, ValidationError
from app.models.reference import categories
from tests.helpers import director
from tests.models.helpers import user


def _by_key(db: Database) -> dict[str, ct.ClauseTemplate]:
    return {t.key: t for t in ct.all_templates(db)}


def test_shipped_defaults_are_real_and_well_formed() -> None:
    shipped = ct.defaults()
    keys = [t.key for t in shipped]
    assert len(keys) == len(set(keys))
    for t in shipped:
        assert t.category == ct.EVERY_CATEGORY or t.category in categories(), t
        assert t.title and t.body.endswith("。"), t
        # Only the two known placeholders: a typo like {申请方} would print as is.
        assert set(re.findall(r"\{[^}]*\}", t.body)) <= {ct.APPLICANT, ct.RESPONDENT}, t
    titles = {t.title for t in shipped}
    assert {"分期付款", "赔礼道歉", "限期修复", "宅基地界址"} <= titles


def test_a_category_gets_its_own_templates_first_then_the_general_ones(
    office_db: Database,
) -> None:
    offered = ct.templates_for(office_db, "房屋宅基地")
    cats = [t.category for t in offered]
    assert cats[0] == "房屋宅基地"
    assert cats == sorted(cats, key=lambda c: c == ct.EVERY_CATEGORY)
    assert "宅基地界址" in [t.title for t in offered]
    assert "宅基地界址" not in [t.title for t in ct.templates_for(office_db, "劳动争议")]


def test_fill_puts_the_parties_names_in() -> None:
    body = "{被申请人}于本协议签订之日当面向{申请人}赔礼道歉。"
    assert (
        ct.fill(body, ["张三"], ["李四", "王五"])
        == "李四、王五于本协议签订之日当面向张三赔礼道歉。"
    )


def test_office_edit_then_restore_default(office_db: Database) -> None:
    original = _by_key(office_db)["apology"]
    ct.save_template(
        office_db,
        "apology",
        category=ct.EVERY_CATEGORY,
        title="赔礼道歉",
        body="{被申请人}向{申请人}书面赔礼道歉。",
        by=user(office_db),
    )
    edited = _by_key(office_db)["apology"]
    assert edited.body == "{被申请人}向{申请人}书面赔礼道歉。" and edited.edited
    ct.restore_default(office_db, "apology", by=director(office_db))
    assert _by_key(office_db)["apology"] == original


def test_hide_and_own_templates(office_db: Database) -> None:
    ct.hide_template(office_db, "costs_own", by=user(office_db))
    assert "costs_own" not in _by_key(office_db)
    ct.restore_default(office_db, "costs_own", by=director(office_db))
    assert "costs_own" in _by_key(office_db)

    key = ct.save_template(
        office_db,
        None,
        category="邻里",
        title="共同清理",
        body="双方于本周内共同清理巷道杂物。",
        by=user(office_db),
    )
    assert _by_key(office_db)[key].shipped is False
    assert key in [t.key for t in ct.templates_for(office_db, "邻里")]
    ct.hide_template(office_db, key, by=user(office_db))
    assert key not in _by_key(office_db)
    with pytest.raises(NotFoundError):
        # the office's own have no default
        ct.restore_default(office_db, key, by=director(office_db))


@pytest.mark.parametrize(
    ("category", "title", "body", "field"),
    [
        ("邻里", "  ", "内容。", ct.TITLE_FIELD),
        ("邻里", "名称", "\n", ct.BODY_FIELD),
        ("宅基地纠纷", "名称", "内容。", ct.CATEGORY_FIELD),
    ],
)
def test_bad_input_names_the_field_and_saves_nothing(
    office_db: Database, category: str, title: str, body: str, field: str
) -> None:
    before = office_db.scalar("SELECT count(*) FROM clause_templates")
    with pytest.raises(ValidationError) as info:
        ct.save_template(
            office_db, None, category=category, title=title, body=body, by=director(office_db)
        )
    assert info.value.field == field
    assert office_db.scalar("SELECT count(*) FROM clause_templates") == before
