"""Identity data of parties: ID numbers, 统一社会信用代码, phone numbers, ethnic groups.

Pure standard-library Python. Every check either returns the normalised value (and, for
resident ID numbers, what the number says about the person) or raises :class:`IdentityError`
whose ``message`` is plain Chinese for the user: it names the field, says what is wrong and
what to do about it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

__all__ = [
    "ETHNIC_GROUPS",
    "ID_TYPES",
    "PHONE_FIELD",
    "RESIDENT_ID_FIELD",
    "USCC_FIELD",
    "IdentityError",
    "ResidentId",
    "check_id_document",
    "check_old_resident_id",
    "check_phone",
    "check_resident_id",
    "check_uscc",
    "mask_id_number",
    "normalize_id_number",
    "resident_id_check_char",
    "sex_and_birth_from_id",
    "uscc_check_char",
]

RESIDENT_ID_FIELD = "身份证号"
DOCUMENT_FIELD = "证件号码"
ID_TYPE_FIELD = "证件类型"
USCC_FIELD = "统一社会信用代码"
PHONE_FIELD = "联系电话"


class IdentityError(ValueError):
    """An identity value is wrong. ``field`` names it as the form labels it; ``message`` is
    plain Chinese that says what is wrong and what to do."""

    field: str
    message: str

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message

    def __str__(self) -> str:
        return self.message


ID_TYPES: dict[str, str] = {
    "resident_id": "居民身份证",
    "resident_id_15": "居民身份证（15位旧号）",
    "passport": "护照",
    "hk_macao_permit": "港澳居民来往内地通行证",
    "taiwan_permit": "台湾居民来往大陆通行证",
    "hk_macao_residence": "港澳台居民居住证",
    "foreign_residence": "外国人永久居留身份证",
    "other": "其他证件",
}

# GB/T 3304 order, 汉族 first.
ETHNIC_GROUPS: tuple[str, ...] = (
    "汉族", "蒙古族", "回族", "藏族", "维吾尔族", "苗族", "彝族", "壮族",
    "布依族", "朝鲜族", "满族", "侗族", "瑶族", "白族", "土家族", "哈尼族",
    "哈萨克族", "傣族", "黎族", "傈僳族", "佤族", "畲族", "高山族", "拉祜族",
    "水族", "东乡族", "纳西族", "景颇族", "柯尔克孜族", "土族", "达斡尔族", "仫佬族",
    "羌族", "布朗族", "撒拉族", "毛南族", "仡佬族", "锡伯族", "阿昌族", "普米族",
    "塔吉克族", "怒族", "乌孜别克族", "俄罗斯族", "鄂温克族", "德昂族", "保安族", "裕固族",
    "京族", "塔塔尔族", "独龙族", "鄂伦春族", "赫哲族", "门巴族", "珞巴族", "基诺族",
)  # fmt: skip


@dataclass(frozen=True)
class ResidentId:
    """What a valid resident ID number (or residence permit number) says about its holder."""

    number: str  # normalised: ASCII digits, uppercase X
    sex: str  # "男" / "女"
    birth_date: date
    region_code: str  # first 6 digits


# --------------------------------------------------------------------------- normalising

_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"))


def _nfkc(text: str) -> str:
    """Full-width digits/letters/punctuation to ASCII; invisible characters removed."""
    return unicodedata.normalize("NFKC", text).translate(_INVISIBLE)


def normalize_id_number(text: str) -> str:
    """Remove spaces, turn full-width digits and letters into ASCII, uppercase letters
    (so a lowercase ``x`` check character becomes ``X``)."""
    return "".join(_nfkc(text).split()).upper()


def _show(ch: str) -> str:
    """A character as it should appear in a message."""
    if ch == " ":
        return "空格"
    return f"“{ch}”"


# --------------------------------------------------------------------------- resident IDs

_RID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_RID_CHECK = "10X98765432"


def resident_id_check_char(first17: str) -> str:
    """The GB 11643 (ISO 7064 MOD 11-2) check character for the first 17 digits."""
    if len(first17) != 17 or not first17.isascii() or not first17.isdigit():
        raise IdentityError(RESIDENT_ID_FIELD, "计算校验码需要身份证号的前 17 位数字。")
    total = sum(int(d) * w for d, w in zip(first17, _RID_WEIGHTS, strict=True))
    return _RID_CHECK[total % 11]


def _today(today: date | None) -> date:
    return today if today is not None else date.today()


def _birth_date(field: str, what: str, digits: str, positions: str, today: date | None) -> date:
    """Parse YYYYMMDD taken from an ID number; messages name where it sits in the number."""
    year, month, day = int(digits[0:4]), int(digits[4:6]), int(digits[6:8])
    shown = f"{digits[0:4]}年{digits[4:6]}月{digits[6:8]}日"
    try:
        born = date(year, month, day)
    except ValueError:
        problem = "这一天不存在" if 1 <= month <= 12 else f"月份“{digits[4:6]}”不存在"
        raise IdentityError(
            field,
            f"{what}{positions}是出生日期，{shown}{problem}，请对照证件核对这几位。",
        ) from None
    if year < 1900:
        raise IdentityError(
            field,
            f"{what}{positions}是出生日期，{shown}早于 1900 年，不可能是真实的出生日期，"
            "请对照证件核对这几位。",
        )
    if born > _today(today):
        raise IdentityError(
            field,
            f"{what}{positions}是出生日期，{shown}晚于今天，请对照证件核对这几位。",
        )
    return born


def _check_chars(field: str, what: str, number: str, *, last_may_be_x: bool) -> None:
    """Every character must be an ASCII digit, except an X in the last position."""
    for i, ch in enumerate(number, start=1):
        if "0" <= ch <= "9":
            continue
        if ch == "X" and last_may_be_x and i == len(number):
            continue
        if ch == "X" and last_may_be_x:
            raise IdentityError(
                field,
                f"{what}第 {i} 位是“X”，只有最后一位可以是 X，其余都应是数字，请核对后重新输入。",
            )
        raise IdentityError(
            field,
            f"{what}第 {i} 位是{_show(ch)}，{what}只能由数字组成"
            + ("（最后一位可以是 X）" if last_may_be_x else "")
            + "，请核对后重新输入。",
        )


def _check_18(
    number: str, *, field: str, what: str, today: date | None, region_first: str = "12345678"
) -> ResidentId:
    """The shared part of 18-digit resident ID and residence permit checks.
    ``number`` is already normalised."""
    if not number:
        raise IdentityError(field, f"请填写{what}。")
    _check_chars(field, what, number, last_may_be_x=True)
    if len(number) != 18:
        hint = "漏输" if len(number) < 18 else "多输"
        extra = ""
        if len(number) == 15 and what == RESIDENT_ID_FIELD:
            extra = "如果是 15 位的老身份证号，请把证件类型选为“居民身份证（15位旧号）”。"
        raise IdentityError(
            field,
            f"{what}应为 18 位，现在是 {len(number)} 位，请检查是否{hint}了数字。{extra}",
        )
    if number[0] not in region_first:
        raise IdentityError(
            field,
            f"{what}的第 1 位不能是“{number[0]}”（前 6 位是地区代码），请核对后重新输入。",
        )
    born = _birth_date(field, what, number[6:14], "第 7–14 位", today)
    expected = resident_id_check_char(number[:17])
    if number[17] != expected:
        raise IdentityError(
            field,
            f"{what}最后一位校验码不对，应为 {expected}，现在是 {number[17]}。"
            "多半是某一位输错了，请对照证件逐位核对后重新输入。",
        )
    sex = "男" if int(number[16]) % 2 == 1 else "女"
    return ResidentId(number=number, sex=sex, birth_date=born, region_code=number[:6])


def check_resident_id(number: str, *, today: date | None = None) -> ResidentId:
    """Check an 18-digit 居民身份证号 (GB 11643) and return what it says about the holder.

    ``today`` (default: the real today) bounds the birth date."""
    return _check_18(
        normalize_id_number(number), field=RESIDENT_ID_FIELD, what=RESIDENT_ID_FIELD, today=today
    )


def check_old_resident_id(number: str, *, today: date | None = None) -> ResidentId:
    """Check a 15-digit old resident ID number: 6 region digits, YYMMDD (19YY), 3 order
    digits whose last is odd for men. No check digit."""
    field = what = RESIDENT_ID_FIELD
    n = normalize_id_number(number)
    if not n:
        raise IdentityError(field, f"请填写{what}。")
    _check_chars(field, "15 位旧身份证号", n, last_may_be_x=False)
    if len(n) != 15:
        extra = ""
        if len(n) == 18:
            extra = "这是 18 位的新号码，请把证件类型选为“居民身份证”。"
        raise IdentityError(
            field,
            f"旧身份证号应为 15 位，现在是 {len(n)} 位，请核对后重新输入。{extra}",
        )
    if n[0] not in "12345678":
        raise IdentityError(
            field,
            f"{what}的第 1 位不能是“{n[0]}”（前 6 位是地区代码），请核对后重新输入。",
        )
    born = _birth_date(field, what, "19" + n[6:12], "第 7–12 位", today)
    sex = "男" if int(n[14]) % 2 == 1 else "女"
    return ResidentId(number=n, sex=sex, birth_date=born, region_code=n[:6])


def sex_and_birth_from_id(number: str) -> tuple[str, date] | None:
    """For the UI: 性别 and 出生日期 from an 18- or 15-digit resident ID number, or None
    when the number is not (yet) valid. Never raises."""
    n = normalize_id_number(number)
    try:
        parsed = check_old_resident_id(n) if len(n) == 15 else check_resident_id(n)
    except IdentityError:
        return None
    return parsed.sex, parsed.birth_date


# --------------------------------------------------------------------------- other documents

_PASSPORT = re.compile(r"[A-Z0-9]{5,17}")
_HK_MACAO = re.compile(r"[HM](?:\d{8}|\d{10})")
_TAIWAN = re.compile(r"\d{8}|\d{10}")
_FOREIGN_OLD = re.compile(r"[A-Z0-9]{15}")
_FOREIGN_NEW = re.compile(r"\d{17}[\dX]")


def _first_bad_char(number: str, allowed: str) -> tuple[int, str] | None:
    for i, ch in enumerate(number, start=1):
        if ch not in allowed:
            return i, ch
    return None


_ALNUM = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _bad_char_error(label: str, number: str, allowed_text: str) -> IdentityError | None:
    bad = _first_bad_char(number, _ALNUM)
    if bad is None:
        return None
    i, ch = bad
    return IdentityError(
        DOCUMENT_FIELD,
        f"{label}号码第 {i} 位是{_show(ch)}，号码只能由{allowed_text}组成，请核对后重新输入。",
    )


def check_id_document(id_type: str, number: str, *, today: date | None = None) -> ResidentId | None:
    """Check a document number according to its type (a key of :data:`ID_TYPES`).

    Returns the parsed :class:`ResidentId` for resident IDs and 港澳台居民居住证 (whose
    numbers carry birth date and sex), None for other documents and when ``number`` is
    empty (the number is optional)."""
    if id_type not in ID_TYPES:
        raise IdentityError(ID_TYPE_FIELD, "证件类型不在可选范围内，请从列表中选择证件类型。")
    n = normalize_id_number(number)
    if not n:
        return None
    label = ID_TYPES[id_type]
    if id_type == "resident_id":
        return check_resident_id(n, today=today)
    if id_type == "resident_id_15":
        return check_old_resident_id(n, today=today)
    if id_type == "hk_macao_residence":
        return _check_residence_permit(n, what=f"{label}号码", today=today)
    _check_document_number(id_type, label, n)
    return None


def _check_residence_permit(n: str, *, what: str, today: date | None) -> ResidentId:
    """港澳台居民居住证: a resident ID number whose region is 81, 82 or 83."""
    if n[:2] not in ("81", "82", "83") and len(n) == 18 and n[:17].isdigit():
        raise IdentityError(
            DOCUMENT_FIELD,
            f"{what}应以 810000（香港）、820000（澳门）或 830000（台湾）开头，"
            "请核对；如果是内地居民身份证，请把证件类型选为“居民身份证”。",
        )
    return _check_18(n, field=DOCUMENT_FIELD, what=what, today=today, region_first="8")


def _check_document_number(id_type: str, label: str, n: str) -> None:
    """The documents whose numbers say nothing of their holder: only their form."""
    if id_type == "passport":
        err = _bad_char_error(label, n, "字母和数字")
        if err is not None:
            raise err
        if not _PASSPORT.fullmatch(n):
            raise IdentityError(
                DOCUMENT_FIELD,
                f"护照号码应为 5–17 位字母或数字，现在是 {len(n)} 位，请对照护照核对。",
            )
    elif id_type == "hk_macao_permit":
        if not _HK_MACAO.fullmatch(n):
            raise IdentityError(
                DOCUMENT_FIELD,
                f"{label}号码应为字母 H（香港）或 M（澳门）加 8 位或 10 位数字，"
                "例如 H12345678，请对照证件核对。",
            )
    elif id_type == "taiwan_permit":
        if not _TAIWAN.fullmatch(n):
            raise IdentityError(
                DOCUMENT_FIELD,
                f"{label}号码应为 8 位数字（旧证为 10 位），现在是“{n}”，请对照证件核对。",
            )
    elif id_type == "foreign_residence":
        err = _bad_char_error(label, n, "字母和数字")
        if err is not None:
            raise err
        if not (_FOREIGN_OLD.fullmatch(n) or _FOREIGN_NEW.fullmatch(n)):
            raise IdentityError(
                DOCUMENT_FIELD,
                f"{label}号码应为 15 位（旧证，字母和数字）或 18 位（新证，数字，"
                f"最后一位可以是 X），现在是 {len(n)} 位，请对照证件核对。",
            )
    elif len(n) > 40:  # "other": any non-empty number, within reason.
        raise IdentityError(DOCUMENT_FIELD, "证件号码太长（最多 40 个字符），请核对。")


# --------------------------------------------------------------------------- USCC

_USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_USCC_LOOKALIKE = {"I": "数字 1", "O": "数字 0", "Z": "数字 2", "S": "数字 5", "V": "字母 U"}


def uscc_check_char(first17: str) -> str:
    """The GB 32100-2015 check character for the first 17 characters of a USCC."""
    if len(first17) != 17 or any(ch not in _USCC_CHARS for ch in first17):
        raise IdentityError(USCC_FIELD, "计算校验码需要统一社会信用代码的前 17 位。")
    total = sum(_USCC_CHARS.index(ch) * w for ch, w in zip(first17, _USCC_WEIGHTS, strict=True))
    return _USCC_CHARS[(31 - total % 31) % 31]


def check_uscc(code: str) -> str:
    """Check a 统一社会信用代码 (GB 32100-2015) and return it normalised (no spaces,
    ASCII, uppercase)."""
    field = USCC_FIELD
    c = normalize_id_number(code)
    if not c:
        raise IdentityError(field, f"请填写{field}。")
    for i, ch in enumerate(c, start=1):
        if ch in _USCC_CHARS:
            continue
        if ch in _USCC_LOOKALIKE:
            raise IdentityError(
                field,
                f"{field}第 {i} 位是字母“{ch}”，代码中不使用字母 I、O、Z、S、V，"
                f"这里可能是{_USCC_LOOKALIKE[ch]}，请对照营业执照核对后重新输入。",
            )
        raise IdentityError(
            field,
            f"{field}第 {i} 位是{_show(ch)}，代码只能由数字和大写字母组成，"
            "请对照营业执照核对后重新输入。",
        )
    if len(c) != 18:
        hint = "漏输" if len(c) < 18 else "多输"
        raise IdentityError(
            field,
            f"{field}应为 18 位，现在是 {len(c)} 位，请检查是否{hint}了字符。",
        )
    expected = uscc_check_char(c[:17])
    if c[17] != expected:
        raise IdentityError(
            field,
            f"{field}最后一位校验码不对，应为 {expected}，现在是 {c[17]}。"
            "多半是某一位输错了，请对照营业执照逐位核对后重新输入。",
        )
    return c


# --------------------------------------------------------------------------- phone numbers

_HYPHENS = "‐‑‒–—―−-"
_EXTENSION = re.compile(r"\s*(?:转|分机|ext\.?|EXT\.?|Ext\.?|#)\s*")
_SEVERAL = "/,;、，；|"


def _phone_error(field: str, text: str) -> IdentityError:
    return IdentityError(field, text)


def _local_ok(local: str) -> bool:
    return len(local) in (7, 8) and local[0] in "23456789"


def _area_ok(area: str) -> bool:
    if len(area) == 3:
        return area == "010" or area.startswith("02")
    return len(area) == 4 and area[0] == "0" and area[1] in "3456789"


def check_phone(text: str, *, field: str = PHONE_FIELD, service_numbers: bool = False) -> str:
    """Check a phone number and return it normalised; empty input gives "".

    Accepted: mainland mobile numbers (``13812345678``; spaces, hyphens and a +86 / 86
    prefix allowed), landlines with area code (``0571-87654321``, with or without the
    hyphen, optional extension ``0571-87654321-123``), local landlines without area code
    (7–8 digits), 400/800 numbers (``400-123-4567``) and international numbers written with
    a leading ``+`` (``+85291234567``). Short service numbers of 3–5 digits (110, 12348) only
    with ``service_numbers=True`` (a hotline on a poster); a person never has one, and "123"
    in a party's phone is a typing slip. ``field`` names the field in messages (联系电话)."""
    raw = _nfkc(text).strip()
    if not raw:
        return ""
    body, ext = _number_and_extension(raw, field)
    body, international = _without_country_code(body)
    digits = body.replace("-", "")
    if not digits:
        raise _phone_error(field, f"{field}里没有数字，请填写电话号码或留空。")
    if international:
        if ext or not 8 <= len(digits) <= 15:
            raise _phone_error(
                field,
                f"{field}：境外号码应写成“+国家或地区代码 号码”，共 8–15 位数字，"
                "请核对后重新输入。",
            )
        return "+" + digits
    # 86 prefix without +: only for mobile numbers (8613812345678).
    if len(digits) == 13 and digits.startswith("861"):
        digits = digits[2:]
        body = digits
    if digits[0] == "1" and len(digits) > 5:
        return _mobile(digits, ext, field)
    if digits[:3] in ("400", "800") and len(digits) == 10 and not ext:
        return f"{digits[:3]}-{digits[3:6]}-{digits[6:]}"
    if digits[0] != "0":
        return _without_area_code(raw, body, ext, field, service_numbers=service_numbers)
    return _landline(body, ext, field)


