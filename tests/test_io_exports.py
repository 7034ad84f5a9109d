# ruff: noqa: E501 -- the exports' rows are kept whole, as the tools write them
"""Real exports, each on a fixture with its tool's genuine header and quirks (issue 18): read right, or
refused with the way forward. The headers are those of the tools' own exports as public importers and
the tools' sources show them (docs/data-format.md names each export and where to get it).

Figures are worked out by hand in the comments; invoices are looked at "as of" a day with
:func:`relhealth.metrics.invoices.invoice_status`.
"""
from __future__ import annotations

import pandas as pd
import pytest

from relhealth.errors import InputError
from relhealth.io import read_dataset
from relhealth.metrics.effort import categorise
from relhealth.metrics.invoices import invoice_status
from relhealth.settings import load_settings

SETTINGS = load_settings()


def read(folder, files, encoding="utf-8"):
    return read_dataset(folder(files, encoding), **SETTINGS.read_options)


def status_on(data, day: str) -> pd.DataFrame:
    return invoice_status(data.invoices, pd.Timestamp(day)).set_index("invoice")


def notes(data) -> list[tuple[str, tuple]]:
    """The data-quality notes, but that a client has invoices only (these folders hold invoices alone)."""
    return [(n.code, n.rows) for n in data.quality if n.code != "invoice_only_client"]


def csv_of(header: str, rows: list[dict], delimiter: str = ",") -> str:
    """A file of a tool whose header is long: the genuine header, each row filling the columns named."""
    names = header.split(delimiter)
    unknown = {key for row in rows for key in row} - set(names)
    assert not unknown, unknown
    lines = [header] + [delimiter.join(row.get(n, "") for n in names) for row in rows]
    return "\n".join(lines) + "\n"


# ---- 1. an invoice report is never a client list ------------------------------------------------

HARVEST_INVOICES = """\
    Issue Date,Last Payment Date,ID,PO Number,Client,Subject,Invoice Amount,Paid Amount,Balance,Subtotal,Discount,Tax,Tax2,Currency,Currency Symbol,Document Type
    2026-02-02,2026-02-20,2026-001,,Acme,February retainer,1500.00,1500.00,0.00,1500.00,0,0,0,United States Dollar - USD,$,Standard Invoice
    2026-03-02,2026-03-25,2026-002,,Acme,March retainer,1500.00,500.00,1000.00,1500.00,0,0,0,United States Dollar - USD,$,Standard Invoice
    2026-03-05,,2026-003,,Beta,Design sprint,800.00,0.00,800.00,800.00,0,0,0,Euro - EUR,€,Standard Invoice
    2026-01-10,,2026-004,,Beta,Written off,300.00,0.00,0.00,300.00,0,0,0,Euro - EUR,€,Standard Invoice
"""


def test_harvests_invoices_report_is_read_as_invoices_never_as_a_client_list(folder):
    data = read(folder, {"harvest_invoices.csv": HARVEST_INVOICES})
    assert data.files[0].format == "mapping harvest_invoices"
    assert data.invoices["currency"].tolist() == ["USD", "USD", "EUR"]
    # no due date in the report: due 30 days after issue. 2026-002: 500 of 1500 paid on 25 March;
    # 2026-003: nothing paid (Paid Amount 0, no date); 2026-004: balance 0 and nothing paid, written off
    march = status_on(data, "2026-03-31")
    assert march["outstanding"].to_dict() == {"2026-001": 0.0, "2026-002": 1000.0, "2026-003": 800.0}
    april = status_on(data, "2026-04-30")
    assert april["days_overdue"].to_dict() == {"2026-001": 0, "2026-002": 29, "2026-003": 26}
    # a due-date note for each client, on its rows
    assert notes(data) == [("due_from_terms", (2, 3)), ("due_from_terms", (4, 5)), ("written_off", (5,))]
    assert [n.client for n in data.quality if n.code == "due_from_terms"] == ["Acme", "Beta"]


def test_a_file_with_client_and_currency_among_invoice_columns_is_refused_as_invoices(folder):
    path = folder({"export.csv": "Invoice ID,Client,Subject,Amount,Currency\n7,Acme,March,100,USD\n"})
    with pytest.raises(InputError) as error:
        read_dataset(path)
    message = str(error.value)
    assert "The closest format, canonical invoices, also needs 'invoice', 'issued', 'due'." in message
    assert "canonical clients" not in message
    assert 'starting from table = "invoices", columns = { invoice = "Invoice ID", client = "Client", ' \
           'issued = "?", due = "?", amount = "Amount", currency = "Currency" }' in message


# ---- 2, 3. Kimai: seconds, and the labels of each release and language -----------------------------

