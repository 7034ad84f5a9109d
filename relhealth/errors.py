"""The two kinds of error a user can meet: bad input (exit 1) and wrong usage (exit 2)."""
from __future__ import annotations

import re
from dataclasses import dataclass

#: How many problems of one file a message lists before it summarises the rest.
MAX_LISTED = 20

#: Characters that show nothing where they stand: zero-width space, non-joiner and joiner, the marks and
#: controls of text direction (``U+200E``-``U+200F``, ``U+202A``-``U+202E``, ``U+2066``-``U+2069``, the Arabic
#: letter mark), the word joiner and invisible operators, the byte order mark, the soft hyphen and the
#: Mongolian vowel separator. A class of :mod:`re`.
INVISIBLE = "\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff"
#: What a terminal must not receive raw: the invisible characters, and the control characters (C0 but tab
#: and newline, DEL, C1) that start escape sequences (``ESC [31m``), move the cursor or ring the bell.
_UNPRINTABLE = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f{INVISIBLE}]")


def printable(text: str) -> str:
    """``text`` safe to print to a terminal: each invisible or control character (but tab and newline)
    written as its escape, ``\\x1b`` below ``U+0100``, ``\\u200b`` above, in letters a reader sees;
    everything else as it is."""
    return _UNPRINTABLE.sub(lambda m: f"\\x{ord(m[0]):02x}" if ord(m[0]) < 0x100 else f"\\u{ord(m[0]):04x}", text)


@dataclass(frozen=True)
class Problem:
    """One thing wrong in an input file.

    Parameters
    ----------
    file : the file as the user named it (a path).
    message : what is wrong and what to do, as one sentence.
    row : the line number in the file (the header is line 1), or None for the whole file.
    column : the column name, or None.
    """

    file: str
    message: str
    row: int | None = None
    column: str | None = None

    def where(self) -> str:
        parts = []
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column is not None:
            parts.append(f"column {self.column}")
        return ", ".join(parts)


class _PlainInNotebooks:
    """In a notebook, show the message alone, not a Python traceback (IPython calls this hook)."""

    def _render_traceback_(self) -> list[str]:
        return [f"{type(self).__name__}: {self}"]


class InputError(_PlainInNotebooks, Exception):
    """Bad input: the data cannot be used as it is. Carries every problem found, grouped by file."""

    def __init__(self, problems: list[Problem] | Problem):
        self.problems = [problems] if isinstance(problems, Problem) else list(problems)
        super().__init__(self.describe())

    def describe(self) -> str:
        lines: list[str] = []
        by_file: dict[str, list[Problem]] = {}
        for problem in self.problems:
            by_file.setdefault(problem.file, []).append(problem)
        for file, problems in by_file.items():
            if len(problems) == 1 and not problems[0].where():
                lines.append(f"{file}: {problems[0].message}")
                continue
            count = f"{len(problems)} problem" + ("s" if len(problems) > 1 else "")
            lines.append(f"{file}: {count}")
            for problem in problems[:MAX_LISTED]:
                where = problem.where()
                lines.append(f"  {where}: {problem.message}" if where else f"  {problem.message}")
            if len(problems) > MAX_LISTED:
                lines.append(f"  ... and {len(problems) - MAX_LISTED} more")
        return "\n".join(lines)


class UsageError(_PlainInNotebooks, Exception):
    """The command was called wrongly (exit code 2)."""
