"""同步 in the program: field laptops prepared, files exchanged, conflicts decided.

- prepare_dialog.py — 准备外出笔记本… (office only): the starter file for a laptop.
- sync_dialog.py — 同步…: merge the other side's sync file, write one for it.
- starter_open.py — a new laptop opens its starter file (first run, or ``--starter FILE``).
- common.py — the passphrase fields and dialog, 本机名称, and the words for files and times.
- conflicts_window.py — 冲突处理….

The models are in app/models/sync (docs/sync.md).
"""
