"""Message boxes in tests: answered by a responder (``Boxes``), or real ones found on
screen and clicked (``wait_for_box`` / ``click``). The fixtures are in tests/ui/conftest.py."""

from __future__ import annotations

from dataclasses import dataclass, field

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot


@dataclass
class Boxes:
    """Every message box shown during a test; ``answer`` is what confirm() gets."""

    answer: bool = False
    calls: list[tuple[str, str, str]] = field(default_factory=list)
    # Answers by the question's title, before ``answer`` (e.g. yes to "确定结案？" but no
    # to printing the agreement afterwards).
    answers: dict[str, bool] = field(default_factory=dict)

    def answer_for(self, title: str) -> bool:
        return self.answers.get(title, self.answer)

    def kinds(self) -> list[str]:
        return [kind for kind, _title, _text in self.calls]

    def titles(self) -> list[str]:
        return [title for _kind, title, _text in self.calls]

    def texts(self) -> str:
        return "\n".join(text for _kind, _title, text in self.calls)


def open_boxes() -> list[QMessageBox]:
    """The message boxes on screen now (a box opened with open() is a window of its own)."""
    return [
        w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()
    ]


def wait_for_box(qtbot: QtBot, title: str) -> QMessageBox:
    """The one message box titled ``title``, once it is on screen."""
    qtbot.waitUntil(lambda: [b.windowTitle() for b in open_boxes()] == [title], timeout=3000)
    return open_boxes()[0]


def click(qtbot: QtBot, box: QMessageBox, text: str) -> None:
    """Click the box's button labelled ``text``, as the user does; the box goes away."""
    button = next((b for b in box.buttons() if b.text() == text), None)
    assert button is not None, f"no button {text!r} in {[b.text() for b in box.buttons()]}"
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: box not in open_boxes(), timeout=3000)
