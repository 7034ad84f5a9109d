"""The words and the number formats of the pages in each language (DESIGN section 6, ``--lang``).

Each language has one catalogue, the TOML files of ``catalogues/<lang>/`` (``pages``, ``names``,
``charts``, ``notes``, ...), with the same keys in every language: a key holds a sentence with ``{named}``
places, or, under ``[plural]``, the forms of a counted word by CLDR plural category (``one``, ``few``,
``many``, ``other``) so that ``1 клиент``, ``2 клиента``, ``5 клиентов`` come out right. The notebooks'
explanations are the notebooks' own text in English, the catalogue's ``notebook.<name>.<cell id>`` in
another language. Numbers, money and dates are written by Babel in the language's own way (``1 234,56``,
``25 875,00 $``, ``октябрь 2026``, ``31.10.2026 14:05``); English keeps the pages' own formats
(``USD 25,875.00``, ``2026-10-31 14:05``).

This module depends on nothing of relhealth, so that every layer can word what it finds.
"""
from __future__ import annotations

import functools
import string
import tomllib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from babel import Locale
from babel.dates import format_date, format_datetime
from babel.numbers import format_currency, format_decimal

#: The languages of the pages, the first the default.
LANGUAGES = ("en", "ru")
CATALOGUES = Path(__file__).with_name("catalogues")
#: What a page shows for a missing figure.
DASH = "–"


@dataclass(frozen=True)
class Words:
    """One language's catalogue and formats. ``words("ru")("portfolio.title", month=...)``."""

    lang: str
    entries: dict

    @functools.cached_property
    def locale(self) -> Locale:
        """The language's CLDR data, parsed once (its plural rules and number symbols are read per figure)."""
        return Locale.parse(self.lang)

    @property
    def decimal(self) -> str:
        """The language's decimal mark: ``.``, ``,``."""
        return self.locale.number_symbols["latn"]["decimal"]

    @property
    def english(self) -> bool:
        return self.lang == LANGUAGES[0]

    def __call__(self, key: str, **values) -> str:
        """The sentence ``key`` with its places filled in."""
        return self.entries[key].format(**values)

    def name(self, group: str, code, fallback: str | None = None) -> str:
        """The name of a code of ``group`` (``band``, ``flag``, ``quadrant``, ``kind``, ``category``, ...) in
        the language: ``names.<group>.<code>``; a code the catalogue does not name (a rubric kind of the
        agency's own) reads with its underscores as spaces."""
        found = self.entries.get(f"names.{group}.{code}")
        return found if found is not None else fallback if fallback is not None else str(code).replace("_", " ")

    def count(self, n: float, word: str) -> str:
        """``n`` and the form of the counted ``word`` (a key of ``[plural]``) that goes with it:
        ``1 client``, ``4,512 clients``, ``5 клиентов``."""
        return f"{self.number(n, 0) if float(n).is_integer() else self.number(n)} {self.form(n, word)}"

    def form(self, n: float, word: str) -> str:
        """The form of the counted ``word`` that goes with ``n``, without the number."""
        forms = self.entries[f"plural.{word}"]
        return forms.get(self.locale.plural_form(abs(n)), forms["other"])

    def number(self, value: float, decimals: int = 2, grouped: bool = True) -> str:
        """A number with the language's separators: ``1,234.50``, ``1 234,50`` (``1234,50`` not
        ``grouped``); never ``-0.00``."""
        value = round(float(value), decimals) + 0.0
        pattern = ("#,##0" if grouped else "0") + ("." + "0" * decimals if decimals else "")
        return format_decimal(value, format=pattern, locale=self.lang)

    def money(self, amount: float, currency: str | None = None) -> str:
        """``USD 1,234.50`` in English (the code first, as the pages always wrote it); ``1 234,50 $`` in
        Russian, as a Russian reader writes money."""
        if not currency:
            return self.number(amount)
        if self.english:
            return f"{currency} {self.number(amount)}"
        return format_currency(round(float(amount), 2) + 0.0, currency, locale=self.lang)

    def points(self, value: float, signed: bool = False) -> str:
        """An EBA figure to 2 decimals: ``7.54``, ``7,54``, or ``+0.25`` when ``signed``; never ``-0.00``."""
        text = self.number(value, 2, grouped=False)
        return "+" + text if signed and not text.startswith("-") else text

    def ratio(self, value) -> str:
        """A ratio to 3 decimals as the review table writes it; infinite and missing have their signs."""
        if value is None or pd.isna(value):
            return DASH
        return self("format.infinite") if np.isinf(value) else self.number(value, 3, grouped=False)

    def hours(self, value: float) -> str:
        return self.number(value)

    def figure(self, value) -> str:
        """A figure as the checklist shows it: whole numbers as they are, others to 3 decimals (as the review
        table writes ratios) without trailing zeros, so that 1.998 never reads 2."""
        if value is None or pd.isna(value):
            return self("format.none")
        if np.isinf(value):
            return self("format.infinite")
        if float(value).is_integer():
            return self.number(value, 0, grouped=False)
        text = self.number(value, 3, grouped=False)
        return text.rstrip("0").rstrip(self.decimal)

    def weight(self, value: float) -> str:
        """A rubric weight with its sign: ``+2``, ``-4``, ``+0.5``, ``+0,5``, ``0``."""
        if not value:
            return "0"
        text = self.figure(value)
        return text if text.startswith("-") else "+" + text

    def date(self, value) -> str:
        """A day in a table: ``2026-10-31``, ``31.10.2026``."""
        stamp = pd.Timestamp(value)
        return stamp.strftime("%Y-%m-%d") if self.english else format_date(stamp.date(), "dd.MM.y", locale=self.lang)

    def when(self, value) -> str:
        """A day in a table, with its time of day when it has one: ``2026-10-31 14:05``, ``31.10.2026 14:05``."""
        stamp = pd.Timestamp(value)
        if not (stamp.hour or stamp.minute):
            return self.date(stamp)
        if self.english:
            return stamp.strftime("%Y-%m-%d %H:%M")
        return format_datetime(stamp.to_pydatetime(), "dd.MM.y HH:mm", locale=self.lang)

    def day(self, value) -> str:
        """A day in a sentence: ``31 October 2026``, ``31 октября 2026``."""
        return format_date(pd.Timestamp(value).date(), "d MMMM y", locale=self.lang)

    def month(self, month) -> str:
        """``October 2026``, ``октябрь 2026``."""
        first = pd.Period(month, "M").start_time.date()
        return format_date(first, "LLLL y", locale=self.lang)

    def month_of(self, month) -> str:
        """A month after "the end of": ``October 2026``, ``октября 2026`` (the genitive)."""
        first = pd.Period(month, "M").start_time.date()
        return format_date(first, "MMMM y", locale=self.lang)

    def month_short(self, month) -> str:
        """A month in a table or on a chart's axis: ``2026-10``; ``окт. 2026``."""
        period = pd.Period(month, "M")
        return str(period) if self.english else format_date(period.start_time.date(), "LLL y", locale=self.lang)