KIMAI_1X = """\
    "Date","From","To","Duration","Rate","Internal rate","User","Name","Customer","Project","Activity","Description","Exported","Billable","Tags","Hourly rate","Fixed rate","Type","label.category","Account","VAT-ID","Order number"
    "2026-03-02","09:00","10:30","5400"," EUR 84.00 ","","Ivan Petrov","ivan","Acme","Site","Development","Layout","No","Yes","web,frontend"," EUR 56.00 ","","timesheet","work","","",""
    "2026-03-02","13:00","13:06","400"," EUR 6.22 ","","Ivan Petrov","ivan","Acme","Site","Support","","No","Nein","",""," EUR 56.00 ","timesheet","work","","",""
"""
KIMAI_IMPORTER = """\
    Date;From;To;Duration;Rate;User;Email;Customer;Project;Activity;Description;Exported;Tags;HourlyRate;FixedRate;InternalRate;meta.timesheet_foo;
    2026-03-03;07:10;09:11;7260;231.92;Example User;user@example.com;Acme;Import project;Development;some work;0;hello,world;15.0;0;5.0;"Genius importer";
"""
KIMAI_RU = """\
    Дата,С,До,Длительность,Валюта,Стоимость,Внутренняя ставка,Почасовая оплата,Фиксированная ставка,Имя пользователя,Номер сотрудника,Клиент,Проект,Активность,Описание,Подлежащий оплате,Метки,Тип,category,Клиентский номер,Номер проекта,ИНН,Номер заказа
    2026-03-04,10:00,11:30,1:30:00,RUB,4500,0,3000,0,Анна Смирнова,,ООО Ромашка,Сайт,Поддержка,Звонок бухгалтеру,1,collections,timesheet,work,,,,
    2026-03-04,12:00,14:15,2:15:00,RUB,6750,0,3000,0,Анна Смирнова,,ООО Ромашка,Сайт,Разработка,Вёрстка,1,"frontend, web",timesheet,work,,,,
"""
KIMAI_DE = """\
    Datum,Von,Bis,Dauer,Währung,Preis,Interner Preis,Preis pro Stunde,Festpreis,Name,Benutzer,E-Mail,Personalnummer,Kunde,Projekt,Tätigkeit,Beschreibung,Abrechenbar,Schlagworte,Typ,category,Kundennummer,Projektnummer,Umsatzsteuer-ID,Bestellnummer
    2026-03-05,09:00,09:45,0:45,EUR,45,0,60,0,Kevin,kevin,,,Acme,Website,Beratung,Workshop,1,"foo, bar",timesheet,work,A-0123,,DE-98765,ORDER-1
"""


def test_kimai_durations_in_seconds_are_told_from_hours_by_each_entrys_span(folder):
    data = read(folder, {"kimai1.csv": KIMAI_1X, "kimai-import.csv": KIMAI_IMPORTER})
    entries = data.time_entries.sort_values(["date", "row"])
    # 5400 s = 1.5 h (09:00-10:30), 400 s = 0.1111 h (13:00-13:06), 7260 s = 2.0167 h (07:10-09:11)
    assert entries["hours"].round(4).tolist() == [1.5, 0.1111, 2.0167]
    assert data.time_entries["hours"].sum() == pytest.approx(5400 / 3600 + 400 / 3600 + 7260 / 3600)
    assert set(data.time_entries["billable"].dropna()) == {True, False}      # Yes, Nein


def test_kimai_in_russian_and_german_keeps_tags_and_people_so_a_collections_tag_counts(folder):
    data = read(folder, {"kimai_ru.csv": KIMAI_RU, "kimai_de.csv": KIMAI_DE})
    entries = data.time_entries
    assert entries[["client", "hours", "person", "tags"]].values.tolist() == [
        ["Acme", 0.75, "Kevin", "foo, bar, Beratung"],
        ["ООО Ромашка", 1.5, "Анна Смирнова", "collections, Поддержка"],
        ["ООО Ромашка", 2.25, "Анна Смирнова", "frontend, web, Разработка"],
    ]
    categories = categorise(entries, SETTINGS.values["effort"]["categories"])["category"]
    assert categories.tolist() == ["delivery", "collections", "delivery"]
    assert [f.format for f in data.files] == ["Kimai export (German)", "Kimai export (Russian)"]


# ---- 4, 5. CRM activities: not done, scheduled, several companies ---------------------------------

PIPEDRIVE = """\
    Activity - Subject,Activity - Type,Activity - Due date,Activity - Due time,Activity - Done,Activity - Organization,Activity - Contact person,Activity - Deal,Activity - Assigned to user
    Kick-off,Meeting,2026-03-02,10:00,Done,Acme,Jane Roe,Website,Oleg
    Review,Meeting,2026-03-20,15:00,To do,Acme,Jane Roe,Website,Oleg
    Follow-up,Call,2026-03-05,,Done,Beta,John Doe,,Oleg
    Next review,Meeting,2026-04-15,15:00,To do,Acme,Jane Roe,Website,Oleg
"""
HUBSPOT = """\
    Activity date,Activity type,Associated Company,Activity subject,Meeting outcome,Activity assigned to
    2026-03-02 10:00,Meeting,Acme,Kick-off,Completed,Oleg
    2026-03-09 10:00,Meeting,Acme,Review,Scheduled,Oleg
    2026-03-10 10:00,Meeting,Acme,Demo,Rescheduled,Oleg
    2026-03-11 10:00,Meeting,Beta,Planning,No show,Oleg
    2026-03-12 10:00,Meeting,Acme; Beta,Joint workshop,Completed,Oleg
"""


