"""The sections of a client's page, each a :class:`~relhealth.render.html.Fragment` that the client notebook
shows, and :func:`open_report`, what its first cell calls."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from markupsafe import Markup

from relhealth import read_dataset
from relhealth.columns import DSO_PREFIX
from relhealth.errors import UsageError
from relhealth.render import plotting
from relhealth.render.bundles import read_bundle
from relhealth.render.format import DASH, file_names, hours_text, money, month_name, plural, points, ratio_text, weight_text, when
from relhealth.render.format import day as day_text
from relhealth.render.html import Fragment, figure, section, table
from relhealth.render.shared_sections import footer, quality_notes  # noqa: F401  (the notebook's)
from relhealth.render.words import SIGNAL_TITLES, attention_reasons, event_subject, evidence_words, kind_words, signal_lines
from relhealth.resources import SAMPLE_DIR
from relhealth.review import ClientReport, client_report, default_month, find_client
from relhealth.settings import load_settings


def open_report(client: str | None, month: str | None = None, data: str | None = None,
                config: str | None = None) -> ClientReport:
    """The report of ``client`` for ``month`` (default: the month of the newest record) from ``data`` (a data
    folder, or a client's report written by ``relhealth report``; default: the bundled sample), scored with
    ``config`` (default: the shipped settings).

    Raises a clear error, never another client's report, when the client is not in the data.
    """
    if data and Path(data).is_file():
        report = read_bundle(data, ClientReport)
        if client is not None and report.client != client:
            raise UsageError(f"{data} is the report of {report.client}, not of {client}.")
        return report
    settings = load_settings(config or None)
    dataset = read_dataset(data or SAMPLE_DIR, settings)
    if client is None or not str(client).strip():
        names = ", ".join(dataset.clients["client"].head(12))
        raise UsageError(f"no client chosen. Set client in the parameters cell above (client = \"{names.split(', ')[0]}\"), "
                         f"or write this notebook for one client with `relhealth notebook --client NAME`. The clients "
                         f"of {dataset.folder}: {names}{', ...' if len(dataset.clients) > 12 else ''}.")
    name = find_client(dataset, client)
    return client_report(dataset, settings, name, month or default_month(dataset))


def title(report: ClientReport) -> Fragment:
    return section("client/title.html.j2", client=report.client, month=month_name(report.month),
                   manager=report.info.get("account_manager"))


def headline(report: ClientReport) -> Fragment:
    """The four numbers a director reads first: EBA, effort ratio, overdue money, quadrant."""
    h = report.headline
    band = h["eba_band"]
    flag = h["effort_flag"] if isinstance(h["effort_flag"], str) else None
    cards = [
        {"title": "Emotional bank account", "value": points(h["eba_balance"]),
         "tone": {"overdrawn": "bad", "watch": "warn"}.get(band, "good"),
         "detail": Markup("band <b>{}</b>; {} since last month: {} from this month's events, {} as older ones "
                          "fade").format(band, points(h["eba_change"], signed=True), points(h["eba_new"], signed=True),
                                         points(h["eba_fading"], signed=True))},
        {"title": "Overdue-payment effort ratio", "value": ratio_text(h["effort_ratio"]),
         "tone": {"red": "bad", "amber": "warn"}.get(flag, "good"),
         "detail": Markup("{} h chasing payment / {} h of work; flag <b>{}</b>; 3 months: {}").format(
             hours_text(h["collection_hours"]), hours_text(h["work_hours"]), flag or "none",
             ratio_text(h["effort_ratio_3m"]))},
        _overdue_card(report),
        {"title": "Quadrant", "value": h["quadrant"],
         "tone": {"consider parting": "bad", "renegotiate terms": "warn", "fix our service": "warn"}.get(
             h["quadrant"], "good"),
         "detail": "; ".join(([f"placed here: {h['quadrant_why']}"] if h.get("quadrant_why") else [])
                             + attention_reasons(h, report.settings, report.checklist))
                   or "nothing stands out this month"},
    ]
    return section("cards.html.j2", cards=cards)


def _overdue_card(report: ClientReport) -> dict:
    if report.overdue.empty:
        return {"title": "Overdue invoices", "value": "none", "detail": "nothing overdue at the month's end",
                "tone": "good"}
    rows = list(report.overdue.itertuples())
    days = int(report.overdue["max_days_overdue"].max())
    return {"title": "Overdue invoices", "value": Markup("<br>").join(money(r.overdue, r.currency) for r in rows),
            "detail": "oldest overdue: " + ", ".join(f"{plural(int(r.max_days_overdue), 'day')} ({r.currency})"
                                                     for r in rows),
            "tone": "bad" if days >= 60 else "warn"}


def eba_history(report: ClientReport) -> Fragment:
    ax = plotting.plot_eba_history(report.eba_history, report.settings["eba"]["bands"])
    rows = report.eba_history.assign(month=report.eba_history["month"].astype(str))
    return figure(ax, f"EBA balance of {report.client} over 12 months") + table(
        rows[["month", "balance", "change", "deposits", "withdrawals", "band"]],
        {"balance": points, "change": lambda v: points(v, True), "deposits": points, "withdrawals": points})


def what_moved(report: ClientReport, top: int = 8) -> Fragment:
    history = report.eba_history
    opening = float(history["balance"].iloc[-1] - history["change"].iloc[-1])
    moved = report.contributions
    if moved.empty:
        return section("paragraph.html.j2", text="Nothing moved the balance this month.", css="empty")
    h = report.headline
    old = moved["date"].dt.to_period("M") != report.month
    if old.all():
        words = (f"No event of this month moved the balance: it moved by {points(h['eba_change'], True)} only "
                 "because older events fade. An old withdrawal fading raises it, an old deposit fading lowers it.")
    else:
        words = (f"The balance moved by {points(h['eba_change'], True)}: {points(h['eba_new'], True)} from this "
                 f"month's events and {points(h['eba_fading'], True)} as older events fade.")
    ax = plotting.plot_contributions(moved.assign(kind=moved["kind"].map(kind_words)), opening, str(report.month),
                                     top=top)
    shown = _subjects(moved, report).assign(
        what=[plotting.movement_words(w, o) for w, o in zip(moved["weight"], old)], kind=moved["kind"].map(kind_words),
        file=file_names(moved["source"]))
    return section("paragraph.html.j2", text=words, css="") + figure(
        ax, f"What moved the EBA balance of {report.client} in {report.month}") + table(
        shown[["date", "what", "kind", "weight", "contribution", "subject", "file", "row"]],
        {"date": when, "weight": weight_text, "contribution": lambda v: points(v, True)})


def _subjects(events, report: ClientReport):
    """Ledger events with their subjects as a page shows them (:func:`~relhealth.render.words.event_subject`)."""
    sla = report.settings["signals"]["reply_sla_hours"]
    return events.assign(subject=[event_subject(event, sla) for event in events.itertuples()])


def month_ledger(report: ClientReport) -> Fragment:
    ledger = _subjects(report.ledger, report)
    kinds = ledger["kind"].map(kind_words)
    ledger = ledger.assign(kind=kinds.where(~ledger["derived"], kinds + " (derived)"),
                           file=file_names(ledger["source"]))
    return table(ledger[["date", "kind", "weight", "weight_from", "subject", "file", "row"]],
                 {"date": when, "weight": weight_text}, empty=f"No event in {report.month}.")


def effort(report: ClientReport) -> Fragment:
    rows = report.effort_history.merge(report.gifted, on="month", how="left")
    rows = rows.assign(month=rows["month"].astype(str))
    currency = report.info.get("currency") or ""
    now = report.gifted.iloc[-1]
    rate = report.info.get("hourly_rate")
    if not now["gifted_hours"]:
        words = f"No extra work was given without charge in {month_name(report.month)}."
    elif rate:
        words = (f"Extras given without charge in {month_name(report.month)}: {hours_text(now['gifted_hours'])} h "
                 f"of out-of-scope work not billed, worth {money(now['value'], currency)} at "
                 f"{money(rate, currency)} an hour (the hourly rate in clients.csv).")
    else:
        words = (f"Extras given without charge in {month_name(report.month)}: {hours_text(now['gifted_hours'])} h of "
                 "out-of-scope work not billed. Give the client's hourly_rate in clients.csv to see what it is worth.")
    value = f"their value ({currency})" if currency else "their value"
    shown = rows[["month", "work_hours", "collection_hours", "effort_ratio", "effort_ratio_3m", "effort_flag",
                  "gifted_hours", *(["value"] if rate else [])]].rename(columns={"value": value})
    formats = {"work_hours": hours_text, "collection_hours": hours_text, "effort_ratio": ratio_text,
               "effort_ratio_3m": ratio_text, "gifted_hours": hours_text, value: money}
    entries = report.time_rules.assign(source=file_names(report.time_rules["source"]),
                                       category=report.time_rules["category"].str.replace("_", " "))
    listed = table(entries, {"date": when, "hours": hours_text, "billable": {True: "yes", False: "no"}.get},
                   empty="No time outside delivery this month.")
    return (figure(plotting.plot_hours(report.hours), f"Hours by category for {report.client}")
            + figure(plotting.plot_effort_ratio(report.effort_history, report.settings["effort"]["flags"]),
                     f"Effort ratio of {report.client}")
            + table(shown, formats) + section("paragraph.html.j2", text=words, css="")
            + section("folded.html.j2", content=listed, summary=(
                "The month's time outside delivery, entry by entry, with the rule that decided its category "
                f"({plural(len(entries), 'entry', 'entries')})")))


def invoices(report: ClientReport) -> Fragment:
    if report.open_invoices.empty:
        parts = section("paragraph.html.j2", text=f"No invoice open at the end of {month_name(report.month)}.",
                        css="empty")
    else:
        shown = report.open_invoices.drop(columns="source").assign(
            bucket=report.open_invoices["bucket"].map(lambda b: "not yet due" if b == "current" else f"{b} days"))
        parts = figure(plotting.plot_aging(report.aging), f"Open invoices of {report.client} by age") + table(
            shown, {"issued": day_text, "due": day_text, "amount": money, "outstanding": money})
    return parts + punctuality(report)


def punctuality(report: ClientReport) -> Fragment:
    """Days late of each invoice paid in the last 12 months, and days sales outstanding per currency."""
    h = report.headline
    dso = [f"{c.removeprefix(DSO_PREFIX)} {_dso_text(h[c])}" for c in h.index if c.startswith(DSO_PREFIX)]
    paid = report.paid
    late = paid[paid["days_late"] > 0]
    words = (f"{plural(len(paid), 'invoice')} paid in the 12 months to the end of {month_name(report.month)}, "
             f"{len(late)} of them late" + (f" (by {plural(round(late['days_late'].median()), 'day')} at the median)"
                                            if len(late) else "") +
             ". Days sales outstanding over the last 90 days (what is owed at the month's end against what was "
             f"invoiced in those 90 days, times 90): {'; '.join(dso) or 'no invoice'}.")
    if paid.empty:
        return section("paragraph.html.j2", text=words, css="")
    return section("paragraph.html.j2", text=words, css="") + figure(
        plotting.plot_days_late(paid), f"Days late of the invoices {report.client} paid in the last 12 months")


def _dso_text(value) -> str:
    if pd.isna(value):
        return "– (nothing owed, nothing invoiced)"
    return "infinite (owed, nothing invoiced in 90 days)" if np.isinf(value) else plural(round(float(value)), "day")


def checklist(report: ClientReport) -> Fragment:
    """The "when to part" checklist: each signal, fired or not, the figures it tested, the answer from
    practice; under it, the rows behind each signal that fired."""
    lines = signal_lines(report.checklist)
    count = sum(line["fired"] for line in lines)
    evidence = []
    for code, rows in report.evidence.items():
        shown = evidence_words(rows).assign(source=file_names(rows["source"]))
        evidence.append({"code": code, "title": SIGNAL_TITLES[code], "count": plural(len(shown), "row"),
                         "table": table(shown, {"date": when, "hours": hours_text}, empty="No rows.")})
    return section("client/checklist.html.j2", lines=lines, evidence=evidence,
                   summary=f"{plural(count, 'signal')} of {len(lines)} fired in {month_name(report.month)}.")


def reply_times(report: ClientReport) -> Fragment:
    h = report.headline
    sla = report.settings["signals"]["reply_sla_hours"]
    slow = int(report.ledger["derived"].sum())
    facts = (f"In {report.month} we answered the client's messages in a median of "
             f"{_hours_or_none(h['reply_hours_median'])}, with {plural(int(h['unanswered_in']), 'message')} "
             f"unanswered at the month's end and {plural(slow, 'slow reply', 'slow replies')} (over {sla:g} h, "
             f"each a derived event in the ledger). The client answered ours in a median of "
             f"{_hours_or_none(h['client_reply_hours_median'])}, {ratio_text(h['client_reply_trend'])} times its own "
             f"baseline; its last contact was {_days_or_none(h['client_silence_days'])}.")
    return section("paragraph.html.j2", text=facts, css="") + figure(
        plotting.plot_reply_times(report.signal_history, sla), f"Reply times of both sides, {report.client}")


def _hours_or_none(value) -> str:
    return "– (no answered message)" if pd.isna(value) else f"{value:.1f} h"


def _days_or_none(value) -> str:
    return "never" if pd.isna(value) else f"{plural(int(value), 'day')} before the month's end"


#: The characters of a message a tone match shows; the rest is cut with "…".
SHOWN_TEXT = 300
#: The conversation's table by month: each figure and its heading (docs/metrics.md names the figures).
TALK_COLUMNS = {"month": "month", "client_messages": "messages", "length": "median length", "length_baseline": "baseline",
                "client_reply_length_trend": "length trend", "client_contacts_3m": "people 3m",
                "new_client_contacts_3m": "new people 3m", "unrecapped_meetings_3m": "no recap 3m",
                "deadlines_missed_3m": "missed deadlines 3m", "irritated_3m": "tone matches 3m"}


def conversation(report: ClientReport) -> Fragment:
    """What the client's own voice says: message lengths against the client's baseline, who wrote (new
    people marked), meetings and calls with no written recap, and the messages that matched a tone
    pattern, with the words that matched (their text on this page only)."""
    h, month = report.headline, report.month
    recap = report.settings["signals"]["recap_hours"]
    history = report.talk_history.merge(report.signal_history, on="month", how="left")
    now = history.iloc[-1]
    length = ("no chat or mail text" if pd.isna(now["length"]) else
              f"a median of {now['length']:g} characters against {_or_dash(now['length_baseline'])} in the three "
              f"months before ({ratio_text(h['client_reply_length_trend'])} times)")
    facts = (f"In {month_name(month)} the client wrote {plural(int(now['client_messages']), 'message')}: {length}. "
             f"{plural(int(h['client_contacts_3m']), 'person', 'people')} of the client wrote to us in the last three "
             f"months, {int(h['new_client_contacts_3m'])} of them new; "
             f"{plural(int(h['unrecapped_meetings_3m']), 'meeting or call', 'meetings and calls')} had no message of "
             f"ours within {recap:g} h after; {plural(int(h['deadlines_missed_3m']), 'deadline')} missed; "
             f"{plural(int(h['irritated_3m']), 'message')} of the client matched a tone pattern.")
    parts = section("paragraph.html.j2", text=facts, css="")
    if history["length"].notna().any():
        parts += figure(plotting.plot_message_lengths(history), f"Length of the messages of {report.client}")
    shown = history.assign(month=history["month"].astype(str))[list(TALK_COLUMNS)].rename(columns=TALK_COLUMNS)
    parts += table(shown, {"median length": _or_dash, "baseline": _or_dash, "length trend": ratio_text})
    people = report.writers.assign(new=report.writers["new"].map({True: "new", False: ""}))
    parts += section("subheading.html.j2", text="Who of the client wrote in the last three months") + table(
        people[["contact", "new", "channel", "messages_3m", "last"]].rename(
            columns={"messages_3m": "messages 3m", "last": "last message"}), {"last message": when},
        empty="Nobody of the client wrote in the last three months.")
    spoken = report.unrecapped.assign(file=file_names(report.unrecapped["source"]),
                                      kind=report.unrecapped["kind"].map(kind_words))
    parts += section("subheading.html.j2", text=f"Meetings and calls with no written recap within {recap:g} h")
    parts += table(spoken[["date", "kind", "subject", "contact", "file", "row"]], {"date": when},
                   empty="Every meeting and call had a written recap.")
    tone = report.tone.assign(file=file_names(report.tone["source"]),
                              text=report.tone["text"].map(_shortened))
    return parts + section("subheading.html.j2", text="Messages that matched a tone pattern") + table(
        tone[["date", "contact", "channel", "matched", "text", "file", "row"]], {"date": when},
        empty="No message of the client matched a tone pattern.")


def _or_dash(value) -> str:
    return DASH if pd.isna(value) else f"{value:g}"


def _shortened(text) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= SHOWN_TEXT else text[:SHOWN_TEXT - 1] + "…"


def meetings_and_extras(report: ClientReport) -> Fragment:
    history = report.signal_history
    meetings = plotting.plot_paired_counts(history, "meetings_held", "meetings_cancelled", ("held", "cancelled"),
                                           "Meetings")
    extras = plotting.plot_paired_counts(history, "extras_sold", "extras_gifted", ("sold (named)", "gifted (silent)"),
                                         "Extras")
    return section("pair.html.j2", parts=[figure(meetings, f"Meetings held and cancelled, {report.client}"),
                                          figure(extras, f"Extras sold and gifted, {report.client}")])


def scope_requests(report: ClientReport) -> Fragment:
    yes_no = {True: "yes", False: "no"}
    return table(report.requests.drop(columns="source"),
                 {"date": when, "benefits_client": yes_no.get, "benefits_us": yes_no.get, "covers_cost": yes_no.get},
                 empty=f"No scope request in {report.month}.")

