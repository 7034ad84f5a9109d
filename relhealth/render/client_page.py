"""The sections of a client's page, each a :class:`~relhealth.render.html.Fragment` that the client notebook
shows, and :func:`open_report`, what its first cell calls."""
from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pandas as pd
from markupsafe import Markup

from relhealth import read_dataset
from relhealth.columns import DSO_PREFIX
from relhealth.errors import UsageError
from relhealth.i18n import DASH, Words
from relhealth.render import plotting
from relhealth.render.bundles import read_bundle
from relhealth.render.format import file_names
from relhealth.render.html import Fragment, figure, marked, section, table
from relhealth.render.shared_sections import footer, page_words  # noqa: F401  (footer: the notebook's)
from relhealth.render.shared_sections import quality_notes as notes_section
from relhealth.render.words import (
    attention_reasons,
    event_subject,
    evidence_words,
    kind_words,
    quadrant_words,
    rule_words,
    signal_lines,
    signal_title,
)
from relhealth.resources import SAMPLE_DIR
from relhealth.review import ClientReport, client_report, default_month, find_client
from relhealth.settings import load_settings


def open_report(client: str | None, month: str | None = None, data: str | None = None,
                config: str | None = None, lang: str | None = None) -> ClientReport:
    """The report of ``client`` for ``month`` (default: the month of the newest record) from ``data`` (a data
    folder, or a client's report written by ``relhealth report``; default: the bundled sample), scored with
    ``config`` (default: the shipped settings), its page in ``lang`` (default: ``[report] language``).

    Raises a clear error, never another client's report, when the client is not in the data.
    """
    if data and Path(data).is_file():
        report = read_bundle(data, ClientReport)
        if client is not None and report.client != client:
            raise UsageError(f"{data} is the report of {report.client}, not of {client}.")
        return dataclasses.replace(report, settings=report.settings.with_language(lang))
    settings = load_settings(config or None).with_language(lang)
    dataset = read_dataset(data or SAMPLE_DIR, settings)
    if client is None or not str(client).strip():
        names = ", ".join(dataset.clients["client"].head(12))
        raise UsageError(f"no client chosen. Set client in the parameters cell above (client = \"{names.split(', ')[0]}\"), "
                         f"or write this notebook for one client with `relhealth notebook --client NAME`. The clients "
                         f"of {dataset.folder}: {names}{', ...' if len(dataset.clients) > 12 else ''}.")
    name = find_client(dataset, client)
    return client_report(dataset, settings, name, month or default_month(dataset))


def title(report: ClientReport) -> Fragment:
    w = page_words(report)
    manager = report.info.get("account_manager")
    return section("client/title.html.j2", client=report.client, subtitle=w("client.subtitle", month=w.month(report.month))
                   + (w("client.manager", manager=manager) if manager else ""))


def headline(report: ClientReport) -> Fragment:
    """The four numbers a director reads first: EBA, effort ratio, overdue money, quadrant."""
    w, h = page_words(report), report.headline
    band = h["eba_band"]
    flag = h["effort_flag"] if isinstance(h["effort_flag"], str) else None
    quadrant, why = quadrant_words(h, w)
    cards = [
        {"title": w("client.headline.eba"), "value": w.points(h["eba_balance"]),
         "tone": {"overdrawn": "bad", "watch": "warn"}.get(band, "good"),
         "detail": marked(w, "client.headline.eba_detail", band=w.name("band", band),
                          change=w.points(h["eba_change"], signed=True), new=w.points(h["eba_new"], signed=True),
                          fading=w.points(h["eba_fading"], signed=True))},
        {"title": w("client.headline.effort"), "value": w.ratio(h["effort_ratio"]),
         "tone": {"red": "bad", "amber": "warn"}.get(flag, "good"),
         "detail": marked(w, "client.headline.effort_detail", collection=w.hours(h["collection_hours"]),
                          work=w.hours(h["work_hours"]), flag=w.name("flag", flag) if flag else w("format.none"),
                          ratio_3m=w.ratio(h["effort_ratio_3m"]))},
        _overdue_card(report, w),
        {"title": w("client.headline.quadrant"), "value": quadrant,
         "tone": {"consider parting": "bad", "renegotiate terms": "warn", "fix our service": "warn"}.get(
             h["quadrant"], "good"),
         "detail": "; ".join(([w("client.headline.placed", why=why)] if why else [])
                             + attention_reasons(h, report.settings, report.checklist, w))
                   or w("client.headline.nothing")},
    ]
    return section("cards.html.j2", cards=cards)