def test_a_pipedrive_activity_not_done_is_never_a_meeting_held(folder):
    data = read(folder, {"pipedrive.csv": PIPEDRIVE})
    assert data.crm_activities[["client", "kind", "subject"]].values.tolist() == [
        ["Acme", "meeting_held", "Kick-off"], ["Beta", "call", "Follow-up"]]
    assert [(n.code, n.rows, n.client) for n in data.quality] == [("left_out", (3, 5), "Acme")]


def test_hubspot_scheduled_meetings_are_not_held_and_joined_companies_count_for_each(folder):
    data = read(folder, {"hubspot.csv": HUBSPOT})
    assert data.crm_activities[["client", "kind", "subject", "row"]].values.tolist() == [
        ["Acme", "meeting_held", "Kick-off", 2],
        ["Beta", "meeting_cancelled", "Planning", 5],
        ["Acme", "meeting_held", "Joint workshop", 6],
        ["Beta", "meeting_held", "Joint workshop", 6],
    ]
    assert sorted(data.clients["client"]) == ["Acme", "Beta"]          # never a client "Acme; Beta"
    assert [(n.code, n.rows, n.client) for n in data.quality] == [
        ("split_clients", (6,), None), ("left_out", (3, 4), "Acme")]


BITRIX_DEALS = (
    '\ufeff"ID";"Название сделки";"Стадия сделки";"Сумма";"Валюта";"Компания";"Контакт";"Ответственный";'
    '"Дата создания";"Дата изменения";"Предполагаемая дата закрытия";\n'
    '"101";"Сайт под ключ";"Сделка успешна";"350000";"RUB";"ООО «Ромашка»";"Иван Петров";"Ольга";'
    '"01.02.2026 10:00:00";"10.03.2026 12:00:00";"10.03.2026";\n'
    '"102";"Поддержка";"Сделка провалена";"60000";"RUB";"ООО «Ромашка»";"Иван Петров";"Ольга";'
    '"05.02.2026 10:00:00";"20.03.2026 12:00:00";"20.03.2026";\n'
    '"103";"Редизайн";"Подготовка документов";"90000";"RUB";"ООО «Ромашка»";"Иван Петров";"Ольга";'
    '"05.03.2026 10:00:00";"25.03.2026 12:00:00";"30.04.2026";\n')
AMOCRM_DEALS = """\
    ID,Название сделки,Бюджет ,Ответственный,Дата создания сделки,Кем создана сделка,Дата редактирования,Кем редактирована,Дата закрытия,Теги,Этап сделки,Воронка,Полное имя контакта,Компания контакта,Ответственный за контакт,Компания
    2001,Лендинг,120000,Ольга,01.02.2026 10:00:00,Ольга,12.03.2026 15:20:00,Ольга,12.03.2026 15:20:00,"сайт,срочно",Успешно реализовано,Продажи,Иван Петров,ООО Ромашка,Ольга,ООО Ромашка
    2002,SEO,80000,Ольга,02.02.2026 10:00:00,Ольга,25.03.2026 10:00:00,Ольга,25.03.2026 10:00:00,,Закрыто и не реализовано,Продажи,Иван Петров,ООО Ромашка,Ольга,ООО Ромашка
    2003,Поддержка,40000,Ольга,03.03.2026 10:00:00,Ольга,26.03.2026 10:00:00,Ольга,,,Переговоры,Продажи,Иван Петров,ООО Ромашка,Ольга,ООО Ромашка
"""


def test_deals_won_and_lost_become_crm_activities_and_open_deals_wait(folder):
    data = read(folder, {"bitrix_deals.csv": BITRIX_DEALS, "amocrm.csv": AMOCRM_DEALS})
    activities = data.crm_activities.sort_values("date")
    # amocrm.csv is read first: its spelling, ООО Ромашка, is the name shown
    assert activities[["date", "client", "kind", "subject"]].values.tolist() == [
        [pd.Timestamp("2026-03-10"), "ООО Ромашка", "deal_won", "Сайт под ключ"],
        [pd.Timestamp("2026-03-12 15:20"), "ООО Ромашка", "deal_won", "Лендинг"],
        [pd.Timestamp("2026-03-20"), "ООО Ромашка", "deal_lost", "Поддержка"],
        [pd.Timestamp("2026-03-25 10:00"), "ООО Ромашка", "deal_lost", "SEO"],
    ]
    assert [(n.code, n.rows) for n in data.quality] == [("left_out", (4,)), ("left_out", (4,))]
    assert SETTINGS.values["eba"]["weights"]["deal_won"] == 3


# ---- 6. invoices: status, balance, lines ------------------------------------------------------------

