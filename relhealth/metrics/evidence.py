"""The rows behind a signal of the checklist, for one client and month."""
from __future__ import annotations

import numpy as np
import pandas as pd

from relhealth.metrics.checklist import SIGNALS
from relhealth.metrics.months import WINDOW, next_start
from relhealth.metrics.replies import client_replies, inbound_contact

EVIDENCE_COLUMNS = ["date", "what", "detail", "hours", "note", "source", "row"]
#: What ``note`` says of a row: the client's last inbound contact, or one of our messages it never answered.
LAST_INBOUND, UNANSWERED = "last inbound contact", "unanswered"


def evidence(code: str, activities: pd.DataFrame, entries: pd.DataFrame, month: pd.Period) -> pd.DataFrame:
    """The rows behind signal ``code`` for one client in ``month``: its CRM rows and time entries of the 3m
    window; for ``no_feedback``, our messages of the month with the client's reply time (``note`` =
    ``unanswered`` when no reply came by the month's end) and the client's last inbound contact.

    Returns ``EVIDENCE_COLUMNS``: ``what`` is the kind or the time category, ``detail`` the subject or the
    task, ``hours`` an entry's hours or a reply time; ordered by date.
    """
    signal = SIGNALS[code]
    start, end = (month - (WINDOW - 1)).start_time, next_start(month)
    acts = activities[activities["date"] < end]
    frames = []
    if code == "no_feedback":
        inbound = acts[inbound_contact(acts)]
        if len(inbound):
            frames.append(_rows(inbound.loc[[inbound["date"].idxmax()]], "kind", "subject", note=LAST_INBOUND))
        theirs = client_replies(acts)
        theirs = theirs[theirs["date"] >= month.start_time]
        answered = theirs["answered_at"] < end
        frames.append(_rows(theirs.assign(hours=theirs["hours"].where(answered)), "kind", "subject", "hours",
                            note=pd.Series(np.where(answered, None, UNANSWERED), index=theirs.index, dtype="str")))
    else:
        window = acts[(acts["date"] >= start) & acts["kind"].isin(signal.kinds)]
        frames.append(_rows(window, "kind", "subject"))
        if signal.categories:
            own = entries[(entries["date"] >= start) & (entries["date"] < end)
                          & entries["category"].isin(signal.categories)]
            frames.append(_rows(own, "category", "task", "hours"))
    frames = [f for f in frames if len(f)]
    if not frames:
        return pd.DataFrame(columns=EVIDENCE_COLUMNS)
    return pd.concat(frames, ignore_index=True).sort_values("date", kind="stable").reset_index(drop=True)


def _rows(rows: pd.DataFrame, what: str, detail: str, hours: str | None = None, note=None) -> pd.DataFrame:
    return pd.DataFrame({
        "date": rows["date"],
        "what": rows[what].astype("str"),
        "detail": rows[detail],
        "hours": rows[hours] if hours else np.nan,
        "note": note if note is not None else pd.Series(pd.NA, index=rows.index, dtype="str"),
        "source": rows["source"],
        "row": rows["row"],
    })
