"""The conversation figures of DESIGN section 4b, for each client and month, from chats and mail (and any
CRM row that is a message): what the client's own voice says before the numbers do.

- ``client_reply_length_trend``: the median length of the client's messages in M over the same median in
  the three months before (short replies are an early sign of irritation);
- ``client_contacts_3m``: the distinct people of the client who wrote to us in M-2..M, and
  ``new_client_contacts_3m`` those of them who had not written in the twelve months before (0 when
  nobody of the client wrote then: a first conversation brings no new people);
- ``unrecapped_meetings_3m``: meetings held and calls of M-2..M with no message of ours to the client
  within ``recap_hours`` after them (an agreement made aloud and never written down);
- ``deadlines_missed_3m``: ``deadline_missed`` events, logged and derived from the task trackers;
- ``irritated_3m``: the client's messages whose text matches a ``[tone] irritation`` pattern (the patterns
  read a text's first ``PATTERN_TEXT_LIMIT`` characters).

Nothing dated after the end of M counts for M.
"""
from __future__ import annotations

import re

import numpy as np
import pandas as pd

from relhealth.columns import CONVERSATION_COLUMNS
from relhealth.metrics.effort import _any_of
from relhealth.metrics.months import monthly_and_trailing
from relhealth.metrics.replies import IN_MESSAGES, OUT_MESSAGES, direction
from relhealth.settings import PATTERN_TEXT_LIMIT

#: The months before the 3m window in which a contact counts as known, not new.
KNOWN_MONTHS = 12
#: The kinds of a conversation held aloud, which a written recap should follow.
SPOKEN = ("meeting_held", "call")


def _expressions(patterns: list[str]) -> list[re.Pattern]:
    """The patterns as one expression when they join, else each on its own (a flag for a whole pattern,
    ``(?i)``, or a back-reference keeps a pattern apart)."""
    joined = _any_of(patterns)
    return [joined] if joined is not None else [re.compile(p, re.IGNORECASE) for p in patterns]


def _read(texts: pd.Series) -> pd.Series:
    """What the patterns read of each text: its first ``PATTERN_TEXT_LIMIT`` characters ("" for none)."""
    return texts.fillna("").astype("str").str.slice(0, PATTERN_TEXT_LIMIT)


def irritated(texts: pd.Series, patterns: list[str]) -> pd.Series:
    """Whether each text (its first ``PATTERN_TEXT_LIMIT`` characters) matches one of the irritation
    patterns (case-insensitive)."""
    if not patterns or texts.empty:
        return pd.Series(False, index=texts.index)
    expressions = _expressions(patterns)
    codes, distinct = pd.factorize(_read(texts))     # each distinct text searched once
    found = np.array([any(e.search(t) for e in expressions) for t in distinct] + [False])
    return pd.Series(found[codes], index=texts.index)


def matched_words(texts: pd.Series, patterns: list[str]) -> pd.Series:
    """The words of each text (its first ``PATTERN_TEXT_LIMIT`` characters) that match an irritation
    pattern, in order and each once, joined by ", " (empty where nothing matches)."""
    if not patterns or texts.empty:
        return pd.Series("", index=texts.index)
    expressions = _expressions(patterns)

    def words(text: str) -> str:
        found = sorted((m.start(), m.group(0).strip()) for e in expressions for m in e.finditer(text))
        return ", ".join(dict.fromkeys(word for _, word in found if word))
    return _read(texts).map(words)


def message_text(messages: pd.DataFrame) -> pd.Series:
    """What the tone patterns read of each message: its own text, else its subject."""
    text = messages["text"] if "text" in messages.columns else pd.Series(np.nan, index=messages.index)
    return text.where(text.notna() & (text.astype("str") != ""), messages["subject"])


