"""Fixtures of the 同步 UI tests (defined in tests/ui/sync/laptops.py): cheap_keys, parent,
office_pc (the demo office named 办公室电脑) and laptop (周玉梅的笔记本, from its starter file)."""

from tests.ui.sync.laptops import cheap_keys, laptop, office_pc, parent  # noqa: F401