def _number_and_extension(raw: str, field: str) -> tuple[str, str]:
    """One number, its separators made hyphens and its extension (转, 分机, ext, #) apart;
    only digits, hyphens and a leading + are left."""
    if any(ch in raw for ch in _SEVERAL):
        raise _phone_error(
            field, f"{field}一次只能填一个号码，请只保留一个（其他号码可写在备注里）。"
        )
    s = raw
    for h in _HYPHENS:
        s = s.replace(h, "-")
    s = _EXTENSION.sub("-EXT-", s, count=1)
    has_ext_marker = "-EXT-" in s
    s = s.replace("(", "").replace(")", "-")
    s = "".join(s.split())
    body, _, ext = s.partition("-EXT-") if has_ext_marker else (s, "", "")
    for ch in body.lstrip("+") + ext:
        if not ("0" <= ch <= "9" or ch == "-"):
            raise _phone_error(
                field,
                f"{field}里有{_show(ch)}，号码只能由数字组成（可以用空格或“-”分隔），"
                "请核对后重新输入。",
            )
    if ext and not (ext.isdigit() and 1 <= len(ext) <= 6):
        raise _phone_error(field, f"{field}的分机号应为 1–6 位数字，请核对后重新输入。")
    return body, ext


def _without_country_code(body: str) -> tuple[str, bool]:
    """The number without +86 / 0086 (a landline then gets its 0 back), and whether it is
    international (+ and another country code)."""
    country_code = ""
    if body.startswith("+"):
        body = body[1:].lstrip("-")
        if not body.startswith("86"):
            return body, True
        country_code = "86"
    elif body.startswith("0086"):
        body = body[2:]
        country_code = "86"
    if country_code:
        body = body[2:].lstrip("-")
        if body and body[0] in "23456789" and body[:3] not in ("400", "800"):
            body = "0" + body  # +86 571 87654321 -> 0571 87654321
    return body, False


