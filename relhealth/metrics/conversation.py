"""The conversation figures of DESIGN section 4b, for each client and month, from chats and mail (and any
CRM row that is a message): what the client's own voice says before the numbers do.

- ``client_reply_length_trend``: the median length of the client's messages in M over the same median in
  the three months before (short replies are an early sign of irritation);
- ``client_contacts_3m``: the distinct people of the client who wrote to us in M-2..M, and
  ``new_client_contacts_3m`` those of them who had not written in the twelve months before;
- ``unrecapped_meetings_3m``: meetings held and calls of M-2..M with no message of ours to the client
  within ``recap_hours`` after them (an agreement made aloud and never written down);
- ``deadlines_missed_3m``: ``deadline_missed`` events, logged and derived from the task trackers;
- ``irritated_3m``: the client's messages whose text matches a ``[tone] irritation`` pattern.

Nothing dated after the end of M counts for M.
"""
from __future__ import annotations

import re

import numpy as np
import pandas as pd

from relhealth.columns import CONVERSATION_COLUMNS
from relhealth.metrics.months import monthly_and_trailing
from relhealth.metrics.replies import IN_MESSAGES, OUT_MESSAGES, direction

#: The months before the 3m window in which a contact counts as known, not new.
KNOWN_MONTHS = 12


def irritated(texts: pd.Series, patterns: list[str]) -> pd.Series:
    """Whether each text matches one of the irritation patterns (case-insensitive)."""
    if not patterns or texts.empty:
        return pd.Series(False, index=texts.index)
    joined = re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE)
    codes, distinct = pd.factorize(texts.fillna("").astype("str"))     # each distinct text searched once
    found = np.array([bool(joined.search(t)) for t in distinct] + [False])
    return pd.Series(found[codes], index=texts.index)


def conversation_figures(activities: pd.DataFrame, ledger: pd.DataFrame, clients: list[str], months: pd.PeriodIndex,
                         recap_hours: float, patterns: list[str]) -> pd.DataFrame:
    """The ``CONVERSATION_COLUMNS`` for each client and month, indexed by (client, month)."""
    months = pd.PeriodIndex(months, freq="M")
    # the figures look back 3 months, and 12 more for the contacts known before: nothing older counts
    activities = activities[activities["date"] >= (months.min() - (2 + KNOWN_MONTHS)).start_time]
    ledger = ledger[ledger["date"] >= (months.min() - 2).start_time]
    way = direction(activities)
    theirs = activities[activities["kind"].isin(IN_MESSAGES) & (way == "in") & activities["client"].isin(clients)]
    ours = activities[activities["kind"].isin(OUT_MESSAGES) & (way == "out")]
    spoken = activities[activities["kind"].isin(["meeting_held", "call"]) & activities["client"].isin(clients)]
    text = theirs["text"] if "text" in theirs.columns else pd.Series(np.nan, index=theirs.index)
    recent = theirs[theirs["date"] >= (months.min() - 2).start_time]
    counted = {
        "unrecapped_meetings_3m": spoken[~_recapped(spoken, ours, recap_hours)],
        "deadlines_missed_3m": ledger[(ledger["kind"] == "deadline_missed") & ledger["client"].isin(clients)],
        "irritated_3m": recent[irritated(text[recent.index].fillna(recent["subject"]), patterns)],
    }
    per_month = pd.DataFrame({name: rows.groupby([rows["client"], rows["date"].dt.to_period("M").rename("month")]).size()
                              for name, rows in counted.items()}).astype("float64")
    per_month.index = per_month.index.set_names(["client", "month"])
    _, trailing = monthly_and_trailing(per_month.reindex(columns=list(counted)), clients, months)
    table = trailing.astype("int64")
    table = table.join(_contacts(theirs, clients, months)).join(_length_trends(theirs, clients, months))
    return table[CONVERSATION_COLUMNS]


def _contacts(theirs: pd.DataFrame, clients: list[str], months: pd.PeriodIndex) -> pd.DataFrame:
    """``client_contacts_3m`` and ``new_client_contacts_3m``: per (client, contact) and month whether they
    wrote, summed over M-2..M, and over the twelve months before that for "known"."""
    grid = pd.period_range(months.min() - (2 + KNOWN_MONTHS), months.max(), freq="M")
    keep = pd.MultiIndex.from_product([clients, months], names=["client", "month"])
    people = theirs.dropna(subset=["contact"])
    if people.empty:
        return pd.DataFrame(0, index=keep, columns=["client_contacts_3m", "new_client_contacts_3m"])
    wrote = (people.assign(month=people["date"].dt.to_period("M"))
             .groupby(["client", "contact", "month"]).size().unstack("month").reindex(columns=grid).fillna(0) > 0)
    counts = wrote.to_numpy(dtype="int64").cumsum(axis=1)

    def window(last: int, length: int) -> np.ndarray:      # messages in the `length` months ending at column `last`
        first = last - length
        return counts[:, last] - (counts[:, first] if first >= 0 else 0)
    rows = []
    for month in months:
        at = grid.get_loc(month)
        recent, known = window(at, 3) > 0, window(at - 3, KNOWN_MONTHS) > 0
        frame = pd.DataFrame({"client": wrote.index.get_level_values("client"), "recent": recent,
                              "new": recent & ~known}).groupby("client")[["recent", "new"]].sum()
        rows.append(frame.assign(month=month))
    found = pd.concat(rows).reset_index().set_index(["client", "month"]).rename(
        columns={"recent": "client_contacts_3m", "new": "new_client_contacts_3m"})
    return found.reindex(keep, fill_value=0).astype("int64")


def _length_trends(theirs: pd.DataFrame, clients: list[str], months: pd.PeriodIndex) -> pd.Series:
    """``client_reply_length_trend``: the median length of the month's messages over that of the three
    months before (missing when either has none, or the earlier median is 0)."""
    lengths = theirs[["client", "date", "length"]].dropna()
    month_of = lengths["date"].dt.to_period("M")
    parts = []
    for month in months:
        now = lengths[month_of == month].groupby("client")["length"].median()
        before = lengths[(month_of >= month - 3) & (month_of < month)].groupby("client")["length"].median()
        trend = (now / before.where(before > 0)).reindex(clients)
        parts.append(pd.Series(trend.to_numpy(), index=pd.MultiIndex.from_product([clients, [month]],
                                                                                  names=["client", "month"])))
    return pd.concat(parts).rename("client_reply_length_trend")


def _recapped(spoken: pd.DataFrame, ours: pd.DataFrame, recap_hours: float) -> pd.Series:
    """Whether a message of ours to the client followed each meeting or call within ``recap_hours``."""
    if spoken.empty or ours.empty:
        return pd.Series(False, index=spoken.index)
    left = spoken[["client", "date"]].rename_axis("spoken").reset_index().sort_values("date")
    right = ours[["client", "date"]].rename(columns={"date": "recap"}).sort_values("recap")
    found = pd.merge_asof(left, right, left_on="date", right_on="recap", by="client", direction="forward",
                          tolerance=pd.Timedelta(hours=recap_hours))
    return found.set_index("spoken")["recap"].notna().reindex(spoken.index, fill_value=False)


__all__ = ["KNOWN_MONTHS", "conversation_figures", "irritated"]
