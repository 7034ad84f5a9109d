"""Parsers from the strings of a CSV column to typed values, one per value type of :mod:`relhealth.columns`.

Each parser takes a Series of stripped strings (empty string = no value) and returns the parsed Series,
with missing values where the input was empty, and a mask of the values it could not read. The mask and
the parser's ``expects`` text make the error message.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from relhealth.columns import CATEGORIES


@dataclass(frozen=True)
class Parser:
    parse: Callable[[pd.Series, FileContext], pd.Series]
    expects: str


@dataclass(frozen=True)
class FileContext:
    """What a parser may need to know about the whole file."""

    decimal_comma: bool = False
    #: How ``03/04/2026`` reads in this file: ``"dmy"`` (3 April) or ``"mdy"`` (March 4); None when the
    #: file has no such date.
    date_order: str | None = None


# ---- dates ----------------------------------------------------------------------------------------

_ISO = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")
_DOTTED = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$")
_SLASH_DATE = r"(\d{1,2})/(\d{1,2})/(\d{4})"
_SLASHED = re.compile(rf"^{_SLASH_DATE}(?:[ T](\d{{1,2}}):(\d{{2}})(?::(\d{{2}}))?\s*([AaPp][Mm])?)?$")
#: A value that starts like a slashed date: what decides a file's day/month order.
_SLASH_START = rf"^\s*{_SLASH_DATE}"
#: A time-zone suffix after a time (``18:45:00+03:00``, ``18:45:00.123Z``): never the year of ``28-Jan-2021``.
_TZ_SUFFIX = r"(?:(?<=:\d\d)|(?<=\.\d{3})|(?<=\.\d{6}))(?:Z|[+-]\d{2}:?\d{2})$"


def parse_datetime(values: pd.Series, context: FileContext) -> pd.Series:
    """Read ISO dates and date-times (``2026-03-31``, ``2026-03-31 18:45``, ``2026-03-31T18:45:00+03:00``),
    ``dd.mm.yyyy`` with an optional ``HH:MM[:SS]``, and ``dd/mm/yyyy`` or ``mm/dd/yyyy`` (as the file's
    ``date_order`` says) with an optional 24- or 12-hour time (``1:30 PM``). A time-zone suffix is dropped: the wall-clock
    time of the export is kept. Impossible dates (``2026-02-30``) are bad values."""
    text = values.str.replace(_TZ_SUFFIX, "", regex=True)
    result = pd.Series(pd.NaT, index=values.index, dtype="datetime64[us]")
    iso = text.str.match(_ISO.pattern)
    if iso.any():
        result[iso] = pd.to_datetime(text[iso], format="ISO8601", errors="coerce").astype("datetime64[us]")
    dotted = ~iso & text.str.match(_DOTTED.pattern)
    if dotted.any():
        parts = text[dotted].str.extract(_DOTTED.pattern).fillna("0")
        result[dotted] = _assemble(parts[2], parts[1], parts[0], parts[3], parts[4], parts[5])
    slashed = ~iso & ~dotted & text.str.match(_SLASHED.pattern)
    if slashed.any() and context.date_order in ("dmy", "mdy"):
        parts = text[slashed].str.extract(_SLASHED.pattern)
        day, month = (parts[0], parts[1]) if context.date_order == "dmy" else (parts[1], parts[0])
        hour = parts[3].fillna("0").astype(int)
        half = parts[6].fillna("").str.lower()
        bad_clock = (half != "") & ((hour < 1) | (hour > 12))
        hour = hour.where(half == "", hour % 12 + (half == "pm") * 12)
        stamps = _assemble(parts[2], month, day, hour, parts[4], parts[5])
        result[slashed] = stamps.mask(bad_clock)
    unread = result.isna() & (text != "")
    if unread.any():     # only the values no other form read: a file of ISO dates costs nothing here
        worded = text[unread][text[unread].str.contains(r"[^\W\d_]{3}", regex=True)]
        if not worded.empty:
            result[worded.index] = _month_name_dates(worded)
    return result


#: A date with the month in words, day first (``3 марта 2024``, ``28-Jan-2021``, ``3. März 2024``) or month
#: first (``Mar 3, 2024``, ``Jan 28 2021``), with an optional ``HH:MM[:SS]``.
#: The time after a date in words: ``14:05``, ``09:41:00 AM``, with a time-zone offset (``+0400``) dropped.
_TIME_PART = r"(?:,?\s+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([AaPp][Mm])?)?(?:\s*(?:[+-]\d{2}:?\d{2}|UTC|GMT))?"
_DAY_MONTH = re.compile(rf"^(\d{{1,2}})\.?[\s\-]+([^\W\d_]+\.?)[\s\-]+(\d{{4}})(?:\s*г\.?)?{_TIME_PART}$")
#: Month first, after an optional weekday: ``Mar 3, 2024``, ``Monday, March 12, 2012 09:41:00 AM +0400``
#: (YouTrack).
_MONTH_DAY = re.compile(rf"^(?:[^\W\d_]+,\s+)?([^\W\d_]+\.?)\s+(\d{{1,2}}),?\s+(\d{{4}}){_TIME_PART}$")
#: Jira's ``12/Mar/24 9:41 AM`` (day, month in words, a two- or four-digit year, a 12- or 24-hour time).
_JIRA = re.compile(r"^(\d{1,2})/([^\W\d_]+\.?)/(\d{2}|\d{4})(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([AaPp][Mm])?)?$")
_MONTHS: dict[str, int] = {}


def month_numbers() -> dict[str, int]:
    """Month names and their abbreviations in English, Russian and German (every form Babel's CLDR data
    has: ``March``, ``Mar``, ``марта``, ``март``, ``мар.``, ``März``), casefolded, without a final dot."""
    if not _MONTHS:
        from babel import Locale  # only when a file writes months in words

        for locale in ("en", "ru", "de"):
            months = Locale.parse(locale).months
            for context in ("format", "stand-alone"):
                for width in ("abbreviated", "wide"):
                    for number, name in months[context][width].items():
                        _MONTHS[name.casefold().rstrip(".")] = number
        _MONTHS.update({"sept": 9, "sep": 9, "июнь": 6, "июль": 7, "сен": 9})
    return _MONTHS


def _month_name_dates(text: pd.Series) -> pd.Series:
    """The dates of ``text`` written with the month in words; missing where a value is not one."""
    result = pd.Series(pd.NaT, index=text.index, dtype="datetime64[us]")
    for pattern, day_at, month_at in ((_DAY_MONTH, 0, 1), (_MONTH_DAY, 1, 0)):
        parts = text.str.extract(pattern.pattern)
        found = parts[0].notna() & result.isna()
        if not found.any():
            continue
        month = parts.loc[found, month_at].str.casefold().str.rstrip(".").map(month_numbers())
        stamps = _assemble(parts.loc[found, 2], month, parts.loc[found, day_at],
                           _clock_hour(parts.loc[found, 3], parts.loc[found, 6]), parts.loc[found, 4],
                           parts.loc[found, 5])
        result[found] = stamps.where(month.notna())
    jira = text.str.extract(_JIRA.pattern)
    found = jira[0].notna() & result.isna()
    if found.any():
        parts = jira[found]
        month = parts[1].str.casefold().str.rstrip(".").map(month_numbers())
        year = parts[2].astype(int).where(parts[2].str.len() == 4, 2000 + parts[2].astype(int))
        result[found] = _assemble(year, month, parts[0], _clock_hour(parts[3], parts[6]), parts[4],
                                  parts[5]).where(month.notna())
    return result


def _clock_hour(hours: pd.Series, half: pd.Series) -> pd.Series:
    """Hours of a 24-hour clock from hours written with an optional ``AM``/``PM``."""
    hour = hours.fillna("0").astype(int)
    half = half.fillna("").str.lower()
    return hour.where(half == "", hour % 12 + (half == "pm") * 12)


def _assemble(year, month, day, hour, minute, second) -> pd.Series:
    frame = pd.DataFrame({"year": year, "month": month, "day": day, "hour": hour, "minute": minute,
                          "second": second}).fillna("0").astype(int)
    return pd.to_datetime(frame, errors="coerce").astype("datetime64[us]")


def slash_date_order(values: pd.Series) -> str | None:
    """How a file writes ``03/04/2026``: ``"dmy"`` when a value's first part is above 12, ``"mdy"`` when a
    second part is, None when no value tells; ``"both"`` when the file has values of each kind."""
    parts = values.str.extract(_SLASH_START).dropna().astype("int64")
    day_first = bool((parts[0] > 12).any())
    month_first = bool((parts[1] > 12).any())
    if day_first and month_first:
        return "both"
    return "dmy" if day_first else "mdy" if month_first else None


def has_slash_dates(values: pd.Series) -> bool:
    return bool(values.str.match(_SLASH_START).any())


def first_slash_date(values: pd.Series) -> str | None:
    found = values[values.str.match(_SLASH_START)]
    return None if found.empty else str(found.iloc[0])


def parse_date(values: pd.Series, context: FileContext) -> pd.Series:
    """Like :func:`parse_datetime`, keeping only the day: a date-time where a date is asked counts on its day."""
    return parse_datetime(values, context).dt.normalize()


# ---- numbers --------------------------------------------------------------------------------------

_SPACES = r"[\s\u00a0\u202f']"
_COMMA_THOUSANDS = re.compile(r"^[-+]?\d{1,3}(?:,\d{3})+$")


def has_decimal_comma(values: pd.Series, delimiter: str) -> bool:
    """True when the numbers of a file use a comma as the decimal mark.

    A value such as ``7,5`` or ``2.000,0`` shows it; ``1,000`` in a comma-separated file reads as a
    thousands separator, while in a file separated by semicolons or tabs it reads as a decimal comma.
    """
    text = values[values != ""].str.replace(_SPACES, "", regex=True)
    with_comma = text[text.str.contains(",", regex=False)]
    if with_comma.empty:
        return False
    if delimiter != ",":
        return not with_comma.str.match(r"^[-+]?\d{1,3}(?:,\d{3})+\.\d+$").all()
    comma_last = with_comma.str.match(r"^[-+]?[\d.]*,\d*$")
    return bool((comma_last & ~with_comma.str.match(_COMMA_THOUSANDS.pattern)).any())


def parse_number(values: pd.Series, context: FileContext) -> pd.Series:
    """Read numbers with a decimal point or, when the file uses one, a decimal comma; spaces and the
    other mark as thousands separators (``2.000,0``, ``1 200,50``, ``1,200.50``). A number that is not
    finite (``inf``, ``Infinity``, ``1e400``) is no number: a bad value, like ``NaN``."""
    fast = _finite(pd.to_numeric(values.where(values != ""), errors="coerce"))
    if not context.decimal_comma and fast.notna().sum() == (values != "").sum():
        return fast.astype("float64")
    text = values.str.replace(_SPACES, "", regex=True)
    if context.decimal_comma:
        text = text.mask(point_in_comma_file(values, context), "")
        text = text.str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
    else:
        text = text.str.replace(",", "", regex=False)
    return _finite(pd.to_numeric(text.where(text != ""), errors="coerce")).astype("float64")


def _finite(numbers: pd.Series) -> pd.Series:
    return numbers.mask(numbers.isin([float("inf"), float("-inf")]))


_COMMA_FILE_NUMBER = r"^[-+]?(?:\d*|\d{1,3}(?:\.\d{3})+)(?:,\d*)?$"


def point_in_comma_file(values: pd.Series, context: FileContext) -> pd.Series:
    """Numbers with a decimal point in a file whose numbers have a decimal comma (``1.5`` or ``1,200.50``
    beside ``7,5``): read as the file reads, ``1.5`` would be 15, so they are bad values."""
    if not context.decimal_comma:
        return pd.Series(False, index=values.index)
    text = values.str.replace(_SPACES, "", regex=True)
    return (text.str.match(r"^[-+]?[\d.,]+$") & text.str.contains(".", regex=False)
            & ~text.str.match(_COMMA_FILE_NUMBER))


# ---- words ----------------------------------------------------------------------------------------

#: Yes and no in the words of the exports: English, Russian, German, French, Spanish, Italian, Japanese.
_TRUE = {"yes", "y", "true", "1", "billable", "да", "д", "истина", "ja", "wahr", "oui", "vrai", "sí", "si",
         "verdadero", "vero", "はい", "✓", "x"}
_FALSE = {"no", "n", "false", "0", "non-billable", "nonbillable", "not billable", "нет", "н", "ложь", "nein",
          "falsch", "non", "faux", "falso", "いいえ"}


def parse_bool(values: pd.Series, context: FileContext) -> pd.Series:
    lower = values.str.lower()
    result = pd.Series(pd.NA, index=values.index, dtype="boolean")
    result[lower.isin(_TRUE)] = True
    result[lower.isin(_FALSE)] = False
    return result


_DIRECTIONS = {"in": "in", "inbound": "in", "incoming": "in", "входящий": "in", "вх": "in",
               "out": "out", "outbound": "out", "outgoing": "out", "исходящий": "out", "исх": "out"}


def parse_direction(values: pd.Series, context: FileContext) -> pd.Series:
    return values.str.lower().map(_DIRECTIONS).astype("str")


_CURRENCY_SIGNS = {"$": "USD", "US$": "USD", "€": "EUR", "£": "GBP", "₽": "RUB", "РУБ": "RUB",
                   "РУБ.": "RUB", "Р.": "RUB", "RUR": "RUB", "¥": "JPY", "₸": "KZT", "₴": "UAH"}

#: The ISO 4217 currency codes (current, and a few replaced since 2000 that old invoices may carry):
#: a typo such as ``UDS`` is an error, not a currency of its own.
ISO_CURRENCIES = frozenset("""
    AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD BTN BWP BYN BYR
    BZD CAD CDF CHF CLF CLP CNH CNY COP CRC CUC CUP CVE CYP CZK DEM DJF DKK DOP DZD EEK EGP ERN ETB EUR FIM
    FJD FKP FRF GBP GEL GHS GIP GMD GNF GTQ GYD HKD HNL HRK HTG HUF IDR ILS INR IQD IRR ISK ITL JMD JOD JPY
    KES KGS KHR KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LTL LVL LYD MAD MDL MGA MKD MMK MNT MOP MRO MRU
    MTL MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF
    SAR SBD SCR SDG SEK SGD SHP SIT SKK SLE SLL SOS SRD SSP STD STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD
    TWD TZS UAH UGX USD UYU UZS VED VEF VES VND VUV WST XAF XCD XCG XOF XPF YER ZAR ZMW ZWG ZWL
