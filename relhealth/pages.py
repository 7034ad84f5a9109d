"""The sections of the report pages as HTML fragments, and the entry points the notebooks call.

Every text that comes from the inputs (client names, subjects, notes, file names) passes through
:func:`esc` or ``DataFrame.to_html`` (which escapes) before it reaches a page. A fragment displays itself
in a notebook through ``_repr_html_``.
"""
from __future__ import annotations

import base64
import html
import io
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from relhealth import __version__, plotting
from relhealth.io.slices import load_data, read_slice
from relhealth.paths import SAMPLE_DIR
from relhealth.review import (ClientReport, PortfolioReport, client_report, default_month, find_client,
                              portfolio_report, quadrant_bounds)
from relhealth.settings import Settings, load_settings
from relhealth.summary import plural

#: Resolution of the figures in the pages.
DPI = 110
#: The portfolio's figures name at most this many clients: those that need most attention. Beyond a few
#: dozen, names overlap and rows shrink to nothing; the attention table lists every client.
FIGURE_CLIENTS = 40


class Fragment:
    """A piece of HTML that a notebook shows as HTML (and only as HTML: its plain repr is a short label)."""

    __slots__ = ("html",)

    def __init__(self, text: str = "") -> None:
        self.html = str(text)

    def _repr_html_(self) -> str:
        return self.html

    def __str__(self) -> str:
        return self.html

    def __add__(self, other) -> "Fragment":
        return Fragment(self.html + str(other))

    def __radd__(self, other) -> "Fragment":
        return Fragment(str(other) + self.html)

    def __repr__(self) -> str:
        return f"<HTML fragment, {len(self.html):,} characters>"


def esc(value) -> str:
    """Text from the inputs, escaped for HTML (quotes included)."""
    return html.escape("" if value is None else str(value), quote=True)


# ----- numbers as the pages write them

def money(amount: float, currency: str | None = None) -> str:
    text = f"{amount:,.2f}"
    return f"{currency} {text}" if currency else text


def points(value: float, signed: bool = False) -> str:
    return f"{value:+.2f}" if signed else f"{value:.2f}"


def ratio_text(value: float) -> str:
    """A ratio to 3 decimals as the review table writes it, ``inf`` when infinite, a dash when missing."""
    if value is None or pd.isna(value):
        return "–"
    return "inf" if np.isinf(value) else f"{value:.3f}"


def weight_text(value: float) -> str:
    """A rubric weight with its sign: ``+2``, ``-4``, ``0``."""
    return f"{value:+g}" if value else "0"


def hours_text(value: float) -> str:
    return f"{value:,.2f}"


# ----- building blocks

def figure(ax: Axes, alt: str) -> Fragment:
    """The figure of ``ax`` as an embedded PNG (no file, nothing fetched)."""
    buffer = io.BytesIO()
    ax.figure.savefig(buffer, format="png", dpi=DPI)
    data = base64.b64encode(buffer.getvalue()).decode("ascii")
    return Fragment(f'<figure><img src="data:image/png;base64,{data}" alt="{esc(alt)}"></figure>')


def table(frame: pd.DataFrame, formats: dict | None = None, empty: str = "None.") -> Fragment:
    """``frame`` as an escaped HTML table, each column written by its function in ``formats``."""
    if frame.empty:
        return Fragment(f'<p class="empty">{esc(empty)}</p>')
    shown = frame.copy()
    for column, write in (formats or {}).items():
        if column in shown:
            shown[column] = [("" if v is None or (not isinstance(v, str) and pd.isna(v)) else write(v))
                             for v in shown[column]]
    shown = shown.astype(object).where(shown.notna(), "")
    html_table = shown.to_html(index=False, escape=True, border=0, classes="data", na_rep="")
    return Fragment(f'<div class="scroll">{html_table}</div>')


def _day(value) -> str:
    return pd.Timestamp(value).strftime("%Y-%m-%d")


def _when(value) -> str:
    stamp = pd.Timestamp(value)
    return stamp.strftime("%Y-%m-%d %H:%M") if (stamp.hour or stamp.minute) else stamp.strftime("%Y-%m-%d")