ZOHO_HEADER = ("Invoice Date,Invoice ID,Invoice Number,Estimate Number,Invoice Status,Customer Name,Company Name,"
               "Customer ID,Branch ID,Branch Name,Due Date,Expected Payment Date,PurchaseOrder,Template Name,Currency Code,"
               "Exchange Rate,Discount Type,Is Discount Before Tax,Entity Discount Percent,Entity Discount Amount,Item Name,"
               "Item Desc,Quantity,Usage unit,Item Price,Discount,Discount Amount,Expense Reference ID,Project ID,"
               "Project Name,Item Total,SubTotal,Total,Balance,Shipping Charge,Adjustment,Adjustment Description,Round Off,"
               "Sales person,Payment Terms,Payment Terms Label,Last Payment Date,Notes,Terms & Conditions,Subject")


def _zoho(number, status, issued, due, item, total, balance, paid="", customer="Highlander"):
    return {"Invoice Date": issued, "Invoice ID": f"25200180000000{number[-3:]}", "Invoice Number": number,
            "Invoice Status": status, "Customer Name": customer, "Due Date": due, "Currency Code": "USD",
            "Exchange Rate": "1.00", "Item Total": item, "SubTotal": total, "Total": total, "Balance": balance,
            "Last Payment Date": paid}


def test_zoho_lines_repeat_the_total_drafts_are_left_out_and_the_balance_gives_what_was_paid(folder):
    rows = [_zoho("INV-000001", "Draft", "2026-03-01", "2026-03-15", "25.50", "100.00", "100.00"),
            _zoho("INV-000002", "Overdue", "2026-02-01", "2026-02-15", "309.75", "489.75", "489.75"),
            _zoho("INV-000002", "Overdue", "2026-02-01", "2026-02-15", "180.00", "489.75", "489.75"),
            _zoho("INV-000003", "Closed", "2026-03-01", "2026-03-15", "200.00", "200.00", "0.00", "2026-03-10"),
            _zoho("INV-000004", "Partially Paid", "2026-03-05", "2026-03-25", "1000.00", "1000.00", "400.00",
                  "2026-03-20")]
    data = read(folder, {"Invoice.csv": csv_of(ZOHO_HEADER, rows)})
    march = status_on(data, "2026-03-31")
    # INV-000002: 489.75 once (its two lines repeat the total), due 15 Feb: 44 days late; INV-000004:
    # 1000 - 400 balance = 600 paid on 20 March, 400 outstanding, 6 days late
    assert march["outstanding"].to_dict() == {"INV-000002": 489.75, "INV-000003": 0.0, "INV-000004": 400.0}
    assert march["days_overdue"].to_dict() == {"INV-000002": 44, "INV-000003": 0, "INV-000004": 6}
    assert notes(data) == [("draft_invoice", (2,)), ("invoice_lines", (3, 4))]


XERO_HEADER = ("ContactName,EmailAddress,POAddressLine1,POAddressLine2,POAddressLine3,POAddressLine4,POCity,PORegion,"
               "POPostalCode,POCountry,SAAddressLine1,SAAddressLine2,SAAddressLine3,SAAddressLine4,SACity,SARegion,"
               "SAPostalCode,SACountry,InvoiceNumber,Reference,InvoiceDate,DueDate,PlannedDate,Total,TaxTotal,"
               "InvoiceAmountPaid,InvoiceAmountDue,InventoryItemCode,Description,Quantity,UnitAmount,Discount,LineAmount,"
               "AccountCode,TaxType,TaxAmount,TrackingName1,TrackingOption1,TrackingName2,TrackingOption2,Currency,Type,"
               "Sent,Status")


def _xero(number, issued, due, total, paid, left, line, kind="Sales invoice", status="Awaiting Payment"):
    return {"ContactName": "Jellyfish (Pty) Ltd", "InvoiceNumber": number, "InvoiceDate": issued, "DueDate": due,
            "Total": total, "InvoiceAmountPaid": paid, "InvoiceAmountDue": left, "LineAmount": line,
            "Description": f"line of {number}", "Currency": "ZAR", "Type": kind, "Sent": "Sent", "Status": status}


def test_xero_credit_notes_and_voided_invoices_are_left_out_and_undated_payments_noted(folder):
    rows = [_xero("INV-3440", "11/03/2026", "25/03/2026", "1580.94", "0.00", "1580.94", "458.24"),
            _xero("INV-3440", "11/03/2026", "25/03/2026", "1580.94", "0.00", "1580.94", "1122.70"),
            _xero("INV-3441", "02/03/2026", "16/03/2026", "500.00", "500.00", "0.00", "500.00", status="Paid"),
            _xero("CN-0001", "05/03/2026", "05/03/2026", "100.00", "0.00", "100.00", "100.00",
                  kind="Sales credit note"),
            _xero("INV-3442", "06/03/2026", "20/03/2026", "50.00", "0.00", "50.00", "50.00", status="Voided")]
    data = read(folder, {"SalesInvoices.csv": csv_of(XERO_HEADER, rows)})
    march = status_on(data, "2026-03-31")
    # INV-3441 was paid on a date Xero does not export: counted from 11 March, the latest date of the data
    assert march["outstanding"].to_dict() == {"INV-3440": 1580.94, "INV-3441": 0.0}
    assert march["days_overdue"].to_dict() == {"INV-3440": 6, "INV-3441": 0}
    assert data.invoices.set_index("invoice")["paid_on"].to_dict()["INV-3441"] == pd.Timestamp("2026-03-11")
    assert notes(data) == [("left_out", (5,)), ("void_invoice", (6,)), ("invoice_lines", (2, 3)),
                           ("undated_payment", (4,))]


