"""Case numbers: per committee and year, allocated at acceptance, no gaps, no duplicates."""

from __future__ import annotations

import threading
from datetime import date

import pytest

from app.models import cases
from app.models import db as dbmod
from app.models.cases import format_case_number
from tests.conftest import TODAY
from tests.models.helpers import register, user


def test_pattern_with_padding():
    assert (
        format_case_number(
            "（{year}）{abbr}调字第{seq}号", year=2024, abbr="南海区", seq=7, width=3
        )
        == "（2024）南海区调字第007号"
    )


def test_sequence_restarts_each_year(office_db):
    db = office_db
    a = register(db, registered_on=date(2025, 12, 30))
    b = register(db, registered_on=date(2025, 12, 30))
    c = register(db, registered_on=date(2026, 1, 2))
    assert (
        cases.accept_case(db, a, by=user(db), accepted_on=date(2025, 12, 31), today=TODAY)
        == "（2025）青山调字第1号"
    )
    assert (
        cases.accept_case(db, c, by=user(db), accepted_on=date(2026, 1, 2), today=TODAY)
        == "（2026）青山调字第1号"
    )
    assert (
        cases.accept_case(db, b, by=user(db), accepted_on=date(2026, 1, 3), today=TODAY)
        == "（2026）青山调字第2号"
    )


@pytest.mark.slow
def test_thousand_acceptances_from_two_connections(office_db, tmp_path):
    db = office_db
    ids = [register(db, registered_on=date(2026, 1, 5)) for _ in range(1000)]
    by = user(db)
    errors: list[BaseException] = []

    def worker(part: list[str]) -> None:
        conn = dbmod.connect(db.path)  # each thread its own connection
        try:
            for case_id in part:
                cases.accept_case(conn, case_id, by=by, accepted_on=date(2026, 2, 1), today=TODAY)
        except BaseException as exc:  # surfaced below
            errors.append(exc)
        finally:
            conn.close()

    threads = [threading.Thread(target=worker, args=(ids[i::2],)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    seqs = sorted(r[0] for r in db.query("SELECT number_seq FROM cases WHERE number_year = 2026"))
    assert seqs == list(range(1, 1001))
    numbers = {r[0] for r in db.query("SELECT number FROM cases")}
    assert len(numbers) == 1000
    assert "（2026）青山调字第1000号" in numbers
