"""CRM and billing exports read through the [mapping] settings: the shipped presets and a user's own."""
import textwrap

import pandas as pd
import pytest

from relhealth.errors import InputError
from relhealth.io import read_dataset
from relhealth.metrics.invoices import invoice_status
from relhealth.settings import load_settings

PIPEDRIVE = """\
    Activity - Subject,Activity - Type,Activity - Due date,Activity - Done,Organization - Name,Person - Name
    Kick-off,meeting,2026-03-02,Done,Acme,Jane Roe
    Follow-up call,call,2026-03-05,Done,Acme,Jane Roe
    Send proposal,email,2026-03-06,Done,Beta,John Doe
    Deadline check,deadline,2026-03-09,Done,Beta,
"""
HUBSPOT = """\
    Activity date,Activity type,Associated Company,Activity subject,Meeting outcome
    2026-03-02 10:00,Meeting,Acme,Kick-off,Completed
    2026-03-09 10:00,Meeting,Acme,Review,Canceled
    2026-03-10 09:12,Incoming email,Acme,Re: Review,
"""
INVOICES = """\
    Invoice number;Customer;Invoice date;Due date;Total;Currency;Paid date;Amount paid
    INV-1;Acme;01.03.2026;31.03.2026;1 200,50;EUR;;
    INV-2;Acme;01.02.2026;03.03.2026;800,00;EUR;10.03.2026;800,00
    INV-3;Beta;15.01.2026;14.02.2026;500,00;EUR;;
"""


def read(folder, files, settings=None):
    return read_dataset(folder(files), **(settings or load_settings()).read_options)


def config(tmp_path, text):
    path = tmp_path / "mine.toml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def test_a_pipedrive_activity_export_becomes_crm_activities(folder):
    data = read(folder, {"pipedrive.csv": PIPEDRIVE})
    assert data.crm_activities[["date", "client", "kind", "subject"]].values.tolist() == [
        [pd.Timestamp("2026-03-02"), "Acme", "meeting_held", "Kick-off"],
        [pd.Timestamp("2026-03-05"), "Acme", "call", "Follow-up call"],
        [pd.Timestamp("2026-03-06"), "Beta", "email_out", "Send proposal"],
        [pd.Timestamp("2026-03-09"), "Beta", "deadline", "Deadline check"],
    ]
    assert data.crm_activities["contact"].fillna("").tolist() == ["Jane Roe", "Jane Roe", "John Doe", ""]
    assert data.files[0].format == "mapping pipedrive_activities"
    # a type the preset does not map is kept, weighs 0 and is noted, never dropped
    assert [(n.code, n.rows) for n in data.quality] == [("unknown_kind", (5,))]


def test_a_hubspot_export_takes_the_meeting_outcome_into_account(folder):
    data = read(folder, {"hubspot.csv": HUBSPOT})
    assert data.crm_activities["kind"].tolist() == ["meeting_held", "meeting_cancelled", "email_in"]
    assert not list(data.quality)


def test_an_invoice_list_becomes_invoices(folder):
    data = read(folder, {"invoices-export.csv": INVOICES})
    status = invoice_status(data.invoices, pd.Timestamp("2026-03-31")).set_index("invoice")
    # INV-1 is due on the as-of day: outstanding, not overdue; INV-2 was paid; INV-3 is 45 days overdue
    assert status["outstanding"].to_dict() == {"INV-1": 1200.50, "INV-2": 0.0, "INV-3": 500.0}
    assert status["days_overdue"].to_dict() == {"INV-1": 0, "INV-2": 0, "INV-3": 45}
    assert (data.files[0].delimiter_name, data.files[0].decimal_comma) == ("semicolon", True)


def test_a_users_mapping_adds_an_export_and_changes_a_preset_key_by_key(folder, tmp_path):
    settings = load_settings(config(tmp_path, """
        [mapping.mycrm]
        table = "crm_activities"
        columns = { date = "When", client = "Company", kind = "What happened" }
        values.kind = { "Client praised us" = "praise" }

        [mapping.pipedrive_activities.values.kind]
        deadline = "deadline_met"
    """))
    data = read(folder, {"mycrm.csv": "When,Company,What happened\n2026-03-03,Acme,Client praised us\n",
                         "pipedrive.csv": PIPEDRIVE}, settings)
    kinds = data.crm_activities.set_index("subject")["kind"]
    assert kinds["Deadline check"] == "deadline_met" and kinds["Kick-off"] == "meeting_held"
    assert data.crm_activities[data.crm_activities["subject"].isna()]["kind"].tolist() == ["praise"]
    assert not [n for n in data.quality if n.code == "unknown_kind"]


@pytest.mark.parametrize("text, message", [
    ("""
        [mapping.mycrm]
        table = "crm_activities"
        columns = { date = "When", client = "Company" }
     """, "mapping.mycrm.columns must name the export's column for kind (or mapping.mycrm.set one value for every row)."),
    ("""
        [mapping.mycrm]
        table = "crm"
        columns = { date = "When" }
     """, "mapping.mycrm.table = 'crm' is not a table. Use one of: clients, time_entries, crm_activities, invoices, tasks."),
    ("""
        [mapping.invoice_list.columns]
        paid = "Paid date"
     """, "mapping.invoice_list.columns.paid is not a column of invoices. Its columns are: invoice, client, issued, "
          "due, amount, currency, paid_on, paid_amount, balance, status."),
    ("""
        [mapping.hubspot_activities]
        rule = []
     """, "mapping.hubspot_activities.rule is not a setting of a mapping. Did you mean mapping.hubspot_activities.rules?"),
])
def test_a_mapping_that_cannot_work_is_an_error_naming_its_key(tmp_path, text, message):
    path = config(tmp_path, text)
    with pytest.raises(InputError) as error:
        load_settings(path)
    assert str(error.value) == f"{path}: {message}"