FRESHBOOKS = """\
    Client Name,Invoice #,Date Issued,Invoice Status,Date Paid,Item Name,Item Description,Rate,Quantity,Discount Percentage,Line Subtotal,Tax 1 Type,Tax 1 Amount,Tax 2 Type,Tax 2 Amount,Line Total,Currency
    X-Men,0000001,2026-03-01,sent,,General Car Repair,Bumper paint touch up,65.00,10.00000000,0.0000,650.00,,0.00,,0.00,650.00,USD
    X-Men,0000001,2026-03-01,sent,,Painting Service,25 hours painting,98.00,5.00000000,0.0000,490.00,,0.00,,0.00,490.00,USD
    X-Men,0000002,2026-02-10,paid,2026-03-15,Design,Logo,300.00,1.00000000,0.0000,300.00,,0.00,,0.00,300.00,USD
    X-Men,0000003,2026-03-20,draft,,Design,Poster,100.00,1.00000000,0.0000,100.00,,0.00,,0.00,100.00,USD
"""


def test_freshbooks_invoice_lines_are_summed_per_invoice(folder):
    data = read(folder, {"freshbooks_invoices.csv": FRESHBOOKS})
    invoices = data.invoices.set_index("invoice")
    assert invoices["amount"].to_dict() == {"0000001": 1140.0, "0000002": 300.0}     # 650 + 490
    assert status_on(data, "2026-04-30")["days_overdue"].to_dict() == {"0000001": 30, "0000002": 0}
    assert notes(data) == [("due_from_terms", (2, 3, 4, 5)), ("draft_invoice", (5,)), ("invoice_lines", (2, 3))]


INVOICE2GO = csv_of(
    "Id,AccountId,State,LastUpdated,CreatedDate,DocumentDate,DocumentNumber,Comment,Name,EmailRecipient,DocumentStatus,"
    "OutputStatus,PartPayment,DocumentRecipientAddress,ShipDate,ShipAddress,ShipAmount,ShipTrackingNumber,ShipVia,"
    "ShipFob,StyleName,DatePaid,CustomField,DiscountType,Discount,DiscountValue,Taxes,WithholdingTaxName,"
    "WithholdingTaxRate,TermsOld,Payments,Items,CurrencyCode,TotalAmount,BalanceDueAmount,AmountPaidAmount,"
    "DiscountAmount,SubtotalAmount,TotalTaxAmount,WithholdingTaxAmount",
    [{"Id": "a8acb5bc-c855-42b7-b56e-6fab01d14899", "State": "synced", "DocumentDate": "2026-03-01",
      "DocumentNumber": "1", "Name": "James Gordon", "DocumentStatus": "unsent", "CurrencyCode": "USD",
      "TotalAmount": "70.2", "BalanceDueAmount": "70.2", "AmountPaidAmount": "0", "PartPayment": "false"},
     {"Id": "b1", "State": "synced", "DocumentDate": "2026-03-02", "DocumentNumber": "2", "Name": "James Gordon",
      "DocumentStatus": "sent", "CurrencyCode": "USD", "TotalAmount": "953.55", "BalanceDueAmount": "953.55",
      "AmountPaidAmount": "0", "PartPayment": "false"},
     {"Id": "b2", "State": "synced", "DocumentDate": "2026-01-28", "DocumentNumber": "3", "Name": "James Gordon",
      "DocumentStatus": "sent", "DatePaid": "2026-02-10", "CurrencyCode": "USD", "TotalAmount": "100",
      "BalanceDueAmount": "0", "AmountPaidAmount": "100", "PartPayment": "false"}])


def test_invoice2go_unsent_is_a_draft_and_a_paid_amount_of_0_without_date_is_unpaid(folder):
    data = read(folder, {"i2g_invoices.csv": INVOICE2GO})
    april = status_on(data, "2026-04-30")
    assert april["outstanding"].to_dict() == {"2": 953.55, "3": 0.0}
    assert april["days_overdue"].to_dict() == {"2": 29, "3": 0}              # due 1 April (30 days)
    assert notes(data) == [("due_from_terms", (2, 3, 4)), ("draft_invoice", (2,))]


BITRIX_INVOICES = """\
    ID;Номер;Тема;Статус;Сумма;Валюта;Компания;Контакт;Дата выставления;Срок оплаты;Дата оплаты;Ответственный
    1;СЧ-0001;Сайт, март;Оплачен;120 000,00;RUB;ООО «Ромашка»;Иван Петров;02.03.2026;16.03.2026;14.03.2026;Ольга
    2;СЧ-0002;Поддержка;Отправлен клиенту;45 000,00;руб.;ООО «Ромашка»;Иван Петров;10.03.2026;24.03.2026;;Ольга
    3;СЧ-0003;Баннеры;Отклонён;10 000,00;Российский рубль;ООО Ромашка;Иван Петров;12.03.2026;26.03.2026;;Ольга
"""


