"""Two small rules every metric shares: a ratio with honest edges, and the level a value reaches."""
from __future__ import annotations

import numpy as np
import pandas as pd


def ratio(numerator, denominator):
    """``numerator / denominator`` elementwise: ``inf`` when only the numerator is above 0, missing (NaN)
    when both are 0."""
    top = np.asarray(numerator, dtype="float64")
    bottom = np.asarray(denominator, dtype="float64")
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(bottom > 0, top / np.where(bottom > 0, bottom, 1), np.where(top > 0, np.inf, np.nan))


def level_of(value: float, bounds: dict[str, float], below: str | None) -> str | None:
    """The name of the highest lower bound ``value`` reaches, else ``below``; None for a missing value."""
    if value is None or pd.isna(value):
        return None
    for name, bound in sorted(bounds.items(), key=lambda item: item[1], reverse=True):
        if value >= bound:
            return name
    return below
