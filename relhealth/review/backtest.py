"""The backtest (DESIGN section 4c): the history replayed month by month, each month's review as it stood
at that month's end, set against what happened next.

Each month is scored by :func:`~relhealth.review.scoring.month_review` (the path of ``relhealth score
--month``) on :meth:`~relhealth.io.Dataset.as_of` the month's last day: no row dated later, no payment made
later, no task done later, no end of a relationship announced later can reach it. Nothing is fitted: the
bands, flags and signals are the settings' own; the page only counts how often each was followed by the
client leaving (``churned``) or paying late (``paid_late``).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from relhealth.columns import OVERDUE_PREFIX
from relhealth.io import Dataset
from relhealth.metrics.effort import categorise
from relhealth.metrics.months import WINDOW, as_month, month_end
from relhealth.metrics.stats import auc, bootstrap_auc, wilson
from relhealth.review.portfolio import verdict
from relhealth.review.scoring import month_review
from relhealth.settings import Settings

#: The two outcomes the history is set against, in the order of the CSV.
OUTCOMES = ("churned", "paid_late")
#: The half-lives of the sensitivity table, in days (0: no decay).
HALF_LIVES = (30, 60, 90, 180, 0)
#: How many months before its churn a churned client's run-up shows.
RUN_UP = 6
#: Under this many events of an outcome, an AUC is only indicative.
FEW_EVENTS = 10
#: The categories that are work (DESIGN section 4): a month without them is a month without work hours.
WORK = ("delivery", "extra")


def months_of(dataset: Dataset, first: str | pd.Period | None = None,
              last: str | pd.Period | None = None) -> pd.PeriodIndex:
    """The months of the backtest: from ``first`` (default: the third month of the data, the first whose
    three-month figures are whole) to ``last`` (default: the month of the newest record)."""
    span = dataset.date_range()
    if span is None:
        return pd.PeriodIndex([], freq="M")
    start = as_month(first) if first else span[0].to_period("M") + (WINDOW - 1)
    end = as_month(last) if last else span[1].to_period("M")
    return pd.period_range(start, end, freq="M") if start <= end else pd.PeriodIndex([], freq="M")


def panel(dataset: Dataset, settings: Settings, months: pd.PeriodIndex, churns: pd.Series | None = None) -> pd.DataFrame:
    """One row per client and month: the month's review as it stood at the month's end, then
    ``churned`` and ``paid_late`` (:func:`outcomes`; ``churns``: :func:`churn_month`, when known)."""
    reviews = [month_review(dataset.as_of(month_end(month)), settings, month) for month in months]
    if not reviews:
        return month_review(dataset, settings, "2000-01").iloc[:0].assign(
            churned=pd.array([], dtype="boolean"), paid_late=pd.array([], dtype="boolean"))
    # the columns of the last month, which has every currency invoiced by then; none overdue before its first
    table = pd.concat(reviews, ignore_index=True)[list(reviews[-1].columns)]
    overdue = [c for c in table.columns if c.startswith(OVERDUE_PREFIX)]
    table[overdue] = table[overdue].fillna(0.0)
    return table.join(outcomes(table, dataset, settings, churns))


def churn_month(dataset: Dataset, settings: Settings) -> pd.Series:
    """The month each client's relationship ended: its ``ended`` date in clients.csv, else the first of
    ``[backtest] churn_months`` months in a row without work hours (delivery, extra) after a month with
    them, the run whole within the data. Clients that never left are missing."""
    span = dataset.date_range()
    found: dict[str, pd.Period] = {}
    if span is None:
        return pd.Series(found, dtype="period[M]")
    run = settings["backtest"]["churn_months"]
    entries = categorise(dataset.time_entries, settings["effort"]["categories"])
    work = entries[entries["category"].isin(WORK) & entries["client"].notna()]
    months = pd.period_range(span[0].to_period("M"), span[1].to_period("M"), freq="M")
    hours = work.groupby([work["client"], work["date"].dt.to_period("M")])["hours"].sum()
    for client in hours.index.get_level_values(0).unique():
        worked = hours.loc[client].reindex(months, fill_value=0.0).to_numpy() > 0
        for i in range(1, len(months) - run + 1):
            if not worked[i:i + run].any() and worked[:i].any():
                found[client] = months[i]
                break
    if "ended" in dataset.clients.columns:
        ended = dataset.clients.dropna(subset=["ended"])
        found.update({c: d.to_period("M") for c, d in zip(ended["client"], ended["ended"])})
    return pd.Series(found, dtype="period[M]")


def outcomes(table: pd.DataFrame, dataset: Dataset, settings: Settings, churns: pd.Series | None = None) -> pd.DataFrame:
    """``churned`` and ``paid_late`` of each row of ``table`` (``client``, ``month``), as DESIGN 4c defines
    them over the ``[backtest] horizon_months`` after the month; missing where the horizon runs past the
    newest record, where the client had already churned, and (``paid_late``) where an invoice of the
    horizon is unpaid for fewer than ``late_days`` days at the end of the data. ``churns``:
    :func:`churn_month`, when known."""
    options = settings["backtest"]
    horizon, late_days = options["horizon_months"], options["late_days"]
    span = dataset.date_range()
    churns = churn_month(dataset, settings) if churns is None else churns
    months = table["month"].map(as_month)
    known = months + horizon <= span[1].to_period("M") if span else months.map(lambda _: False)
    churned, paid_late = [], []
    invoices = dataset.invoices
    for client, month, whole in zip(table["client"], months, known):
        left = churns.get(client)
        if not whole or (left is not None and left <= month):
            churned.append(pd.NA)
            paid_late.append(pd.NA)
            continue
        churned.append(left is not None and left <= month + horizon)
        due = invoices[(invoices["client"] == client) & (invoices["due"] > month_end(month))
                       & (invoices["due"] <= month_end(month + horizon))]
        paid_late.append(_late(due, span[1], late_days))
    return pd.DataFrame({"churned": pd.array(churned, dtype="boolean"), "paid_late": pd.array(paid_late, dtype="boolean")},
                        index=table.index)


def _late(due: pd.DataFrame, data_end: pd.Timestamp, late_days: int):
    """True when an invoice was paid more than ``late_days`` after its due date, or is still unpaid that
    long after it at ``data_end``; missing when one is unpaid for less; else False."""
    paid = due["paid_on"].notna()
    days = np.where(paid, (due["paid_on"] - due["due"]).dt.days, (data_end - due["due"]).dt.days)
    if (days > late_days).any():
        return True
    return pd.NA if (~paid).any() else False


def warns(table: pd.DataFrame) -> pd.Series:
    """A review row warns when its balance is overdrawn, its effort flag red, or a signal of the "when to
    part" checklist fired."""
    return (table["eba_band"].eq("overdrawn") | table["effort_flag"].eq("red")
            | table["part_signals"].fillna(0).gt(0)).astype(bool)


