"""Everything one client's report shows for one month, selected from the scored bundle (only that client's
rows: DESIGN section 8)."""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from relhealth.columns import DSO_PREFIX, OVERDUE_PREFIX
from relhealth.errors import UsageError
from relhealth.io import Dataset, QualityNote
from relhealth.metrics.checklist import assess
from relhealth.metrics.conversation import length_medians, sides, tone_matches, unrecapped, writers
from relhealth.metrics.danetor import danetor
from relhealth.metrics.eba import contributions
from relhealth.metrics.effort import gifted_extras, monthly_hours
from relhealth.metrics.evidence import evidence
from relhealth.metrics.invoices import BUCKETS, aging, days_late, overdue_by_currency
from relhealth.metrics.months import month_end
from relhealth.review.clients import ACTIVE_MONTHS, HISTORY_MONTHS
from relhealth.review.portfolio import portfolio
from relhealth.review.scoring import Scored, score
from relhealth.settings import Settings

#: The contributions a report lists: those that moved the balance by at least this much.
SMALLEST_MOVE = 0.005


@dataclass
class ClientReport:
    """Everything one client's report shows, for one month, from that client's rows only.

    ``headline`` is the client's row of the month review (with ``quadrant`` and ``attention_score``); every
    other frame is a section of the report and holds the rows its figures come from.
    """

    client: str
    month: pd.Period
    folder: str
    settings: Settings
    info: dict
    headline: pd.Series
    eba_history: pd.DataFrame       # month, balance, change, deposits, withdrawals, band (from the first record)
    contributions: pd.DataFrame     # events that moved the balance this month, largest first
    ledger: pd.DataFrame            # the month's events: date, kind, weight, weight_from, derived, subject, ...
    hours: pd.DataFrame             # months x categories, hours
    effort_history: pd.DataFrame    # month, work and collection hours, effort ratios and flag
    aging: pd.DataFrame             # currency x aging buckets, outstanding amounts
    open_invoices: pd.DataFrame     # invoices outstanding at the month's end, oldest due first
    overdue: pd.DataFrame           # currency, overdue, max_days_overdue
    quality: list[QualityNote]
    checklist: pd.DataFrame         # metrics.checklist.assess of the headline: one row per test of each signal
    evidence: dict                  # signal code -> the rows behind it, for each signal that fired
    signal_history: pd.DataFrame    # month, reply times of both sides, the client's baseline, monthly counts
    requests: pd.DataFrame          # the month's scope requests with their DANETOR verdict
    talk_history: pd.DataFrame      # month, client_messages, their median length and the baseline before
    writers: pd.DataFrame           # the client's people who wrote in M-2..M, the new ones marked
    unrecapped: pd.DataFrame        # meetings and calls of M-2..M with no written recap
    tone: pd.DataFrame              # the client's messages of M-2..M that matched a tone pattern
    time_rules: pd.DataFrame        # the month's time entries outside delivery, each with the rule that decided
    gifted: pd.DataFrame            # month, gifted_hours (extra hours not billed) and their value at the rate
    paid: pd.DataFrame              # invoices paid in the 12 months to the month's end, with days_late


def report_of(scored: Scored, client: str) -> ClientReport:
    """The report of ``client`` (its display name) from a scored dataset; raises :class:`UsageError` for a
    client that is not in the month's review."""
    month, settings = scored.month, scored.settings
    if client not in scored.clients:
        raise UsageError(f"{client} has no record in the {ACTIVE_MONTHS} months up to {month} and is not in "
                         f"clients.csv, so it has no report for {month}. Choose a later month.")
    months = _months_of(scored, client)
    headline = _headline(scored, client)
    ledger = scored.rows_of("ledger", client)
    entries = scored.rows_of("entries", client)
    activities = scored.rows_of("activities", client)
    checklist = assess(headline, settings["signals"])
    fired = dict.fromkeys(checklist.loc[checklist["fired"], "signal"])
    requests = danetor(activities)
    theirs, _, _ = sides(activities)
    talk = settings["signals"]["recap_hours"], settings["tone"]["irritation"]
    return ClientReport(
        client=client, month=month, folder=str(scored.dataset.folder), settings=settings,
        info=_info(scored, client), headline=headline,
        eba_history=_history(scored, "eba", client, months), contributions=_moved(ledger, scored),
        ledger=ledger[ledger["day"].dt.to_period("M") == month].drop(columns=["client", "day"]).reset_index(drop=True),
        hours=_hours(entries, months), effort_history=_history(scored, "effort", client, months)
        .drop(columns="extra_hours_3m"), **_invoices(scored, client),
        quality=scored.dataset.quality.for_client(client), checklist=checklist,
        evidence={code: evidence(code, activities, entries, month) for code in fired},
        signal_history=_history(scored, "signals", client, months),
        requests=requests[requests["date"].dt.to_period("M") == month].reset_index(drop=True),
        talk_history=length_medians(theirs, [client], months).droplevel("client").reset_index(),
        writers=writers(theirs, month), unrecapped=unrecapped(activities, month, talk[0]),
        tone=tone_matches(theirs, month, talk[1]),
        time_rules=_time_rules(entries, month), gifted=_gifted(entries, months, _info(scored, client)),
        paid=days_late(scored.rows_of("invoices", client), month_end(month)).sort_values(["paid_on", "invoice"])
        .reset_index(drop=True))


