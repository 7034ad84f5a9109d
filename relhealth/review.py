"""The month review (DESIGN section 5): one row per client, joining the metrics."""
from __future__ import annotations

import difflib
import io
from dataclasses import dataclass

import numpy as np
import pandas as pd

from relhealth.columns import OVERDUE_PREFIX, REVIEW_COLUMNS, SIGNAL_COLUMNS
from relhealth.errors import InputError, Problem, UsageError
from relhealth.io import Dataset, QualityNote
from relhealth.io.names import client_key
from relhealth.metrics.eba import contributions, ledger_from_activities, monthly_eba
from relhealth.metrics.effort import categorise, monthly_effort, monthly_hours
from relhealth.metrics.invoices import BUCKETS, aging, invoice_status, overdue_by_currency
from relhealth.metrics.months import WINDOW, as_month, month_end
from relhealth.metrics.signals import (FIGURES, HOURS, RATIOS, checklist, checklist_rows, danetor, evidence, our_replies,
                                       signal_figures, with_checklist, with_derived)
from relhealth.settings import Settings
from relhealth.summary import plural

#: A client appears in a month's review when it has a record in this many months up to the month's end.
ACTIVE_MONTHS = 12
#: How many months the reports' history figures show, the month itself included.
HISTORY_MONTHS = 12

#: The four quadrants, worst first: (name, high trust, high cost).
QUADRANTS = [
    ("consider parting", False, True),
    ("renegotiate terms", True, True),
    ("fix our service", False, False),
    ("keep and grow", True, False),
]

_TWO_DECIMALS = ["eba_balance", "eba_change", "eba_deposits", "eba_withdrawals", "work_hours", "collection_hours",
                 *HOURS]
_THREE_DECIMALS = ["effort_ratio", "effort_ratio_3m", *RATIOS]


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
    clients = dataset.clients
    keep = clients["listed"] | clients["client"].isin(dataset.clients_dated(first, last))
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


def eba_ledger(dataset: Dataset, settings: Settings, ours: pd.DataFrame | None = None) -> pd.DataFrame:
    """The EBA ledger of ``dataset``: its logged CRM activities and the derived ``slow_reply`` events
    (``ours``: the :func:`~relhealth.metrics.signals.our_replies` of its activities, when known)."""
    events = with_derived(dataset.crm_activities, settings["signals"]["reply_sla_hours"], ours)
    return ledger_from_activities(events, settings["eba"]["weights"])


def month_review(dataset: Dataset, settings: Settings, month: str | pd.Period,
                 ledger: pd.DataFrame | None = None, ours: pd.DataFrame | None = None) -> pd.DataFrame:
    """The review table of ``month``: ``REVIEW_COLUMNS``, one ``overdue_<CUR>`` column per currency of the
    invoices, then the early-warning ``SIGNAL_COLUMNS``; one row per client of :func:`review_clients`.
    ``ledger`` and ``ours``: the dataset's :func:`eba_ledger` and ``our_replies``, when the caller has them
    already."""
    month = as_month(month)
    months = pd.PeriodIndex([month])
    clients = review_clients(dataset, month)
    if ours is None:
        ours = our_replies(dataset.crm_activities)    # for the derived slow replies and the reply figures
    ledger = eba_ledger(dataset, settings, ours) if ledger is None else ledger
    eba = monthly_eba(ledger, clients, months, settings["eba"])
    entries = dataset.time_entries
    recent = entries[entries["date"].between((month - (WINDOW - 1)).start_time, month_end(month))]
    effort = monthly_effort(categorise(recent, settings["effort"]["categories"]), clients, months,
                            settings["effort"]["flags"])          # every effort figure looks back 3 months
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
    currencies = [f"{OVERDUE_PREFIX}{c}" for c in sorted(dataset.invoices["currency"].dropna().unique())]
    for column in currencies:
        amounts = overdue[overdue["currency"] == column.removeprefix(OVERDUE_PREFIX)].set_index("client")["overdue"]
        table[column] = table["client"].map(amounts).fillna(0.0)
    figures = signal_figures(dataset.crm_activities, effort, _retainers(dataset), clients, months, ours)
    for column in FIGURES:
        table[column] = figures[column]
    return with_checklist(table, settings["signals"])[[*REVIEW_COLUMNS, *currencies, *SIGNAL_COLUMNS]]


