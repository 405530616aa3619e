"""Parties (当事人): people and organisations, with their checks, and their link to a case."""

from __future__ import annotations

import re
import sqlite3
import unicodedata
from dataclasses import dataclass, field, replace
from datetime import date

from app.models import rows
from app.models.errors import ValidationError
from app.models.identity import (
    IdentityError,
    check_id_document,
    check_phone,
    check_uscc,
)
from app.models.reference import ROLES


@dataclass(frozen=True)
class PartyInput:
    """What the register/edit dialogs collect for one party of a case."""

    name: str
    role: str = "applicant"  # applicant | respondent | party
    kind: str = "person"  # person | org
    sex: str = ""
    ethnicity: str = ""
    birth_date: date | None = None
    id_type: str = "resident_id"
    id_number: str = ""
    occupation: str = ""
    phone: str = ""
    address: str = ""
    org_code: str = ""  # 统一社会信用代码
    legal_rep: str = ""  # 法定代表人/负责人
    agent_name: str = ""
    agent_phone: str = ""
    agent_powers: str = ""


@dataclass(frozen=True)
class CaseParty:
    """A party as linked to one case (what the case window and the forms read)."""

    link_id: str
    party_id: str
    role: str
    position: int
    kind: str
    name: str
    sex: str
    ethnicity: str
    birth_date: date | None
    id_type: str
    id_number: str
    occupation: str
    phone: str
    address: str
    org_code: str
    legal_rep: str
    agent_name: str
    agent_phone: str
    agent_powers: str
    extra: dict[str, str] = field(default_factory=dict)
    # The edit stamps of the party's two rows as read (rows.stamp_sql), "parties|case_parties":
    # 修改当事人 gives it back so that a change made meanwhile is not overwritten.
    stamp: str = ""

    @property
    def role_label(self) -> str:
        return ROLES.get(self.role, self.role)

    def age_on(self, day: date) -> int | None:
        if self.birth_date is None:
            return None
        b = self.birth_date
        return day.year - b.year - ((day.month, day.day) < (b.month, b.day))


# Six or more digits in a row (also spaced or hyphenated: "3301 0219 …", "139-9876-5432"):
# an ID number or a phone typed (or imported) into the name.
_NUMBER_IN_NAME = re.compile(r"\d(?:[\s\-－—]*\d){5,}")


def validate_party(p: PartyInput, *, label: str, today: date | None = None) -> PartyInput:
    """Check and normalise one party; ``label`` (e.g. "申请人1") prefixes the field name.

    Raises ValidationError whose field is "申请人1·身份证号" etc. Fills sex and birth date
    from a resident ID when they were left empty.
    """
    p = replace(p, name=_checked_name(p, label))
    try:
        phone = check_phone(p.phone)
        agent_phone = check_phone(p.agent_phone)
    except IdentityError as exc:
        raise _fail(label, exc.field, exc.message) from exc
    p = replace(p, phone=phone, agent_phone=agent_phone)
    if p.kind == "person":
        return _validated_person(p, label, today)
    if p.org_code.strip():
        try:
            p = replace(p, org_code=check_uscc(p.org_code))
        except IdentityError as exc:
            raise _fail(label, exc.field, exc.message) from exc
    return replace(p, sex="", ethnicity="", birth_date=None, id_type="", id_number="")


def _fail(label: str, field_name: str, message: str) -> ValidationError:
    return ValidationError(f"{label}·{field_name}", f"{label}：{message}")


def _checked_name(p: PartyInput, label: str) -> str:
    """The party's kind and role known, its name given, not too long and without a number
    in it; returns the name."""
    name = p.name.strip()
    if p.kind not in ("person", "org"):
        raise _fail(label, "类型", "请选择是个人还是单位。")
    if p.role not in ROLES:
        raise _fail(label, "身份", "请选择申请人、被申请人或当事人。")
    field_name = "姓名" if p.kind == "person" else "名称"
    if not name:
        raise _fail(label, field_name, "请填写姓名或单位名称。")
    if len(name) > 60:
        raise _fail(label, field_name, "名称太长（最多 60 个字）。")
    if _NUMBER_IN_NAME.search(unicodedata.normalize("NFKC", name)):
        if p.kind == "person":
            raise _fail(label, "姓名", "当事人姓名里不能有证件号码或电话，请填到对应的栏。")
        raise _fail(label, "名称", "单位名称里不能有统一社会信用代码或电话，请填到对应的栏。")
    return name