def test_bitrix24_invoices_in_windows_1251_read_with_their_statuses(folder):
    data = read(folder, {"invoice.csv": BITRIX_INVOICES}, encoding="cp1251")
    assert data.files[0].encoding == "Windows-1251" and data.files[0].format == "mapping bitrix24_invoices"
    march = status_on(data, "2026-03-31")
    assert march["outstanding"].to_dict() == {"СЧ-0001": 0.0, "СЧ-0002": 45000.0}
    assert march["days_overdue"].to_dict() == {"СЧ-0001": 0, "СЧ-0002": 7}
    assert notes(data) == [("void_invoice", (4,))]


# ---- refused with the way forward ---------------------------------------------------------------------

@pytest.mark.parametrize("name, text, says", [
    ("toggl_summary.csv", "Project,Client,Description,Duration\nSite,Acme,Design,05:28:15\n",
     "this is a Toggl Track Summary or Weekly report"),
    ("clockify_summary.csv", "Project,Client,Time (h),Time (decimal),Amount (USD)\nSite,Acme,40:00:00,40.00,0.00\n",
     "this is a Clockify Summary or Weekly report"),
    # a week of totals, one column per day as the weekly views show it (no genuine weekly export was found)
    ("weekly.csv", "User,Client,Project,Mon 2026-03-02,Tue 2026-03-03,Wed 2026-03-04,Thu 2026-03-05,"
                   "Fri 2026-03-06,Sat 2026-03-07,Sun 2026-03-08,Total\nAnna,Acme,Site,2:00,,,,,,,2:00\n",
     "this is a Toggl Track Summary or Weekly report"),
    ("clockify_titled.csv", "Summary report\n2025-12-01 - 2025-12-15\nUser,Time (h),Time (decimal),Amount (USD)\n"
                            "Ryan Gunn,40:00:00,40.00,0.00\nTotal,77:30:00,77.50,0.00\n",
     "this is a Summary report (its first line says so)"),
])
def test_summary_and_weekly_reports_are_refused_with_where_the_detailed_report_is(folder, name, text, says):
    with pytest.raises(InputError) as error:
        read_dataset(folder({name: text}))
    message = str(error.value)
    assert says in message and "Export the Detailed report instead" in message
    assert "Reports > Detailed, then Export" in message


def test_a_folder_of_files_not_read_says_which_and_why(folder):
    path = folder({"time.xls": b"\xd0\xcf\x11\xe0 workbook", "notes.txt": "hello", "sheet.ods": b"PK"})
    with pytest.raises(InputError) as error:
        read_dataset(path)
    assert str(error.value).endswith(
        "Files not read: notes.txt (not a .csv file); sheet.ods (a spreadsheet; open it and save it as CSV UTF-8 "
        "to have it read); time.xls (an Excel 97-2003 workbook; open it and save it as .xlsx or CSV UTF-8 to have "
        "it read).")


# ---- a mapping of one's own: constants, month names, durations ----------------------------------

def test_a_mapping_sets_a_constant_and_reads_month_names_and_durations(folder, tmp_path):
    config = tmp_path / "mine.toml"
    config.write_text(
        '[mapping.invoicely]\ntable = "invoices"\n'
        'columns = { issued = "Date", due = "Due", invoice = "Details", client = "Client", amount = "Total", '
        'status = "Status" }\nset = { currency = "USD" }\n\n'
        '[mapping.timesheet]\ntable = "time_entries"\n'
        'columns = { date = "Day", client = "Customer", hours = "Duration" }\n', encoding="utf-8")
    settings = load_settings(config)
    path = folder({
        "invoicely.csv": '"Date","Due","Details","Client","Status","Total"\n'
                         '"Jan 28 2026","Feb 27 2026","INV-1","Bruce Wayne","Due","1,020.00"\n',
        "sheet.csv": "Day,Customer,Duration\n3 марта 2026,Bruce Wayne,00:38:20\n\"Mar 4, 2026\",Bruce Wayne,1:30\n",
    })
    data = read_dataset(path, **settings.read_options)
    assert data.invoices[["issued", "due", "amount", "currency"]].values.tolist() == [
        [pd.Timestamp("2026-01-28"), pd.Timestamp("2026-02-27"), 1020.0, "USD"]]
    # 00:38:20 = 38 min 20 s = 0.6389 h
    assert data.time_entries[["date", "hours"]].round({"hours": 4}).values.tolist() == [
        [pd.Timestamp("2026-03-03"), 0.6389], [pd.Timestamp("2026-03-04"), 1.5]]


# ---- one folder per language: a time tracker, a CRM, invoices and clients.csv --------------------------

