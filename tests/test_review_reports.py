"""What the reports show (relhealth.review): one client's report from its own rows, the quadrant, the
portfolio order. Decay is off (half_life_days = 0) so every number below is a plain sum."""
import pandas as pd
import pytest

from relhealth.errors import InputError, UsageError
from relhealth.i18n import words
from relhealth.io import read_dataset
from relhealth.render.bundles import read_bundle, write_bundle
from relhealth.render.words import attention_reasons, quadrant_words
from relhealth.review import (
    ClientReport,
    client_report,
    find_client,
    month_review,
    portfolio,
    portfolio_report,
    quadrant_of,
    score,
)
from relhealth.review.client import report_of
from relhealth.settings import load_settings

FILES = {
    "clients.csv": """\
        client,aliases,account_manager,retainer_hours,payment_terms_days,currency
        Acme,ACME Corp.,Oleg,20,30,EUR
        Beta,,Maria,,,USD
    """,
    "crm_activities.csv": """\
        date,client,kind,subject
        2026-02-10,Acme,deadline_met,Launch
        2026-03-05,Acme,praise,Kind words
        2026-03-20 16:00,Acme,complaint,Late copy
        2026-03-25,Beta,praise,BETA-CANARY
    """,
    "time_entries.csv": """\
        date,client,hours,task
        2026-02-10,Acme,4,Design
        2026-03-02,Acme,6,Design
        2026-03-03,Acme,2,Payment reminder call
        2026-03-04,Beta,5,BETA-CANARY layout
        2026-03-04,,1,Team meeting
    """,
    "invoices.csv": """\
        invoice,client,issued,due,amount,currency,paid_on,paid_amount
        A-1,Acme,2026-01-31,2026-02-28,1000,EUR,,
        A-2,Acme,2026-02-28,2026-03-30,500,EUR,2026-03-15,500
        A-3,Acme,2026-03-31,2026-04-30,700,EUR,,
        B-1,Beta,2026-03-01,2026-03-10,900,USD,,
    """,
}


@pytest.fixture
def settings(tmp_path):
    config = tmp_path / "no-decay.toml"
    config.write_text("[eba]\nhalf_life_days = 0\n", encoding="utf-8")
    return load_settings(config)


@pytest.fixture
def data(folder, settings):
    return read_dataset(folder(FILES), known_kinds=settings.known_kinds)


def test_a_client_report_adds_up_from_the_clients_own_rows(data, settings):
    report = client_report(data, settings, "Acme", "2026-03")
    h = report.headline
    # EBA without decay: deadline_met 2 (Feb) + praise 3 - complaint 4 (Mar) = 1.0, watch; end of Feb it was 2
    assert (h["eba_balance"], h["eba_band"], h["eba_change"]) == (1.0, "watch", -1.0)
    assert (h["eba_deposits"], h["eba_withdrawals"]) == (3.0, -4.0)
    # March: 6 h of design is work, the 2 h payment reminder call is chasing: 2 / 6; Jan-Mar: 2 / (4 + 6)
    assert h["effort_ratio"] == pytest.approx(1 / 3)
    assert h["effort_ratio_3m"] == pytest.approx(0.2)
    assert h["effort_flag"] == "amber"
    # at 2026-03-31: A-1 (1000, due 2026-02-28) is 31 days overdue; A-2 is paid; A-3 is not yet due
    assert (h["max_days_overdue"], h["overdue_EUR"]) == (31, 1000.0)
    assert report.open_invoices["invoice"].tolist() == ["A-1", "A-3"]
    assert report.aging.loc["EUR"].to_dict() == {"current": 700.0, "1-30": 0.0, "31-60": 1000.0, "61-90": 0.0,
                                                 "90+": 0.0}
    assert report.overdue[["currency", "overdue", "max_days_overdue"]].values.tolist() == [["EUR", 1000.0, 31]]
    # low trust (1.0 < healthy 5), low cost (0.2 < amber 0.25)
    assert h["quadrant"] == "fix our service"
    assert "; ".join(attention_reasons(h, settings)) == (
        "EBA low at 1.00 (watch); chasing payment took 0.333 times the work hours this month; an invoice 31 days "
        "overdue")
    assert report.info == {"account_manager": "Oleg", "retainer_hours": 20.0, "payment_terms_days": 30.0,
                           "currency": "EUR", "hourly_rate": None}