def _card(title: str, value: str, detail: str, tone: str) -> str:
    return (f'<div class="card {esc(tone)}"><div class="label">{esc(title)}</div>'
            f'<div class="value">{esc(value)}</div><div class="detail">{detail}</div></div>')


@dataclass(frozen=True)
class Provenance:
    """What every page states so that two reports can be compared honestly."""

    folder: str
    month: str
    generated_at: str
    fingerprint: str
    version: str

    @classmethod
    def of(cls, folder: str, month, settings: Settings) -> "Provenance":
        return cls(folder=str(folder), month=str(month),
                   generated_at=datetime.now().astimezone().isoformat(timespec="seconds"),
                   fingerprint=settings.fingerprint, version=__version__)


def footer(provenance: Provenance) -> Fragment:
    p = provenance
    return Fragment(
        '<footer>'
        f'<span>Data folder: <code>{esc(p.folder)}</code></span>'
        f'<span>Month: {esc(p.month)}</span>'
        f'<span>Generated at: {esc(p.generated_at)}</span>'
        f'<span>Settings fingerprint: <code>{esc(p.fingerprint)}</code></span>'
        f'<span>relhealth {esc(p.version)}</span>'
        '</footer>')


# ----- the client report

def open_client_report(client: str | None, month: str | None = None, data: str | None = None,
                       config: str | None = None) -> ClientReport:
    """What the client notebook's first cell calls: the report of ``client`` for ``month`` (default: the
    month of the newest record) from ``data`` (a data folder or a client slice; default: the bundled
    sample), scored with ``config`` (default: the shipped settings).

    Raises a clear error, never another client's report, when the client is not in the data.
    """
    settings = load_settings(config or None)
    dataset = load_data(data or SAMPLE_DIR, **settings.read_options)
    name = find_client(dataset, client)
    return client_report(dataset, settings, name, month or default_month(dataset))


def client_title(report: ClientReport) -> Fragment:
    manager = report.info.get("account_manager")
    managed = f" · account manager {esc(manager)}" if manager else ""
    return Fragment(f'<header><h1>{esc(report.client)}</h1>'
                    f'<p class="sub">Relationship health for {esc(report.month.strftime("%B %Y"))}{managed}</p>'
                    '</header>')


def headline(report: ClientReport) -> Fragment:
    """The four numbers a director reads first: EBA, effort ratio, overdue money, quadrant."""
    h = report.headline
    band = h["eba_band"]
    eba = _card("Emotional bank account", points(h["eba_balance"]),
                f'band <b>{esc(band)}</b>; {esc(points(h["eba_change"], signed=True))} since last month',
                {"overdrawn": "bad", "watch": "warn"}.get(band, "good"))
    flag = h["effort_flag"] if isinstance(h["effort_flag"], str) else None
    effort = _card("Overdue-payment effort ratio", ratio_text(h["effort_ratio"]),
                   f'{esc(hours_text(h["collection_hours"]))} h chasing payment / '
                   f'{esc(hours_text(h["work_hours"]))} h of work; flag <b>{esc(flag or "none")}</b>; '
                   f'3 months: {esc(ratio_text(h["effort_ratio_3m"]))}',
                   {"red": "bad", "amber": "warn"}.get(flag, "good"))
    if report.overdue.empty:
        overdue = _card("Overdue invoices", "none", "nothing overdue at the month's end", "good")
    else:
        amounts = "; ".join(money(r.overdue, r.currency) for r in report.overdue.itertuples())
        oldest = ", ".join(f"{esc(r.currency)} {plural(int(r.max_days_overdue), 'day')}"
                           for r in report.overdue.itertuples())
        days = int(report.overdue["max_days_overdue"].max())
        overdue = _card("Overdue invoices", amounts, f"oldest overdue: {oldest}",
                        "bad" if days >= 60 else "warn")
    reasons = h["attention"]
    quadrant = _card("Quadrant", h["quadrant"], esc(reasons) if reasons else "nothing stands out this month",
                     {"consider parting": "bad", "renegotiate terms": "warn", "fix our service": "warn"}
                     .get(h["quadrant"], "good"))
    return Fragment(f'<div class="cards">{eba}{effort}{overdue}{quadrant}</div>')


