"""The few statistics the backtest needs, by hand (DESIGN section 4c): Wilson's interval of a rate, the
AUC of a score as the Mann-Whitney statistic, and a bootstrap interval of the AUC that resamples clients,
not client-months, since the months of one client are not independent."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd

#: The normal quantile of a two-sided 95% interval.
Z95 = 1.959963984540054


def wilson(events: int, trials: int, z: float = Z95) -> tuple[float, float]:
    """Wilson's score interval of the rate ``events / trials`` (NaN, NaN when there is no trial)."""
    if trials == 0:
        return math.nan, math.nan
    p = events / trials
    denominator = 1 + z * z / trials
    centre = (p + z * z / (2 * trials)) / denominator
    half = z * math.sqrt(p * (1 - p) / trials + z * z / (4 * trials * trials)) / denominator
    return max(0.0, centre - half), min(1.0, centre + half)


def auc(scores, outcomes) -> float:
    """The probability that a row with the outcome scores higher than one without (ties count half): the
    Mann-Whitney U over both counts. NaN when either side is empty; rows with a missing score or outcome
    are left out."""
    frame = pd.DataFrame({"score": pd.Series(scores, dtype="float64").to_numpy(),
                          "outcome": pd.Series(outcomes, dtype="boolean").to_numpy()}).dropna()
    return _auc(frame["score"].to_numpy(dtype="float64"), frame["outcome"].to_numpy(dtype=bool))


def _auc(score: np.ndarray, positive: np.ndarray) -> float:
    """:func:`auc` of arrays without missing values: the positives' average ranks, less their least sum."""
    n1 = int(positive.sum())
    n0 = len(positive) - n1
    if not n1 or not n0:
        return math.nan
    order = np.argsort(score, kind="mergesort")
    _, first, counts = np.unique(score[order], return_index=True, return_counts=True)
    ranks = np.empty(len(score))
    ranks[order] = np.repeat(first + (counts + 1) / 2, counts)      # tied values share their average rank
    return float((ranks[positive].sum() - n1 * (n1 + 1) / 2) / (n1 * n0))


def bootstrap_auc(scores, outcomes, groups, reps: int = 1000, seed: int = 20261031) -> tuple[float, float]:
    """A 95% percentile interval of :func:`auc`, resampling ``groups`` (the clients) with replacement;
    resamples with no row of one side are skipped. NaN, NaN when too few resamples are left."""
    frame = pd.DataFrame({"score": pd.Series(scores, dtype="float64").to_numpy(),
                          "outcome": pd.Series(outcomes, dtype="boolean").to_numpy(),
                          "group": pd.Series(groups).to_numpy()}).dropna()
    by_group = [(rows["score"].to_numpy(dtype="float64"), rows["outcome"].to_numpy(dtype=bool))
                for _, rows in frame.groupby("group", sort=True)]
    if len(by_group) < 2:
        return math.nan, math.nan
    rng = np.random.default_rng(seed)
    found = []
    for _ in range(reps):
        picked = [by_group[i] for i in rng.integers(0, len(by_group), len(by_group))]
        value = _auc(np.concatenate([s for s, _ in picked]), np.concatenate([o for _, o in picked]))
        if not math.isnan(value):
            found.append(value)
    if len(found) < reps / 10:
        return math.nan, math.nan
    low, high = np.percentile(found, [2.5, 97.5])
    return float(low), float(high)
