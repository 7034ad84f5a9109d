"""The data-quality log: recoverable oddities, each with its file and rows, shown to the user and never
silently changing a number."""
from __future__ import annotations

from dataclasses import dataclass, field

MAX_ROWS_SHOWN = 10


@dataclass(frozen=True)
class QualityNote:
    """One oddity found in a file, on one or more rows.

    ``code`` names the kind of oddity (``blank_rows``, ``header_row``, ``totals_row``, ``duplicate_row``,
    ``long_entry``, ``unknown_kind``, ``invoice_only_client``, ``paid_before_issued``, ``credit_note``, ...);
    ``client`` is set when the note concerns one
    client, so that its report can show it.
    """

    file: str
    code: str
    message: str
    rows: tuple[int, ...] = ()
    column: str | None = None
    client: str | None = None

    def __str__(self) -> str:
        where = self.file
        if self.rows:
            shown = ", ".join(str(r) for r in self.rows[:MAX_ROWS_SHOWN])
            more = f" and {len(self.rows) - MAX_ROWS_SHOWN} more" if len(self.rows) > MAX_ROWS_SHOWN else ""
            where += f" row{'s' if len(self.rows) > 1 else ''} {shown}{more}"
        if self.column:
            where += f", column {self.column}"
        return f"{where}: {self.message}"


@dataclass
class DataQuality:
    """The notes of one read, in the order found."""

    notes: list[QualityNote] = field(default_factory=list)

    def add(self, file: str, code: str, message: str, rows=(), column: str | None = None,
            client: str | None = None) -> None:
        self.notes.append(QualityNote(file, code, message, tuple(int(r) for r in rows), column, client))

    def __len__(self) -> int:
        return len(self.notes)

    def __iter__(self):
        return iter(self.notes)

    def for_client(self, client: str) -> list[QualityNote]:
        return [note for note in self.notes if note.client == client]


def counted(count: int, one: str, many: str = "") -> str:
    """``counted(1, "event")`` is ``1 event``, ``counted(3, "event")`` ``3 events``; empty for 0 (the
    wording of the notes that count what was left out)."""
    return "" if not count else f"{count} {one if count == 1 else many or one + 's'}"
