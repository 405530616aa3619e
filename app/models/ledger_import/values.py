"""Reading the values of one 台账 cell: categories, sources, outcomes, states, performance,
parties, case numbers, judicial confirmations. Dates and amounts are read by
app/models/parsing (``dates.cell_date``, ``money.cell_amount``), as typed ones are.

Every parser takes what the spreadsheet gave (text, a number, a date) and returns the
value the database stores, or raises :class:`CellError` whose ``message`` says in plain
Chinese what is wrong with the cell. Parsers that can fall back (an unknown category goes
to 其他) return a warning instead of raising.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field, replace
from datetime import date
from functools import lru_cache

from app.models.identity import (
    IdentityError,
    check_phone,
    check_resident_id,
    check_uscc,
    mask_id_number,
)
from app.models.parsing.cells import Cell, cell_text, norm
from app.models.parsing.dates import dates_in, read_date
from app.models.parsing.errors import ParseError
from app.models.privacy import redact as privacy_redact
from app.models.reference import CONFIRMATION_RESULTS, OUTCOMES, PERFORMANCE, STATES

# A cell's value cannot be used: the error of app/models/parsing, which reads the dates and
# amounts; ``message`` is plain Chinese for the user.
CellError = ParseError

_SPACES = re.compile(r"\s+")


# ---------------------------------------------------------------------------------------
# Categories, sources

# Local wording → standard category, by key words, first match wins (order matters:
# "交通事故损害赔偿" is a traffic case, "医疗损害" a medical one, "房屋拆迁" a 征地拆迁 one).
CATEGORY_KEYWORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("道路交通事故", ("交通", "车祸", "撞车", "机动车", "剐蹭")),
    ("劳动争议", ("劳资", "欠薪", "讨薪", "工资", "工钱", "劳务", "劳动", "工伤", "农民工")),
    ("医疗", ("医疗", "医患", "医院", "诊所")),
    ("征地拆迁", ("拆迁", "征地", "征收", "安置补偿", "补偿安置")),
    (
        "婚姻家庭",
        (
            *("婚姻", "家庭", "离婚", "婚约", "彩礼", "赡养", "抚养", "扶养", "继承", "遗产"),
            *("夫妻", "婆媳", "家事", "分家", "养老"),
        ),
    ),
    ("房屋宅基地", ("宅基地", "房屋", "建房", "住房", "房产", "盖房", "房子")),
    (
        "山林土地",
        ("山林", "土地", "林地", "承包地", "耕地", "林木", "田地", "地界", "山界", "田界"),
    ),
    ("环境污染", ("污染", "噪音", "噪声", "环境", "排污", "油烟", "粉尘")),
    ("物业管理", ("物业",)),
    ("旅游", ("旅游", "旅行", "导游", "景区")),
    ("知识产权", ("知识产权", "商标", "专利", "著作权", "版权")),
    ("互联网", ("互联网", "网络", "网购", "电商", "直播", "网上")),
    ("消费", ("消费", "购物", "商品", "产品质量", "退货", "售后")),
    (
        "合同",
        ("合同", "借款", "借贷", "欠款", "债务", "债权", "买卖", "租赁", "承揽", "装修", "欠账"),
    ),
    ("生产经营", ("生产", "经营", "合伙", "养殖", "种植", "承包")),
    (
        "损害赔偿",
        ("损害", "赔偿", "伤害", "打架", "斗殴", "人身", "损失", "损坏", "侵权", "狗咬", "宠物"),
    ),
    ("邻里", ("邻里", "相邻", "邻居", "通行", "排水", "采光", "滴水", "出行")),
    ("其他", ("其他", "其它")),
)
_CATEGORY_SUFFIXES = ("纠纷", "矛盾", "问题", "类", "案件")


@lru_cache(maxsize=8)
def _normalised(words: tuple[str, ...]) -> dict[str, str]:
    return {norm(w): w for w in words}


def parse_category(value: Cell, known: list[str]) -> tuple[str, str | None]:
    """(standard category, warning or None). Unknown or empty wording → 其他 with a warning."""
    shown = cell_text(value)
    text = norm(shown)
    if not text:
        return "其他", "纠纷类型为空，按“其他”导入。"
    known_norm = _normalised(tuple(known))
    stripped = text
    for _ in range(2):
        for suffix in _CATEGORY_SUFFIXES:
            if stripped.endswith(suffix) and len(stripped) > len(suffix):
                stripped = stripped.removesuffix(suffix)
    for candidate in (text, stripped):
        if candidate in known_norm:
            return known_norm[candidate], None
    for category, words in CATEGORY_KEYWORDS:
        if category in known and any(w in text for w in words):
            return category, None
    return "其他", f"纠纷类型“{shown}”不在标准分类中，按“其他”导入。"


SOURCE_KEYWORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("police", ("公安", "派出所", "警调", "警务", "110", "民警")),
    ("court", ("法院", "法庭", "诉调", "诉前", "委托调解")),
    ("petition", ("信访", "访调", "来信")),
    ("screening", ("排查", "网格", "明白人", "摸排", "走访", "巡查")),
    ("initiative", ("主动",)),
    (
        "government",
        ("政府", "部门", "综治", "街道", "乡镇", "镇里", "热线", "12345", "交办", "转办"),
    ),
    ("application", ("申请", "来访", "来电", "自行", "当事人", "求助")),
    ("other", ("其他", "其它")),
)


def parse_source(value: Cell, labels: dict[str, str]) -> tuple[str, str | None]:
    """(source key, warning or None). Empty → 当事人申请; unknown wording → 其他, warned."""
    shown = cell_text(value)
    text = norm(shown)
    if not text:
        return "application", None
    for key, label in labels.items():
        if text in (norm(label), key):
            return key, None
    for key, words in SOURCE_KEYWORDS:
        if key in labels and any(w in text for w in words):
            return key, None
    return "other", f"案件来源“{shown}”无法识别，按“其他”导入。"


# ---------------------------------------------------------------------------------------
# Outcomes, states, performance

OPEN = "open"  # an outcome cell that says the case is still being mediated
CLOSING_OUTCOMES = frozenset(OUTCOMES)

_OUTCOME_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (OPEN, ("调解中", "在办", "正在", "办理中", "未结", "进行中", "待调解", "跟踪", "未办结")),
    (
        "terminated",
        (
            "不成",
            "未成",
            "未达成",
            "失败",
            "终止",
            "不成功",
            "未调成",
            "无效",
            "无法达成",
            "未调解成",
        ),
    ),
    ("withdrawn", ("撤回", "撤销申请", "撤诉", "放弃", "不再要求")),
    ("agreement_oral", ("口头",)),
    (
        "agreement_written",
        ("书面", "协议", "成功", "调结", "达成", "化解", "已调解", "和解", "调处"),
    ),
)
_OUTCOME_EXACT = {norm(label): key for key, label in OUTCOMES.items()}
_OUTCOME_EXACT.update({"是": "agreement_written", "否": "terminated", "调解不成": "terminated"})


def parse_outcome(value: Cell) -> str | None:
    """An OUTCOMES key, OPEN (still mediating) or None (empty). Unknown wording raises."""
    shown = cell_text(value)
    text = norm(shown)
    if not text:
        return None
    if text in _OUTCOME_EXACT:
        return _OUTCOME_EXACT[text]
    for key, words in _OUTCOME_WORDS:
        if any(w in text for w in words):
            return key
    raise CellError(
        f"调解结果“{shown}”无法识别。请写成“调解成功”“达成口头协议”“调解不成”“撤回”或“调解中”。"
    )


def unclear_agreement(value: Cell) -> bool:
    """Whether a result read as 达成书面协议 leaves open whether the agreement was written or
    oral ("调解成功", "成功", "部分达成", "已调结" …): it names neither 书面 nor 协议."""
    text = norm(cell_text(value))
    return "书面" not in text and "协议" not in text


_STATE_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("voided", ("作废",)),
    ("declined", ("不予受理", "不受理", "未受理")),
    ("archived", ("归档", "存档")),
    ("closed", ("结案", "办结", "调结", "完结", "已完成", "已处理", "已化解")),
    ("mediating", ("调解中", "在办", "办理中", "正在", "未结", "进行中")),
    ("assigned", ("指派", "分派", "已分配")),
    ("accepted", ("受理", "立案")),
    ("registered", ("登记", "待受理")),
)
_STATE_EXACT = {norm(label): key for key, label in STATES.items()}


def parse_state(value: Cell) -> str | None:
    """A STATES key or None (empty). Unknown wording raises."""
    shown = cell_text(value)
    text = norm(shown)
    if not text:
        return None
    if text in _STATE_EXACT:
        return _STATE_EXACT[text]
    for key, words in _STATE_WORDS:
        if any(w in text for w in words):
            return key
    raise CellError(f"状态“{shown}”无法识别。请写成“已受理”“调解中”“已结案”“已归档”等。")


_PERFORMANCE_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("partial", ("部分",)),
    ("not_performed", ("未履行", "没有履行", "不履行", "拒不履行", "拒绝履行", "未兑现")),
    ("pending", ("未到", "履行中", "履行期内", "正在履行", "分期")),
    ("na", ("无需", "不需", "无须", "不涉及")),
    ("performed", ("已履行", "履行完毕", "全部履行", "已兑现", "已付", "已支付", "履行")),
)
_PERFORMANCE_EXACT = {norm(label): key for key, label in PERFORMANCE.items()}
_PERFORMANCE_EXACT.update({"是": "performed", "否": "not_performed", "无": "na"})


def parse_performance(value: Cell) -> tuple[str | None, str | None]:
    """(PERFORMANCE key or None, warning or None): unknown wording is left out, warned."""
    shown = cell_text(value)
    text = norm(shown)
    if not text:
        return None, None
    if text in _PERFORMANCE_EXACT:
        return _PERFORMANCE_EXACT[text], None
    for key, words in _PERFORMANCE_WORDS:
        if any(w in text for w in words):
            return key, None
    return None, f"履行情况“{shown}”无法识别，未导入。"


# ---------------------------------------------------------------------------------------
# Parties

_PARTY_SEPARATORS = re.compile(r"[、，,;；/\n\r]+")
_PAREN_TAIL = re.compile(r"^(.*?)\s*[（(]([^()（）]*)[)）]\s*$")
_ORG_SUFFIXES = (
    "公司",
    "厂",
    "店",
    "合作社",
    "委员会",
    "村委会",
    "居委会",
    "学校",
    "医院",
    "卫生院",
    "中心",
    "集团",
    "超市",
    "酒店",
    "饭店",
    "宾馆",
    "银行",
    "事务所",
    "工作室",
    "经营部",
    "商行",
    "门市部",
    "农场",
    "养殖场",
    "企业",
    "协会",
    "局",
    "所",
    "站",
)
_ONLY_CJK_AND_SPACE = re.compile(r"^[\u3400-\u9fff\U00020000-\U0003134F\s]+$")


@dataclass(frozen=True)
class PartyName:
    name: str
    kind: str  # person | org
    id_type: str = ""  # resident_id | resident_id_15 when a full number was given
    id_number: str = ""  # not yet checked (validate_party does that)
    org_code: str = ""  # a checked 统一社会信用代码
    phone: str = ""  # a checked phone number written beside the name


# Words written before a number in a party cell: not a party, not part of a name.
_NUMBER_LABELS = (
    *("公民身份号码", "身份证号码", "身份证号", "身份证", "证件号码", "证件号", "身份号码"),
    *("联系电话", "电话号码", "手机号码", "联系方式", "手机号", "电话", "手机", "tel"),
)
_LABEL = "(?:" + "|".join(_NUMBER_LABELS) + ")"
_NOT_BEFORE = r"(?<![0-9A-Za-z０-９Ａ-Ｚａ-ｚ*＊+＋])"
_NOT_AFTER = r"(?![0-9A-Za-z０-９Ａ-Ｚａ-ｚ*＊])"
_DIGIT_ = "0-9０-９"
# A number in a party cell, with the label before it: first written without spaces
# ("330102198001020013", "139-9876-5432", "330102********0013"), then, in what is left,
# digits spaced out in groups ("3301 0219 8001 0200 13").
_NUMBER_RUN = re.compile(
    rf"(?:{_LABEL}\s*[:：]?\s*|\s*){_NOT_BEFORE}"
    rf"(?P<run>[+＋]?[{_DIGIT_}](?:[{_DIGIT_}*＊]|[-－—](?=[{_DIGIT_}]))*[XxＸｘ]?){_NOT_AFTER}",
    re.IGNORECASE,
)
_SPACED_RUN = re.compile(
    rf"(?:{_LABEL}\s*[:：]?\s*|\s*){_NOT_BEFORE}"
    rf"(?P<run>[{_DIGIT_}](?:[\s\-－—]*[{_DIGIT_}*＊]){{5,}}(?:\s*[XxＸｘ])?){_NOT_AFTER}",
    re.IGNORECASE,
)
_USCC_RUN = re.compile(
    r"(?<![0-9A-Za-z０-９Ａ-Ｚａ-ｚ])[0-9A-Za-z０-９Ａ-Ｚａ-ｚ]{18}(?![0-9A-Za-z０-９Ａ-Ｚａ-ｚ])"
)
_LABEL_ONLY = re.compile(rf"^\s*{_LABEL}\s*[:：]?\s*$", re.IGNORECASE)
_TRAILING_LABEL = re.compile(rf"\s*{_LABEL}\s*[:：]?\s*$", re.IGNORECASE)
_EMPTY_BRACKETS = re.compile(r"[（(]\s*[)）]")
_LEFTOVER = " \t:：-－—（）()"
_MIN_DIGITS = 6  # a run this long is a number, never part of a name (validate_party)


@dataclass
class _Pulled:
    """The numbers taken out of one piece of a party cell."""

    id_type: str = ""
    id_number: str = ""
    org_code: str = ""
    phone: str = ""
    warnings: list[str] = field(default_factory=list)


def _pull_numbers(piece: str) -> tuple[str, _Pulled, bool]:
    """(the piece without its numbers and their labels, the numbers, whether any was
    there). An ID-shaped run goes to the ID number (checked later by validate_party), a
    phone-shaped one to the phone; a masked number is dropped (it carries nothing); any
    other run of six or more digits is dropped with a warning."""
    pulled = _Pulled()
    found = False

    def take(m: re.Match[str]) -> str:
        nonlocal found
        run = m["run"]
        digits = sum(ch.isdigit() for ch in run)
        masked = "*" in run or "＊" in run
        if digits < _MIN_DIGITS and not masked:
            return m[0]  # "张三2": not a number to take out (a name may hold one)
        found = True
        _classify(run, pulled)
        return " "

    def take_code(m: re.Match[str]) -> str:
        nonlocal found
        code = norm(m[0]).upper()
        if not any(ch.isalpha() for ch in code) or re.fullmatch(r"\d{17}X", code):
            return m[0]  # an ID number (its last may be X) or a USCC: told apart below
        if _is_uscc(code):
            pulled.org_code = pulled.org_code or code
        elif sum(ch.isdigit() for ch in code) >= _MIN_DIGITS:
            pulled.warnings.append(
                f"后面的“{mask_id_number(code)}”不是有效的统一社会信用代码，也不是身份证号，"
                "未导入。如需登记，请导入后在当事人信息中填写"
            )
        else:
            return m[0]
        found = True
        return " "

    rest = _USCC_RUN.sub(take_code, piece)
    rest = _NUMBER_RUN.sub(take, rest)
    if any(ch.isdigit() for ch in rest):
        rest = _SPACED_RUN.sub(take, rest)
    if found:
        rest = _EMPTY_BRACKETS.sub("", rest)
        rest = _TRAILING_LABEL.sub("", rest).strip(_LEFTOVER)
        if rest.count("（") + rest.count("(") < rest.count("）") + rest.count(")"):
            rest = rest.rstrip("）)").strip(_LEFTOVER)
    return rest, pulled, found


def _classify(run: str, pulled: _Pulled) -> None:
    code = "".join(ch for ch in norm(run).upper() if ch not in "-—")
    shown = mask_id_number(code) if len(code) >= 15 else "*" * (len(code) - 4) + code[-4:]
    if "*" in code:
        return  # a masked number: nothing to keep
    if re.fullmatch(r"\d{17}[\dX]|\d{15}", code):
        if len(code) == 18 and not _is_resident_id(code) and _is_uscc(code):
            kind, value = "org", code
        else:
            kind, value = ("resident_id" if len(code) == 18 else "resident_id_15"), code
        if kind == "org":
            if not pulled.org_code:
                pulled.org_code = value
            return
        if pulled.id_number:
            pulled.warnings.append(
                f"写了不止一个身份证号，只导入了第一个，另一个（{shown}）未导入。"
                "请导入后核对当事人信息中的号码"
            )
            return
        pulled.id_type, pulled.id_number = kind, value
        return
    try:
        phone = check_phone(run)
    except IdentityError:
        pulled.warnings.append(
            f"后面的数字“{shown}”既不是身份证号（应为 18 位或 15 位），也不是电话号码，未导入。"
            "如是当事人的证件号码或电话，请导入后在当事人信息中填写"
        )
        return
    if pulled.phone:
        pulled.warnings.append(
            f"写了不止一个电话，只导入了第一个，另一个（{shown}）未导入。"
            "如需要，请导入后写在当事人信息中"
        )
        return
    pulled.phone = phone


def parse_parties(value: Cell) -> tuple[list[PartyName], list[str]]:
    """Names separated by 、，,;； or new lines, each optionally followed by an ID number in
    brackets: "张三（330102198001020013）、李四（330102********1234）、某某公司（9133…）".

    Numbers written beside a name, with or without brackets and labels ("张三 3301…",
    "张三（3301…）电话139…", "张三，身份证号3301…") are taken out of it: an ID number
    to the ID number (checked later), a phone to the phone; masked numbers are dropped; a
    piece holding only a label and numbers ("身份证号3301…") belongs to the party before
    it and is no party of its own. Other bracketed text, and numbers that are neither, are
    left out with a warning (the name is still imported)."""
    parties: list[PartyName] = []
    warnings: list[str] = []
    for piece in _PARTY_SEPARATORS.split(cell_text(value)):
        piece = piece.strip()
        if not piece:
            continue
        name, pulled, had_numbers = piece, _Pulled(), False
        if any(ch.isdigit() for ch in piece):
            name, pulled, had_numbers = _pull_numbers(piece)
        if not name.strip(_LEFTOVER) or _LABEL_ONLY.match(name):
            if had_numbers:
                _attach(parties, pulled, warnings)
            continue  # a label alone ("电话："): no party
        party = _party_of(piece, name, pulled, warnings)
        if party is not None:
            parties.append(party)
    return parties, warnings


def _party_of(piece: str, name: str, pulled: _Pulled, warnings: list[str]) -> PartyName | None:
    """The party a piece of the cell names (``name`` with its numbers ``pulled`` out of
    it), its bracketed code read; None for a piece with no name left."""
    inner = ""
    if ("(" in name or "（" in name) and (m := _PAREN_TAIL.match(name)):
        name, inner = m[1].strip(), m[2].strip()
    if _SPACES.search(name) and _ONLY_CJK_AND_SPACE.match(name):
        name = _SPACES.sub("", name)  # "张  三": spaces that align two-character names
    if not name:
        return None
    if len(name) > 60:
        raise CellError(f"当事人“{name[:20]}…”太长（最多 60 个字），请检查是否少了分隔符“、”。")
    id_type, id_number, org_code = pulled.id_type, pulled.id_number, pulled.org_code
    code = norm(inner).upper() if inner else ""
    if not code or "*" in code:
        pass  # nothing in brackets, or a masked number: nothing to keep
    elif re.fullmatch(r"[0-9A-Z]{18}", code) and _is_uscc(code):
        org_code = code
    else:
        warnings.append(f"“{privacy_redact(piece)}”括号中的内容未导入。")
    kind = "org" if org_code or name.endswith(_ORG_SUFFIXES) else "person"
    warnings.extend(f"“{name}”{w}" for w in pulled.warnings)
    if kind == "org" and id_number:
        warnings.append(
            f"“{name}”是单位，后面的身份证号（{mask_id_number(id_number)}）未导入。"
            "如是其负责人的号码，请导入后在当事人信息中填写"
        )
    if kind == "org":
        id_type = id_number = ""
    return PartyName(name, kind, id_type, id_number, org_code, pulled.phone)


def _attach(parties: list[PartyName], pulled: _Pulled, warnings: list[str]) -> None:
    """Numbers written apart from the name they belong to ("张三，身份证号3301…"): to the
    party before them."""
    if not parties:
        if pulled.id_number or pulled.phone or pulled.org_code:
            warnings.append("当事人栏中的号码前面没有姓名，号码未导入。请导入后在当事人信息中填写")
        warnings.extend(pulled.warnings)
        return
    before = parties[-1]
    where = f"“{before.name}”"
    warnings.extend(f"{where}{w}" for w in pulled.warnings)
    changes: dict[str, str] = {}
    if pulled.id_number and before.kind == "person":
        if before.id_number:
            warnings.append(
                f"{where}写了不止一个身份证号，只导入了第一个，另一个"
                f"（{mask_id_number(pulled.id_number)}）未导入。请导入后核对当事人信息中的号码"
            )
        else:
            changes.update(id_type=pulled.id_type, id_number=pulled.id_number)
    if pulled.phone:
        if before.phone:
            warnings.append(
                f"{where}写了不止一个电话，只导入了第一个，另一个未导入。"
                "如需要，请导入后写在当事人信息中"
            )
        else:
            changes["phone"] = pulled.phone
    if pulled.org_code and before.kind == "org" and not before.org_code:
        changes["org_code"] = pulled.org_code
    if changes:
        parties[-1] = replace(before, **changes)


def _is_resident_id(code: str) -> bool:
    try:
        check_resident_id(code)
    except IdentityError:
        return False
    return True


def _is_uscc(code: str) -> bool:
    try:
        check_uscc(code)
    except IdentityError:
        return False
    return True


_SIDES = re.compile(r"\s*(?:与|和|诉|VS\.?|vs\.?|－|—+|--)\s*")


def split_sides(value: Cell) -> tuple[str, str]:
    """A 当事人 cell holding both sides, "张三与李四" / "张三诉李四", as (applicants, respondents);
    without such a word the whole cell is one side (committee-initiated: 当事人)."""
    text = cell_text(value)
    parts = _SIDES.split(text, maxsplit=1)
    if len(parts) == 2 and parts[0].strip() and parts[1].strip():
        return parts[0], parts[1]
    return text, ""


# ---------------------------------------------------------------------------------------
# Case numbers, judicial confirmations


@dataclass(frozen=True)
class CaseNumber:
    text: str
    year: int | None
    seq: int | None
    matches_pattern: bool  # written the way the committee's own numbers are


def number_regex(pattern: str, abbr: str) -> re.Pattern[str]:
    """The committee's number pattern as a regex over NFKC text (any zero padding)."""
    escaped = re.escape(unicodedata.normalize("NFKC", pattern))
    escaped = escaped.replace(r"\{year\}", r"(?P<year>\d{4})")
    escaped = escaped.replace(r"\{abbr\}", re.escape(unicodedata.normalize("NFKC", abbr)))
    escaped = escaped.replace(r"\{seq\}", r"(?P<seq>\d+)")
    return re.compile("^" + escaped + "$")


