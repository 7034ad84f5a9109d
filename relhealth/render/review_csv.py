"""The month review as CSV (DESIGN section 5), the table other tools read."""
from __future__ import annotations

import io

import pandas as pd

from relhealth.columns import DSO_PREFIX, EBA_SPLIT_COLUMNS, OVERDUE_PREFIX
from relhealth.metrics.signals import HOURS, RATIOS
from relhealth.render.format import file_names

_TWO_DECIMALS = ["eba_balance", "eba_change", "eba_deposits", "eba_withdrawals", "work_hours", "collection_hours",
                 *HOURS, *EBA_SPLIT_COLUMNS]
_THREE_DECIMALS = ["effort_ratio", "effort_ratio_3m", *RATIOS]


def review_to_csv(table: pd.DataFrame) -> str:
    """The review as CSV text: money, hours, scores and days sales outstanding to 2 decimals, ratios to 3,
    ``inf`` for an infinite ratio and an empty field for a missing value; a text cell that begins with
    ``=``, ``+``, ``-``, ``@``, a tab or a carriage return starts with ``'`` (DESIGN section 5)."""
    money = [c for c in table.columns if c.startswith((OVERDUE_PREFIX, DSO_PREFIX))]
    decimals = {**{c: 2 for c in _TWO_DECIMALS + money}, **{c: 3 for c in _THREE_DECIMALS}}
    return frame_to_csv(table, decimals)


#: What a spreadsheet takes for the start of a formula (DESIGN section 5): a text cell beginning with one
#: of them is written with a leading ``'``.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """``value`` as a CSV cell a spreadsheet shows and never runs: text that begins with one of
    :data:`FORMULA_STARTS` gets a leading ``'``; a missing value is an empty cell; a number, a truth value
    or a date is returned as it is (``-3.5`` stays a number; the text ``"-3"`` is text, and is quoted)."""
    if isinstance(value, str):
        return "'" + value if value.startswith(FORMULA_STARTS) else value
    if value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and value != value):
        return ""
    return value


def frame_to_csv(frame: pd.DataFrame, decimals: dict[str, int] | None = None) -> str:
    """The one way relhealth writes a CSV (the review, the backtest panel, a client's events): ``frame``
    as CSV text with ``\\n`` line ends and no index, every text cell and column name through
    :func:`safe_cell` (a cell holding a line break or a carriage return is quoted); each column of
    ``decimals`` written as numbers to that many places (``inf`` and ``-inf`` as such, an empty field for
    a missing value)."""
    decimals = decimals or {}
    out = frame.copy()
    for column in out.columns:
        if column in decimals:
            out[column] = out[column].map(lambda v, places=decimals[column]: _number(v, places))
        elif pd.api.types.is_object_dtype(out[column]) or pd.api.types.is_string_dtype(out[column]) \
                or isinstance(out[column].dtype, pd.CategoricalDtype):
            out[column] = pd.Series([safe_cell(v) for v in out[column]], index=out.index, dtype="object")
    out.columns = [safe_cell(str(column)) for column in out.columns]
    buffer = io.StringIO()
    # Python's csv quotes a cell holding a carriage return only when it ends lines: write with \r\n, then
    # end each row with \n (outside quotes, where every \r\n is a row's end)
    out.to_csv(buffer, index=False, lineterminator="\r\n")
    parts = buffer.getvalue().split('"')
    parts[::2] = [part.replace("\r\n", "\n") for part in parts[::2]]
    return '"'.join(parts)


def _number(value: float, decimals: int) -> str:
    if pd.isna(value):
        return ""
    if value == float("inf"):
        return "inf"
    return f"{round(value, decimals) + 0.0:.{decimals}f}"


#: The columns of a client's events CSV: the month's ledger, as its page lists it.
EVENT_COLUMNS = ["date", "kind", "weight", "weight_from", "derived", "subject", "contact", "source", "row"]


def events_csv(report) -> str:
    """A client's events of the month (the ledger of its page) as CSV, with the file and row of each, for a
    spreadsheet; text cells that a spreadsheet would run as a formula start with ``'`` (:func:`frame_to_csv`)."""
    ledger = report.ledger.reindex(columns=EVENT_COLUMNS)
    out = ledger.assign(date=ledger["date"].map(lambda d: "" if pd.isna(d) else pd.Timestamp(d).strftime("%Y-%m-%d %H:%M")),
                        source=file_names(ledger["source"]))
    return frame_to_csv(out, {"weight": 2})
