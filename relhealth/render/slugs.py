"""File names for client pages: safe on every file system, readable, unique, the same every month.

python-slugify and pathvalidate were weighed: python-slugify writes Cyrillic as ``severnyi``/``iulia``
(so the pages of Russian clients would change name) and keeps ``con``; pathvalidate keeps the name's
characters. Neither gives the names below, which existing bookmarks point at.
"""
from __future__ import annotations

import hashlib
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


def assign_slugs(names: list[str], taken: tuple[str, ...] = ()) -> dict[str, str]:
    """A unique slug per name. Names whose slugs collide with each other or with a name in ``taken`` (the
    run's own files) all get a short hash of the name, so a client's slug depends only on the names it
    collides with, not on their order."""
    slugs = {name: slugify(name) for name in names}
    counts: dict[str, int] = {}
    for slug in slugs.values():
        counts[slug] = counts.get(slug, 0) + 1
    for name, slug in slugs.items():
        if counts[slug] > 1 or slug in taken:
            slugs[name] = f"{slug}-{hashlib.sha256(name.encode('utf-8')).hexdigest()[:8]}"
    return slugs
