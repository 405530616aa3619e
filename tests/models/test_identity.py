"""Identity checks: resident IDs, other documents, 统一社会信用代码, phones, ethnic groups."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest

from app.models.identity import (
    ETHNIC_GROUPS,
    ID_TYPES,
    IdentityError,
    ResidentId,
    check_id_document,
    check_old_resident_id,
    check_phone,
    check_resident_id,
    check_uscc,
    mask_id_number,
    normalize_id_number,
    resident_id_check_char,
    sex_and_birth_from_id,
    uscc_check_char,
)

TODAY = date(2026, 11, 20)


# Independent reference implementations (written from the standards, not from the module).


def ref_id_check(first17: str) -> str:
    """ISO 7064 MOD 11-2: weights 2^(17-i) mod 11, check value (12 - S mod 11) mod 11."""
    s = sum(int(d) * pow(2, 17 - i, 11) for i, d in enumerate(first17))
    value = (12 - s % 11) % 11
    return "X" if value == 10 else str(value)


def ref_uscc_check(first17: str) -> str:
    """GB 32100: weights 3^i mod 31 over the 31-character alphabet."""
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    s = sum(alphabet.index(c) * pow(3, i, 31) for i, c in enumerate(first17))
    return alphabet[(31 - s % 31) % 31]


def make_id(region: str, born: date, order: int) -> str:
    body = f"{region}{born:%Y%m%d}{order:03d}"
    return body + ref_id_check(body)


def error_of(exc_info: pytest.ExceptionInfo[IdentityError]) -> IdentityError:
    err = exc_info.value
    assert isinstance(err, ValueError)
    assert str(err) == err.message
    assert err.message.endswith("。")
    return err


# --------------------------------------------------------------------------- reference self-check


def test_reference_helpers_agree_with_published_examples() -> None:
    assert ref_id_check("11010519491231002") == "X"
    assert ref_uscc_check("91350100M000100Y4") == "3"


# --------------------------------------------------------------------------- resident IDs


def test_published_example_female_with_x() -> None:
    r = check_resident_id("11010519491231002X", today=TODAY)
    assert r == ResidentId(
        number="11010519491231002X", sex="女", birth_date=date(1949, 12, 31), region_code="110105"
    )


def test_valid_male() -> None:
    number = make_id("330102", date(1980, 1, 2), 11)
    r = check_resident_id(number, today=TODAY)
    assert r.sex == "男"
    assert r.birth_date == date(1980, 1, 2)
    assert r.region_code == "330102"
    assert r.number == number


def test_valid_female() -> None:
    number = make_id("440305", date(2001, 2, 28), 24)
    r = check_resident_id(number, today=TODAY)
    assert r.sex == "女"
    assert r.birth_date == date(2001, 2, 28)


def test_lowercase_x_spaces_and_full_width_are_normalised() -> None:
    assert check_resident_id(" 110105 19491231 002x ", today=TODAY).number == "11010519491231002X"
    assert (
        check_resident_id("１１０１０５１９４９１２３１００２Ｘ", today=TODAY).number
        == "11010519491231002X"
    )
    assert normalize_id_number("１１０ １０５\u3000ｘ") == "110105X"


def test_check_char_helper_matches_reference() -> None:
    assert resident_id_check_char("11010519491231002") == "X"
    with pytest.raises(IdentityError):
        resident_id_check_char("1234")


def test_wrong_check_digit_says_which_it_should_be() -> None:
    with pytest.raises(IdentityError) as exc_info:
        check_resident_id("110105194912310021", today=TODAY)
    err = error_of(exc_info)
    assert err.field == "身份证号"
    assert "身份证号" in err.message
    assert "校验码" in err.message
    assert "应为 X" in err.message
    assert "核对" in err.message


def test_wrong_check_digit_names_a_digit() -> None:
    good = make_id("330102", date(1980, 1, 2), 11)
    wrong = good[:17] + ("0" if good[17] != "0" else "1")
    with pytest.raises(IdentityError) as exc_info:
        check_resident_id(wrong, today=TODAY)
    assert f"应为 {good[17]}" in error_of(exc_info).message


def test_feb_30_rejected() -> None:
    body = "33010219900230001"
    with pytest.raises(IdentityError) as exc_info:
        check_resident_id(body + ref_id_check(body), today=TODAY)
    err = error_of(exc_info)
    assert err.field == "身份证号"
    assert "出生日期" in err.message
    assert "1990年02月30日" in err.message
    assert "不存在" in err.message


def test_month_13_rejected() -> None:
    body = "33010219901301001"
    with pytest.raises(IdentityError) as exc_info:
        check_resident_id(body + ref_id_check(body), today=TODAY)
    assert "月份“13”不存在" in error_of(exc_info).message


def test_future_birth_date_rejected() -> None:
    number = make_id("330102", TODAY + timedelta(days=1), 11)
    with pytest.raises(IdentityError) as exc_info:
        check_resident_id(number, today=TODAY)
    err = error_of(exc_info)
    assert err.field == "身份证号"
    assert "出生日期" in err.message
    assert "晚于今天" in err.message
    # Born today is fine.
    assert check_resident_id(make_id("330102", TODAY, 11), today=TODAY).birth_date == TODAY


def test_birth_before_1900_rejected() -> None:
    number = make_id("330102", date(1899, 12, 31), 11)
    with pytest.raises(IdentityError) as exc_info:
        check_resident_id(number, today=TODAY)
    assert "1900" in error_of(exc_info).message


@pytest.mark.parametrize(("length", "word"), [(17, "漏输"), (19, "多输")])
def test_wrong_length_rejected(length: int, word: str) -> None:
    number = ("11010519491231002" + "12")[:length]
    with pytest.raises(IdentityError) as exc_info:
        check_resident_id(number, today=TODAY)
    err = error_of(exc_info)
    assert err.field == "身份证号"
    assert "18 位" in err.message
    assert f"现在是 {length} 位" in err.message
    assert word in err.message


def test_fifteen_digits_suggest_old_type() -> None:
    with pytest.raises(IdentityError) as exc_info:
        check_resident_id("110105491231002", today=TODAY)
    assert "15位旧号" in error_of(exc_info).message


def test_non_digit_named_with_position() -> None:
    with pytest.raises(IdentityError) as exc_info:
        check_resident_id("11010A19491231002X", today=TODAY)
    err = error_of(exc_info)
    assert "第 6 位" in err.message
    assert "“A”" in err.message
    assert "数字" in err.message


def test_x_only_allowed_last() -> None:
    with pytest.raises(IdentityError) as exc_info:
        check_resident_id("1101051949123100X2", today=TODAY)
    err = error_of(exc_info)
    assert "第 17 位" in err.message
    assert "只有最后一位可以是 X" in err.message


def test_region_first_digit_checked() -> None:
    number = make_id("910105", date(1980, 1, 1), 11)
    with pytest.raises(IdentityError) as exc_info:
        check_resident_id(number, today=TODAY)
    assert "地区代码" in error_of(exc_info).message


def test_empty_resident_id_asks_to_fill() -> None:
    with pytest.raises(IdentityError) as exc_info:
        check_resident_id("  ", today=TODAY)
    assert error_of(exc_info).message == "请填写身份证号。"


def test_random_valid_ids_round_trip() -> None:
    rng = random.Random(20261120)
    start = date(1900, 1, 1).toordinal()
    for _ in range(200):
        born = date.fromordinal(rng.randint(start, TODAY.toordinal()))
        region = f"{rng.randint(1, 8)}{rng.randint(0, 99999):05d}"
        order = rng.randint(0, 999)
        number = make_id(region, born, order)
        if rng.random() < 0.3:
            number = number.lower()
        r = check_resident_id(number, today=TODAY)
        assert r.birth_date == born
        assert r.sex == ("男" if order % 2 else "女")
        assert r.region_code == region
        assert r.number == number.upper()
        assert sex_and_birth_from_id(number) == (r.sex, born)


# --------------------------------------------------------------------------- old 15-digit IDs


def test_old_id_parsed_to_19xx_and_sex() -> None:
    r = check_old_resident_id("110105491231002", today=TODAY)
    assert r == ResidentId(
        number="110105491231002", sex="女", birth_date=date(1949, 12, 31), region_code="110105"
    )
    male = check_old_resident_id("330102800102011", today=TODAY)
    assert male.sex == "男"
    assert male.birth_date == date(1980, 1, 2)


def test_old_id_bad_date_and_length() -> None:
    with pytest.raises(IdentityError) as exc_info:
        check_old_resident_id("330102800230011", today=TODAY)
    err = error_of(exc_info)
    assert err.field == "身份证号"
    assert "1980年02月30日" in err.message
    with pytest.raises(IdentityError) as exc_info:
        check_old_resident_id("11010519491231002X", today=TODAY)
    assert "15 位" in error_of(exc_info).message


def test_sex_and_birth_from_id() -> None:
    assert sex_and_birth_from_id("11010519491231002x") == ("女", date(1949, 12, 31))
    assert sex_and_birth_from_id("330102800102011") == ("男", date(1980, 1, 2))
    assert sex_and_birth_from_id("110105194912310021") is None
    assert sex_and_birth_from_id("") is None
    assert sex_and_birth_from_id("abc") is None


# --------------------------------------------------------------------------- other documents


def test_id_types_labels() -> None:
    assert ID_TYPES["resident_id"] == "居民身份证"
    assert ID_TYPES["other"] == "其他证件"
    assert len(ID_TYPES) == 8


@pytest.mark.parametrize("id_type", list(ID_TYPES))
def test_empty_number_is_optional_for_every_type(id_type: str) -> None:
    assert check_id_document(id_type, "", today=TODAY) is None
    assert check_id_document(id_type, "  ", today=TODAY) is None


def test_document_dispatch_resident_ids() -> None:
    r = check_id_document("resident_id", "11010519491231002x", today=TODAY)
    assert r is not None
    assert r.sex == "女"
    old = check_id_document("resident_id_15", "110105491231002", today=TODAY)
    assert old is not None
    assert old.birth_date == date(1949, 12, 31)
    with pytest.raises(IdentityError) as exc_info:
        check_id_document("resident_id", "110105194912310021", today=TODAY)
    assert error_of(exc_info).field == "身份证号"


@pytest.mark.parametrize(
    ("id_type", "number"),
    [
        ("passport", "E12345678"),
        ("passport", "g1234567"),
        ("hk_macao_permit", "H12345678"),
        ("hk_macao_permit", "M1234567890"),
        ("taiwan_permit", "12345678"),
        ("taiwan_permit", "1234567890"),
        ("foreign_residence", "USA110079010101"),
        ("foreign_residence", "911840199001011234"),
        ("other", "军官证 第123号"),
    ],
)
def test_other_documents_accepted(id_type: str, number: str) -> None:
    assert check_id_document(id_type, number, today=TODAY) is None


@pytest.mark.parametrize(
    ("id_type", "number", "words"),
    [
        ("passport", "E12", "5–17"),
        ("passport", "E1234-5678", "“-”"),
        ("hk_macao_permit", "X12345678", "H"),
        ("hk_macao_permit", "H1234567", "8 位"),
        ("taiwan_permit", "1234567", "8 位"),
        ("foreign_residence", "USA1100790101", "15 位"),
        ("foreign_residence", "USA11007901010#", "“#”"),
    ],
)
def test_other_documents_rejected(id_type: str, number: str, words: str) -> None:
    with pytest.raises(IdentityError) as exc_info:
        check_id_document(id_type, number, today=TODAY)
    err = error_of(exc_info)
    assert err.field == "证件号码"
    assert words in err.message
    assert "核对" in err.message


def test_residence_permit_checked_like_resident_id() -> None:
    number = make_id("810000", date(1990, 5, 6), 31)
    r = check_id_document("hk_macao_residence", number, today=TODAY)
    assert r is not None
    assert r.sex == "男"
    assert r.birth_date == date(1990, 5, 6)
    assert r.region_code == "810000"
    wrong = number[:17] + ("0" if number[17] != "0" else "1")
    with pytest.raises(IdentityError) as exc_info:
        check_id_document("hk_macao_residence", wrong, today=TODAY)
    err = error_of(exc_info)
    assert err.field == "证件号码"
    assert f"应为 {number[17]}" in err.message


def test_residence_permit_must_be_hk_macao_taiwan() -> None:
    with pytest.raises(IdentityError) as exc_info:
        check_id_document("hk_macao_residence", "11010519491231002X", today=TODAY)
    err = error_of(exc_info)
    assert "810000" in err.message
    assert "居民身份证" in err.message


def test_unknown_document_type() -> None:
    with pytest.raises(IdentityError) as exc_info:
        check_id_document("driving_licence", "123456", today=TODAY)
    err = error_of(exc_info)
    assert err.field == "证件类型"
    assert "选择" in err.message


# --------------------------------------------------------------------------- USCC


def test_uscc_valid_published_example() -> None:
    assert uscc_check_char("91350100M000100Y4") == ref_uscc_check("91350100M000100Y4") == "3"
    assert check_uscc("91350100M000100Y43") == "91350100M000100Y43"
    assert check_uscc(" 91350100m000100y43 ") == "91350100M000100Y43"
    assert check_uscc("９１３５０１００Ｍ０００１００Ｙ４３") == "91350100M000100Y43"


def test_uscc_random_valid_codes() -> None:
    rng = random.Random(32100)
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    for _ in range(100):
        body = "".join(rng.choice(alphabet) for _ in range(17))
        code = body + ref_uscc_check(body)
        assert check_uscc(code) == code


def test_uscc_wrong_check_char() -> None:
    with pytest.raises(IdentityError) as exc_info:
        check_uscc("91350100M000100Y44")
    err = error_of(exc_info)
    assert err.field == "统一社会信用代码"
    assert "统一社会信用代码" in err.message
    assert "校验码" in err.message
    assert "应为 3" in err.message


def test_uscc_letter_i_rejected_and_named() -> None:
    with pytest.raises(IdentityError) as exc_info:
        check_uscc("91350100M0001I0Y43")
    err = error_of(exc_info)
    assert err.field == "统一社会信用代码"
    assert "第 14 位" in err.message
    assert "“I”" in err.message
    assert "数字 1" in err.message


def test_uscc_wrong_length_and_symbols() -> None:
    with pytest.raises(IdentityError) as exc_info:
        check_uscc("91350100M000100Y4")
    err = error_of(exc_info)
    assert "18 位" in err.message
    assert "现在是 17 位" in err.message
    with pytest.raises(IdentityError) as exc_info:
        check_uscc("91350100-M000100Y4")
    assert "“-”" in error_of(exc_info).message
    with pytest.raises(IdentityError) as exc_info:
        check_uscc("")
    assert error_of(exc_info).message == "请填写统一社会信用代码。"


# --------------------------------------------------------------------------- phones


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("13812345678", "13812345678"),
        ("138 1234 5678", "13812345678"),
        ("138-1234-5678", "13812345678"),
        ("+86 138 1234 5678", "13812345678"),
        ("+86-13812345678", "13812345678"),
        ("8613812345678", "13812345678"),
        ("１３８１２３４５６７８", "13812345678"),
        ("0571-87654321", "0571-87654321"),
        ("057187654321", "0571-87654321"),
        ("0571 8765 4321", "0571-87654321"),
        ("(0571)87654321", "0571-87654321"),
        ("（0571）87654321", "0571-87654321"),
        ("010-62345678", "010-62345678"),
        ("01062345678", "010-62345678"),
        ("0571-87654321-123", "0571-87654321-123"),
        ("0571-87654321转123", "0571-87654321-123"),
        ("+86 571 87654321", "0571-87654321"),
        ("87654321", "87654321"),
        ("400-123-4567", "400-123-4567"),
        ("8001234567", "800-123-4567"),
        ("+852 9123 4567", "+85291234567"),
        ("", ""),
        ("   ", ""),
    ],
)
def test_phone_accepted(text: str, expected: str) -> None:
    assert check_phone(text) == expected


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("1381234567", "11 位"),
        ("138123456789", "11 位"),
        ("12012345678", "第 2 位"),
        ("138abc45678", "“a”"),
        ("电话", "“电”"),
        ("0571-1234567", "7 或 8 位"),
        ("057187654321123", "分机"),
        ("057-87654321", "区号"),
        ("13812345678/13912345678", "一个号码"),
        ("123", "不像有效的号码"),  # a person has no 3-digit number: a typing slip
        ("12348", "不像有效的号码"),
    ],
)
def test_phone_rejected(text: str, words: str) -> None:
    with pytest.raises(IdentityError) as exc_info:
        check_phone(text)
    err = error_of(exc_info)
    assert err.field == "联系电话"
    assert "联系电话" in err.message
    assert words in err.message


@pytest.mark.parametrize("number", ["110", "12348", "95588"])
def test_service_numbers_only_where_asked_for(number: str) -> None:
    assert check_phone(number, service_numbers=True) == number
    with pytest.raises(IdentityError):
        check_phone(number)


def test_phone_field_name_can_be_overridden() -> None:
    with pytest.raises(IdentityError) as exc_info:
        check_phone("1381234567", field="代理人电话")
    err = error_of(exc_info)
    assert err.field == "代理人电话"
    assert err.message.startswith("代理人电话")


# --------------------------------------------------------------------------- misc


def test_ethnic_groups() -> None:
    assert len(ETHNIC_GROUPS) == 56
    assert len(set(ETHNIC_GROUPS)) == 56
    assert ETHNIC_GROUPS[0] == "汉族"
    assert ETHNIC_GROUPS[1] == "蒙古族"
    assert ETHNIC_GROUPS[-1] == "基诺族"
    assert all(g.endswith("族") for g in ETHNIC_GROUPS)


@pytest.mark.parametrize(
    ("number", "masked"),
    [
        ("110101199001011234", "110101********1234"),
        ("11010119900101123x", "110101********123X"),
        ("110105491231002", "110105*****1002"),
        ("E12345678", "*****5678"),
        ("1234", "****"),
        ("", ""),
    ],
)
def test_mask_id_number(number: str, masked: str) -> None:
    assert mask_id_number(number) == masked


def test_identity_error_attributes() -> None:
    err = IdentityError("身份证号", "请填写身份证号。")
    assert err.field == "身份证号"
    assert err.message == "请填写身份证号。"
    assert isinstance(err, ValueError)