""".split())


def parse_currency(values: pd.Series, context: FileContext) -> pd.Series:
    """ISO 4217 codes in any case (``usd`` -> ``USD``); the common signs are read as their codes, and so
    are a name with its code (``United States Dollar - USD``, ``Euro (EUR)``) and a currency's name in
    English, Russian or German (``Российский рубль``, ``US Dollar``). Three letters that are no ISO code
    (``UDS``) are bad values."""
    upper = values.str.upper()
    mapped = upper.map(_CURRENCY_SIGNS)
    code = upper.where(upper.isin(ISO_CURRENCIES))
    result = mapped.fillna(code)
    words = result.isna() & (values.str.len() > 3)
    if words.any():
        suffix = values[words].str.extract(r"(?:\s[-–—]\s*|\()([A-Za-z]{3})\)?\s*$")[0].str.upper()
        named = suffix.where(suffix.isin(ISO_CURRENCIES))
        result[words] = named.fillna(values[words].str.casefold().str.strip().map(currency_names()))
    return result.astype("str")


_CURRENCY_NAMES: dict[str, str] = {}


def currency_names() -> dict[str, str]:
    """The names of the currencies, casefolded, in English, Russian and German (Babel's CLDR data, with
    the Russian forms for 1, 2 and 5: ``российский рубль``, ``российских рубля``)."""
    if not _CURRENCY_NAMES:
        from babel import Locale
        from babel.numbers import get_currency_name

        for locale in ("en", "ru", "de"):
            for code, name in Locale.parse(locale).currencies.items():
                if code in ISO_CURRENCIES and "(" not in name:
                    _CURRENCY_NAMES.setdefault(name.casefold(), code)
        for code in ("RUB", "USD", "EUR", "KZT", "BYN", "UAH", "GBP", "CNY"):
            for count in (1, 2, 5):
                _CURRENCY_NAMES.setdefault(get_currency_name(code, count, "ru").casefold(), code)
        _CURRENCY_NAMES.update({"рубль": "RUB", "рубли": "RUB", "рублей": "RUB", "руб": "RUB", "доллар": "USD",
                                "евро": "EUR"})
    return _CURRENCY_NAMES


_MONEY = re.compile(r"^(?P<minus>[-−])?\s*(?P<before>[^\d\s.,'+\-−]{1,3})?\s*(?P<number>[-+]?\d[\d\s\u00a0\u202f'.,]*?)"
                    r"\s*(?P<after>[^\d\s.,'+\-−]{1,3}\.?)?$")


def split_money(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Amounts written with a currency sign or code (``$1,200.00``, ``1 200,00 ₽``, ``EUR 300``,
    ``300 €``): the number as text, and the currency code the sign stands for (missing when the value has
    none). A value whose sign is no currency is left as it is, for the number parser to refuse."""
    if not values.str.contains(r"[^\d\s.,'+\-]").any():
        return values, pd.Series(pd.NA, index=values.index, dtype="str")
    parts = values.str.extract(_MONEY.pattern)
    sign = parts["before"].fillna("") + parts["after"].fillna("")
    both = parts["before"].notna() & parts["after"].notna()
    code = parse_currency(sign.where(~both, ""), FileContext()).where(sign != "")
    number = (parts["minus"].fillna("").str.replace("−", "-") + parts["number"]).where(code.notna(), values)
    return number.astype("str"), code.astype("str")


