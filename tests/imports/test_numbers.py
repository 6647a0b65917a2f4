from decimal import Decimal

import pytest

from awards.imports.numbers import classify_number, decimal_for_xlsx, format_decimal, parse_decimal


@pytest.mark.parametrize("text, expected", [
    ("1234", Decimal("1234")), ("1234.5", Decimal("1234.5")), (" 7 ", Decimal("7")), (".5", Decimal("0.5")),
    (12, Decimal("12")), (24.5, Decimal("24.5")), (0.1, Decimal("0.1")),
])
def test_parse_decimal_plain(text, expected):
    assert parse_decimal(text) == expected


@pytest.mark.parametrize("text", ["1.234.567", "24,5", "12a", "", "1 2 3,4", "1e5", True])
def test_parse_decimal_plain_refuses(text):
    with pytest.raises(ValueError):
        parse_decimal(text)


@pytest.mark.parametrize("text, expected", [
    ("1.234.567", Decimal("1234567")), ("24,5", Decimal("24.5")), ("1.234,75", Decimal("1234.75")),
    ("1234", Decimal("1234")), ("1 234", Decimal("1234")),
])
def test_parse_decimal_indonesian(text, expected):
    assert parse_decimal(text, indonesian=True) == expected


@pytest.mark.parametrize("text", ["1.5", "1,234,567", "12.34.5", "2,5,1"])
def test_parse_decimal_indonesian_refuses(text):
    with pytest.raises(ValueError):
        parse_decimal(text, indonesian=True)


def test_format_decimal_drops_trailing_zeros():
    assert [format_decimal(Decimal(t)) for t in ("24.5000", "100.0000", "0.0000", "1E+2")] == ["24.5", "100", "0", "100"]
    assert format_decimal(None) == ""


def test_decimal_for_xlsx_keeps_exact_numbers_and_falls_back_to_text():
    assert decimal_for_xlsx(Decimal("12.0000")) == 12
    assert decimal_for_xlsx(Decimal("24.5")) == 24.5
    assert decimal_for_xlsx(Decimal("123456789012.3457")) == "123456789012.3457"
    assert decimal_for_xlsx(Decimal("1234567890123.45")) == 1234567890123.45
    assert decimal_for_xlsx(Decimal("1234567890123456")) == "1234567890123456"


@pytest.mark.parametrize("text, written", [
    ("24,5", "id"), ("1.234,5", "id"), ("1.234.567", "id"), ("2.800.000", "id"), (" 12,5 ", "id"),
    ("24.5", "plain"), ("0.125", "plain"), ("1234.5", "plain"), (".5", "plain"), ("0.500", "plain"),
    ("1.234", "either"), ("12.500", "either"),
    ("1234", None), ("ya", None), ("", None), ("1,234,567", None), ("12.34.5", None),
])
def test_classify_number_says_which_format_wrote_it(text, written):
    assert classify_number(text) == written
