"""What the pages say on the sample agency (data/sample/README.md): the words a director reads."""
from __future__ import annotations

import pytest

import relhealth
from relhealth.render import client_page
from relhealth.resources import SAMPLE_DIR
from relhealth.review import client_report


@pytest.fixture(scope="module")
def sample():
    settings = relhealth.load_settings()
    return relhealth.read_dataset(SAMPLE_DIR, settings), settings


def test_a_client_with_no_event_this_month_is_told_why_its_balance_moved(sample):
    data, settings = sample
    report = client_report(data, settings, "Pinecrest Logistics", "2026-10")
    # Pinecrest's October events are payment reminders, which weigh 0: +0.93, all of it old withdrawals fading
    assert "+0.93 since last month: +0.00 from this month's events, +0.93 as older ones fade" in str(
        client_page.headline(report))
    moved = str(client_page.what_moved(report))
    assert "No event of this month moved the balance: it moved by +0.93 only because older events fade." in moved
    assert "<td>old withdrawal fading</td><td>promise broken</td>" in moved
    assert "new deposit" not in moved and "new withdrawal" not in moved


def test_the_portfolio_opens_with_the_month_at_a_glance(sample):
    import re

    from relhealth.render import portfolio_page
    from relhealth.review import portfolio_report

    data, settings = sample
    report = portfolio_report(data, settings, "2026-10")
    text = re.sub(r"<[^>]+>", " ", str(portfolio_page.summary(report)))
    text = " ".join(text.split())
    # attention score above 0: Pinecrest, Harrow, Alpenrose, Copperleaf and Maison Duval (watch)
    assert "Need attention 5 of 10" in text
    # USD: Pinecrest 25,875.00 + Harrow 690.00 + 4,600.00 + Copperleaf 6,600.00; EUR: Maison Duval
    assert "EUR 3,040.00 USD 37,765.00" in text and "USD: 3 clients, most Pinecrest Logistics (USD 25,875.00)" in text
    # Orbita went from watch (2.08) to healthy (7.54); no band went down
    assert "0 down, 1 up up: Orbita Labs (watch → healthy)" in text
    # in September Copperleaf had rejected one piece of advice in 3 months and Alpenrose held a meeting in July
    assert "2 new this month, 5 still firing from last month" in text
    assert "The client ignores our advice Copperleaf Studios (new this month)" in text
    assert "No meetings, only cancellations Alpenrose Hotels GmbH (new this month)" in text
    managers = " ".join(re.sub(r"<[^>]+>", " ", str(portfolio_page.by_manager(report))).split())
    assert ("Ben Carter 4 Pinecrest Logistics, Harrow Motor Group, Alpenrose Hotels GmbH, Maison Duval 5 "
            "EUR 3,040.00; USD 31,165.00") in managers


def test_the_scope_creepers_free_extras_are_valued_at_its_hourly_rate(sample):
    data, settings = sample
    report = client_report(data, settings, "Copperleaf Studios", "2026-10")
    # October: 19 entries out of scope ("(out of scope)" tasks, the tag extra, the category extra), all
    # billable no, 29.75 h; at the USD 110.00 of clients.csv: 3,272.50
    html = str(client_page.effort(report))
    assert "29.75 h of out-of-scope work not billed, worth USD 3,272.50 at USD 110.00 an hour" in html
    assert "with the rule that decided its category" in html and "extra: task &#39;Event flyer (out of scope)" in html


def test_the_late_payer_page_shows_each_invoice_late_and_its_dso(sample):
    data, settings = sample
    report = client_report(data, settings, "Pinecrest Logistics", "2026-10")
    # paid from November 2025 to October 2026: INV-1004 to INV-1032 (5 to 11 days late), INV-1041 61,
    # INV-1050 88, INV-1060 109, INV-1069 118 (half): 8 invoices, all late, median (11 + 61) / 2 = 36
    assert report.paid[["invoice", "days_late"]].values.tolist() == [
        ["INV-1004", 11], ["INV-1013", 8], ["INV-1023", 10], ["INV-1032", 5], ["INV-1041", 61], ["INV-1050", 88],
        ["INV-1060", 109], ["INV-1069", 118]]
    html = str(client_page.punctuality(report))
    assert "8 invoices paid in the 12 months to the end of October 2026, 8 of them late (by 36 days at the median)" in html
    assert "USD 405 days" in html                                 # 25,875 / 5,750 * 90