def _overdue_card(report: ClientReport, w: Words) -> dict:
    if report.overdue.empty:
        return {"title": w("client.headline.overdue"), "value": w("client.headline.overdue_none"),
                "detail": w("client.headline.overdue_none_detail"), "tone": "good"}
    rows = list(report.overdue.itertuples())
    days = int(report.overdue["max_days_overdue"].max())
    return {"title": w("client.headline.overdue"), "value": Markup("<br>").join(w.money(r.overdue, r.currency) for r in rows),
            "detail": w("client.headline.oldest", days=", ".join(
                w("client.headline.oldest_item", days=w.count(int(r.max_days_overdue), "day"), currency=r.currency)
                for r in rows)),
            "tone": "bad" if days >= 60 else "warn"}


def eba_history(report: ClientReport) -> Fragment:
    w = page_words(report)
    ax = plotting.plot_eba_history(report.eba_history, report.settings["eba"]["bands"], w=w)
    rows = report.eba_history.assign(month=report.eba_history["month"].map(w.month_short),
                                     band=report.eba_history["band"].map(lambda band: w.name("band", band)))
    return figure(ax, w("client.eba.figure", client=report.client)) + table(
        rows[["month", "balance", "change", "deposits", "withdrawals", "band"]],
        {"balance": w.points, "change": lambda v: w.points(v, True), "deposits": w.points, "withdrawals": w.points}, w=w)


def what_moved(report: ClientReport, top: int = 8) -> Fragment:
    w = page_words(report)
    history = report.eba_history
    opening = float(history["balance"].iloc[-1] - history["change"].iloc[-1])
    moved = report.contributions
    if moved.empty:
        return section("paragraph.html.j2", text=w("client.eba.nothing"), css="empty")
    h = report.headline
    old = moved["date"].dt.to_period("M") != report.month
    if old.all():
        text = w("client.eba.only_fading", change=w.points(h["eba_change"], True))
    else:
        text = w("client.eba.moved", change=w.points(h["eba_change"], True), new=w.points(h["eba_new"], True),
                 fading=w.points(h["eba_fading"], True))
    kinds = moved["kind"].map(lambda kind: kind_words(kind, w))
    ax = plotting.plot_contributions(moved.assign(kind=kinds), opening, str(report.month), top=top, w=w)
    shown = _subjects(moved, report, w).assign(
        what=[plotting.movement_words(weight, o, w=w) for weight, o in zip(moved["weight"], old)], kind=kinds,
        file=file_names(moved["source"]))
    return section("paragraph.html.j2", text=text, css="") + figure(
        ax, w("client.eba.moved_figure", client=report.client, month=w.month(report.month))) + table(
        shown[["date", "what", "kind", "weight", "contribution", "subject", "file", "row"]],
        {"date": w.when, "weight": w.weight, "contribution": lambda v: w.points(v, True)}, w=w)


def _subjects(events, report: ClientReport, w: Words):
    """Ledger events with their subjects as a page shows them (:func:`~relhealth.render.words.event_subject`)."""
    sla = report.settings["signals"]["reply_sla_hours"]
    return events.assign(subject=[event_subject(event, sla, w) for event in events.itertuples()])


def month_ledger(report: ClientReport) -> Fragment:
    w = page_words(report)
    ledger = _subjects(report.ledger, report, w)
    kinds = ledger["kind"].map(lambda kind: kind_words(kind, w))
    ledger = ledger.assign(kind=kinds.where(~ledger["derived"], kinds.map(lambda k: w("client.eba.derived", kind=k))),
                           weight_from=ledger["weight_from"].map(lambda origin: w.name("weight_from", origin)),
                           file=file_names(ledger["source"]))
    return table(ledger[["date", "kind", "weight", "weight_from", "subject", "file", "row"]],
                 {"date": w.when, "weight": w.weight}, empty=w("client.eba.no_event", month=w.month(report.month)), w=w)