def _mobile(digits: str, ext: str, field: str) -> str:
    if ext:
        raise _phone_error(field, f"{field}：手机号没有分机号，请删去“转”后面的部分。")
    if len(digits) != 11:
        hint = "漏输" if len(digits) < 11 else "多输"
        raise _phone_error(
            field,
            f"{field}：手机号应为 11 位，现在是 {len(digits)} 位，请检查是否{hint}了数字。",
        )
    if digits[1] not in "3456789":
        raise _phone_error(
            field,
            f"{field}：手机号第 2 位应是 3–9 之间的数字，现在是“{digits[1]}”，请核对后重新输入。",
        )
    return digits


def _without_area_code(raw: str, body: str, ext: str, field: str, *, service_numbers: bool) -> str:
    """A number not starting with 0 (and not a mobile): a local landline, or a short
    service number where those are allowed."""
    digits = body.replace("-", "")
    if service_numbers and 3 <= len(digits) <= 5 and not ext and "-" not in body:
        return digits  # 110, 12348, 95588
    if _local_ok(digits):
        return digits + (f"-{ext}" if ext else "")
    if "-" in body:
        parts = body.split("-")
        local = "".join(parts[:-1])
        if _local_ok(local) and 1 <= len(parts[-1]) <= 6 and not ext:
            return f"{local}-{parts[-1]}"
    raise _phone_error(
        field,
        f"{field}“{raw}”不像有效的号码：手机号应为 1 开头的 11 位数字，固定电话应为"
        "“区号-号码”（如 0571-87654321），请核对后重新输入。",
    )


