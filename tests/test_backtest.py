"""The backtest (DESIGN section 4c): the panel's outcomes worked out by hand on three clients, and the
proof that a month of the panel sees nothing dated after its end."""
from __future__ import annotations

import pandas as pd
import pytest

import relhealth
from relhealth.cli import main
from relhealth.render.review_csv import review_to_csv
from relhealth.review.backtest import backtest, churn_month, panel

#: Acme ends on 10 May; Beta's hours stop after March; Gamma pays an invoice due 31 March 45 days late and
#: leaves one due 30 June unpaid at the end of the data (31 August: 62 days).
CLIENTS = "client,account_manager,ended\nAcme,Ann,2026-05-10\nBeta,Ann,\nGamma,Ben,\n"
HOURS = "date,client,hours,task\n" + "".join(
    f"2026-{m:02d}-05,Acme,10,Design\n" for m in range(1, 6)) + "".join(
    f"2026-{m:02d}-06,Beta,8,Design\n" for m in range(1, 4)) + "".join(
    f"2026-{m:02d}-{28 if m < 8 else 31},Gamma,12,Design\n" for m in range(1, 9))
INVOICES = ("invoice,client,issued,due,amount,currency,paid_on\n"
            "G-1,Gamma,2026-03-01,2026-03-31,1000,EUR,2026-05-15\n"
            "G-2,Gamma,2026-06-01,2026-06-30,1000,EUR,\n")
FILES = {"clients.csv": CLIENTS, "time_entries.csv": HOURS, "invoices.csv": INVOICES}
SETTINGS = relhealth.load_settings()
MONTHS = pd.period_range("2026-01", "2026-08", freq="M")


@pytest.fixture
def data(folder):
    return relhealth.read_dataset(folder(FILES))


def test_each_client_churns_when_it_ended_or_when_its_hours_stopped(data):
    # Acme by its ended date; Beta by April, May and June without work hours after March with them
    assert churn_month(data, SETTINGS).to_dict() == {"Beta": pd.Period("2026-04", "M"), "Acme": pd.Period("2026-05", "M")}


def test_the_outcomes_of_each_client_month_by_hand(data):
    table = panel(data, SETTINGS, MONTHS)
    shown = {(c, str(m)): (o1, o2) for c, m, o1, o2 in table[["client", "month", "churned", "paid_late"]].itertuples(
        index=False)}
    na = pd.NA
    # a 3-month horizon: known up to May (May + 3 = August, the last month of the data)
    expected = {
        # Acme ends in May: not within January's horizon (February to April), within February's to April's;
        # from May on it has churned (May: still reviewed, its outcome empty; June on: not reviewed)
        ("Acme", "2026-01"): (False, False), ("Acme", "2026-02"): (True, False), ("Acme", "2026-03"): (True, False),
        ("Acme", "2026-04"): (True, False), ("Acme", "2026-05"): (na, na),
        # Beta churns in April: within the horizon of January to March
        ("Beta", "2026-01"): (True, False), ("Beta", "2026-02"): (True, False), ("Beta", "2026-03"): (True, False),
        ("Beta", "2026-04"): (na, na), ("Beta", "2026-05"): (na, na), ("Beta", "2026-06"): (na, na),
        ("Beta", "2026-07"): (na, na), ("Beta", "2026-08"): (na, na),
        # Gamma: G-1 (due 31 March, 45 days late) falls in the horizons of January and February; G-2 (due
        # 30 June, unpaid 62 days at the end) in those of March to May; June on runs past the data
        ("Gamma", "2026-01"): (False, True), ("Gamma", "2026-02"): (False, True), ("Gamma", "2026-03"): (False, True),
        ("Gamma", "2026-04"): (False, True), ("Gamma", "2026-05"): (False, True), ("Gamma", "2026-06"): (na, na),
        ("Gamma", "2026-07"): (na, na), ("Gamma", "2026-08"): (na, na),
    }
    assert set(shown) == set(expected)
    for key, (churned, late) in expected.items():
        got = shown[key]
        assert (pd.isna(got[0]) if churned is na else got[0] == churned), (key, got)
        assert (pd.isna(got[1]) if late is na else got[1] == late), (key, got)


def test_a_month_of_the_panel_equals_score_month_on_the_data_cut_at_its_end(data, folder, tmp_path, capsys):
    table = panel(data, SETTINGS, MONTHS)
    march = table[table["month"] == "2026-03"].drop(columns=["churned", "paid_late"]).reset_index(drop=True)
    # the folder as it stood on 31 March: no row dated later, G-1 not paid yet, Acme's end not known
    cut = folder({"clients.csv": CLIENTS.replace("2026-05-10", ""),
                  "time_entries.csv": "\n".join(line for line in HOURS.splitlines()
                                                if not line.startswith(("2026-04", "2026-05", "2026-06", "2026-07",
                                                                        "2026-08"))) + "\n",
                  "invoices.csv": "invoice,client,issued,due,amount,currency,paid_on\n"
                                  "G-1,Gamma,2026-03-01,2026-03-31,1000,EUR,\n"})
    capsys.readouterr()
    assert main(["score", str(cut), "--month", "2026-03"]) == 0
    assert capsys.readouterr().out == review_to_csv(march)


def test_the_backtest_of_an_agency_with_no_churn_has_nothing_to_measure(folder):
    data = relhealth.read_dataset(folder({"time_entries.csv": "date,client,hours\n" + "".join(
        f"2026-{m:02d}-05,Acme,10\n" for m in range(1, 9))}))
    report = backtest(data, SETTINGS, first="2026-04", reps=50)
    assert report.churned.empty and report.panel["churned"].dropna().eq(False).all()
    assert report.aucs.set_index(["predictor", "outcome"]).loc[("eba_balance", "churned"), "events"] == 0
    assert report.aucs["auc"].isna().all()