def effort(report: ClientReport) -> Fragment:
    w = page_words(report)
    rows = report.effort_history.merge(report.gifted, on="month", how="left")
    rows = rows.assign(month=rows["month"].map(w.month_short),
                       effort_flag=rows["effort_flag"].map(lambda flag: w.name("flag", flag), na_action="ignore"))
    currency = report.info.get("currency") or ""
    now = report.gifted.iloc[-1]
    rate = report.info.get("hourly_rate")
    month = w.month(report.month)
    if not now["gifted_hours"]:
        text = w("client.effort.none", month=month)
    elif rate:
        text = w("client.effort.valued", month=month, hours=w.hours(now["gifted_hours"]),
                 value=w.money(now["value"], currency), rate=w.money(rate, currency))
    else:
        text = w("client.effort.unvalued", month=month, hours=w.hours(now["gifted_hours"]))
    value = w("client.effort.value_in", currency=currency) if currency else w("client.effort.value")
    shown = rows[["month", "work_hours", "collection_hours", "effort_ratio", "effort_ratio_3m", "effort_flag",
                  "gifted_hours", *(["value"] if rate else [])]].rename(columns={"value": value})
    formats = {"work_hours": w.hours, "collection_hours": w.hours, "effort_ratio": w.ratio,
               "effort_ratio_3m": w.ratio, "gifted_hours": w.hours, value: w.number}
    entries = report.time_rules.assign(source=file_names(report.time_rules["source"]),
                                       category=report.time_rules["category"].map(lambda c: w.name("category", c)),
                                       category_rule=report.time_rules["category_rule"].map(lambda r: rule_words(r, w)))
    listed = table(entries, {"date": w.when, "hours": w.hours, "billable": _yes_no(w)},
                   empty=w("client.effort.no_entries"), w=w)
    return (figure(plotting.plot_hours(report.hours, w=w), w("client.effort.hours_figure", client=report.client))
            + figure(plotting.plot_effort_ratio(report.effort_history, report.settings["effort"]["flags"], w=w),
                     w("client.effort.ratio_figure", client=report.client))
            + table(shown, formats, w=w) + section("paragraph.html.j2", text=text, css="")
            + section("folded.html.j2", content=listed, summary=w(
                "client.effort.entries", entries=w.count(len(entries), "time_entry"))))


def invoices(report: ClientReport) -> Fragment:
    w = page_words(report)
    if report.open_invoices.empty:
        parts = section("paragraph.html.j2", text=w("client.invoices.none", month=w.month_of(report.month)),
                        css="empty")
    else:
        shown = report.open_invoices.drop(columns="source").assign(
            bucket=report.open_invoices["bucket"].map(
                lambda b: w("client.invoices.not_due") if b == "current" else w("client.invoices.bucket", bucket=b)))
        parts = figure(plotting.plot_aging(report.aging, w=w), w("client.invoices.figure", client=report.client)) + table(
            shown, {"issued": w.date, "due": w.date, "amount": w.number, "outstanding": w.number,
                    "days_overdue": lambda v: w.number(v, 0)}, w=w)
    return parts + punctuality(report)


def punctuality(report: ClientReport) -> Fragment:
    """Days late of each invoice paid in the last 12 months, and days sales outstanding per currency."""
    w, h = page_words(report), report.headline
    dso = [w("client.invoices.dso_item", currency=c.removeprefix(DSO_PREFIX), days=_dso_text(h[c], w))
           for c in h.index if c.startswith(DSO_PREFIX)]
    paid = report.paid
    late = paid[paid["days_late"] > 0]
    text = (w("client.invoices.paid", invoices=w.count(len(paid), "invoice"), month=w.month_of(report.month),
              late=len(late))
            + (w("client.invoices.median", days=w.count(round(late["days_late"].median()), "day")) if len(late) else "")
            + w("client.invoices.dso", dso="; ".join(dso) or w("client.invoices.no_invoice")))
    if paid.empty:
        return section("paragraph.html.j2", text=text, css="")
    return section("paragraph.html.j2", text=text, css="") + figure(
        plotting.plot_days_late(paid, w=w), w("client.invoices.late_figure", client=report.client))


