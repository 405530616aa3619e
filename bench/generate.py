"""Generate a realistic benchmark database: ``python -m bench.generate [--cases N]``.

The services in app/models write one case at a time (several statements and a transaction
per step), far too slow for 100,000 cases. This module writes the same rows in bulk: the
same columns, the same stamps, states reached through the life cycle's transitions, one
``case_events`` row per step with the data the service would record, the denormalised
``parties_text``/``mediators_text``, case numbers per committee and year in acceptance
order without gaps (and ``case_number_seq`` to match), and the search index built with
:func:`app.models.search.case_body`.

The office itself (town, villages, committee, first user, mediators) is set up through the
real services. Everything is derived from ``--seed``; the same seed and size give the same
cases. A finished file is recorded in a ``.meta.json`` beside it and re-used by later runs.
"""

from __future__ import annotations

import argparse
import bisect
import itertools
import json
import random
import sqlite3
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any, TypeVar

from app.models import accounts, office, rows, schema, search
from app.models.cases import format_case_number
from app.models.db import connect
from app.models.stats import summary
from bench import content as c

GENERATOR_VERSION = 3  # 2: search rows with every surname reading; 3: the statistics summary (v9)
DEFAULT_CASES = 100_000
DEFAULT_SEED = 20240601
DATA_DIR = Path(__file__).resolve().parent / "data"
YEARS = 5
CHUNK = 5_000  # cases per transaction

T = TypeVar("T")
Progress = Callable[[str], None]
Plan = tuple[int, str, int | None, int, int]  # registered, fate, accepted, year, seq

_EPOCH_ORD = date(1970, 1, 1).toordinal()
_DAY_MS = 86_400_000
_TZ_MS = 8 * 3_600_000  # China Standard Time, UTC+8, no DST

_RID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def default_path(cases: int) -> Path:
    return DATA_DIR / f"bench-{cases}.sqlite3"


def meta_path(path: Path) -> Path:
    return path.with_name(path.name + ".meta.json")


@dataclass(frozen=True)
class GenerateResult:
    path: Path
    cases: int
    seed: int
    today: str
    seconds: float
    reused: bool
    counts: dict[str, int]


# ---------------------------------------------------------------------------------------
# Small fast helpers


def resident_id_check_char(first17: str) -> str:
    total = sum(int(d) * w for d, w in zip(first17, _RID_WEIGHTS, strict=True))
    return "10X98765432"[total % 11]


def uscc_check_char(first17: str) -> str:
    total = sum(_USCC_CHARS.index(ch) * w for ch, w in zip(first17, _USCC_WEIGHTS, strict=True))
    return _USCC_CHARS[(31 - total % 31) % 31]


class Weighted:
    """rng.choice with weights, via a cumulative table (much faster than random.choices)."""

    def __init__(self, items: Sequence[tuple[Any, int]]) -> None:
        self.values = [v for v, _ in items]
        self.cum = list(itertools.accumulate(w for _, w in items))
        self.total = self.cum[-1]

    def pick(self, rng: random.Random) -> Any:
        return self.values[bisect.bisect_right(self.cum, rng.random() * self.total)]


class Clock:
    """Local dates as ordinals, moments as UTC epoch milliseconds, both formatted fast."""

    def __init__(self) -> None:
        self._iso: dict[int, str] = {}

    def iso(self, day: int) -> str:
        s = self._iso.get(day)
        if s is None:
            s = self._iso[day] = date.fromordinal(day).isoformat()
        return s

    @staticmethod
    def moment(day: int, local_minute: int, second: int = 0) -> int:
        return (day - _EPOCH_ORD) * _DAY_MS + local_minute * 60_000 + second * 1000 - _TZ_MS

    def utc(self, ms: int) -> str:
        """Like app.models.db.utc_now(): 2024-06-01T01:02:03.456Z."""
        day, rem = divmod(ms, _DAY_MS)
        secs, milli = divmod(rem, 1000)
        h, rest = divmod(secs, 3600)
        m, s = divmod(rest, 60)
        return f"{self.iso(day + _EPOCH_ORD)}T{h:02d}:{m:02d}:{s:02d}.{milli:03d}Z"

    def local_day(self, ms: int) -> int:
        return (ms + _TZ_MS) // _DAY_MS + _EPOCH_ORD

    def local_hm(self, ms: int) -> tuple[int, int]:
        minute = ((ms + _TZ_MS) % _DAY_MS) // 60_000
        return divmod(minute, 60)

    def cn_date(self, day: int) -> str:
        d = date.fromordinal(day)
        return f"{d.year}年{d.month}月{d.day}日"


def uuid7(rng: random.Random, ms: int) -> str:
    """A uuid7 for the moment ``ms``: time-ordered like the services' ids, but seeded."""
    rand = rng.getrandbits(74)
    value = (
        (ms & 0xFFFF_FFFF_FFFF) << 80
        | 0x7 << 76
        | (rand >> 62) << 64
        | 0b10 << 62
        | (rand & 0x3FFF_FFFF_FFFF_FFFF)
    )
    h = f"{value:032x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def _json(data: dict[str, Any]) -> str:
    # exactly how cases._event serialises (dates are passed in as their str())
    return json.dumps(data, ensure_ascii=False, default=str, sort_keys=True)


# ---------------------------------------------------------------------------------------
# Table layouts (column order of the INSERTs)

