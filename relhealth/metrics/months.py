"""Months as the metrics use them: ``pd.Period`` of frequency M, each ending on its last day."""
from __future__ import annotations

import pandas as pd

#: The window of every "3m" figure: the month and the two before it (DESIGN section 4b).
WINDOW = 3


def as_month(value: str | pd.Period | pd.Timestamp) -> pd.Period:
    """``"2026-03"``, a Period or a Timestamp as a monthly Period."""
    return value if isinstance(value, pd.Period) else pd.Period(value, freq="M")


def month_end(month: str | pd.Period) -> pd.Timestamp:
    """The last day of ``month``, at midnight: the as-of date of every monthly figure."""
    return as_month(month).end_time.normalize()


def next_start(month: str | pd.Period) -> pd.Timestamp:
    """The first moment after ``month``: a date-time dated before it is "by the end of the month"."""
    return (as_month(month) + 1).start_time


def monthly_and_trailing(values: pd.DataFrame, clients: list[str], months: pd.PeriodIndex,
                         window: int = WINDOW) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Sums by client and month, and the same summed over ``window`` months ending at each month.

    Parameters
    ----------
    values : indexed by (client, month), one column per figure; months missing from it count 0.
    clients, months : the grid to return.

    Returns
    -------
    Two frames indexed by every (client, month) of the grid: the month's own values and the trailing
    sums (M-window+1..M, across year boundaries; months before the data count 0).
    """
    months = pd.PeriodIndex(months, freq="M")
    grid = pd.period_range(months.min() - (window - 1), months.max(), freq="M")
    full = values.reindex(pd.MultiIndex.from_product([clients, grid], names=["client", "month"])).fillna(0.0)
    # clients by months by figures: each trailing sum adds the month and the window-1 months before it
    cube = full.to_numpy(dtype="float64").reshape(len(clients), len(grid), len(full.columns))
    sums = cube.copy()
    for back in range(1, window):
        sums[:, back:] += cube[:, :-back]
    trailing = pd.DataFrame(sums.reshape(len(full), len(full.columns)), index=full.index, columns=full.columns)
    keep = pd.MultiIndex.from_product([clients, months], names=["client", "month"])
    return full.reindex(keep), trailing.reindex(keep)