def test_the_waterfall_starts_at_last_months_balance_and_adds_up_to_the_change(data, settings):
    report = client_report(data, settings, "Acme", "2026-03")
    # without decay only the month's events move the balance, largest first; the February event moves nothing
    assert report.contributions[["kind", "contribution"]].values.tolist() == [["complaint", -4.0], ["praise", 3.0]]
    assert report.contributions["contribution"].sum() == report.headline["eba_change"]
    assert report.ledger[["kind", "weight", "subject"]].values.tolist() == [
        ["praise", 3.0, "Kind words"], ["complaint", -4.0, "Late copy"]]
    history = report.eba_history.set_index(report.eba_history["month"].astype(str))
    # the history starts with Acme's first record (invoice A-1, issued 2026-01-31), not 12 months back
    assert history.index.tolist() == ["2026-01", "2026-02", "2026-03"]
    assert history.loc["2026-02", "balance"] == 2.0 and history.loc["2026-03", "balance"] == 1.0
    assert report.hours.loc[pd.Period("2026-03", "M")].to_dict() == {"collections": 2.0, "delivery": 6.0}
    assert report.hours.loc[pd.Period("2026-02", "M")].to_dict() == {"collections": 0.0, "delivery": 4.0}


def test_a_client_report_holds_nothing_of_another_client(data, settings):
    report = client_report(data, settings, "Acme", "2026-03")
    frames = [report.eba_history, report.contributions, report.ledger, report.hours, report.effort_history,
              report.aging, report.open_invoices, report.overdue]
    assert not any("BETA" in frame.to_csv() or "Beta" in frame.to_csv() for frame in frames)
    assert "BETA" not in repr(report.headline)


def test_the_headline_is_the_clients_row_of_the_whole_review(data, settings):
    whole = month_review(data, settings, "2026-03").set_index("client").loc["Acme"]
    headline = client_report(data, settings, "Acme", "2026-03").headline
    # the slice knows only Acme's currencies; the whole review's other currency columns are 0 for Acme
    shared = [c for c in whole.index if c in headline.index]
    assert headline[shared].equals(whole[shared])
    assert whole.drop(shared).fillna("missing").to_dict() == {"overdue_USD": 0.0, "dso_USD": "missing"}


def test_a_report_written_for_a_notebook_has_only_its_clients_rows(data, settings, tmp_path):
    path = tmp_path / "acme.bundle"
    write_bundle(client_report(data, settings, "Acme", "2026-03"), path)
    acme = read_bundle(path, ClientReport)
    assert acme.client == "Acme" and acme.folder == str(data.folder)
    assert set(acme.open_invoices["invoice"]) == {"A-1", "A-3"}
    assert b"BETA" not in path.read_bytes()
    assert b"Beta" not in path.read_bytes()                 # not even as a name
    assert b"USD" not in path.read_bytes()                  # nor as Beta's currency column


def test_a_clients_report_is_the_same_scored_with_every_client_or_alone(data, settings):
    whole = report_of(score(data, settings, "2026-03", 12), "Acme")
    alone = client_report(data, settings, "Acme", "2026-03")
    assert whole.headline.equals(alone.headline)
    for name in ("eba_history", "contributions", "ledger", "hours", "effort_history", "aging", "open_invoices",
                 "overdue", "checklist", "signal_history", "requests"):
        pd.testing.assert_frame_equal(getattr(whole, name), getattr(alone, name), obj=name)
    assert whole.quality == alone.quality and whole.info == alone.info