TOGGL_EN = """\
    User,Email,Client,Project,Task,Description,Billable,Start date,Start time,End date,End time,Duration,Tags,Amount (USD)
    Anna Kovacs,anna@agency.test,ACME Corp,Website,,Homepage layout,Yes,2026-03-02,09:00:00,2026-03-02,11:30:00,02:30:00,,250.00
    Anna Kovacs,anna@agency.test,Acme,Website,,Payment reminder call,No,2026-03-03,10:00:00,2026-03-03,10:45:00,00:45:00,,0.00
    Ben Carter,ben@agency.test,Beta,App,,Sprint work,Yes,2026-03-10,09:00:00,2026-03-10,13:00:00,04:00:00,,400.00
"""
HARVEST_EN = """\
    Issue Date,Last Payment Date,ID,PO Number,Client,Subject,Invoice Amount,Paid Amount,Balance,Subtotal,Discount,Tax,Tax2,Currency,Currency Symbol,Document Type
    2026-01-15,,2026-005,,Acme,January retainer,1200.00,0.00,1200.00,1200.00,0,0,0,United States Dollar - USD,$,Standard Invoice
    2026-02-01,2026-03-10,2026-006,,Beta,February sprint,800.00,300.00,500.00,800.00,0,0,0,Euro - EUR,€,Standard Invoice
    2026-03-20,,2026-007,,Acme,March retainer,1200.00,0.00,1200.00,1200.00,0,0,0,United States Dollar - USD,$,Standard Invoice
"""


def _review(path, month="2026-03"):
    import relhealth

    return relhealth.month_review(relhealth.read_dataset(path), SETTINGS, month).set_index("client")


def test_an_english_folder_reads_the_right_hours_meetings_and_overdue_amounts(folder, capsys):
    from relhealth.cli import main

    path = folder({"clients.csv": "client,aliases,account_manager\nAcme,ACME Corp,Oleg\nBeta,,Oleg\n",
                   "toggl.csv": TOGGL_EN, "hubspot.csv": HUBSPOT, "harvest_invoices.csv": HARVEST_EN})
    review = _review(path)
    # Acme: 2.5 h of work, 0.75 h chasing payment (a payment reminder); Beta: 4 h of work
    assert review[["work_hours", "collection_hours"]].to_dict("index") == {
        "Acme": {"work_hours": 2.5, "collection_hours": 0.75}, "Beta": {"work_hours": 4.0, "collection_hours": 0.0}}
    # held: Acme's kick-off and the joint workshop; Beta's joint workshop (its Planning was a no-show)
    assert review["meetings_held_3m"].to_dict() == {"Acme": 2, "Beta": 1}
    assert review["meetings_cancelled_3m"].to_dict() == {"Acme": 0, "Beta": 1}
    # Acme: 2026-005 due 14 Feb (30 days after issue), unpaid, 45 days late; 2026-007 not yet due.
    # Beta: 2026-006 due 3 March, 500 of 800 EUR still owed, 28 days late
    assert review["overdue_USD"].to_dict() == {"Acme": 1200.0, "Beta": 0.0}
    assert review["overdue_EUR"].to_dict() == {"Acme": 0.0, "Beta": 500.0}
    assert review["max_days_overdue"].to_dict() == {"Acme": 45, "Beta": 28}
    assert main(["validate", str(path)]) == 0
    out = " ".join(capsys.readouterr().out.split())
    for line in ("clients.csv 2 rows canonical clients", "harvest_invoices.csv 3 rows mapping harvest_invoices",
                 "hubspot.csv 4 rows mapping hubspot_activities", "toggl.csv 3 rows Toggl Track detailed report"):
        assert line in out


KIMAI_RU_SEMICOLONS = KIMAI_RU.replace(",", ";").replace('"frontend; web"', '"frontend, web"')


def test_a_russian_folder_reads_the_right_hours_deals_and_overdue_amounts(folder, tmp_path, capsys):
    from relhealth.cli import main

    path = folder({"clients.csv": "client;aliases;account_manager\nООО Ромашка;ООО «Ромашка»;Ольга\n",
                   "invoice.csv": BITRIX_INVOICES}, encoding="cp1251")
    write = folder({"kimai.csv": KIMAI_RU_SEMICOLONS, "amocrm.csv": AMOCRM_DEALS})
    assert write == path
    review = _review(path)
    row = review.loc["ООО Ромашка"]
    # Kimai: 2.25 h of layout work and 1.5 h under the tag collections; effort ratio 1.5 / 2.25
    assert (row["work_hours"], row["collection_hours"], round(row["effort_ratio"], 3)) == (2.25, 1.5, 0.667)
    # amoCRM: the Лендинг deal won (+3), the SEO deal lost (-1); the open deal waits
    assert (row["eba_deposits"], row["eba_withdrawals"]) == (3.0, -1.0)
    # Bitrix24: СЧ-0002 due 24 March, unpaid, 7 days late; СЧ-0003 rejected (void), СЧ-0001 paid
    assert (row["overdue_RUB"], row["max_days_overdue"]) == (45000.0, 7)
    assert list(review.index) == ["ООО Ромашка"]
    assert main(["validate", str(path)]) == 0
    out = " ".join(capsys.readouterr().out.split())
    for line in ("amocrm.csv 2 rows mapping amocrm_deals, UTF-8, comma-separated not counted: 1 row a rule of the "
                 "mapping leaves out",
                 "invoice.csv 3 rows mapping bitrix24_invoices, Windows-1251, semicolon-separated, decimal comma not "
                 "counted: 1 void invoice",
                 "kimai.csv 2 rows Kimai export (Russian)"):
        assert line in out


