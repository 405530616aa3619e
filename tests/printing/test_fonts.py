"""Font registration: once, lazily for rare characters, with a fallback for bad files."""

from __future__ import annotations

import io
import logging
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas

from app.paths import resource_path
from app.printing import fonts, layout, registry
from app.printing.fonts import FontConfig
from tests.printing.helpers import VARIANTS, all_text, document_pdf, reader

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = resource_path("fonts")


def test_shipped_fonts_and_licences_are_there() -> None:
    for name in (
        fonts.REGULAR_FILE,
        fonts.BOLD_FILE,
        *fonts.FALLBACK_FILES,
        "OFL-NotoSerifSC.txt",
        "LICENSE-Hanazono.txt",
    ):
        assert (SHIPPED / name).is_file(), name


def test_default_fonts_are_noto_serif_and_registered_once() -> None:
    f = fonts.get_fonts()
    assert (f.regular, f.bold) == ("NotoSerifSC", "NotoSerifSC-Bold")
    assert f.problems == []
    assert fonts.get_fonts() is f
    font = pdfmetrics.getFont("NotoSerifSC")
    assert fonts.register_file(SHIPPED / fonts.REGULAR_FILE) == "NotoSerifSC"
    assert pdfmetrics.getFont("NotoSerifSC") is font  # not read again


def test_rare_characters_fall_back_per_character() -> None:
    f = fonts.get_fonts()
    assert f.font_for("张", f.regular) == "NotoSerifSC"
    for ch in "𠮷𡒄𪚥𥖄𤭢":
        assert f.font_for(ch, f.regular) in ("HanaMinA", "HanaMinB"), ch
    runs = list(f.runs("张𠮷祥", f.regular))
    assert [t for t, _ in runs] == ["张", "𠮷", "祥"]
    assert runs[1][1].startswith("HanaMin")


def test_fallback_fonts_are_registered_only_when_needed() -> None:
    code = (
        "from reportlab.pdfbase import pdfmetrics\n"
        "from app.printing import layout as L\n"
        "names = lambda: set(pdfmetrics.getRegisteredFontNames())\n"
        "L.build_pdf([L.Paragraph('张三')], L.DocInfo('t'))\n"
        "assert not names() & {'HanaMinA', 'HanaMinB'}, names()\n"
        "L.build_pdf([L.Paragraph('张𡒄')], L.DocInfo('t'))\n"
        "assert 'HanaMinB' in names(), names()\n"
    )
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)


STANDARD_14 = frozenset(
    {
        "Courier",
        "Courier-Bold",
        "Courier-BoldOblique",
        "Courier-Oblique",
        "Helvetica",
        "Helvetica-Bold",
        "Helvetica-BoldOblique",
        "Helvetica-Oblique",
        "Symbol",
        "Times-Bold",
        "Times-BoldItalic",
        "Times-Italic",
        "Times-Roman",
        "ZapfDingbats",
    }
)


def _has_program(font: Any) -> bool:
    """Whether a font dictionary carries its glyphs (a font file, or Type3 procedures)."""
    subtype = font.get("/Subtype")
    if subtype == "/Type3":
        return True
    if subtype == "/Type0":
        return all(_has_program(d.get_object()) for d in font["/DescendantFonts"])
    descriptor = font.get("/FontDescriptor")
    if descriptor is None:
        return False
    descriptor = descriptor.get_object()
    return any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))


def embedded_fonts(pdf: bytes) -> dict[str, bool]:
    """BaseFont → whether its program is in the file, for every font any page refers to:
    in the page's resources and in those of the form XObjects it draws (recursively)."""
    out: dict[str, bool] = {}

    def walk(resources: Any, seen: set[int]) -> None:
        if resources is None:
            return
        resources = resources.get_object()
        fonts = resources.get("/Font")
        for font in (fonts.get_object() if fonts is not None else {}).values():
            font = font.get_object()
            name = str(font.get("/BaseFont", "?"))
            out[name] = out.get(name, True) and _has_program(font)
        xobjects = resources.get("/XObject")
        for ref in (xobjects.get_object() if xobjects is not None else {}).values():
            xobject = ref.get_object()
            if xobject.get("/Subtype") == "/Form" and id(xobject) not in seen:
                seen.add(id(xobject))
                walk(xobject.get("/Resources"), seen)

    for page in reader(pdf).pages:
        walk(page.get("/Resources"), set())
    return out


def check_embedded(pdf: bytes) -> dict[str, bool]:
    found = embedded_fonts(pdf)
    assert found, "no fonts"
    assert all(found.values()), found
    standard = {n for n in found if n.lstrip("/").split("+")[-1] in STANDARD_14}
    assert not standard, standard
    return found


def test_fonts_are_embedded() -> None:
    pdf = layout.build_pdf(
        [layout.Paragraph("标题", layout.TITLE), layout.Paragraph("正文张𠮷祥。")],
        layout.DocInfo("字体"),
    )
    faces = " ".join(check_embedded(pdf))
    assert "NotoSerifSC-Regular" in faces and "NotoSerifSC-Bold" in faces
    assert "HanaMin" in faces


