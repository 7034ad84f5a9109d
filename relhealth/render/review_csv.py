"""The month review as CSV (DESIGN section 5), the table other tools read."""
from __future__ import annotations

import io

import pandas as pd

from relhealth.columns import DSO_PREFIX, EBA_SPLIT_COLUMNS, OVERDUE_PREFIX
from relhealth.metrics.signals import HOURS, RATIOS

_TWO_DECIMALS = ["eba_balance", "eba_change", "eba_deposits", "eba_withdrawals", "work_hours", "collection_hours",
                 *HOURS, *EBA_SPLIT_COLUMNS]
_THREE_DECIMALS = ["effort_ratio", "effort_ratio_3m", *RATIOS]


def review_to_csv(table: pd.DataFrame) -> str:
    """The review as CSV text: money, hours, scores and days sales outstanding to 2 decimals, ratios to 3,
    ``inf`` for an infinite ratio and an empty field for a missing value."""
    out = table.copy()
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