_YEAR_IN_BRACKETS = re.compile(r"[(\[〔【﹝]\s*((?:19|20)\d{2})\s*[)\]〕】﹞]")
_YEAR_AT_START = re.compile(r"^((?:19|20)\d{2})")
_LAST_DIGITS = re.compile(r"(\d+)\D*$")


def parse_case_number(value: Cell, own: re.Pattern[str] | None = None) -> CaseNumber | None:
    text = cell_text(value)
    if not text:
        return None
    n = _SPACES.sub("", unicodedata.normalize("NFKC", text))
    if own is not None and (m := own.match(n)):
        return CaseNumber(text, int(m["year"]), int(m["seq"]), True)
    if n.isdigit() and len(n) >= 7 and n[:2] in ("19", "20"):
        return CaseNumber(text, int(n[:4]), int(n[4:]), False)
    year_m = _YEAR_IN_BRACKETS.search(n) or _YEAR_AT_START.match(n)
    year = int(year_m[1]) if year_m else None
    rest = n[year_m.end() :] if year_m else n
    seq_m = _LAST_DIGITS.search(rest)
    seq = int(seq_m[1]) if seq_m else None
    return CaseNumber(text, year, seq, False)


@dataclass(frozen=True)
class ConfirmationValue:
    applied_on: date
    court: str
    number: str
    result: str  # a CONFIRMATION_RESULTS key
    decided_on: date | None