def test_a_table_refers_to_no_helvetica() -> None:
    # reportlab sets its table style's font (Helvetica unless told) before every cell
    table = layout.table([["姓名", "张三"], ["住址", ""]], (100.0, 200.0))
    pdf = layout.build_pdf([table], layout.DocInfo("表"))
    check_embedded(pdf)
    assert "张三" in all_text(pdf)


def test_the_check_sees_fonts_that_are_not_embedded() -> None:
    canvas = io.BytesIO()
    c = Canvas(canvas)
    c.setFont("Helvetica", 12)
    c.drawString(100, 100, "x")
    c.save()
    assert embedded_fonts(canvas.getvalue()) == {"/Helvetica": False}


@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("key", [d.key for d in registry.documents()])
def test_every_document_embeds_every_font(key: str, variant: str) -> None:
    """Each document of the registry, filled, for the largest case and blank: every font
    its pages refer to is embedded, none is one of the 14 a reader substitutes."""
    faces = " ".join(check_embedded(document_pdf(key, variant)))
    assert "NotoSerifSC" in faces
    if variant == "extreme" and key != "contents":  # the contents lists no names
        assert "HanaMin" in faces  # the rare characters of the names


def test_missing_font_files_fall_back_with_a_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # only the bold weight is there: the body prints in it
    (tmp_path / fonts.BOLD_FILE).symlink_to(SHIPPED / fonts.BOLD_FILE)
    with caplog.at_level(logging.WARNING, logger="app.printing.fonts"):
        f = fonts.get_fonts(FontConfig(fonts_dir=tmp_path))
    assert f.regular == f.bold == "NotoSerifSC-Bold"
    assert any("找不到字体文件" in p and fonts.REGULAR_FILE in p for p in f.problems)
    assert any(fonts.REGULAR_FILE in r.getMessage() for r in caplog.records)
    assert any(fonts.REGULAR_FILE in p for p in fonts.font_problems())
    pdf = layout.build_pdf([layout.Paragraph("张三", fonts=f)], layout.DocInfo("t"), fonts=f)
    assert "张三" in all_text(pdf)


def test_no_font_file_at_all_still_prints(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="app.printing.fonts"):
        f = fonts.get_fonts(FontConfig(fonts_dir=tmp_path / "nowhere"))
    assert f.regular == fonts.CID_FALLBACK
    assert not f.embedded
    assert f.problems
    pdf = layout.build_pdf(
        [layout.Paragraph("人民调解协议书", fonts=f)], layout.DocInfo("t"), fonts=f
    )
    assert pdf.startswith(b"%PDF")