STAMPS = ("created_at", "updated_at", "updated_by", "origin")
COLUMNS: dict[str, tuple[str, ...]] = {
    "cases": (
        "seq", "id", "committee_id", "number", "number_year", "number_seq", "state",
        "category", "source", "source_detail", "village_id", "title", "facts", "requests",
        "risk_note", "registered_on", "accepted_on", "declined_on", "decline_reason", "due_on",
        "closed_on", "outcome", "performance", "amount_fen", "prevented_criminal",
        "prevented_petition", "close_note", "archived_on", "voided_on", "void_reason",
        "parties_text", "mediators_text", *STAMPS,
    ),
    "parties": (
        "id", "kind", "name", "sex", "ethnicity", "birth_date", "id_type", "id_number",
        "occupation", "phone", "address", "org_code", "legal_rep", *STAMPS,
    ),
    "case_parties": (
        "id", "case_id", "party_id", "role", "position", "agent_name", "agent_phone",
        "agent_powers", *STAMPS,
    ),
    "case_events": (
        "id", "case_id", "at", "by", "action", "state_before", "state_after", "data", "origin",
    ),
    "sessions": (
        "id", "case_id", "kind", "held_at", "place", "participants", "subject", "staff",
        "recorder", "record", "result", *STAMPS,
    ),
    "assignments": (
        "id", "case_id", "mediator_id", "how", "lead", "assigned_on", "ended_on", "end_reason",
        *STAMPS,
    ),
    "extensions": (
        "id", "case_id", "requested_by", "reason", "old_due_on", "new_due_on", "decided_on",
        *STAMPS,
    ),
    "referrals": (
        "id", "case_id", "body", "receiver", "referred_on", "reason", "feedback", "feedback_on",
        *STAMPS,
    ),
    "agreements": (
        "id", "case_id", "kind", "facts", "terms", "perform_manner", "perform_place",
        "perform_deadline", "amount_fen", "signed_on", *STAMPS,
    ),
    "follow_ups": (
        "id", "case_id", "visited_on", "visitor", "person_visited", "performed", "satisfaction",
        "findings", "measures", *STAMPS,
    ),
    "judicial_confirmations": (
        "id", "case_id", "applied_on", "court", "number", "result", "decided_on", *STAMPS,
    ),
}  # fmt: skip
_INSERT = {
    t: f"INSERT INTO {t} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})"
    for t, cols in COLUMNS.items()
}


# ---------------------------------------------------------------------------------------
# The office


@dataclass(frozen=True)
class Office:
    committee_id: str
    abbr: str
    pattern: str
    seq_width: int
    time_limit: int
    villages: list[tuple[str, str]]  # (id, name)
    mediators: list[tuple[str, str]]  # (id, name)
    users: list[str]
    device: str


def _setup_office(db_path: Path, rng: random.Random, start_day: int, clock: Clock) -> Office:
    """Town, villages, committee and mediators through the real services."""
    db = connect(db_path)
    try:
        committee_id = office.setup_office(
            db,
            committee_name=c.COMMITTEE,
            abbr=c.ABBR,
            town_name=c.TOWN,
            villages=c.VILLAGES,
            user_name=c.DIRECTOR,
            password="qingshan26",
        )
        director = office.current_user(db).id
        actor = accounts.acting_as(db, director)
        with db.transaction() as conn:
            clerks = [
                rows.insert(conn, "users", {"name": n, "role": "mediator"}, by=director)
                for n in ("王秘书", "赵文书", "陈干事")
            ]
        names = NameMaker(rng)
        used: set[str] = set()
        specialities = ["婚姻家庭、邻里纠纷", "合同、劳动争议", "宅基地、山林土地", "交通事故", ""]
        for i in range(25):
            name = names.person_name(rng.random() < 0.6)
            while name in used:
                name = names.person_name(rng.random() < 0.6)
            used.add(name)
            office.add_mediator(
                db,
                by=actor,
                name=name,
                committee_id=committee_id,
                phone=names.mobile(),
                full_time=i < 5,
                specialities=specialities[i % len(specialities)],
            )
        # The office was set up before the first case: date the rows accordingly.
        stamp = clock.utc(clock.moment(start_day - 7, 9 * 60))
        with db.transaction() as conn:
            for table in ("users", "places", "committees", "mediators"):
                conn.execute(f"UPDATE {table} SET created_at = ?, updated_at = ?", (stamp, stamp))
            device = rows.device_id(conn)
        committee = office.main_committee(db)
        return Office(
            committee_id=committee_id,
            abbr=committee.abbr,
            pattern=committee.number_pattern,
            seq_width=committee.seq_width,
            time_limit=committee.time_limit_days,
            villages=[(v.id, v.name) for v in office.villages(db)],
            mediators=[(m.id, m.name) for m in office.mediators(db)],
            users=[director, *clerks],
            device=device,
        )
    finally:
        db.close()


# ---------------------------------------------------------------------------------------
# People


