"""The outreach kits are built once per session: they are plain data in, bytes out."""

from __future__ import annotations

import pytest

from app.printing.outreach import kit
from tests.printing.outreach.sample import HONGQI, TAOYUAN


@pytest.fixture(scope="session")
def hongqi_kit() -> bytes:
    return kit.village_kit_pdf(HONGQI)


@pytest.fixture(scope="session")
def taoyuan_kit() -> bytes:
    return kit.village_kit_pdf(TAOYUAN)
