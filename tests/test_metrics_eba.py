"""The emotional bank account: ledger, decay, monthly balances, bands and contributions
(relhealth.metrics.eba). Every expected number is worked out by hand beside it, with H = 90 days."""
import pandas as pd
import pytest

from relhealth.io import read_dataset
from relhealth.metrics.eba import band_of, contributions, ledger_from_activities, monthly_eba
from relhealth.settings import load_settings

WEIGHTS = load_settings()["eba"]["weights"]
EBA = {"half_life_days": 90, "opening_balance": 0, "bands": {"strong": 15, "healthy": 5, "watch": 0}}

ACME = """\
    date,client,kind,weight,subject
    2026-01-15 10:00,Acme,deadline_met,,Launch page
    2026-02-20,Acme,praise,,Great work
    2026-03-31 22:00,Acme,complaint,,Late copy
    2026-04-01 08:00,Acme,praise,,After the month
"""


def ledger_of(folder, text, weights=WEIGHTS):
    data = read_dataset(folder({"crm_activities.csv": text}))
    return ledger_from_activities(data.crm_activities, weights)


def month_row(table, client, month):
    return table[(table["client"] == client) & (table["month"] == pd.Period(month, "M"))].iloc[0]


def test_the_balance_decays_each_event_by_its_age_in_days(folder):
    table = monthly_eba(ledger_of(folder, ACME), ["Acme"], pd.period_range("2026-02", "2026-03", freq="M"), EBA)
    march = month_row(table, "Acme", "2026-03")
    # at 2026-03-31: deadline_met  2 * 0.5 ** (75 / 90) =  1.122462
    #                praise        3 * 0.5 ** (39 / 90) =  2.221646
    #                complaint    -4 (its day is the 31st: age 0, the evening time does not matter)
    #                praise on 2026-04-01 is after the month: out
    assert march["balance"] == pytest.approx(1.122462 + 2.221646 - 4, abs=1e-6)   # -0.655892
    assert march["band"] == "overdrawn"
    february = month_row(table, "Acme", "2026-02")
    # at 2026-02-28: 2 * 0.5 ** (44 / 90) + 3 * 0.5 ** (8 / 90) = 1.425147 + 2.820740
    assert february["balance"] == pytest.approx(4.245887, abs=1e-6)
    assert february["band"] == "watch"
    # change in March = -0.655892 - 4.245887
    assert march["change"] == pytest.approx(-4.901779, abs=1e-6)
    # deposits / withdrawals: undecayed weights dated in the month
    assert (march["deposits"], march["withdrawals"]) == (0, -4)
    assert (february["deposits"], february["withdrawals"]) == (3, 0)


def test_half_life_zero_switches_decay_off(folder):
    eba = {**EBA, "half_life_days": 0, "opening_balance": 10}
    table = monthly_eba(ledger_of(folder, ACME), ["Acme"], pd.PeriodIndex(["2026-03"], freq="M"), eba)
    # 10 + 2 + 3 - 4; the praise of April 1st is out
    assert month_row(table, "Acme", "2026-03")["balance"] == 11


def test_a_row_weight_overrides_the_rubric_and_an_unknown_kind_weighs_zero(folder):
    ledger = ledger_of(folder, """\
        date,client,kind,weight
        2026-03-01,Acme,deadline_met,7
        2026-03-02,Acme,deadline_met,
        2026-03-03,Acme,lunch,
        2026-03-04,Acme,lunch,1.5
    """)
    assert ledger["weight"].tolist() == [7, 2, 0, 1.5]
    assert ledger["weight_from"].tolist() == ["row", "rubric", "unknown kind", "row"]
    table = monthly_eba(ledger, ["Acme"], pd.PeriodIndex(["2026-03"], freq="M"), {**EBA, "half_life_days": 0})
    assert month_row(table, "Acme", "2026-03")["balance"] == 7 + 2 + 0 + 1.5


def test_spellings_and_aliases_of_a_client_fill_one_account(folder):
    data = read_dataset(folder({
        "clients.csv": "client,aliases\nООО «Ромашка»,Romashka LLC\n",
        "crm_activities.csv": '\n'.join([
            "date,client,kind",
            '2026-03-02,"ООО ""Ромашка""",praise',
            "2026-03-03,romashka llc,praise",
            "2026-03-04,  ооо  ромашка ,complaint",
        ]),
    }))
    ledger = ledger_from_activities(data.crm_activities, WEIGHTS)
    table = monthly_eba(ledger, data.client_names, pd.PeriodIndex(["2026-03"], freq="M"), {**EBA, "half_life_days": 0})
    assert table[["client", "balance"]].values.tolist() == [["ООО «Ромашка»", 3 + 3 - 4]]


def test_a_client_without_events_has_the_opening_balance(folder):
    table = monthly_eba(ledger_of(folder, ACME), ["Acme", "Quiet Ltd"], pd.PeriodIndex(["2026-03"], freq="M"),
                        {**EBA, "opening_balance": 5})
    quiet = month_row(table, "Quiet Ltd", "2026-03")
    assert (quiet["balance"], quiet["change"], quiet["deposits"], quiet["band"]) == (5, 0, 0, "healthy")


@pytest.mark.parametrize("balance, band", [(15, "strong"), (14.99, "healthy"), (5, "healthy"), (0, "watch"),
                                           (-0.01, "overdrawn")])
def test_band_of_takes_the_highest_lower_bound_reached(balance, band):
    assert band_of(balance, EBA["bands"]) == band


def test_the_change_splits_into_what_happened_and_what_faded(folder):
    table = monthly_eba(ledger_of(folder, ACME), ["Acme"], pd.period_range("2026-02", "2026-03", freq="M"), EBA)
    march, february = month_row(table, "Acme", "2026-03"), month_row(table, "Acme", "2026-02")
    # March: the complaint of the 31st is new, -4 at the month's end; the rest of the change -4.901779 is
    # the deadline_met and the praise fading: -0.302685 - 0.599094 = -0.901779
    assert march["new"] == pytest.approx(-4, abs=1e-6)
    assert march["fading"] == pytest.approx(-0.901779, abs=1e-6)
    # February: the praise of the 20th, 3 * 0.5 ** (8 / 90) = 2.820740, is new; the January deadline_met
    # fades from 2 * 0.5 ** (16 / 90) = 1.768127 to 1.425147: -0.342980
    assert february["new"] == pytest.approx(2.820740, abs=1e-6)
    assert february["fading"] == pytest.approx(-0.342980, abs=1e-6)
    assert march["new"] + march["fading"] == pytest.approx(march["change"])


def test_contributions_add_up_to_the_change_and_come_largest_first(folder):
    ledger = ledger_of(folder, ACME)
    moved = contributions(ledger, "2026-03", 90)
    # complaint: -4 (new); praise: 2.221646 - 2.820740 = -0.599094; deadline_met: 1.122462 - 1.425147 = -0.302685
    assert moved["kind"].tolist() == ["complaint", "praise", "deadline_met"]
    assert moved["contribution"].tolist() == pytest.approx([-4, -0.599094, -0.302685], abs=1e-6)
    assert moved["contribution"].sum() == pytest.approx(-4.901779, abs=1e-6)
    assert moved["row"].tolist() == [4, 3, 2]
