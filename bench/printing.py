"""Printing figures: font loading, the agreement, the bound case file (issue 4 targets)."""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import Any

from app.models import casefile, office
from app.models.casefile import CaseFile
from app.models.db import Database
from app.printing import agreement, case_file, fonts
from app.printing.common import count_pages
from app.printing.context import OfficeInfo, office_info
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
    return _ms(statistics.median(timed(partial(agreement.agreement_pdf, c, info)) for c in files))


# The fullest closed case with a written agreement: most session rows (sessions and
# investigations), then with follow-up visits and a judicial confirmation, then the oldest.
_CASE_FILE_CASE = """
SELECT c.id, count(s.id) AS n FROM cases c
JOIN agreements a ON a.case_id = c.id AND a.kind = 'written'
JOIN sessions s ON s.case_id = c.id
WHERE c.state IN ('closed', 'archived') AND c.outcome = 'agreement_written'
GROUP BY c.id
ORDER BY n DESC,
  EXISTS (SELECT 1 FROM follow_ups f WHERE f.case_id = c.id) DESC,
  EXISTS (SELECT 1 FROM judicial_confirmations j WHERE j.case_id = c.id) DESC,
  c.seq
LIMIT 1
"""


def case_file_case(db: Database) -> str:
    """The id of the case whose 卷宗 case_file_pdf_ms measures."""
    row = db.one(_CASE_FILE_CASE)
    if row is None:
        raise ValueError("no closed case with a written agreement and a session")
    return str(row["id"])


def with_sessions(case: CaseFile, count: int) -> CaseFile:
    """``case`` with ``count`` mediation sessions (kind "session"): its own, then copies of
    them in turn (new ids, same time and text) until there are ``count``."""
    own = [s for s in case.sessions if s.kind == "session"]
    if not own:
        raise ValueError("the case has no mediation session to copy")
    added = [
        replace(own[k % len(own)], id=f"{own[k % len(own)].id}-copy{k}")
        for k in range(count - len(own))
    ]
    sessions = sorted([*case.sessions, *added], key=lambda s: s.held_at)
    return replace(case, sessions=sessions)


def _office_for(db: Database, case: CaseFile) -> OfficeInfo:
    """What the UI prints with (app/ui/printing/context.py office_for), without the UI."""
    details = office.office_details(db)
    committee = office.get_committee(db, case.committee_id)
    return office_info(
        committee,
        seal_text=committee.seal_text,
        town_name=office.town_name(db),
        address=details.address,
        phone=details.phone,
        court_name=details.court_name,
        retention=details.retention,
    )


def case_file_pdf(path: Path, *, runs: int = 5, sessions: int = 10) -> dict[str, Any]:
    """Median ms of ``case_file.case_file_pdf`` (the whole 卷宗: cover, 卷内目录, every
    document, joined) for a closed case with a written agreement and ``sessions``
    mediation sessions, fonts loaded; the reference ``case_file_documents_ms`` is the
    same documents built one by one as the print menu does (no cover, contents or join).

    The generator writes at most four session rows a case (1-3 sessions and sometimes an
    investigation), so the fullest such case of the file is taken and given copies of
    its own sessions (:func:`with_sessions`).
    """
    fonts.get_fonts()
    with _open(path) as db:
        loaded = casefile.load_case(db, case_file_case(db))
        info = _office_for(db, loaded)
    case = with_sessions(loaded, sessions)
    pdf = case_file.case_file_pdf(case, info)  # warm-up: a rare name may load a fallback
    documents = [
        d
        for d in case_file.documents_of(case)
        if d.key not in (case_file.COVER, case_file.CONTENTS)
    ]

    def one_by_one() -> None:
        for d in documents:
            d.build(case, info)

    return {
        "case_file_pdf_ms": _ms(
            statistics.median(
                timed(lambda: case_file.case_file_pdf(case, info)) for _ in range(runs)
            )
        ),
        "case_file_documents_ms": _ms(statistics.median(timed(one_by_one) for _ in range(runs))),
        "case_file_pages": count_pages(pdf),
        "case_file_sessions": sum(1 for s in case.sessions if s.kind == "session"),
    }
