"""The words of the pages: each signal's title and the answer from practice, and the sentences that put a
figure into words (the checklist's tests, why a client needs attention, a derived event's subject)."""
from __future__ import annotations

import numpy as np
import pandas as pd

from relhealth.metrics.checklist import SIGNALS, assess
from relhealth.metrics.evidence import LAST_INBOUND, UNANSWERED
from relhealth.metrics.replies import SLOW_REPLY
from relhealth.render.format import figure_text, plural, points, ratio_text
from relhealth.i18n import words
from relhealth.review.portfolio import quadrant_bounds
from relhealth.settings import Settings

#: What each signal of the checklist means, and the practice that answers it (DESIGN section 4b), in
#: English; every language's are in its catalogue (relhealth.i18n).
SIGNAL_TITLES = {code: words("en")(f"signals.{code}.title") for code in SIGNALS}
SIGNAL_ANSWERS = {code: words("en")(f"signals.{code}.answer") for code in SIGNALS}


#: Each tested figure in words, with its unit; the review's CSV and the notebook's frames keep the codes.
FIGURE_WORDS = {
    "advice_rejected_3m": "advice rejected in 3 months",
    "effort_ratio_3m": "3-month effort ratio",
    "max_days_overdue": "days overdue",
    "extra_share_3m": "share of extra hours in 3 months",
    "retainer_use": "retainer used",
    "scope_requests_3m": "scope requests in 3 months",
    "client_silence_days": "days since the client's last contact",
    "client_reply_trend": "the client's reply time against its baseline",
    "meetings_held_3m": "meetings held in 3 months",
    "meetings_cancelled_3m": "meetings cancelled in 3 months",
    "complaints_3m": "complaints in 3 months",
    "rude_3m": "rude messages in 3 months",
}


def test_text(test) -> str:
    """One test of a signal (a row of :func:`~relhealth.metrics.checklist.assess`) in words:
    ``rude messages in 3 months: 3 (≥ 1)``."""
    return (f"{FIGURE_WORDS.get(test.figure, test.figure)}: {figure_text(test.value)} "
            f"({'≤' if test.at_most else '≥'} {test.bound:g})")


def signal_lines(assessment: pd.DataFrame) -> list[dict]:
    """Each signal of an assessment in checklist order: ``signal``, ``title``, ``fired``, ``evidence`` (every
    test, ✔ where it holds), ``reason`` (the tests that hold, for a signal that fired) and ``answer``."""
    lines = []
    for code, tests in assessment.groupby("signal", sort=False):
        fired = bool(tests["fired"].iloc[0])
        texts = [(test_text(test), test.holds) for test in tests.itertuples()]
        evidence = "; ".join(("✔ " if holds else "✘ ") + text for text, holds in texts)
        if len(texts) > 1:
            evidence = ("all of: " if SIGNALS[code].all_tests else "any of: ") + evidence
        lines.append({"signal": code, "title": SIGNAL_TITLES[code], "fired": fired, "evidence": evidence,
                      "reason": " and ".join(text for text, holds in texts if holds) if fired else "",
                      "answer": SIGNAL_ANSWERS[code]})
    return lines


def attention_reasons(row, settings: Settings, assessment: pd.DataFrame | None = None) -> list[str]:
    """Why a client of the review (a row: a Series or a dict) needs attention, worst first; empty when
    nothing stands out. ``assessment``: the row's checklist, when known."""
    reasons = []
    if row["eba_band"] == "overdrawn":
        reasons.append(f"EBA overdrawn at {points(row['eba_balance'])}")
    elif row["eba_balance"] < quadrant_bounds(settings)[0]:
        reasons.append(f"EBA low at {points(row['eba_balance'])} ({row['eba_band']})")
    flags = settings["effort"]["flags"]
    for label, column in (("this month", "effort_ratio"), ("over 3 months", "effort_ratio_3m")):
        value = row[column]
        if not pd.isna(value) and value >= min(flags.values()):
            times = "hours with no work hours" if np.isinf(value) else f"{ratio_text(value)} times the work hours"
            reasons.append(f"chasing payment took {times} {label}")
    if row["max_days_overdue"] > 0:
        reasons.append(f"an invoice {plural(int(row['max_days_overdue']), 'day')} overdue")
    if row["part_signals"]:
        lines = signal_lines(assess(row, settings["signals"]) if assessment is None else assessment)
        reasons.extend(f"{line['title']}: {line['reason']}" for line in lines if line["fired"])
    return reasons + conversation_reasons(row, settings["signals"]["conversation"])


