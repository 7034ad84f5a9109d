"""The words of the pages: each signal's title and the answer from practice, and the sentences that put a
figure into words (the checklist's tests, why a client needs attention, a derived event's subject)."""
from __future__ import annotations

import re

import numpy as np
import pandas as pd

from relhealth.i18n import ENGLISH, Words
from relhealth.metrics.checklist import SIGNALS, assess
from relhealth.metrics.effort import RULE_COLUMN, RULE_DEFAULT, RULE_NO_CLIENT
from relhealth.metrics.evidence import LAST_INBOUND, UNANSWERED
from relhealth.metrics.replies import SLOW_REPLY
from relhealth.review.portfolio import NEW_CLIENT, NEW_MONTHS, PARTING_SIGNALS, quadrant_bounds
from relhealth.settings import Settings


def signal_title(code: str, w: Words = ENGLISH) -> str:
    """What a signal of the checklist means (DESIGN section 4b)."""
    return w(f"signals.{code}.title")


def signal_answer(code: str, w: Words = ENGLISH) -> str:
    """The practice that answers a signal."""
    return w(f"signals.{code}.answer")


def figure_words(figure: str, w: Words = ENGLISH) -> str:
    """A tested figure in words, with its unit; the review's CSV and the notebook's frames keep the codes."""
    return w.entries.get(f"figures.{figure}", figure)


def test_text(test, w: Words = ENGLISH) -> str:
    """One test of a signal (a row of :func:`~relhealth.metrics.checklist.assess`) in words:
    ``rude messages in 3 months: 3 (≥ 1)``."""
    return w("checklist.test", figure=figure_words(test.figure, w), value=w.figure(test.value),
             sign="≤" if test.at_most else "≥", bound=w.figure(test.bound))


def signal_lines(assessment: pd.DataFrame, w: Words = ENGLISH) -> list[dict]:
    """Each signal of an assessment in checklist order: ``signal``, ``title``, ``fired``, ``evidence`` (every
    test, ✔ where it holds), ``reason`` (the tests that hold, for a signal that fired) and ``answer``."""
    lines = []
    for code, tests in assessment.groupby("signal", sort=False):
        fired = bool(tests["fired"].iloc[0])
        texts = [(test_text(test, w), test.holds) for test in tests.itertuples()]
        evidence = "; ".join(("✔ " if holds else "✘ ") + text for text, holds in texts)
        if len(texts) > 1:
            evidence = w("checklist.all_of" if SIGNALS[code].all_tests else "checklist.any_of", tests=evidence)
        lines.append({"signal": code, "title": signal_title(code, w), "fired": fired, "evidence": evidence,
                      "reason": w("checklist.and").join(text for text, holds in texts if holds) if fired else "",
                      "answer": signal_answer(code, w)})
    return lines


def attention_reasons(row, settings: Settings, assessment: pd.DataFrame | None = None,
                      w: Words = ENGLISH) -> list[str]:
    """Why a client of the review (a row: a Series or a dict) needs attention, worst first; empty when
    nothing stands out. ``assessment``: the row's checklist, when known."""
    reasons = []
    if row["eba_band"] == "overdrawn":
        reasons.append(w("reasons.overdrawn", balance=w.points(row["eba_balance"])))
    elif row["eba_balance"] < quadrant_bounds(settings)[0]:
        reasons.append(w("reasons.low", balance=w.points(row["eba_balance"]), band=w.name("band", row["eba_band"])))
    flags = settings["effort"]["flags"]
    for key, column in (("reasons.chasing_month", "effort_ratio"), ("reasons.chasing_3m", "effort_ratio_3m")):
        value = row[column]
        if not pd.isna(value) and value >= min(flags.values()):
            times = w("reasons.chasing_no_work") if np.isinf(value) else w("reasons.chasing_times", ratio=w.ratio(value))
            reasons.append(w(key, times=times))
    if row["max_days_overdue"] > 0:
        reasons.append(w("reasons.overdue", days=w.count(int(row["max_days_overdue"]), "day")))
    if row["part_signals"]:
        lines = signal_lines(assess(row, settings["signals"]) if assessment is None else assessment, w)
        reasons.extend(w("reasons.signal", title=line["title"], reason=line["reason"]) for line in lines if line["fired"])
    return reasons + conversation_reasons(row, settings["signals"]["conversation"], w)


#: How a conversation figure that reached its bound in ``[signals.conversation]`` reads.
CONVERSATION_WORDS = {
    "client_reply_length_trend": lambda v, w: w("reasons.length", ratio=w.ratio(v)),
    "new_client_contacts_3m": lambda v, w: w("reasons.new_people", people=w.count(int(v), "new_person")),
    "unrecapped_meetings_3m": lambda v, w: w("reasons.unrecapped", meetings=w.count(int(v), "meeting_or_call")),
    "deadlines_missed_3m": lambda v, w: w("reasons.deadlines", deadlines=w.count(int(v), "deadline")),
    "irritated_3m": lambda v, w: w("reasons.tone", messages=w.count(int(v), "message_of")),
}


