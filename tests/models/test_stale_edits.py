"""Edits write only what the user changed, and are refused when the row changed since the
form read it (two windows, two users, a sync merge): rows.update_changed and the services
built on it (docs/architecture.md "Edits write only what changed").

Two windows are two Database connections on one real file, as two copies of the program
(or two case windows) would have them.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from app.models import accounts, cases, office, outreach_content, rows
from app.models import db as dbmod
from app.models import registries as reg
from app.models.casefile import load_case
from app.models.db import Database
from app.models.errors import StaleEditError
from app.models.parties import case_parties, to_input
from app.models.sync.tables import STAMP_COLUMNS
from tests.helpers import PASSWORD, director, edit_details, file_of, snapshot
from tests.models.helpers import account, register
from tests.models.sync.replicas import Replica, new_laptop, new_office, sync

RELOAD_HINT = "请点“重新载入”看最新内容，再重新修改。"


@pytest.fixture
def other_window(office_db: Database) -> Iterator[Database]:
    """A second connection to the office's file: another window, or another copy of the
    program on the same computer."""
    other = dbmod.connect(file_of(office_db))
    yield other
    other.close()


@pytest.fixture
def mediator(office_db: Database) -> accounts.Actor:
    """王建华, a 调解员 with an account of their own."""
    user_id = accounts.add_user(
        office_db, by=director(office_db), name="王建华", role=accounts.MEDIATOR, password=PASSWORD
    )
    return accounts.acting_as(office_db, user_id)


def logged(db: Database, table: str, row_id: str) -> list[dict[str, object]]:
    """What each change of the row wrote, oldest first, as the change log holds it."""
    return [
        json.loads(r[0])
        for r in db.query(
            "SELECT data FROM sync_log WHERE tbl = ? AND row_id = ? ORDER BY rowid",
            (table, row_id),
        )
    ]


def written(entry: dict[str, object]) -> set[str]:
    return set(entry) - STAMP_COLUMNS


# ---------------------------------------------------------------------------------------
# 案情


def test_an_edit_made_in_another_window_meanwhile_refuses_the_save_and_writes_nothing(
    office_db: Database, other_window: Database, mediator: accounts.Actor
) -> None:
    case_id = register(office_db)
    a = load_case(office_db, case_id)  # window A opens the case
    # window B: 王建华 changes the facts and saves
    assert edit_details(other_window, case_id, by=mediator, facts="王建华补充：沟在李家地里。")
    before = snapshot(office_db)

    wanted = replace(a.details, requests="请求恢复排水沟原状。")
    with pytest.raises(StaleEditError) as refused:
        cases.update_case_details(
            office_db, case_id, wanted, loaded=a.details, stamp=a.stamp, by=director(office_db)
        )

    message = refused.value.message
    assert message.startswith("这件案件的案情在您打开之后已被修改（王建华于 ")
    assert message.endswith(f"修改）。{RELOAD_HINT}")
    assert snapshot(office_db) == before  # nothing written, not even an event

    # 重新载入: A reads again and saves the same change; B's facts stay
    again = load_case(office_db, case_id)
    assert again.facts == "王建华补充：沟在李家地里。"
    assert cases.update_case_details(
        office_db,
        case_id,
        replace(again.details, requests="请求恢复排水沟原状。"),
        loaded=again.details,
        stamp=again.stamp,
        by=director(office_db),
    )
    stored = load_case(other_window, case_id)
    assert stored.facts == "王建华补充：沟在李家地里。"
    assert stored.requests == "请求恢复排水沟原状。"


def test_the_same_user_in_two_windows_is_told_it_was_their_own_other_window(
    office_db: Database, other_window: Database
) -> None:
    case_id = register(office_db)
    a = load_case(office_db, case_id)
    edit_details(other_window, case_id, by=director(other_window), risk_note="情绪激动")
    with pytest.raises(StaleEditError) as refused:
        cases.update_case_details(
            office_db,
            case_id,
            replace(a.details, facts="另一个窗口里改的经过。"),
            loaded=a.details,
            stamp=a.stamp,
            by=director(office_db),
        )
    assert "（您本人于 " in refused.value.message
    assert "在另一个窗口中修改）" in refused.value.message


def test_a_save_writes_only_the_fields_the_user_changed(office_db: Database) -> None:
    case_id = register(office_db)
    a = load_case(office_db, case_id)
    assert cases.update_case_details(
        office_db,
        case_id,
        replace(a.details, risk_note="  双方曾发生推搡。 "),
        loaded=a.details,
        stamp=a.stamp,
        by=director(office_db),
    )
    last = logged(office_db, "cases", case_id)[-1]
    assert written(last) == {"risk_note"}
    assert last["risk_note"] == "双方曾发生推搡。"
    event = office_db.one(
        "SELECT data FROM case_events WHERE case_id = ? AND action = 'edit'", (case_id,)
    )
    assert event is not None
    assert json.loads(event[0]) == {
        "after": {"risk_note": "双方曾发生推搡。"},
        "before": {"risk_note": ""},
    }


def test_a_field_the_form_shows_differently_is_not_written_back_when_left_alone(
    office_db: Database,
) -> None:
    """The form read back what it showed (a village no longer in its list shows as the
    first one): left alone, the stored value stays, though the form holds another."""
    case_id = register(office_db)
    a = load_case(office_db, case_id)
    shown = replace(a.details, village_id=None)  # how the form happened to show it
    cases.update_case_details(
        office_db,
        case_id,
        replace(shown, facts="双方因排水沟改道发生纠纷，已两次协商未果。"),
        loaded=shown,
        stamp=a.stamp,
        by=director(office_db),
    )
    stored = load_case(office_db, case_id)
    assert stored.village_id == a.village_id is not None
    assert stored.facts == "双方因排水沟改道发生纠纷，已两次协商未果。"


def test_a_save_that_changes_nothing_writes_nothing(office_db: Database) -> None:
    case_id = register(office_db)
    a = load_case(office_db, case_id)
    before = snapshot(office_db)
    assert not cases.update_case_details(
        office_db, case_id, a.details, loaded=a.details, stamp=a.stamp, by=director(office_db)
    )
    assert snapshot(office_db) == before


def test_a_step_taken_on_the_case_in_another_window_also_counts_as_a_change(
    office_db: Database, other_window: Database
) -> None:
    """受理 changes the case row (state, number): the form's stamp no longer holds."""
    case_id = register(office_db)
    a = load_case(office_db, case_id)
    cases.accept_case(other_window, case_id, by=director(other_window), accepted_on=a.registered_on)
    with pytest.raises(StaleEditError):
        cases.update_case_details(
            office_db,
            case_id,
            replace(a.details, facts="改过的经过。"),
            loaded=a.details,
            stamp=a.stamp,
            by=director(office_db),
        )


