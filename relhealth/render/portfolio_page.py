"""The sections of the portfolio page (``index.html``), each a :class:`~relhealth.render.html.Fragment` that
the portfolio notebook shows, and :func:`open_portfolio`, what its first cell calls."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
from markupsafe import Markup

from relhealth import read_dataset
from relhealth.columns import OVERDUE_PREFIX
from relhealth.metrics.eba import band_order
from relhealth.render import plotting
from relhealth.render.bundles import read_bundle
from relhealth.render.format import points, ratio_text
from relhealth.render.html import Fragment, figure, section, table
from relhealth.i18n import Words, words
from relhealth.render.shared_sections import footer, quality_notes  # noqa: F401  (the notebook's)
from relhealth.render.words import SIGNAL_TITLES, attention_reasons
from relhealth.resources import SAMPLE_DIR
from relhealth.review import PortfolioReport, default_month, portfolio_report
from relhealth.review.portfolio import quadrant_bounds
from relhealth.settings import load_settings

#: The portfolio's figures name at most this many clients: those that need most attention. Beyond a few
#: dozen, names overlap and rows shrink to nothing; the attention table lists every client.
FIGURE_CLIENTS = 40


def open_portfolio(data: str | None = None, month: str | None = None, config: str | None = None) -> PortfolioReport:
    """The portfolio written by ``relhealth report`` (a file), or the portfolio of a data folder (default: the
    bundled sample) for ``month`` (default: the month of the newest record)."""
    if data and Path(data).is_file():
        return read_bundle(data, PortfolioReport)
    settings = load_settings(config or None)
    dataset = read_dataset(data or SAMPLE_DIR, settings)
    return portfolio_report(dataset, settings, month or default_month(dataset))


def _words(report: PortfolioReport) -> Words:
    """The words of the page's language (``[report] language``)."""
    return words(report.settings["report"]["language"])


def title(report: PortfolioReport) -> Fragment:
    w = _words(report)
    return section("portfolio/title.html.j2", title=w("portfolio.title", month=w.month(report.month)),
                   subtitle=w("portfolio.subtitle", clients=w.count(len(report.table), "client")))


def summary(report: PortfolioReport, tables: dict | None = None) -> Fragment:
    """The month at a glance: how many clients need attention, the money overdue per currency, the bands
    that moved since last month, and the signals that fired (new this month or still firing); with
    ``tables`` (the CSV files beside the pages), a link to the month's review table."""
    w = _words(report)
    t, before = report.table, report.previous.set_index("client")
    need = t[t["attention_score"] > 0]
    fired = _fired(t)
    was = _fired(before.reset_index())
    new = [(code, client) for code, client in fired if (code, client) not in was]
    cards = [
        {"title": w("portfolio.summary.need"), "value": w("portfolio.summary.need_value", need=len(need), total=len(t)),
         "tone": "bad" if len(need) else "good",
         "detail": w("portfolio.summary.need_detail", signals=w.count(len(fired), "signal"),
                     clients=w.count(len({c for _, c in fired}), "client_of")) if len(need)
         else w("portfolio.summary.need_none")},
        _overdue_card(t, w),
        _bands_card(report, before, w),
        {"title": w("portfolio.summary.signals"), "value": w("portfolio.summary.signals_value", new=len(new)),
         "tone": "warn" if new else "good",
         "detail": w("portfolio.summary.signals_detail", new=len(new), still=len(fired) - len(new))
         if len(report.previous) else w("portfolio.summary.no_earlier")},
    ]
    rows = []
    for code in SIGNAL_TITLES:
        clients = [c for k, c in fired if k == code]
        if clients:
            rows.append({"signal": SIGNAL_TITLES[code], "clients": ", ".join(
                w("portfolio.summary.new_this_month", client=c) if (code, c) in new else c for c in clients)})
    signals = table(pd.DataFrame(rows, columns=["signal", "clients"]).rename(
        columns={"signal": w("portfolio.summary.signal"), "clients": w("portfolio.summary.clients")}),
        empty=w("portfolio.summary.no_signal"))
    download = section("portfolio/download.html.j2", href=(tables or {}).get("review"))
    return section("cards.html.j2", cards=cards) + signals + download


def _fired(table: pd.DataFrame) -> list[tuple[str, str]]:
    """(signal code, client) of every signal that fired, in the table's order."""
    return [(code, client) for client, flags in zip(table["client"], table["part_flags"]) if isinstance(flags, str)
            for code in flags.split(";")]


def _overdue_card(t: pd.DataFrame, w: Words) -> dict:
    lines, details = [], []
    for column in [c for c in t.columns if c.startswith(OVERDUE_PREFIX)]:
        owing = t[t[column] > 0]
        if owing.empty:
            continue
        currency = column.removeprefix(OVERDUE_PREFIX)
        largest = owing.loc[owing[column].idxmax()]
        lines.append(w.money(owing[column].sum(), currency))
        details.append(w("portfolio.summary.overdue_currency", currency=currency, clients=w.count(len(owing), "client"),
                         client=largest["client"], amount=w.money(largest[column], currency)))
    if not lines:
        return {"title": w("portfolio.summary.overdue"), "value": w("portfolio.summary.overdue_none"), "tone": "good",
                "detail": w("portfolio.summary.overdue_none_detail")}
    oldest = int(t["max_days_overdue"].max())
    return {"title": w("portfolio.summary.overdue"), "value": Markup("<br>").join(lines),
            "tone": "bad" if oldest >= 60 else "warn",
            "detail": "; ".join(details) + "; " + w("portfolio.summary.overdue_oldest", days=w.count(oldest, "day"))}