class NameMaker:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.surnames = Weighted(c.SURNAMES)
        self.occupations = Weighted(c.OCCUPATIONS)
        self.ethnicities = Weighted(c.ETHNICITIES)

    def person_name(self, male: bool, surname: str | None = None) -> str:
        rng = self.rng
        pool = c.GIVEN_MALE if male else c.GIVEN_FEMALE
        surname = surname or self.surname()
        n = 1 if rng.random() < 0.22 else 2
        chars = [rng.choice(pool if rng.random() < 0.8 else c.GIVEN_ANY) for _ in range(n)]
        if rng.random() < 0.004:  # a rare character beyond the BMP
            chars[-1] = rng.choice(c.RARE_CHARS)
        return surname + "".join(chars)

    def surname(self) -> str:
        value: str = self.surnames.pick(self.rng)
        return value

    def mobile(self) -> str:
        rng = self.rng
        return f"1{rng.choice('3456789')}{rng.randrange(10)}{rng.randrange(10**8):08d}"

    def resident_id(self, birth: date, male: bool) -> str:
        rng = self.rng
        region = rng.choice(c.REGIONS)
        order = rng.randrange(100) * 10 + rng.randrange(5) * 2 + (1 if male else 0)
        first17 = f"{region}{birth:%Y%m%d}{order:03d}"
        return first17 + resident_id_check_char(first17)

    def uscc(self) -> str:
        rng = self.rng
        body = "91330781" + "".join(rng.choice(_USCC_CHARS) for _ in range(9))
        return body + uscc_check_char(body)


# ---------------------------------------------------------------------------------------
# The generator