# ---------------------------------------------------------------------------------------
# 修改当事人


def test_a_party_changed_in_another_window_refuses_the_save_until_reloaded(
    office_db: Database, other_window: Database, mediator: accounts.Actor
) -> None:
    case_id = register(office_db)
    a = case_parties(office_db.conn, case_id)[0]  # window A opens 修改当事人
    b = case_parties(other_window.conn, case_id)[0]
    cases.save_party(
        other_window,
        case_id,
        replace(to_input(b), phone="13900001111"),
        by=mediator,
        link_id=b.link_id,
        loaded=to_input(b),
        stamp=b.stamp,
    )
    before = snapshot(office_db)
    with pytest.raises(StaleEditError) as refused:
        cases.save_party(
            office_db,
            case_id,
            replace(to_input(a), address="红旗村3组12号"),
            by=director(office_db),
            link_id=a.link_id,
            loaded=to_input(a),
            stamp=a.stamp,
        )
    assert refused.value.message.startswith("当事人“张三”的信息在您打开之后已被修改（王建华于 ")
    assert snapshot(office_db) == before

    again = case_parties(office_db.conn, case_id)[0]
    cases.save_party(
        office_db,
        case_id,
        replace(to_input(again), address="红旗村3组12号"),
        by=director(office_db),
        link_id=again.link_id,
        loaded=to_input(again),
        stamp=again.stamp,
    )
    stored = case_parties(other_window.conn, case_id)[0]
    assert (stored.phone, stored.address) == ("13900001111", "红旗村3组12号")
    assert written(logged(office_db, "parties", stored.party_id)[-1]) == {"address"}