def parse_kind(values: pd.Series, context: FileContext) -> pd.Series:
    """Kinds are rubric words: ``Deadline met`` and ``deadline-met`` both read as ``deadline_met``."""
    return values.str.lower().str.replace(r"[\s\-]+", "_", regex=True).where(values != "")


def parse_category(values: pd.Series, context: FileContext) -> pd.Series:
    canonical = values.str.lower().str.replace(r"[\s\-]+", "_", regex=True)
    return canonical.where(canonical.isin(CATEGORIES))


def parse_text(values: pd.Series, context: FileContext) -> pd.Series:
    return values.where(values != "")


def parse_client(values: pd.Series, context: FileContext) -> pd.Series:
    """Client names as written, white space trimmed; matching across files happens in :mod:`.names`."""
    return values.str.replace(r"\s+", " ", regex=True).where(values != "")


PARSERS: dict[str, Parser] = {
    "date": Parser(parse_date, "a date (write YYYY-MM-DD or DD.MM.YYYY)"),
    "datetime": Parser(parse_datetime, "a date or date-time (write YYYY-MM-DD HH:MM or DD.MM.YYYY HH:MM)"),
    "number": Parser(parse_number, "a number (write digits, such as 7.5 or 1 200,50)"),
    "bool": Parser(parse_bool, "yes or no (write yes or no; true/false, 1/0 and да/нет are read too)"),
    "direction": Parser(parse_direction, "a direction (write in or out)"),
    "currency": Parser(parse_currency, "a currency (write its three-letter ISO 4217 code, such as USD, EUR, RUB)"),
    "kind": Parser(parse_kind, "a kind"),
    "category": Parser(parse_category, "a category (write one of: " + ", ".join(CATEGORIES) + ")"),
    "text": Parser(parse_text, "text"),
    "client": Parser(parse_client, "a client name"),
}
