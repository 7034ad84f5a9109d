"""Months as the metrics use them: ``pd.Period`` of frequency M, each ending on its last day."""
from __future__ import annotations

import pandas as pd


def as_month(value: str | pd.Period | pd.Timestamp) -> pd.Period:
    """``"2026-03"``, a Period or a Timestamp as a monthly Period."""
    return value if isinstance(value, pd.Period) else pd.Period(value, freq="M")


def month_end(month: str | pd.Period) -> pd.Timestamp:
    """The last day of ``month``, at midnight: the as-of date of every monthly figure."""
    return as_month(month).end_time.normalize()

