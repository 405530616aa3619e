"""Fonts for the printed documents: registration in reportlab, once, and glyph fallback.

- The body and title face is Noto Serif SC (Regular 400, Bold 700; static TrueType, OFL),
  shipped in resources/fonts. The office may name a TrueType file of its own instead
  (e.g. Windows' ``C:/Windows/Fonts/simfang.ttf``) through :class:`FontConfig`.
- A character the body font lacks is drawn, per character, from HanaMinA / HanaMinB
  (fonts-hanazono: rare characters of names, compatibility ideographs, CJK Extension B
  and beyond). HanaMinA is cut to the characters Noto lacks (4 MB), HanaMinB is whole
  (31 MB); both are registered only when a text first needs them. When the body is not
  Noto Serif (an office's own font, or a stand-in for a missing file), the shipped Noto
  Serif weights and the screen's Noto Sans SC come first: they hold the common
  characters such a font may lack.
- Every font file is read and registered at most once per process (a module-level cache).
- A missing or unreadable file never stops printing: the next font in line is used (Noto
  Serif Regular, Bold, then Noto Sans SC), a warning is logged, and a plain-Chinese
  message is kept for the UI (:attr:`FontSet.problems`, :func:`font_problems`). When no
  TrueType font can be read at all, reportlab's built-in ``STSong-Light`` (not embedded)
  keeps Chinese printable.

Importing this module also installs the ToUnicode fix of :mod:`app.printing.tounicode`.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFont, TTFontFace

from app.paths import resource_path
from app.printing import tounicode

tounicode.install()

log = logging.getLogger(__name__)

REGULAR_FILE = "NotoSerifSC_400Regular.ttf"
BOLD_FILE = "NotoSerifSC_700Bold.ttf"
FALLBACK_FILES = ("HanaMinA.ttf", "HanaMinB.ttf")
SCREEN_FILE = "NotoSansSC_400Regular.ttf"  # the screen's face: the last shipped resort
# reportlab's names for the shipped files (other files get a name made from their path).
_SHIPPED_NAMES = {
    REGULAR_FILE: "NotoSerifSC",
    BOLD_FILE: "NotoSerifSC-Bold",
    "HanaMinA.ttf": "HanaMinA",
    "HanaMinB.ttf": "HanaMinB",
}
CID_FALLBACK = "STSong-Light"  # built into reportlab; needs no file, is not embedded

_lock = threading.RLock()
# (resolved path, subfont index) → registered reportlab name, or None when unreadable
_files: dict[tuple[str, int], str | None] = {}
_file_errors: dict[tuple[str, int], str] = {}
_problems: list[str] = []
_sets: dict[FontConfig, FontSet] = {}
_current: FontConfig | None = None


@dataclass(frozen=True)
class FontConfig:
    """Which fonts to print with. The default is the shipped Noto Serif SC.

    ``body_font``/``bold_font`` name TrueType files (.ttf, or .ttc with
    ``subfont_index``) to use instead; ``bold_font`` defaults to ``body_font``.
    ``fonts_dir`` is where the shipped fonts live (resources/fonts).
    """

    body_font: Path | None = None
    bold_font: Path | None = None
    subfont_index: int = 0
    fonts_dir: Path | None = None
    rare_fallback: bool = True

    def shipped(self, name: str) -> Path:
        return (self.fonts_dir or resource_path("fonts")) / name


def _record(message: str) -> None:
    with _lock:
        if message not in _problems:
            _problems.append(message)


def font_problems() -> list[str]:
    """Messages (plain Chinese) about fonts that could not be used, for the UI."""
    with _lock:
        return list(_problems)


class _GlyphTable:
    """A font file's ``glyf`` table, read in place: slicing gives the bytes of that slice
    only (what reportlab's ``makeSubset`` does with the table)."""

    __slots__ = ("_data", "_length", "_start")

    def __init__(self, data: bytes, start: int, length: int) -> None:
        self._data, self._start, self._length = data, start, length

    def __len__(self) -> int:
        return self._length

    def __getitem__(self, key: slice) -> bytes:
        if not isinstance(key, slice):
            raise TypeError("the glyph table is read in slices")
        start, stop, step = key.indices(self._length)
        if step != 1:
            raise ValueError("the glyph table is read in whole slices")
        return self._data[self._start + start : self._start + max(start, stop)]


class _SubsettingFace(TTFontFace):  # type: ignore[misc]
    """reportlab's face, except that subsetting does not copy the ``glyf`` table and a
    subset already cut is not cut again.

    ``TTFontFile.makeSubset`` (reportlab 5.1) takes ``get_table("glyf")`` (a copy of the
    whole table: 10-30 MB for a Chinese font) and slices each glyph of the subset out of
    it, once per subset of 256 characters, which was most of the time a document took to
    write its fonts. Here that table is a view (:class:`_GlyphTable`) slicing the file's
    bytes directly; every other table is reportlab's copy. A subset is a function of the
    font and its characters in order, and documents of one kind repeat their subsets (a
    third of them were new when printing every demo document), so the last
    :data:`_SUBSETS_KEPT` are kept (:func:`_cut`). Nothing else changes: the subset is the
    same bytes (tests/printing/test_font_subsets.py makes the same subsets with
    reportlab's own face and compares them)."""

    def get_table(self, tag: str) -> Any:
        if tag == "glyf":
            start, length = self.get_table_pos(tag)
            return _GlyphTable(self._ttf_data, start, length)
        return super().get_table(tag)

    def makeSubset(self, subset: Sequence[int]) -> bytes:
        return _cut(self, tuple(subset))


_SUBSETS_KEPT = 256  # about 60 KB each


@functools.lru_cache(maxsize=_SUBSETS_KEPT)
def _cut(face: _SubsettingFace, subset: tuple[int, ...]) -> bytes:
    """reportlab's ``makeSubset`` of ``face`` (the faces live as long as the process)."""
    made: bytes = TTFontFace.makeSubset(face, list(subset))
    return made


def _subsetting(font: TTFont) -> TTFont:
    """``font`` with its face subsetting through :class:`_SubsettingFace`. reportlab's
    TTFont makes its face itself (a ``TTFontFace``); the face's class is changed after
    the file is read, rather than the file read twice (the subclass adds no state). A
    face of another class (another reportlab) is left as it is; a test says so."""
    if type(font.face) is TTFontFace:
        font.face.__class__ = _SubsettingFace
    return font


def _name_for(path: Path, index: int) -> str:
    if path.name in _SHIPPED_NAMES and index == 0:
        shipped = _SHIPPED_NAMES[path.name]
        if path.parent == resource_path("fonts"):
            return shipped
    digest = hashlib.sha1(f"{path}|{index}".encode()).hexdigest()[:10]
    return f"MD-{path.stem}-{digest}"


def _key(path: Path, subfont_index: int) -> tuple[str, int]:
    return (str(path.resolve()), subfont_index)


def register_file(path: Path, *, subfont_index: int = 0) -> str | None:
    """Register one TrueType file in reportlab (once); its font name, or None if unusable."""
    key = _key(path, subfont_index)
    with _lock:
        if key in _files:
            return _files[key]
        name: str | None = _name_for(path, subfont_index)
        try:
            font = _subsetting(TTFont(name, str(path), subfontIndex=subfont_index))
            pdfmetrics.registerFont(font)
        except Exception as exc:  # missing, unreadable, CFF outlines, truncated …
            log.warning("font %s unusable (%s: %s)", path, type(exc).__name__, exc)
            if path.exists():
                message = f"无法使用字体文件“{path}”（{exc}）。"
            else:
                message = f"找不到字体文件“{path}”。"
            _file_errors[key] = message
            _record(message)
            name = None
        _files[key] = name
        return name


def file_problem(path: Path, *, subfont_index: int = 0) -> str | None:
    """Why a file could not be registered (None if it was, or was never tried)."""
    with _lock:
        return _file_errors.get(_key(path, subfont_index))


# Characters every Chinese body font has; a file without them is a Latin-only font.
_CJK_PROBE = "人民调解协议书"


def check_body_font(path: Path, *, subfont_index: int = 0) -> str | None:
    """Why ``path`` cannot be the body font, in plain Chinese; None when it can."""
    if path.suffix.lower() not in (".ttf", ".ttc", ".otf"):
        return f"“{path.name}”不是字体文件，请选择 .ttf 或 .ttc 格式的中文字体。"
    name = register_file(path, subfont_index=subfont_index)
    if name is None:
        problem = file_problem(path, subfont_index=subfont_index) or ""
        return f"{problem}请选择 TrueType（.ttf/.ttc）格式的中文字体。"
    face = getattr(pdfmetrics.getFont(name), "face", None)
    glyphs = getattr(face, "charToGlyph", {})
    if any(ord(ch) not in glyphs for ch in _CJK_PROBE):
        return f"字体“{path.name}”里没有汉字，请选择中文字体（如仿宋、宋体）。"
    return None


def _cid_fallback() -> str:
    with _lock:
        if CID_FALLBACK not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(UnicodeCIDFont(CID_FALLBACK))
    return CID_FALLBACK


@dataclass
class FontSet:
    """The fonts one configuration prints with (reportlab names) and how it got them."""

    config: FontConfig
    regular: str
    bold: str
    problems: list[str] = field(default_factory=list)
    _glyph_maps: dict[str, Any] = field(default_factory=dict, repr=False)
    _fallback_tried: dict[str, str | None] = field(default_factory=dict, repr=False)

    @property
    def embedded(self) -> bool:
        """False when printing fell back to the built-in, non-embedded CID font."""
        return CID_FALLBACK not in (self.regular, self.bold)

    def _cmap(self, font: str) -> Any:
        """The code points ``font`` has glyphs for (a container of ints)."""
        cmap = self._glyph_maps.get(font)
        if cmap is None:
            face = getattr(pdfmetrics.getFont(font), "face", None)
            cmap = getattr(face, "charToGlyph", None)
            if cmap is None:  # a CID font: it takes every character we give it
                cmap = _Everything()
            self._glyph_maps[font] = cmap
        return cmap

    def has_glyph(self, font: str, ch: str) -> bool:
        return ord(ch) in self._cmap(font)

    def _fallback(self, file_name: str) -> str | None:
        with _lock:
            if file_name not in self._fallback_tried:
                path = self.config.shipped(file_name)
                name = register_file(path)
                if name is None and file_name in FALLBACK_FILES:
                    self.problems.append(f"缺少生僻字字体“{file_name}”，部分生僻字可能无法打印。")
                elif name is None:
                    self.problems.append(f"缺少字体“{file_name}”，所选字体没有的字可能无法打印。")
                self._fallback_tried[file_name] = name
            return self._fallback_tried[file_name]

    def _fallbacks(self, font: str, ch: str) -> tuple[str, ...]:
        """The shipped files to look in, in order, for a character ``font`` lacks."""
        rare = FALLBACK_FILES if ord(ch) < 0x20000 else FALLBACK_FILES[::-1]
        if font in (self._fallback(REGULAR_FILE), self._fallback(BOLD_FILE)):
            return rare  # what Noto Serif lacks, only the rare-character fonts can have
        # An office's own font (e.g. 仿宋_GB2312), or the stand-in for a missing Noto Serif
        # file, lacks common characters too. HanaMinA holds only what Noto lacks
        # (scripts/subset_rare_font.py): Noto Serif of the weight in use comes first, then
        # the other weight, then the screen's Noto Sans SC.
        bold = font == self.bold and self.bold != self.regular
        serif = (BOLD_FILE, REGULAR_FILE) if bold else (REGULAR_FILE, BOLD_FILE)
        return (*serif, SCREEN_FILE, *rare)

    def font_for(self, ch: str, font: str) -> str:
        """The font to draw ``ch`` with when the text is set in ``font``."""
        if ch.isspace() or self.has_glyph(font, ch):
            return font
        if self.config.rare_fallback:
            for file_name in self._fallbacks(font, ch):
                name = self._fallback(file_name)
                if name is not None and self.has_glyph(name, ch):
                    return name
        if font != self.regular and self.has_glyph(self.regular, ch):
            return self.regular
        log.warning("no font has a glyph for %r (U+%04X)", ch, ord(ch))
        return font

    def runs(self, text: str, font: str) -> Iterator[tuple[str, str]]:
        """Split ``text`` into (text, font) runs, rare characters in their fallback font."""
        start, current = 0, ""
        cmap = self._cmap(font)
        for i, ch in enumerate(text):
            # what font_for answers, without the call for the characters the font has
            f = font if ord(ch) in cmap or ch.isspace() else self.font_for(ch, font)
            if f != current:
                if i > start:
                    yield text[start:i], current
                start, current = i, f
        if len(text) > start:
            yield text[start:], current


class _Everything:
    def __contains__(self, item: object) -> bool:
        return True


def _first_usable(candidates: list[tuple[Path, int]], problems: list[str]) -> str | None:
    for path, index in candidates:
        name = register_file(path, subfont_index=index)
        if name is not None:
            return name
        problem = file_problem(path, subfont_index=index)
        if problem and problem not in problems:
            problems.append(problem)
    return None


def _load(config: FontConfig) -> FontSet:
    problems: list[str] = []
    own = config.subfont_index
    body = [(config.body_font, own)] if config.body_font is not None else []
    regular = _first_usable(
        [
            *body,
            (config.shipped(REGULAR_FILE), 0),
            (config.shipped(BOLD_FILE), 0),
            # not HanaMin: it holds only the characters Noto lacks
            (config.shipped(SCREEN_FILE), 0),
        ],
        problems,
    )
    own_bold = [(config.bold_font, own)] if config.bold_font is not None else body
    bold = _first_usable([*own_bold, (config.shipped(BOLD_FILE), 0)], problems)
    if regular is None:
        log.warning("no TrueType font usable; printing with the built-in %s", CID_FALLBACK)
        message = "没有可用的字体文件，改用内置宋体打印（字体不嵌入文件，换电脑可能显示不同）。"
        _record(message)
        problems.append(message)
        regular = _cid_fallback()
    if problems:
        problems.append(f"打印使用的字体：{regular}。")
    return FontSet(config=config, regular=regular, bold=bold or regular, problems=problems)


def configure(config: FontConfig | None = None) -> FontSet:
    """Choose the fonts documents are printed with (the office's setting) and load them."""
    global _current
    with _lock:
        _current = config or FontConfig()
        return get_fonts()


def select(config: FontConfig | None = None) -> None:
    """Choose the fonts documents are printed with, loading them only when a document is
    first built (the program's start does not wait for 20 MB of fonts)."""
    global _current
    with _lock:
        _current = config or FontConfig()


def current_config() -> FontConfig:
    with _lock:
        return _current or FontConfig()


def get_fonts(config: FontConfig | None = None) -> FontSet:
    """The loaded fonts of ``config`` (default: the configured one, else the shipped)."""
    with _lock:
        config = config or _current or FontConfig()
        if config not in _sets:
            _sets[config] = _load(config)
        return _sets[config]
