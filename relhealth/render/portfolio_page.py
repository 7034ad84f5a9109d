"""The sections of the portfolio page (``index.html``), each a :class:`~relhealth.render.html.Fragment` that
the portfolio notebook shows, and :func:`open_portfolio`, what its first cell calls."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from relhealth import read_dataset
from relhealth.columns import OVERDUE_PREFIX
from relhealth.render import plotting
from relhealth.render.bundles import read_bundle
from relhealth.render.format import money, month_name, points, ratio_text
from relhealth.render.html import Fragment, figure, section, table
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


def title(report: PortfolioReport) -> Fragment:
    return section("portfolio/title.html.j2", month=month_name(report.month), count=len(report.table))


def failures(failed: dict | None) -> Fragment:
    """The clients whose page failed in the run that renders this index, with what went wrong."""
    return section("portfolio/failures.html.j2", failures=failed or {})


def attention_table(report: PortfolioReport, pages: dict | None = None, failed: dict | None = None) -> Fragment:
    """Every client of the month, sorted by the attention it needs; each name links to its page in
    ``pages`` (client -> file name), or says its report failed (``failed``)."""
    t = report.table
    currencies = [c for c in t.columns if c.startswith(OVERDUE_PREFIX)]
    columns = ["client", "signals", "quadrant", "why it needs attention", "EBA", "band", "change", "effort ratio",
               "3 months", "flag", "oldest overdue (days)"] + [c.replace(OVERDUE_PREFIX, "overdue ") for c in currencies]
    rows = []
    for r in t.to_dict("records"):
        flag = r["effort_flag"] if isinstance(r["effort_flag"], str) else ""
        rows.append({
            "client": r["client"], "href": (pages or {}).get(r["client"]), "failed": r["client"] in (failed or {}),
            "signals": [SIGNAL_TITLES[c] for c in r["part_flags"].split(";")] if isinstance(r["part_flags"], str) else [],
            "cells": [r["quadrant"] + (f" ({r['quadrant_why']})" if r.get("quadrant_why") else ""),
                      "; ".join(attention_reasons(r, report.settings)), points(r["eba_balance"]),
                      r["eba_band"], points(r["eba_change"], True), ratio_text(r["effort_ratio"]),
                      ratio_text(r["effort_ratio_3m"]), flag, int(r["max_days_overdue"])]
                     + [money(r[c]) if r[c] else "" for c in currencies]})
    return section("portfolio/attention.html.j2", columns=columns, rows=rows)


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


def overdue_totals(report: PortfolioReport) -> Fragment:
    t = report.table
    rows = []
    for column in [c for c in t.columns if c.startswith(OVERDUE_PREFIX)]:
        owing = t[t[column] > 0]
        rows.append({"currency": column.removeprefix(OVERDUE_PREFIX), "overdue": t[column].sum(), "clients": len(owing),
                     "largest": owing.loc[owing[column].idxmax(), "client"] if len(owing) else ""})
    return table(pd.DataFrame(rows, columns=["currency", "overdue", "clients", "largest"]), {"overdue": money},
                 empty="No invoices.")