@dataclass
class BacktestReport:
    """What the backtest page shows: the panel, the rates by band and by quadrant, every churned client's
    run-up with its first warning, the AUCs of the score and of the naive baselines, and the sensitivity
    of the balance's AUC to the half-life."""

    folder: str
    settings: Settings
    months: pd.PeriodIndex
    panel: pd.DataFrame
    rates: pd.DataFrame          # by, group, outcome, client_months, events, rate, low, high
    churned: pd.DataFrame        # client, churn_month, first_warning, lead_months, warned
    run_up: pd.DataFrame         # client, month, eba_balance, eba_band, effort_flag, part_flags
    aucs: pd.DataFrame           # predictor, outcome, auc, low, high, events, rows, indicative
    sensitivity: pd.DataFrame    # half_life_days, outcome, auc, events
    quality: list = field(default_factory=list)     # the data-quality notes of the folder


#: What each predictor ranks: a risk higher when worse. The score's two figures, then the naive baselines.
PREDICTORS = {
    "eba_balance": lambda t: -t["eba_balance"],
    "effort_ratio_3m": lambda t: t["effort_ratio_3m"].replace(np.inf, 1e9),
    "work_hours_falling": lambda t: -_hours_change(t),
    "client_silence_days": lambda t: t["client_silence_days"],
}


def _hours_change(table: pd.DataFrame) -> pd.Series:
    """Each row's work hours against the mean of the client's three months before, minus one (-1: none
    this month); missing without hours before."""
    ordered = table.sort_values(["client", "month"])
    before = ordered.groupby("client")["work_hours"].transform(lambda h: h.shift(1).rolling(3, min_periods=1).mean())
    return (ordered["work_hours"] / before.where(before > 0) - 1).reindex(table.index)


