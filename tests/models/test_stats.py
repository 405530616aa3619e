"""Statistics against hand counts (docs/statistics.md).

One small office, built through the real services with fixed dates, holds the cases
below. Every expected number in this file is counted by hand from this table; the
comments next to each number say which cases make it and why others do not.

    case  category/source/village (committee)  what happens (all 2026 unless written)
    L     合同 申请 红旗村                       reg 2025-12-31, acc 01-02, written agreement 01-05
                                               (10000 fen), performed
    K     邻里 申请 河东社区                     reg 03-31, acc 04-01 (due 05-01, extended to 07-01
                                               on 04-25), oral agreement 06-30 (80000), performed
    G     房屋宅基地 主动 红旗村 (红旗村调委会)  reg 04-01, acc 04-01 (due 05-01), 王建华 then
                                               陈秀兰 (04-15), referred 04-10 + feedback 04-20,
                                               written agreement 06-15 (no amount), confirmation
                                               applied 06-20 rejected, applied again 07-02 pending
    B     婚姻家庭 排查 桃园村                   reg 04-28, acc 05-06, oral agreement 05-29 (no
                                               amount on it, 20000 on the case), 防止群体性上访
    I     邻里 申请 桃园村                       reg 05-02, acc 05-02 (due 06-01), written agreement
                                               05-10 (50000), reopened, 调解不成 06-05
    A     邻里 申请 红旗村                       reg 05-04, acc 05-05, written agreement 05-20
                                               (150000 on it, 200000 noted on the case), performed,
                                               防止民转刑, confirmation applied 05-25 confirmed,
                                               archived 06-10
    C     合同 公安 河东社区                     reg 05-08, acc 05-08 (due 06-07), 王建华 + 陈秀兰,
                                               referred 05-15 + feedback 05-22, 调解不成 06-10
    D     邻里 申请 红旗村                       reg 05-10, acc 05-11, withdrawn 05-15 (no mediator)
    E     损害赔偿 申请 桃园村                   reg 05-12, declined 05-13, archived 05-20
    F     邻里 排查 红旗村                       reg 05-14, acc 05-14, voided 05-16
    N     道路交通事故 排查 河东社区             reg 05-18, acc 05-18, 调解不成 05-25
    H     劳动争议 法院 河东社区                 reg 05-20, acc 05-20 (due 06-19, extended to 07-19
                                               on 06-15), referred 06-01 (no feedback), still open
    J1    邻里 申请 红旗村                       2025: reg 05-06, acc 05-06, written 05-26 (300000),
                                               performed
    J2    合同 排查 桃园村                       2025: reg 05-10, acc 05-10, 调解不成 05-30
    J3    邻里 申请 桃园村                       2025: reg 05-15, declined 05-15

Mediators now (current assignments): A, H, K 王建华; B, G, I, L, N, J1, J2 陈秀兰; C both;
D, E, F, J3 none. "Today" is 2026-11-20.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import asdict, fields
from datetime import date
from pathlib import Path

import pytest

from app.models import cases, office, rows
from app.models import db as dbmod
from app.models.cases import AgreementInput, CaseInput, CloseInput, ConfirmationInput
from app.models.db import Database
from app.models.errors import ValidationError
from app.models.parties import PartyInput
from app.models.reference import categories, sources
from app.models.stats import (
    BREAKDOWNS,
    COUNT_INDICATORS,
    DEFINITIONS,
    INDICATORS,
    NONE_KEY,
    Filters,
    Indicators,
    Period,
    Row,
    breakdown,
    compare,
    condition_sql,
    drill_down,
    indicators,
    monthly_series,
    report,
)
from tests.helpers import director
from tests.models.helpers import refer_to_police

TODAY = date(2026, 11, 20)
D = date


class Office:
    def __init__(self, db: Database) -> None:
        self.db = db
        self.user = director(db)
        self.committee = office.main_committee(db).id
        self.village = {v.name: v.id for v in office.villages(db)}
        self.mediator = {m.name: m.id for m in office.mediators(db)}
        self.ids: dict[str, str] = {}
        with db.transaction() as conn:  # no service for committees yet: as setup_office does
            self.hongqi_committee = rows.insert(
                conn,
                "committees",
                {
                    "name": "红旗村人民调解委员会",
                    "level": "village",
                    "parent_id": self.committee,
                    "place_id": self.village["红旗村"],
                    "abbr": "红旗",
                    "time_limit_days": 30,
                    "seal_text": "红旗村人民调解委员会",
                },
                by=self.user.user_id,
            )

    def register(
        self,
        name: str,
        category: str,
        source: str,
        village: str,
        registered_on: date,
        *,
        committee: str | None = None,
    ) -> str:
        case_id = cases.register_case(
            self.db,
            CaseInput(
                committee_id=committee or self.committee,
                category=category,
                source=source,
                registered_on=registered_on,
                parties=[
                    PartyInput(name=f"申请人{name}", role="applicant"),
                    PartyInput(name=f"被申请人{name}", role="respondent"),
                ],
                facts=f"案件{name}的纠纷。",
                village_id=self.village[village],
            ),
            by=self.user,
            today=TODAY,
        )
        self.ids[name] = case_id
        return case_id

    def accept(self, name: str, on: date) -> None:
        cases.accept_case(self.db, self.ids[name], by=self.user, accepted_on=on, today=TODAY)

    def assign(self, name: str, on: date, *mediators: str, reason: str = "") -> None:
        cases.assign_mediators(
            self.db,
            self.ids[name],
            by=self.user,
            mediator_ids=[self.mediator[m] for m in mediators],
            how="appointed",
            assigned_on=on,
            reason=reason,
            today=TODAY,
        )

    def close(
        self,
        name: str,
        on: date,
        outcome: str,
        *,
        agreement_amount: int | None = None,
        case_amount: int | None = None,
        performance: str = "pending",
        prevented_criminal: bool = False,
        prevented_petition: bool = False,
    ) -> None:
        agreement = None
        if outcome in ("agreement_written", "agreement_oral"):
            agreement = AgreementInput(terms=["双方和解。"], amount_fen=agreement_amount)
        cases.close_case(
            self.db,
            self.ids[name],
            CloseInput(
                closed_on=on,
                outcome=outcome,
                performance=performance,
                amount_fen=case_amount,
                prevented_criminal=prevented_criminal,
                prevented_petition=prevented_petition,
                note="双方分歧太大，终止调解。" if outcome == "terminated" else "",
                agreement=agreement,
            ),
            by=self.user,
            today=TODAY,
        )

    def extend(self, name: str, decided_on: date, new_due_on: date) -> None:
        cases.extend_deadline(
            self.db,
            self.ids[name],
            by=self.user,
            requested_by="双方当事人",
            reason="需要补充证据。",
            new_due_on=new_due_on,
            decided_on=decided_on,
            today=TODAY,
        )

    def refer(self, name: str, on: date, feedback_on: date | None = None) -> None:
        refer_to_police(
            self.db, self.ids[name], by=self.user, on=on, feedback_on=feedback_on, today=TODAY
        )

    def confirm(self, name: str, applied_on: date, result: str, decided_on: date | None) -> None:
        cases.record_judicial_confirmation(
            self.db,
            self.ids[name],
            ConfirmationInput(
                applied_on=applied_on,
                court="青山县人民法院",
                result=result,
                decided_on=decided_on,
            ),
            by=self.user,
            today=TODAY,
        )


def build(db: Database) -> Office:
    o = Office(db)
    # L: registered on the last day of 2025, accepted and settled in January 2026.
    o.register("L", "合同", "application", "红旗村", D(2025, 12, 31))
    o.accept("L", D(2026, 1, 2))
    o.assign("L", D(2026, 1, 2), "陈秀兰")
    o.close(
        "L", D(2026, 1, 5), "agreement_written", agreement_amount=10000, performance="performed"
    )
    # K: registered on the last day of Q1, accepted on the first day of Q2, extended.
    o.register("K", "邻里", "application", "河东社区", D(2026, 3, 31))
    o.accept("K", D(2026, 4, 1))
    o.assign("K", D(2026, 4, 1), "王建华")
    o.extend("K", D(2026, 4, 25), D(2026, 7, 1))
    # G: the village committee's case, reassigned, referred, late, confirmation twice.
    o.register(
        "G", "房屋宅基地", "initiative", "红旗村", D(2026, 4, 1), committee=o.hongqi_committee
    )
    o.accept("G", D(2026, 4, 1))
    o.assign("G", D(2026, 4, 2), "王建华")
    o.refer("G", D(2026, 4, 10), feedback_on=D(2026, 4, 20))
    o.assign("G", D(2026, 4, 15), "陈秀兰", reason="王建华调往他处。")
    # B: found by screening in April, accepted in May.
    o.register("B", "婚姻家庭", "screening", "桃园村", D(2026, 4, 28))
    o.accept("B", D(2026, 5, 6))
    o.assign("B", D(2026, 5, 6), "陈秀兰")
    # I: agreement in May, reopened, failed in June.
    o.register("I", "邻里", "application", "桃园村", D(2026, 5, 2))
    o.accept("I", D(2026, 5, 2))
    o.assign("I", D(2026, 5, 2), "陈秀兰")
    o.close("I", D(2026, 5, 10), "agreement_written", agreement_amount=50000)
    cases.reopen_case(db, o.ids["I"], by=o.user, reason="一方反悔。", requested_by="申请人I")
    # A: the model case.
    o.register("A", "邻里", "application", "红旗村", D(2026, 5, 4))
    o.accept("A", D(2026, 5, 5))
    o.assign("A", D(2026, 5, 5), "王建华")
    o.close(
        "A",
        D(2026, 5, 20),
        "agreement_written",
        agreement_amount=150000,
        case_amount=200000,  # what was claimed: the agreement's amount is what counts
        performance="performed",
        prevented_criminal=True,
    )
    o.confirm("A", D(2026, 5, 25), "confirmed", D(2026, 6, 2))
    o.close(
        "B",
        D(2026, 5, 29),
        "agreement_oral",
        case_amount=20000,
        prevented_petition=True,
    )
    # C: two mediators, referred with feedback, closed after its due date.
    o.register("C", "合同", "police", "河东社区", D(2026, 5, 8))
    o.accept("C", D(2026, 5, 8))
    o.assign("C", D(2026, 5, 9), "王建华", "陈秀兰")
    o.refer("C", D(2026, 5, 15), feedback_on=D(2026, 5, 22))
    # D: withdrawn before any mediator was assigned.
    o.register("D", "邻里", "application", "红旗村", D(2026, 5, 10))
    o.accept("D", D(2026, 5, 11))
    o.close("D", D(2026, 5, 15), "withdrawn")
    # E: declined.
    o.register("E", "损害赔偿", "application", "桃园村", D(2026, 5, 12))
    cases.decline_case(
        db, o.ids["E"], by=o.user, declined_on=D(2026, 5, 13), reason="已向法院起诉。", today=TODAY
    )
    cases.archive_case(db, o.ids["E"], by=o.user, archived_on=D(2026, 5, 20), today=TODAY)
    # F: accepted, then voided (a duplicate registration).
    o.register("F", "邻里", "screening", "红旗村", D(2026, 5, 14))
    o.accept("F", D(2026, 5, 14))
    cases.void_case(
        db, o.ids["F"], by=o.user, reason="重复登记。", voided_on=D(2026, 5, 16), today=TODAY
    )
    # N: found by screening, mediation failed in May.
    o.register("N", "道路交通事故", "screening", "河东社区", D(2026, 5, 18))
    o.accept("N", D(2026, 5, 18))
    o.assign("N", D(2026, 5, 18), "陈秀兰")
    o.close("N", D(2026, 5, 25), "terminated")
    # H: extended before its due date, referred without feedback, still open today.
    o.register("H", "劳动争议", "court", "河东社区", D(2026, 5, 20))
    o.accept("H", D(2026, 5, 20))
    o.assign("H", D(2026, 5, 20), "王建华")
    o.refer("H", D(2026, 6, 1))
    o.extend("H", D(2026, 6, 15), D(2026, 7, 19))
    # June closings.
    o.close("I", D(2026, 6, 5), "terminated")
    cases.archive_case(db, o.ids["A"], by=o.user, archived_on=D(2026, 6, 10), today=TODAY)
    o.close("C", D(2026, 6, 10), "terminated")
    o.close("G", D(2026, 6, 15), "agreement_written", performance="na")
    o.confirm("G", D(2026, 6, 20), "rejected", D(2026, 6, 28))
    o.confirm("G", D(2026, 7, 2), "pending", None)
    o.close("K", D(2026, 6, 30), "agreement_oral", agreement_amount=80000, performance="performed")
    # Last year's May.
    o.register("J1", "邻里", "application", "红旗村", D(2025, 5, 6))
    o.accept("J1", D(2025, 5, 6))
    o.assign("J1", D(2025, 5, 6), "陈秀兰")
    o.close(
        "J1", D(2025, 5, 26), "agreement_written", agreement_amount=300000, performance="performed"
    )
    o.register("J2", "合同", "screening", "桃园村", D(2025, 5, 10))
    o.accept("J2", D(2025, 5, 10))
    o.assign("J2", D(2025, 5, 10), "陈秀兰")
    o.close("J2", D(2025, 5, 30), "terminated")
    o.register("J3", "邻里", "application", "桃园村", D(2025, 5, 15))
    cases.decline_case(
        db, o.ids["J3"], by=o.user, declined_on=D(2025, 5, 15), reason="一方拒绝调解。", today=TODAY
    )
    return o


def stats_office(path: Path) -> Office:
    """A new database at ``path`` with the hand-counted office: 青山镇, its three villages,
    two mediators and the cases of :func:`build`. Close ``office.db`` when done."""
    db = dbmod.connect(path)
    office.setup_office(
        db,
        committee_name="青山镇人民调解委员会",
        abbr="青山",
        town_name="青山镇",
        villages=["红旗村", "桃园村", "河东社区"],
        user_name="李主任",
        password="qingshan26",
    )
    user = director(db)
    committee = office.main_committee(db).id
    office.add_mediator(db, by=user, name="王建华", committee_id=committee, full_time=True)
    office.add_mediator(db, by=user, name="陈秀兰", committee_id=committee)
    return build(db)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Office]:
    o = stats_office(tmp_path_factory.mktemp("stats") / "stats.sqlite3")
    yield o
    o.db.close()


def figures(**values: int) -> Indicators:
    """Expected figures: every count not named is 0; the rate follows from them."""
    mediated = values.get("mediated", 0)
    rate = values.get("succeeded", 0) / mediated if mediated else None
    return Indicators(**values, success_rate=rate)


MAY = Period.month(2026, 5)

# May 2026, as of 31 May.
MAY_FIGURES = figures(
    registered=7,  # A C D E H I N (B, G: April; K: March; F voided)
    accepted=7,  # A B C D H I N (B accepted in May although registered in April)
    declined=1,  # E
    closed=4,  # A B D N (I's May agreement was reopened: it closed in June)
    mediated=3,  # A B N: D was withdrawn
    succeeded=2,  # A B
    written=1,  # A
    oral=1,  # B
    terminated=1,  # N
    withdrawn=1,  # D
    amount_fen=170000,  # A 150000 (agreement) + B 20000 (no agreement amount: the case's)
    with_amount=2,  # A B
    performed=1,  # A (B pending)
    confirmation_applied=1,  # A, applied 05-25
    confirmed=1,  # A
    screening=1,  # N (B was found in April, F is voided)
    prevented_criminal=1,  # A
    prevented_petition=1,  # B
    overdue=1,
    overdue_open=1,  # G: due 05-01, open on 05-31 (K was extended to 07-01)
    referred=1,  # C
    referral_feedback=1,  # C
)

APRIL_FIGURES = figures(
    registered=2,  # G B
    accepted=2,  # G K (K registered in March)
    screening=1,  # B: counted when found, though accepted in May
    referred=1,  # G
    referral_feedback=1,  # G
    # G is due 05-01: not yet overdue on 04-30
)

JUNE_FIGURES = figures(
    closed=4,  # I C G K
    mediated=4,
    succeeded=2,  # G K
    written=1,  # G
    oral=1,  # K
    terminated=2,  # I C
    amount_fen=80000,  # K; G's agreement has no amount
    with_amount=1,  # K
    performed=1,  # K (G: no performance needed)
    confirmation_applied=1,  # G 06-20
    confirmation_rejected=1,  # G's June application was rejected
    overdue=3,
    overdue_closed=3,  # I (due 06-01), C (due 06-07), G (due 05-01); K was extended to 07-01
    # overdue_open: H was extended to 07-19 on 06-15, so not late on 06-30
    referred=1,  # H
)

Q2_FIGURES = figures(
    registered=9,  # April G B + May A C D E H I N
    accepted=9,  # April G K + May A B C D H I N
    declined=1,  # E
    closed=8,  # May A B D N + June I C G K
    mediated=7,  # all but D
    succeeded=4,  # A B G K
    written=2,  # A G
    oral=2,  # B K
    terminated=3,  # N I C
    withdrawn=1,  # D
    amount_fen=250000,  # A 150000 + B 20000 + K 80000
    with_amount=3,
    performed=2,  # A K
    confirmation_applied=2,  # A; G (its latest application in Q2: 06-20)
    confirmed=1,  # A
    confirmation_rejected=1,  # G
    screening=2,  # B N
    prevented_criminal=1,  # A
    prevented_petition=1,  # B
    overdue=3,
    overdue_closed=3,  # I C G
    referred=3,  # G C H
    referral_feedback=2,  # G C
)

YEAR_2026_FIGURES = figures(
    registered=10,  # K G B I A C D E N H (L: 2025; F voided)
    accepted=10,  # L G K B I A C D N H
    declined=1,  # E
    closed=9,  # L + Q2's eight
    mediated=8,
    succeeded=5,  # L A B G K
    written=3,  # L A G
    oral=2,  # B K
    terminated=3,  # N I C
    withdrawn=1,  # D
    amount_fen=260000,  # L 10000 + Q2's 250000
    with_amount=4,
    performed=3,  # L A K
    confirmation_applied=2,  # A; G (latest in 2026: 07-02, pending)
    confirmed=1,  # A
    confirmation_pending=1,  # G
    screening=2,  # B N
    prevented_criminal=1,
    prevented_petition=1,
    overdue=4,
    overdue_open=1,  # H: due 07-19, still open on 11-20 (today: the year still runs)
    overdue_closed=3,  # I C G
    referred=3,
    referral_feedback=2,
)

MAY_2025_FIGURES = figures(
    registered=3,  # J1 J2 J3
    accepted=2,  # J1 J2 (J3 declined)
    declined=1,  # J3
    closed=2,
    mediated=2,
    succeeded=1,  # J1
    written=1,
    terminated=1,  # J2
    amount_fen=300000,
    with_amount=1,
    performed=1,
    screening=1,  # J2
)


@pytest.mark.parametrize(
    ("period", "expected"),
    [
        (Period.month(2026, 4), APRIL_FIGURES),
        (MAY, MAY_FIGURES),
        (Period.month(2026, 6), JUNE_FIGURES),
        (Period.quarter(2026, 2), Q2_FIGURES),
        (Period.year(2026), YEAR_2026_FIGURES),
        (Period.month(2025, 5), MAY_2025_FIGURES),
    ],
    ids=["april", "may", "june", "q2", "year-2026", "may-2025"],
)
def test_every_indicator_matches_the_hand_count(
    world: Office, period: Period, expected: Indicators
) -> None:
    got = indicators(world.db, period, today=TODAY)
    assert asdict(got) == asdict(expected)


def test_success_rate_leaves_withdrawn_cases_out(world: Office) -> None:
    may = indicators(world.db, MAY, today=TODAY)
    # A and B succeeded; N failed; D was withdrawn: 2 / 3, not 2 / 4.
    assert may.success_rate == pytest.approx(2 / 3)
    assert may.closed == 4 and may.mediated == 3
    assert indicators(world.db, Period.month(2026, 2), today=TODAY).success_rate is None


def test_quarter_and_year_boundaries(world: Office) -> None:
    db = world.db
    q1 = indicators(db, Period.quarter(2026, 1), today=TODAY)
    # K registered 03-31 (Q1), accepted 04-01 (Q2); L accepted and settled in January.
    assert (q1.registered, q1.accepted, q1.succeeded, q1.amount_fen) == (1, 1, 1, 10000)
    assert drill_down(db, Period.quarter(2026, 1), "registered", today=TODAY) == [world.ids["K"]]
    assert drill_down(db, Period.quarter(2026, 2), "accepted", today=TODAY)[0] == world.ids["K"]
    # L registered on 2025-12-31: in 2025's registrations, in 2026's acceptances.
    q4 = indicators(db, Period.quarter(2025, 4), today=TODAY)
    assert (q4.registered, q4.accepted, q4.closed) == (1, 0, 0)
    y2025 = indicators(db, Period.year(2025), today=TODAY)
    assert (y2025.registered, y2025.accepted) == (4, 2)  # J1 J2 J3 L; J1 J2
    # the quarters of 2026 add up to the year for flows (not for the overdue stock)
    quarters = [indicators(db, Period.quarter(2026, q), today=TODAY) for q in (1, 2, 3, 4)]
    for name in ("registered", "accepted", "closed", "succeeded", "amount_fen", "referred"):
        assert sum(getattr(q, name) for q in quarters) == getattr(YEAR_2026_FIGURES, name)


def test_overdue_counts_the_stock_at_each_month_end(world: Office) -> None:
    db = world.db

    def overdue_open(year: int, month: int) -> list[str]:
        ids = drill_down(db, Period.month(year, month), "overdue_open", today=TODAY)
        return sorted(k for k, v in world.ids.items() if v in ids)

    assert overdue_open(2026, 4) == []  # G due 05-01
    assert overdue_open(2026, 5) == ["G"]
    assert overdue_open(2026, 6) == []  # G closed 06-15; H extended to 07-19
    assert overdue_open(2026, 7) == ["H"]  # due 07-19, open on 07-31
    assert overdue_open(2026, 11) == ["H"]  # the running month: as of today
    assert overdue_open(2026, 12) == []  # a period that has not started yet


def test_a_range_and_its_last_year(world: Office) -> None:
    period = Period.between(D(2026, 5, 10), D(2026, 5, 20))
    got = indicators(world.db, period, today=TODAY)
    # registered: D E N H (F voided); closed: D (05-15) and A (05-20); B closed 05-29.
    assert (got.registered, got.closed, got.succeeded, got.withdrawn) == (4, 2, 1, 1)
    last = indicators(world.db, period.last_year(), today=TODAY)
    assert (last.registered, last.declined) == (2, 1)  # J2 (05-10), J3 (05-15)


def test_compare_gives_the_same_period_last_year(world: Office) -> None:
    this, last = compare(world.db, MAY, today=TODAY)
    assert this == indicators(world.db, MAY, today=TODAY)
    assert asdict(last) == asdict(MAY_2025_FIGURES)
    assert (this.accepted, last.accepted) == (7, 2)


def test_voided_and_declined_cases(world: Office) -> None:
    db = world.db
    f, e = world.ids["F"], world.ids["E"]  # E is declined and archived since
    for name in COUNT_INDICATORS:
        assert f not in drill_down(db, Period.year(2026), name, today=TODAY), name
    assert drill_down(db, MAY, "declined", today=TODAY) == [e]
    assert e in drill_down(db, MAY, "registered", today=TODAY)
    assert e not in drill_down(db, MAY, "accepted", today=TODAY)


def test_reopened_case_counts_only_its_last_closing(world: Office) -> None:
    db = world.db
    i = world.ids["I"]
    assert i not in drill_down(db, MAY, "closed", today=TODAY)
    assert i not in drill_down(db, MAY, "amount_fen", today=TODAY)  # its old agreement
    assert i in drill_down(db, Period.month(2026, 6), "terminated", today=TODAY)


def test_confirmations_count_the_latest_application_in_the_period(world: Office) -> None:
    db = world.db
    g = world.ids["G"]
    assert drill_down(db, Period.month(2026, 6), "confirmation_rejected", today=TODAY) == [g]
    assert drill_down(db, Period.month(2026, 7), "confirmation_pending", today=TODAY) == [g]
    year = indicators(db, Period.year(2026), today=TODAY)
    assert year.confirmation_applied == (
        year.confirmed + year.confirmation_rejected + year.confirmation_pending
    )


def test_drill_down_lists_the_cases_in_registration_order(world: Office) -> None:
    ids = world.ids
    assert drill_down(world.db, MAY, "succeeded", today=TODAY) == [ids["B"], ids["A"]]
    assert drill_down(world.db, MAY, "accepted", today=TODAY) == [
        ids[n] for n in ("B", "I", "A", "C", "D", "N", "H")
    ]
    assert drill_down(world.db, MAY, "amount_fen", today=TODAY) == [ids["B"], ids["A"]]
    with pytest.raises(ValueError):
        drill_down(world.db, MAY, "success_rate", today=TODAY)
    with pytest.raises(ValueError):
        drill_down(world.db, MAY, "accepted", key="邻里", today=TODAY)


def _label_values(rows: list[Row], name: str) -> dict[str, int]:
    return {r.label: getattr(r.values, name) for r in rows}


def test_breakdown_by_category(world: Office) -> None:
    rows = breakdown(world.db, MAY, "category", today=TODAY)
    assert [r.label for r in rows] == [*categories(), "合计"]
    accepted = {k: v for k, v in _label_values(rows, "accepted").items() if v}
    # 邻里 A D I; 婚姻家庭 B; 合同 C; 道路交通事故 N; 劳动争议 H (F voided)
    assert accepted == {
        "婚姻家庭": 1,
        "邻里": 3,
        "合同": 1,
        "劳动争议": 1,
        "道路交通事故": 1,
        "合计": 7,
    }
    by = {r.label: r.values for r in rows}
    assert by["邻里"].closed == 2 and by["邻里"].withdrawn == 1  # A; D
    assert by["邻里"].amount_fen == 150000 and by["婚姻家庭"].amount_fen == 20000
    assert by["房屋宅基地"].overdue_open == 1  # G
    assert by["损害赔偿"].declined == 1  # E
    assert by["道路交通事故"].screening == 1 and by["道路交通事故"].success_rate == 0.0  # N
    assert by["旅游"] == Indicators()  # listed even when empty
    assert rows[-1].is_total and rows[-1].values == indicators(world.db, MAY, today=TODAY)


def test_breakdown_by_source(world: Office) -> None:
    rows = breakdown(world.db, MAY, "source", today=TODAY)
    assert [r.key for r in rows] == [*sources(), None]
    by = {r.key: r.values for r in rows}
    assert by["application"].registered == 4  # A D E I
    assert by["screening"].registered == 1 and by["screening"].screening == 1  # N
    assert by["screening"].accepted == 2  # B (registered in April) and N
    assert by["police"].referred == 1  # C
    assert by["court"].registered == 1  # H
    assert by["initiative"].overdue_open == 1  # G


def test_breakdown_by_village(world: Office) -> None:
    rows = breakdown(world.db, MAY, "village", today=TODAY)
    # the office's order: as it entered its villages (红旗村, 桃园村, then 河东社区)
    assert [r.label for r in rows] == ["红旗村", "桃园村", "河东社区", "合计"]
    registered = _label_values(rows, "registered")
    # 桃园村 E I; 河东社区 C H N; 红旗村 A D (F voided)
    assert registered == {"桃园村": 2, "河东社区": 3, "红旗村": 2, "合计": 7}
    assert _label_values(rows, "overdue_open")["红旗村"] == 1  # G


def test_breakdown_by_committee(world: Office) -> None:
    rows = breakdown(world.db, Period.quarter(2026, 2), "committee", today=TODAY)
    assert [r.label for r in rows] == ["青山镇人民调解委员会", "红旗村人民调解委员会", "合计"]
    accepted = _label_values(rows, "accepted")
    assert accepted == {"青山镇人民调解委员会": 8, "红旗村人民调解委员会": 1, "合计": 9}  # G
    assert _label_values(rows, "written")["红旗村人民调解委员会"] == 1


def test_breakdown_by_mediator(world: Office) -> None:
    rows = breakdown(world.db, MAY, "mediator", today=TODAY)
    assert [r.label for r in rows] == ["王建华", "陈秀兰", "未指派调解员", "合计"]
    # 王建华 A C H; 陈秀兰 C I N (G now hers, but registered in April); none: D E
    assert _label_values(rows, "registered") == {
        "王建华": 3,
        "陈秀兰": 3,
        "未指派调解员": 2,
        "合计": 7,  # C has two mediators: counted once in the total
    }
    # B C I N accepted in May are hers; G's overdue counts for her, not for 王建华 who was
    # replaced.
    assert _label_values(rows, "accepted") == {
        "王建华": 3,
        "陈秀兰": 4,
        "未指派调解员": 1,
        "合计": 7,
    }
    assert _label_values(rows, "overdue_open") == {
        "王建华": 0,
        "陈秀兰": 1,
        "未指派调解员": 0,
        "合计": 1,
    }
    assert _label_values(rows, "amount_fen") == {
        "王建华": 150000,  # A
        "陈秀兰": 20000,  # B
        "未指派调解员": 0,
        "合计": 170000,
    }


def test_every_number_drills_down_to_as_many_cases(world: Office) -> None:
    db = world.db
    periods = [
        Period.month(2026, 4),
        MAY,
        Period.month(2026, 6),
        Period.month(2026, 7),
        Period.quarter(2026, 2),
        Period.year(2026),
        Period.year(2025),
        Period.between(D(2026, 5, 10), D(2026, 6, 12)),
    ]
    checked = 0
    for period in periods:
        total = indicators(db, period, today=TODAY)
        for name in COUNT_INDICATORS:
            assert len(drill_down(db, period, name, today=TODAY)) == getattr(total, name)
        for by in BREAKDOWNS:
            for row in breakdown(db, period, by, today=TODAY):
                for name in COUNT_INDICATORS:
                    ids = drill_down(db, period, name, by=by, key=row.key, today=TODAY)
                    assert len(ids) == getattr(row.values, name), (period, by, row.label, name)
                    checked += 1
                amount_ids = drill_down(db, period, "amount_fen", by=by, key=row.key, today=TODAY)
                assert _amounts(db, amount_ids) == row.values.amount_fen
    assert checked > 5000


def _amounts(db: Database, ids: list[str]) -> int:
    total = 0
    for case_id in ids:
        r = db.one(
            "SELECT coalesce(a.amount_fen, c.amount_fen) FROM cases c "
            "LEFT JOIN agreements a ON a.case_id = c.id WHERE c.id = ?",
            (case_id,),
        )
        assert r is not None
        total += r[0]
    return total


def test_report_is_indicators_breakdowns_and_last_year(world: Office) -> None:
    db = world.db
    r = report(db, MAY, today=TODAY)
    assert r.this == indicators(db, MAY, today=TODAY)
    assert r.last_year == indicators(db, Period.month(2025, 5), today=TODAY)
    assert set(r.breakdowns) == set(BREAKDOWNS)
    for by in BREAKDOWNS:
        assert r.breakdowns[by] == breakdown(db, MAY, by, today=TODAY)


def test_filters(world: Office) -> None:
    db, ids = world.db, world.ids

    def drill(name: str, filters: Filters) -> list[str]:
        found = drill_down(db, MAY, name, filters=filters, today=TODAY)
        return sorted(k for k, v in ids.items() if v in found)

    neighbours = indicators(db, MAY, filters=Filters(category="邻里"), today=TODAY)
    assert (neighbours.registered, neighbours.closed, neighbours.withdrawn) == (3, 2, 1)  # A D I
    hongqi = Filters(village_id=world.village["红旗村"])
    assert drill("registered", hongqi) == ["A", "D"]
    assert drill("overdue_open", hongqi) == ["G"]
    chen = Filters(mediator_id=world.mediator["陈秀兰"])
    assert drill("accepted", chen) == ["B", "C", "I", "N"]
    assert indicators(db, MAY, filters=chen, today=TODAY).overdue_open == 1  # G
    assert drill("accepted", Filters(source="screening")) == ["B", "N"]
    village_committee = Filters(committee_id=world.hongqi_committee)
    assert asdict(indicators(db, MAY, filters=village_committee, today=TODAY)) == asdict(
        figures(overdue=1, overdue_open=1)  # G only
    )
    # a filter and a breakdown together: 陈秀兰's cases by category
    rows = breakdown(db, MAY, "category", filters=chen, today=TODAY)
    assert {r.label: r.values.accepted for r in rows if r.values.accepted} == {
        "婚姻家庭": 1,  # B
        "邻里": 1,  # I
        "合同": 1,  # C
        "道路交通事故": 1,  # N
        "合计": 4,
    }


def test_monthly_series(world: Office) -> None:
    s = monthly_series(world.db, 2026, "category", today=TODAY)
    assert s["months"][0] == "1月" and len(s["months"]) == 12
    assert s["keys"] == categories()
    zero = [0] * 12
    assert s["total_accepted"] == [1, 0, 0, 2, 7, 0, 0, 0, 0, 0, 0, 0]  # L; G K; May's seven
    assert s["accepted"]["邻里"] == [0, 0, 0, 1, 3, 0, 0, 0, 0, 0, 0, 0]  # K; A D I
    assert s["accepted"]["合同"] == [1, 0, 0, 0, 1, *zero[:7]]  # L; C
    assert s["success_rate"][0] == 1.0  # L
    assert s["success_rate"][4] == pytest.approx(2 / 3)  # May
    assert s["success_rate"][5] == 0.5  # June: G K of I C G K
    assert s["success_rate"][6] is None
    for month in range(12):
        m = indicators(world.db, Period.month(2026, month + 1), today=TODAY)
        assert (s["succeeded"][month], s["mediated"][month]) == (m.succeeded, m.mediated)
    mediators = monthly_series(world.db, 2026, "mediator", today=TODAY)
    assert mediators["labels"] == ["王建华", "陈秀兰", "未指派调解员"]
    assert mediators["accepted"][NONE_KEY][4] == 1  # D


def test_periods() -> None:
    assert Period.month(2024, 2) == Period(D(2024, 2, 1), D(2024, 2, 29), "month")
    assert Period.quarter(2026, 4) == Period(D(2026, 10, 1), D(2026, 12, 31), "quarter")
    assert Period.year(2026).end == D(2026, 12, 31)
    assert Period.month(2026, 1).last_year() == Period.month(2025, 1)
    assert Period.quarter(2026, 3).last_year() == Period.quarter(2025, 3)
    assert Period.year(2026).last_year() == Period.year(2025)
    leap = Period.between(D(2024, 2, 10), D(2024, 2, 29)).last_year()
    assert (leap.start, leap.end) == (D(2023, 2, 10), D(2023, 2, 28))
    assert Period.month(2026, 5).label == "2026年5月"
    assert Period.quarter(2026, 2).label == "2026年第二季度"
    assert Period.year(2026).label == "2026年"
    assert Period.between(D(2026, 5, 3), D(2026, 6, 2)).label == "2026年5月3日至2026年6月2日"
    assert Period.previous_month(D(2026, 1, 15)) == Period.month(2025, 12)
    with pytest.raises(ValidationError) as err:
        Period.between(D(2026, 5, 2), D(2026, 5, 1))
    assert "结束日期不能早于开始日期" in err.value.message
    with pytest.raises(ValueError):
        Period.month(2026, 13)


def test_every_indicator_has_a_label_and_a_definition() -> None:
    assert [i.name for i in INDICATORS] == [f.name for f in fields(Indicators)]
    assert set(COUNT_INDICATORS) == {f.name for f in fields(Indicators)} - {
        "success_rate",
        "amount_fen",
    }
    for name in DEFINITIONS:
        assert condition_sql(name).startswith("(")
    with pytest.raises(ValueError):
        breakdown(None, MAY, "township")  # type: ignore[arg-type]  # a wrong name


def test_an_empty_database_gives_zeros(office_db: Database) -> None:
    assert indicators(office_db, MAY, today=TODAY) == Indicators()
    rows = breakdown(office_db, MAY, "mediator", today=TODAY)
    assert [r.label for r in rows] == ["王建华", "陈秀兰", "合计"]
    assert drill_down(office_db, MAY, "accepted", today=TODAY) == []


def test_bench_figures_run_and_the_indexes_change_no_number(world: Office, tmp_path: Path) -> None:
    """bench/stats.py measures on this file; with the proposed indexes (on a copy) every
    figure of the report stays what it was without them."""
    from bench import stats as bench_stats

    assert world.db.path is not None
    figures_ = bench_stats.stats_figures(world.db.path, today=TODAY, runs=1, reference_runs=1)
    assert (
        set(figures_)
        == set(bench_stats.FIGURES)
        == {
            "stats_month_ms",
            "stats_year_ms",
            "stats_month_separate_ms",
            "stats_year_separate_ms",
            "stats_year_vs_month",
        }
    )
    assert all(isinstance(v, float) and v >= 0 for v in figures_.values())
    assert figures_["stats_year_vs_month"] == round(
        figures_["stats_year_ms"] / figures_["stats_month_ms"], 1
    )
    assert bench_stats.periods(TODAY) == (Period.month(2026, 10), Period.year(2025))
    assert bench_stats.index_warning(world.db.path) is None  # schema v5 has them

    copy = tmp_path / "unindexed.sqlite3"
    dbmod.backup_copy(world.db, copy)
    plain = sqlite3.connect(copy)
    for name in bench_stats.STATS_INDEXES:
        plain.execute(f"DROP INDEX {name}")
    plain.commit()
    plain.close()
    assert bench_stats.index_warning(copy) is not None
    unindexed = dbmod.connect(copy, migrate=False)
    try:
        for period in (MAY, Period.quarter(2026, 2), Period.year(2026)):
            assert report(unindexed, period, today=TODAY) == report(world.db, period, today=TODAY)
            for name in COUNT_INDICATORS:
                assert drill_down(unindexed, period, name, today=TODAY) == drill_down(
                    world.db, period, name, today=TODAY
                )
    finally:
        unindexed.close()


def test_the_bit_masks_say_what_the_definitions_say(world: Office) -> None:
    """Each definition, run as a plain WHERE clause over the whole table, finds exactly
    the drill-down's cases: the counts read bit masks built from the same definitions, on
    the candidates found through the date indexes, and neither loses a case."""
    from app.models.stats import queries

    db = world.db
    whole_table = queries._FROM.replace(
        "FROM cand CROSS JOIN cases c ON c.seq = cand.seq", "FROM cases c"
    )
    assert whole_table != queries._FROM
    for period in (MAY, Period.month(2026, 6), Period.month(2026, 7), Period.year(2026)):
        params = {
            "start": period.start.isoformat(),
            "end": period.end.isoformat(),
            "asof": period.as_of(TODAY).isoformat(),
        }
        for name in COUNT_INDICATORS:
            sql = (
                f"{queries._WITH}SELECT c.id {whole_table}"
                f"WHERE c.state <> 'voided' AND {condition_sql(name)} ORDER BY c.seq"
            )
            plain = [r[0] for r in db.query(sql, params)]
            assert plain == drill_down(db, period, name, today=TODAY), (period, name)
