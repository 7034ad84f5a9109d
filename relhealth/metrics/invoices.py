"""Invoice health at a month end (DESIGN section 4): outstanding and overdue amounts, aging buckets,
days late, DSO. Always per currency: money is never added across currencies."""
from __future__ import annotations

import numpy as np
import pandas as pd

from relhealth.metrics.scale import ratio

BUCKETS = ["current", "1-30", "31-60", "61-90", "90+"]
DSO_DAYS = 90


def invoice_status(invoices: pd.DataFrame, as_of: pd.Timestamp) -> pd.DataFrame:
    """Each invoice issued on or before ``as_of`` as it stood that day.

    Adds ``paid_by_then`` (paid on or before as-of), ``outstanding`` (``amount - paid_amount`` when paid
    by then, else ``amount``; never below 0), ``overdue`` (outstanding and ``due < as_of``),
    ``days_overdue`` (``(as_of - due).days`` when overdue, else 0) and ``bucket`` (``current`` when not yet
    due, else by days overdue; missing when nothing is outstanding).
    """
    issued = invoices[invoices["issued"] <= as_of]
    paid_by_then = issued["paid_on"].notna() & (issued["paid_on"] <= as_of)
    paid = issued["paid_amount"].fillna(issued["amount"])
    outstanding = np.where(paid_by_then, (issued["amount"] - paid).clip(lower=0), issued["amount"])
    overdue = (outstanding > 0) & (issued["due"] < as_of)
    days = np.where(overdue, (as_of - issued["due"]).dt.days, 0)
    bucket = pd.cut(pd.Series(days, index=issued.index), [-1, 0, 30, 60, 90, np.inf], labels=BUCKETS)
    bucket = bucket.astype("str").where(outstanding > 0)
    return issued.assign(paid_by_then=paid_by_then, outstanding=outstanding, overdue=overdue,
                         days_overdue=days.astype("int64"), bucket=bucket)


def aging(status: pd.DataFrame) -> pd.DataFrame:
    """Outstanding amounts by client, currency and aging bucket: one column per bucket, in order."""
    open_ = status[status["outstanding"] > 0]
    table = open_.pivot_table(index=["client", "currency"], columns="bucket", values="outstanding",
                              aggfunc="sum", fill_value=0.0, observed=True)
    return table.reindex(columns=BUCKETS, fill_value=0.0).reset_index().rename_axis(columns=None)


def overdue_by_currency(status: pd.DataFrame) -> pd.DataFrame:
    """Overdue amount by client and currency, with the oldest overdue invoice's days:
    ``client, currency, overdue, max_days_overdue``."""
    overdue = status[status["overdue"]]
    return (overdue.groupby(["client", "currency"], sort=True)
            .agg(overdue=("outstanding", "sum"), max_days_overdue=("days_overdue", "max")).reset_index())


def days_late(invoices: pd.DataFrame, as_of: pd.Timestamp, months: int = 12) -> pd.DataFrame:
    """Invoices paid in the ``months`` months up to ``as_of`` with ``days_late = (paid_on - due).days``
    (negative when paid early)."""
    start = as_of - pd.DateOffset(months=months)
    paid = invoices[(invoices["paid_on"] > start) & (invoices["paid_on"] <= as_of)]
    return paid.assign(days_late=(paid["paid_on"] - paid["due"]).dt.days)


def dso(status: pd.DataFrame, as_of: pd.Timestamp, days: int = DSO_DAYS) -> pd.DataFrame:
    """Days sales outstanding by client and currency, from the invoices as they stood at ``as_of``
    (:func:`invoice_status`): receivables at as-of divided by the amount invoiced in the ``days`` days up
    to as-of, times ``days``. ``inf`` with receivables and nothing invoiced; missing when both are 0.
    Columns ``client, currency, receivables, invoiced, dso``."""
    recent = status[status["issued"] > as_of - pd.Timedelta(days=days)]
    receivables = status.groupby(["client", "currency"])["outstanding"].sum()
    invoiced = recent.groupby(["client", "currency"])["amount"].sum().reindex(receivables.index, fill_value=0.0)
    value = ratio(receivables, invoiced) * days
    return pd.DataFrame({"receivables": receivables, "invoiced": invoiced, "dso": value}).reset_index()
