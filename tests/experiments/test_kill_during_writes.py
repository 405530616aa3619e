"""The kill -9 experiment (tests/experiments/kill_during_writes.py), a few kills of each
kind: after every kill the file passes integrity_check and opens in the program, every
commit the writer reported is there, no case lacks its parties, numbers are unique and the
counter stands at the last one given, and an import is wholly present or wholly absent."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.experiments.kill_during_writes import IMPORT_ROWS, run


@pytest.mark.slow
def test_kills_during_writes_and_imports_leave_a_sound_file(tmp_path: Path) -> None:
    figures = run(tmp_path, service_kills=3, import_kills=3, seed=7, log=False)
    summary = figures.summary()
    assert summary["problems"] == []
    assert summary["integrity_failures"] == 0
    assert summary["register_accept_good"] == 3
    assert summary["import_good"] == 3
    assert summary["imports_partial"] == 0
    assert summary["imports_whole"] + summary["imports_absent"] == 3
    assert summary["commits_reported_before_kills"] > 0  # the kills did land on writes
    assert summary["cases_in_the_file_at_the_end"] > 0
    assert summary["import_rows"] == IMPORT_ROWS
