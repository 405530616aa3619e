"""Text helpers of the outreach printables: the errors, placeholders, phone masking,
natural house-number order, durations and link checking. Pure functions, no drawing."""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import urlsplit

from app.printing.outreach.data import KitData


class OutreachError(ValueError):
    """A printable cannot be made from this data. ``str(error)`` is plain Chinese for
    the user and names what is wrong."""


class MissingDataError(OutreachError):
    """Something the printable is made of is not registered (no 法律明白人, no
    评理说事点, no content …)."""


class TextTooLongError(OutreachError):
    """A text does not fit its place even at the smallest type allowed."""


class InvalidLinkError(OutreachError):
    """An animation's link is empty or not a web address: no QR code is made for it."""


# ---------------------------------------------------------------------------------------
# Placeholders

PLACEHOLDER = re.compile(r"\{([^{}\s]{1,12})\}")


def placeholders(data: KitData) -> dict[str, str]:
    """What each placeholder of the content library stands for in ``data``'s village.

    {村名} the village, {镇名} the town, {调委会} the committee, {调解员} the mediators'
    names ("王建华、陈秀兰"), {调解员电话} their phones in the same order, {评理说事点} the
    talk point's name (the committee when there is none), {评理说事点地址},
    {评理说事点电话}, {开放时间}, {法律援助电话} (12348), {报警电话} (110).
    """
    tp = data.talk_point
    names = [m.name.strip() for m in data.mediators if m.name.strip()]
    phones = [m.phone.strip() for m in data.mediators if m.name.strip() and m.phone.strip()]
    committee = data.committee.strip() or f"{data.village}人民调解委员会"
    return {
        "村名": data.village.strip(),
        "镇名": data.town.strip(),
        "调委会": committee,
        "调解员": "、".join(names) or committee,
        "调解员电话": "、".join(phones),
        "评理说事点": tp.name.strip() if tp is not None else committee,
        "评理说事点地址": tp.address.strip() if tp is not None else "",
        "评理说事点电话": tp.phone.strip() if tp is not None else "",
        "开放时间": tp.hours.strip() if tp is not None else "",
        "法律援助电话": data.legal_aid_phone,
        "报警电话": data.police_phone,
    }


BLANK = "______"  # a value the registry lacks: a line to fill in by hand, never ""

# The placeholders of the contact block that the card's back and the brochure's back build
# from the registries themselves.
CONTACT_PLACEHOLDERS = frozenset(
    {"调解员", "调解员电话", "评理说事点", "评理说事点地址", "评理说事点电话", "开放时间"}
    | {"法律援助电话", "报警电话"}
)


def fill(text: str, data: KitData) -> str:
    """``text`` with the placeholders of :func:`placeholders` filled in (a value the
    village lacks prints as a blank line to fill in); unknown ones stay as written
    (:func:`unknown_placeholders` finds them)."""
    values = placeholders(data)

    def value(m: re.Match[str]) -> str:
        if m.group(1) not in values:
            return m.group(0)
        return values[m.group(1)] or BLANK

    return PLACEHOLDER.sub(value, text)


def is_contact_line(line: str, data: KitData) -> bool:
    """True for a content line that only repeats the contact block (a mediator's phone,
    the 评理说事点, 12348, 110): the back of the card and of the brochure print those from
    the registries, so such a line would print them twice."""
    if any(m.group(1) in CONTACT_PLACEHOLDERS for m in PLACEHOLDER.finditer(line)):
        return True
    numbers = re.findall(r"(?<![0-9])[0-9]{3,5}(?![0-9])", line)
    return any(n in (data.legal_aid_phone, data.police_phone) for n in numbers)


def unknown_placeholders(text: str) -> list[str]:
    """The placeholders in ``text`` that :func:`fill` does not know, "{…}" each, in order."""
    known = placeholders(KitData(village=""))
    out: list[str] = []
    for m in PLACEHOLDER.finditer(text):
        if m.group(1) not in known and m.group(0) not in out:
            out.append(m.group(0))
    return out