def test_an_agent_change_is_checked_on_the_link_row_too(
    office_db: Database, other_window: Database
) -> None:
    """The agent lives on the case's link row: a change there also refuses a stale save."""
    case_id = register(office_db)
    a = case_parties(office_db.conn, case_id)[0]
    b = case_parties(other_window.conn, case_id)[0]
    cases.save_party(
        other_window,
        case_id,
        replace(to_input(b), agent_name="张小三", agent_powers="一般授权"),
        by=director(other_window),
        link_id=b.link_id,
        loaded=to_input(b),
        stamp=b.stamp,
    )
    with pytest.raises(StaleEditError):
        cases.save_party(
            office_db,
            case_id,
            replace(to_input(a), phone="13900002222"),
            by=director(office_db),
            link_id=a.link_id,
            loaded=to_input(a),
            stamp=a.stamp,
        )
    assert case_parties(office_db.conn, case_id)[0].phone == "13812345678"
    assert written(logged(office_db, "case_parties", a.link_id)[-1]) == {
        "agent_name",
        "agent_powers",
    }


# ---------------------------------------------------------------------------------------
# 协议草稿


def test_a_first_draft_saved_meanwhile_refuses_a_form_that_saw_none(
    office_db: Database, other_window: Database
) -> None:
    case_id = register(office_db)
    by = director(office_db)
    cases.accept_case(
        office_db, case_id, by=by, accepted_on=load_case(office_db, case_id).registered_on
    )
    mediator = str(office_db.scalar("SELECT id FROM mediators ORDER BY name LIMIT 1"))
    accepted_on = load_case(office_db, case_id).accepted_on
    assert accepted_on is not None
    cases.assign_mediators(
        office_db, case_id, by=by, mediator_ids=[mediator], how="appointed",
        assigned_on=accepted_on,
    )  # fmt: skip
    shown = cases.AgreementInput(terms=[], recorder="陈秀兰")  # window A: no draft yet
    assert load_case(office_db, case_id).draft is None
    cases.save_agreement_draft(
        other_window,
        case_id,
        cases.AgreementInput(terms=["李四恢复排水沟原走向。"], recorder="陈秀兰"),
        by=director(other_window),
        loaded=shown,
        stamp=rows.ABSENT,
    )
    with pytest.raises(StaleEditError) as refused:
        cases.save_agreement_draft(
            office_db,
            case_id,
            replace(shown, recorder="赵文书"),
            by=by,
            loaded=shown,
            stamp=rows.ABSENT,
        )
    assert refused.value.message.startswith("协议草稿在您打开之后已被修改（您本人于 ")

    draft = load_case(office_db, case_id).draft
    assert draft is not None
    as_shown = cases.AgreementInput(terms=draft.terms, recorder=draft.recorder)
    assert cases.save_agreement_draft(
        office_db,
        case_id,
        replace(as_shown, recorder="赵文书"),
        by=by,
        loaded=as_shown,
        stamp=draft.stamp,
    )
    stored = load_case(other_window, case_id).draft
    assert stored is not None
    assert (stored.terms, stored.recorder) == (["李四恢复排水沟原走向。"], "赵文书")
    assert written(logged(office_db, "agreement_drafts", str(office_db.scalar(
        "SELECT id FROM agreement_drafts"
    )))[-1]) == {"recorder"}  # fmt: skip


