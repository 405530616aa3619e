"""The hand-copy experiment (tests/experiments/backup_during_writes.py), 5 rounds: the
program's backups taken while another process registers and accepts cases all pass
integrity_check and hold every case committed before they began; a hand copy of the idle
file misses the case still in the -wal file, the program's backup does not."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.experiments.backup_during_writes import run


@pytest.mark.slow
def test_backups_taken_while_another_process_writes_are_all_sound(tmp_path: Path) -> None:
    figures = run(tmp_path, rounds=5, cases_at_start=60, log=False)
    assert figures.writer_commits > 0
    assert len(figures.backups) == 5
    for check in figures.backups:
        assert check.opens and check.integrity_ok, check
        assert check.cases is not None and check.cases >= check.committed_before, check
    # The program's copies are moments of the writer's work: they grow.
    counts = [c.cases for c in figures.backups if c.cases is not None]  # (all, as above)
    assert counts == sorted(counts)
    assert figures.idle_copy is not None and figures.idle_backup is not None
    assert figures.idle_copy.cases is not None
    assert figures.idle_copy.cases < figures.idle_copy.committed_before  # misses the -wal
    assert figures.idle_backup.good