def _retainers(dataset: Dataset) -> pd.Series:
    return dataset.clients.set_index("client")["retainer_hours"]


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


def quadrant_bounds(settings: Settings) -> tuple[float, float]:
    """Where the quadrant lines sit: the lower bound of the band ``[quadrant] high_trust_band`` (the EBA
    balance of high trust) and the bound of the flag ``[quadrant] high_cost_flag`` (the three-month effort
    ratio of high cost)."""
    quadrant = settings["quadrant"]
    return (settings["eba"]["bands"][quadrant["high_trust_band"]],
            settings["effort"]["flags"][quadrant["high_cost_flag"]])


def quadrant_of(balance: float, ratio_3m: float, settings: Settings) -> str:
    """The quadrant of a client (DESIGN section 1): trust is high when the EBA balance reaches the trust
    bound, cost when the three-month effort ratio reaches the cost bound (:func:`quadrant_bounds`). A
    missing ratio (no hours) is low cost."""
    trust_bound, cost_bound = quadrant_bounds(settings)
    high_trust = balance >= trust_bound
    high_cost = not pd.isna(ratio_3m) and ratio_3m >= cost_bound
    return next(name for name, trust, cost in QUADRANTS if trust == high_trust and cost == high_cost)


def attention_reasons(row, settings: Settings) -> list[str]:
    """Why a client of the review (a row: a Series or a dict) needs attention, worst first; empty when
    nothing stands out."""
    reasons = []
    if row["eba_band"] == "overdrawn":
        reasons.append(f"EBA overdrawn at {row['eba_balance']:.2f}")
    elif row["eba_balance"] < quadrant_bounds(settings)[0]:
        reasons.append(f"EBA low at {row['eba_balance']:.2f} ({row['eba_band']})")
    flags = settings["effort"]["flags"]
    for label, column in (("this month", "effort_ratio"), ("over 3 months", "effort_ratio_3m")):
        value = row[column]
        if not pd.isna(value) and value >= min(flags.values()):
            times = "no work hours" if np.isinf(value) else f"{value:.2f}x the work hours"
            reasons.append(f"chasing payment took {times} {label}")
    if row["max_days_overdue"] > 0:
        reasons.append(f"an invoice {plural(int(row['max_days_overdue']), 'day')} overdue")
    if row["part_signals"]:
        reasons.extend(f"{signal['signal']}: {signal['reason']}" for signal in checklist(row, settings["signals"])
                       if signal["fired"])
    return reasons


def attention_score(row, settings: Settings) -> int:
    """How much attention a client needs, for the portfolio's order: the checklist signals that fire,
    plus one for each band below the high-trust band (``[quadrant] high_trust_band``; overdrawn is the
    lowest), plus one for each effort flag above green (amber 1, red 2)."""
    bands = sorted(settings["eba"]["bands"].items(), key=lambda item: item[1], reverse=True)
    order = [name for name, _ in bands] + ["overdrawn"]
    band_step = max(0, order.index(row["eba_band"]) - order.index(settings["quadrant"]["high_trust_band"]))
    flags = [name for name, _ in sorted(settings["effort"]["flags"].items(), key=lambda item: item[1])]
    flag = row["effort_flag"]
    flag_step = flags.index(flag) + 1 if isinstance(flag, str) and flag in flags else 0
    return int(row["part_signals"]) + band_step + flag_step