def _validated_person(p: PartyInput, label: str, today: date | None) -> PartyInput:
    """A person's document number checked; the sex and birth date it carries must agree
    with those typed (and fill them in when left empty)."""
    try:
        parsed = check_id_document(p.id_type, p.id_number, today=today)
    except IdentityError as exc:
        raise _fail(label, exc.field, exc.message) from exc
    if parsed is not None:
        if p.sex and p.sex != parsed.sex:
            raise _fail(label, "性别", f"性别与身份证号不符：身份证号表明是{parsed.sex}性。")
        if p.birth_date and p.birth_date != parsed.birth_date:
            raise _fail(
                label,
                "出生日期",
                f"出生日期与身份证号不符：身份证号表明是 {parsed.birth_date:%Y-%m-%d}。",
            )
        p = replace(p, id_number=parsed.number, sex=parsed.sex, birth_date=parsed.birth_date)
    elif p.id_number.strip():
        p = replace(p, id_number=p.id_number.strip().upper())
    if p.birth_date is not None and today is not None and p.birth_date > today:
        raise _fail(label, "出生日期", "出生日期不能晚于今天。")
    if p.sex not in ("", "男", "女"):
        raise _fail(label, "性别", "性别请填“男”或“女”。")
    return replace(p, org_code="", legal_rep="")


def validate_parties(parties: list[PartyInput], *, today: date | None = None) -> list[PartyInput]:
    """Check the whole list: at least one party; applicant and respondent both present
    unless every party is a plain 当事人 (committee-initiated)."""
    if not parties:
        raise ValidationError("当事人", "请至少填写一位当事人。")
    counters: dict[str, int] = {}
    out = []
    for p in parties:
        counters[p.role] = counters.get(p.role, 0) + 1
        label = f"{ROLES.get(p.role, '当事人')}{counters[p.role]}"
        out.append(validate_party(p, label=label, today=today))
    roles = {p.role for p in out}
    if roles != {"party"} and not ({"applicant", "respondent"} <= roles):
        missing = "被申请人" if "respondent" not in roles else "申请人"
        raise ValidationError(
            "当事人", f"还没有填写{missing}。纠纷至少要有申请人和被申请人各一方。"
        )
    if "party" in roles and roles != {"party"}:
        raise ValidationError(
            "当事人", "“当事人”只用于调委会主动调解的案件，不能与申请人、被申请人混用。"
        )
    return out


def insert_case_party(
    conn: sqlite3.Connection, case_id: str, p: PartyInput, position: int, *, by: str
) -> str:
    """Store a validated party and link it to the case; returns the link id."""
    party_id = rows.insert(conn, "parties", _party_columns(p), by=by)
    return rows.insert(
        conn,
        "case_parties",
        {
            "case_id": case_id,
            "party_id": party_id,
            "role": p.role,
            "position": position,
            "agent_name": p.agent_name.strip(),
            "agent_phone": p.agent_phone,
            "agent_powers": p.agent_powers.strip(),
        },
        by=by,
    )


