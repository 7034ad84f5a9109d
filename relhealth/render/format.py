"""Numbers, dates and counts as the pages write them: one way for each kind of figure."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

#: What a page shows for a missing figure.
DASH = "–"


def plural(count: int, word: str, many: str | None = None) -> str:
    """``plural(1, "row")`` is ``1 row``; ``plural(4512, "row")`` is ``4,512 rows``."""
    return f"{count:,} {word if count == 1 else many or word + 's'}"


def money(amount: float, currency: str | None = None) -> str:
    """``1,234.50``, or ``USD 1,234.50`` with a currency."""
    text = f"{amount:,.2f}"
    return f"{currency} {text}" if currency else text


def points(value: float, signed: bool = False) -> str:
    """An EBA figure to 2 decimals: ``7.54``, or ``+0.25`` when ``signed``; never ``-0.00``."""
    value = round(float(value), 2) + 0.0
    return f"{value:+.2f}" if signed else f"{value:.2f}"


def ratio_text(value: float) -> str:
    """A ratio to 3 decimals as the review table writes it, ``inf`` when infinite, a dash when missing."""
    if value is None or pd.isna(value):
        return DASH
    return "inf" if np.isinf(value) else f"{value:.3f}"


def weight_text(value: float) -> str:
    """A rubric weight with its sign: ``+2``, ``-4``, ``0``."""
    return f"{value:+g}" if value else "0"


def hours_text(value: float) -> str:
    return f"{value:,.2f}"


def figure_text(value) -> str:
    """A figure as the checklist shows it: whole numbers as they are, others to 3 decimals (as the review
    table writes ratios) without trailing zeros, so that 1.998 never reads 2."""
    if value is None or pd.isna(value):
        return "none"
    if np.isinf(value):
        return "inf"
    return f"{value:g}" if float(value).is_integer() else f"{value:.3f}".rstrip("0").rstrip(".")


def day(value) -> str:
    return pd.Timestamp(value).strftime("%Y-%m-%d")


def when(value) -> str:
    """A date, with its time of day when it has one."""
    stamp = pd.Timestamp(value)
    return stamp.strftime("%Y-%m-%d %H:%M") if (stamp.hour or stamp.minute) else stamp.strftime("%Y-%m-%d")


def month_name(month) -> str:
    """``October 2026``."""
    return pd.Period(month, "M").strftime("%B %Y")


def file_names(sources: pd.Series) -> pd.Series:
    """The file name of each row's source path, as the pages and the CSVs beside them show it (empty when
    missing)."""
    return sources.map(lambda source: "" if source is None or (not isinstance(source, str) and pd.isna(source))
                       else Path(str(source)).name)