class Generator:
    def __init__(
        self,
        conn: sqlite3.Connection,
        office_: Office,
        *,
        cases: int,
        seed: int,
        today: date,
        progress: Progress,
    ) -> None:
        self.conn = conn
        self.o = office_
        self.n = cases
        self.rng = random.Random(seed)
        self.today = today.toordinal()
        self.start = (today - timedelta(days=365 * YEARS)).toordinal()
        self.clock = Clock()
        self.names = NameMaker(self.rng)
        self.progress = progress
        self.categories = Weighted([(k, v[0]) for k, v in c.CATEGORIES.items()])
        self.sources = Weighted(c.SOURCES)
        self.outcomes = Weighted(c.OUTCOME_WEIGHTS)
        self.satisfaction = Weighted(c.SATISFACTION)
        self.performed = Weighted([("performed", 80), ("partial", 12), ("not_performed", 8)])
        self.buf: dict[str, list[tuple[Any, ...]]] = {t: [] for t in COLUMNS}
        self.search_rows: list[tuple[int, str]] = []
        self.counts: dict[str, int] = {t: 0 for t in COLUMNS}
        self.counts["case_search"] = 0
        self.open_referral: list[Any] = []

    # ---- time --------------------------------------------------------------------
    def work_moment(self, day: int, after: int | None = None) -> int:
        """A moment during office hours on ``day``, later than ``after``."""
        rng = self.rng
        ms = Clock.moment(day, rng.randrange(8 * 60 + 30, 17 * 60 + 30), rng.randrange(60))
        ms += rng.randrange(1000)
        if after is not None and ms <= after:
            ms = after + rng.randrange(60_000, 900_000)
        return ms

    # ---- plan: registration moments, fates, acceptance and numbers ---------------
    def plan(self) -> list[Plan]:
        """(registered moment, fate, accepted moment, number_year, number_seq) per seq."""
        rng = self.rng
        days = range(self.start + 1, self.today + 1)
        # weekdays get most of the work; volume grows a little year on year
        weights = [
            (1.0 if date.fromordinal(d).weekday() < 5 else 0.35)
            * (0.8 + 0.4 * (d - self.start) / (365 * YEARS))
            for d in days
        ]
        picked = sorted(rng.choices(days, weights=weights, k=self.n))
        moments = sorted(self.work_moment(d) for d in picked)
        plans: list[list[Any]] = []
        for reg in moments:
            day = self.clock.local_day(reg)
            roll = rng.random()
            fate = "void" if roll < 0.004 else "decline" if roll < 0.034 else "accept"
            acc: int | None = None
            if fate == "accept":
                acc_day = day + rng.choice((0, 0, 0, 0, 1, 1, 2, 3))
                if acc_day <= self.today:
                    acc = self.work_moment(acc_day, after=reg)
                    if self.clock.local_day(acc) > self.today:
                        acc = None
            plans.append([reg, fate, acc, 0, 0])
        # numbers are allocated in the order cases were accepted, per year, without gaps
        accepted = sorted((p[2], i) for i, p in enumerate(plans) if p[2] is not None)
        last: dict[int, int] = {}
        for acc, i in accepted:
            year = date.fromordinal(self.clock.local_day(acc)).year
            last[year] = last.get(year, 0) + 1
            plans[i][3], plans[i][4] = year, last[year]
        self.last_seq = last
        return [(p[0], p[1], p[2], p[3], p[4]) for p in plans]

    # ---- output ------------------------------------------------------------------
    def flush(self) -> None:
        conn = self.conn
        conn.execute("BEGIN")
        for table, buffered in self.buf.items():
            if buffered:
                conn.executemany(_INSERT[table], buffered)
                self.counts[table] += len(buffered)
                buffered.clear()
        conn.executemany("INSERT INTO case_search(rowid, body) VALUES (?, ?)", self.search_rows)
        self.counts["case_search"] += len(self.search_rows)
        self.search_rows.clear()
        conn.execute("COMMIT")

    def run(self) -> None:
        t0 = time.perf_counter()
        plans = self.plan()
        self.progress(f"planned {self.n} cases ({time.perf_counter() - t0:.1f} s)")
        for seq, p in enumerate(plans, start=1):
            self.case(seq, *p)
            if seq % CHUNK == 0 or seq == self.n:
                self.flush()
                if seq % (CHUNK * 4) == 0 or seq == self.n:
                    self.progress(
                        f"cases {seq}/{self.n} written ({time.perf_counter() - t0:.1f} s)"
                    )
        self.conn.execute("BEGIN")
        self.conn.executemany(
            "INSERT INTO case_number_seq(committee_id, year, last_seq) VALUES (?, ?, ?)",
            [(self.o.committee_id, y, s) for y, s in sorted(self.last_seq.items())],
        )
        self.conn.execute("COMMIT")

    # ---- one case ----------------------------------------------------------------
    def case(
        self,
        seq: int,
        reg_ms: int,
        fate: str,
        acc_ms: int | None,
        number_year: int,
        number_seq: int,
    ) -> None:
        rng, clock, o, buf = self.rng, self.clock, self.o, self.buf
        by = o.users[0] if rng.random() < 0.4 else rng.choice(o.users)
        device = o.device
        today = self.today
        case_id = uuid7(rng, reg_ms)
        reg_day = clock.local_day(reg_ms)
        created = clock.utc(reg_ms)

        category = self.categories.pick(rng)
        _, stories, term_pool, money = c.CATEGORIES[category]
        source = self.sources.pick(rng)
        village_id, village = rng.choice(o.villages)
        detail = rng.choice(c.SOURCE_DETAIL[source]) if source in c.SOURCE_DETAIL else ""

        # parties (in the order the register dialog would list them)
        n_parties = 2 if rng.random() < 0.65 else 3 if rng.random() < 0.7 else 4
        if source == "initiative":
            roles = ["party"] * n_parties
        elif n_parties == 2:
            roles = ["applicant", "respondent"]
        elif n_parties == 3:
            roles = (
                ["applicant", "respondent", "respondent"]
                if rng.random() < 0.6
                else ["applicant", "applicant", "respondent"]
            )
        else:
            roles = ["applicant", "applicant", "respondent", "respondent"]
        org_position = -1
        if category in c.ORG_CATEGORIES and source != "initiative" and rng.random() < 0.35:
            org_position = roles.index("respondent")
        party_names: list[str] = []
        link_rows: list[tuple[str, str, str]] = []  # (name, phone, id_or_code) for search
        agents: list[tuple[str, str]] = []
        first_surname = ""
        for position, role in enumerate(roles):
            party_id = uuid7(rng, reg_ms)
            if position == org_position:
                name = rng.choice(c.ORG_NAMES)
                code = self.names.uscc()
                phone = self.names.mobile() if rng.random() < 0.8 else ""
                party: tuple[Any, ...] = (
                    party_id, "org", name, "", "", None, "", "", "", phone,
                    f"{c.TOWN}工业园区{rng.randrange(1, 60)}号", code,
                    self.names.person_name(True), created, created, by, device,
                )  # fmt: skip
                search_id = code
            else:
                male = rng.random() < 0.55
                # family disputes: brothers, parents and children often share a surname
                if not first_surname or category != "婚姻家庭" or rng.random() >= 0.4:
                    surname = self.names.surname()
                else:
                    surname = first_surname
                first_surname = first_surname or surname
                name = self.names.person_name(male, surname)
                birth_day = rng.randrange(date(1940, 1, 1).toordinal(), reg_day - 18 * 365)
                birth = date.fromordinal(birth_day)
                id_number = self.names.resident_id(birth, male) if rng.random() < 0.92 else ""
                phone = self.names.mobile() if rng.random() < 0.9 else ""
                # without an ID number the clerk often leaves the birth date empty too
                birth_iso = birth.isoformat() if id_number or rng.random() < 0.5 else None
                party = (
                    party_id, "person", name, "男" if male else "女",
                    self.names.ethnicities.pick(rng), birth_iso,
                    "resident_id" if id_number else "", id_number,
                    self.names.occupations.pick(rng), phone,
                    f"{c.TOWN}{village}{rng.randrange(1, 13)}组{rng.randrange(1, 90)}号",
                    "", "", created, created, by, device,
                )  # fmt: skip
                search_id = id_number
            agent_name = agent_phone = agent_powers = ""
            if rng.random() < 0.05:
                agent_name = self.names.person_name(rng.random() < 0.5)
                agent_phone = self.names.mobile()
                agent_powers = rng.choice(["一般授权", "特别授权：代为承认、放弃、变更调解请求"])
            buf["parties"].append(party)
            link = (
                uuid7(rng, reg_ms), case_id, party_id, role, position, agent_name,
                agent_phone, agent_powers, created, created, by, device,
            )  # fmt: skip
            buf["case_parties"].append(link)
            party_names.append(name)
            link_rows.append((name, phone, search_id))
            agents.append((agent_name, agent_phone))

        a = party_names[0]
        b = party_names[roles.index("respondent")] if "respondent" in roles else party_names[1]
        story, request = rng.choice(stories)
        facts = story.format(a=a, b=b, v=village)
        requests = request.format(a=a, b=b, v=village) if source != "initiative" else ""
        risk = rng.choice(c.RISK_NOTES) if rng.random() < 0.05 else ""

        events = buf["case_events"]
        state = "registered"

        def event(ms: int, action: str, after: str | None, data: dict[str, Any]) -> None:
            nonlocal state
            events.append(
                (uuid7(rng, ms), case_id, clock.utc(ms), by, action, state, after or state,
                 _json(data), device)
            )  # fmt: skip
            if after:
                state = after

        registered = (
            uuid7(rng, reg_ms), case_id, created, by, "register", None, "registered",
            _json({"category": category, "source": source, "parties": len(roles)}), device,
        )  # fmt: skip
        events.append(registered)
        col: dict[str, Any] = {}
        last_ms = reg_ms
        number: str | None = None
        mediators_text = ""

        if fate == "void":
            day = reg_day + rng.randrange(0, 10)
            if day <= today:
                last_ms = self.work_moment(day, after=last_ms)
                reason = rng.choice(c.VOID_REASONS)
                event(last_ms, "void", "voided", {"reason": reason})
                col.update(voided_on=clock.iso(day), void_reason=reason)
        elif fate == "decline":
            day = reg_day + rng.randrange(0, 5)
            if day <= today:
                last_ms = self.work_moment(day, after=last_ms)
                reason = rng.choice(c.DECLINE_REASONS)
                event(
                    last_ms,
                    "decline",
                    "declined",
                    {"declined_on": clock.iso(day), "reason": reason},
                )
                col.update(declined_on=clock.iso(day), decline_reason=reason)
                arch = day + rng.randrange(30, 120)
                if arch <= today and rng.random() < 0.6:
                    last_ms = self.work_moment(arch, after=last_ms)
                    event(last_ms, "archive", "archived", {"archived_on": clock.iso(arch)})
                    col.update(archived_on=clock.iso(arch))
        elif acc_ms is not None:
            last_ms = acc_ms
            acc_day = clock.local_day(acc_ms)
            number = format_case_number(
                o.pattern, year=number_year, abbr=o.abbr, seq=number_seq, width=o.seq_width
            )
            due = acc_day + o.time_limit
            event(
                acc_ms,
                "accept",
                "accepted",
                {"accepted_on": clock.iso(acc_day), "due_on": clock.iso(due), "number": number},
            )
            col.update(
                number=number, number_year=number_year, number_seq=number_seq,
                accepted_on=clock.iso(acc_day), due_on=clock.iso(due),
            )  # fmt: skip
            outcome = self.outcomes.pick(rng)
            close_day: int | None = None
            chosen: list[tuple[str, str]] = []
            closed = False
            if outcome == "withdrawn" and rng.random() < 0.4:
                close_day = acc_day + rng.randrange(1, 10)
            else:
                asg_day = acc_day + rng.choice((0, 0, 1, 1, 2))
                if asg_day <= today:
                    last_ms = self.work_moment(asg_day, after=last_ms)
                    chosen = rng.sample(o.mediators, 1 if rng.random() < 0.6 else 2)
                    how = "appointed" if rng.random() < 0.8 else "chosen"
                    asg_iso = clock.iso(asg_day)
                    stamp = clock.utc(last_ms)
                    for i, (mid, _) in enumerate(chosen):
                        buf["assignments"].append(
                            (uuid7(rng, last_ms), case_id, mid, how, int(i == 0), asg_iso, None,
                             "", stamp, stamp, by, device)
                        )  # fmt: skip
                    event(
                        last_ms, "assign", "assigned",
                        {"assigned_on": asg_iso, "ended": [], "how": how, "lead": chosen[0][0],
                         "mediators": [m for m, _ in chosen], "reason": ""},
                    )  # fmt: skip
                    # what happens next, in date order; stop at the first thing after today
                    steps: list[tuple[int, str]] = []
                    day = asg_day
                    if rng.random() < 0.35:
                        day += rng.randrange(1, 5)
                        steps.append((day, "investigation"))
                    n_sessions = 1 if rng.random() < 0.45 else 2 if rng.random() < 0.64 else 3
                    day += rng.randrange(1, 8)
                    slow = rng.random() < 0.08  # hard cases drag on past the time limit
                    for k in range(n_sessions):
                        if k:
                            day += rng.randrange(10, 30) if slow else rng.randrange(2, 13)
                        steps.append((day, "session"))
                    close_day = day + (0 if rng.random() < 0.7 else rng.randrange(1, 4))
                    if close_day > due and rng.random() < 0.6:
                        steps.append((max(due - rng.randrange(0, 5), asg_day), "extend"))
                    if rng.random() < 0.01:
                        referred = asg_day + rng.randrange(1, 6)
                        steps.append((referred, "refer"))
                        answered = referred + rng.randrange(3, 20)
                        if answered <= close_day and rng.random() < 0.7:
                            steps.append((answered, "referral_feedback"))
                    steps.sort(key=lambda s: s[0])
                    sessions_done = 0
                    for day, kind in steps:
                        if day > today:
                            close_day = None
                            break
                        last_ms = self.session_like(
                            kind, day, last_ms, case_id, chosen, a, b, party_names, category,
                            village, outcome, sessions_done == n_sessions - 1, event, col, by,
                        )  # fmt: skip
                        if kind == "session":
                            sessions_done += 1
                    mediators_text = "、".join(
                        [chosen[0][1], *sorted(name for _, name in chosen[1:])]
                    )
                else:
                    close_day = None
            if close_day is not None and close_day <= today:
                closed = True
                last_ms = self.close(
                    close_day, last_ms, case_id, outcome, category, term_pool, money, a, b,
                    facts, event, col, by, chosen, bool(risk),
                )  # fmt: skip
            if closed:
                assert close_day is not None
                last_ms = self.after_close(
                    close_day, last_ms, case_id, outcome, a, chosen, event, col, by
                )

        updated = clock.utc(last_ms)
        case_row = (
                seq, case_id, o.committee_id, number, col.get("number_year"),
                col.get("number_seq"), state, category, source, detail, village_id, "", facts,
                requests, risk, clock.iso(reg_day), col.get("accepted_on"),
                col.get("declined_on"), col.get("decline_reason", ""), col.get("due_on"),
                col.get("closed_on"), col.get("outcome"), col.get("performance"),
                col.get("amount_fen"), col.get("prevented_criminal", 0),
                col.get("prevented_petition", 0), col.get("close_note", ""),
                col.get("archived_on"), col.get("voided_on"), col.get("void_reason", ""),
                "、".join(party_names), mediators_text, created, updated, by, device,
        )  # fmt: skip
        buf["cases"].append(case_row)
        self.search_rows.append(
            (
                seq,
                search.case_body(
                    number=number,
                    names=[
                        n
                        for (name, _, _), (agent, _) in zip(link_rows, agents, strict=True)
                        for n in (name, agent)
                    ],
                    phones=[
                        p
                        for (_, phone, _), (_, ap) in zip(link_rows, agents, strict=True)
                        for p in (phone, ap)
                    ],
                    id_numbers=[i for _, _, ident in link_rows for i in (ident, "")],
                    village=village,
                    texts=("", facts, requests),
                ),
            )
        )

    def session_like(
        self,
        kind: str,
        day: int,
        last_ms: int,
        case_id: str,
        chosen: list[tuple[str, str]],
        a: str,
        b: str,
        names: list[str],
        category: str,
        village: str,
        outcome: str,
        final: bool,
        event: Callable[[int, str, str | None, dict[str, Any]], None],
        col: dict[str, Any],
        by: str,
    ) -> int:
        rng, clock, buf, device = self.rng, self.clock, self.buf, self.o.device
        staff = chosen[0][1]
        recorder = chosen[1][1] if len(chosen) > 1 else rng.choice(self.o.mediators)[1]
        if kind in ("session", "investigation"):
            held_minute = rng.randrange(8 * 60 + 30, 16 * 60)
            held_ms = Clock.moment(day, held_minute, rng.randrange(60)) + rng.randrange(1000)
            h, m = divmod(held_minute, 60)
            held = f"{clock.iso(day)} {h:02d}:{m:02d}"
            ms = max(held_ms + rng.randrange(30, 180) * 60_000, last_ms + 60_000)
            place = rng.choice(c.SESSION_PLACES).format(village=village)
            stamp = clock.utc(ms)
            if kind == "investigation":
                record = (
                    f"到现场查看了争议情况，分别询问了{a}、{b}及相邻村民，"
                    f"{rng.choice(['情况基本属实。', '双方陈述有出入，需进一步核实。'])}"
                )
                row = (
                    uuid7(rng, ms), case_id, "investigation", held, place, "村调委会委员",
                    a, staff, recorder, record, "", stamp, stamp, by, device,
                )  # fmt: skip
                event(ms, "record_investigation", None, {"held_at": held + ":00", "place": place})
            else:
                if final and outcome.startswith("agreement"):
                    result = "经调解，双方自愿达成协议。"
                elif final:
                    result = "双方分歧较大，未能达成协议。"
                else:
                    result = "双方意见仍有分歧，约定择日再次调解。"
                said = rng.choice(["同意协商解决，但认为对方要求过高", "对部分事实有异议"])
                how = rng.choice(["引导双方互谅互让", "分析利弊得失"])
                record = (
                    f"调解员{staff}告知双方当事人的权利和义务，{a}陈述了纠纷经过和请求，"
                    f"{b}表示{said}。调解员结合相关法律规定释法明理，{how}。{result}"
                )
                row = (
                    uuid7(rng, ms), case_id, "session", held, place,
                    "、".join(names) + ("、村民小组长" if rng.random() < 0.3 else ""),
                    f"{a}与{b}{category}纠纷", staff, recorder, record, result,
                    stamp, stamp, by, device,
                )  # fmt: skip
                event(ms, "record_session", "mediating", {"held_at": held + ":00", "place": place})
            buf["sessions"].append(row)
            return ms
        ms = self.work_moment(day, after=last_ms)
        stamp = clock.utc(ms)
        if kind == "extend":
            old = col["due_on"]
            new = clock.iso(date.fromisoformat(old).toordinal() + rng.choice((15, 30, 30)))
            reason = rng.choice(c.EXTENSION_REASONS)
            requested = f"{a}、{b}"
            buf["extensions"].append(
                (uuid7(rng, ms), case_id, requested, reason, old, new, clock.iso(day),
                 stamp, stamp, by, device)
            )  # fmt: skip
            event(
                ms,
                "extend",
                None,
                {"from": old, "reason": reason, "requested_by": requested, "to": new},
            )
            col["due_on"] = new
            return ms
        if kind == "refer":  # 归口 to another body; its feedback may come later
            body = rng.choice(c.REFERRAL_BODIES)
            receiver = self.names.person_name(rng.random() < 0.6)
            self.open_referral = [
                uuid7(rng, ms), case_id, body, receiver, clock.iso(day), "涉及其他部门职责",
                "", None, stamp, stamp, by, device,
            ]  # fmt: skip
            buf["referrals"].append(self.open_referral)  # type: ignore[arg-type]
            event(
                ms,
                "refer",
                None,
                {"body": body, "receiver": receiver, "referred_on": clock.iso(day)},
            )
            return ms
        feedback = "已处理，建议调委会继续调解。"
        ref = self.open_referral
        ref[6], ref[7], ref[9] = feedback, clock.iso(day), stamp  # as rows.update() would
        event(ms, "referral_feedback", None, {"feedback": feedback})
        return ms

    def close(
        self,
        day: int,
        last_ms: int,
        case_id: str,
        outcome: str,
        category: str,
        term_pool: list[str],
        money: tuple[int, int] | None,
        a: str,
        b: str,
        facts: str,
        event: Callable[[int, str, str | None, dict[str, Any]], None],
        col: dict[str, Any],
        by: str,
        chosen: list[tuple[str, str]],
        risky: bool,
    ) -> int:
        rng, clock = self.rng, self.clock
        ms = self.work_moment(day, after=last_ms)
        amount: int | None = None
        performance = "na"
        note = ""
        if outcome in ("agreement_written", "agreement_oral"):
            k = min(len(term_pool), rng.randrange(2, 5))
            picks = sorted(rng.sample(range(len(term_pool)), k))
            terms_raw = [term_pool[i] for i in picks]
            if money and any("{m}" in t for t in terms_raw):
                lo, hi = money
                yuan = rng.randrange(lo, hi + 1)
                yuan = yuan - yuan % (100 if yuan > 5000 else 10)
                amount = yuan * 100 + (50 if rng.random() < 0.05 else 0)
            deadline = day + rng.randrange(7, 61)
            m_text = f"{amount / 100:.2f}".rstrip("0").rstrip(".") if amount else ""
            terms = [t.format(a=a, b=b, d=clock.cn_date(deadline), m=m_text) for t in terms_raw]
            performance = "performed" if rng.random() < 0.25 else "pending"
            stamp = clock.utc(ms)
            agreement = (
                    uuid7(rng, ms), case_id,
                    "written" if outcome == "agreement_written" else "oral", facts,
                    json.dumps(terms, ensure_ascii=False),
                    ("银行转账" if amount and amount >= 500_000 else "现金支付") if amount else "",
                    c.COMMITTEE, clock.iso(deadline), amount, clock.iso(day),
                    stamp, stamp, by, self.o.device,
            )  # fmt: skip
            self.buf["agreements"].append(agreement)
        elif outcome == "terminated":
            note = rng.choice(c.TERMINATE_NOTES)
        else:
            note = rng.choice(c.WITHDRAW_NOTES)
        criminal = rng.random() < (0.15 if risky else 0.02)
        petition = rng.random() < (0.15 if risky else 0.015)
        event(
            ms, "close", "closed",
            {"amount_fen": amount, "closed_on": clock.iso(day), "outcome": outcome,
             "performance": performance, "prevented_criminal": criminal,
             "prevented_petition": petition},
        )  # fmt: skip
        col.update(
            closed_on=clock.iso(day), outcome=outcome, performance=performance,
            amount_fen=amount, prevented_criminal=int(criminal), prevented_petition=int(petition),
            close_note=note,
        )  # fmt: skip
        return ms

    def after_close(
        self,
        day: int,
        last_ms: int,
        case_id: str,
        outcome: str,
        a: str,
        chosen: list[tuple[str, str]],
        event: Callable[[int, str, str | None, dict[str, Any]], None],
        col: dict[str, Any],
        by: str,
    ) -> int:
        rng, clock, buf, device = self.rng, self.clock, self.buf, self.o.device
        latest = day
        agreed = outcome in ("agreement_written", "agreement_oral")
        if outcome == "agreement_written" and rng.random() < 0.08:
            applied = day + rng.randrange(1, 26)
            if applied <= self.today:
                decided = applied + rng.randrange(5, 16)
                result, decided_on = "pending", None
                if decided <= self.today:
                    result = "confirmed" if rng.random() < 0.93 else "rejected"
                    decided_on = clock.iso(decided)
                ms = self.work_moment(decided if decided_on else applied, after=last_ms)
                year = date.fromordinal(applied).year
                number = f"（{year}）{c.COURT_CODE}民特调确字第{rng.randrange(1, 400)}号"
                stamp = clock.utc(ms)
                buf["judicial_confirmations"].append(
                    (uuid7(rng, ms), case_id, clock.iso(applied), c.COUNTY_COURT,
                     number if decided_on else "", result, decided_on, stamp, stamp, by, device)
                )  # fmt: skip
                event(ms, "judicial_confirmation", None,
                      {"court": c.COUNTY_COURT, "number": number if decided_on else "",
                       "result": result})  # fmt: skip
                last_ms = ms
                latest = max(latest, decided if decided_on else applied)
        if agreed and rng.random() < 0.6:
            visited = max(day + rng.randrange(7, 61), latest)
            if visited <= self.today:
                performed = self.performed.pick(rng)
                ms = self.work_moment(visited, after=last_ms)
                stamp = clock.utc(ms)
                visitor = chosen[0][1] if chosen else rng.choice(self.o.mediators)[1]
                buf["follow_ups"].append(
                    (uuid7(rng, ms), case_id, clock.iso(visited), visitor, a, performed,
                     self.satisfaction.pick(rng), c.FOLLOW_FINDINGS[performed],
                     c.FOLLOW_MEASURES[performed], stamp, stamp, by, device)
                )  # fmt: skip
                event(
                    ms,
                    "follow_up",
                    None,
                    {"performed": performed, "visited_on": clock.iso(visited)},
                )
                col["performance"] = performed
                last_ms = ms
                latest = visited
        archived = latest + rng.randrange(20, 121)
        if archived <= self.today and rng.random() < 0.85:
            ms = self.work_moment(archived, after=last_ms)
            event(ms, "archive", "archived", {"archived_on": clock.iso(archived)})
            col["archived_on"] = clock.iso(archived)
            last_ms = ms
        return last_ms