_NO_WORDS = {"否", "无", "未申请", "没有", "不申请", "未", "-", "/", "—"}


def parse_confirmation(value: Cell) -> ConfirmationValue | None:
    """ "2024-03-05；某县人民法院；（2024）…调确字第12号；裁定确认有效 2024-03-20", as the
    export writes it (parts in any order). None when the cell says there was none; raises
    CellError when it cannot be read (at least an application date and a court)."""
    shown = cell_text(value)
    if norm(shown) in _NO_WORDS or not shown:
        return None
    applied_on: date | None = None
    decided_on: date | None = None
    court = number = ""
    result = "pending"
    for part in re.split(r"[；;\n]+", shown):
        part = part.strip()
        if not part:
            continue
        label = next((k for k, v in CONFIRMATION_RESULTS.items() if v in part), None)
        if label is None and ("驳回" in part or "不予确认" in part):
            label = "rejected"
        elif label is None and ("确认有效" in part or "已确认" in part):
            label = "confirmed"
        dates = dates_in(part)
        if label is not None:
            result = label
            if dates:
                decided_on = read_date(dates[0])
        elif "调确" in part or part.endswith("号"):
            number = part
        elif part.endswith(("法院", "法庭")):
            court = part
        elif dates and applied_on is None:
            applied_on = read_date(dates[0])
            rest = part.replace(dates[0], "").strip(" ，,申请于")
            if rest.endswith(("法院", "法庭")):
                court = rest
    if applied_on is None or not court:
        raise CellError(f"司法确认“{shown}”看不出申请日期和法院，未导入（原文保留在导入记录中）。")
    return ConfirmationValue(applied_on, court, number, result, decided_on)


