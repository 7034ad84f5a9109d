"""The "when to part" checklist (relhealth.metrics.checklist, DESIGN section 4b): each signal at its threshold."""
import pandas as pd
import pytest

from relhealth.metrics.checklist import CHECKLIST, assess, with_checklist
from relhealth.settings import load_settings


def fired(row: pd.Series, thresholds: dict) -> list[str]:
    """The signals that fire for one row, by its assessment; the review table's part_flags must agree."""
    assessment = assess(row, thresholds)
    codes = list(dict.fromkeys(assessment.loc[assessment["fired"], "signal"]))
    flags = with_checklist(pd.DataFrame([row]), thresholds)["part_flags"].iloc[0]
    assert (flags.split(";") if isinstance(flags, str) else []) == codes
    return codes


QUIET = {"advice_rejected_3m": 0, "effort_ratio_3m": float("nan"), "max_days_overdue": 0, "extra_share_3m": 0.0,
         "retainer_use": float("nan"), "scope_requests_3m": 0, "client_silence_days": pd.NA,
         "client_reply_trend": float("nan"), "meetings_held_3m": 1, "meetings_cancelled_3m": 0, "complaints_3m": 0,
         "rude_3m": 0}


@pytest.mark.parametrize("signal, at, below", [
    ("ignored_advice", {"advice_rejected_3m": 2}, {"advice_rejected_3m": 1}),
    ("payment_burden", {"effort_ratio_3m": 1.0}, {"effort_ratio_3m": 0.999}),
    ("payment_burden", {"max_days_overdue": 60}, {"max_days_overdue": 59}),
    ("excessive_demands", {"extra_share_3m": 0.25}, {"extra_share_3m": 0.2499}),
    ("excessive_demands", {"retainer_use": 1.2}, {"retainer_use": 1.1999}),
    ("excessive_demands", {"scope_requests_3m": 3}, {"scope_requests_3m": 2}),
    ("no_feedback", {"client_silence_days": 21}, {"client_silence_days": 20}),
    ("no_feedback", {"client_reply_trend": 2.0}, {"client_reply_trend": 1.999}),
    ("no_partnership", {"meetings_held_3m": 0, "meetings_cancelled_3m": 1},
     {"meetings_held_3m": 0, "meetings_cancelled_3m": 0}),
    ("no_partnership", {"meetings_held_3m": 0, "meetings_cancelled_3m": 1},
     {"meetings_held_3m": 1, "meetings_cancelled_3m": 3}),
    ("friction", {"complaints_3m": 2}, {"complaints_3m": 1}),
    ("hostility", {"rude_3m": 1}, {"rude_3m": 0}),
])
def test_each_signal_fires_at_its_threshold_and_not_just_below(signal, at, below):
    thresholds = load_settings()["signals"]
    assert fired(pd.Series(QUIET), thresholds) == []
    assert fired(pd.Series({**QUIET, **at}), thresholds) == [signal]
    assert fired(pd.Series({**QUIET, **below}), thresholds) == []


def test_thresholds_come_from_the_settings(tmp_path):
    config = tmp_path / "strict.toml"
    config.write_text("[signals.hostility]\nrude_3m = 2\n", encoding="utf-8")
    assert fired(pd.Series({**QUIET, "rude_3m": 1}), load_settings(config)["signals"]) == []
    assert [s.code for s in CHECKLIST] == ["ignored_advice", "payment_burden", "excessive_demands", "no_feedback",
                                           "no_partnership", "friction", "hostility"]


def test_an_assessment_holds_each_test_with_its_figure_bound_and_direction():
    thresholds = load_settings()["signals"]
    row = pd.Series({**QUIET, "meetings_held_3m": 0, "meetings_cancelled_3m": 4, "client_silence_days": 26})
    tests = assess(row, thresholds).set_index(["signal", "figure"])
    assert tests.loc[("no_partnership", "meetings_held_3m")][["value", "bound", "at_most", "holds"]].tolist() == [
        0.0, 0.0, True, True]
    assert tests.loc[("no_feedback", "client_silence_days")][["value", "bound", "holds", "fired"]].tolist() == [
        26.0, 21.0, True, True]
    assert pd.isna(tests.loc[("no_feedback", "client_reply_trend"), "value"])
    assert not tests.loc[("hostility", "rude_3m"), "fired"]