# ---------------------------------------------------------------------------------------
# A sync merge between reading and saving


@pytest.fixture
def office_pc(tmp_path: Path) -> Iterator[Replica]:
    replica = new_office(tmp_path)
    yield replica
    replica.close()


@pytest.fixture
def laptop(office_pc: Replica, tmp_path: Path) -> Iterator[Replica]:
    register(office_pc.db)
    replica = new_laptop(office_pc, tmp_path, "周玉梅的笔记本")
    yield replica
    replica.close()


def test_a_merge_that_changed_the_case_after_the_form_read_it_refuses_the_save(
    office_pc: Replica, laptop: Replica
) -> None:
    case_id = str(office_pc.db.scalar("SELECT id FROM cases"))
    a = load_case(office_pc.db, case_id)
    edit_details(laptop.db, case_id, by=laptop.user, facts="周玉梅在村里核实：沟在李家地里。")
    sync(laptop, office_pc)
    with pytest.raises(StaleEditError) as refused:
        cases.update_case_details(
            office_pc.db,
            case_id,
            replace(a.details, requests="请求恢复原状。"),
            loaded=a.details,
            stamp=a.stamp,
            by=office_pc.user,
        )
    assert "在“周玉梅的笔记本”上修改，同步带来）" in refused.value.message
    again = load_case(office_pc.db, case_id)
    edit = replace(again.details, requests="请求恢复原状。")
    cases.update_case_details(
        office_pc.db, case_id, edit, loaded=again.details, stamp=again.stamp, by=office_pc.user
    )
    stored = load_case(office_pc.db, case_id)
    assert (stored.facts, stored.requests) == ("周玉梅在村里核实：沟在李家地里。", "请求恢复原状。")


def test_a_merged_edit_older_than_the_last_one_here_is_caught_too(
    office_pc: Replica, laptop: Replica
) -> None:
    """The laptop changed the facts before the office changed the risk note; the merge
    keeps the office's newer updated_at, but the facts changed under the open form."""
    case_id = str(office_pc.db.scalar("SELECT id FROM cases"))
    edit_details(laptop.db, case_id, by=laptop.user, facts="周玉梅在村里核实：沟在李家地里。")
    edit_details(office_pc.db, case_id, by=office_pc.user, risk_note="申请人情绪激动")
    a = load_case(office_pc.db, case_id)
    read_at = office_pc.db.scalar("SELECT updated_at FROM cases WHERE id = ?", (case_id,))
    sync(laptop, office_pc)
    stored = load_case(office_pc.db, case_id)
    assert stored.facts == "周玉梅在村里核实：沟在李家地里。"
    assert office_pc.db.scalar("SELECT updated_at FROM cases WHERE id = ?", (case_id,)) == read_at

    with pytest.raises(StaleEditError):
        cases.update_case_details(
            office_pc.db,
            case_id,
            replace(a.details, requests="请求恢复原状。"),
            loaded=a.details,
            stamp=a.stamp,
            by=office_pc.user,
        )
    assert load_case(office_pc.db, case_id).facts == "周玉梅在村里核实：沟在李家地里。"


# ---------------------------------------------------------------------------------------
# The registries (村居档案): every 修改 form goes through registries.common.save_edit


