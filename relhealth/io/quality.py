"""The data-quality log: recoverable oddities, each with its file and rows, shown to the user and never
silently changing a number.

A note keeps its ``code`` and the values of its places, never a finished sentence, so that it reads in
the language of the page that shows it (``notes.toml`` of the catalogues, :mod:`relhealth.i18n`): the
command line prints it in English (``str(note)``), a page in its own language (``note.text(w)``).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from relhealth.columns import ROW, SOURCE
from relhealth.i18n import Words, words
from relhealth.settings import PATTERN_TEXT_LIMIT

MAX_ROWS_SHOWN = 10


@dataclass(frozen=True)
class Count:
    """A number of things, with the form of the counted ``word`` (a key of ``[plural]``) that goes with it:
    ``Count(3, "note_row")`` reads ``3 rows``, ``3 строки``."""

    n: float
    word: str

    def __post_init__(self):
        object.__setattr__(self, "n", _plain(self.n))


@dataclass(frozen=True)
class Amount:
    """An amount of money, to 2 decimals with the language's separators: ``1,140.00``, ``1 140,00``."""

    value: float

    def __post_init__(self):
        object.__setattr__(self, "value", _plain(self.value))


@dataclass(frozen=True)
class Phrase:
    """A catalogue sentence ``key`` with the values of its places: a part of a note chosen among fixed
    wordings (a reason of relhealth's own, one of the pairs of rows a duplicate repeats)."""

    key: str
    values: tuple[tuple[str, object], ...] = ()

    def text(self, w: Words) -> str:
        return w(self.key, **{name: worded(value, w) for name, value in self.values})


def phrase(key: str, **values) -> Phrase:
    """``phrase("notes.part.row", row=3)``: a :class:`Phrase` of plain, hashable values."""
    return Phrase(key, _values(values))


def worded(value, w: Words) -> str:
    """A value of a note in ``w``'s language. Text (file, client, column, kind, invoice names, a user's own
    reason) is shown as written; whole numbers (rows, counts) as they are; other numbers as ``26.5``,
    ``26,5``; days as ``w.date``; a tuple as its items one after the other."""
    if isinstance(value, Phrase):
        return value.text(w)
    if isinstance(value, Count):
        return f"{_figure(value.n, w)} {w.form(value.n, value.word)}"
    if isinstance(value, Amount):
        return w.number(value.value)
    if isinstance(value, tuple):
        # "26,5; 30" where the decimal mark is a comma, so that a list of fractions still reads
        fractions = any(isinstance(v, float) and not v.is_integer() for v in value)
        comma = fractions and w.decimal == ","
        return ("; " if comma else ", ").join(worded(v, w) for v in value)
    if isinstance(value, dt.date):
        return w.date(value)
    if isinstance(value, float):
        return _figure(value, w)
    return str(value)


def _figure(value: float, w: Words) -> str:
    """``30``, ``26.5`` (``26,5``): a whole number as it is, another with as many digits as it has (six at
    most)."""
    text = str(value) if isinstance(value, int) else f"{value:g}"
    return text if w.english else text.replace(".", w.decimal)


def _plain(value):
    """A value a note can keep (hashable, picklable, equal when read twice): numpy scalars as Python's,
    lists and Series as tuples."""
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, (Phrase, Count, Amount, str, dt.date)):
        return value
    if hasattr(value, "__iter__"):
        return tuple(_plain(v) for v in value)
    return value


def _values(values: dict) -> tuple[tuple[str, object], ...]:
    return tuple((name, _plain(value)) for name, value in values.items())