def eba_history(report: ClientReport) -> Fragment:
    ax = plotting.plot_eba_history(report.eba_history, report.settings["eba"]["bands"])
    rows = report.eba_history.assign(month=report.eba_history["month"].astype(str))
    return Fragment(figure(ax, f"EBA balance of {report.client} over 12 months") + table(
        rows[["month", "balance", "change", "deposits", "withdrawals", "band"]],
        {"balance": points, "change": lambda v: points(v, True), "deposits": points, "withdrawals": points}))


def what_moved(report: ClientReport, top: int = 8) -> Fragment:
    history = report.eba_history
    opening = float(history["balance"].iloc[-1] - history["change"].iloc[-1])
    moved = report.contributions
    if moved.empty:
        return Fragment('<p class="empty">Nothing moved the balance this month.</p>')
    ax = plotting.plot_contributions(moved, opening, str(report.month), top=top)
    shown = moved[["date", "kind", "weight", "contribution", "subject", "source", "row"]].copy()
    shown["source"] = shown["source"].map(lambda s: Path(s).name)
    return Fragment(figure(ax, f"What moved the EBA balance of {report.client} in {report.month}") + table(
        shown, {"date": _when, "weight": weight_text, "contribution": lambda v: points(v, True)}))


def month_ledger(report: ClientReport) -> Fragment:
    ledger = report.ledger.assign(kind=report.ledger["kind"].where(~report.ledger["derived"],
                                                                   report.ledger["kind"] + " (derived)"))
    ledger = ledger[["date", "kind", "weight", "weight_from", "subject", "row"]]
    return table(ledger, {"date": _when, "weight": weight_text},
                 empty=f"No CRM activity logged in {report.month}.")


def effort(report: ClientReport) -> Fragment:
    hours_ax = plotting.plot_hours(report.hours)
    ratio_ax = plotting.plot_effort_ratio(report.effort_history, report.settings["effort"]["flags"])
    rows = report.effort_history.assign(month=report.effort_history["month"].astype(str))
    return Fragment(
        figure(hours_ax, f"Hours by category for {report.client}")
        + figure(ratio_ax, f"Effort ratio of {report.client}")
        + table(rows[["month", "work_hours", "collection_hours", "effort_ratio", "effort_ratio_3m", "effort_flag"]],
                {"work_hours": hours_text, "collection_hours": hours_text, "effort_ratio": ratio_text,
                 "effort_ratio_3m": ratio_text}))


def invoices(report: ClientReport) -> Fragment:
    if report.open_invoices.empty:
        return Fragment(f'<p class="empty">No invoice open at the end of {esc(report.month)}.</p>')
    ax = plotting.plot_aging(report.aging)
    shown = report.open_invoices.drop(columns="source")
    return Fragment(figure(ax, f"Open invoices of {report.client} by age") + table(
        shown, {"issued": _day, "due": _day, "amount": money, "outstanding": money}))


def checklist(report: ClientReport) -> Fragment:
    """The "when to part" checklist: each signal, fired or not, the figures it tested, the answer from
    practice; under it, the rows behind each signal that fired."""
    rows = []
    for r in report.checklist.itertuples():
        state = '<span class="fired">fired</span>' if r.fired else '<span class="quiet">no</span>'
        rows.append(f'<tr class="{"fired" if r.fired else ""}"><td><b>{esc(r.signal)}</b><br>'
                    f'<span class="sub">{esc(r.title)}</span></td><td>{state}</td><td>{esc(r.evidence)}</td>'
                    f'<td>{esc(r.answer)}</td></tr>')
    head = "".join(f"<th>{h}</th>" for h in ("signal", "fired", "figures against thresholds", "the answer from practice"))
    count = int(report.checklist["fired"].sum())
    summary = (f'<p>{plural(count, "signal")} of {len(report.checklist)} fired in {esc(report.month)}.</p>')
    details = []
    for code, rows_behind in report.evidence.items():
        shown = rows_behind.assign(source=rows_behind["source"].map(lambda s: Path(s).name))
        details.append(f'<details><summary>The rows behind <b>{esc(code)}</b> ({plural(len(shown), "row")})'
                       f'</summary>{table(shown, {"date": _when, "hours": hours_text}, empty="No rows.")}</details>')
    return Fragment(summary + f'<div class="scroll"><table class="data checklist"><thead><tr>{head}</tr></thead>'
                    f'<tbody>{"".join(rows)}</tbody></table></div>' + "".join(details))


