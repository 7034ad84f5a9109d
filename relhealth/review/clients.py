"""Which clients and months a review covers, and finding a client by any of its spellings."""
from __future__ import annotations

import difflib

import pandas as pd

from relhealth.errors import InputError, Problem, UsageError
from relhealth.io import Dataset
from relhealth.io.names import client_key
from relhealth.metrics.months import as_month, month_end

#: A client appears in a month's review when it has a record in this many months up to the month's end.
ACTIVE_MONTHS = 12
#: How many months the reports' history figures show, the month itself included.
HISTORY_MONTHS = 12


def default_month(dataset: Dataset) -> pd.Period:
    """The month of the newest dated record."""
    span = dataset.date_range()
    if span is None:
        raise InputError(Problem(str(dataset.folder), "no dated record to take a month from. Give --month YYYY-MM."))
    return span[1].to_period("M")


#: How far before the first record or after the newest a month may lie: a review of a month further away
#: is a typing error (``--month 1026-10``), not a question.
MARGIN_MONTHS = 24


def month_within(dataset: Dataset, month: str | pd.Period | None) -> pd.Period:
    """``month`` (default: :func:`default_month`), checked to lie within the data's months and
    ``MARGIN_MONTHS`` around them.

    Raises
    ------
    UsageError : for a month further away, with the data's range.
    """
    if month is None:
        return default_month(dataset)
    month = as_month(month)
    span = dataset.date_range()
    if span is None:
        return month
    first, last = span[0].to_period("M"), span[1].to_period("M")
    if not first - MARGIN_MONTHS <= month <= last + MARGIN_MONTHS:
        raise UsageError(f"--month {month}: the data of {dataset.folder} run from {first} to {last}. Give a month "
                         f"from {first - MARGIN_MONTHS} to {last + MARGIN_MONTHS}.")
    return month


def review_clients(dataset: Dataset, month: str | pd.Period) -> list[str]:
    """Every client of clients.csv and every client with a record in the 12 months up to the month's end,
    in the order of :attr:`Dataset.clients`; but a client whose relationship ended (``ended`` in
    clients.csv) before the month began."""
    month = as_month(month)
    first, last = (month - (ACTIVE_MONTHS - 1)).start_time, month_end(month)
    clients = dataset.clients
    keep = clients["listed"] | clients["client"].isin(dataset.clients_dated(first, last))
    if "ended" in clients.columns:
        keep &= ~(clients["ended"] < month.start_time)
    return clients.loc[keep, "client"].tolist()


def find_client(dataset: Dataset, name: str) -> str:
    """The display name of the client called ``name`` (any spelling or alias the data knows).

    Raises
    ------
    UsageError : when no client of the data goes by that name, with the closest names.
    """
    if name is None or not str(name).strip():
        raise UsageError(f"no client given. Name one of the clients of {dataset.folder}.")
    key = client_key(str(name))
    for display, aliases in zip(dataset.clients["client"], dataset.clients["aliases"]):
        spellings = [display, *(aliases.split(";") if isinstance(aliases, str) else [])]
        if key in {client_key(s) for s in spellings}:
            return display
    close = difflib.get_close_matches(str(name), dataset.client_names, n=3, cutoff=0.5)
    hint = f" Did you mean {' or '.join(repr(c) for c in close)}?" if close else (
        " Run `relhealth score` to list the clients.")
    raise UsageError(f"no client {str(name)!r} in {dataset.folder}.{hint}")


def history_months(month: str | pd.Period, count: int = HISTORY_MONTHS) -> pd.PeriodIndex:
    """The ``count`` months up to and including ``month``."""
    month = as_month(month)
    return pd.period_range(month - (count - 1), month, freq="M")


def first_months(dataset: Dataset) -> pd.Series:
    """The month of each client's first dated record (a client with none is missing)."""
    firsts = [getattr(dataset, table).groupby("client")[column].min() for table, column in dataset.DATED]
    return pd.concat(firsts).groupby(level=0).min().dropna().dt.to_period("M")
