"""The words and the number formats of the pages in each language (DESIGN section 6, ``--lang``).

Each language has one catalogue, ``render/catalogues/<lang>.toml``, with the same keys: a key holds a
sentence with ``{named}`` places, or, under ``[plural]``, the forms of a counted word by CLDR plural
category (``one``, ``few``, ``many``, ``other``) so that ``1 клиент``, ``2 клиента``, ``5 клиентов`` come
out right. Numbers, money and dates are written by Babel in the language's own way (``1 234,56``,
``25 875,00 $``, ``октябрь 2026``); English keeps the pages' own formats (``USD 25,875.00``).
"""
from __future__ import annotations

import functools
import string
import tomllib
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from babel import Locale
from babel.dates import format_date
from babel.numbers import format_currency, format_decimal

#: The languages of the pages, the first the default.
LANGUAGES = ("en", "ru")
CATALOGUES = Path(__file__).with_name("catalogues")


@dataclass(frozen=True)
class Words:
    """One language's catalogue and formats. ``words("ru")("portfolio.title", month=...)``."""

    lang: str
    entries: dict

    @property
    def locale(self) -> Locale:
        return Locale.parse(self.lang)

    def __call__(self, key: str, **values) -> str:
        """The sentence ``key`` with its places filled in."""
        return self.entries[key].format(**values)

    def count(self, n: float, word: str) -> str:
        """``n`` and the form of the counted ``word`` (a key of ``[plural]``) that goes with it:
        ``1 client``, ``4,512 clients``, ``5 клиентов``."""
        forms = self.entries[f"plural.{word}"]
        form = forms.get(self.locale.plural_form(abs(n)), forms["other"])
        return f"{self.number(n, 0) if float(n).is_integer() else self.number(n)} {form}"

    def number(self, value: float, decimals: int = 2) -> str:
        """A number with the language's separators: ``1,234.50``, ``1 234,50``; never ``-0.00``."""
        value = round(float(value), decimals) + 0.0
        return format_decimal(value, format="#,##0" + ("." + "0" * decimals if decimals else ""), locale=self.lang)

    def money(self, amount: float, currency: str | None = None) -> str:
        """``USD 1,234.50`` in English (the code first, as the pages always wrote it); ``1 234,50 $`` in
        Russian, as a Russian reader writes money."""
        if not currency:
            return self.number(amount)
        if self.lang == "en":
            return f"{currency} {self.number(amount)}"
        return format_currency(round(float(amount), 2) + 0.0, currency, locale=self.lang)

    def month(self, month) -> str:
        """``October 2026``, ``октябрь 2026``."""
        first = pd.Period(month, "M").start_time.date()
        return format_date(first, "LLLL y", locale=self.lang)

    def day(self, value) -> str:
        """``31 October 2026``, ``31 октября 2026``."""
        return format_date(pd.Timestamp(value).date(), "d MMMM y", locale=self.lang)


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


@functools.cache
def words(lang: str = LANGUAGES[0]) -> Words:
    """The words of ``lang`` (one of ``LANGUAGES``)."""
    if lang not in LANGUAGES:
        raise ValueError(f"no pages in {lang!r}: the languages are {', '.join(LANGUAGES)}")
    with (CATALOGUES / f"{lang}.toml").open("rb") as handle:
        return Words(lang, _flat(tomllib.load(handle)))


__all__ = ["CATALOGUES", "LANGUAGES", "Words", "localised", "placeholders", "words"]