#: How a conversation figure that reached its bound in ``[signals.conversation]`` reads.
CONVERSATION_WORDS = {
    "client_reply_length_trend": lambda v: f"the client's messages {ratio_text(v)} times as long as before",
    "new_client_contacts_3m": lambda v: f"{plural(int(v), 'new person', 'new people')} of the client wrote",
    "unrecapped_meetings_3m": lambda v: f"{plural(int(v), 'meeting or call', 'meetings and calls')} with no written recap",
    "deadlines_missed_3m": lambda v: f"{plural(int(v), 'deadline')} missed in 3 months",
    "irritated_3m": lambda v: f"{plural(int(v), 'message')} of the client matched a tone pattern",
}


def conversation_reasons(row, bounds: dict) -> list[str]:
    """The conversation figures of a row that reached their bounds (``[signals.conversation]``), in words;
    the length trend counts at or below its bound, the others at or above."""
    reasons = []
    for figure, wording in CONVERSATION_WORDS.items():
        value, bound = row.get(figure), bounds.get(figure)
        if bound is None or value is None or pd.isna(value):
            continue
        if (value <= bound) if figure == "client_reply_length_trend" else (value >= bound):
            reasons.append(wording(value))
    return reasons


#: The kinds whose name alone reads badly; every other kind reads with its underscores as spaces.
KIND_WORDS = {"email_in": "e-mail from the client", "email_out": "e-mail of ours",
              "message_in": "chat message from the client", "message_out": "chat message of ours",
              "rude_message": "rude message", "proactive_report": "report sent unasked"}


def kind_words(kind) -> str:
    """A rubric kind as a page writes it: ``deadline met``, ``e-mail from the client``."""
    return KIND_WORDS.get(str(kind), str(kind).replace("_", " "))


def event_subject(event, sla_hours: float) -> str:
    """The subject of a ledger event as a page shows it: a derived slow reply says what it was about and
    how late the answer came; a derived deadline event names its task, its due day and when it was done."""
    subject = "" if event.subject is None or pd.isna(event.subject) else str(event.subject)
    if event.derived and pd.notna(getattr(event, "task_due", pd.NaT)):
        return f"{subject or '(no name)'}: {deadline_words(event.task_due, event.task_done)}"
    if event.kind != SLOW_REPLY or not event.derived:
        return subject
    how = "no reply" if pd.isna(event.reply_hours) else f"replied after {event.reply_hours:.2f} h"
    return f"No reply within {sla_hours:g} h: {subject or '(no subject)'} ({how})"


def deadline_words(due: pd.Timestamp, done: pd.Timestamp) -> str:
    """``due 2026-03-14, done 2026-03-12, 2 days early``; ``due 2026-03-05, not done``."""
    if pd.isna(done):
        return f"due {due:%Y-%m-%d}, not done"
    days = (done - due).days
    when = "on the due day" if days == 0 else f"{abs(days)} day{'s' if abs(days) > 1 else ''} " + (
        "late" if days > 0 else "early")
    return f"due {due:%Y-%m-%d}, done {done:%Y-%m-%d}, {when}"


def evidence_words(rows: pd.DataFrame) -> pd.DataFrame:
    """The rows behind a signal (:func:`~relhealth.metrics.evidence.evidence`) with ``what`` and ``detail``
    in words: the client's last inbound contact and our messages it never answered are named."""
    last = rows["note"] == LAST_INBOUND
    unanswered = rows["note"] == UNANSWERED
    detail = rows["detail"].astype("str").where(rows["detail"].notna(), "")
    what = rows["what"].map(kind_words)
    return rows.drop(columns="note").assign(
        what=what.where(~last, "last inbound contact: " + what),
        detail=detail.where(~unanswered, detail + " (no reply by the month's end)"))
