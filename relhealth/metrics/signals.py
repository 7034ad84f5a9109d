"""Early warnings and the "when to part" checklist (DESIGN section 4b).

Every figure of month M is as seen at the end of M: nothing dated later counts. "3m" is M-2..M.

Who wrote to whom:

- a **message** is a row of kind ``email_in``, ``message_in`` (inbound) or ``email_out``, ``message_out``
  (outbound); reply times are measured between messages only, so a call or a note of praise never
  counts as the answer to an e-mail. A message is answered by the first message of the other side at or
  after it, in the same ``thread`` when both rows carry one.
- **inbound contact** is any row from the client: an inbound message or any row with ``direction`` =
  ``in`` (a call, a complaint). The client's silence counts from the last one. When a row's ``direction``
  contradicts its kind, the direction wins.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from relhealth.columns import SIGNAL_COLUMNS
from relhealth.metrics.months import WINDOW, month_end, monthly_and_trailing, next_start
from relhealth.metrics.scale import ratio

IN_MESSAGES = ("email_in", "message_in")
OUT_MESSAGES = ("email_out", "message_out")
#: The kind of the derived event for an inbound message not answered in time.
SLOW_REPLY = "slow_reply"

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

#: The figures of section 4b, in the order of the review table.
FIGURES = [c for c in SIGNAL_COLUMNS if c not in ("part_signals", "part_flags")]
#: Figures in hours and figures that are ratios (the review table writes them to 2 and 3 decimals); the
#: others are whole numbers.
HOURS = ["reply_hours_median", "client_reply_hours_median"]
RATIOS = ["client_reply_trend", "extra_share_3m", "retainer_use"]

REPLY_COLUMNS = ["client", "date", "kind", "thread", "subject", "source", "row", "answered_at", "answer_source",
                 "answer_row", "hours"]


# ----- who wrote to whom, and when it was answered

def _direction(activities: pd.DataFrame) -> pd.Series:
    """``in``, ``out`` or missing for each row: the ``direction`` column, else the message kind."""
    by_kind = activities["kind"].map({**dict.fromkeys(IN_MESSAGES, "in"), **dict.fromkeys(OUT_MESSAGES, "out")})
    return activities["direction"].fillna(by_kind).astype("str")


def inbound_contact(activities: pd.DataFrame) -> pd.Series:
    return _direction(activities) == "in"


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
    direction = _direction(activities)
    return message & (direction == "in"), message & (direction == "out")


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
    dated when the limit passed, in the shape of ``activities`` with ``derived`` = True.

    ``source`` and ``row`` are those of the inbound message, so the event traces back to it. ``ours``:
    :func:`our_replies` of ``activities``, when the caller has it already.
    """
    ours = our_replies(activities) if ours is None else ours
    limit = ours["date"] + pd.Timedelta(hours=sla_hours)
    late = ours[ours["answered_at"].isna() | (ours["answered_at"] > limit)]
    how = pd.Series(["no reply" if pd.isna(hours) else f"replied after {hours:.2f} h" for hours in late["hours"]],
                    index=late.index, dtype="str")
    subjects = late["subject"].fillna("(no subject)")
    events = pd.DataFrame({
        "date": limit[late.index],
        "client": late["client"],
        "kind": SLOW_REPLY,
        "subject": f"No reply within {sla_hours:g} h: " + subjects + " (" + how + ")",
        "thread": late["thread"],
        "source": late["source"],
        "row": late["row"],
    })
    events = events.reindex(columns=activities.columns).astype(activities.dtypes.to_dict())
    return events.assign(derived=True)


def with_derived(activities: pd.DataFrame, sla_hours: float, ours: pd.DataFrame | None = None) -> pd.DataFrame:
    """The logged activities (``derived`` = False) and the derived ``slow_reply`` events, by date."""
    logged = activities.assign(derived=False)
    derived = slow_replies(activities, sla_hours, ours)
    if derived.empty:
        return logged
    return pd.concat([logged, derived], ignore_index=True).sort_values("date", kind="stable").reset_index(drop=True)


# ----- the figures

