"""The first week's dialogs on an old 1366×768 laptop, at the default and the largest 字号:
each one's frame lies on the screen and its buttons show whole, so 保存/下一步/取消 can be
clicked however long the form is (a long form scrolls above them), and a form that does not
scroll has the height its wrapped lines need.

The dialogs are opened in a program of their own (tests/ui/laptop_screen.py) whose offscreen
screen is 1366×768 with window frames: this process's screen is Qt's default 800×800."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.ui.laptop_screen import DIALOGS, SCREEN, SIZES, screen_config

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def measured(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    folder = tmp_path_factory.mktemp("laptop")
    config = screen_config(folder / "screen.json")
    out = folder / "measured.json"
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": f"offscreen:configfile={config}",
        "MEDIATION_DESK_TESTING": "1",
        "MEDIATION_DESK_HOME": str(folder / "home"),
    }
    done = subprocess.run(
        [sys.executable, "-m", "tests.ui.laptop_screen", str(out)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    result: dict[str, dict[str, Any]] = json.loads(out.read_text(encoding="utf-8"))
    return result


def inside(inner: list[int], outer: list[int]) -> bool:
    x, y, w, h = inner
    ox, oy, ow, oh = outer
    return ox <= x and oy <= y and x + w <= ox + ow and y + h <= oy + oh


@pytest.mark.slow
@pytest.mark.parametrize("dialog", DIALOGS)
@pytest.mark.parametrize("size", SIZES)
def test_the_dialog_and_its_buttons_fit_a_laptop_screen_measured_in_a_program_of_its_own(
    measured: dict[str, dict[str, Any]], size: str, dialog: str
) -> None:
    seen = measured[f"{size}/{dialog}"]
    screen = seen["available"]
    assert screen == [0, 0, *SCREEN]
    assert inside(seen["frame"], screen), seen["frame"]
    texts = [b["text"] for b in seen["buttons"]]
    assert any("取消" in t for t in texts), texts
    assert any("Ctrl+Enter" in t for t in texts), texts  # 保存, 登记, 下一步 …
    for button in seen["buttons"]:
        *_, w, h = button["global"]
        assert inside(button["global"], screen), button
        assert inside(button["global"], seen["frame"]), button
        assert button["shown"] == [0, 0, w, h], button  # whole: nothing covers or clips it
    if seen["needs"] is not None:  # no field squeezed (a list's last row under a button)
        assert seen["height"] >= seen["needs"], seen