def _months_of(scored: Scored, client: str) -> pd.PeriodIndex:
    """The scored months a client's history shows: from its first record, when that came later."""
    first = scored.first_months.get(client)
    months = scored.months
    if first is not None and months[0] < first <= scored.month:
        months = months[months >= first]
    return months


def _headline(scored: Scored, client: str) -> pd.Series:
    """The client's row of the portfolio, without the overdue and DSO columns of currencies it never
    invoiced in (the columns of other clients' currencies)."""
    row = portfolio(scored.review[scored.review["client"] == client], scored.settings,
                    scored.first_months).set_index("client").loc[client]
    own = set(scored.rows_of("invoices", client)["currency"].dropna())
    return row.drop([c for c in row.index for prefix in (OVERDUE_PREFIX, DSO_PREFIX)
                     if c.startswith(prefix) and c.removeprefix(prefix) not in own])


def _history(scored: Scored, table: str, client: str, months: pd.PeriodIndex) -> pd.DataFrame:
    rows = scored.rows_of(table, client)
    return rows[rows["month"].isin(months)].drop(columns="client").reset_index(drop=True)


def _moved(ledger: pd.DataFrame, scored: Scored) -> pd.DataFrame:
    moved = contributions(ledger, scored.month, scored.settings["eba"]["half_life_days"])
    return moved[moved["contribution"].abs() >= SMALLEST_MOVE].drop(columns="client").reset_index(drop=True)


def _hours(entries: pd.DataFrame, months: pd.PeriodIndex) -> pd.DataFrame:
    hours = monthly_hours(entries[entries["date"].dt.to_period("M").isin(months)])
    return (hours.pivot_table(index="month", columns="category", values="hours", aggfunc="sum", fill_value=0.0)
            .reindex(months, fill_value=0.0).rename_axis(index="month", columns=None))


def _invoices(scored: Scored, client: str) -> dict:
    status = scored.rows_of("status", client)
    open_invoices = (status[status["outstanding"] > 0].sort_values(["due", "invoice"], kind="stable")
                     [["invoice", "issued", "due", "currency", "amount", "outstanding", "days_overdue", "bucket",
                       "source", "row"]].reset_index(drop=True))
    buckets = aging(status).drop(columns="client").set_index("currency").reindex(columns=BUCKETS)
    return {"open_invoices": open_invoices, "aging": buckets,
            "overdue": overdue_by_currency(status).drop(columns="client")}


def _info(scored: Scored, client: str) -> dict:
    record = scored.dataset.clients.set_index("client").loc[client]
    return {key: (None if pd.isna(record[key]) else record[key])
            for key in ("account_manager", "retainer_hours", "payment_terms_days", "currency", "hourly_rate")}


def _time_rules(entries: pd.DataFrame, month: pd.Period) -> pd.DataFrame:
    """The month's time entries that are not delivery, each with the rule that put it in its category."""
    rows = entries[(entries["date"].dt.to_period("M") == month) & (entries["category"] != "delivery")]
    return rows.sort_values(["category", "date"], kind="stable")[
        ["date", "person", "task", "tags", "hours", "billable", "category", "category_rule", "source", "row"]
    ].reset_index(drop=True)


def _gifted(entries: pd.DataFrame, months: pd.PeriodIndex, info: dict) -> pd.DataFrame:
    """The extra hours given without charge each month, valued at the client's hourly rate (in its
    currency) when ``clients.csv`` gives one."""
    gifted = gifted_extras(entries, months)
    rate = info.get("hourly_rate")
    return gifted.assign(value=gifted["gifted_hours"] * rate if rate else float("nan"))


def client_report(dataset: Dataset, settings: Settings, client: str, month: str | pd.Period) -> ClientReport:
    """The report of ``client`` (its display name) for ``month``, scored from that client's rows alone."""
    return report_of(score(dataset.for_client(client), settings, month, HISTORY_MONTHS), client)