def _dso_text(value, w: Words) -> str:
    if pd.isna(value):
        return w("client.invoices.dso_none")
    return w("client.invoices.dso_infinite") if np.isinf(value) else w.count(round(float(value)), "day")


def checklist(report: ClientReport) -> Fragment:
    """The "when to part" checklist: each signal, fired or not, the figures it tested, the answer from
    practice; under it, the rows behind each signal that fired."""
    w = page_words(report)
    lines = signal_lines(report.checklist, w)
    count = sum(line["fired"] for line in lines)
    evidence = []
    for code, rows in report.evidence.items():
        shown = evidence_words(rows, w).assign(source=file_names(rows["source"]))
        evidence.append({"summary": marked(w, "client.checklist.rows", title=signal_title(code, w),
                                           rows=w.count(len(shown), "evidence_row")),
                         "table": table(shown, {"date": w.when, "hours": w.hours}, empty=w("client.checklist.no_rows"),
                                        w=w)})
    heads = {key: w(f"client.checklist.{key}") for key in ("signal", "fired", "figures", "answer", "yes", "no")}
    return section("client/checklist.html.j2", lines=lines, evidence=evidence, heads=heads,
                   summary=w("client.checklist.summary", signals=w.count(count, "signal"), total=len(lines),
                             month=w.month(report.month)))


def reply_times(report: ClientReport) -> Fragment:
    w, h = page_words(report), report.headline
    sla = report.settings["signals"]["reply_sla_hours"]
    slow = int(report.ledger["derived"].sum())
    facts = w("client.replies.facts", month=w.month(report.month), ours=_hours_or_none(h["reply_hours_median"], w),
              unanswered=w.count(int(h["unanswered_in"]), "message"), slow=w.count(slow, "slow_reply"),
              sla=w.figure(sla), theirs=_hours_or_none(h["client_reply_hours_median"], w),
              trend=w.ratio(h["client_reply_trend"]), last=_days_or_none(h["client_silence_days"], w))
    return section("paragraph.html.j2", text=facts, css="") + figure(
        plotting.plot_reply_times(report.signal_history, sla, w=w), w("client.replies.figure", client=report.client))


def _hours_or_none(value, w: Words) -> str:
    return w("client.replies.none") if pd.isna(value) else w("client.replies.hours", hours=w.number(value, 1))


def _days_or_none(value, w: Words) -> str:
    return w("client.replies.never") if pd.isna(value) else w("client.replies.before_end",
                                                              days=w.count(int(value), "day"))


#: The characters of a message a tone match shows; the rest is cut with "…".
SHOWN_TEXT = 300
#: The conversation's table by month (docs/metrics.md names the figures).
TALK_COLUMNS = ["month", "client_messages", "length", "length_baseline", "client_reply_length_trend",
                "client_contacts_3m", "new_client_contacts_3m", "unrecapped_meetings_3m", "deadlines_missed_3m",
                "irritated_3m"]


