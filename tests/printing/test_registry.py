"""The registry of printable documents, exercised on every case of the demo data."""

from __future__ import annotations

from dataclasses import replace

import pytest

from app.models.casefile import CaseFile
from app.models.cases import AFTER_CLOSE, TRANSITIONS
from app.printing import registry
from tests.printing.helpers import INVESTIGATION, OFFICE, all_text, full_case, reader


def test_keys_titles_and_paper() -> None:
    docs = registry.documents()
    keys = [d.key for d in docs]
    assert len(keys) == len(set(keys)) == 12
    assert all(d.title and d.paper == "A4" and d.orientation == "portrait" for d in docs)
    assert registry.document("agreement").title == "人民调解协议书"
    with pytest.raises(KeyError):
        registry.document("nope")


def test_the_agreement_is_offered_for_closed_written_agreements_only() -> None:
    doc = registry.document("agreement")
    assert doc.offered_for(full_case())
    assert doc.offered_for(full_case(state="archived"))
    assert not doc.offered_for(full_case(state="mediating"))
    assert not doc.offered_for(full_case(outcome="agreement_oral"))
    assert doc.copies(full_case()) == 3


def test_what_each_state_offers(demo_cases: list[CaseFile]) -> None:
    for case in demo_cases:
        keys = {d.key for d in registry.for_case(case)}
        if case.state in ("voided", "declined"):
            assert keys <= {"application"}, (case.state, keys)
        if case.state in ("closed", "archived"):
            assert {"cover", "contents", "acceptance"} <= keys
            assert ("agreement" in keys) == (case.outcome == "agreement_written")
            assert ("oral_agreement" in keys) == (case.outcome == "agreement_oral")
            assert ("termination" in keys) == (case.outcome == "terminated")
        if case.state == "registered":
            assert keys <= {"application"}
        investigated = any(s.kind == "investigation" for s in case.sessions)
        if case.state in registry.AFTER_ACCEPT:
            assert ("investigation" in keys) == investigated, (case.state, case.number)


def test_every_document_builds_from_demo_cases(demo_cases: list[CaseFile]) -> None:
    """Each document for two demo cases that offer it (every state and outcome is there)."""
    built: dict[str, int] = {}
    for case in demo_cases:
        for doc in registry.for_case(case):
            if built.get(doc.key, 0) >= 2:
                continue
            pdf = doc.build(case, OFFICE)
            text = all_text(pdf)
            assert doc.title in text, doc.key
            assert "None" not in text, doc.key
            meta = reader(pdf).metadata
            assert meta is not None and meta.title and meta.title.startswith(doc.title)
            built[doc.key] = built.get(doc.key, 0) + 1
    assert set(built) == {d.key for d in registry.documents()}


@pytest.mark.parametrize("doc", registry.documents(), ids=lambda d: d.key)
def test_blank_forms_build(doc: registry.PrintableDocument) -> None:
    pdf = doc.build_blank(OFFICE)
    text = all_text(pdf)
    assert doc.title in text and "None" not in text


@pytest.mark.parametrize("doc", registry.documents(), ids=lambda d: d.key)
def test_same_case_same_bytes(doc: registry.PrintableDocument) -> None:
    case = replace(full_case(), state="closed")
    assert doc.build(case, OFFICE) == doc.build(case, OFFICE)


def test_investigation_records_are_offered_wherever_one_can_exist() -> None:
    """An investigation may be recorded from acceptance on (the transition table) and stays
    in the file after closing: its record is offered in all those states, once there is
    one, and in no other."""
    recorded = TRANSITIONS["record_investigation"].allowed_from
    assert {"accepted", "assigned"} <= recorded
    doc = registry.document("investigation")
    assert doc.states == recorded | AFTER_CLOSE
    with_record = replace(full_case(), sessions=[INVESTIGATION])
    for state in sorted(registry.ALL_STATES):
        case = replace(with_record, state=state)
        assert doc.offered_for(case) == (state in recorded | AFTER_CLOSE), state
        assert not doc.offered_for(replace(case, sessions=[])), state
    accepted = replace(with_record, state="accepted", outcome=None, closed_on=None)
    assert "investigation" in {d.key for d in registry.for_case(accepted)}
    assert "人民调解调查记录" in all_text(doc.build(accepted, OFFICE))


@pytest.mark.slow
def test_the_documents_said_to_show_id_numbers_are_the_ones_that_print_them(
    demo_cases: list[CaseFile],
) -> None:
    """SHOWS_ID_NUMBERS decides what printing is recorded (docs/privacy.md): every
    document whose PDF holds a party's number in full is in it, and no other."""
    from app.printing import agreement

    seen: dict[tuple[str, str | None], CaseFile] = {}
    for case in demo_cases:
        if all(p.id_number for p in case.parties) and case.parties:
            seen.setdefault((case.state, case.outcome), case)
    drafted = next(c for c in demo_cases if c.draft is not None and c.parties[0].id_number)
    checked: set[str] = set()
    for case in [*seen.values(), drafted]:
        numbers = [p.id_number.upper() for p in case.parties if p.id_number]
        built = [(d.key, d.build(case, OFFICE)) for d in registry.for_case(case)]
        if case is drafted:
            built = [(agreement.DRAFT_KEY, agreement.draft_agreement_pdf(case, OFFICE))]
        for key, pdf in built:
            text = all_text(pdf).upper()
            holds = any(n in text for n in numbers)
            assert holds == (key in registry.SHOWS_ID_NUMBERS), (key, case.number)
            assert registry.shows_id_numbers(key, case) == holds
            checked.add(key)
    assert checked >= registry.SHOWS_ID_NUMBERS  # each listed one was seen printing one
    nobody = replace(next(iter(seen.values())), parties=[])
    assert not registry.shows_id_numbers("agreement", nobody)
