"""app/qt: the one door to Qt says which PySide6 it was tested on."""

from __future__ import annotations

from app import qt


def test_the_pinned_pyside6_is_the_tested_one() -> None:
    assert qt.unsupported_reason() is None  # the lock's PySide6 (docs/platforms.md)
    assert qt.unsupported_reason((6, 9, 3)) is None


def test_another_pyside6_is_named_with_the_tested_range() -> None:
    reason = qt.unsupported_reason((6, 12, 0))
    assert reason is not None
    assert "6.12.0" in reason and "6.9 <= version < 6.10" in reason
    assert qt.unsupported_reason((6, 8, 1)) is not None


def test_the_versions_name_qt_and_the_binding() -> None:
    text = qt.versions_text()
    assert text.startswith("6.9.") and f"(PySide6 {qt.PYSIDE_VERSION_TEXT})" in text