def sides(activities: pd.DataFrame, clients: list[str] | None = None) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The client's messages to us, ours to the client, and the meetings held and calls (of ``clients``,
    default all)."""
    way = direction(activities)
    of_clients = activities["client"].isin(clients) if clients is not None else pd.Series(True, activities.index)
    theirs = activities[activities["kind"].isin(IN_MESSAGES) & (way == "in") & of_clients]
    ours = activities[activities["kind"].isin(OUT_MESSAGES) & (way == "out")]
    spoken = activities[activities["kind"].isin(SPOKEN) & of_clients]
    return theirs, ours, spoken


def conversation_figures(activities: pd.DataFrame, ledger: pd.DataFrame, clients: list[str], months: pd.PeriodIndex,
                         recap_hours: float, patterns: list[str]) -> pd.DataFrame:
    """The ``CONVERSATION_COLUMNS`` for each client and month, indexed by (client, month)."""
    months = pd.PeriodIndex(months, freq="M")
    # the figures look back 3 months, and 12 more for the contacts known before: nothing older counts
    activities = activities[activities["date"] >= (months.min() - (2 + KNOWN_MONTHS)).start_time]
    ledger = ledger[ledger["date"] >= (months.min() - 2).start_time]
    theirs, ours, spoken = sides(activities, clients)
    recent = theirs[theirs["date"] >= (months.min() - 2).start_time]
    counted = {
        "unrecapped_meetings_3m": spoken[~recapped(spoken, ours, recap_hours)],
        "deadlines_missed_3m": ledger[(ledger["kind"] == "deadline_missed") & ledger["client"].isin(clients)],
        "irritated_3m": recent[irritated(message_text(recent), patterns)],
    }
    per_month = pd.DataFrame({name: rows.groupby([rows["client"], rows["date"].dt.to_period("M").rename("month")]).size()
                              for name, rows in counted.items()}).astype("float64")
    per_month.index = per_month.index.set_names(["client", "month"])
    _, trailing = monthly_and_trailing(per_month.reindex(columns=list(counted)), clients, months)
    table = trailing.astype("int64")
    table = table.join(_contacts(theirs, clients, months)).join(_length_trends(theirs, clients, months))
    return table[CONVERSATION_COLUMNS]


# ---- one client's conversation, as its page lists it ------------------------------------------------------

def _window(rows: pd.DataFrame, month: pd.Period, before: int = 0) -> pd.DataFrame:
    """The rows dated in M-2..M (``before``: that many months more before)."""
    return rows[rows["date"].between((month - (2 + before)).start_time, month.end_time)]


def writers(theirs: pd.DataFrame, month: pd.Period) -> pd.DataFrame:
    """The client's people who wrote to us in M-2..M, most messages first: ``contact``, ``channel``,
    ``messages_3m``, ``last``, and ``new`` (no message in the twelve months before, when someone of the
    client wrote then), as ``new_client_contacts_3m`` counts them."""
    people = theirs.dropna(subset=["contact"])
    recent = _window(people, month)
    known = set(people.loc[people["date"].between((month - (2 + KNOWN_MONTHS)).start_time,
                                                   (month - 3).end_time), "contact"])
    channel = recent["channel"] if "channel" in recent.columns else pd.Series("", index=recent.index)
    found = (recent.assign(channel=channel.fillna("").astype("str")).groupby("contact", sort=False)
             .agg(channel=("channel", lambda c: ", ".join(sorted(set(c) - {""}))), messages_3m=("date", "size"),
                  last=("date", "max")).reset_index())
    found["new"] = ~found["contact"].isin(known) & bool(known)    # a first conversation brings no new people
    return found.sort_values(["messages_3m", "last"], ascending=[False, False], kind="stable").reset_index(drop=True)


def unrecapped(theirs_and_ours: pd.DataFrame, month: pd.Period, recap_hours: float) -> pd.DataFrame:
    """The meetings held and calls of M-2..M with no message of ours to the client within ``recap_hours``
    after them (``theirs_and_ours``: one client's activities)."""
    _, ours, spoken = sides(theirs_and_ours)
    spoken = _window(spoken, month)
    ours = ours[ours["date"] <= month.end_time]
    return spoken[~recapped(spoken, ours, recap_hours)].reset_index(drop=True)


def tone_matches(theirs: pd.DataFrame, month: pd.Period, patterns: list[str]) -> pd.DataFrame:
    """The client's messages of M-2..M whose text matches a ``[tone] irritation`` pattern, with ``matched``
    (the words that matched) and ``text`` (what the patterns read), as ``irritated_3m`` counts them."""
    recent = _window(theirs, month)
    text = message_text(recent)
    found = recent.assign(text=text, matched=matched_words(text, patterns))
    return found[irritated(text, patterns)].reset_index(drop=True)


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
                              "new": recent & ~known, "known": known}).groupby("client")[["recent", "new", "known"]].sum()
        frame["new"] = frame["new"].where(frame["known"] > 0, 0)     # a first conversation brings no new people
        frame = frame.drop(columns="known")
        rows.append(frame.assign(month=month))
    found = pd.concat(rows).reset_index().set_index(["client", "month"]).rename(
        columns={"recent": "client_contacts_3m", "new": "new_client_contacts_3m"})
    return found.reindex(keep, fill_value=0).astype("int64")


def length_medians(theirs: pd.DataFrame, clients: list[str], months: pd.PeriodIndex) -> pd.DataFrame:
    """For each client and month: ``client_messages`` (the client's messages), the median ``length`` of
    those with a text (chats and mail), and ``length_baseline``, the same median over the three months
    before; indexed by (client, month)."""
    sent = theirs["date"].dt.to_period("M")
    lengths = theirs[["client", "date", "length"]].dropna()
    month_of = lengths["date"].dt.to_period("M")
    parts = []
    for month in months:
        now = lengths[month_of == month].groupby("client")["length"].median()
        before = lengths[(month_of >= month - 3) & (month_of < month)].groupby("client")["length"].median()
        frame = pd.DataFrame({"client_messages": theirs[sent == month].groupby("client").size(), "length": now,
                              "length_baseline": before})
        frame = frame.reindex(clients).assign(month=month)
        parts.append(frame.rename_axis("client").reset_index())
    found = pd.concat(parts).set_index(["client", "month"])
    return found.assign(client_messages=found["client_messages"].fillna(0).astype("int64"))


def _length_trends(theirs: pd.DataFrame, clients: list[str], months: pd.PeriodIndex) -> pd.Series:
    """``client_reply_length_trend``: the median length of the month's messages over that of the three
    months before (missing when either has none, or the earlier median is 0)."""
    medians = length_medians(theirs, clients, months)
    baseline = medians["length_baseline"]
    return (medians["length"] / baseline.where(baseline > 0)).rename("client_reply_length_trend")


def recapped(spoken: pd.DataFrame, ours: pd.DataFrame, recap_hours: float) -> pd.Series:
    """Whether a message of ours to the client followed each meeting or call within ``recap_hours``."""
    if spoken.empty or ours.empty:
        return pd.Series(False, index=spoken.index)
    left = spoken[["client", "date"]].rename_axis("spoken").reset_index().sort_values("date")
    right = ours[["client", "date"]].rename(columns={"date": "recap"}).sort_values("recap")
    found = pd.merge_asof(left, right, left_on="date", right_on="recap", by="client", direction="forward",
                          tolerance=pd.Timedelta(hours=recap_hours))
    return found.set_index("spoken")["recap"].notna().reindex(spoken.index, fill_value=False)


__all__ = ["KNOWN_MONTHS", "SPOKEN", "conversation_figures", "irritated", "length_medians", "matched_words",
           "message_text", "recapped", "sides", "tone_matches", "unrecapped", "writers"]