def signal_figures(activities: pd.DataFrame, effort: pd.DataFrame, retainers: pd.Series, clients: list[str],
                   months: pd.PeriodIndex, ours: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every figure of section 4b for each client and month.

    Parameters
    ----------
    activities : the logged CRM activities (no derived events).
    effort : :func:`relhealth.metrics.effort.monthly_effort` of the same clients and months.
    retainers : ``retainer_hours`` by client (missing or 0: no retainer).
    ours : :func:`our_replies` of ``activities`` (or of more clients), when the caller has it already.

    Returns
    -------
    One row per client and month: ``client, month``, the ``FIGURES``, and for the reports
    ``client_reply_baseline_hours`` (the median of the three months before M) and the month's own counts
    (``meetings_held``, ``meetings_cancelled``, ``extras_gifted``, ``extras_sold``, ``scope_requests``).
    """
    months = pd.PeriodIndex(months, freq="M")
    in_review = activities["client"].isin(clients)
    # counts and the client's replies look back WINDOW months at most (a reply comes after its message)
    recent = activities[in_review & (activities["date"] >= (months.min() - WINDOW).start_time)]
    flags = pd.DataFrame({figure: recent["kind"].isin(kinds) for figure, kinds in KIND_COUNTS.items()})
    counts = flags.groupby([recent["client"], recent["date"].dt.to_period("M").rename("month")]).sum()
    own, trailing = monthly_and_trailing(counts.astype("float64"), clients, months)
    table = trailing.astype("int64")
    for figure in ("meetings_held", "meetings_cancelled", "extras_gifted", "extras_sold", "scope_requests"):
        table[figure] = own[f"{figure}_3m"].astype("int64")

    ours = our_replies(activities[in_review]) if ours is None else ours[ours["client"].isin(clients)]
    theirs = client_replies(recent)
    inbound = activities.loc[in_review & inbound_contact(activities), ["client", "date"]]   # silence: all history
    per_month = [_replies_in_month(ours, theirs, inbound, clients, month) for month in months]
    table = table.join(pd.concat(per_month))

    efforts = effort.set_index(["client", "month"]).reindex(table.index)
    table["extra_share_3m"] = ratio(efforts["extra_hours_3m"], efforts["work_hours_3m"])
    retainer = table.index.get_level_values("client").map(retainers).to_numpy(dtype="float64")
    retainer = np.where(retainer > 0, retainer, np.nan)
    table["retainer_use"] = efforts["work_hours"].to_numpy() / retainer
    table = table.reset_index()
    return table[["client", "month", *FIGURES, "client_reply_baseline_hours", "meetings_held", "meetings_cancelled",
                  "extras_gifted", "extras_sold", "scope_requests"]]


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


# ----- the checklist

@dataclass(frozen=True)
class Signal:
    """One signal of the checklist: its tests (figure names; each fires at or above its threshold in the
    ``[signals.<code>]`` settings, or at or below for the names in ``at_most``), whether one test is enough
    or all must hold, what it means and the practice that answers it."""

    code: str
    title: str
    tests: tuple[str, ...]
    answer: str
    all_tests: bool = False
    at_most: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()           # the CRM rows that are its evidence
    categories: tuple[str, ...] = ()      # the time entries that are its evidence


CHECKLIST = (
    Signal("ignored_advice", "The client ignores our advice", ("advice_rejected_3m",),
           "Show the proposal as a picture, not numbers and text.", kinds=("advice_rejected",)),
    Signal("payment_burden", "Getting paid costs too much", ("effort_ratio_3m", "max_days_overdue"),
           "Find who decides payments, write down what payment requires; if chasing costs more than the work, "
           "consider another client.", kinds=("payment_reminder",), categories=("collections",)),
    Signal("excessive_demands", "The client asks for more than agreed",
           ("extra_share_3m", "retainer_use", "scope_requests_3m"),
           "Explain the stages and what each delivers; every extra is either paid or named as a bonus, never silent.",
           kinds=("scope_request", "extra_gifted", "extra_sold"), categories=("extra",)),
    Signal("no_feedback", "The client has gone quiet", ("client_silence_days", "client_reply_trend"),
           "A weekly status report that asks what was missed."),
    Signal("no_partnership", "No meetings, only cancellations", ("meetings_held_3m", "meetings_cancelled_3m"),
           "Meet in person, show up where the client is.", all_tests=True, at_most=("meetings_held_3m",),
           kinds=("meeting_held", "meeting_cancelled")),
    Signal("friction", "Complaints pile up", ("complaints_3m",),
           "Answer fast and politely, ask the critic for their view, make an ally.", kinds=("complaint", "escalation")),
    Signal("hostility", "The client is rude", ("rude_3m",),
           "Rudeness is outside business relations; prepare to part.", kinds=("rude_message",)),
)
SIGNALS = {signal.code: signal for signal in CHECKLIST}


def _holds(value, bound: float, at_most: bool):
    """Whether one test of a signal holds, for one figure or an array of them; a missing figure never fires."""
    if np.ndim(value) == 0:
        values = np.asarray(np.nan if value is None or pd.isna(value) else value, dtype="float64")
    else:
        values = pd.Series(value).astype("Float64").to_numpy(dtype="float64", na_value=np.nan)
    return values <= bound if at_most else values >= bound          # NaN compares False


def _fires(signal: Signal, figures, thresholds: dict):
    """Whether ``signal`` fires, for one row of the review (a Series) or for a whole table (an array)."""
    holds = [_holds(figures[test], thresholds[signal.code][test], test in signal.at_most) for test in signal.tests]
    return np.logical_and.reduce(holds) if signal.all_tests else np.logical_or.reduce(holds)


def assess(signal: Signal, row: pd.Series, thresholds: dict) -> tuple[bool, list[tuple[str, bool]]]:
    """Whether ``signal`` fires for one row of the review, and each of its tests as text (``figure =
    value (>= threshold)``) with whether it holds."""
    tests = []
    for test in signal.tests:
        bound, at_most = thresholds[signal.code][test], test in signal.at_most
        text = f"{test} = {_figure_text(row[test])} ({'≤' if at_most else '≥'} {bound:g})"
        tests.append((text, bool(_holds(row[test], bound, at_most))))
    return bool(_fires(signal, row, thresholds)), tests


def fired(row: pd.Series, thresholds: dict) -> list[str]:
    """The codes of the signals that fire for one row of the review, in checklist order."""
    return [signal.code for signal in CHECKLIST if _fires(signal, row, thresholds)]


def with_checklist(table: pd.DataFrame, thresholds: dict) -> pd.DataFrame:
    """``table`` (rows with every tested figure) with ``part_signals`` (how many fire) and ``part_flags``
    (their codes joined by ``;``, empty when none)."""
    fires = pd.DataFrame({signal.code: _fires(signal, table, thresholds) for signal in CHECKLIST},
                         index=table.index, dtype=bool)
    codes = [[code for code, hit in zip(fires.columns, row) if hit] for row in fires.to_numpy()]
    return table.assign(part_signals=pd.Series([len(c) for c in codes], index=table.index, dtype="int64"),
                        part_flags=pd.Series([";".join(c) or pd.NA for c in codes], index=table.index, dtype="str"))


def checklist(row, thresholds: dict) -> list[dict]:
    """The checklist of one client and month (a row of the review: a Series or a dict): each signal in
    order, whether it ``fired``, ``evidence`` (every figure it tests against its threshold, ✔ where the
    test holds), ``reason`` (the tests that hold, for a signal that fired) and the ``answer`` from
    practice."""
    rows = []
    for signal in CHECKLIST:
        fires, tests = assess(signal, row, thresholds)
        marked = [("✔ " if holds else "✘ ") + text for text, holds in tests]
        joined = "; ".join(marked)
        if len(tests) > 1:
            joined = ("all of: " if signal.all_tests else "any of: ") + joined
        rows.append({"signal": signal.code, "title": signal.title, "fired": fires, "evidence": joined,
                     "reason": " and ".join(text for text, holds in tests if holds) if fires else "",
                     "answer": signal.answer})
    return rows


def checklist_rows(row: pd.Series, thresholds: dict) -> pd.DataFrame:
    """:func:`checklist` as a table: ``signal, title, fired, evidence, reason, answer``."""
    return pd.DataFrame(checklist(row, thresholds), columns=["signal", "title", "fired", "evidence", "reason", "answer"])


def _figure_text(value) -> str:
    """A figure as the checklist shows it: whole numbers as they are, others to 3 decimals (as the review
    table writes ratios) without trailing zeros, so that 1.998 never reads 2."""
    if value is None or pd.isna(value):
        return "none"
    if np.isinf(value):
        return "inf"
    return f"{value:g}" if float(value).is_integer() else f"{value:.3f}".rstrip("0").rstrip(".")


# ----- DANETOR

DANETOR_ANSWERS = ("benefits_client", "benefits_us", "covers_cost")
DANETOR_COLUMNS = ["date", "subject", *DANETOR_ANSWERS, "noes", "verdict", "source", "row"]


def danetor(activities: pd.DataFrame) -> pd.DataFrame:
    """The ``scope_request`` rows with their DANETOR verdict: ``decline`` when two or more of the three
    answers (does it benefit the client, does it benefit us, does it cover its cost) are no; ``accept``
    when fewer than two would be no even if every missing answer were no; ``not assessed`` when none is
    given; ``incomplete`` when the missing answers could still change the verdict."""
    requests = activities[activities["kind"] == "scope_request"]
    answers = requests[list(DANETOR_ANSWERS)].astype("boolean")
    noes = answers.eq(False).sum(axis=1).astype("int64")
    given = answers.notna().sum(axis=1)
    missing = len(DANETOR_ANSWERS) - given
    verdict = np.select([noes >= 2, noes + missing < 2, given == 0], ["decline", "accept", "not assessed"],
                        "incomplete")
    result = requests.assign(**{a: answers[a] for a in DANETOR_ANSWERS}, noes=noes,
                             verdict=pd.Series(verdict, index=requests.index, dtype="str"))
    return result[DANETOR_COLUMNS].reset_index(drop=True)


# ----- evidence

EVIDENCE_COLUMNS = ["date", "what", "detail", "hours", "source", "row"]


def evidence(code: str, activities: pd.DataFrame, entries: pd.DataFrame, month: pd.Period) -> pd.DataFrame:
    """The rows behind one signal for one client in ``month``: its CRM rows and time entries of the 3m
    window; for ``no_feedback``, our messages of the month with the client's reply time and the client's
    last inbound contact. ``hours`` is an entry's hours or a reply time."""
    signal = SIGNALS[code]
    start, end = (month - (WINDOW - 1)).start_time, next_start(month)
    frames = []
    acts = activities[activities["date"] < end]
    if code == "no_feedback":
        inbound = acts[inbound_contact(acts)]
        if len(inbound):
            last = inbound.loc[[inbound["date"].idxmax()]]
            frames.append(_evidence(last, "kind", "subject", None, prefix="last inbound contact: "))
        theirs = client_replies(acts)
        theirs = theirs[(theirs["date"] >= month.start_time)]
        theirs = theirs.assign(hours=theirs["hours"].where(theirs["answered_at"] < end),
                               subject=theirs["subject"].fillna("") + np.where(
                                   theirs["answered_at"] < end, "", " (no reply by the month's end)"))
        frames.append(_evidence(theirs, "kind", "subject", "hours"))
    else:
        window = acts[(acts["date"] >= start) & acts["kind"].isin(signal.kinds)]
        frames.append(_evidence(window, "kind", "subject", None))
        if signal.categories:
            own = entries[(entries["date"] >= start) & (entries["date"] < end)
                          & entries["category"].isin(signal.categories)]
            frames.append(_evidence(own, "category", "task", "hours"))
    frames = [f for f in frames if len(f)]
    if not frames:
        return pd.DataFrame(columns=EVIDENCE_COLUMNS)
    return pd.concat(frames, ignore_index=True).sort_values("date", kind="stable").reset_index(drop=True)


def _evidence(rows: pd.DataFrame, what: str, detail: str, hours: str | None, prefix: str = "") -> pd.DataFrame:
    return pd.DataFrame({
        "date": rows["date"],
        "what": prefix + rows[what].astype("str"),
        "detail": rows[detail],
        "hours": rows[hours] if hours else np.nan,
        "source": rows["source"],
        "row": rows["row"],
    })
