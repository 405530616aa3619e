"""冲突处理 of an ID number (docs/privacy.md): the 主任 sees both versions in full to choose
(recorded as a showing, once per conflict), and what is kept of the decision is masked."""

from __future__ import annotations

import json
from dataclasses import replace

from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from app.models.identity import mask_id_number
from app.models.parties import case_parties, to_input
from tests.helpers import director, edit_party
from tests.models.helpers import make_id
from tests.ui.sync.test_conflicts_window import (
    Office,
    Opener,
    card,
    click,
    open_window,
    place,
    select,
)

__all__ = ["open_window", "place"]  # the fixtures, used by name


def test_an_id_number_conflict_is_shown_in_full_recorded_and_kept_masked(
    place: Office, qtbot: QtBot, open_window: Opener
) -> None:
    p = place
    link = case_parties(p.db.conn, p.case_id)[0]
    # (张三 was born 1980-01-02: the numbers must say so)
    office_number, laptop_number = make_id("33010219800102011"), make_id("33010219800102013")
    for db, number in ((p.db, office_number), (p.laptop, laptop_number)):
        changed = replace(to_input(link), id_number=number)
        edit_party(db, p.case_id, link.link_id, changed, by=director(db))
    p.swap()
    window = open_window(p.db)
    select(window, "证件号码")
    texts = " ".join(
        c.value.text() if isinstance(c.value, QLabel) else c.value.toPlainText()
        for c in window.cards
    )
    assert office_number in texts and laptop_number in texts
    select(window, "证件号码")
    shown = p.db.query("SELECT action, party_id, data FROM privacy_events")
    assert [(r["action"], r["party_id"], json.loads(r["data"])["where"]) for r in shown] == [
        ("show_id", link.party_id, "冲突处理")
    ]
    click(qtbot, card(window, "周玉梅的笔记本").button)
    decision = p.db.one("SELECT kept, set_aside FROM conflict_decisions")
    assert decision is not None
    assert json.loads(decision["kept"]) == mask_id_number(laptop_number)
    assert json.loads(decision["set_aside"]) == [mask_id_number(office_number)]
    event = p.db.scalar("SELECT data FROM case_events WHERE action = 'resolve_conflict'")
    assert office_number not in event and laptop_number not in event
