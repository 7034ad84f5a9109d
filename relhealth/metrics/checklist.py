"""The "when to part" checklist of DESIGN section 4b: seven signals, each a test of figures of the month
review against thresholds of the ``[signals]`` settings.

Only codes and numbers live here; the signals' titles, the answers from practice and the way a test is
written on a page belong to :mod:`relhealth.render`.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class Signal:
    """One signal of the checklist: its tests (figure names; each holds at or above its threshold in the
    ``[signals.<code>]`` settings, or at or below for the names in ``at_most``), whether one test is enough
    or all must hold, and the CRM kinds and time categories that are its evidence."""

    code: str
    tests: tuple[str, ...]
    all_tests: bool = False
    at_most: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()


CHECKLIST = (
    Signal("ignored_advice", ("advice_rejected_3m",), kinds=("advice_rejected",)),
    Signal("payment_burden", ("effort_ratio_3m", "max_days_overdue"), kinds=("payment_reminder",),
           categories=("collections",)),
    Signal("excessive_demands", ("extra_share_3m", "retainer_use", "scope_requests_3m"),
           kinds=("scope_request", "extra_gifted", "extra_sold"), categories=("extra",)),
    Signal("no_feedback", ("client_silence_days", "client_reply_trend")),
    Signal("no_partnership", ("meetings_held_3m", "meetings_cancelled_3m"), all_tests=True,
           at_most=("meetings_held_3m",), kinds=("meeting_held", "meeting_cancelled")),
    Signal("friction", ("complaints_3m",), kinds=("complaint", "escalation")),
    Signal("hostility", ("rude_3m",), kinds=("rude_message",)),
)
SIGNALS = {signal.code: signal for signal in CHECKLIST}
#: The columns of :func:`assess`.
ASSESSMENT_COLUMNS = ["signal", "fired", "figure", "value", "bound", "at_most", "holds"]


def _holds(value, bound: float, at_most: bool):
    """Whether one test holds, for one figure or an array of them; a missing figure never holds."""
    if np.ndim(value) == 0:
        values = np.asarray(np.nan if value is None or pd.isna(value) else value, dtype="float64")
    else:
        values = pd.Series(value).astype("Float64").to_numpy(dtype="float64", na_value=np.nan)
    return values <= bound if at_most else values >= bound          # NaN compares False


def _fires(signal: Signal, figures, thresholds: dict):
    """Whether ``signal`` fires, for one row of the review (a Series or a dict) or a whole table (an array)."""
    holds = [_holds(figures[test], thresholds[signal.code][test], test in signal.at_most) for test in signal.tests]
    return np.logical_and.reduce(holds) if signal.all_tests else np.logical_or.reduce(holds)


def with_checklist(table: pd.DataFrame, thresholds: dict) -> pd.DataFrame:
    """``table`` (rows with every tested figure) with ``part_signals`` (how many fire) and ``part_flags``
    (their codes joined by ``;``, missing when none)."""
    fires = pd.DataFrame({signal.code: _fires(signal, table, thresholds) for signal in CHECKLIST},
                         index=table.index, dtype=bool)
    codes = [[code for code, hit in zip(fires.columns, row) if hit] for row in fires.to_numpy()]
    return table.assign(part_signals=pd.Series([len(c) for c in codes], index=table.index, dtype="int64"),
                        part_flags=pd.Series([";".join(c) or pd.NA for c in codes], index=table.index, dtype="str"))


def assess(row, thresholds: dict) -> pd.DataFrame:
    """Each test of each signal for one client and month (a row of the review: a Series or a dict), in
    checklist order: ``signal``, whether the signal ``fired``, the ``figure``, its ``value``, the ``bound``
    it is held against, ``at_most`` (the test holds at or below the bound) and whether it ``holds``."""
    rows = []
    for signal in CHECKLIST:
        fired = bool(_fires(signal, row, thresholds))
        for test in signal.tests:
            bound, at_most = thresholds[signal.code][test], test in signal.at_most
            value = row[test]
            rows.append((signal.code, fired, test, None if value is None or pd.isna(value) else float(value),
                         float(bound), at_most, bool(_holds(value, bound, at_most))))
    return pd.DataFrame(rows, columns=ASSESSMENT_COLUMNS)
