"""Parsing the values of a column (relhealth.io.values)."""
import pandas as pd
import pytest

from relhealth.io.values import (
    FileContext,
    has_decimal_comma,
    parse_currency,
    parse_date,
    parse_datetime,
    parse_number,
    point_in_comma_file,
    split_money,
)

POINT = FileContext(decimal_comma=False)
COMMA = FileContext(decimal_comma=True)


def strings(*values):
    return pd.Series(values, dtype="str")


def test_parse_datetime_reads_iso_and_dotted_dates_with_and_without_times():
    parsed = parse_datetime(strings("2026-03-31", "2026-03-31 18:45", "2026-03-31T18:45:10+03:00",
                                    "31.03.2026", "1.3.2026 09:05", ""), POINT)
    assert parsed.tolist()[:5] == [
        pd.Timestamp("2026-03-31"), pd.Timestamp("2026-03-31 18:45"), pd.Timestamp("2026-03-31 18:45:10"),
        pd.Timestamp("2026-03-31"), pd.Timestamp("2026-03-01 09:05"),
    ]
    assert pd.isna(parsed[5])


def test_parse_date_keeps_the_day_of_a_date_time_on_the_last_evening_of_a_month():
    assert parse_date(strings("2026-03-31 23:59"), POINT)[0] == pd.Timestamp("2026-03-31")


@pytest.mark.parametrize("text", ["2026-02-30", "31.04.2026", "2026-13-01", "yesterday", "03/04/2026"])
def test_parse_datetime_leaves_impossible_or_unknown_dates_missing(text):
    assert pd.isna(parse_datetime(strings(text), POINT)[0])


@pytest.mark.parametrize("values, delimiter, expected", [
    (["7.5", "2"], ",", False),
    (["7,5", "2"], ",", True),          # a quoted "7,5" in a comma-separated file
    (["1,000", "2"], ",", False),       # thousands
    (["1,000.50"], ",", False),
    (["1,000"], ";", True),             # Russian Excel: 1,000 is one
    (["2.000,0"], ";", True),
    (["1,200.50"], ";", False),
])
def test_has_decimal_comma_reads_the_file_as_a_whole(values, delimiter, expected):
    assert has_decimal_comma(strings(*values), delimiter) is expected


def test_parse_number_reads_both_decimal_marks_and_thousands_separators():
    assert parse_number(strings("7.5", "1,200.50", "1 200", ""), POINT).tolist()[:3] == [7.5, 1200.5, 1200.0]
    assert parse_number(strings("7,5", "2.000,0", "1\u00a0200,25", "3"), COMMA).tolist() == [7.5, 2000.0, 1200.25, 3.0]
    assert pd.isna(parse_number(strings("seven"), POINT)[0])


def test_parse_currency_reads_codes_in_any_case_and_common_signs():
    assert parse_currency(strings("usd", "EUR", "₽", "руб.", "$"), POINT).tolist() == ["USD", "EUR", "RUB", "RUB", "USD"]
    assert pd.isna(parse_currency(strings("dollars"), POINT)[0])


def test_split_money_reads_the_number_and_the_currency_of_a_sign_or_code():
    number, code = split_money(strings("$1,200.00", "1 200,00 ₽", "EUR 300", "300 €", "-$5", "300", "abc100"))
    assert number.tolist() == ["1,200.00", "1 200,00", "300", "300", "-5", "300", "abc100"]
    assert [None if pd.isna(c) else c for c in code] == ["USD", "RUB", "EUR", "EUR", "USD", None, None]


def test_a_decimal_point_in_a_file_of_decimal_commas_is_a_bad_value():
    values = strings("7,5", "1.200,5", "1.000", "1.5", "1,200.50")
    assert point_in_comma_file(values, COMMA).tolist() == [False, False, False, True, True]
    assert parse_number(values, COMMA).tolist()[:3] == [7.5, 1200.5, 1000.0]
    assert parse_number(values, COMMA)[3:].isna().all()


def test_three_letters_that_are_no_iso_code_are_no_currency():
    assert pd.isna(parse_currency(strings("UDS"), POINT)[0])
