"""A data folder scored for a month, in one pass: the bundle that the month review, the portfolio and every
client's report read (DESIGN section 7, review)."""
from __future__ import annotations

import functools
from dataclasses import dataclass, field

import pandas as pd

from relhealth.io import Dataset
from relhealth.metrics.conversation import conversation_figures
from relhealth.metrics.eba import ledger_from_activities, monthly_eba
from relhealth.metrics.effort import categorise, monthly_effort
from relhealth.metrics.invoices import invoice_status
from relhealth.metrics.months import WINDOW, as_month, month_end
from relhealth.metrics.replies import our_replies, with_derived
from relhealth.metrics.signals import signal_figures
from relhealth.metrics.tasks import task_events
from relhealth.review.clients import first_months, history_months, review_clients
from relhealth.review.table import month_table
from relhealth.settings import Settings

#: The tables of :meth:`Scored.rows_of` that come from the dataset as read.
_DATASET_TABLES = {"activities": "crm_activities", "invoices": "invoices"}


@dataclass
class Scored:
    """Every figure of a dataset for the months up to ``month``, each frame computed once.

    ``months`` are the months scored (the month alone for ``relhealth score``, the history months for the
    reports); ``clients`` the clients of the month's review. The per-month frames (``eba``, ``effort``,
    ``signals``) have one row per client and month; ``review`` is the month's review table (DESIGN section 5).
    """

    dataset: Dataset
    settings: Settings
    month: pd.Period
    months: pd.PeriodIndex
    clients: list[str]
    ledger: pd.DataFrame        # logged and derived events with their weights (metrics.eba)
    entries: pd.DataFrame       # the time entries of the scored months and the two before, categorised
    eba: pd.DataFrame           # client, month, balance, change, deposits, withdrawals, band
    effort: pd.DataFrame        # metrics.effort.monthly_effort
    signals: pd.DataFrame       # metrics.signals.signal_figures
    status: pd.DataFrame        # every invoice issued by the month's end, as it stood then
    review: pd.DataFrame
    _groups: dict = field(default_factory=dict, repr=False)

    @functools.cached_property
    def first_months(self) -> pd.Series:
        """The month of each client's first dated record (:func:`~relhealth.review.clients.first_months`)."""
        return first_months(self.dataset)

    def rows_of(self, table: str, client: str) -> pd.DataFrame:
        """The rows of one client in ``table`` (a frame of this bundle; ``activities`` and ``invoices``: the
        dataset's logged CRM activities and invoices), in their order. Each frame is split by client once, on
        first use."""
        if table not in self._groups:
            frame = getattr(self.dataset, _DATASET_TABLES[table]) if table in _DATASET_TABLES else getattr(self, table)
            self._groups[table] = (frame.iloc[:0], dict(tuple(frame.groupby("client", sort=False))))
        empty, groups = self._groups[table]
        return groups.get(client, empty)


def score(dataset: Dataset, settings: Settings, month: str | pd.Period, history: int = 1) -> Scored:
    """Score ``dataset`` for ``month`` and the ``history - 1`` months before it.

    The EBA ledger (with the derived slow replies), the reply pairing and the categories of the time
    entries are computed once here; everything downstream selects from them.
    """
    month = as_month(month)
    months = history_months(month, history)
    clients = review_clients(dataset, month)
    activities = dataset.crm_activities
    ours = our_replies(activities)
    events = with_derived(activities, settings["signals"]["reply_sla_hours"], ours)
    if not dataset.tasks.empty:
        deadlines = task_events(dataset.tasks, activities.columns, **settings["tasks"])
        events = pd.concat([events, deadlines.astype({c: activities[c].dtype for c in activities.columns})],
                           ignore_index=True)
    ledger = ledger_from_activities(events, settings["eba"]["weights"])
    eba = monthly_eba(ledger, clients, months, settings["eba"])
    times = dataset.time_entries
    window = times[times["date"].between((months[0] - (WINDOW - 1)).start_time, month_end(month))]
    entries = categorise(window, settings["effort"]["categories"])   # every effort figure looks back 3 months
    effort = monthly_effort(entries, clients, months, settings["effort"]["flags"])
    retainers = dataset.clients.set_index("client")["retainer_hours"]
    signals = signal_figures(activities, effort, retainers, clients, months, ours)
    talk = conversation_figures(activities, ledger, clients, months, settings["signals"]["recap_hours"],
                                settings["tone"]["irritation"])
    signals = signals.join(talk, on=["client", "month"])
    status = invoice_status(dataset.invoices, month_end(month))
    review = month_table(dataset, settings, month, clients, eba, effort, signals, status)
    return Scored(dataset=dataset, settings=settings, month=month, months=months, clients=clients, ledger=ledger,
                  entries=entries, eba=eba, effort=effort, signals=signals, status=status, review=review)


def month_review(dataset: Dataset, settings: Settings, month: str | pd.Period) -> pd.DataFrame:
    """The review table of ``month`` (DESIGN section 5): one row per client of the month's review."""
    return score(dataset, settings, month).review