def test_a_bundle_of_the_wrong_kind_or_any_other_file_is_refused_by_name(data, settings, tmp_path):
    from relhealth.review import PortfolioReport

    portfolio_file = tmp_path / "portfolio.bundle"
    write_bundle(portfolio_report(data, settings, "2026-03"), portfolio_file)
    with pytest.raises(InputError) as error:
        read_bundle(portfolio_file, ClientReport)
    assert str(error.value) == (f"{portfolio_file}: is not a client report written by relhealth. Give a data "
                                "folder, or the client report file a report run wrote.")
    assert read_bundle(portfolio_file, PortfolioReport).month == pd.Period("2026-03", "M")
    other = tmp_path / "notes.txt"
    other.write_text("hello", encoding="utf-8")
    with pytest.raises(InputError, match=r"notes.txt: is not a client report written by relhealth \(.+\)\. Give"):
        read_bundle(other, ClientReport)


def test_a_client_is_found_by_any_spelling_and_a_wrong_name_is_a_clear_error(data):
    assert find_client(data, "  acme  CORP. ") == "Acme"
    assert find_client(data, "ACME") == "Acme"
    with pytest.raises(UsageError, match=r"no client 'Acne' in .*data\. Did you mean 'Acme'\?"):
        find_client(data, "Acne")
    with pytest.raises(UsageError, match="no client given"):
        find_client(data, None)


@pytest.mark.parametrize("balance, ratio, expected", [
    (5.0, 0.2499, "keep and grow"), (5.0, 0.25, "renegotiate terms"), (4.99, float("inf"), "consider parting"),
    (-3.0, float("nan"), "fix our service"),
])
def test_the_quadrant_takes_trust_from_the_healthy_band_and_cost_from_the_amber_flag(balance, ratio, expected):
    assert quadrant_of(balance, ratio, load_settings()) == expected


def test_the_portfolio_puts_the_worst_quadrant_first_then_the_lowest_balance(data, settings):
    table = portfolio(month_review(data, settings, "2026-03"), settings)
    # Acme 1.0 and Beta 3.0 (praise) are both "fix our service": the lower balance first
    assert table[["client", "quadrant", "eba_balance"]].values.tolist() == [
        ["Acme", "fix our service", 1.0], ["Beta", "fix our service", 3.0]]
    # Beta's B-1 (900 USD, due 2026-03-10) is 21 days overdue at 2026-03-31; no hours chasing
    assert attention_reasons(table.loc[1], settings) == ["EBA low at 3.00 (watch)", "an invoice 21 days overdue"]
    bands = portfolio_report(data, settings, "2026-03").bands
    assert bands[bands["month"] == pd.Period("2026-03", "M")]["band"].tolist() == ["watch", "watch"]
    # Beta's first record is in March 2026: no band before it
    beta = bands[bands["client"] == "Beta"].set_index("month")["band"]
    assert beta.loc[pd.Period("2026-02", "M")] is None or pd.isna(beta.loc[pd.Period("2026-02", "M")])


def _row(**figures):
    return {"client": "Acme", "month": "2026-10", "eba_balance": -2.0, "effort_ratio_3m": 0.0, "part_flags": None,
            **figures}


def test_a_parting_signal_places_the_client_in_consider_parting_and_says_why():
    from relhealth.review.portfolio import verdict

    settings = load_settings()
    # a low balance at no cost is "fix our service"; hostility moves it, and the page says why
    assert verdict(_row(part_flags="friction;hostility"), pd.Period("2025-01", "M"), settings) == (
        "consider parting", "parting", "fix our service")
    # already there: nothing to explain
    assert verdict(_row(effort_ratio_3m=1.2, part_flags="payment_burden"), None, settings) == (
        "consider parting", "", "consider parting")
    assert verdict(_row(part_flags="friction"), None, settings) == ("fix our service", "", "fix our service")
    row = _row(part_flags="friction;hostility", quadrant="consider parting", quadrant_why="parting",
               quadrant_placed="fix our service")
    assert quadrant_words(row) == (
        "consider parting", "hostility fired; the balance and the costs alone say fix our service")
    assert quadrant_words(row, words("ru")) == (
        "подумать о расставании", "сработали сигналы hostility; по балансу и затратам клиент был бы в квадранте "
                                  "«исправить наш сервис»")