def backtest(dataset: Dataset, settings: Settings, first=None, last=None, reps: int = 1000) -> BacktestReport:
    """The backtest of ``dataset`` over :func:`months_of` ``first`` to ``last``."""
    months = months_of(dataset, first, last)
    churns = churn_month(dataset, settings)
    table = panel(dataset, settings, months, churns)
    table = table.assign(quadrant=[verdict(row, None, settings)[0] for row in table.to_dict("records")])
    churned, run_up = _churned(table, churns, settings)
    return BacktestReport(folder=str(dataset.folder), settings=settings, months=months,
                          panel=table.drop(columns="quadrant"), rates=_rates(table), churned=churned, run_up=run_up,
                          aucs=_aucs(table, reps), sensitivity=_sensitivity(dataset, settings, months, table, churns),
                          quality=list(dataset.quality))


def _rates(table: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for by in ("eba_band", "quadrant"):
        for group, part in table.groupby(by, sort=False):
            for outcome in OUTCOMES:
                known = part[outcome].dropna().astype(bool)
                low, high = wilson(int(known.sum()), len(known))
                rows.append({"by": by, "group": group, "outcome": outcome, "client_months": len(known),
                             "events": int(known.sum()), "rate": known.mean() if len(known) else np.nan,
                             "low": low, "high": high})
    return pd.DataFrame(rows, columns=["by", "group", "outcome", "client_months", "events", "rate", "low", "high"])


def _churned(table: pd.DataFrame, churns: pd.Series, settings: Settings) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Each client that churned (``churns``: :func:`churn_month`) within the months of the panel, its last
    ``RUN_UP`` months before, the first of them that warned and how many months ahead."""
    lead = settings["backtest"]["lead_months"]
    months = table["month"].map(as_month)
    rows, run_ups = [], []
    for client, left in churns.sort_values().items():
        before = table[(table["client"] == client) & (months < left) & (months >= left - RUN_UP)]
        if before.empty:
            continue
        warned = before[warns(before)]
        first = as_month(warned["month"].min()) if len(warned) else None
        ahead = (left - first).n if first is not None else None
        rows.append({"client": client, "churn_month": left, "first_warning": first, "lead_months": ahead,
                     "warned": ahead is not None and ahead >= lead})
        run_ups.append(before[["client", "month", "eba_balance", "eba_band", "effort_flag", "part_flags"]])
    run_up = pd.concat(run_ups, ignore_index=True) if run_ups else table.iloc[:0][
        ["client", "month", "eba_balance", "eba_band", "effort_flag", "part_flags"]]
    return pd.DataFrame(rows, columns=["client", "churn_month", "first_warning", "lead_months", "warned"]), run_up


def _aucs(table: pd.DataFrame, reps: int) -> pd.DataFrame:
    rows = []
    for predictor, risk in PREDICTORS.items():
        scores = risk(table)
        for outcome in OUTCOMES:
            known = table[outcome].notna() & scores.notna()
            events = int(table.loc[known, outcome].astype(bool).sum())
            low, high = bootstrap_auc(scores[known], table.loc[known, outcome], table.loc[known, "client"], reps=reps)
            rows.append({"predictor": predictor, "outcome": outcome, "auc": auc(scores[known], table.loc[known, outcome]),
                         "low": low, "high": high, "events": events, "rows": int(known.sum()),
                         "indicative": events < FEW_EVENTS})
    return pd.DataFrame(rows, columns=["predictor", "outcome", "auc", "low", "high", "events", "rows", "indicative"])


def _sensitivity(dataset: Dataset, settings: Settings, months: pd.PeriodIndex, table: pd.DataFrame,
                 churns: pd.Series) -> pd.DataFrame:
    """The AUC of the balance for each outcome under each half-life of ``HALF_LIVES`` (the rest of the
    settings as they are; the half-life changes no client's churn)."""
    rows = []
    for days in HALF_LIVES:
        if days == settings["eba"]["half_life_days"]:
            replayed = table
        else:
            replayed = panel(dataset, settings.with_value("eba", "half_life_days", days), months, churns)
        for outcome in OUTCOMES:
            known = replayed[outcome].notna()
            rows.append({"half_life_days": days, "outcome": outcome,
                         "auc": auc(-replayed.loc[known, "eba_balance"], replayed.loc[known, outcome]),
                         "events": int(replayed.loc[known, outcome].astype(bool).sum())})
    return pd.DataFrame(rows, columns=["half_life_days", "outcome", "auc", "events"])