def _bands_card(report: PortfolioReport, before: pd.DataFrame, w: Words) -> dict:
    if before.empty:
        return {"title": w("portfolio.summary.bands"), "value": "–", "tone": "good",
                "detail": w("portfolio.summary.no_earlier")}
    order = band_order(report.settings["eba"]["bands"])
    moves = {"down": [], "up": []}
    for client, band in zip(report.table["client"], report.table["eba_band"]):
        old = before["eba_band"].get(client)
        if isinstance(old, str) and old != band:
            way = "down" if order.index(band) < order.index(old) else "up"
            moves[way].append(w("portfolio.summary.bands_move", client=client, before=old, after=band))
    detail = "; ".join(w(f"portfolio.summary.bands_{way}", clients=", ".join(names))
                       for way, names in moves.items() if names)
    return {"title": w("portfolio.summary.bands"),
            "value": w("portfolio.summary.bands_value", down=len(moves["down"]), up=len(moves["up"])),
            "tone": "warn" if moves["down"] else "good", "detail": detail or w("portfolio.summary.bands_same")}


def failures(failed: dict | None) -> Fragment:
    """The clients whose page failed in the run that renders this index, with what went wrong."""
    return section("portfolio/failures.html.j2", failures=failed or {})


def attention_table(report: PortfolioReport, pages: dict | None = None, failed: dict | None = None,
                    tables: dict | None = None) -> Fragment:
    """Every client of the month, sorted by the attention it needs; each name links to its page in
    ``pages`` (client -> file name), or says its report failed (``failed``), and to the CSV of its month's
    events in ``tables["events"]``."""
    events = (tables or {}).get("events") or {}
    w = _words(report)
    t = report.table
    currencies = [c for c in t.columns if c.startswith(OVERDUE_PREFIX)]
    columns = [w(f"portfolio.attention.{key}") for key in
               ("client", "manager", "signals", "quadrant", "why", "eba", "change", "effort", "overdue")]
    rows = []
    for r in t.to_dict("records"):
        flag = r["effort_flag"] if isinstance(r["effort_flag"], str) else ""
        owed = [w.money(r[c], c.removeprefix(OVERDUE_PREFIX)) for c in currencies if r[c]]
        overdue = w("portfolio.attention.overdue_oldest", amounts="; ".join(owed),
                    days=w.count(int(r["max_days_overdue"]), "day")) if owed else ""
        quadrant = r["quadrant"] if not r.get("quadrant_why") else w(
            "portfolio.attention.quadrant_why", quadrant=r["quadrant"], why=r["quadrant_why"])
        rows.append({
            "client": r["client"], "href": (pages or {}).get(r["client"]), "failed": r["client"] in (failed or {}),
            "csv": events.get(r["client"]),
            "signals": [SIGNAL_TITLES[c] for c in r["part_flags"].split(";")] if isinstance(r["part_flags"], str) else [],
            "cells": [(r["account_manager"] if isinstance(r["account_manager"], str) else "", ""), (quadrant, ""),
                      ("; ".join(attention_reasons(r, report.settings)), "why"),
                      (w("portfolio.attention.balance", balance=points(r["eba_balance"]), band=r["eba_band"]), "number"),
                      (w("portfolio.attention.change_split", change=points(r["eba_change"], True),
                         new=points(r["eba_new"], True), fading=points(r["eba_fading"], True)), "number"),
                      (f"{ratio_text(r['effort_ratio'])} / {ratio_text(r['effort_ratio_3m'])} {flag}".strip(), "number"),
                      (overdue, "number")]})
    return section("portfolio/attention.html.j2", columns=columns, rows=rows)


def by_manager(report: PortfolioReport) -> Fragment:
    """Each account manager's clients: how many, how many need attention, the signals that fired and the
    money overdue, for the monthly review's round of managers."""
    w = _words(report)
    t = report.table.assign(manager=report.table["account_manager"].fillna(w("portfolio.managers.none")))
    currencies = [c for c in t.columns if c.startswith(OVERDUE_PREFIX)]
    keys = ["manager", "clients", "need", "signals", "overdue"]
    rows = []
    for manager, group in t.groupby("manager", sort=True):
        need = group[group["attention_score"] > 0]
        owed = [w.money(group[c].sum(), c.removeprefix(OVERDUE_PREFIX)) for c in currencies if group[c].sum()]
        rows.append(dict(zip(keys, [manager, len(group), ", ".join(need["client"]), int(group["part_signals"].sum()),
                                    "; ".join(owed)])))
    frame = pd.DataFrame(rows, columns=keys).rename(columns={k: w(f"portfolio.managers.{k}") for k in keys})
    return table(frame, empty=w("portfolio.managers.empty"))


def _most_attention(report: PortfolioReport) -> list[str]:
    """The first ``FIGURE_CLIENTS`` clients of the portfolio, which is in the order of attention."""
    return report.table["client"].head(FIGURE_CLIENTS).tolist()


def _figure_note(report: PortfolioReport, what: str) -> Fragment:
    count = len(report.table)
    if count <= FIGURE_CLIENTS:
        return Fragment("")
    return section("paragraph.html.j2", text=what.format(shown=FIGURE_CLIENTS, count=count), css="sub")


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
