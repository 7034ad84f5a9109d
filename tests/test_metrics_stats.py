"""The backtest's statistics (relhealth.metrics.stats) against values worked out by hand."""
import math

import pytest

from relhealth.metrics.stats import auc, bootstrap_auc, wilson


def test_wilson_interval_of_a_rate_by_hand():
    # 2 of 10: p = 0.2, z² = 3.8415; centre = (0.2 + 0.19207) / 1.38415 = 0.28326;
    # half = 1.95996 × sqrt(0.016 + 0.0096037) / 1.38415 = 0.22657 -> 0.0567 to 0.5098
    low, high = wilson(2, 10)
    assert (round(low, 4), round(high, 4)) == (0.0567, 0.5098)
    # none of 5: from 0 to z² / (n + z²) = 3.8415 / 8.8415 = 0.4345
    assert wilson(0, 5)[0] == 0.0 and round(wilson(0, 5)[1], 4) == 0.4345
    assert all(math.isnan(v) for v in wilson(0, 0))


def test_auc_is_the_share_of_pairs_ranked_right_ties_half():
    # positives 0.9, 0.4; negatives 0.5, 0.4, 0.1: pairs (0.9 beats all 3) + (0.4: beats 0.1, ties 0.4) = 4.5 of 6
    assert auc([0.9, 0.4, 0.5, 0.4, 0.1], [True, True, False, False, False]) == pytest.approx(0.75)
    assert auc([1, 2, 3], [False, False, True]) == 1.0 and auc([1, 2, 3], [True, False, False]) == 0.0
    # a missing score or outcome is left out; one side empty gives no AUC
    assert auc([1, None, 3, 2], [False, True, True, None]) == 1.0
    assert math.isnan(auc([1, 2], [False, False]))


def test_the_bootstrap_resamples_clients_and_brackets_the_auc():
    scores = [5, 4, 1, 0, 6, 2, 3, 1]
    outcomes = [True, False, False, False, True, False, True, False]
    groups = ["a", "a", "b", "b", "c", "c", "d", "d"]
    low, high = bootstrap_auc(scores, outcomes, groups, reps=400, seed=1)
    assert 0 <= low <= auc(scores, outcomes) <= high <= 1
    assert bootstrap_auc(scores, outcomes, groups, reps=400, seed=1) == (low, high)      # reproducible
    assert all(math.isnan(v) for v in bootstrap_auc([1, 2], [True, False], ["a", "a"]))