def reply_times(report: ClientReport) -> Fragment:
    h = report.headline
    sla = report.settings["signals"]["reply_sla_hours"]
    slow = report.ledger[report.ledger["derived"]]
    facts = (f"In {esc(report.month)} we answered the client's messages in a median of "
             f"{esc(_hours_or_none(h['reply_hours_median']))}, with {plural(int(h['unanswered_in']), 'message')} "
             f"unanswered at the month's end and {plural(len(slow), 'slow reply', 'slow replies')} (over {sla:g} h, "
             f"each a derived event in the ledger). The client answered ours in a median of "
             f"{esc(_hours_or_none(h['client_reply_hours_median']))}, "
             f"{esc(ratio_text(h['client_reply_trend']))} times its own baseline; its last contact was "
             f"{esc(_days_or_none(h['client_silence_days']))}.")
    ax = plotting.plot_reply_times(report.signal_history, sla)
    return Fragment(f"<p>{facts}</p>" + figure(ax, f"Reply times of both sides, {report.client}"))


def _hours_or_none(value) -> str:
    return "– (no answered message)" if pd.isna(value) else f"{value:.1f} h"


def _days_or_none(value) -> str:
    return "never" if pd.isna(value) else f"{plural(int(value), 'day')} before the month's end"


def meetings_and_extras(report: ClientReport) -> Fragment:
    history = report.signal_history
    meetings = plotting.plot_paired_counts(history, "meetings_held", "meetings_cancelled", ("held", "cancelled"),
                                           "Meetings")
    extras = plotting.plot_paired_counts(history, "extras_sold", "extras_gifted", ("sold (named)", "gifted (silent)"),
                                         "Extras")
    return Fragment('<div class="pair">' + figure(meetings, f"Meetings held and cancelled, {report.client}")
                    + figure(extras, f"Extras sold and gifted, {report.client}") + "</div>")


def scope_requests(report: ClientReport) -> Fragment:
    shown = report.requests.drop(columns="source")
    yes_no = {True: "yes", False: "no"}
    return table(shown, {"date": _when, "benefits_client": yes_no.get, "benefits_us": yes_no.get,
                         "covers_cost": yes_no.get},
                 empty=f"No scope request in {report.month}.")


def quality_notes(notes: list, empty: str = "No data-quality notes.") -> Fragment:
    if not notes:
        return Fragment(f'<p class="empty">{esc(empty)}</p>')
    items = "".join(f"<li>{esc(note)}</li>" for note in notes)
    return Fragment(f'<ul class="notes">{items}</ul>')


# ----- the portfolio

def open_portfolio(data: str | None = None, month: str | None = None, config: str | None = None) -> PortfolioReport:
    """What the portfolio notebook's first cell calls: the portfolio slice written by ``relhealth report``,
    or the portfolio of a data folder (default: the bundled sample) for ``month``."""
    if data and Path(data).is_file():
        return read_slice(data, PortfolioReport, "portfolio")
    settings = load_settings(config or None)
    dataset = load_data(data or SAMPLE_DIR, **settings.read_options)
    return portfolio_report(dataset, settings, month or default_month(dataset))


def portfolio_title(report: PortfolioReport) -> Fragment:
    count = len(report.table)
    return Fragment(f'<header><h1>Client portfolio, {esc(report.month.strftime("%B %Y"))}</h1>'
                    f'<p class="sub">{count} clients, the ones that need attention first</p></header>')


