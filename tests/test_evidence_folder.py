"""Issue 19's proof: a folder of real-shaped exports only (a time tracker, a Jira export, a calendar, an invoice
list) gives deposits and withdrawals, each traced on the client's page to its file and row."""
from __future__ import annotations

from test_io_calendar import CALENDAR
from test_io_exports import HARVEST_EN, TOGGL_EN
from test_metrics_tasks import JIRA

import relhealth
from relhealth.render import client_page
from relhealth.review import client_report

SETTINGS = relhealth.load_settings()


def test_real_shaped_exports_alone_fill_the_bank_account_and_the_page_traces_each_event(folder):
    path = folder({"clients.csv": "client,aliases,projects,domains\nAcme,ACME Corp,WEB,acme.test\nBeta,,,beta.test\n",
                   "toggl.csv": TOGGL_EN, "jira.csv": JIRA, "calendar.ics": CALENDAR,
                   "harvest_invoices.csv": HARVEST_EN})
    data = relhealth.read_dataset(path)
    row = relhealth.month_review(data, SETTINGS, "2026-03").set_index("client").loc["Acme"]
    # Jira: WEB-1 early (+3), WEB-2 met (+2); WEB-3 and WEB-4 missed (-5 each)
    assert (row["eba_deposits"], row["eba_withdrawals"]) == (5.0, -10.0)
    assert row["meetings_held_3m"] == 2 and row["meetings_cancelled_3m"] == 1
    ledger = str(client_page.month_ledger(client_report(data, SETTINGS, "Acme", "2026-03")))
    for text in ("delivered early (derived)", "Homepage design: due 2026-03-14, done 2026-03-12, 2 days early",
                 "deadline missed (derived)", "Banner set: due 2026-03-05, done 2026-03-09, 4 days late",
                 "Landing copy: due 2026-03-25, not done", "jira.csv", "meeting held (derived)", "calendar.ics"):
        assert text in ledger, text