def test_a_client_with_less_than_three_months_of_records_is_new():
    from relhealth.review.portfolio import verdict

    settings = load_settings()
    # first record in September: September and October are two months
    assert verdict(_row(), pd.Period("2026-09", "M"), settings) == ("new client", "new_client", "fix our service")
    row = _row(quadrant="new client", quadrant_why="new_client", quadrant_placed="fix our service",
               first_month=pd.Period("2026-09", "M"))
    assert quadrant_words(row)[1] == ("first record in September 2026: less than 3 months to judge (the balance "
                                      "and the costs say fix our service)")
    assert quadrant_words(row, words("ru"))[1] == ("первая запись — сентябрь 2026: меньше 3 месяцев, судить рано "
                                                   "(по балансу и затратам — «исправить наш сервис»)")
    assert verdict(_row(), pd.Period("2026-08", "M"), settings)[:2] == ("fix our service", "")   # three months
    assert verdict(_row(part_flags="hostility"), pd.Period("2026-10", "M"), settings)[0] == "consider parting"


def test_the_sample_rude_client_is_placed_in_consider_parting_with_the_reason_on_its_page():
    from relhealth.render import client_page
    from relhealth.resources import SAMPLE_DIR

    settings = load_settings()
    data = read_dataset(SAMPLE_DIR, **settings.read_options)
    table = portfolio_report(data, settings, "2026-10").table.set_index("client")
    assert table.loc["Harrow Motor Group", "quadrant"] == "consider parting"
    assert table.loc["Orbita Labs", "quadrant"] == "keep and grow"        # August to October: three months
    assert portfolio_report(data, settings, "2026-09").table.set_index("client").loc["Orbita Labs", "quadrant"] == (
        "new client")
    card = str(client_page.headline(client_report(data, settings, "Harrow Motor Group", "2026-10")))
    assert "placed here: hostility fired; the balance and the costs alone say fix our service" in card


def test_the_portfolio_figures_name_only_the_clients_that_need_most_attention(data, settings, monkeypatch):
    from relhealth.render import portfolio_page as pages

    report = portfolio_report(data, settings, "2026-03")
    assert "need most attention" not in str(pages.band_heatmap(report))     # 2 clients: all shown
    monkeypatch.setattr(pages, "FIGURE_CLIENTS", 1)
    # Acme comes first in the portfolio order (same quadrant, lower balance)
    assert "The 1 of 2 clients that need most attention" in str(pages.band_heatmap(report))
    assert "the 1 of 2 that need most attention carry their names" in str(pages.quadrant(report))


def test_a_client_that_ended_leaves_the_reviews_after_its_month(folder):
    import relhealth

    data = relhealth.read_dataset(folder({
        "clients.csv": "client,ended\nAcme,2026-03-15\nBeta,\n",
        "time_entries.csv": "date,client,hours\n2026-02-02,Acme,3\n2026-03-02,Acme,2\n2026-03-02,Beta,1\n"}))
    assert data.clients.set_index("client")["ended"].tolist()[0] == pd.Timestamp("2026-03-15")
    # in its last month Acme is still reviewed; from April on only Beta is
    assert relhealth.month_review(data, load_settings(), "2026-03")["client"].tolist() == ["Acme", "Beta"]
    assert relhealth.month_review(data, load_settings(), "2026-04")["client"].tolist() == ["Beta"]
