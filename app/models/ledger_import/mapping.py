"""Which row holds the headers, what each column means, and checking the user's mapping.

Headers are matched by name with synonyms (编号/案号/案件编号, 申请人/当事人（申请方） …),
after full-width/half-width folding and removing spaces. Two-row headers (a merged
"当事人" above "申请人 | 被申请人", "日期" above "登记 | 受理 | 结案") are read as one name
per column. docs/ledger.md lists every synonym.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from app.models.errors import ColumnMappingError
from app.models.ledger import COLUMNS
from app.models.ledger_import.reading import Merge, Workbook
from app.models.parsing.cells import Cell, cell_text

# field key -> label (as the wizard and the messages name it), in the ledger's order
FIELDS: dict[str, str] = {
    "number": "案件编号",
    "registered_on": "登记日期",
    "accepted_on": "受理日期",
    "closed_on": "结案日期",
    "mediated_on": "调解日期",
    "applicants": "申请人",
    "respondents": "被申请人",
    "parties": "当事人（双方在一栏）",
    "category": "纠纷类型",
    "source": "案件来源",
    "village": "所在村（社区）",
    "mediators": "调解员",
    "state": "状态",
    "outcome": "调解结果",
    "amount": "协议金额（元）",
    "performance": "履行情况",
    "confirmation": "司法确认",
    "facts": "简要案情",
    "note": "备注",
}

# Exact header names (compared after normalising: NFKC, no spaces, no "*" or ":").
SYNONYMS: dict[str, tuple[str, ...]] = {
    "number": (
        *("案件编号", "编号", "案号", "案件号", "调解案号", "卷宗号", "案卷号", "卷号"),
        *("调解编号", "协议编号", "文书编号", "案件编码", "调字号", "调解文号"),
    ),
    "registered_on": (
        *("登记日期", "登记时间", "收案日期", "收案时间", "申请日期", "申请时间"),
        *("来访日期", "来访时间", "登记", "日期", "时间", "纠纷登记日期"),
    ),
    "accepted_on": ("受理日期", "受理时间", "立案日期", "立案时间", "受理"),
    "closed_on": (
        *("结案日期", "结案时间", "办结日期", "办结时间", "调结日期", "调结时间", "结案"),
        *("完成日期", "化解日期", "化解时间", "办结"),
    ),
    # the day of the (last) mediation: a closing date only when the wizard is told so
    "mediated_on": ("调解日期", "调解时间", "调处日期", "调处时间", "调解成功日期"),
    "applicants": (
        *("申请人", "申请方", "申请人姓名", "当事人(申请方)", "申请当事人", "申请人(甲方)"),
        *("甲方", "当事人甲", "第一当事人", "申请人姓名(名称)", "申请人(单位)"),
    ),
    "respondents": (
        *("被申请人", "被申请方", "被申请人姓名", "当事人(被申请方)", "被申请当事人"),
        *("被申请人(乙方)", "乙方", "当事人乙", "对方当事人", "第二当事人", "被申请人(单位)"),
    ),
    "parties": ("当事人", "双方当事人", "当事人姓名", "纠纷当事人", "当事人双方", "纠纷双方"),
    "category": (
        *("纠纷类型", "类型", "纠纷类别", "类别", "案件类型", "案件类别", "纠纷种类"),
        *("矛盾类型", "纠纷性质", "案由", "纠纷分类", "矛盾纠纷类型", "纠纷类型(类别)"),
    ),
    "source": ("案件来源", "来源", "纠纷来源", "案源", "来源渠道", "受理来源", "案件来源渠道"),
    "village": (
        *("所在村(社区)", "所在村", "村", "村居", "所属村", "村(社区)", "村社区", "村名"),
        *("村别", "社区", "所属村(社区)", "村(居)", "所属村居", "村居名称", "所在村居"),
        *("发生地", "纠纷发生地", "所属村(居)", "村(社区)名称", "所在村(居)"),
    ),
    "mediators": (
        *("调解员", "调解人", "调解人员", "承办人", "承办调解员", "主办调解员", "经办人"),
        *("主调解员", "调解员姓名", "承办人员", "调解员(承办人)"),
    ),
    "state": ("状态", "案件状态", "办理状态", "进展", "进展情况", "是否结案", "结案情况"),
    "outcome": (
        *("调解结果", "结果", "调处结果", "调解情况", "处理结果", "是否调解成功", "是否成功"),
        *("化解情况", "化解结果", "办理结果", "调解结果(成功/不成功)"),
    ),
    "amount": (
        *("协议金额(元)", "协议金额", "金额", "金额(元)", "涉及金额", "协议涉及金额"),
        *("涉案金额", "标的额", "标的", "赔偿金额", "履行金额", "调解金额", "涉及金额(元)"),
        *("协议金额(万元)", "涉及金额(万元)", "金额(万元)"),
    ),
    "performance": ("履行情况", "履行", "是否履行", "履行状态", "协议履行情况"),
    "confirmation": ("司法确认", "是否司法确认", "司法确认情况"),
    "facts": (
        *("简要案情", "案情", "纠纷简要情况", "基本情况", "主要事实", "纠纷情况", "案情简介"),
        *("事由", "纠纷事由", "案情摘要", "纠纷内容", "简要情况", "主要内容", "纠纷概况"),
        *("纠纷主要事实", "简要案情(事由)", "纠纷简况"),
    ),
    "note": ("备注", "说明", "附注"),
}
IGNORED: tuple[str, ...] = ("序号", "序", "编码序号", "no", "no.")

# Words that, inside a longer header, point to a field (weaker than an exact synonym).
CONTAINS: dict[str, tuple[str, ...]] = {
    "number": ("编号", "案号"),
    "registered_on": ("登记",),
    "accepted_on": ("受理",),
    "closed_on": ("结案", "办结", "调结"),
    "mediated_on": ("调解日", "调处日"),
    "applicants": ("申请人", "申请方"),
    "respondents": ("被申请人", "被申请方"),
    "parties": ("当事人",),
    "category": ("类型", "类别"),
    "source": ("来源",),
    "village": ("村", "社区"),
    "mediators": ("调解员", "承办人"),
    "outcome": ("结果",),
    "amount": ("金额",),
    "performance": ("履行",),
    "confirmation": ("司法确认",),
    "facts": ("案情",),
    "note": ("备注",),
}

REQUIRED_ANY: tuple[tuple[str, ...], ...] = (
    ("applicants", "parties"),
    ("registered_on", "accepted_on"),
    ("category",),
)
HEADER_SCAN_ROWS = 10

EXACT, BARE, CONTAINED = 3, 2, 1


def normalize_header(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    return re.sub(r"[\s*:：＊]+", "", text).lower()


def _without_brackets(text: str) -> str:
    return re.sub(r"\([^()]*\)", "", text)


_EXACT_INDEX: dict[str, str] = {}
for _field, _names in SYNONYMS.items():
    for _name in _names:
        _EXACT_INDEX.setdefault(normalize_header(_name), _field)
for _col in COLUMNS:  # whatever the export writes is read back
    _EXACT_INDEX[normalize_header(_col.header)] = _col.field


def match_header(text: str) -> tuple[str | None, int]:
    """(field, strength) for one header name; (None, 0) when it means nothing known."""
    h = normalize_header(text)
    if not h or h in IGNORED:
        return None, 0
    if h in _EXACT_INDEX:
        return _EXACT_INDEX[h], EXACT
    bare = _without_brackets(h)
    if bare and bare in _EXACT_INDEX:
        return _EXACT_INDEX[bare], BARE
    best: tuple[int, str] | None = None
    for field_key, words in CONTAINS.items():
        for w in words:
            if w in h and (best is None or len(w) > best[0]):
                best = (len(w), field_key)
    return (best[1], CONTAINED) if best else (None, 0)


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA (as Excel names columns)."""
    letters = ""
    n = index + 1
    while n:
        n, r = divmod(n - 1, 26)
        letters = chr(65 + r) + letters
    return letters