def _landline(body: str, ext: str, field: str) -> str:
    """A landline with its area code: 0571-87654321, with an extension if any."""
    parts = [p for p in body.split("-") if p]
    if len(parts) >= 2 and 3 <= len(parts[0]) <= 4:
        area, rest = parts[0], parts[1:]
    else:
        joined = "".join(parts)
        n_area = 3 if joined[:2] in ("01", "02") else 4
        area, rest = joined[:n_area], [joined[n_area:]]
    if not _area_ok(area):
        raise _phone_error(
            field,
            f"{field}的区号“{area}”不对：区号是 010、02X 这样的 3 位或 0 开头的 4 位数字"
            "（如 0571），请核对后重新输入。",
        )
    local = "".join(rest)
    if not _local_ok(local) and len(rest) >= 2 and not ext:
        head, tail = "".join(rest[:-1]), rest[-1]
        if _local_ok(head) and 1 <= len(tail) <= 6:
            local, ext = head, tail
    if not _local_ok(local):
        if len(local) > 8 and "-" not in body and not ext:
            advice = "如有分机号，请用“-”或“转”隔开（如 0571-87654321-123），"
        else:
            advice = ""
        raise _phone_error(
            field,
            f"{field}：固定电话的号码部分（区号之后）应为 7 或 8 位数字，且不以 0 或 1 开头，"
            f"现在是“{local}”。{advice}请核对后重新输入。",
        )
    return f"{area}-{local}" + (f"-{ext}" if ext else "")


# --------------------------------------------------------------------------- display


def mask_id_number(number: str) -> str:
    """Hide the middle of a document number for display: ``110101********1234``.

    Numbers of 10 characters or fewer keep only their last 4; 4 or fewer are hidden
    completely."""
    n = normalize_id_number(number)
    if len(n) > 10:
        return n[:6] + "*" * (len(n) - 10) + n[-4:]
    if len(n) > 4:
        return "*" * (len(n) - 4) + n[-4:]
    return "*" * len(n)