def test_a_registry_row_changed_in_another_window_refuses_a_stale_save(
    office_db: Database, other_window: Database
) -> None:
    by = director(office_db)
    wang = next(m for m in reg.MEDIATORS.list(office_db) if m.name == "王建华")
    a = reg.MEDIATORS.get(office_db, wang.id)
    shown = {
        f: getattr(a, f) for f in ("name", "committee_id", "phone", "full_time", "specialities")
    }
    b = reg.MEDIATORS.get(other_window, wang.id)
    reg.MEDIATORS.edit(
        other_window, wang.id, by=director(other_window), loaded=shown, stamp=b.stamp,
        **{**shown, "phone": "13800001111"},
    )  # fmt: skip
    before = snapshot(office_db)
    with pytest.raises(StaleEditError) as refused:
        reg.MEDIATORS.edit(
            office_db, wang.id, by=by, loaded=shown, stamp=a.stamp,
            **{**shown, "specialities": "婚姻家庭、邻里"},
        )  # fmt: skip
    assert refused.value.message.startswith("调解员“王建华”的登记在您打开之后已被修改（")
    assert snapshot(office_db) == before

    again = reg.MEDIATORS.get(office_db, wang.id)
    shown = {f: getattr(again, f) for f in shown}
    reg.MEDIATORS.edit(
        office_db, wang.id, by=by, loaded=shown, stamp=again.stamp,
        **{**shown, "specialities": "婚姻家庭、邻里"},
    )  # fmt: skip
    stored = reg.MEDIATORS.get(other_window, wang.id)
    assert (stored.phone, stored.specialities) == ("13800001111", "婚姻家庭、邻里")
    assert written(logged(office_db, "mediators", wang.id)[-1]) == {"specialities"}


def test_a_household_whose_members_changed_meanwhile_refuses_a_stale_save(
    office_db: Database, other_window: Database
) -> None:
    """The members are rows of their own: a change to them alone (the household's row
    untouched) still counts as a change of the household the form showed."""
    by = director(office_db)
    village = next(v.id for v in office.villages(office_db) if v.name == "红旗村")
    grid = reg.GRIDS.add(office_db, by=by, village_id=village, name="第一网格")
    house = reg.HOUSEHOLDS.add(
        office_db, by=by, grid_id=grid, house_number="7", head_name="孙德旺",
        members=[reg.Member("李秀英", "配偶")],
    )  # fmt: skip
    fields = ("grid_id", "house_number", "head_name", "phone", "notes", "members")
    a = reg.HOUSEHOLDS.get(office_db, house)
    shown = {f: getattr(a, f) for f in fields}
    b = reg.HOUSEHOLDS.get(other_window, house)
    reg.HOUSEHOLDS.edit(
        other_window, house, by=director(other_window), loaded=shown, stamp=b.stamp,
        **{**shown, "members": (*b.members, reg.Member("孙小森", "子"))},
    )  # fmt: skip
    assert len(logged(office_db, "households", house)) == 1  # its own row: not written
    with pytest.raises(StaleEditError):
        reg.HOUSEHOLDS.edit(
            office_db,
            house,
            by=by,
            loaded=shown,
            stamp=a.stamp,
            **{**shown, "phone": "13812340007"},
        )
    again = reg.HOUSEHOLDS.get(office_db, house)
    shown = {f: getattr(again, f) for f in fields}
    reg.HOUSEHOLDS.edit(
        office_db,
        house,
        by=by,
        loaded=shown,
        stamp=again.stamp,
        **{**shown, "phone": "13812340007"},
    )
    stored = reg.HOUSEHOLDS.get(other_window, house)
    assert stored.phone == "13812340007"
    assert [m.name for m in stored.members] == ["李秀英", "孙小森"]


# ---------------------------------------------------------------------------------------
# The office's texts and settings


def test_chart_options_write_only_the_choice_changed_and_refuse_a_stale_one(
    office_db: Database, other_window: Database
) -> None:
    by = director(office_db)
    village = next(v.id for v in office.villages(office_db) if v.name == "红旗村")
    grid = reg.GRIDS.add(office_db, by=by, village_id=village, name="第一网格")
    a = reg.chart_options(office_db, grid)
    b = reg.chart_options(other_window, grid)
    reg.save_chart_options(
        other_window, replace(b, hide_members=True), by=director(other_window), loaded=b
    )
    with pytest.raises(StaleEditError) as refused:
        reg.save_chart_options(office_db, replace(a, mask_phones=False), by=by, loaded=a)
    assert refused.value.message.startswith("网格“第一网格”的装户图设置在您打开之后已被修改（")
    again = reg.chart_options(office_db, grid)
    reg.save_chart_options(office_db, replace(again, mask_phones=False), by=by, loaded=again)
    assert reg.chart_options(other_window, grid) == reg.ChartOptions(
        grid, mask_phones=False, hide_members=True
    )


