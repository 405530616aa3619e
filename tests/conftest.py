"""Test set-up shared by every test: offscreen Qt before any QApplication exists."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Keep test runs away from the user's real data and settings.
os.environ.setdefault("MEDIATION_DESK_TESTING", "1")
