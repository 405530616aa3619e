"""Total-fit breaking costs only the starts a line can have (layout._justified_breaks):
its lines are those of the same dynamic programme run over every glyph, and a
paragraph broken from one of its line starts keeps the rest of its lines."""

from __future__ import annotations

import random

import pytest

from app.printing import layout as L
from tests.printing.test_linebreak import ALPHABET, glyphs

SPREAD, SQUEEZE = L.Paragraph.MAX_SPREAD, L.Paragraph.MAX_SQUEEZE


def every_start(g: list[L.Glyph], room: float) -> list[tuple[int, int]]:
    """(start, end) of each line, costing every glyph as a start (the plain programme)."""
    n = len(g)
    p = L._Paragraph(g)
    best = [0.0] * (n + 1)
    step: list[tuple[int, bool]] = [(n, True)] * (n + 1)
    for i in range(n - 1, -1, -1):
        j = p.overflow(i, room)
        if j >= n or g[j].ch == "\n":
            cost = best[min(j + 1, n)] + L._LINE
            if i and g[i - 1].ch != "\n" and p.drawn[j] - p.drawn[i] <= L.SHORT_LAST_GLYPHS:
                cost += L._SHORT_LAST
            best[i], step[i] = cost, (j, True)
            continue
        costs = [
            (best[p.resume[k]] + L._LINE + bad + (cut or 0.0), k)
            for k, bad, cut in p.choices(i, j, room, SPREAD, SQUEEZE)
        ]
        best[i], k = min(costs)
        step[i] = (k, False)
    out, i = [], 0
    while i < n:
        k, hard = step[i]
        out.append((i, k))
        i = k + 1 if hard else p.resume[k]
    return out


def text(seed: int) -> str:
    rng = random.Random(seed)
    out = ""
    while len(out) < 300:
        ch = rng.choice(ALPHABET + "\n" * (seed % 2))
        marks = L.CANNOT_START | L.CANNOT_END
        if ch in marks and out[-2:] and all(c in marks for c in out[-2:]):
            continue  # a legal break always exists
        out += ch
    return out


@pytest.mark.parametrize("seed", range(24))
def test_the_lines_are_those_of_every_start_costed(seed: int) -> None:
    g = glyphs(text(seed))
    room = [8, 10, 13, 27.5][seed % 4]
    lines = L.break_lines(g, lambda n: room, justify=True)
    assert [line.start for line in lines] == [start for start, _ in every_start(g, room)]
    assert len(lines) >= 10


@pytest.mark.parametrize("seed", range(0, 24, 2))
def test_a_paragraph_broken_from_a_line_start_keeps_its_lines(seed: int) -> None:
    g = glyphs(text(seed))
    lines = L.break_lines(g, lambda n: 10, justify=True)
    cut = lines[3].start
    rest = L.break_lines(g[cut:], lambda n: 10, justify=True)
    assert [(x.start + cut, x.end + cut) for x in rest] == [(x.start, x.end) for x in lines[3:]]
