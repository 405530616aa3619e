"""The case window's table models (checked by Qt's model tester) and the text of its
read-only panes, on demo cases and on a case built step by step."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from PySide6.QtCore import Qt
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from app.models import cases
from app.models.casefile import load_case
from app.models.db import Database
from app.models.parties import PartyInput
from app.ui.cases import case_pages
from app.ui.cases.tables import (
    EVENT_COL_ACTION,
    EVENT_COL_USER,
    PARTY_COL_AGE,
    PARTY_COL_ROLE,
    PARTY_COLUMNS,
    SESSION_COL_KIND,
    SESSION_COLUMNS,
    event_columns,
)
from app.ui.table_model import ListTableModel
from tests.helpers import director
from tests.ui.cases.helpers import closed, mediating, open_window, register


def _demo_case(db: Database, state: str) -> str:
    return str(db.scalar("SELECT id FROM cases WHERE state = ? ORDER BY seq LIMIT 1", (state,)))


@pytest.mark.parametrize("state", ["registered", "mediating", "closed", "archived"])
def test_every_table_of_the_case_window_passes_the_model_tester(
    qtbot: QtBot, demo_db: Database, qtmodeltester: ModelTester, state: str
) -> None:
    window = open_window(qtbot, demo_db, _demo_case(demo_db, state))
    for model in (window.parties_model, window.sessions_model, window.events_model):
        qtmodeltester.check(model)  # Qt's QAbstractItemModelTester; it keeps watching
    window.reload()  # every model is reset and refilled under the tester's eyes
    assert window.parties_model.rowCount() == 2
    assert window.events_model.rowCount() == len(window.case.events)


def test_empty_and_refilled_models_pass_the_model_tester(
    office_db: Database, qtmodeltester: ModelTester
) -> None:
    case = load_case(office_db, mediating(office_db))
    model = ListTableModel(SESSION_COLUMNS)
    qtmodeltester.check(model, force_py=True)  # pytest-qt's own checks, still watching:
    model.set_rows(case.sessions)
    assert model.rowCount() == 1
    model.set_rows([])
    assert model.rowCount() == 0


def test_cells_sort_values_and_records(office_db: Database) -> None:
    case = load_case(office_db, mediating(office_db))
    parties = ListTableModel(PARTY_COLUMNS)
    parties.set_rows(case.parties)
    index = parties.index(0, PARTY_COL_ROLE)
    assert parties.data(index) == "申请人"
    assert parties.data(index, ListTableModel.SortRole) == 0  # position, not the text
    assert parties.data(index, ListTableModel.RowRole) is case.parties[0]
    assert parties.data(parties.index(0, PARTY_COL_AGE)).endswith("岁")
    assert parties.data(index, Qt.ItemDataRole.ToolTipRole) == "申请人"  # for cut-off cells
    assert parties.headerData(0, Qt.Orientation.Horizontal) == "身份"
    sessions = ListTableModel(SESSION_COLUMNS)
    sessions.set_rows(case.sessions)
    assert sessions.data(sessions.index(0, SESSION_COL_KIND)) == "调解"
    events = ListTableModel(event_columns(case.describe))
    events.set_rows(case.events)
    assert [events.data(events.index(r, EVENT_COL_ACTION)) for r in range(4)] == [
        "登记",
        "受理",
        "指派调解员",
        "记录调解",
    ]
    assert events.data(events.index(0, EVENT_COL_USER)) == "李主任"


# ---------------------------------------------------------------------- pane texts


def test_agreement_pane_before_and_after_closing(office_db: Database) -> None:
    case_id = mediating(office_db)
    assert case_pages.agreement_html(load_case(office_db, case_id)).endswith(
        f"<p>{case_pages.NO_AGREEMENT}</p>"
    )
    case_id = closed(office_db, "terminated")
    html = case_pages.agreement_html(load_case(office_db, case_id))
    assert "调解不成（终止调解）" in html and "终止原因：</b>双方分歧较大。" in html


def test_follow_up_pane_counts_down_the_confirmation_window(office_db: Database) -> None:
    case = load_case(office_db, closed(office_db))
    today = date.today()
    deadline = (today + timedelta(days=30)).isoformat()
    assert f"双方可在 {deadline} 前共同向人民法院申请" in case_pages.follow_up_html(case, today)
    later = today + timedelta(days=31)
    assert f"申请期限已于 {deadline} 届满。" in case_pages.follow_up_html(case, later)
    oral = load_case(office_db, closed(office_db, "agreement_oral"))
    assert "只有达成书面调解协议的案件可以申请" in case_pages.follow_up_html(oral)


def test_party_and_session_texts(office_db: Database) -> None:
    case_id = register(office_db)
    cases.save_party(
        office_db,
        case_id,
        PartyInput(
            name="青山建材有限公司",
            role="respondent",
            kind="org",
            legal_rep="赵六",
            agent_name="王律师",
            agent_phone="13700001111",
            agent_powers="一般授权",
        ),
        by=director(office_db),
    )
    case = load_case(office_db, case_id)
    assert case_pages.party_title(case, 2) == "被申请人2"
    text = case_pages.party_detail(case.parties[2], "被申请人2")
    assert text.splitlines() == [
        "被申请人2：青山建材有限公司（单位）",
        "统一社会信用代码：未填",
        "法定代表人/负责人：赵六",
        "电话：未填　地址：未填",
        "委托代理人：王律师，电话 13700001111，权限：一般授权",
    ]
    session = load_case(office_db, mediating(office_db)).sessions[0]
    assert case_pages.session_detail(session).splitlines() == [
        f"调解时间：{date.today().isoformat()} 00:00",
        "调解地点：村评理说事点",
        "",
        "调解内容：",
        "双方陈述了各自的意见。",
    ]


def test_mediators_text_keeps_who_went(office_db: Database) -> None:
    case_id = mediating(office_db)
    by = director(office_db)
    second = str(office_db.scalar("SELECT id FROM mediators WHERE name = '陈秀兰'"))
    cases.assign_mediators(
        office_db,
        case_id,
        by=by,
        mediator_ids=[second],
        how="chosen",
        assigned_on=date.today(),
        reason="申请回避",
    )
    text = case_pages.mediators_text(load_case(office_db, case_id))
    today = date.today().isoformat()
    assert text.splitlines() == [
        f"调解员：陈秀兰（主办，当事人选定，{today}起）",
        f"曾任：王建华（{today}至{today}，申请回避）",
    ]
