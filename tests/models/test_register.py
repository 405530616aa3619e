"""The register's lazy list of seqs: the count and the first rows at once, the rest only
when asked for, always in the order of the full query."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from app.models import demo, register
from app.models.db import Database
from app.models.register import RegisterFilter, SeqList
from tests.conftest import TODAY
from tests.helpers import fill_demo, new_database


@pytest.fixture(scope="module")
def big_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    """230 demo cases, read only (one file for the module: filling it takes a second)."""
    db = new_database(tmp_path_factory.mktemp("register") / "register.sqlite3")
    fill_demo(db, today=TODAY, count=230)
    yield db
    db.close()


class Counting:
    """Counts the statements a SeqList sends (to tell what it has read)."""

    def __init__(self, db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
        self.sql: list[str] = []
        real = db.column

        def column(sql: str, params: object = ()) -> list[int]:
            self.sql.append(sql)
            return real(sql, params)

        monkeypatch.setattr(db, "column", column)


@pytest.mark.parametrize("sort", sorted(register.SORT_COLUMNS))
@pytest.mark.parametrize("descending", [True, False])
def test_same_order_as_the_full_query(big_db: Database, sort: str, descending: bool) -> None:
    f = RegisterFilter(include_voided=True)
    full = register.query_seqs(big_db, f, sort=sort, descending=descending)
    lazy = register.open_seqs(big_db, f, sort=sort, descending=descending, head=50)
    assert len(lazy) == len(full) == 230
    assert list(lazy) == full
    assert lazy[-1] == full[-1] and lazy[10:60] == full[10:60]


def test_reads_the_rest_only_past_the_head(big_db: Database, monkeypatch) -> None:
    seen = Counting(big_db, monkeypatch)
    seqs = register.open_seqs(big_db, RegisterFilter(), head=100)
    assert isinstance(seqs, SeqList)
    assert [("LIMIT" in sql) for sql in seen.sql] == [True]  # the head only
    first_page = seqs[0:100]
    assert len(first_page) == 100 and not seqs.complete
    assert seqs.index(first_page[42]) == 42  # in the head: nothing more read
    assert len(seen.sql) == 1
    seqs[150]
    assert seqs.complete and len(seen.sql) == 2  # now every seq, once
    seqs[200]
    seqs.index(seqs[199])
    assert len(seen.sql) == 2


def test_a_short_list_is_complete_at_once(big_db: Database) -> None:
    seqs = register.open_seqs(big_db, RegisterFilter(category="邻里"), head=200)
    assert isinstance(seqs, SeqList) and seqs.complete
    assert list(seqs) == register.query_seqs(big_db, RegisterFilter(category="邻里"))


def test_a_search_is_read_whole(big_db: Database) -> None:
    f = RegisterFilter(text="王")
    seqs = register.open_seqs(big_db, f)
    assert isinstance(seqs, list) and seqs == register.query_seqs(big_db, f)
    assert register.open_seqs(big_db, RegisterFilter(text="查无此人zzz")) == []


def test_a_case_gone_before_the_rest_is_read_marks_the_list_stale(database: Database) -> None:
    demo.fill_demo(database, today=TODAY, count=60)
    db = database
    seqs = register.open_seqs(db, RegisterFilter(), head=10)
    assert isinstance(seqs, SeqList)
    count = len(seqs)
    full = register.query_seqs(db, RegisterFilter())
    gone = full[5]  # voided by another program after the count
    with db.transaction() as conn:
        conn.execute("UPDATE cases SET state = 'voided' WHERE seq = ?", (gone,))
    assert not seqs.stale
    assert len(seqs) == count  # the row count the table was given stays
    assert seqs[count - 1] == SeqList.MISSING  # past the end of the shorter list
    assert seqs.stale  # the table reads everything again
    fresh = register.open_seqs(db, RegisterFilter(), head=10)
    assert gone not in list(fresh) and len(fresh) == count - 1
    assert isinstance(fresh, SeqList) and not fresh.stale
    with pytest.raises(IndexError):
        seqs[count]


def test_an_unchanged_register_is_not_stale(big_db: Database) -> None:
    seqs = register.open_seqs(big_db, RegisterFilter(), head=10)
    assert isinstance(seqs, SeqList)
    list(seqs)
    assert seqs.complete and not seqs.stale
