"""Printing figures: font loading, the agreement, the bound case file (issue 4 targets)."""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
from pathlib import Path

from app.models import casefile, office
from app.printing import agreement, fonts
from app.printing.context import office_info
from bench.measure import _ms, _open, timed

# Run in a fresh interpreter: registering the fonts is once per process.
_FONT_LOAD = """
import json, time
t0 = time.perf_counter()
from app.printing import fonts
t1 = time.perf_counter()
fonts.get_fonts()
t2 = time.perf_counter()
print(json.dumps({"import": t1 - t0, "load": t2 - t1}))
"""


def font_load(*, runs: int = 3) -> dict[str, float]:
    """Median ms to register the body fonts in a fresh process (and to import reportlab)."""
    loads, imports = [], []
    for _ in range(runs):
        out = subprocess.run(
            [sys.executable, "-c", _FONT_LOAD], capture_output=True, text=True, check=True
        )
        data = json.loads(out.stdout.strip().splitlines()[-1])
        loads.append(data["load"])
        imports.append(data["import"])
    return {
        "font_load_ms": _ms(statistics.median(loads)),
        "printing_import_ms": _ms(statistics.median(imports)),
    }


def agreement_pdf(path: Path, *, count: int = 20) -> float:
    """Median ms of agreement_pdf over ``count`` written agreements, fonts already loaded."""
    fonts.get_fonts()
    with _open(path) as db:
        ids = [
            r[0]
            for r in db.query(
                "SELECT case_id FROM agreements WHERE kind = 'written' ORDER BY rowid LIMIT ?",
                (count,),
            )
        ]
        info = office_info(office.main_committee(db))
        files = [casefile.load_case(db, i) for i in ids]
    agreement.agreement_pdf(files[0], info)  # warm-up: the first text may load a fallback
    return _ms(
        statistics.median(timed(lambda c=c: agreement.agreement_pdf(c, info)) for c in files)
    )