def test_relhealth_mapping_prints_a_starter_that_reads_the_file_once_filled_in(folder, tmp_path, capsys):
    from relhealth.cli import main

    path = folder({"invoicely.csv": '"Date","Due","Details","Client","Status","Total"\n'
                                    '"Jan 28 2026","Feb 27 2026","INV-1","Bruce Wayne","Due","1,020.00"\n'})
    assert main(["mapping", str(path / "invoicely.csv")]) == 0
    starter = capsys.readouterr().out
    assert starter.splitlines()[2:] == [
        "# The file's columns: Date, Due, Details, Client, Status, Total",
        "[mapping.invoicely]",
        'table = "invoices"       # one of: clients, time_entries, crm_activities, invoices, tasks',
        'columns = { invoice = "?", client = "Client", issued = "Date", due = "Due", amount = "Total", '
        'currency = "?", status = "Status" }',
        '# not guessed: invoice, currency. A column the file lacks may be set to one value for every row, '
        'e.g. set = { currency = "RUB" }',
        "rules = []",
    ]
    filled = starter.replace('invoice = "?"', 'invoice = "Details"').replace(', currency = "?"', "")
    config = tmp_path / "mine.toml"
    config.write_text(filled + 'set = { currency = "USD" }\n', encoding="utf-8")
    data = read_dataset(path, **load_settings(config).read_options)
    assert data.invoices[["invoice", "client", "amount", "currency"]].values.tolist() == [
        ["INV-1", "Bruce Wayne", 1020.0, "USD"]]
    assert main(["mapping", str(path / "nothing.csv")]) == 1
    assert "no such file" in capsys.readouterr().err


TEMPO = """\
    "Issue Key","Issue summary","Hours","Work date","Username","Full name","Period","Account Key","Account Name","Account Lead","Account Category","Account Customer","Activity Name","Component","All Components","Version Name","Issue Type","Issue Status","Project Key","Project Name","Epic","Epic Link","Work Description","Parent Key","Reporter","External Hours","Billed Hours","Issue Original Estimate","Issue Remaining Estimate"
    "WEB-12","Checkout page","2.5","2026-03-02 00:00","anna","Anna Kovacs","2026-03","ACME","Acme retainer","oleg","Billable","Acme","Development","","","","Task","Done","WEB","Website","","","Layout of the basket","","oleg","2.5","2.5","4","0"
    "WEB-13","Invoice reminder","0.5","2026-03-03 00:00","anna","Anna Kovacs","2026-03","ACME","Acme retainer","oleg","Billable","Acme","Billing","","","","Task","Done","WEB","Website","","","","","oleg","0.5","0","1","0"
    "INT-1","Team meeting","1","2026-03-03 00:00","anna","Anna Kovacs","2026-03","INT","Internal","oleg","Internal","","Meeting","","","","Task","Done","INT","Internal","","","Weekly sync","","oleg","0","0","1","0"
"""


def test_a_tempo_worklog_export_gives_the_customer_of_each_worklogs_account(folder):
    data = read(folder, {"tempo.csv": TEMPO})
    assert data.files[0].format == "mapping tempo_worklogs"
    entries = data.time_entries
    # the third worklog's account has no customer: internal time, kept without a client
    assert entries[["client", "hours", "person", "task", "tags"]].fillna("").values.tolist() == [
        ["Acme", 2.5, "Anna Kovacs", "Layout of the basket", "Development"],
        ["Acme", 0.5, "Anna Kovacs", "Invoice reminder", "Billing"],
        ["", 1.0, "Anna Kovacs", "Weekly sync", "Meeting"],
    ]
    assert categorise(entries, SETTINGS.values["effort"]["categories"])["category"].tolist() == [
        "delivery", "collections", "internal"]


def test_a_clients_payment_terms_date_the_invoices_of_an_export_without_due_dates(folder):
    data = read(folder, {"clients.csv": "client,payment_terms_days\nAcme,14\nBeta,\n",
                         "harvest_invoices.csv": HARVEST_INVOICES})
    # Acme's terms are 14 days: 2026-002 (issued 2 March) was due 16 March, 15 days late on 31 March with
    # 1000 still owed; Beta has no terms in clients.csv: 2026-003 keeps due_days, due 4 April
    march = status_on(data, "2026-03-31")
    assert march["days_overdue"].to_dict() == {"2026-001": 0, "2026-002": 15, "2026-003": 0}
    assert data.invoices.set_index("invoice")["due"].to_dict() == {
        "2026-001": pd.Timestamp("2026-02-16"), "2026-002": pd.Timestamp("2026-03-16"),
        "2026-003": pd.Timestamp("2026-04-04")}
    said = {n.client: n.message for n in data.quality if n.code == "due_from_terms"}
    assert said["Acme"].endswith("taken as due 14 days after issue (the client's payment_terms_days in clients.csv).")
    assert "30 days after issue (due_days of [mapping.harvest_invoices]" in said["Beta"]
