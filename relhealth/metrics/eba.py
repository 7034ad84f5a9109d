"""The emotional bank account (DESIGN section 3): the ledger, balances with decay, monthly figures,
bands and contributions.

An event of weight ``w`` on day ``d`` contributes ``w * 0.5 ** ((t - d).days / H)`` to the balance at
day ``t >= d`` (``H`` the half-life in days; 0 switches decay off). An event's day is its date without
the time, so an event on the evening of a month's last day counts in full that month.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from relhealth.metrics.months import as_month, month_end
from relhealth.metrics.scale import level_of

#: Where an event's weight came from.
FROM_RUBRIC, FROM_ROW, FROM_UNKNOWN = "rubric", "row", "unknown kind"

def ledger_from_activities(activities: pd.DataFrame, weights: dict[str, float]) -> pd.DataFrame:
    """Each CRM activity as a ledger event with its weight and where the weight came from.

    Parameters
    ----------
    activities : the canonical ``crm_activities`` frame, with derived events (``derived`` = True) when
        there are any (:func:`relhealth.metrics.replies.with_derived`).
    weights : the rubric, kind -> weight.

    Returns
    -------
    DataFrame of ``client, date, day, kind, weight, weight_from, derived, subject, reply_hours, task_due,
    task_done, source, row``,
    ordered by client and date. ``weight_from`` is ``rubric``, ``row`` (the row's own ``weight`` overrides
    the rubric) or ``unknown kind`` (weight 0); ``derived`` tells a derived event from a logged one;
    ``reply_hours`` is, for a derived slow reply, the hours until our answer (missing when none came);
    ``task_due`` and ``task_done``, for a derived deadline event, its task's due and done days.
    """
    codes, kinds = pd.factorize(activities["kind"])
    per_kind = np.array([weights.get(kind, np.nan) for kind in kinds] + [np.nan], dtype="float64")
    rubric = pd.Series(per_kind[codes], index=activities.index)   # looked up once per kind; code -1 (none): the last
    override = activities["weight"].astype("float64")
    weight = override.fillna(rubric).fillna(0.0)
    origin = np.select([override.notna(), rubric.notna()], [0, 1], 2)
    weight_from = np.array([FROM_ROW, FROM_RUBRIC, FROM_UNKNOWN], dtype=object)[origin]   # three strings, shared
    ledger = pd.DataFrame({
        "client": activities["client"],
        "date": activities["date"],
        "day": activities["date"].dt.normalize(),
        "kind": activities["kind"],
        "weight": weight,
        "weight_from": pd.Series(weight_from, index=activities.index, dtype="str"),
        "derived": activities["derived"].astype("bool") if "derived" in activities else False,
        "subject": activities["subject"],
        "reply_hours": activities["reply_hours"] if "reply_hours" in activities else np.nan,
        "task_due": activities["task_due"] if "task_due" in activities else pd.NaT,
        "task_done": activities["task_done"] if "task_done" in activities else pd.NaT,
        "source": activities["source"],
        "row": activities["row"],
    })
    return ledger.sort_values(["client", "date", "row"], kind="stable").reset_index(drop=True)


def decay_factors(ledger: pd.DataFrame, at: pd.DatetimeIndex, half_life: float) -> np.ndarray:
    """The share of each event's weight left at each date: an events x dates array, 0 before the event."""
    days = ledger["day"].to_numpy().astype("datetime64[D]")
    ends = np.asarray(at).astype("datetime64[D]")
    age = (ends[None, :] - days[:, None]).astype("int64")
    return np.where(age >= 0, _kept(age, half_life), 0.0)


def _kept(age_days: np.ndarray, half_life: float) -> np.ndarray:
    """The share of a weight left after ``age_days`` days: halving every ``half_life`` days (0: all of it)."""
    return 0.5 ** (age_days / half_life) if half_life > 0 else np.ones(np.shape(age_days))


def balances_at(ledger: pd.DataFrame, at: pd.DatetimeIndex, clients: list[str], half_life: float,
                opening: float = 0.0) -> pd.DataFrame:
    """The balance of each client at each date: ``opening`` plus the decayed weights of the events dated
    on or before that day. A clients x dates frame."""
    at = pd.DatetimeIndex(at)
    contributions = ledger["weight"].to_numpy()[:, None] * decay_factors(ledger, at, half_life)
    sums = pd.DataFrame(contributions, columns=at).groupby(ledger["client"].to_numpy()).sum()
    return sums.reindex(clients, fill_value=0.0) + opening