def lines(text: str) -> list[str]:
    """The non-empty lines of ``text``, stripped."""
    return [s.strip() for s in text.replace("\r\n", "\n").split("\n") if s.strip()]


# ---------------------------------------------------------------------------------------
# Phones and ID numbers

_ID_NUMBER = re.compile(r"(?<![0-9])(?:[0-9]{17}[0-9Xx]|[0-9]{15})(?![0-9Xx])")
ID_REMOVED = "（证件号码不打印）"


def scrub_ids(text: str) -> str:
    """``text`` with anything shaped like a 15- or 18-digit ID number removed."""
    return _ID_NUMBER.sub(ID_REMOVED, text)


def has_id_number(text: str) -> bool:
    return _ID_NUMBER.search(text) is not None


# ---------------------------------------------------------------------------------------
# Order and durations


def natural_key(text: str) -> tuple[tuple[int, int, str], ...]:
    """Sort key putting "2号" before "10号" and "3-2" before "3-10" (full-width digits
    count as digits)."""
    norm = unicodedata.normalize("NFKC", text.strip())
    key: list[tuple[int, int, str]] = []
    for part in re.split(r"(\d+)", norm):
        if part.isdigit():
            key.append((0, int(part), ""))
        elif part:
            key.append((1, 0, part))
    key.append((2, 0, text))  # equal keys: the original text decides
    return tuple(key)


def duration_text(value: str) -> str:
    """An animation's length for the poster: 200 (seconds) or "3:20" → "3分20秒",
    "180" → "3分钟", "45" → "45秒"; other text ("约3分钟") as written."""
    s = value.strip()
    seconds: int | None = None
    if s.isdigit():
        seconds = int(s)
    elif re.fullmatch(r"\d{1,3}:\d{2}(:\d{2})?", s):
        parts = [int(p) for p in s.split(":")]
        seconds = 0
        for p in parts:
            seconds = seconds * 60 + p
    if seconds is None:
        return s
    h, rest = divmod(seconds, 3600)
    m, sec = divmod(rest, 60)
    out = f"{h}小时" if h else ""
    if m:
        out += f"{m}分" if sec else f"{m}分钟"
    if sec or not out:
        out += f"{sec}秒"
    return out


# ---------------------------------------------------------------------------------------
# Links

MAX_LINK = 300  # characters: longer links make a QR code too dense to scan from 1 m
_HOST_CHARS = re.compile(r"^[\w.-]+$")


def check_link(link: str, title: str) -> str:
    """The animation's link, stripped, if a QR code can be made for it; otherwise
    :class:`InvalidLinkError` naming the animation ``title``.

    A link is an http:// or https:// address with a host name ("v.example.cn") or an
    IPv4 address, no spaces, at most :data:`MAX_LINK` characters.
    """
    s = link.strip()
    name = f"微动漫《{title.strip() or '（无标题）'}》"
    if not s:
        raise InvalidLinkError(f"{name}没有填写视频链接，无法生成二维码。")
    bad = f"{name}的链接“{s}”不是有效的网址（应以 http:// 或 https:// 开头），无法生成二维码。"
    if any(ch.isspace() or unicodedata.category(ch).startswith("C") for ch in s):
        raise InvalidLinkError(bad)
    try:
        parts = urlsplit(s)
        host = parts.hostname or ""
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError:
        raise InvalidLinkError(bad) from None
    if parts.scheme.lower() not in ("http", "https") or "." not in host.strip("."):
        raise InvalidLinkError(bad)
    if not _HOST_CHARS.match(host) or ".." in host or host.startswith(("-", ".")):
        raise InvalidLinkError(bad)
    if len(s) > MAX_LINK:
        raise InvalidLinkError(
            f"{name}的链接太长（{len(s)}个字符，最多{MAX_LINK}个），二维码会太密、"
            "远处扫不出，请改用短链接。"
        )
    return s
