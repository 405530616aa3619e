"""七个一 figures (issue 5): one village's whole kit, and every village's kits in one file.

The kits read only the registries and the content library, not the cases, so they are
measured on an office of their own: 30 villages, each with 2 grids of 20 households,
3 法律明白人, a 评理说事点, 2 village mediators and a 4-week broadcast schedule.

Run alone and merge into bench/results.json::

    .venv/bin/python -m bench.outreach
"""

from __future__ import annotations

import argparse
import io
import json
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from pypdf import PdfReader

from app.models import accounts, office
from app.models import db as dbmod
from app.models import outreach_content as oc
from app.models import registries as reg
from app.models.db import Database
from app.printing import fonts
from app.printing.outreach import animation, kit, source
from bench.measure import _ms

RESULTS = Path(__file__).resolve().parent / "results.json"
VILLAGES = 30
TODAY = date(2026, 11, 20)
FIGURES = [
    "outreach_kit_village_ms",
    "outreach_kit_all_ms",
    "outreach_kit_all_pages",
    "outreach_kit_page_ms",
]
NOTES = {
    "outreach": "an office of 30 villages (2 grids x 20 households, 3 法律明白人, a 评理说事点, "
    "2 mediators, 4 broadcasts each), fonts loaded. outreach_kit_village_ms: read one "
    "village's data and build all seven printables, median over the 30 villages; "
    "outreach_kit_all_ms: read every village and build the one-file kit of all 30; "
    "outreach_kit_page_ms: that over its pages (outreach_kit_all_pages). Each timed with "
    "an empty memo of QR codes (the first print of a session)"
}
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = ("建国", "秀英", "桂兰", "志强", "海燕", "国华", "春梅", "德胜", "玉珍", "丽华", "振华")


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN)


def _phone(rng: random.Random) -> str:
    return f"13{rng.randrange(0, 10)}{rng.randrange(10**7, 10**8)}"


def build_office(path: Path, *, villages: int = VILLAGES, seed: int = 5) -> Database:
    """The office the kits are measured on, through the registry services."""
    rng = random.Random(seed)
    db = dbmod.connect(path)
    names = [f"第{n}村" for n in range(1, villages + 1)]
    office.setup_office(
        db,
        committee_name="青山镇人民调解委员会",
        abbr="青山",
        town_name="青山镇",
        villages=names,
        user_name="李主任",
        password="qingshan26",
    )
    by = accounts.acting_as(db, office.current_user(db).id)
    with db.transaction():
        for village in office.villages(db):
            committee = reg.COMMITTEES.add(
                db, by=by, place_id=village.id, name=f"{village.name}人民调解委员会"
            )
            for _ in range(2):
                reg.MEDIATORS.add(
                    db, by=by, name=_name(rng), committee_id=committee, phone=_phone(rng)
                )
            for g in range(2):
                grid = reg.GRIDS.add(db, by=by, village_id=village.id, name=f"第{g + 1}网格")
                reg.GRID_WORKERS.add(db, by=by, grid_id=grid, name=_name(rng), phone=_phone(rng))
                for house in range(1, 21):
                    reg.HOUSEHOLDS.add(
                        db,
                        by=by,
                        grid_id=grid,
                        house_number=str(house),
                        head_name=_name(rng),
                        phone=_phone(rng),
                        members=[reg.Member(_name(rng), "配偶"), reg.Member(_name(rng), "子")],
                    )
            for area in ("一组、二组", "三组、四组", "五组、六组"):
                reg.LEGAL_ADVISERS.add(
                    db, by=by, village_id=village.id, name=_name(rng), phone=_phone(rng), area=area
                )
            reg.TALK_POINTS.add(
                db,
                by=by,
                village_id=village.id,
                name=f"{village.name}评理说事点",
                address=f"{village.name}村委会一楼",
                hours="每周一、三、五 上午8:30—11:30",
                staff=_name(rng),
                phone=f"0571-86{rng.randrange(100000, 1000000)}",
            )
            for week in range(4):
                reg.BROADCASTS.add(
                    db,
                    by=by,
                    village_id=village.id,
                    play_on=TODAY + timedelta(days=7 * week),
                    play_at="07:30",
                    reader=_name(rng),
                )
        for n, item in enumerate(oc.items(db, "animation"), start=1):
            extra = {**item.extra, "link": f"https://www.example.com/weidongman/{n}.html"}
            oc.save_item(db, item.key, item.kind, item.title, item.body, extra, by=by)
    return db


def kit_figures(*, villages: int = VILLAGES) -> dict[str, float]:
    fonts.get_fonts()
    with tempfile.TemporaryDirectory() as tmp:
        db = build_office(Path(tmp) / "outreach.sqlite3", villages=villages)
        try:
            ids = [v.id for v in office.villages(db)]
            kit.village_kit_pdf(source.kit_data(db, ids[0]))  # warm-up: rare-glyph fonts
            one = []
            for village_id in ids:
                forget_layouts()
                t0 = time.perf_counter()
                kit.village_kit_pdf(source.kit_data(db, village_id, issued_on=TODAY))
                one.append(time.perf_counter() - t0)
            forget_layouts()
            t0 = time.perf_counter()
            pdf = kit.all_villages_kit_pdf(source.all_kit_data(db, issued_on=TODAY))
            everything = time.perf_counter() - t0
        finally:
            db.close()
    pages = len(PdfReader(io.BytesIO(pdf)).pages)
    return {
        "outreach_kit_village_ms": _ms(statistics.median(one)),
        "outreach_kit_all_ms": _ms(everything),
        "outreach_kit_all_pages": pages,
        "outreach_kit_page_ms": round(everything * 1000 / pages, 2),
    }


def forget_layouts() -> None:
    """Empty the memo of QR codes (animation._matrix; the paragraphs' memo,
    layout.remembered, lasts one kit anyway): each figure is timed as the first print of
    a session."""
    animation._matrix.cache_clear()


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.outreach", description=__doc__)
    p.add_argument("--out", type=Path, default=RESULTS)
    args = p.parse_args(argv)
    figures: dict[str, Any] = kit_figures()
    results = json.loads(args.out.read_text(encoding="utf-8")) if args.out.exists() else {}
    results.setdefault("figures", {}).update(figures)
    results.setdefault("notes", {}).update(NOTES)
    when = datetime.now(UTC).isoformat(timespec="seconds")
    results.setdefault("measured_separately", {})["outreach_kit_village_ms"] = (
        f"{when} (with every outreach_* figure: bench.outreach run alone and merged)"
    )
    args.out.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", "utf-8")
    for name, value in figures.items():
        print(f"{name:<28}{value:>10}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
