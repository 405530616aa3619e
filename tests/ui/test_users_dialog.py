"""用户管理: the 主任 adds users, changes roles, resets passwords, stops accounts, sets the
idle lock; 修改密码 for oneself."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from app.models import accounts, office
from app.models import db as dbmod
from app.models.db import Database
from app.ui import session
from app.ui.cases.service_dialog import CLASH_TITLE, STALE_TITLE
from app.ui.main_window import MainWindow
from app.ui.users_dialog import (
    USER_COL_MEDIATOR,
    USER_COL_NAME,
    USER_COL_ROLE,
    USER_COL_STATE,
    ChangePasswordDialog,
    ResetPasswordDialog,
    UserForm,
    UsersDialog,
)
from tests.conftest import TODAY
from tests.helpers import PASSWORD, director, file_of
from tests.ui.message_boxes import Boxes
from tests.ui.user import click, commit_text, type_text


@pytest.fixture
def window(qtbot: QtBot, office_db: Database, track: list[QWidget]) -> MainWindow:
    window = MainWindow(office_db, today=lambda: TODAY)
    track.append(window)
    window.show()
    qtbot.waitExposed(window)
    return window


@pytest.fixture
def users(qtbot: QtBot, window: MainWindow, boxes: Boxes) -> Iterator[UsersDialog]:
    window.users_action.trigger()
    dialog = next(w for w in window.findChildren(UsersDialog) if w.isVisible())
    yield dialog


def rows(dialog: UsersDialog) -> list[tuple[str, str, str, str]]:
    m = dialog.model
    return [
        tuple(
            m.index(r, c).data()
            for c in (USER_COL_NAME, USER_COL_ROLE, USER_COL_MEDIATOR, USER_COL_STATE)
        )
        for r in range(m.rowCount())
    ]


def form_of(dialog: UsersDialog) -> UserForm:
    assert isinstance(dialog.form, UserForm)
    return dialog.form


def add(qtbot: QtBot, dialog: UsersDialog, name: str, role: str, password: str) -> None:
    click(qtbot, dialog.add_button)
    form = form_of(dialog)
    commit_text(form.name, name)
    form.role.setCurrentIndex(form.role.findText(role))
    type_text(qtbot, form.password, password)
    type_text(qtbot, form.repeat, password)
    with qtbot.waitSignal(form.saved):
        click(qtbot, form.save_button)


def test_the_model_is_a_proper_table(qtmodeltester, users: UsersDialog) -> None:
    qtmodeltester.check(users.model)
    qtmodeltester.check(users.events)


def test_the_director_adds_a_mediator_who_is_linked_to_their_record(
    qtbot: QtBot, users: UsersDialog, office_db: Database
) -> None:
    assert rows(users) == [("李主任", "主任", "", "正常")]
    add(qtbot, users, "王建华", "调解员", "wang-first")
    assert rows(users)[1] == ("王建华", "调解员", "王建华", "下次登录时设置自己的密码")
    current = users.current()
    assert current is not None and current.name == "王建华"
    me = accounts.login(office_db, current.id, "wang-first")
    wang = next(m.id for m in office.mediators(office_db) if m.name == "王建华")
    assert (me.role, me.mediator_id) == ("mediator", wang)


def test_bad_input_is_named_beside_its_field_and_nothing_is_added(
    qtbot: QtBot, users: UsersDialog, office_db: Database
) -> None:
    click(qtbot, users.add_button)
    form = form_of(users)
    type_text(qtbot, form.password, "abc")
    type_text(qtbot, form.repeat, "abc")
    click(qtbot, form.save_button)
    assert form.isVisible()
    box = form.errors.find(accounts.NAME_FIELD)
    assert box is not None and "请填写" in box.error.text()
    commit_text(form.name, "李主任")
    click(qtbot, form.save_button)
    password_box = form.errors.find(accounts.PASSWORD_FIELD)
    assert password_box is not None and "至少要 6 位" in password_box.error.text()
    form.password.clear()
    form.repeat.clear()
    type_text(qtbot, form.password, "li-second")
    type_text(qtbot, form.repeat, "li-second")
    click(qtbot, form.save_button)
    name_box = form.errors.find(accounts.NAME_FIELD)
    assert name_box is not None and "已经有叫“李主任”的用户" in name_box.error.text()
    assert len(accounts.list_users(office_db)) == 1


def test_a_role_is_changed_and_the_office_keeps_a_director(
    qtbot: QtBot, users: UsersDialog, office_db: Database, boxes: Boxes
) -> None:
    add(qtbot, users, "赵统计", "统计/只读", "zhao-first")
    users.select("李主任")
    click(qtbot, users.edit_button)
    form = form_of(users)
    form.role.setCurrentIndex(form.role.findText("调解员"))
    click(qtbot, form.save_button)
    box = form.errors.find(accounts.ROLE_FIELD)
    assert box is not None and "唯一的主任" in box.error.text()
    form.reject()
    users.select("赵统计")
    click(qtbot, users.edit_button)
    form = form_of(users)
    form.role.setCurrentIndex(form.role.findText("调解员"))
    with qtbot.waitSignal(form.saved):
        click(qtbot, form.save_button)
    assert rows(users)[1][:2] == ("赵统计", "调解员")


def test_a_role_changed_meanwhile_is_not_put_back_and_the_form_reloads(
    qtbot: QtBot, users: UsersDialog, office_db: Database, boxes: Boxes
) -> None:
    """The 修改 form shows 调解员; another window makes the user 统计/只读 meanwhile. Saving
    a new name is refused with 重新载入, which keeps the typed name and shows the new role;
    the role is never put back to 调解员 (that would give rights back)."""
    add(qtbot, users, "王建华", "调解员", "wang-first")
    users.select("王建华")
    click(qtbot, users.edit_button)
    form = form_of(users)
    uid = form.user_id
    assert uid is not None
    other = dbmod.connect(file_of(office_db))  # another window, or a sync merge
    try:
        shown = accounts.get_account(other, uid)
        assert shown is not None
        accounts.edit_user(
            other,
            uid,
            by=director(other),
            name=shown.name,
            role=accounts.VIEWER,
            mediator_id=shown.mediator_id,
            loaded=shown,
        )
    finally:
        other.close()
    commit_text(form.name, "王建华（村）")
    boxes.answers[STALE_TITLE] = False  # 暂不载入
    click(qtbot, form.save_button)
    kind, title, text = boxes.calls[-1]
    assert (kind, title) == ("confirm", STALE_TITLE)
    assert text.startswith("用户“王建华”在您打开之后已被修改（")
    assert form.isVisible()
    stored = accounts.get_account(office_db, uid)
    assert stored is not None and (stored.name, stored.role) == ("王建华", accounts.VIEWER)

    boxes.answers[STALE_TITLE] = True  # 重新载入
    click(qtbot, form.save_button)
    assert form.name.text() == "王建华（村）"  # what the 主任 typed stays
    assert form.role.currentText() == "统计/只读"  # the other change shows
    with qtbot.waitSignal(form.saved):
        click(qtbot, form.save_button)
    assert ("王建华（村）", "统计/只读") in [r[:2] for r in rows(users)]


def test_both_changed_the_role_names_the_field_after_reloading(
    qtbot: QtBot, users: UsersDialog, office_db: Database, boxes: Boxes
) -> None:
    add(qtbot, users, "王建华", "调解员", "wang-first")
    users.select("王建华")
    click(qtbot, users.edit_button)
    form = form_of(users)
    assert form.user_id is not None
    accounts.set_active(office_db, form.user_id, False, by=director(office_db))
    shown = accounts.get_account(office_db, form.user_id)
    assert shown is not None
    accounts.edit_user(
        office_db,
        form.user_id,
        by=director(office_db),
        name=shown.name,
        role=accounts.DIRECTOR,
        loaded=shown,
    )
    form.role.setCurrentIndex(form.role.findText("统计/只读"))
    boxes.answers[STALE_TITLE] = True  # 重新载入
    click(qtbot, form.save_button)
    assert boxes.titles()[-1] == CLASH_TITLE
    assert "“角色”" in boxes.calls[-1][2]
    assert form.role.currentText() == "统计/只读"  # the 主任's choice, named as a clash


def test_a_forgotten_password_is_reset(
    qtbot: QtBot, users: UsersDialog, office_db: Database
) -> None:
    add(qtbot, users, "周玉梅", "调解员", "zhou-first")
    current = users.current()
    assert current is not None
    uid = current.id
    accounts.change_password(
        office_db, by=accounts.acting_as(office_db, uid), old="zhou-first", password="zhou-own1"
    )
    click(qtbot, users.reset_button)
    reset = users.form
    assert isinstance(reset, ResetPasswordDialog)
    type_text(qtbot, reset.password, "zhou-new-1")
    type_text(qtbot, reset.repeat, "zhou-new-1")
    with qtbot.waitSignal(reset.saved):
        click(qtbot, reset.save_button)
    assert rows(users)[1][3] == "下次登录时设置自己的密码"
    assert accounts.login(office_db, uid, "zhou-new-1").name == "周玉梅"


def test_stopping_an_account_asks_and_ones_own_cannot_be_stopped(
    qtbot: QtBot, users: UsersDialog, office_db: Database, boxes: Boxes
) -> None:
    users.select("李主任")
    assert not users.active_button.isEnabled()
    assert "不能停用自己" in users.active_button.toolTip()
    add(qtbot, users, "周玉梅", "调解员", "zhou-first")
    assert users.active_button.text() == "停用(&S)"
    boxes.answer = True
    click(qtbot, users.active_button)
    assert boxes.titles() == ["停用用户"]
    assert rows(users)[-1] == ("周玉梅", "调解员", "", "已停用")
    assert users.active_button.text() == "启用(&S)"
    zhou = users.current()
    assert zhou is not None
    with pytest.raises(accounts.LoginError, match="已停用"):
        accounts.login(office_db, zhou.id, "zhou-first")
    click(qtbot, users.active_button)  # 启用: no question
    assert rows(users)[1][3] == "下次登录时设置自己的密码"


def test_the_lock_time_is_set_here(qtbot: QtBot, users: UsersDialog, office_db: Database) -> None:
    assert users.lock.value() == accounts.DEFAULT_LOCK_MINUTES
    users.lock.setValue(5)
    click(qtbot, users.lock_button)
    assert accounts.lock_minutes(office_db) == 5
    assert users.lock.maximum() == accounts.MAX_LOCK_MINUTES
    users.lock.setValue(0)
    assert users.lock.text() == "不自动锁定"


def test_the_login_record_of_this_computer_is_listed(users: UsersDialog) -> None:
    texts = [users.events.index(r, 2).data() for r in range(users.events.rowCount())]
    assert texts[0] == "登录"  # the fixture's login
    assert users.events.index(0, 1).data() == "李主任"


def test_only_a_director_sees_user_management(
    qtbot: QtBot, office_db: Database, track: list[QWidget]
) -> None:
    uid = accounts.add_user(
        office_db, by=director(office_db), name="王建华", role="mediator", password="wang-first"
    )
    session.sign_in(office_db, accounts.login(office_db, uid, "wang-first"))
    window = MainWindow(office_db, today=lambda: TODAY)
    track.append(window)
    assert not window.users_action.isEnabled()
    assert "只有主任可以管理用户和密码" in window.users_action.toolTip()
    assert window.password_action.isEnabled()  # their own password: yes


def test_anyone_changes_their_own_password(
    qtbot: QtBot, window: MainWindow, office_db: Database, boxes: Boxes
) -> None:
    dialog = window.change_password()
    assert isinstance(dialog, ChangePasswordDialog)
    type_text(qtbot, dialog.old, "wrong-one")
    type_text(qtbot, dialog.password, "qingshan-new")
    type_text(qtbot, dialog.repeat, "qingshan-new")
    click(qtbot, dialog.save_button)
    box = dialog.errors.find(accounts.OLD_PASSWORD_FIELD)
    assert box is not None and "原密码不对" in box.error.text()
    dialog.old.clear()
    type_text(qtbot, dialog.old, PASSWORD)
    with qtbot.waitSignal(dialog.saved):
        click(qtbot, dialog.save_button)
    me = office.current_user(office_db).id
    assert accounts.login(office_db, me, "qingshan-new").name == "李主任"
