"""The portfolio (DESIGN section 1): every client of the month review placed in its quadrant and sorted by
the attention it needs, and the band history of the portfolio page."""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from relhealth.io import Dataset, QualityNote
from relhealth.metrics.eba import band_order
from relhealth.metrics.invoices import invoice_status
from relhealth.metrics.months import month_end
from relhealth.review.clients import HISTORY_MONTHS
from relhealth.review.scoring import Scored, score
from relhealth.review.table import month_table
from relhealth.settings import Settings

#: The four quadrants, worst first: (name, high trust, high cost).
QUADRANTS = [
    ("consider parting", False, True),
    ("renegotiate terms", True, True),
    ("fix our service", False, False),
    ("keep and grow", True, False),
]


def quadrant_bounds(settings: Settings) -> tuple[float, float]:
    """Where the quadrant lines sit: the lower bound of the band ``[quadrant] high_trust_band`` (the EBA
    balance of high trust) and the bound of the flag ``[quadrant] high_cost_flag`` (the three-month effort
    ratio of high cost)."""
    quadrant = settings["quadrant"]
    return (settings["eba"]["bands"][quadrant["high_trust_band"]],
            settings["effort"]["flags"][quadrant["high_cost_flag"]])


def quadrant_of(balance: float, ratio_3m: float, settings: Settings) -> str:
    """The quadrant of a client: trust is high when the EBA balance reaches the trust bound, cost when the
    three-month effort ratio reaches the cost bound (:func:`quadrant_bounds`). A missing ratio (no hours)
    is low cost."""
    trust_bound, cost_bound = quadrant_bounds(settings)
    high_trust = balance >= trust_bound
    high_cost = not pd.isna(ratio_3m) and ratio_3m >= cost_bound
    return next(name for name, trust, cost in QUADRANTS if trust == high_trust and cost == high_cost)


#: Signals that place a client in "consider parting" wherever its balance and costs put it: practice
#: answers both with preparing to part (DESIGN section 4b).
PARTING_SIGNALS = ("hostility", "payment_burden")
#: The quadrant of a client with less than ``NEW_MONTHS`` months of records: too new to judge.
NEW_CLIENT, NEW_MONTHS = "new client", 3


#: Why a client is not where its balance and costs put it (``quadrant_why``): a parting signal fired, or
#: it is too new to judge. The pages put each into words.
PARTING, TOO_NEW = "parting", "new_client"


def verdict(row, first_month: pd.Period | None, settings: Settings) -> tuple[str, str, str]:
    """The quadrant of a review row, why when it is not where the balance and the costs put it (``""``,
    ``PARTING`` or ``TOO_NEW``), and where they put it. A parting signal (``PARTING_SIGNALS``) places the
    client in "consider parting"; else a client whose first record is less than ``NEW_MONTHS`` months old
    is a ``new client``."""
    placed = quadrant_of(row["eba_balance"], row["effort_ratio_3m"], settings)
    fired = [code for code in str(row["part_flags"]).split(";") if code in PARTING_SIGNALS] \
        if isinstance(row["part_flags"], str) else []
    if fired and placed != QUADRANTS[0][0]:
        return QUADRANTS[0][0], PARTING, placed
    month = pd.Period(row["month"], "M")
    if first_month is not None and not fired and (month - first_month).n + 1 < NEW_MONTHS:
        return NEW_CLIENT, TOO_NEW, placed
    return placed, "", placed


def attention_score(row, settings: Settings) -> int:
    """How much attention a client needs, for the portfolio's order: the checklist signals that fire,
    plus one for each band below the high-trust band (``[quadrant] high_trust_band``; overdrawn is the
    lowest), plus one for each effort flag above green (amber 1, red 2)."""
    order = band_order(settings["eba"]["bands"])[::-1]         # the highest first
    band_step = max(0, order.index(row["eba_band"]) - order.index(settings["quadrant"]["high_trust_band"]))
    flags = [name for name, _ in sorted(settings["effort"]["flags"].items(), key=lambda item: item[1])]
    flag = row["effort_flag"]
    flag_step = flags.index(flag) + 1 if isinstance(flag, str) and flag in flags else 0
    return int(row["part_signals"]) + band_step + flag_step


def portfolio(review: pd.DataFrame, settings: Settings, first_months: pd.Series | None = None) -> pd.DataFrame:
    """The review with each client's ``quadrant`` (its :func:`verdict`, given each client's first month),
    ``quadrant_why`` (empty when the balance and the costs alone place it, else ``PARTING`` or ``TOO_NEW``),
    ``quadrant_placed`` (where they place it), ``first_month`` (of its records) and ``attention_score``,
    sorted by the score, highest first, then by EBA balance, lowest first."""
    table = review.copy()
    firsts = first_months if first_months is not None else pd.Series(dtype="object")
    verdicts = [verdict(row, firsts.get(row["client"]), settings) for row in table.to_dict("records")]
    table["quadrant"] = pd.Series([v[0] for v in verdicts], index=table.index, dtype="str")
    table["quadrant_why"] = pd.Series([v[1] for v in verdicts], index=table.index, dtype="str")
    table["quadrant_placed"] = pd.Series([v[2] for v in verdicts], index=table.index, dtype="str")
    table["first_month"] = firsts.reindex(table["client"]).set_axis(table.index).astype("period[M]")
    table["attention_score"] = pd.Series([attention_score(row, settings) for row in table.to_dict("records")],
                                         index=table.index, dtype="int64")
    order = table.sort_values(["attention_score", "eba_balance"], ascending=[False, True], kind="stable")
    return order.reset_index(drop=True)


@dataclass
class PortfolioReport:
    """Everything the portfolio page shows for one month: :func:`portfolio` of the month review, the same
    for the month before (``previous``, the same clients; empty when that month was not scored), the band
    history of its clients (``client, month, balance, band``; missing before a client's first record) and
    the data-quality notes of the whole folder."""

    month: pd.Period
    folder: str
    settings: Settings
    table: pd.DataFrame
    bands: pd.DataFrame
    quality: list[QualityNote]
    previous: pd.DataFrame


def portfolio_of(scored: Scored) -> PortfolioReport:
    """The portfolio of a scored dataset (score it with the history months for a full band history)."""
    table = portfolio(scored.review, scored.settings, scored.first_months)
    bands = scored.eba[["client", "month", "balance", "band"]]
    before = bands["month"] < scored.first_months.reindex(bands["client"]).set_axis(bands.index)
    bands = bands.assign(balance=bands["balance"].mask(before), band=bands["band"].mask(before))
    return PortfolioReport(month=scored.month, folder=str(scored.dataset.folder), settings=scored.settings,
                           table=table, bands=bands.reset_index(drop=True), quality=list(scored.dataset.quality),
                           previous=_previous(scored))


def _previous(scored: Scored) -> pd.DataFrame:
    """:func:`portfolio` of the month before, for the clients of this month (as that month's end saw them);
    empty when that month was not scored."""
    last = scored.month - 1
    if last not in scored.months:
        return portfolio(scored.review.iloc[:0], scored.settings)
    review = month_table(scored.dataset, scored.settings, last, scored.clients, scored.eba, scored.effort,
                         scored.signals, invoice_status(scored.dataset.invoices, month_end(last)))
    return portfolio(review, scored.settings, scored.first_months)


def portfolio_report(dataset: Dataset, settings: Settings, month: str | pd.Period) -> PortfolioReport:
    """The portfolio of ``month``: every client of the month review, sorted by the attention it needs, with
    the band history of the last 12 months."""
    return portfolio_of(score(dataset, settings, month, HISTORY_MONTHS))