def attention_table(report: PortfolioReport) -> Fragment:
    """Every client of the month, sorted by the attention they need, with a link to its page."""
    t = report.table
    currencies = [c for c in t.columns if c.startswith("overdue_")]

    def name_cell(client: str) -> str:
        href = report.pages.get(client)
        if client in report.failures:
            return f'{esc(client)} <span class="failed">report failed</span>'
        return f'<a href="{esc(href)}">{esc(client)}</a>' if href else esc(client)

    head = ["client", "signals", "quadrant", "why it needs attention", "EBA", "band", "change", "effort ratio",
            "3 months", "flag", "oldest overdue (days)"] + [c.replace("overdue_", "overdue ") for c in currencies]
    rows = []
    for _, r in t.iterrows():
        flags = r["part_flags"].split(";") if isinstance(r["part_flags"], str) else []
        signals = "<br>".join(f'<span class="fired">{esc(code)}</span>' for code in flags)
        cells = [name_cell(r["client"]), signals, esc(r["quadrant"]), esc(r["attention"]),
                 esc(points(r["eba_balance"])),
                 esc(r["eba_band"]), esc(points(r["eba_change"], True)), esc(ratio_text(r["effort_ratio"])),
                 esc(ratio_text(r["effort_ratio_3m"])),
                 esc(r["effort_flag"] if isinstance(r["effort_flag"], str) else ""),
                 esc(int(r["max_days_overdue"]))] + [esc(money(r[c]) if r[c] else "") for c in currencies]
        rows.append("<tr>" + "".join(f'<td class="why">{c}</td>' if i == 3 else f"<td>{c}</td>"
                                     for i, c in enumerate(cells)) + "</tr>")
    header = "".join(f"<th>{esc(h)}</th>" for h in head)
    return Fragment(f'<div class="scroll"><table class="data"><thead><tr>{header}</tr></thead>'
                    f'<tbody>{"".join(rows)}</tbody></table></div>')


def _most_attention(report: PortfolioReport) -> list[str]:
    """The first ``FIGURE_CLIENTS`` clients of the portfolio, which is in the order of attention."""
    return report.table["client"].head(FIGURE_CLIENTS).tolist()


def _figure_note(report: PortfolioReport, what: str) -> Fragment:
    count = len(report.table)
    if count <= FIGURE_CLIENTS:
        return Fragment("")
    return Fragment(f'<p class="sub">{esc(what.format(shown=FIGURE_CLIENTS, count=count))}</p>')


def quadrant(report: PortfolioReport) -> Fragment:
    ax = plotting.plot_quadrant(report.table, *quadrant_bounds(report.settings), labelled=_most_attention(report))
    note = _figure_note(report, "Every client is a point; the {shown} of {count} that need most attention "
                                "carry their names.")
    return note + figure(ax, f"Clients by EBA balance and 3-month effort ratio, {report.month}")


def band_heatmap(report: PortfolioReport) -> Fragment:
    ax = plotting.plot_band_heatmap(report.bands, report.settings["eba"]["bands"], _most_attention(report))
    note = _figure_note(report, "The {shown} of {count} clients that need most attention; the table above "
                                "lists every client.")
    return note + figure(ax, "EBA band of each client at each month's end")


def overdue_totals(report: PortfolioReport) -> Fragment:
    t = report.table
    rows = []
    for column in [c for c in t.columns if c.startswith("overdue_")]:
        owing = t[t[column] > 0]
        rows.append({"currency": column.removeprefix("overdue_"), "overdue": t[column].sum(),
                     "clients": len(owing), "largest": owing.loc[owing[column].idxmax(), "client"] if len(owing) else ""})
    return table(pd.DataFrame(rows, columns=["currency", "overdue", "clients", "largest"]), {"overdue": money},
                 empty="No invoices.")


def failures(report: PortfolioReport) -> Fragment:
    if not report.failures:
        return Fragment("")
    items = "".join(f"<li><b>{esc(client)}</b>: {esc(reason)}</li>" for client, reason in report.failures.items())
    return Fragment(f'<section class="failures"><h2>Reports that failed</h2><ul>{items}</ul></section>')