def portfolio(review: pd.DataFrame, settings: Settings) -> pd.DataFrame:
    """The review with each client's ``quadrant``, ``attention`` (the reasons, joined by "; ") and
    ``attention_score`` (:func:`attention_score`), sorted by the score, highest first, then by EBA balance,
    lowest first."""
    table = review.copy()
    table["quadrant"] = [quadrant_of(b, r, settings) for b, r in zip(table["eba_balance"], table["effort_ratio_3m"])]
    rows = table.to_dict("records")
    table["attention"] = ["; ".join(attention_reasons(row, settings)) for row in rows]
    table["attention_score"] = pd.Series([attention_score(row, settings) for row in rows], index=table.index,
                                         dtype="int64")
    order = table.sort_values(["attention_score", "eba_balance"], ascending=[False, True], kind="stable")
    return order.reset_index(drop=True)


def history_months(month: str | pd.Period) -> pd.PeriodIndex:
    """The months the history figures show: the ``HISTORY_MONTHS`` up to and including ``month``."""
    month = as_month(month)
    return pd.period_range(month - (HISTORY_MONTHS - 1), month, freq="M")


def band_history(dataset: Dataset, settings: Settings, clients: list[str], month: str | pd.Period,
                 ledger: pd.DataFrame | None = None) -> pd.DataFrame:
    """The EBA band and balance of each client at the end of each history month: ``client, month,
    balance, band``; both missing for the months before the client's first record. ``ledger`` as in
    :func:`month_review`."""
    ledger = eba_ledger(dataset, settings) if ledger is None else ledger
    table = monthly_eba(ledger, clients, history_months(month), settings["eba"])[["client", "month", "balance", "band"]]
    before = table["month"] < table["client"].map(first_months(dataset))
    table["balance"] = table["balance"].mask(before)
    table["band"] = table["band"].mask(before)
    return table


def first_months(dataset: Dataset) -> pd.Series:
    """The month of each client's first dated record (a client with none is missing)."""
    firsts = [getattr(dataset, table).groupby("client", observed=True)[column].min()
              for table, column in dataset.DATED]
    return pd.concat(firsts).groupby(level=0, observed=True).min().dropna().dt.to_period("M")


@dataclass
class ClientReport:
    """Everything one client's report shows, for one month, from that client's data only.

    ``headline`` is the client's row of the month review (with ``quadrant``); every other frame is a
    section of the report and holds the rows its figures come from.
    """

    client: str
    month: pd.Period
    folder: str
    settings: Settings
    info: dict
    headline: pd.Series
    eba_history: pd.DataFrame       # month, balance, change, deposits, withdrawals, band (from the first record)
    contributions: pd.DataFrame     # events that moved the balance this month, largest first
    ledger: pd.DataFrame            # the month's events: date, kind, weight, weight_from, subject, source, row
    hours: pd.DataFrame             # months x categories, hours
    effort_history: pd.DataFrame    # month, work and collection hours, effort ratios and flag
    aging: pd.DataFrame             # currency x aging buckets, outstanding amounts
    open_invoices: pd.DataFrame     # invoices outstanding at the month's end, oldest due first
    overdue: pd.DataFrame           # currency, overdue, max_days_overdue
    quality: list[QualityNote]
    checklist: pd.DataFrame         # signal, title, fired, evidence, reason, answer (DESIGN section 4b)
    evidence: dict                  # signal code -> the rows behind it, for each signal that fired
    signal_history: pd.DataFrame    # month, reply times of both sides, the client's baseline, monthly counts
    requests: pd.DataFrame          # the month's scope requests with their DANETOR verdict


