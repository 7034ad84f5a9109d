"""Matching client names across files: one key per client, whatever the spelling."""
from __future__ import annotations

import re
import unicodedata

import pandas as pd

from relhealth.columns import ROW, SOURCE
from relhealth.errors import INVISIBLE, printable
from relhealth.io.quality import DataQuality, phrase

_QUOTES = re.compile("[\"'«»“”„‘’‚‹›`]")
_SPACE = re.compile(r"\s+")
_INVISIBLE = re.compile(f"[{INVISIBLE}]")


def client_key(name: str) -> str:
    """The matching key of a client name: Unicode-normalised, invisible characters (zero-width, text
    direction: :data:`relhealth.errors.INVISIBLE`) and quote marks removed, white space trimmed and
    collapsed, case folded. ``  ООО «Северный  ветер» `` and ``ооо "северный ветер"`` share a key, and
    ``Acme\\u200b`` and ``Acme`` do."""
    text = _INVISIBLE.sub("", unicodedata.normalize("NFKC", name))
    text = _QUOTES.sub("", text)
    return _SPACE.sub(" ", text).strip().casefold()


def display_name(name: str) -> str:
    """A name as shown in reports: as written, without invisible characters, with white space trimmed and
    collapsed."""
    return _SPACE.sub(" ", _INVISIBLE.sub("", unicodedata.normalize("NFKC", name))).strip()


def note_invisible_names(frame: pd.DataFrame, quality: DataQuality, columns: tuple[str, ...] = ("client",)) -> None:
    """Note the rows of ``frame`` (a table as read: names as written, ``source`` and ``row``) whose names in
    ``columns`` carry invisible characters, which matching and display leave out: one note per file and
    column, the names quoted with their invisible characters escaped (``'Acme\\u200b'``)."""
    for column in [c for c in columns if c in frame.columns]:
        # each distinct name looked at once: a million rows hold a few hundred names
        marked = [name for name in frame[column].dropna().unique() if _INVISIBLE.search(str(name))]
        if not marked:
            continue
        carrying = frame[frame[column].isin(marked)]
        for source, rows in carrying.groupby(SOURCE, sort=False):
            written = dict.fromkeys(printable(str(name)) for name in rows[column])
            quality.add(source, "invisible_name", rows=rows[ROW], column=column,
                        names=[phrase("notes.part.quoted", text=name) for name in written])


class ClientDirectory:
    """Resolves every spelling of a client to one display name.

    Names from ``clients.csv`` (and their aliases) come first; any other client takes the first
    spelling seen as its display name.
    """

    def __init__(self) -> None:
        self._by_key: dict[str, str] = {}
        self.listed: list[str] = []

    def add_listed(self, name: str, aliases: list[str]) -> list[str]:
        """Register a client of ``clients.csv``; return the spellings already taken by another client."""
        display = display_name(name)
        clashes = []
        for spelling in [name, *aliases]:
            key = client_key(spelling)
            if not key:
                continue
            owner = self._by_key.setdefault(key, display)
            if owner != display:
                clashes.append(f"'{spelling}' (already {owner})")
        self.listed.append(display)
        return clashes

    def resolve(self, names: pd.Series) -> tuple[pd.Series, list[str]]:
        """Map a Series of names as written (missing for none) to display names, and list the display names
        found, in the order of first appearance. Each distinct spelling is matched once."""
        codes, spellings = pd.factorize(names)
        display = []
        for name in spellings:
            key = client_key(name)
            display.append(self._by_key.setdefault(key, display_name(name)) if key else None)
        shown = pd.array([*display, None], dtype="str")      # code -1 (no name) takes the last: missing
        found = list(dict.fromkeys(name for name in display if name is not None))
        return pd.Series(shown.take(codes), index=names.index), found


def kind_key(word: str) -> str:
    """The matching key of a kind written in words: as :func:`client_key`, with ``_`` and ``-`` read as
    spaces, so ``Срыв срока``, ``срыв_срока`` and ``срыв-срока`` share a key."""
    return client_key(re.sub(r"[_\-]+", " ", word))


def kinds_in_words(kinds: pd.Series, aliases: dict[str, str], known: set[str]) -> pd.Series:
    """The rubric kind of each kind as written: a known kind as it is, a word of ``aliases`` (word = kind)
    as its kind, anything else as it is (to be noted as unknown). Each distinct value is looked up once."""
    by_key = {kind_key(word): kind for word, kind in aliases.items()}
    distinct = pd.Series(kinds.dropna().unique(), dtype="str")
    lookup = {value: value if value in known else by_key.get(kind_key(value), value) for value in distinct}
    return kinds.map(lookup).astype(kinds.dtype)


def named_client(text: str, names: dict[str, str]) -> str | None:
    """The one client whose name or alias (``names``: matching key -> client) ``text`` holds as whole
    words, as a calendar event's summary or a chat's title names its client; None for none or several."""
    words = " " + client_key(re.sub(r"[^\w«»\"']+", " ", text)) + " "
    found = {client for name, client in names.items() if name and f" {name} " in words}
    return found.pop() if len(found) == 1 else None
