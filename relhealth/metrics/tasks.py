"""Deadlines from the task trackers (DESIGN section 2a): each task with a client and a due date becomes one
derived event of the ledger.

Done by the due day plus ``grace_days``: ``deadline_met``, or ``delivered_early`` when done ``early_days``
or more days before the due day, dated when done. Not done by then: ``deadline_missed``, dated the first day
past the grace, whether it was done later or is still open, so that a month's review sees a late task as
soon as it is late and no later month rewrites an earlier one. A task not yet due gives an event dated
after the month being scored, which that month does not count.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

DEADLINE_MET, DELIVERED_EARLY, DEADLINE_MISSED = "deadline_met", "delivered_early", "deadline_missed"


def task_events(tasks: pd.DataFrame, columns: pd.Index, early_days: int, grace_days: int) -> pd.DataFrame:
    """The derived events of ``tasks`` (:attr:`relhealth.io.Dataset.tasks`) in the shape of the CRM
    activities (``columns``), with ``derived`` = True and the task's ``task_due`` and ``task_done`` days,
    which say why the event is what it is. ``subject``, ``source`` and ``row`` are the task's."""
    due = tasks["due"].dt.normalize()
    done = tasks["done"].dt.normalize()
    limit = due + pd.Timedelta(days=grace_days)
    in_time = done.notna() & (done <= limit)
    early = in_time & (done <= due - pd.Timedelta(days=early_days))
    kind = np.select([early, in_time], [DELIVERED_EARLY, DEADLINE_MET], DEADLINE_MISSED)
    events = pd.DataFrame({
        "date": done.where(in_time, limit + pd.Timedelta(days=1)),
        "client": tasks["client"],
        "kind": pd.Series(kind, index=tasks.index, dtype="str"),
        "subject": tasks["task"],
        "source": tasks["source"],
        "row": tasks["row"],
    })
    events = events.reindex(columns=columns)
    return events.assign(derived=True, task_due=due, task_done=done)
