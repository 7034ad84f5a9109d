"""The month review table (DESIGN section 5): one row per client, joining the metrics of the month."""
from __future__ import annotations

import pandas as pd

from relhealth.columns import CONVERSATION_COLUMNS, DSO_PREFIX, EBA_SPLIT_COLUMNS, OVERDUE_PREFIX, REVIEW_COLUMNS, SIGNAL_COLUMNS
from relhealth.io import Dataset
from relhealth.metrics.checklist import with_checklist
from relhealth.metrics.invoices import dso, overdue_by_currency
from relhealth.metrics.months import month_end
from relhealth.metrics.signals import FIGURES
from relhealth.settings import Settings


def month_table(dataset: Dataset, settings: Settings, month: pd.Period, clients: list[str], eba: pd.DataFrame,
                effort: pd.DataFrame, signals: pd.DataFrame, status: pd.DataFrame) -> pd.DataFrame:
    """The review of ``month`` from the scored frames (each with a row per client and month, ``clients``
    in order): ``REVIEW_COLUMNS``, one ``overdue_<CUR>`` column per currency of the invoices, the
    early-warning ``SIGNAL_COLUMNS``, ``eba_new, eba_fading``, one ``dso_<CUR>`` column per currency, and
    the ``CONVERSATION_COLUMNS``."""
    def of_month(frame: pd.DataFrame) -> pd.DataFrame:
        rows = frame[frame["month"] == month].set_index("client").reindex(clients)
        return rows.reset_index()
    eba, effort, signals = of_month(eba), of_month(effort), of_month(signals)
    overdue = overdue_by_currency(status)
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
    currencies = [f"{OVERDUE_PREFIX}{c}" for c in sorted(dataset.invoices["currency"].dropna().unique())]
    for column in currencies:
        amounts = overdue[overdue["currency"] == column.removeprefix(OVERDUE_PREFIX)].set_index("client")["overdue"]
        table[column] = table["client"].map(amounts).fillna(0.0)
    for column in [*FIGURES, *CONVERSATION_COLUMNS]:
        table[column] = signals[column]
    table["eba_new"], table["eba_fading"] = eba["new"], eba["fading"]
    days = dso(status, month_end(month))       # the status of the month's end, already worked out
    sales = [f"{DSO_PREFIX}{c.removeprefix(OVERDUE_PREFIX)}" for c in currencies]
    for column in sales:
        of_currency = days[days["currency"] == column.removeprefix(DSO_PREFIX)].set_index("client")["dso"]
        table[column] = table["client"].map(of_currency)
    return with_checklist(table, settings["signals"])[[*REVIEW_COLUMNS, *currencies, *SIGNAL_COLUMNS,
                                                      *EBA_SPLIT_COLUMNS, *sales, *CONVERSATION_COLUMNS]]