def test_an_outreach_text_edited_meanwhile_refuses_a_stale_save(
    office_db: Database, other_window: Database
) -> None:
    item = outreach_content.items(office_db, "broadcast")[0]
    shown = {"title": item.title, "body": item.body, "extra": item.extra}
    outreach_content.save_item(
        other_window, item.key, item.kind, item.title, item.body + "欢迎来调委会咨询。",
        item.extra, by=director(other_window), loaded=shown, stamp=item.stamp,
    )  # fmt: skip
    with pytest.raises(StaleEditError):
        outreach_content.save_item(
            office_db, item.key, item.kind, "有矛盾找调解", item.body, item.extra,
            by=director(office_db), loaded=shown, stamp=item.stamp,
        )  # fmt: skip
    again = next(i for i in outreach_content.items(office_db, "broadcast") if i.key == item.key)
    shown = {"title": again.title, "body": again.body, "extra": again.extra}
    outreach_content.save_item(
        office_db, item.key, item.kind, "有矛盾找调解", again.body, again.extra,
        by=director(office_db), loaded=shown, stamp=again.stamp,
    )  # fmt: skip
    stored = next(i for i in outreach_content.items(other_window, "broadcast") if i.key == item.key)
    assert (stored.title, stored.body) == ("有矛盾找调解", item.body + "欢迎来调委会咨询。")


def test_a_role_changed_in_another_window_is_not_put_back_by_a_name_edit(
    office_db: Database, other_window: Database, mediator: accounts.Actor
) -> None:
    """用户管理 → 修改: the form opened showing 调解员; meanwhile another window (or a merge)
    made the user 统计/只读. Saving only a new name must not make them 调解员 again."""
    boss = director(office_db)
    form = account(office_db, mediator.user_id)  # the 修改 form opens
    accounts.edit_user(
        other_window,
        mediator.user_id,
        by=director(other_window),
        name=form.name,
        role=accounts.VIEWER,
        mediator_id=form.mediator_id,
        loaded=account(other_window, mediator.user_id),
    )
    before = snapshot(office_db)
    with pytest.raises(StaleEditError, match=r"用户“王建华”在您打开之后已被修改（") as refused:
        accounts.edit_user(
            office_db,
            mediator.user_id,
            by=boss,
            name="王建华（村）",
            role=form.role,
            mediator_id=form.mediator_id,
            loaded=form,
        )
    assert "您本人" in refused.value.message  # the same 主任, in the other window
    assert snapshot(office_db) == before
    assert account(office_db, mediator.user_id).role == accounts.VIEWER

    # 重新载入: the form reads the user again; the name alone is written
    again = account(office_db, mediator.user_id)
    accounts.edit_user(
        office_db,
        mediator.user_id,
        by=boss,
        name="王建华（村）",
        role=again.role,
        mediator_id=again.mediator_id,
        loaded=again,
    )
    stored = account(other_window, mediator.user_id)
    assert (stored.name, stored.role) == ("王建华（村）", accounts.VIEWER)
    assert written(logged(office_db, "users", mediator.user_id)[-1]) == {"name"}


def test_an_unchanged_user_form_writes_nothing_even_when_stale(
    office_db: Database, other_window: Database, mediator: accounts.Actor
) -> None:
    form = account(office_db, mediator.user_id)
    accounts.set_active(other_window, mediator.user_id, False, by=director(other_window))
    before = snapshot(office_db)
    accounts.edit_user(
        office_db,
        mediator.user_id,
        by=director(office_db),
        name=form.name,
        role=form.role,
        mediator_id=form.mediator_id,
        loaded=form,
    )
    assert snapshot(office_db) == before
