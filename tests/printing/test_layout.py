"""The document frame: A4, GB/T 9704 margins, page numbers, metadata, determinism."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from reportlab.pdfbase import pdfmetrics

from app.printing import layout as L
from app.printing.agreement import agreement_pdf
from tests.printing.helpers import OFFICE, all_text, footers, full_case, reader, text_positions

LONG = "人民调解委员会依法调解民间纠纷，" * 120


def doc(text: str = LONG) -> bytes:
    return L.build_pdf(
        [L.Paragraph("标题", L.TITLE), *L.paragraphs(text)],
        L.DocInfo(title="测试文书", author="青山镇人民调解委员会", subject="主题"),
    )


def test_page_geometry_follows_gb_t_9704() -> None:
    assert round(L.PAGE_WIDTH / L.mm) == 210 and round(L.PAGE_HEIGHT / L.mm) == 297
    assert round(L.MARGIN_TOP / L.mm) == 37 and round(L.MARGIN_LEFT / L.mm) == 28
    assert round(L.BLOCK_WIDTH / L.mm) == 156 and round(L.BLOCK_HEIGHT / L.mm) == 225
    assert L.SIZE_3 == 16 and L.SIZE_2 == 22 and L.SIZE_4 == 14
    assert round(L.BLOCK_HEIGHT / L.BODY_LEADING, 6) == 22


def test_a4_pages_with_page_numbers() -> None:
    pdf = doc()
    pages = reader(pdf).pages
    assert len(pages) >= 2
    for page in pages:
        assert float(page.mediabox.width) == pytest.approx(595.28, abs=0.01)
        assert float(page.mediabox.height) == pytest.approx(841.89, abs=0.01)
    n = len(pages)
    assert footers(pdf) == [f"第{i}页 共{n}页" for i in range(1, n + 1)]


def test_metadata() -> None:
    meta = reader(doc()).metadata
    assert meta is not None
    assert meta.title == "测试文书"
    assert meta.author == "青山镇人民调解委员会"
    assert meta.subject == "主题"


def test_same_input_same_bytes() -> None:
    assert doc() == doc()


def test_text_stays_in_the_text_block() -> None:
    pdf = doc()
    positions = text_positions(pdf)
    assert positions
    check_positions(positions)


def check_positions(positions: list[tuple[int, str, float, float, float]]) -> None:
    """Every line starts and ends inside the text block; the footer below it."""
    left, right = L.MARGIN_LEFT, L.MARGIN_LEFT + L.BLOCK_WIDTH
    bottom, top = L.MARGIN_BOTTOM, L.MARGIN_BOTTOM + L.BLOCK_HEIGHT
    lines: dict[tuple[int, float, float], list[tuple[str, float]]] = {}
    for page, text, x, y, size in positions:
        assert 0 <= x <= L.PAGE_WIDTH and 0 <= y <= L.PAGE_HEIGHT
        if y < bottom:  # the page number, and nothing else, sits below the block
            assert y == pytest.approx(L.FOOTER_BASELINE, abs=0.01), (text, y)
            assert set(text) <= set("第页共 0123456789\n"), text
            continue
        assert left - 0.01 <= x <= right, (text, x)
        assert bottom - 0.01 <= y <= top - 0.8 * size + 0.01, (text, y)
        lines.setdefault((page, round(x, 2), round(y, 2)), []).append((text, size))
    for (_, x, _), pieces in lines.items():
        width = sum(
            pdfmetrics.stringWidth(t, "NotoSerifSC", s) for t, s in pieces if "\u3000" not in t
        )
        assert x + width <= right + 0.5, pieces


def test_empty_values_print_a_blank_line_not_none() -> None:
    for missing in (None, "", "   "):
        span = L.value(missing)
        assert span.underline and set(span.text) == {L.BLANK_CHAR}
    assert L.value(0).text == "0"
    pdf = L.build_pdf([L.Paragraph(["姓名：", L.value(None), "。"])], L.DocInfo("t"))
    assert "None" not in all_text(pdf)
    assert "姓名：" in all_text(pdf)


def test_paragraph_split_keeps_lines_whole() -> None:
    p = L.Paragraph("字" * 600)
    head, tail = p.split_at_line(5, L.BLOCK_WIDTH)
    assert head.text() + tail.text() == p.text()
    assert len(head.lines_for(L.BLOCK_WIDTH)) == 5
    assert head.style.first_indent == p.style.first_indent and tail.style.first_indent == 0


def test_a_paragraph_never_leaves_one_line_alone() -> None:
    p = L.Paragraph("字" * 300)
    n = len(p.lines_for(L.BLOCK_WIDTH))
    assert p.split(L.BLOCK_WIDTH, L.BODY_LEADING * 1.5) == []  # first line alone: move
    parts = p.split(L.BLOCK_WIDTH, L.BODY_LEADING * (n - 1))
    assert len(parts[1].lines_for(L.BLOCK_WIDTH)) == 2  # last line alone: take one more


def test_style_rejects_unknown_alignment() -> None:
    with pytest.raises(ValueError):
        L.Style(align="middle")


def test_text_is_printed_literally() -> None:
    text = "<b>甲&amp;乙</b>\t丙\r"
    pdf = L.build_pdf([L.Paragraph(text)], L.DocInfo("t"))
    assert all_text(pdf) == "<b>甲&amp;乙</b>丙"


def test_same_bytes_in_another_process(tmp_path: Path) -> None:
    out = tmp_path / "a.pdf"
    code = (
        "import sys\n"
        "from app.printing.agreement import agreement_pdf\n"
        "from tests.printing.helpers import OFFICE, full_case\n"
        "open(sys.argv[1], 'wb').write(agreement_pdf(full_case(), OFFICE))\n"
    )
    root = Path(__file__).resolve().parents[2]
    subprocess.run([sys.executable, "-c", code, str(out)], cwd=root, check=True)
    assert out.read_bytes() == agreement_pdf(full_case(), OFFICE)