def conversation(report: ClientReport) -> Fragment:
    """What the client's own voice says: message lengths against the client's baseline, who wrote (new
    people marked), meetings and calls with no written recap, and the messages that matched a tone
    pattern, with the words that matched (their text on this page only)."""
    w, h, month = page_words(report), report.headline, report.month
    recap = report.settings["signals"]["recap_hours"]
    history = report.talk_history.merge(report.signal_history, on="month", how="left")
    now = history.iloc[-1]
    length = (w("client.talk.no_text") if pd.isna(now["length"]) else
              w("client.talk.length", length=w.figure(now["length"]), baseline=_or_dash(now["length_baseline"], w),
                trend=w.ratio(h["client_reply_length_trend"])))
    facts = w("client.talk.facts", month=w.month(month), messages=w.count(int(now["client_messages"]), "message"),
              length=length, people=w.count(int(h["client_contacts_3m"]), "person"),
              new=int(h["new_client_contacts_3m"]), meetings=w.count(int(h["unrecapped_meetings_3m"]), "meeting_or_call"),
              recap=w.figure(recap), deadlines=w.count(int(h["deadlines_missed_3m"]), "deadline"),
              tone=w.count(int(h["irritated_3m"]), "message_of"))
    parts = section("paragraph.html.j2", text=facts, css="")
    if history["length"].notna().any():
        parts += figure(plotting.plot_message_lengths(history, w=w), w("client.talk.figure", client=report.client))
    shown = history.assign(month=history["month"].map(w.month_short))[TALK_COLUMNS]
    dash = lambda v: _or_dash(v, w)
    parts += table(shown, {"length": dash, "length_baseline": dash, "client_reply_length_trend": w.ratio}, w=w)
    people = report.writers.assign(new=report.writers["new"].map({True: w("client.talk.new"), False: ""}),
                                   channel=report.writers["channel"].map(lambda c: _channels(c, w)))
    parts += section("subheading.html.j2", text=w("client.talk.writers")) + table(
        people[["contact", "new", "channel", "messages_3m", "last"]], {"last": w.when},
        empty=w("client.talk.nobody"), w=w)
    spoken = report.unrecapped.assign(file=file_names(report.unrecapped["source"]),
                                      kind=report.unrecapped["kind"].map(lambda kind: kind_words(kind, w)))
    parts += section("subheading.html.j2", text=w("client.talk.unrecapped", recap=w.figure(recap)))
    parts += table(spoken[["date", "kind", "subject", "contact", "file", "row"]], {"date": w.when},
                   empty=w("client.talk.all_recapped"), w=w)
    tone = report.tone.assign(file=file_names(report.tone["source"]), text=report.tone["text"].map(_shortened),
                              channel=report.tone["channel"].map(lambda c: _channels(c, w)))
    return parts + section("subheading.html.j2", text=w("client.talk.tone")) + table(
        tone[["date", "contact", "channel", "matched", "text", "file", "row"]], {"date": w.when},
        empty=w("client.talk.no_tone"), w=w)


def _channels(channels, w: Words) -> str:
    """The channels a person wrote through (``chat, email``), each named in the page's language."""
    return ", ".join(w.name("channel", channel, channel) for channel in str(channels).split(", "))


def _or_dash(value, w: Words) -> str:
    return DASH if pd.isna(value) else w.figure(value)


def _shortened(text) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= SHOWN_TEXT else text[:SHOWN_TEXT - 1] + "…"


def meetings_and_extras(report: ClientReport) -> Fragment:
    w, history = page_words(report), report.signal_history
    meetings = plotting.plot_paired_counts(history, "meetings_held", "meetings_cancelled",
                                           (w("client.extras.held"), w("client.extras.cancelled")),
                                           w("client.extras.meetings"), w=w)
    extras = plotting.plot_paired_counts(history, "extras_sold", "extras_gifted",
                                         (w("client.extras.sold"), w("client.extras.gifted")),
                                         w("client.extras.extras"), w=w)
    return section("pair.html.j2", parts=[figure(meetings, w("client.extras.meetings_figure", client=report.client)),
                                          figure(extras, w("client.extras.extras_figure", client=report.client))])


def scope_requests(report: ClientReport) -> Fragment:
    w = page_words(report)
    yes_no = _yes_no(w)
    requests = report.requests.drop(columns="source")
    requests = requests.assign(verdict=requests["verdict"].map(lambda v: w.name("verdict", v)))
    return table(requests, {"date": w.when, "benefits_client": yes_no, "benefits_us": yes_no, "covers_cost": yes_no},
                 empty=w("client.extras.no_request", month=w.month(report.month)), w=w)


def _yes_no(w: Words):
    """A yes-or-no cell in the page's words."""
    return {True: w("client.effort.yes"), False: w("client.effort.no")}.get


def quality_notes(report: ClientReport) -> Fragment:
    """The data-quality notes of the client's files, in the page's language."""
    w = page_words(report)
    return notes_section(report.quality, empty=w("client.no_notes"), w=w)
