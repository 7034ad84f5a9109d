"""File names for client pages: safe on every file system, readable, unique, the same every month.

python-slugify and pathvalidate were weighed: python-slugify writes Cyrillic as ``severnyi``/``iulia``
(so the pages of Russian clients would change name) and keeps ``con``; pathvalidate keeps the name's
characters. Neither gives the names below, which existing bookmarks point at.
"""
from __future__ import annotations

import re
import unicodedata

#: Longest slug before its hash, in characters.
SLUG_LENGTH = 60
_WINDOWS_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10))}
_CYRILLIC = dict(zip(
    "абвгдеёжзийклмнопрстуфхцчшщъыьэюяєіїґ",
    ["a", "b", "v", "g", "d", "e", "e", "zh", "z", "i", "y", "k", "l", "m", "n", "o", "p", "r", "s", "t", "u",
     "f", "kh", "ts", "ch", "sh", "shch", "", "y", "", "e", "yu", "ya", "ye", "i", "yi", "g"], strict=True))


def slugify(name: str) -> str:
    """A file name for a client: lower-case ASCII letters, digits and hyphens, Cyrillic transliterated,
    at most ``SLUG_LENGTH`` characters, never a name Windows reserves; ``client`` when nothing is left."""
    text = "".join(_CYRILLIC.get(ch, ch) for ch in unicodedata.normalize("NFKC", name).casefold())
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", text).strip("-")[:SLUG_LENGTH].strip("-") or "client"
    return f"{slug}-client" if slug in _WINDOWS_RESERVED else slug


#: Names a report run gives its own files and folders beside the client pages and in its work folder:
#: ``index.html`` (and ``index.pdf``), ``review.csv``, ``logs/``, ``notebooks/``, the portfolio's
#: ``portfolio.bundle``, the backtest's ``backtest/`` and ``backtest.bundle``. No client's page takes one.
RESERVED = frozenset({"index", "portfolio", "review", "logs", "notebooks", "backtest"})


def assign_slugs(names: list[str], taken: tuple[str, ...] = ()) -> dict[str, str]:
    """A unique slug per name, whatever the order of ``names``: its :func:`slugify` when no other name has
    the same and it is not ``RESERVED`` nor in ``taken`` (the run's own files), so the page of an ordinary
    name keeps its name month after month.

    Names that share a slug are ordered by their case-folded text, then as written: the first keeps the
    slug, the others get ``-2``, ``-3``, ...; a reserved slug's names are numbered from ``-2``. A number
    is skipped when the slug it gives is another name's own slug or reserved, so no name, however
    spelled, can take another's page: an own slug is never numbered, and two numbered slugs differ, their
    numbers differing or the part before their last hyphen (the slug they share) differing."""
    plain = {name: slugify(name) for name in names}
    blocked = RESERVED | set(taken)
    sharing: dict[str, list[str]] = {}
    for name, slug in plain.items():
        sharing.setdefault(slug, []).append(name)
    used = {*blocked, *plain.values()}
    slugs = {}
    for slug, group in sorted(sharing.items()):
        group = sorted(group, key=lambda name: (unicodedata.normalize("NFKC", name).casefold(), name))
        number = 1
        for i, name in enumerate(group):
            if i == 0 and slug not in blocked:
                slugs[name] = slug
                continue
            number += 1
            while f"{slug}-{number}" in used:
                number += 1
            slugs[name] = f"{slug}-{number}"
            used.add(slugs[name])
    return {name: slugs[name] for name in plain}
