"""The sections of the portfolio page (``index.html``), each a :class:`~relhealth.render.html.Fragment` that
the portfolio notebook shows, and :func:`open_portfolio`, what its first cell calls."""
from __future__ import annotations

import dataclasses
from pathlib import Path

import pandas as pd
from markupsafe import Markup

from relhealth import read_dataset
from relhealth.columns import OVERDUE_PREFIX
from relhealth.i18n import Words
from relhealth.metrics.checklist import SIGNALS
from relhealth.metrics.eba import band_order
from relhealth.render import plotting
from relhealth.render.bundles import read_bundle
from relhealth.render.html import Fragment, figure, marked, section, table
from relhealth.render.shared_sections import footer, page_words  # noqa: F401  (footer: the notebook's)
from relhealth.render.shared_sections import quality_notes as notes_section
from relhealth.render.words import attention_reasons, quadrant_words, signal_title
from relhealth.resources import SAMPLE_DIR
from relhealth.review import PortfolioReport, default_month, portfolio_report
from relhealth.review.portfolio import quadrant_bounds
from relhealth.settings import load_settings

#: The portfolio's figures name at most this many clients: those that need most attention. Beyond a few
#: dozen, names overlap and rows shrink to nothing; the attention table lists every client.
FIGURE_CLIENTS = 40


def open_portfolio(data: str | None = None, month: str | None = None, config: str | None = None,
                   lang: str | None = None) -> PortfolioReport:
    """The portfolio written by ``relhealth report`` (a file), or the portfolio of a data folder (default: the
    bundled sample) for ``month`` (default: the month of the newest record), its page in ``lang`` (default:
    ``[report] language``)."""
    if data and Path(data).is_file():
        report = read_bundle(data, PortfolioReport)
        return dataclasses.replace(report, settings=report.settings.with_language(lang))
    settings = load_settings(config or None).with_language(lang)
    dataset = read_dataset(data or SAMPLE_DIR, settings)
    return portfolio_report(dataset, settings, month or default_month(dataset))


def title(report: PortfolioReport) -> Fragment:
    w = page_words(report)
    return section("portfolio/title.html.j2", title=w("portfolio.title", month=w.month(report.month)),
                   subtitle=w("portfolio.subtitle", clients=w.count(len(report.table), "client")))


def summary(report: PortfolioReport, tables: dict | None = None) -> Fragment:
    """The month at a glance: how many clients need attention, the money overdue per currency, the bands
    that moved since last month, and the signals that fired (new this month or still firing); with
    ``tables`` (the CSV files beside the pages), a link to the month's review table."""
    w = page_words(report)
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
    for code in SIGNALS:
        clients = [c for k, c in fired if k == code]
        if clients:
            rows.append({"signal": signal_title(code, w), "clients": ", ".join(
                w("portfolio.summary.new_this_month", client=c) if (code, c) in new else c for c in clients)})
    signals = table(pd.DataFrame(rows, columns=["signal", "clients"]).rename(
        columns={"signal": w("portfolio.summary.signal"), "clients": w("portfolio.summary.clients")}),
        empty=w("portfolio.summary.no_signal"), w=w)
    href = (tables or {}).get("review")
    download = section("portfolio/download.html.j2", text=marked(w, "portfolio.page.download", href=href) if href else "")
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
            moves[way].append(w("portfolio.summary.bands_move", client=client, before=w.name("band", old),
                                after=w.name("band", band)))
    detail = "; ".join(w(f"portfolio.summary.bands_{way}", clients=", ".join(names))
                       for way, names in moves.items() if names)
    return {"title": w("portfolio.summary.bands"),
            "value": w("portfolio.summary.bands_value", down=len(moves["down"]), up=len(moves["up"])),
            "tone": "warn" if moves["down"] else "good", "detail": detail or w("portfolio.summary.bands_same")}


def failures(report: PortfolioReport, failed: dict | None) -> Fragment:
    """The clients whose page failed in the run that renders this index, with what went wrong."""
    return section("portfolio/failures.html.j2", failures=failed or {}, w=page_words(report))


def quality_notes(report: PortfolioReport) -> Fragment:
    """The data-quality notes of the whole folder, in the page's language."""
    w = page_words(report)
    return notes_section(report.quality, empty=w("portfolio.page.no_notes"), w=w)


def attention_table(report: PortfolioReport, pages: dict | None = None, failed: dict | None = None,
                    tables: dict | None = None) -> Fragment:
    """Every client of the month, sorted by the attention it needs; each name links to its page in
    ``pages`` (client -> file name), or says its report failed (``failed``), and to the CSV of its month's
    events in ``tables["events"]``."""
    events = (tables or {}).get("events") or {}
    w = page_words(report)
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
        named, why = quadrant_words(r, w)
        quadrant = w("portfolio.attention.quadrant_why", quadrant=named, why=why) if why else named
        rows.append({
            "client": r["client"], "href": (pages or {}).get(r["client"]), "failed": r["client"] in (failed or {}),
            "csv": events.get(r["client"]),
            "signals": [signal_title(c, w) for c in r["part_flags"].split(";")] if isinstance(r["part_flags"], str) else [],
            "cells": [(r["account_manager"] if isinstance(r["account_manager"], str) else "", ""), (quadrant, ""),
                      ("; ".join(attention_reasons(r, report.settings, w=w)), "why"),
                      (w("portfolio.attention.balance", balance=w.points(r["eba_balance"]),
                         band=w.name("band", r["eba_band"])), "number"),
                      (w("portfolio.attention.change_split", change=w.points(r["eba_change"], True),
                         new=w.points(r["eba_new"], True), fading=w.points(r["eba_fading"], True)), "number"),
                      (f"{w.ratio(r['effort_ratio'])} / {w.ratio(r['effort_ratio_3m'])} "
                       f"{w.name('flag', flag) if flag else ''}".strip(), "number"),
                      (overdue, "number")]})
    return section("portfolio/attention.html.j2", columns=columns, rows=rows, failed=w("portfolio.page.failed"))


def by_manager(report: PortfolioReport) -> Fragment:
    """Each account manager's clients: how many, how many need attention, the signals that fired and the
    money overdue, for the monthly review's round of managers."""
    w = page_words(report)
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
    return table(frame, empty=w("portfolio.managers.empty"), w=w)


def _most_attention(report: PortfolioReport) -> list[str]:
    """The first ``FIGURE_CLIENTS`` clients of the portfolio, which is in the order of attention."""
    return report.table["client"].head(FIGURE_CLIENTS).tolist()


def _figure_note(report: PortfolioReport, key: str, w: Words) -> Fragment:
    count = len(report.table)
    if count <= FIGURE_CLIENTS:
        return Fragment("")
    return section("paragraph.html.j2", text=w(key, shown=FIGURE_CLIENTS, count=count), css="sub")


def quadrant(report: PortfolioReport) -> Fragment:
    w = page_words(report)
    ax = plotting.plot_quadrant(report.table, *quadrant_bounds(report.settings), labelled=_most_attention(report),
                                w=w)
    return _figure_note(report, "portfolio.figures.quadrant_note", w) + figure(
        ax, w("portfolio.figures.quadrant", month=w.month_short(report.month)))


def band_heatmap(report: PortfolioReport) -> Fragment:
    w = page_words(report)
    ax = plotting.plot_band_heatmap(report.bands, report.settings["eba"]["bands"], _most_attention(report), w=w)
    return _figure_note(report, "portfolio.figures.heatmap_note", w) + figure(ax, w("portfolio.figures.heatmap"))
