"""Invoice health at a month end (relhealth.metrics.invoices). As-of is 2026-03-31 throughout."""
import math

import pandas as pd
import pytest

from relhealth.io import read_dataset
from relhealth.metrics.invoices import aging, days_late, dso, invoice_status, overdue_by_currency

AS_OF = pd.Timestamp("2026-03-31")

INVOICES = """\
    invoice,client,issued,due,amount,currency,paid_on,paid_amount
    A-due-today,Acme,2026-03-01,2026-03-31,100,USD,,
    A-paid-later,Acme,2026-01-15,2026-02-14,200,USD,2026-04-10,
    A-partial,Acme,2025-11-20,2025-12-20,1000,USD,2026-03-05,400
    A-future,Acme,2026-04-01,2026-05-01,999,USD,,
    A-paid,Acme,2026-01-01,2026-01-31,300,USD,2026-02-10,
    A-eur,Acme,2025-12-01,2025-12-31,50,EUR,,
"""


@pytest.fixture
def invoices(folder):
    return read_dataset(folder({"invoices.csv": INVOICES})).invoices


def test_invoice_status_at_the_month_end(invoices):
    status = invoice_status(invoices, AS_OF).set_index("invoice")
    # issued after as-of: not there at all
    assert "A-future" not in status.index
    # due on the as-of day: outstanding, not overdue, current
    assert status.loc["A-due-today", ["outstanding", "overdue", "days_overdue", "bucket"]].tolist() == [100, False, 0, "current"]
    # paid after as-of: outstanding in full at as-of; due 2026-02-14, 45 days before
    assert status.loc["A-paid-later", ["outstanding", "overdue", "days_overdue", "bucket"]].tolist() == [200, True, 45, "31-60"]
    # partial payment of 400 by as-of: 600 left; due 2025-12-20, 101 days before
    assert status.loc["A-partial", ["outstanding", "days_overdue", "bucket"]].tolist() == [600, 101, "90+"]
    # paid in full before as-of: nothing outstanding, no bucket
    assert status.loc["A-paid", "outstanding"] == 0 and pd.isna(status.loc["A-paid", "bucket"])
    # due 2025-12-31: 90 days before
    assert status.loc["A-eur", ["days_overdue", "bucket"]].tolist() == [90, "61-90"]


def test_overdue_and_aging_keep_currencies_apart(invoices):
    status = invoice_status(invoices, AS_OF)
    overdue = overdue_by_currency(status)
    # USD: 200 + 600 = 800, the oldest 101 days; EUR: 50, 90 days
    assert overdue.values.tolist() == [["Acme", "EUR", 50, 90], ["Acme", "USD", 800, 101]]
    buckets = aging(status).set_index("currency")
    assert buckets.loc["USD", ["current", "1-30", "31-60", "61-90", "90+"]].tolist() == [100, 0, 200, 0, 600]
    assert buckets.loc["EUR", ["current", "1-30", "31-60", "61-90", "90+"]].tolist() == [0, 0, 0, 50, 0]


def test_days_late_of_invoices_paid_in_the_last_12_months(invoices):
    late = days_late(invoices, AS_OF).set_index("invoice")["days_late"]
    # A-partial: paid 2026-03-05, due 2025-12-20: 75 days; A-paid: 2026-02-10 - 2026-01-31 = 10;
    # A-paid-later is paid after as-of: not yet
    assert late.to_dict() == {"A-partial": 75, "A-paid": 10}


def test_dso_is_receivables_over_the_last_90_days_of_invoicing(invoices):
    table = dso(invoice_status(invoices, AS_OF), AS_OF).set_index("currency")
    # USD receivables at as-of: 100 + 200 + 600 = 900; invoiced in the 90 days up to 2026-03-31
    # (issued after 2025-12-31): 100 + 200 + 300 = 600; DSO = 900 / 600 * 90 = 135
    assert table.loc["USD", ["receivables", "invoiced", "dso"]].tolist() == [900, 600, 135]
    # EUR: 50 receivable, nothing invoiced in the window: infinite
    assert table.loc["EUR", "dso"] == math.inf