def conversation_reasons(row, bounds: dict, w: Words = ENGLISH) -> list[str]:
    """The conversation figures of a row that reached their bounds (``[signals.conversation]``), in words;
    the length trend counts at or below its bound, the others at or above."""
    reasons = []
    for figure, wording in CONVERSATION_WORDS.items():
        value, bound = row.get(figure), bounds.get(figure)
        if bound is None or value is None or pd.isna(value):
            continue
        if (value <= bound) if figure == "client_reply_length_trend" else (value >= bound):
            reasons.append(wording(value, w))
    return reasons


def quadrant_words(row, w: Words = ENGLISH) -> tuple[str, str]:
    """The quadrant of a portfolio row and, when its signals or its age put it elsewhere than its balance
    and costs (``quadrant_placed``), why: both in words."""
    quadrant, placed = row["quadrant"], row.get("quadrant_placed", row["quadrant"])
    if not row.get("quadrant_why"):
        return w.name("quadrant", quadrant), ""
    if quadrant == NEW_CLIENT:
        why = w("reasons.new_client", month=w.month(row["first_month"]), months=NEW_MONTHS,
                placed=w.name("quadrant", placed))
    else:
        fired = [code for code in str(row["part_flags"]).split(";") if code in PARTING_SIGNALS]
        why = w("reasons.parting", signals=w("checklist.and").join(fired), placed=w.name("quadrant", placed))
    return w.name("quadrant", quadrant), why


#: A category rule of a pattern (relhealth.metrics.effort): ``collections: task 'Reminder' matches 'remind'``.
PATTERN_RULE = re.compile(r"^(?P<category>\w+): (?P<what>task|tag) '(?P<text>.*)' matches '(?P<pattern>.*)'$", re.S)
FIXED_RULES = {RULE_COLUMN: "rules.column", RULE_NO_CLIENT: "rules.no_client", RULE_DEFAULT: "rules.default"}


def rule_words(rule, w: Words = ENGLISH) -> str:
    """The rule that decided a time entry's category, in words."""
    if rule in FIXED_RULES:
        return w(FIXED_RULES[rule])
    found = PATTERN_RULE.match(str(rule))
    if not found:
        return str(rule)
    return w(f"rules.{found['what']}", category=w.name("category", found["category"]), text=found["text"],
             pattern=found["pattern"])


def kind_words(kind, w: Words = ENGLISH) -> str:
    """A rubric kind as a page writes it: ``deadline met``, ``e-mail from the client``."""
    return w.name("kind", kind)


def event_subject(event, sla_hours: float, w: Words = ENGLISH) -> str:
    """The subject of a ledger event as a page shows it: a derived slow reply says what it was about and
    how late the answer came; a derived deadline event names its task, its due day and when it was done."""
    subject = "" if event.subject is None or pd.isna(event.subject) else str(event.subject)
    if event.derived and pd.notna(getattr(event, "task_due", pd.NaT)):
        return w("events.deadline", task=subject or w("events.no_name"), when=deadline_words(event.task_due, event.task_done, w))
    if event.kind != SLOW_REPLY or not event.derived:
        return subject
    how = w("events.no_reply") if pd.isna(event.reply_hours) else w("events.replied", hours=w.hours(event.reply_hours))
    return w("events.slow", sla=w.figure(sla_hours), subject=subject or w("events.no_subject"), how=how)


def deadline_words(due: pd.Timestamp, done: pd.Timestamp, w: Words = ENGLISH) -> str:
    """``due 2026-03-14, done 2026-03-12, 2 days early``; ``due 2026-03-05, not done``."""
    if pd.isna(done):
        return w("events.due_not_done", due=w.date(due))
    days = (done - due).days
    when = w("events.on_due_day") if days == 0 else w("events.late" if days > 0 else "events.early",
                                                       days=w.count(abs(days), "day"))
    return w("events.due_done", due=w.date(due), done=w.date(done), when=when)


def evidence_words(rows: pd.DataFrame, w: Words = ENGLISH) -> pd.DataFrame:
    """The rows behind a signal (:func:`~relhealth.metrics.evidence.evidence`) with ``what`` and ``detail``
    in words: the client's last inbound contact and our messages it never answered are named."""
    last = rows["note"] == LAST_INBOUND
    unanswered = rows["note"] == UNANSWERED
    detail = rows["detail"].astype("str").where(rows["detail"].notna(), "")
    what = rows["what"].map(lambda kind: kind_words(kind, w))
    return rows.drop(columns="note").assign(
        what=what.where(~last, what.map(lambda text: w("events.last_inbound", what=text))),
        detail=detail.where(~unanswered, detail.map(lambda text: w("events.unanswered", detail=text))))
