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
    out = table.copy()
    for column in out.columns:          # text a spreadsheet would run as a formula starts with '
        if not pd.api.types.is_numeric_dtype(out[column]) and not pd.api.types.is_bool_dtype(out[column]):
            out[column] = out[column].map(_safe_text)
    money = [c for c in out.columns if c.startswith((OVERDUE_PREFIX, DSO_PREFIX))]
    for columns, decimals in ((_TWO_DECIMALS + money, 2), (_THREE_DECIMALS, 3)):
        for column in columns:
            out[column] = out[column].map(lambda v: _number(v, decimals))
    buffer = io.StringIO()
    out.to_csv(buffer, index=False, lineterminator="\n")
    return buffer.getvalue()


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
    spreadsheet; text cells that a spreadsheet would run as a formula start with ``'``."""
    ledger = report.ledger.reindex(columns=EVENT_COLUMNS)
    out = ledger.assign(date=ledger["date"].map(lambda d: "" if pd.isna(d) else pd.Timestamp(d).strftime("%Y-%m-%d %H:%M")),
                        weight=ledger["weight"].map(lambda v: _number(v, 2)),
                        source=file_names(ledger["source"]))
    for column in ("kind", "subject", "contact", "source", "weight_from"):
        out[column] = out[column].map(_safe_text)
    buffer = io.StringIO()
    out.to_csv(buffer, index=False, lineterminator="\n")
    return buffer.getvalue()


def _safe_text(value) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