# ---------------------------------------------------------------------------------------
# Rows that are not cases

TOTAL_WORDS = ("合计", "小计", "总计", "共计", "累计", "汇总", "总数")
FOOTER_WORDS = (
    *("制表人", "制表", "填表人", "填表", "填报人", "填报单位", "填报日期", "填报", "审核人"),
    *("审核", "审批", "负责人", "单位负责人", "分管领导", "主管领导", "统计人", "报送"),
    *("联系人", "联系电话", "注:", "说明:", "备注:", "附注:"),
)
# Any of the words above, as typed (full-width colons folded by NFKC are matched loosely):
# one search over a whole row tells the rows that cannot be a total or a footer.
_LABEL_HINT = re.compile(
    "|".join(
        re.escape(w.rstrip(":"))
        for w in sorted({*TOTAL_WORDS, *FOOTER_WORDS}, key=len, reverse=True)
    )
)
_TOTAL_AT_START = re.compile(r"^(?:" + "|".join(TOTAL_WORDS) + r")(?:[:(（\[]|\d|$)")
_LABEL_BRACKETS = re.compile(r"[(（\[【][^()（）\[\]【】]*[)）\]】]")


def is_total_label(text: str) -> bool:
    """A cell that names a 合计/小计 row: "合计", "小计：", "合计（件）", "上半年小计",
    "5月份小计", "本月合计", "2023年总计" (short text: a fact that mentions 合计 is not one)."""
    n = norm(text)
    if not n or len(n) > 20:
        return False
    bare = _LABEL_BRACKETS.sub("", n).rstrip(":：")
    if bare in TOTAL_WORDS or _TOTAL_AT_START.match(n):
        return True
    return len(bare) <= 12 and bare.endswith(TOTAL_WORDS)


