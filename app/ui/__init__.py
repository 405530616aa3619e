"""The PySide6 desktop interface."""

from app.ui.signals import guard_singletons

# Before any widget work: PySide6 6.12.0 on Python 3.11 leaks references to None/True.
guard_singletons()