OVERDRAWN = "overdrawn"


def band_order(bands: dict[str, float]) -> list[str]:
    """The band names from the lowest up: ``overdrawn``, then the bands by their lower bounds."""
    return [OVERDRAWN, *sorted(bands, key=bands.get)]


def band_of(balance: float, bands: dict[str, float]) -> str:
    """The band of a balance: the name of the highest lower bound it reaches, else ``overdrawn``."""
    return level_of(balance, bands, OVERDRAWN)


def monthly_eba(ledger: pd.DataFrame, clients: list[str], months: pd.PeriodIndex, eba: dict) -> pd.DataFrame:
    """Balance, change, deposits, withdrawals and band of each client at the end of each month.

    Parameters
    ----------
    ledger : from :func:`ledger_from_activities`.
    clients : the clients to report, in order; a client with no event has the opening balance.
    months : the months, as a PeriodIndex.
    eba : the ``[eba]`` settings: ``half_life_days``, ``opening_balance``, ``bands``.

    Returns
    -------
    One row per client and month: ``client, month, balance, change, new, fading, deposits, withdrawals,
    band``. ``change`` is the balance minus the balance at the end of the month before; ``new`` is what
    the events dated in the month contribute at its end, and ``fading`` the rest of the change (the drift
    of older events towards zero); ``deposits`` and ``withdrawals`` are the undecayed positive and negative
    weights of events dated in the month (withdrawals <= 0).
    """
    months = pd.PeriodIndex(months, freq="M")
    ends = pd.DatetimeIndex([month_end(m) for m in [months[0] - 1, *months]])
    balance = balances_at(ledger, ends, clients, eba["half_life_days"], eba["opening_balance"])
    change = balance.diff(axis=1).iloc[:, 1:]
    balance = balance.iloc[:, 1:]
    event_month = ledger["day"].dt.to_period("M")
    weight = ledger["weight"]
    by = [ledger["client"], event_month]
    deposits = weight.where(weight > 0, 0.0).groupby(by).sum()
    withdrawals = weight.where(weight < 0, 0.0).groupby(by).sum()
    own_end = pd.DatetimeIndex(event_month.dt.end_time).normalize()      # each event at the end of its month
    days = (own_end - pd.DatetimeIndex(ledger["day"]).normalize()).days.to_numpy()
    new = (weight * _kept(days, eba["half_life_days"])).groupby(by).sum()
    index = pd.MultiIndex.from_product([clients, months], names=["client", "month"])
    table = pd.DataFrame({
        "balance": balance.to_numpy().ravel(),
        "change": change.to_numpy().ravel(),
    }, index=index)
    table["new"] = new.reindex(index, fill_value=0.0).to_numpy() + 0.0
    table["fading"] = table["change"] - table["new"]
    table["deposits"] = deposits.reindex(index, fill_value=0.0).to_numpy() + 0.0
    table["withdrawals"] = withdrawals.reindex(index, fill_value=0.0).to_numpy() + 0.0
    table["band"] = [band_of(b, eba["bands"]) for b in table["balance"]]
    return table.reset_index()


def contributions(ledger: pd.DataFrame, month: str | pd.Period, half_life: float) -> pd.DataFrame:
    """How much each event moved the balance from the end of the month before ``month`` to its end:
    its decayed contribution then, minus before. For each client they add up to the month's change.

    Returns the ledger rows dated on or before the month's end with a ``contribution`` column, largest
    movement first.
    """
    month = as_month(month)
    ends = pd.DatetimeIndex([month_end(month - 1), month_end(month)])
    upto = ledger[ledger["day"] <= ends[1]]
    factors = decay_factors(upto, ends, half_life)
    result = upto.assign(contribution=upto["weight"].to_numpy() * (factors[:, 1] - factors[:, 0]))
    order = result["contribution"].abs().sort_values(ascending=False, kind="stable").index
    return result.loc[order].reset_index(drop=True)