def is_footer_label(text: str) -> bool:
    """A cell of the sheet's foot: "制表人：李主任", "填报日期：2023年8月1日", "审核人",
    "注：…"."""
    n = norm(text)
    return bool(n) and len(n) <= 80 and n.startswith(FOOTER_WORDS)


@dataclass(frozen=True)
class RowKind:
    kind: str  # blank | total | footer
    column: int = -1  # the cell that says so
    text: str = ""


_BLANK = RowKind("blank")


def row_kind(texts: list[str], party_columns: tuple[int, ...] | None = None) -> RowKind | None:
    """Whether a row of the sheet is not a case: "blank", a "total" row (合计, 小计,
    上半年小计 …) or a "footer" (制表人, 审核人, 填报日期 …), found in any column; None for a
    row that may be a case.

    ``texts`` are the row's cells as text. A row whose party columns (``party_columns``)
    hold a name is a case whatever else it says (a fact may mention 合计); without them
    (unknown mapping) a row of more than three cells is."""
    filled = [(c, t) for c, t in enumerate(texts) if t]
    if not filled:
        return _BLANK
    if _LABEL_HINT.search("\x1f".join(t for _, t in filled)) is None:
        return None  # no word of a total or a footer anywhere in the row (most rows)
    label: RowKind | None = None
    for c, t in filled:
        if is_total_label(t):
            label = RowKind("total", c, t)
            break
        if label is None and is_footer_label(t):
            label = RowKind("footer", c, t)
    if label is None:
        return None
    if party_columns is None:
        return label if len(filled) <= 3 or label.kind == "total" else None
    for c in party_columns:
        t = texts[c] if c < len(texts) else ""
        if t and not is_total_label(t) and not is_footer_label(t):
            return None  # a case row (its facts or note may say 合计 or 说明：)
    return label