def localised(notebook, name: str, lang: str):
    """The report notebook ``name`` (an ``nbformat`` notebook; ``name``: its file's stem, such as
    ``portfolio_review``) with each markdown cell in ``lang``, its text from the catalogue key
    ``notebook.<name>.<cell id>``; English keeps the notebook's own text. Code cells are untouched."""
    if lang == LANGUAGES[0]:
        return notebook
    texts = {key.rsplit(".", 1)[1]: text for key, text in words(lang).entries.items()
             if key.startswith(f"notebook.{name}.")}
    for cell in notebook.cells:
        if cell.cell_type == "markdown" and cell.get("id") in texts:
            cell.source = texts[cell["id"]].strip()
    return notebook


def placeholders(text: str) -> set[str]:
    """The ``{named}`` places of a catalogue sentence."""
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def _flat(table: dict, prefix: str = "") -> dict:
    flat = {}
    for key, value in table.items():
        path = f"{prefix}{key}"
        if isinstance(value, dict) and not path.startswith("plural."):
            flat.update(_flat(value, f"{path}."))
        else:
            flat[path] = value
    return flat


def catalogue(lang: str) -> dict[str, dict]:
    """The entries of each file of ``lang``'s catalogue, by the file's stem."""
    files = {}
    for path in sorted((CATALOGUES / lang).glob("*.toml")):
        with path.open("rb") as handle:
            files[path.stem] = _flat(tomllib.load(handle))
    return files


@functools.cache
def words(lang: str = LANGUAGES[0]) -> Words:
    """The words of ``lang`` (one of ``LANGUAGES``)."""
    if lang not in LANGUAGES:
        raise ValueError(f"no pages in {lang!r}: the languages are {', '.join(LANGUAGES)}")
    entries = {}
    for stem, found in catalogue(lang).items():
        twice = set(found) & set(entries)
        if twice:
            raise ValueError(f"{CATALOGUES / lang / stem}.toml repeats the keys {', '.join(sorted(twice))}")
        entries.update(found)
    return Words(lang, entries)


#: The words of the pages in English, the default of every function that writes words.
ENGLISH = words()

__all__ = ["CATALOGUES", "DASH", "ENGLISH", "LANGUAGES", "Words", "catalogue", "localised", "placeholders", "words"]