@dataclass(frozen=True)
class QualityNote:
    """One oddity found in a file, on one or more rows.

    ``code`` names the kind of oddity (``blank_rows``, ``header_row``, ``totals_row``, ``duplicate_row``,
    ``long_entry``, ``unknown_kind``, ``invoice_only_client``, ``paid_before_issued``, ``credit_note``, ...)
    and its sentence, ``notes.<code>`` of the catalogue, whose places ``values`` fill (name, value). A
    code whose sentence differs for one row and for several has ``notes.<code>.one`` and
    ``notes.<code>.several``, chosen by the number of the note's ``rows``. ``client`` is set when the note
    concerns one client, so that its report can show it.
    """

    file: str
    code: str
    values: tuple[tuple[str, object], ...] = ()
    rows: tuple[int, ...] = ()
    column: str | None = None
    client: str | None = None

    def text(self, w: Words) -> str:
        """The whole note in ``w``'s language: where (the file, its rows, the column), then what."""
        where = self.file
        if self.rows:
            shown = ", ".join(str(r) for r in self.rows[:MAX_ROWS_SHOWN])
            if len(self.rows) > MAX_ROWS_SHOWN:
                shown = w("notes.where.more", rows=shown, more=len(self.rows) - MAX_ROWS_SHOWN)
            where = w("notes.where.rows" if len(self.rows) > 1 else "notes.where.row", file=where, rows=shown)
        if self.column:
            where = w("notes.where.column", where=where, column=self.column)
        return w("notes.where.note", where=where, message=self.wording(w))

    def wording(self, w: Words) -> str:
        """What the note says, without where, in ``w``'s language."""
        key = f"notes.{self.code}"
        if key not in w.entries:
            key += ".several" if len(self.rows) > 1 else ".one"
        return w(key, **{name: worded(value, w) for name, value in self.values})

    @property
    def message(self) -> str:
        """What the note says, in English."""
        return self.wording(words("en"))

    def __str__(self) -> str:
        return self.text(words("en"))


@dataclass
class DataQuality:
    """The notes of one read, in the order found."""

    notes: list[QualityNote] = field(default_factory=list)

    def add(self, file: str, code: str, rows=(), column: str | None = None, client: str | None = None,
            **values) -> None:
        """Note ``code`` on ``rows`` of ``file``; ``values`` fill the places of its sentence."""
        self.notes.append(QualityNote(file, code, _values(values), tuple(int(r) for r in rows), column, client))

    def __len__(self) -> int:
        return len(self.notes)

    def __iter__(self):
        return iter(self.notes)

    def for_client(self, client: str) -> list[QualityNote]:
        return [note for note in self.notes if note.client == client]


#: The columns whose texts the patterns read: a time entry's task and tags ([effort.categories]), a
#: message's text and subject ([tone]).
PATTERN_COLUMNS = ("task", "tags", "text", "subject")


def note_long_texts(frame: pd.DataFrame, quality: DataQuality, columns: tuple[str, ...] = PATTERN_COLUMNS) -> None:
    """Note the rows of ``frame`` (a table as read, with ``source`` and ``row``) whose text in one of
    ``columns`` is longer than the patterns read (:data:`relhealth.settings.PATTERN_TEXT_LIMIT`): one note
    per file, client and column, with the longest text's length."""
    for column in [c for c in columns if c in frame.columns]:
        lengths = frame[column].str.len()
        over = (lengths > PATTERN_TEXT_LIMIT).to_numpy(dtype=bool)       # a missing text is never over
        long = frame.loc[over].assign(length=lengths.loc[over])
        keys = [SOURCE, "client"] if "client" in long.columns else [SOURCE]
        for key, rows in long.groupby(keys, dropna=False, sort=False):
            client = key[1] if len(keys) > 1 and pd.notna(key[1]) else None
            quality.add(key[0], "long_text", rows=rows[ROW], column=column, client=client,
                        length=Count(int(rows["length"].max()), "note_character"),
                        limit=Count(PATTERN_TEXT_LIMIT, "note_character"))


__all__ = ["PATTERN_COLUMNS", "Amount", "Count", "DataQuality", "Phrase", "QualityNote", "note_long_texts", "phrase",
           "worded"]