def describe_column(index: int, header: str) -> str:
    return f"{column_letter(index)} 列“{header}”" if header else f"{column_letter(index)} 列"


# ---------------------------------------------------------------------------------------
# The header row


@dataclass(frozen=True)
class HeaderGuess:
    row: int  # the Excel row number (1-based) of the last header row; data starts below it
    two_rows: bool  # the header spans this row and the one above it
    names: list[str]  # one name per column ("" for a column without a header)
    score: int


def _filled_grid(rows: list[list[Cell]], merges: list[Merge] | None, upto: int) -> list[list[str]]:
    """The first ``upto`` rows as text, merged ranges filled with their top-left value.
    (Without merge information, see _group_filled.)"""
    width = max((len(r) for r in rows[:upto]), default=0)
    grid = [[cell_text(r[c]) if c < len(r) else "" for c in range(width)] for r in rows[:upto]]
    if merges:
        for (r0, c0), (r1, c1) in merges:
            if r0 >= upto or c0 >= width:
                continue
            if r0 == r1 and c1 - c0 + 1 >= max(4, width * 0.6):
                continue  # a title across the sheet ("某某镇矛盾纠纷调解台账"), not a group
            value = grid[r0][c0]
            for r in range(r0, min(r1, upto - 1) + 1):
                for c in range(c0, min(c1, width - 1) + 1):
                    grid[r][c] = value
    return grid


