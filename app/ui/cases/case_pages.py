"""What the case window's read-only panes say: plain text and small HTML made from a
:class:`~app.models.casefile.CaseFile`. No widgets here, so every line can be checked
without opening a window.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from datetime import date

from app.models.casefile import Agreement, AgreementDraft, CaseFile, SessionRecord
from app.models.identity import ID_TYPES, mask_id_number
from app.models.parties import CaseParty
from app.models.reference import (
    AGREEMENT_OUTCOMES,
    ASSIGN_HOW,
    CONFIRMATION_RESULTS,
    PERFORMANCE,
)
from app.ui.cases.tables import age_text
from app.ui.cases.widgets import fmt_date, fmt_yuan

NO_AGREEMENT = "尚未结案，还没有调解协议。指派调解员后，可以在这里起草协议。"
NO_FOLLOW_UP = "还没有回访记录。"
NO_PROGRESS = "没有延长期限或归口移交的记录。"
NO_SESSIONS = "还没有调解记录或调查记录。"


def _esc(text: object) -> str:
    return html.escape(str(text)).replace("\n", "<br>")


def rows_html(rows: Sequence[tuple[str, str]]) -> str:
    """Label/value lines; empty values are left out."""
    return "".join(f"<p><b>{_esc(label)}：</b>{_esc(value)}</p>" for label, value in rows if value)


def _heading(text: str, level: int = 3) -> str:
    return f"<h{level}>{_esc(text)}</h{level}>"


# --------------------------------------------------------------------------- parties


def party_detail(p: CaseParty, title: str, *, full_id: bool = False) -> str:
    """Everything about one party, as plain text for the detail pane. The ID number is
    masked unless ``full_id`` (after 显示完整证件号码, which is recorded: docs/privacy.md)."""
    lines = [f"{title}：{p.name}（{'个人' if p.kind == 'person' else '单位'}）"]
    if p.kind == "person":
        born = fmt_date(p.birth_date) or "未填"
        age = age_text(p)
        lines.append(
            f"性别：{p.sex or '未填'}　民族：{p.ethnicity or '未填'}　出生日期：{born}"
            + (f"（{age}）" if age else "")
        )
        if p.id_number:
            number = p.id_number if full_id else mask_id_number(p.id_number)
            lines.append(f"证件：{ID_TYPES.get(p.id_type, p.id_type)} {number}")
        lines.append(f"职业：{p.occupation or '未填'}　联系电话：{p.phone or '未填'}")
        lines.append(f"住址：{p.address or '未填'}")
    else:
        lines.append(f"统一社会信用代码：{p.org_code or '未填'}")
        lines.append(f"法定代表人/负责人：{p.legal_rep or '未填'}")
        lines.append(f"电话：{p.phone or '未填'}　地址：{p.address or '未填'}")
    if p.agent_name:
        agent = f"委托代理人：{p.agent_name}"
        if p.agent_phone:
            agent += f"，电话 {p.agent_phone}"
        if p.agent_powers:
            agent += f"，权限：{p.agent_powers}"
        lines.append(agent)
    return "\n".join(lines)


def party_title(case: CaseFile, row: int) -> str:
    """ "申请人2": how the forms and the services number a party."""
    party = case.parties[row]
    number = sum(1 for p in case.parties[: row + 1] if p.role == party.role)
    return f"{party.role_label}{number}"


# --------------------------------------------------------------------------- mediation record


def session_detail(s: SessionRecord) -> str:
    if s.kind == "session":
        labels = ("调解时间", "调解地点", "事由", "参加人", "调解员", "调解内容", "调解结果")
    else:
        labels = ("调查时间", "调查地点", "被调查人", "在场人", "调查人", "调查内容", "调查结论")
    when, where, subject, participants, staff, body, result = labels
    rows = [
        (when, s.held_at),
        (where, s.place),
        (subject, s.subject),
        (participants, s.participants),
        (staff, s.staff),
        ("记录人", s.recorder),
    ]
    lines = [f"{label}：{value}" for label, value in rows if value]
    lines += ["", f"{body}：", s.record]
    if s.result:
        lines += ["", f"{result}：{s.result}"]
    return "\n".join(lines)


def mediators_text(case: CaseFile) -> str:
    current = [
        f"{a.mediator_name}（{'主办，' if a.lead else ''}{ASSIGN_HOW.get(a.how, a.how)}，"
        f"{fmt_date(a.assigned_on)}起）"
        for a in case.current_mediators
    ]
    lines = ["调解员：" + ("、".join(current) if current else "尚未指派")]
    ended = [
        f"{a.mediator_name}（{fmt_date(a.assigned_on)}至{fmt_date(a.ended_on)}"
        + (f"，{a.end_reason}" if a.end_reason else "")
        + "）"
        for a in case.assignments
        if a.ended_on is not None
    ]
    if ended:
        lines.append("曾任：" + "、".join(ended))
    return "\n".join(lines)


def progress_html(case: CaseFile) -> str:
    """Deadline extensions and referrals (归口移交) with their feedback."""
    parts = []
    if case.extensions:
        parts.append(_heading("期限延长", 4))
        parts += [
            f"<p>{_esc(fmt_date(e.decided_on))}：{_esc(e.requested_by)}提出，期限由 "
            f"{_esc(fmt_date(e.old_due_on) or '未定')} 延至 {_esc(fmt_date(e.new_due_on))}。"
            f"理由：{_esc(e.reason)}</p>"
            for e in case.extensions
        ]
    if case.referrals:
        parts.append(_heading("归口移交", 4))
        for r in case.referrals:
            who = f"（接收人：{r.receiver}）" if r.receiver else ""
            feedback = (
                f"反馈（{fmt_date(r.feedback_on)}）：{r.feedback}" if r.feedback else "尚未反馈"
            )
            parts.append(
                f"<p>{_esc(fmt_date(r.referred_on))} 移交{_esc(r.body)}{_esc(who)}。"
                f"原因：{_esc(r.reason)}。{_esc(feedback)}</p>"
            )
    return "".join(parts) or f"<p>{NO_PROGRESS}</p>"


# --------------------------------------------------------------------------- agreement


def _closing_html(case: CaseFile) -> str:
    effects = "、".join(
        label
        for flag, label in (
            (case.prevented_criminal, "防止民转刑"),
            (case.prevented_petition, "防止群体性上访"),
        )
        if flag
    )
    note_label = {"terminated": "终止原因", "withdrawn": "撤回情况"}.get(case.outcome or "", "备注")
    return _heading("结案情况") + rows_html(
        [
            ("结案日期", _closed_on_text(case)),
            ("调解结果", case.outcome_label),
            ("履行情况", case.performance_label),
            ("涉及金额", fmt_yuan(case.amount_fen)),
            ("成效", effects),
            (note_label, case.close_note),
        ]
    )


def _closed_on_text(case: CaseFile) -> str:
    """The closing date, and where it came from when a 台账 import dated it."""
    shown, note = fmt_date(case.closed_on), case.closed_on_note
    if not note:
        return shown
    return f"{shown}（{note}）" if shown else note


def deadline_text(a: Agreement | AgreementDraft) -> str:
    """履行期限 as entered: a date, or "签订后 N 日内"."""
    if a.perform_within_days:
        return f"签订后 {a.perform_within_days} 日内"
    return fmt_date(a.perform_deadline)


def _terms_html(a: Agreement | AgreementDraft) -> list[str]:
    parts = ["<p><b>协议内容：</b></p>"]
    parts += [
        f"<p style='margin-left: 1em; white-space: pre-wrap'>第{i}条　{_esc(term)}</p>"
        for i, term in enumerate(a.terms, start=1)
    ]
    parts.append(
        rows_html(
            [
                ("履行方式", a.perform_manner),
                ("履行地点", a.perform_place),
                ("履行期限", deadline_text(a)),
                ("协议金额", fmt_yuan(a.amount_fen)),
            ]
        )
    )
    return parts


def agreement_html(case: CaseFile) -> str:
    """结案情况 and the agreement (after a reopen: the earlier one, marked as such); a
    draft never signed (mediation failed or withdrawn) is shown after it, marked so."""
    closed = case.closed_on is not None or case.closed_on_basis == "unrecorded"
    parts = [_closing_html(case)] if closed else []
    a = case.agreement
    if a is not None:
        kind = "书面协议" if a.kind == "written" else "口头协议"
        current = case.closed_on is not None and case.outcome in AGREEMENT_OUTCOMES
        parts.append(_heading(f"调解协议（{kind}）" if current else f"重新调解前的协议（{kind}）"))
        parts.append(rows_html([("签订日期", fmt_date(a.signed_on)), ("纠纷事实及责任", a.facts)]))
        parts += _terms_html(a)
    d = case.draft
    if d is not None:
        parts.append(_heading("协议草稿（未签订）"))
        parts.append(rows_html([("纠纷事实及责任", d.facts)]))
        parts += _terms_html(d)
    return "".join(parts) or f"<p>{NO_AGREEMENT}</p>"


# --------------------------------------------------------------------------- after closing


def confirmation_window(case: CaseFile, today: date | None = None) -> str:
    """When the parties may still apply for judicial confirmation (Art 33), or that the
    window has closed ("" for a case that cannot apply at all)."""
    deadline = case.confirmation_deadline
    if deadline is None:
        return ""
    if deadline < (today or date.today()):
        return f"申请期限已于 {fmt_date(deadline)} 届满。"
    return f"双方可在 {fmt_date(deadline)} 前共同向人民法院申请。"


def follow_up_html(case: CaseFile, today: date | None = None) -> str:
    """回访记录 and 司法确认, with the application window while it is open."""
    parts = [_heading("回访记录")]
    if not case.follow_ups:
        parts.append(f"<p>{NO_FOLLOW_UP}</p>")
    for v in case.follow_ups:
        parts.append(
            rows_html(
                [
                    ("回访日期", fmt_date(v.visited_on)),
                    ("回访人", v.visitor),
                    ("被回访人", v.person_visited),
                    ("履行情况", PERFORMANCE.get(v.performed, v.performed)),
                    ("满意程度", v.satisfaction),
                    ("回访情况", v.findings),
                    ("采取措施", v.measures),
                ]
            )
            + "<hr>"
        )
    parts.append(_heading("司法确认"))
    if not case.confirmations:
        if case.confirmation_deadline is None:
            parts.append("<p>没有司法确认记录（只有达成书面调解协议的案件可以申请）。</p>")
        else:
            parts.append(f"<p>还没有申请司法确认。{_esc(confirmation_window(case, today))}</p>")
    for j in case.confirmations:
        parts.append(
            rows_html(
                [
                    ("申请日期", fmt_date(j.applied_on)),
                    ("受理法院", j.court),
                    ("调确字号", j.number),
                    ("确认结果", CONFIRMATION_RESULTS.get(j.result, j.result)),
                    ("裁定日期", fmt_date(j.decided_on)),
                ]
            )
        )
    return "".join(parts)