def test_unreadable_font_file(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    (tmp_path / fonts.REGULAR_FILE).write_bytes(b"not a font at all" * 100)
    (tmp_path / fonts.BOLD_FILE).symlink_to(SHIPPED / fonts.BOLD_FILE)
    with caplog.at_level(logging.WARNING, logger="app.printing.fonts"):
        f = fonts.get_fonts(FontConfig(fonts_dir=tmp_path))
    assert f.regular == "NotoSerifSC-Bold"
    assert any("无法使用字体文件" in p for p in f.problems)
    assert caplog.records


def test_missing_rare_character_font_is_reported(tmp_path: Path) -> None:
    for name in (fonts.REGULAR_FILE, fonts.BOLD_FILE):
        (tmp_path / name).symlink_to(SHIPPED / name)
    f = fonts.get_fonts(FontConfig(fonts_dir=tmp_path))
    assert f.problems == []
    assert f.font_for("𡒄", f.regular) == f.regular  # nothing better: no crash
    assert any("生僻字" in p for p in f.problems)


def test_a_system_font_file_can_replace_the_shipped_one() -> None:
    # stands in for e.g. C:/Windows/Fonts/simfang.ttf: another TrueType face
    f = fonts.get_fonts(FontConfig(body_font=SHIPPED / "NotoSansSC_400Regular.ttf"))
    assert f.regular == f.bold
    assert f.regular.startswith("MD-NotoSansSC")
    pdf = layout.build_pdf([layout.Paragraph("仿宋", fonts=f)], layout.DocInfo("t"), fonts=f)
    assert [name.split("+")[-1] for name in embedded_fonts(pdf)] == ["NotoSansSC-Regular"]


def test_what_an_offices_own_font_lacks_prints_in_the_shipped_serif() -> None:
    # The shipped HanaMinA holds only what Noto lacks: like 仿宋_GB2312 it has no 张.
    lacking = SHIPPED / "HanaMinA.ttf"
    f = fonts.get_fonts(FontConfig(body_font=lacking))
    assert not f.has_glyph(f.regular, "张")
    compat = "\uf900"  # a CJK compatibility ideograph Noto lacks and HanaMinA keeps
    assert list(f.runs("张" + compat, f.regular)) == [("张", "NotoSerifSC"), (compat, f.regular)]
    bold = fonts.get_fonts(
        FontConfig(body_font=SHIPPED / "NotoSansSC_400Regular.ttf", bold_font=lacking)
    )
    assert bold.font_for("张", bold.bold) == "NotoSerifSC-Bold"  # the same weight
    assert bold.font_for("张", bold.regular) == bold.regular
    pdf = layout.build_pdf([layout.Paragraph("张" + compat, fonts=f)], layout.DocInfo("t"), fonts=f)
    assert "张" + compat in all_text(pdf)
    faces = {name.split("+")[-1] for name in embedded_fonts(pdf)}
    assert faces == {"NotoSerifSC-Regular", "HanaMinA"}


NOTO_FACES = (
    fonts.REGULAR_FILE,
    fonts.BOLD_FILE,
    fonts.SCREEN_FILE,
    "NotoSansSC_700Bold.ttf",
)


def _characters(file_name: str) -> Any:
    name = fonts.register_file(SHIPPED / file_name)
    assert name is not None, file_name
    return pdfmetrics.getFont(name).face.charToGlyph


def _full_hanamina() -> set[int]:
    """The characters of Debian's whole HanaMinA (tests/fixtures), before the cut."""
    text = (ROOT / "tests" / "fixtures" / "hanamina_full_characters.txt").read_text("utf-8")
    out: set[int] = set()
    for line in text.splitlines():
        if line and not line.startswith("#"):
            first, _, last = line.partition("-")
            out.update(range(int(first, 16), int(last or first, 16) + 1))
    return out


def test_the_cut_hanamina_holds_what_a_noto_face_lacks_and_nothing_is_lost() -> None:
    """scripts/subset_rare_font.py's rule, checked on the shipped file: HanaMinA keeps every
    character of Debian's file that one of the four Noto faces lacks. So on paper (Noto
    Serif) and on screen (Noto Sans), in either weight, with HanaMinA and HanaMinB behind
    it, every character the whole HanaMinA drew still has a glyph."""
    full = _full_hanamina()
    assert len(full) == 41_494
    noto = [set(_characters(f)) for f in NOTO_FACES]
    in_every_noto = set.intersection(*noto)
    cut = set(_characters("HanaMinA.ttf"))
    # (the cut also maps the few characters that share a glyph with a kept one)
    assert full - in_every_noto <= cut <= full
    assert len(cut) < len(full) // 3
    rare_b = set(_characters("HanaMinB.ttf"))
    for face, chars in zip(NOTO_FACES, noto, strict=True):
        missing = full - chars - cut - rare_b
        assert missing == set(), (face, sorted(missing)[:10])


def test_no_usable_noto_serif_prints_in_the_screen_face_never_in_the_cut_hanamina(
    tmp_path: Path,
) -> None:
    for name in (fonts.SCREEN_FILE, *fonts.FALLBACK_FILES):
        (tmp_path / name).symlink_to(SHIPPED / name)
    f = fonts.get_fonts(FontConfig(fonts_dir=tmp_path))
    assert f.regular.startswith("MD-NotoSansSC")
    assert list(f.runs("人民调解协议书张三", f.regular)) == [("人民调解协议书张三", f.regular)]
    only_rare = tmp_path / "rare"
    only_rare.mkdir()
    for name in fonts.FALLBACK_FILES:
        (only_rare / name).symlink_to(SHIPPED / name)
    f = fonts.get_fonts(FontConfig(fonts_dir=only_rare))
    assert f.regular == fonts.CID_FALLBACK  # the built-in Song: every common character
    assert not f.embedded


def test_an_office_font_without_the_noto_serif_of_its_weight_takes_the_other(
    tmp_path: Path,
) -> None:
    for name in (fonts.BOLD_FILE, fonts.SCREEN_FILE, *fonts.FALLBACK_FILES):
        (tmp_path / name).symlink_to(SHIPPED / name)
    lacking = SHIPPED / "HanaMinA.ttf"  # has no 堃, like 仿宋_GB2312
    f = fonts.get_fonts(FontConfig(body_font=lacking, fonts_dir=tmp_path))
    drawn_by = f.font_for("堃", f.regular)
    assert f.has_glyph(drawn_by, "堃")
    assert "Bold" in drawn_by  # Noto Serif Regular is missing: its Bold comes before Sans
    assert any("NotoSerifSC_400Regular.ttf" in p for p in f.problems)


def test_a_bad_system_font_falls_back_to_the_shipped_one(tmp_path: Path) -> None:
    f = fonts.get_fonts(FontConfig(body_font=tmp_path / "simfang.ttf"))
    assert f.regular == "NotoSerifSC"
    assert any("simfang.ttf" in p for p in f.problems)


def test_configure_sets_the_default() -> None:
    try:
        chosen = fonts.configure(FontConfig(body_font=SHIPPED / "HanaMinA.ttf"))
        assert fonts.get_fonts() is chosen
    finally:
        fonts.configure(None)
    assert fonts.get_fonts().regular == "NotoSerifSC"
