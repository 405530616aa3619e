"""今日工作 and the cases of an imported 台账: an old ledger's closings were visited (回访) and
taken to court (司法确认), or not, before the program knew them. They are not today's work:
结案后未回访 and the 司法确认 reminders leave them out, unless the case is reopened and closed
again in the program."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from app.models import cases, register
from app.models.cases import AgreementInput
from app.models.db import Database
from app.models.ledger_import import (
    IMPORT_ACTION,
    apply,
    detect_header,
    guess_mapping,
    header_names,
    open_workbook,
    preview,
)
from tests.conftest import TODAY
from tests.models import ledger_sheets as sheets
from tests.models.helpers import close, user
from tests.models.test_cases import walk_to_mediating

N = "（2026）青山调字第{}号"
CLOSED = date(2026, 11, 18)  # (walk_to_mediating accepts on 2026-11-02)
# a day when an agreement signed on CLOSED is inside the 司法确认 reminder (7 days left)
IN_THE_WINDOW = CLOSED + timedelta(days=register.CONFIRMATION_WINDOW_DAYS - 5)


def import_ledger(db: Database, tmp_path: Path) -> None:
    """Two cases closed with a written agreement on CLOSED, one still in mediation."""
    row = {"registered": "2026-11-01", "accepted": "2026-11-01", "mediator": "王建华"}
    path = sheets.simple_xlsx(
        tmp_path / "台账.xlsx",
        sheets.LEDGER_HEADER,
        [
            sheets.ledger_row(
                N.format(1), "赵一", "钱二", closed="2026-11-18", outcome="调解成功", **row
            ),
            sheets.ledger_row(
                N.format(2), "孙三", "周四", closed="2026-11-18", outcome="达成书面协议", **row
            ),
            sheets.ledger_row(N.format(3), "吴五", "郑六", outcome="调解中", **row),
        ],
    )
    wb = open_workbook(path)
    sheet = wb.sheet_names[0]
    header = detect_header(wb, sheet).row
    plan = preview(
        db, wb, sheet, header, guess_mapping(header_names(wb, sheet, header)), today=TODAY
    )
    assert plan.errors == []
    assert apply(db, plan, by=user(db), skip_bad_rows=False, skip_duplicates=True).imported == 3


def close_with_agreement(db: Database, case_id: str) -> None:
    agreement = AgreementInput(terms=["被申请人赔偿申请人人民币1000元。"], amount_fen=100000)
    close(db, case_id, "agreement_written", closed_on=CLOSED, agreement=agreement)


def case_id_of(db: Database, number: str) -> str:
    return str(db.scalar("SELECT id FROM cases WHERE number = ?", (number,)))


def test_imported_closings_are_not_today_s_follow_ups_or_confirmations(office_db, tmp_path):
    db = office_db
    import_ledger(db, tmp_path)
    program = walk_to_mediating(db)  # 张三、李四, closed here the same day
    close_with_agreement(db, program)
    assert db.scalar("SELECT count(*) FROM agreements") == 3  # the imported ones have theirs

    work = register.worklist(db, today=IN_THE_WINDOW)
    assert [w.parties for w in work.awaiting_follow_up] == ["张三、李四"]
    assert [(w.parties, w.note) for w in work.confirmation_closing] == [
        ("张三、李四", "司法确认申请期限还剩5天")
    ]


def test_an_imported_case_closed_again_in_the_program_is_today_s_work(office_db, tmp_path):
    db = office_db
    import_ledger(db, tmp_path)
    reopened = case_id_of(db, N.format(1))
    cases.reopen_case(db, reopened, by=user(db), reason="当事人反悔", requested_by="赵一")
    close_with_agreement(db, reopened)
    still_open = case_id_of(db, N.format(3))  # imported in mediation, closed here
    close_with_agreement(db, still_open)

    work = register.worklist(db, today=IN_THE_WINDOW)
    assert sorted(w.parties for w in work.awaiting_follow_up) == ["吴五、郑六", "赵一、钱二"]
    assert sorted(w.parties for w in work.confirmation_closing) == ["吴五、郑六", "赵一、钱二"]


def test_the_marker_is_the_import_s_case_event(office_db, tmp_path):
    """register.py names the event in SQL; it must be the one the import writes."""
    db = office_db
    import_ledger(db, tmp_path)
    assert IMPORT_ACTION == "import"
    assert db.scalar("SELECT count(*) FROM case_events WHERE action = 'import'") == 3