# ---------------------------------------------------------------------------------------
# Entry points


def _stderr(msg: str) -> None:
    print(f"[bench.generate] {msg}", file=sys.stderr, flush=True)


def _remove_db(path: Path) -> None:
    for p in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        p.unlink(missing_ok=True)


def read_meta(path: Path) -> dict[str, Any] | None:
    try:
        data: dict[str, Any] = json.loads(meta_path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if path.is_file() else None


def generate(
    path: Path | str | None = None,
    *,
    cases: int = DEFAULT_CASES,
    seed: int = DEFAULT_SEED,
    today: date | None = None,
    force: bool = False,
    progress: Progress | None = _stderr,
) -> GenerateResult:
    """Create the benchmark database at ``path`` (re-used if it already matches)."""
    if cases < 1:
        raise ValueError("cases must be at least 1")
    path = Path(path) if path is not None else default_path(cases)
    say: Progress = progress or (lambda _msg: None)
    meta = read_meta(path)
    if (
        not force
        and meta is not None
        and meta.get("cases") == cases
        and meta.get("seed") == seed
        and meta.get("generator_version") == GENERATOR_VERSION
        and meta.get("schema_version") == schema.LATEST  # new indexes need a fresh ANALYZE
    ):
        say(f"re-using {path} ({cases} cases, seed {seed}; --force to regenerate)")
        return GenerateResult(
            path, cases, seed, meta["today"], meta["seconds"], True, meta.get("counts", {})
        )
    today = today or date.today()
    t0 = time.perf_counter()
    partial = path.with_name(path.name + ".partial")
    _remove_db(partial)
    meta_path(path).unlink(missing_ok=True)
    rng = random.Random(seed)
    clock = Clock()
    start = (today - timedelta(days=365 * YEARS)).toordinal()
    say(f"generating {cases} cases into {path} (seed {seed})")
    office_ = _setup_office(partial, rng, start, clock)

    conn = sqlite3.connect(str(partial), isolation_level=None)
    try:
        # Bulk-load settings on this connection only; the file ends in WAL like the app's.
        conn.execute("PRAGMA journal_mode = OFF")
        conn.execute("PRAGMA synchronous = OFF")
        conn.execute("PRAGMA foreign_keys = OFF")
        conn.execute("PRAGMA cache_size = -400000")
        conn.execute("PRAGMA temp_store = MEMORY")
        gen = Generator(
            conn, office_, cases=cases, seed=rng.randrange(2**32), today=today, progress=say
        )
        gen.run()
        t1 = time.perf_counter()
        # The statistics' per-month summary (schema v9): the program's writes keep it before
        # each commit (Database.transaction); this raw connection's did not.
        conn.execute("BEGIN")
        summary.rebuild(conn)
        conn.execute("COMMIT")
        say(f"statistics summary built ({time.perf_counter() - t1:.1f} s)")
        t1 = time.perf_counter()
        conn.execute("INSERT INTO case_search(case_search) VALUES ('optimize')")
        conn.execute("ANALYZE")
        say(f"search index optimised, ANALYZE done ({time.perf_counter() - t1:.1f} s)")
        mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if str(mode).lower() != "wal":
            raise RuntimeError(f"could not switch {partial} back to WAL (got {mode})")
        counts = dict(gen.counts)
    finally:
        conn.close()
    _remove_db(path)
    partial.replace(path)
    for suffix in ("-wal", "-shm"):
        partial.with_name(partial.name + suffix).unlink(missing_ok=True)
    seconds = round(time.perf_counter() - t0, 1)
    meta_path(path).write_text(
        json.dumps(
            {
                "cases": cases,
                "seed": seed,
                "today": today.isoformat(),
                "seconds": seconds,
                "generator_version": GENERATOR_VERSION,
                "schema_version": schema.LATEST,
                "counts": counts,
            },
            ensure_ascii=False,
            indent=2,
        ),
        encoding="utf-8",
    )
    say(f"done in {seconds:.1f} s: {path} ({path.stat().st_size / 1e6:.0f} MB)")
    return GenerateResult(path, cases, seed, today.isoformat(), seconds, False, counts)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.generate", description=__doc__)
    p.add_argument("--cases", type=int, default=DEFAULT_CASES, help="number of cases")
    p.add_argument("--out", type=Path, help="database file (default bench/data/bench-N.sqlite3)")
    p.add_argument("--seed", type=int, default=DEFAULT_SEED)
    p.add_argument("--force", action="store_true", help="regenerate even if the file matches")
    args = p.parse_args(argv)
    result = generate(args.out, cases=args.cases, seed=args.seed, force=args.force)
    print(
        json.dumps(
            {k: str(v) if isinstance(v, Path) else v for k, v in asdict(result).items()},
            ensure_ascii=False,
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