def client_report(dataset: Dataset, settings: Settings, client: str, month: str | pd.Period) -> ClientReport:
    """The report of ``client`` (its display name, see :func:`find_client`) for ``month``, computed from
    ``dataset`` restricted to that client."""
    month = as_month(month)
    own = dataset.for_client(client)
    ours = our_replies(own.crm_activities)
    ledger = eba_ledger(own, settings, ours)
    review = month_review(own, settings, month, ledger, ours)
    if client not in set(review["client"]):
        raise UsageError(f"{client} has no record in the {ACTIVE_MONTHS} months up to {month} and is not in "
                         f"clients.csv, so it has no report for {month}. Choose a later month.")
    headline = portfolio(review, settings).set_index("client").loc[client]
    months = history_months(month)
    first = first_months(own).get(client)
    if first is not None and months[0] < first <= month:
        months = months[months >= first]      # a new client's history starts with its first record
    eba_history = monthly_eba(ledger, [client], months, settings["eba"]).drop(columns="client")
    moved = contributions(ledger, month, settings["eba"]["half_life_days"])
    moved = moved[moved["contribution"].abs() >= 0.005].drop(columns="client").reset_index(drop=True)
    in_month = ledger[ledger["day"].dt.to_period("M") == month].drop(columns=["client", "day"])
    entries = categorise(own.time_entries, settings["effort"]["categories"])
    hours = monthly_hours(entries[entries["date"].dt.to_period("M").isin(months)])
    hours = (hours.pivot_table(index="month", columns="category", values="hours", aggfunc="sum", fill_value=0.0)
             .reindex(months, fill_value=0.0).rename_axis(index="month", columns=None))
    by_month = monthly_effort(entries, [client], months, settings["effort"]["flags"])
    effort = by_month.drop(columns=["client", "extra_hours_3m"])
    status = invoice_status(own.invoices, month_end(month))
    open_invoices = (status[status["outstanding"] > 0]
                     .sort_values(["due", "invoice"], kind="stable")
                     [["invoice", "issued", "due", "currency", "amount", "outstanding", "days_overdue",
                       "bucket", "source", "row"]].reset_index(drop=True))
    buckets = aging(status).drop(columns="client").set_index("currency").reindex(columns=BUCKETS)
    overdue = overdue_by_currency(status).drop(columns="client")
    record = own.clients.iloc[0]
    info = {key: (None if pd.isna(record[key]) else record[key])
            for key in ("account_manager", "retainer_hours", "payment_terms_days", "currency")}
    checklist = checklist_rows(headline, settings["signals"])
    evidence_rows = {code: evidence(code, own.crm_activities, entries, month)
                     for code in checklist.loc[checklist["fired"], "signal"]}
    signal_history = signal_figures(own.crm_activities, by_month, _retainers(own), [client], months
                                    ).drop(columns="client")
    requests = danetor(own.crm_activities)
    requests = requests[requests["date"].dt.to_period("M") == month].reset_index(drop=True)
    return ClientReport(client=client, month=month, folder=str(dataset.folder), settings=settings, info=info,
                        headline=headline, eba_history=eba_history, contributions=moved, ledger=in_month,
                        hours=hours, effort_history=effort, aging=buckets, open_invoices=open_invoices,
                        overdue=overdue, quality=own.quality.notes, checklist=checklist, evidence=evidence_rows,
                        signal_history=signal_history, requests=requests)


@dataclass
class PortfolioReport:
    """Everything the portfolio page shows for one month.

    ``table`` is :func:`portfolio` of the month review; ``bands`` the band history of its clients;
    ``pages`` maps a client to the address of its page and ``failures`` a client whose report failed to
    what went wrong (both filled in by the report run).
    """

    month: pd.Period
    folder: str
    settings: Settings
    table: pd.DataFrame
    bands: pd.DataFrame
    quality: list[QualityNote]
    pages: dict[str, str]
    failures: dict[str, str]


def portfolio_report(dataset: Dataset, settings: Settings, month: str | pd.Period) -> PortfolioReport:
    """The portfolio of ``month``: every client of the month review, sorted by the attention they need."""
    month = as_month(month)
    ours = our_replies(dataset.crm_activities)
    ledger = eba_ledger(dataset, settings, ours)
    table = portfolio(month_review(dataset, settings, month, ledger, ours), settings)
    bands = band_history(dataset, settings, table["client"].tolist(), month, ledger)
    return PortfolioReport(month=month, folder=str(dataset.folder), settings=settings, table=table, bands=bands,
                           quality=list(dataset.quality), pages={}, failures={})