def _group_filled(top: list[str], below: list[str], merges: list[Merge] | None) -> list[str]:
    """The upper row of a two-row header. Without merge information (.ods, .csv) an empty
    cell of a group header (a cell with a name under it, right of a group name that also
    has a name under it) takes the group name: “当事人 | ” over “申请人 | 被申请人”."""
    if merges is not None:
        return top
    filled = list(top)
    for c in range(1, min(len(filled), len(below))):
        if not filled[c] and below[c] and filled[c - 1] and below[c - 1]:
            filled[c] = filled[c - 1]
    return filled


def _combine(top: str, bottom: str) -> str:
    """One name for a column of a two-row header: the lower name, or both joined when that
    makes a known header ("登记" under "日期" → "登记日期"), or the upper one over an empty
    cell. (A data row under the header stays itself: "张三" does not become "申请人".)"""
    if not top or top == bottom:
        return bottom
    if not bottom:
        return top
    best, best_score = bottom, match_header(bottom)[1]
    for candidate in (bottom + top, top + bottom):
        score = match_header(candidate)[1]
        if score >= BARE and score > best_score:
            best, best_score = candidate, score
    return best


def _score(names: list[str]) -> int:
    best: dict[str, int] = {}
    for name in names:
        field_key, strength = match_header(name)
        if field_key is not None:
            best[field_key] = max(best.get(field_key, 0), strength)
    return sum(best.values())


def detect_header(workbook: Workbook, sheet: str) -> HeaderGuess:
    """Guess the header row: the one (or the pair of rows) among the first 10 that names the
    most known columns. The user can choose another row."""
    rows = workbook.rows(sheet)
    merges = workbook.merges(sheet)
    grid = _filled_grid(rows, merges, HEADER_SCAN_ROWS + 1)
    best: HeaderGuess | None = None
    for r in range(min(HEADER_SCAN_ROWS, len(grid))):
        single = grid[r]
        candidates = [(single, False)]
        if r > 0:
            above = _group_filled(grid[r - 1], single, merges)
            candidates.append(([_combine(t, b) for t, b in zip(above, single, strict=True)], True))
        for names, two in candidates:
            score = _score(names)
            if best is None or score > best.score:
                best = HeaderGuess(r + 1, two, names, score)
    if best is None or best.score == 0:
        first = next((i for i, row in enumerate(grid) if any(row)), 0)
        names = grid[first] if grid else []
        return HeaderGuess(first + 1, False, names, 0)
    return best


