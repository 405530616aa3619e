"""The registry of printable documents, exercised on every case of the demo data."""

from __future__ import annotations

from dataclasses import replace

import pytest

from app.models.casefile import CaseFile
from app.printing import registry
from tests.printing.helpers import OFFICE, all_text, full_case, reader


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
