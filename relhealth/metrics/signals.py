"""The early-warning figures of DESIGN section 4b, for each client and month.

Every figure of month M is as seen at the end of M: nothing dated later counts. "3m" is M-2..M. Who wrote to
whom, and when it was answered, is :mod:`relhealth.metrics.replies`.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from relhealth.columns import SIGNAL_COLUMNS
from relhealth.metrics.months import WINDOW, month_end, monthly_and_trailing, next_start
from relhealth.metrics.replies import client_replies, inbound_contact, our_replies
from relhealth.metrics.scale import ratio

#: The 3m counts of section 4b: figure -> the kinds it counts.
KIND_COUNTS = {
    "meetings_held_3m": ("meeting_held",),
    "meetings_cancelled_3m": ("meeting_cancelled",),
    "extras_gifted_3m": ("extra_gifted",),
    "extras_sold_3m": ("extra_sold",),
    "scope_requests_3m": ("scope_request",),
    "advice_rejected_3m": ("advice_rejected",),
    "complaints_3m": ("complaint", "escalation"),
    "rude_3m": ("rude_message",),
}
#: The month's own counts the reports chart beside the 3m ones.
MONTHLY_COUNTS = ["meetings_held", "meetings_cancelled", "extras_gifted", "extras_sold", "scope_requests"]

#: The figures of section 4b, in the order of the review table.
FIGURES = [c for c in SIGNAL_COLUMNS if c not in ("part_signals", "part_flags")]
#: Figures in hours and figures that are ratios (the review table writes them to 2 and 3 decimals); the
#: others are whole numbers.
HOURS = ["reply_hours_median", "client_reply_hours_median"]
RATIOS = ["client_reply_trend", "extra_share_3m", "retainer_use", "client_reply_length_trend"]


def signal_figures(activities: pd.DataFrame, effort: pd.DataFrame, retainers: pd.Series, clients: list[str],
                   months: pd.PeriodIndex, ours: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every figure of section 4b for each client and month.

    Parameters
    ----------
    activities : the logged CRM activities (no derived events).
    effort : :func:`relhealth.metrics.effort.monthly_effort` of the same clients and months.
    retainers : ``retainer_hours`` by client (missing or 0: no retainer).
    ours : :func:`~relhealth.metrics.replies.our_replies` of ``activities`` (or of more clients), when known.

    Returns
    -------
    One row per client and month: ``client, month``, the ``FIGURES``, ``client_reply_baseline_hours`` (the
    median of the three months before M) and the ``MONTHLY_COUNTS``.
    """
    months = pd.PeriodIndex(months, freq="M")
    in_review = activities["client"].isin(clients)
    # counts and the client's replies look back WINDOW months at most (a reply comes after its message)
    recent = activities[in_review & (activities["date"] >= (months.min() - WINDOW).start_time)]
    table = _kind_counts(recent, clients, months)
    ours = our_replies(activities[in_review]) if ours is None else ours[ours["client"].isin(clients)]
    theirs = client_replies(recent)
    inbound = activities.loc[in_review & inbound_contact(activities), ["client", "date"]]   # silence: all history
    table = table.join(pd.concat([_replies_in_month(ours, theirs, inbound, clients, month) for month in months]))
    efforts = effort.set_index(["client", "month"]).reindex(table.index)
    table["extra_share_3m"] = ratio(efforts["extra_hours_3m"], efforts["work_hours_3m"])
    retainer = table.index.get_level_values("client").map(retainers).to_numpy(dtype="float64")
    retainer = np.where(retainer > 0, retainer, np.nan)
    table["retainer_use"] = efforts["work_hours"].to_numpy() / retainer
    table = table.reset_index()
    return table[["client", "month", *FIGURES, "client_reply_baseline_hours", *MONTHLY_COUNTS]]


def _kind_counts(recent: pd.DataFrame, clients: list[str], months: pd.PeriodIndex) -> pd.DataFrame:
    """The 3m counts of ``KIND_COUNTS`` and the month's own ``MONTHLY_COUNTS``, indexed by client and month."""
    flags = pd.DataFrame({figure: recent["kind"].isin(kinds) for figure, kinds in KIND_COUNTS.items()})
    counts = flags.groupby([recent["client"], recent["date"].dt.to_period("M").rename("month")]).sum()
    own, trailing = monthly_and_trailing(counts.astype("float64"), clients, months)
    table = trailing.astype("int64")
    for figure in MONTHLY_COUNTS:
        table[figure] = own[f"{figure}_3m"].astype("int64")
    return table


def _replies_in_month(ours: pd.DataFrame, theirs: pd.DataFrame, inbound: pd.DataFrame, clients: list[str],
                      month: pd.Period) -> pd.DataFrame:
    """Reply times, unanswered messages and silence of each client in ``month``, as seen at its end."""
    end = next_start(month)
    messages = ours[ours["date"].dt.to_period("M") == month]
    answered = messages["answered_at"] < end
    mine = theirs[(theirs["answered_at"] < end)]
    mine_month = mine["date"].dt.to_period("M")
    before = mine[(mine_month >= month - WINDOW) & (mine_month < month)]
    last = inbound[inbound["date"] < end].groupby("client")["date"].max()
    silence = (month_end(month) - last.dt.normalize()).dt.days
    frame = pd.DataFrame({
        "reply_hours_median": messages[answered].groupby("client")["hours"].median(),
        "unanswered_in": (~answered).groupby(messages["client"]).sum(),
        "client_reply_hours_median": mine[mine_month == month].groupby("client")["hours"].median(),
        "client_reply_baseline_hours": before.groupby("client")["hours"].median(),
        "client_silence_days": silence,
    }).reindex(clients)
    frame["unanswered_in"] = frame["unanswered_in"].fillna(0).astype("int64")
    frame["client_silence_days"] = frame["client_silence_days"].astype("Int64")
    month_median, baseline = frame["client_reply_hours_median"], frame["client_reply_baseline_hours"]
    frame["client_reply_trend"] = pd.Series(ratio(month_median, baseline), index=frame.index).where(
        month_median.notna() & baseline.notna())
    frame.index = pd.MultiIndex.from_product([clients, [month]], names=["client", "month"])
    return frame
