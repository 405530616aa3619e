"""A document laid out (layout.Laid) writes its PDF when asked for it: the layouts
layout.fit tries and rejects are never written, and the one it returns is the PDF a
direct layout in its density gives."""

from __future__ import annotations

import dataclasses

from reportlab.platypus import Flowable, PageBreak

from app.models.casefile import CaseFile
from app.printing import agreement, registry
from app.printing import layout as L
from app.printing.common import count_pages
from app.printing.forms import contents, cover
from tests.printing.helpers import OFFICE, footers, reader

INFO = L.DocInfo(title="测试文书", author="青山镇人民调解委员会")
TEXT = "人民调解委员会依法调解民间纠纷，" * 150


def story() -> list[Flowable]:
    return [L.Paragraph("标题", L.TITLE), *L.paragraphs(TEXT), L.Mark("end")]


def test_the_pdf_is_written_once_and_matches_its_layout() -> None:
    laid = L.lay_out(story(), INFO)
    pdf = laid.pdf
    assert laid.pdf is pdf  # written once
    assert count_pages(pdf) == laid.pages == len(reader(pdf).pages)
    assert footers(pdf)[-1] == f"第{laid.pages}页 共{laid.pages}页"
    assert laid.page_of("end") == laid.pages - 1
    assert pdf == L.build_pdf(story(), INFO)  # same input, same bytes


def test_fit_returns_the_pdf_of_the_density_it_chose() -> None:
    """The tighter densities are tried until the text fits two pages; the PDF returned
    is the one that density gives laid out directly."""
    laid = L.fit(story, INFO, good=lambda laid: laid.pages <= 2)
    assert laid.density != L.NORMAL and laid.pages <= 2
    with L.setting(laid.density):
        direct = L.lay_out(story(), INFO)
    assert laid.pdf == direct.pdf
    assert count_pages(laid.pdf) == laid.pages


def test_each_document_counts_the_pages_it_prints(written_agreements: list[CaseFile]) -> None:
    """PrintableDocument.pages (what the 卷内目录 printed alone lists) lays each document
    out without writing it: the same count as its PDF, for every document of a closed
    case; a stand-in builder (a test's broken form) is built and counted instead."""
    case = max(written_agreements, key=lambda c: len(c.sessions))
    for doc in registry.for_case(case):
        if doc.key not in (contents.KEY, cover.KEY):
            assert doc.pages(case, OFFICE) == count_pages(doc.build(case, OFFICE)), doc.key
    pages = [L.Paragraph("一"), PageBreak(), L.Paragraph("二"), PageBreak(), L.Paragraph("三")]
    three = L.build_pdf(pages, INFO)
    standin = dataclasses.replace(registry.document(agreement.KEY), build=lambda *_: three)
    assert standin.pages(case, OFFICE) == 3
