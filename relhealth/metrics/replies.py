"""Who wrote to whom, and when it was answered (DESIGN section 4b).

- a **message** is a row of kind ``email_in``, ``message_in`` (inbound) or ``email_out``, ``message_out``
  (outbound); reply times are measured between messages only, so a call or a note of praise never
  counts as the answer to an e-mail. A message is answered by the first message of the other side at or
  after it, in the same ``thread`` when both rows carry one.
- **inbound contact** is any row from the client: an inbound message or any row with ``direction`` =
  ``in`` (a call, a complaint). The client's silence counts from the last one. When a row's ``direction``
  contradicts its kind, the direction wins.
"""
from __future__ import annotations

import pandas as pd

IN_MESSAGES = ("email_in", "message_in")
OUT_MESSAGES = ("email_out", "message_out")
#: The kind of the derived event for an inbound message not answered in time.
SLOW_REPLY = "slow_reply"

REPLY_COLUMNS = ["client", "date", "kind", "thread", "subject", "source", "row", "answered_at", "answer_source",
                 "answer_row", "hours"]


def direction(activities: pd.DataFrame) -> pd.Series:
    """``in``, ``out`` or missing for each row: the ``direction`` column, else the message kind."""
    by_kind = activities["kind"].map({**dict.fromkeys(IN_MESSAGES, "in"), **dict.fromkeys(OUT_MESSAGES, "out")})
    return activities["direction"].fillna(by_kind).astype("str")


def inbound_contact(activities: pd.DataFrame) -> pd.Series:
    """Whether each row is contact from the client (an inbound message, or any row directed in)."""
    return direction(activities) == "in"


def _next_contact(starters: pd.DataFrame, answers: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """For each starter, the first answer at or after it with the same ``by`` values."""
    if starters.empty or answers.empty:
        # typed, so that concatenating it keeps the dates datetimes (an object column costs a slow parse)
        return pd.DataFrame({"answered_at": pd.Series(dtype=answers["date"].dtype),
                             "answer_source": pd.Series(dtype="str"),
                             "answer_row": pd.Series(dtype="float64")}).rename_axis("starter")
    right = (answers[[*by, "date", "source", "row"]]
             .rename(columns={"date": "answered_at", "source": "answer_source", "row": "answer_row"})
             .sort_values("answered_at", kind="stable"))
    left = starters[[*by, "date"]].rename_axis("starter").reset_index().sort_values("date", kind="stable")
    found = pd.merge_asof(left, right, left_on="date", right_on="answered_at", by=by, direction="forward")
    return found.set_index("starter")[["answered_at", "answer_source", "answer_row"]].dropna(subset=["answered_at"])


def replies(activities: pd.DataFrame, starters: pd.Series, answers: pd.Series) -> pd.DataFrame:
    """Each row of ``starters`` with the first row of ``answers`` of the same client at or after it (in
    the same thread when both carry one), whenever that came.

    Returns ``REPLY_COLUMNS``, one row per starter in the order of ``activities``; ``answered_at``,
    ``answer_source``, ``answer_row`` and ``hours`` are missing when nothing answered.
    """
    s = activities.loc[starters, ["client", "date", "kind", "thread", "subject", "source", "row"]]
    a = activities.loc[answers, ["client", "date", "thread", "source", "row"]]
    threaded = a["thread"].notna()
    found = pd.concat([
        _next_contact(s, a[~threaded], ["client"]),                                  # an unthreaded answer answers any
        _next_contact(s[s["thread"].notna()], a[threaded], ["client", "thread"]),    # a thread answers its own
        _next_contact(s[s["thread"].isna()], a[threaded], ["client"]),               # or an unthreaded message
    ])
    first = found.sort_values("answered_at", kind="stable")
    first = first[~first.index.duplicated(keep="first")]
    result = s.join(first)
    result["answered_at"] = pd.to_datetime(result["answered_at"]).astype(s["date"].dtype)
    result["answer_row"] = result["answer_row"].astype("Int64")
    result["answer_source"] = result["answer_source"].astype("str")
    result["hours"] = (result["answered_at"] - result["date"]).dt.total_seconds() / 3600
    return result[REPLY_COLUMNS].reset_index(drop=True)


def _messages(activities: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """The messages (e-mail or chat rows) of each side: inbound from the client, outbound from us."""
    message = activities["kind"].isin(IN_MESSAGES + OUT_MESSAGES)
    way = direction(activities)
    return message & (way == "in"), message & (way == "out")


def our_replies(activities: pd.DataFrame) -> pd.DataFrame:
    """The client's inbound messages, each with our first outbound message after it."""
    inbound, outbound = _messages(activities)
    return replies(activities, inbound, outbound)


def client_replies(activities: pd.DataFrame) -> pd.DataFrame:
    """Our outbound messages, each with the client's first inbound message after it."""
    inbound, outbound = _messages(activities)
    return replies(activities, outbound, inbound)


def slow_replies(activities: pd.DataFrame, sla_hours: float, ours: pd.DataFrame | None = None) -> pd.DataFrame:
    """The derived ``slow_reply`` events: one for each inbound message not answered within ``sla_hours``,
    dated when the limit passed, in the shape of ``activities`` with ``derived`` = True and ``reply_hours``
    (the hours until our answer; missing when none came).

    ``subject``, ``thread``, ``source`` and ``row`` are those of the inbound message, so the event traces back
    to it. ``ours``: :func:`our_replies` of ``activities``, when the caller has it already.
    """
    ours = our_replies(activities) if ours is None else ours
    limit = ours["date"] + pd.Timedelta(hours=sla_hours)
    late = ours[ours["answered_at"].isna() | (ours["answered_at"] > limit)]
    events = pd.DataFrame({
        "date": limit[late.index],
        "client": late["client"],
        "kind": SLOW_REPLY,
        "subject": late["subject"],
        "thread": late["thread"],
        "source": late["source"],
        "row": late["row"],
    })
    events = events.reindex(columns=activities.columns).astype(activities.dtypes.to_dict())
    return events.assign(derived=True, reply_hours=late["hours"].to_numpy())


def with_derived(activities: pd.DataFrame, sla_hours: float, ours: pd.DataFrame | None = None) -> pd.DataFrame:
    """The logged activities (``derived`` = False), then the derived ``slow_reply`` events (the ledger puts
    them in order)."""
    # a calendar's meetings are in the activities already, marked derived (relhealth.io.calendar)
    logged = activities.assign(derived=activities["derived"].fillna(False).astype("bool") if "derived" in activities
                               else False, reply_hours=float("nan"))
    derived = slow_replies(activities, sla_hours, ours)
    if derived.empty:
        return logged
    return pd.concat([logged, derived], ignore_index=True)