def update_case_party(
    conn: sqlite3.Connection,
    old: CaseParty,
    p: PartyInput,
    *,
    loaded: PartyInput,
    stamp: str,
    by: str,
) -> bool:
    """Write the fields of a validated party that the user changed from ``loaded`` (the
    party as the form showed it), unless either row changed since ``stamp`` was read
    (StaleEditError). False when nothing changed."""
    party_stamp, _, link_stamp = stamp.partition("|")
    what = f"当事人“{old.name}”的信息"
    try:
        base = validate_party(loaded, label="", today=None)
    except ValidationError:  # stored before today's checks: compared as it was shown
        base = loaded
    edits = [
        ("parties", old.party_id, party_stamp, _party_columns(base), _party_columns(p)),
        ("case_parties", old.link_id, link_stamp, _link_columns(base), _link_columns(p)),
    ]
    if not any(rows.edited(before, after) for _, _, _, before, after in edits):
        return False  # nothing typed: nothing to write, nothing to refuse
    # the form shows both rows as one party: a change to either since it was read refuses
    # the save, and both are checked before either is written (a refusal writes nothing)
    for table, row_id, row_stamp, _, _ in edits:
        rows.check_unchanged(conn, table, row_id, row_stamp, by=by, what=what)
    changed = False
    for table, row_id, row_stamp, before, after in edits:
        written = rows.update_changed(
            conn, table, row_id, before, after, stamp=row_stamp, by=by, what=what
        )
        changed = changed or bool(written)
    return changed


def _link_columns(p: PartyInput) -> dict[str, object]:
    return {
        "role": p.role,
        "agent_name": p.agent_name.strip(),
        "agent_phone": p.agent_phone,
        "agent_powers": p.agent_powers.strip(),
    }


def _party_columns(p: PartyInput) -> dict[str, object]:
    return {
        "kind": p.kind,
        "name": p.name,
        "sex": p.sex,
        "ethnicity": p.ethnicity,
        "birth_date": p.birth_date.isoformat() if p.birth_date else None,
        "id_type": p.id_type if p.id_number else "",
        "id_number": p.id_number,
        "occupation": p.occupation.strip(),
        "phone": p.phone,
        "address": p.address.strip(),
        "org_code": p.org_code,
        "legal_rep": p.legal_rep.strip(),
    }


def case_parties(conn: sqlite3.Connection, case_id: str) -> list[CaseParty]:
    result = conn.execute(
        """SELECT cp.id AS link_id, p.id AS party_id, cp.role, cp.position, p.kind, p.name,
                  p.sex, p.ethnicity, p.birth_date, p.id_type, p.id_number, p.occupation,
                  p.phone, p.address, p.org_code, p.legal_rep,
                  cp.agent_name, cp.agent_phone, cp.agent_powers,
                  {party_stamp} || '|' || {link_stamp} AS stamp
           FROM case_parties cp JOIN parties p ON p.id = cp.party_id
           WHERE cp.case_id = ? ORDER BY cp.position, cp.id""".format(
            party_stamp=rows.stamp_sql("parties", "p"),
            link_stamp=rows.stamp_sql("case_parties", "cp"),
        ),
        (case_id,),
    ).fetchall()
    return [
        CaseParty(
            link_id=r["link_id"],
            party_id=r["party_id"],
            role=r["role"],
            position=r["position"],
            kind=r["kind"],
            name=r["name"],
            sex=r["sex"],
            ethnicity=r["ethnicity"],
            birth_date=date.fromisoformat(r["birth_date"]) if r["birth_date"] else None,
            id_type=r["id_type"],
            id_number=r["id_number"],
            occupation=r["occupation"],
            phone=r["phone"],
            address=r["address"],
            org_code=r["org_code"],
            legal_rep=r["legal_rep"],
            agent_name=r["agent_name"],
            agent_phone=r["agent_phone"],
            agent_powers=r["agent_powers"],
            stamp=r["stamp"],
        )
        for r in result
    ]


def to_input(p: CaseParty) -> PartyInput:
    return PartyInput(
        name=p.name,
        role=p.role,
        kind=p.kind,
        sex=p.sex,
        ethnicity=p.ethnicity,
        birth_date=p.birth_date,
        id_type=p.id_type or "resident_id",
        id_number=p.id_number,
        occupation=p.occupation,
        phone=p.phone,
        address=p.address,
        org_code=p.org_code,
        legal_rep=p.legal_rep,
        agent_name=p.agent_name,
        agent_phone=p.agent_phone,
        agent_powers=p.agent_powers,
    )