def header_names(workbook: Workbook, sheet: str, header_row: int) -> list[str]:
    """The column names when row ``header_row`` (1-based) is the (last) header row; the row
    above is read with it when that names more columns (a two-row header)."""
    rows = workbook.rows(sheet)
    if not rows:
        raise ColumnMappingError(
            f"工作表“{sheet}”是空的，没有可以导入的内容。请选择别的工作表，或检查是否选错了文件。",
            fields=(),
        )
    if not 1 <= header_row <= len(rows):
        raise ColumnMappingError(
            f"第{header_row}行不在表格范围内（共{len(rows)}行），请重新选择表头所在的行。",
            fields=(),
        )
    merges = workbook.merges(sheet)
    grid = _filled_grid(rows, merges, header_row)
    single = grid[header_row - 1]
    width = max((len(r) for r in rows[: header_row + 50]), default=len(single))
    single = single + [""] * (width - len(single))
    if header_row == 1:
        return single
    above = grid[header_row - 2] + [""] * (width - len(grid[header_row - 2]))
    above = _group_filled(above, single, merges)
    combined = [_combine(t, b) for t, b in zip(above, single, strict=True)]
    return combined if _score(combined) > _score(single) else single


# ---------------------------------------------------------------------------------------
# Mapping


def guess_mapping(headers: list[str]) -> dict[int, str]:
    """{column index: field} from the header names. A field goes to its best-matching column
    only (the leftmost on a tie), so a guess never maps a field twice."""
    best: dict[str, tuple[int, int]] = {}  # field -> (strength, column)
    for col, name in enumerate(headers):
        field_key, strength = match_header(name)
        if field_key is None:
            continue
        if field_key not in best or strength > best[field_key][0]:
            best[field_key] = (strength, col)
    if "parties" in best and ("applicants" in best or "respondents" in best):
        del best["parties"]  # 申请人/被申请人 columns say more than a 当事人 one
    return {col: field_key for field_key, (_, col) in sorted(best.items(), key=lambda x: x[1][1])}


def check_mapping(mapping: dict[int, str], headers: list[str]) -> None:
    """Raise ColumnMappingError if a field has two columns or a required field has none."""
    columns: dict[str, list[int]] = {}
    for col, field_key in sorted(mapping.items()):
        if field_key not in FIELDS:
            raise ColumnMappingError(
                f"{describe_column(col, _header(headers, col))}对应的项目“{field_key}”不存在。",
                fields=(field_key,),
            )
        columns.setdefault(field_key, []).append(col)
    for field_key, cols in columns.items():
        if len(cols) > 1:
            described = tuple(describe_column(c, _header(headers, c)) for c in cols)
            raise ColumnMappingError(
                f"“{FIELDS[field_key]}”对应了{len(cols)}列：{'、'.join(described)}。"
                "每一项只能对应一列，请把多余的列改为“不导入”。",
                fields=(FIELDS[field_key],),
                columns=described,
            )
    if "parties" in columns and ("applicants" in columns or "respondents" in columns):
        described = tuple(
            describe_column(c, _header(headers, c))
            for f in ("parties", "applicants", "respondents")
            for c in columns.get(f, [])
        )
        raise ColumnMappingError(
            f"“{FIELDS['parties']}”不能与“申请人”“被申请人”同时对应（{'、'.join(described)}）。"
            "请只保留一种。",
            fields=(FIELDS["parties"], FIELDS["applicants"]),
            columns=described,
        )
    for group in REQUIRED_ANY:
        if not any(f in columns for f in group):
            labels = "”或“".join(FIELDS[f] for f in group)
            raise ColumnMappingError(
                f"没有指定“{labels}”所在的列，这一项是必需的。"
                "请在列对应中选出表格里的这一列；如果表格里没有这一列，请先在 Excel 中补上。",
                fields=tuple(FIELDS[f] for f in group),
            )


def _header(headers: list[str], col: int) -> str:
    return headers[col] if col < len(headers) else ""
