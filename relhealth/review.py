"""The month review (DESIGN section 5): one row per client, joining the metrics."""
from __future__ import annotations

import io

import pandas as pd

from relhealth.columns import OVERDUE_PREFIX, REVIEW_COLUMNS
from relhealth.errors import InputError, Problem
from relhealth.io import Dataset
from relhealth.metrics.eba import ledger_from_activities, monthly_eba
from relhealth.metrics.effort import categorise, monthly_effort
from relhealth.metrics.invoices import invoice_status, overdue_by_currency
from relhealth.metrics.months import as_month, month_end
from relhealth.settings import Settings

#: A client appears in a month's review when it has a record in this many months up to the month's end.
ACTIVE_MONTHS = 12

_TWO_DECIMALS = ["eba_balance", "eba_change", "eba_deposits", "eba_withdrawals", "work_hours", "collection_hours"]
_THREE_DECIMALS = ["effort_ratio", "effort_ratio_3m"]


def default_month(dataset: Dataset) -> pd.Period:
    """The month of the newest dated record."""
    span = dataset.date_range()
    if span is None:
        raise InputError(Problem(str(dataset.folder), "no dated record to take a month from. Give --month YYYY-MM."))
    return span[1].to_period("M")


def review_clients(dataset: Dataset, month: str | pd.Period) -> list[str]:
    """Every client of clients.csv and every client with a record in the 12 months up to the month's end,
    in the order of :attr:`Dataset.clients`."""
    month = as_month(month)
    first, last = (month - (ACTIVE_MONTHS - 1)).start_time, month_end(month)
    dates = dataset.record_dates()
    active = set(dates.loc[dates["date"].between(first, last), "client"].dropna())
    clients = dataset.clients
    keep = clients["listed"] | clients["client"].isin(active)
    return clients.loc[keep, "client"].tolist()


def month_review(dataset: Dataset, settings: Settings, month: str | pd.Period) -> pd.DataFrame:
    """The review table of ``month``: ``REVIEW_COLUMNS`` then one ``overdue_<CUR>`` column per currency of
    the invoices, one row per client of :func:`review_clients`."""
    month = as_month(month)
    months = pd.PeriodIndex([month])
    clients = review_clients(dataset, month)
    ledger = ledger_from_activities(dataset.crm_activities, settings["eba"]["weights"])
    eba = monthly_eba(ledger, clients, months, settings["eba"])
    entries = categorise(dataset.time_entries, settings["effort"]["categories"])
    effort = monthly_effort(entries, clients, months, settings["effort"]["flags"])
    overdue = overdue_by_currency(invoice_status(dataset.invoices, month_end(month)))
    managers = dataset.clients.set_index("client")["account_manager"]
    table = pd.DataFrame({
        "client": eba["client"],
        "month": str(month),
        "account_manager": eba["client"].map(managers),
        "eba_balance": eba["balance"],
        "eba_band": eba["band"],
        "eba_change": eba["change"],
        "eba_deposits": eba["deposits"],
        "eba_withdrawals": eba["withdrawals"],
        "work_hours": effort["work_hours"],
        "collection_hours": effort["collection_hours"],
        "effort_ratio": effort["effort_ratio"],
        "effort_ratio_3m": effort["effort_ratio_3m"],
        "effort_flag": effort["effort_flag"],
        "max_days_overdue": eba["client"].map(overdue.groupby("client")["max_days_overdue"].max())
                                         .fillna(0).astype("int64"),
    })
    for currency in sorted(dataset.invoices["currency"].dropna().unique()):
        amounts = overdue[overdue["currency"] == currency].set_index("client")["overdue"]
        table[f"{OVERDUE_PREFIX}{currency}"] = table["client"].map(amounts).fillna(0.0)
    return table


def review_to_csv(table: pd.DataFrame) -> str:
    """The review as CSV text: money, hours and scores to 2 decimals, ratios to 3, ``inf`` for an
    infinite ratio and an empty field for a missing value."""
    out = table.copy()
    money = [c for c in out.columns if c.startswith(OVERDUE_PREFIX)]
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
