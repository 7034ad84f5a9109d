"""Deadlines from the task trackers (DESIGN section 2a): Jira, Asana and Bitrix24 exports and tasks.csv,
each task with a due date one derived event, worked out by hand beside each fixture."""
# ruff: noqa: E501 -- the exports' rows are kept whole, as the tools write them
from __future__ import annotations

import pandas as pd

import relhealth
from relhealth.review import client_report
from relhealth.settings import load_settings

SETTINGS = load_settings()

# Jira's CSV export: a BOM, CRLF line ends, Labels repeated, a description over two lines, its dates
JIRA = (
    "\ufeffSummary,Issue key,Issue id,Issue Type,Status,Project key,Project name,Priority,Resolution,Assignee,"
    "Reporter,Created,Updated,Resolved,Due date,Labels,Labels,Description\r\n"
    'Homepage design,WEB-1,10001,Task,Done,WEB,Website,Medium,Done,Anna,Oleg,01/Mar/26 9:00 AM,12/Mar/26 4:00 PM,12/Mar/26 4:00 PM,14/Mar/26 12:00 AM,design,ux,"Hero block\r\nand footer"\r\n'
    "Checkout page,WEB-2,10002,Task,Done,WEB,Website,High,Done,Anna,Oleg,01/Mar/26 9:00 AM,16/Mar/26 10:00 AM,16/Mar/26 10:00 AM,16/Mar/26 12:00 AM,,,\r\n"
    "Banner set,WEB-3,10003,Task,Done,WEB,Website,Medium,Done,Ben,Oleg,01/Mar/26 9:00 AM,09/Mar/26 11:00 AM,09/Mar/26 11:00 AM,05/Mar/26 12:00 AM,,,\r\n"
    "Landing copy,WEB-4,10004,Task,In Progress,WEB,Website,Low,,Ben,Oleg,05/Mar/26 9:00 AM,20/Mar/26 9:00 AM,,25/Mar/26 12:00 AM,,,\r\n"
    "Newsletter,WEB-5,10005,Task,To Do,WEB,Website,Low,,Ben,Oleg,10/Mar/26 9:00 AM,10/Mar/26 9:00 AM,,10/Apr/26 12:00 AM,,,\r\n"
    "Backlog idea,WEB-6,10006,Task,To Do,WEB,Website,Low,,Ben,Oleg,10/Mar/26 9:00 AM,10/Mar/26 9:00 AM,,,,,\r\n"
    "Internal wiki,OPS-1,10007,Task,Done,OPS,Operations,Low,Done,Ben,Oleg,01/Mar/26 9:00 AM,02/Mar/26 9:00 AM,02/Mar/26 9:00 AM,03/Mar/26 12:00 AM,,,\r\n"
)
CLIENTS = "client,projects\nAcme,WEB;Website\nBeta,Beta Brand\n"
TIME = "date,client,hours\n2026-03-02,Acme,1\n2026-03-02,Beta,1\n"


def test_jira_issues_become_deadline_events_through_the_projects_of_clients_csv(folder):
    data = relhealth.read_dataset(folder({"clients.csv": CLIENTS, "time_entries.csv": TIME, "jira.csv": JIRA}))
    # rows as a text editor numbers them: WEB-1's description spans lines 2 and 3
    assert data.tasks[["id", "client", "row"]].values.tolist() == [
        ["WEB-1", "Acme", 2], ["WEB-2", "Acme", 4], ["WEB-3", "Acme", 5], ["WEB-4", "Acme", 6], ["WEB-5", "Acme", 7]]
    assert [(n.code, n.rows, n.client) for n in data.quality] == [
        ("task_without_client", (9,), None), ("task_without_due", (8,), "Acme")]
    report = client_report(data, SETTINGS, "Acme", "2026-03")
    derived = report.ledger[report.ledger["derived"]]
    # WEB-1 done 12 March, 2 days before its due day: early (+3); WEB-2 done on its due day (+2); WEB-3
    # due 5 March, done 9 March: missed, dated 6 March (-5); WEB-4 due 25 March, open: missed on 26 March
    # (-5); WEB-5 is due in April: no event in March
    assert derived[["date", "kind", "weight"]].values.tolist() == [
        [pd.Timestamp("2026-03-06"), "deadline_missed", -5.0], [pd.Timestamp("2026-03-12"), "delivered_early", 3.0],
        [pd.Timestamp("2026-03-16"), "deadline_met", 2.0], [pd.Timestamp("2026-03-26"), "deadline_missed", -5.0]]
    row = relhealth.month_review(data, SETTINGS, "2026-03").set_index("client").loc["Acme"]
    assert (row["eba_deposits"], row["eba_withdrawals"]) == (5.0, -10.0)


ASANA = """\
    Task ID,Created At,Completed At,Last Modified,Name,Section/Column,Assignee,Assignee Email,Start Date,Due Date,Tags,Notes,Projects,Parent task
    1201,2026-03-01,2026-03-11,2026-03-11,Logo options,Doing,Anna Kovacs,anna@agency.test,,2026-03-10,,,Beta Brand,
    1202,2026-03-01,,2026-03-20,Brand book,Doing,Anna Kovacs,anna@agency.test,,2026-03-31,,,"Beta Brand,Retainer",
"""


def test_asana_tasks_and_the_grace_days_boundary(folder, tmp_path):
    path = folder({"clients.csv": CLIENTS, "time_entries.csv": TIME, "asana.csv": ASANA})
    data = relhealth.read_dataset(path)
    assert {f.path.name: f.format for f in data.files}["asana.csv"] == "Asana tasks"

    def derived(settings, month):
        ledger = client_report(data, settings, "Beta", month).ledger
        return ledger.loc[ledger["derived"], ["date", "kind"]].values.tolist()
    # no grace: Logo options, due 10 March and done the 11th, is missed on the 11th; Brand book, due 31
    # March, is not late at the month's end
    assert derived(SETTINGS, "2026-03") == [[pd.Timestamp("2026-03-11"), "deadline_missed"]]
    config = tmp_path / "grace.toml"
    config.write_text("[tasks]\ngrace_days = 1\n", encoding="utf-8")
    graced = load_settings(config)
    # one day of grace: done on the last day of grace is met; the open Brand book is missed on 2 April
    assert derived(graced, "2026-03") == [[pd.Timestamp("2026-03-11"), "deadline_met"]]
    assert derived(graced, "2026-04") == [[pd.Timestamp("2026-04-02"), "deadline_missed"]]


BITRIX_TASKS = """\
    ID;Название;Статус;Крайний срок;Дата закрытия;Проект;Постановщик;Ответственный;Дата создания
    1;Вёрстка главной;Завершена;10.03.2026 18:00:00;06.03.2026 12:00:00;Сайт Ромашки;Ольга;Анна;01.03.2026 10:00:00
    2;Баннеры;Завершена;05.03.2026 18:00:00;05.03.2026 19:30:00;Сайт Ромашки;Ольга;Анна;01.03.2026 10:00:00
"""


def test_bitrix24_tasks_in_windows_1251_and_the_ledger_says_why(folder):
    path = folder({"clients.csv": "client;projects\nООО Ромашка;Сайт Ромашки\n", "tasks.csv": BITRIX_TASKS,
                   "time.csv": "date;client;hours\n02.03.2026;ООО Ромашка;1\n"}, encoding="cp1251")
    data = relhealth.read_dataset(path)
    assert [f.format for f in data.files] == ["canonical clients", "Bitrix24 tasks", "canonical time entries"]
    report = client_report(data, SETTINGS, "ООО Ромашка", "2026-03")
    from relhealth.render.words import event_subject

    events = report.ledger[report.ledger["derived"]]
    assert [event_subject(e, 24) for e in events.itertuples()] == [
        "Баннеры: due 2026-03-05, done 2026-03-05, on the due day",
        "Вёрстка главной: due 2026-03-10, done 2026-03-06, 4 days early",
    ]
    assert events["kind"].tolist() == ["deadline_met", "delivered_early"]


def test_a_canonical_tasks_file_names_its_client(folder):
    data = relhealth.read_dataset(folder({
        "time_entries.csv": TIME,
        "tasks.csv": "client,task,due,done\nAcme,Report,2026-03-10,\nBeta,Audit,2026-03-20,2026-03-15\n"}))
    review = relhealth.month_review(data, SETTINGS, "2026-03").set_index("client")
    # Acme's report is late from 11 March (-5); Beta's audit came 5 days early (+3)
    assert review[["eba_deposits", "eba_withdrawals"]].to_dict("index") == {
        "Acme": {"eba_deposits": 0.0, "eba_withdrawals": -5.0}, "Beta": {"eba_deposits": 3.0, "eba_withdrawals": 0.0}}


def test_a_jira_export_without_its_due_date_column_is_refused_naming_it(folder):
    import pytest

    from relhealth.errors import InputError

    lines = JIRA.split("\r\n")
    header, checkout = lines[0], lines[3]          # lines 1 and 2 are WEB-1's, its description over two
    no_due = header.replace(",Due date", "") + "\r\n" + checkout.replace(",16/Mar/26 12:00 AM,", ",") + "\r\n"
    path = folder({"time_entries.csv": TIME, "jira.csv": no_due})
    with pytest.raises(InputError) as error:
        relhealth.read_dataset(path)
    assert "The closest format, Jira issues, also needs 'due date'." in str(error.value)


TRELLO = {
    "id": "5f1", "name": "Acme website", "closed": False,
    "lists": [{"id": "l1", "name": "Doing"}, {"id": "l2", "name": "Done"}],
    "labels": [{"id": "b1", "name": "design", "color": "green"}],
    "cards": [
        {"id": "c1", "shortLink": "AbC1", "name": "Wireframes", "idList": "l2", "due": "2026-03-10T12:00:00.000Z",
         "dueComplete": True, "dateLastActivity": "2026-03-20T09:00:00.000Z", "closed": False},
        {"id": "c2", "shortLink": "AbC2", "name": "Copy", "idList": "l2", "due": "2026-03-05T12:00:00.000Z",
         "dueComplete": True, "dateLastActivity": "2026-03-09T16:00:00.000Z", "closed": True},
        {"id": "c3", "shortLink": "AbC3", "name": "Launch", "idList": "l1", "due": "2026-03-20T12:00:00.000Z",
         "dueComplete": False, "dateLastActivity": "2026-03-15T10:00:00.000Z", "closed": False},
        {"id": "c4", "shortLink": "AbC4", "name": "Ideas", "idList": "l1", "due": None, "dueComplete": False,
         "dateLastActivity": "2026-03-01T10:00:00.000Z", "closed": False},
    ],
    "actions": [
        {"type": "updateCard", "date": "2026-03-07T15:30:00.000Z",
         "data": {"card": {"id": "c1", "dueComplete": True}, "old": {"dueComplete": False}}},
        {"type": "commentCard", "date": "2026-03-08T10:00:00.000Z", "data": {"card": {"id": "c1"}, "text": "ok"}},
    ],
}


def test_a_trello_board_gives_deadlines_from_its_cards(folder):
    import json

    path = folder({"clients.csv": "client,projects\nAcme,Acme website\n", "time_entries.csv": TIME,
                   "board.json": json.dumps(TRELLO)})
    data = relhealth.read_dataset(path)
    assert data.tasks[["id", "task", "client", "status"]].values.tolist() == [
        ["AbC1", "Wireframes", "Acme", "Done"], ["AbC2", "Copy", "Acme", "Done"], ["AbC3", "Launch", "Acme", "Doing"]]
    ledger = client_report(data, SETTINGS, "Acme", "2026-03").ledger
    # Wireframes marked complete on 7 March (its action), 3 days before its due day: early; Copy completed
    # before the actions the export holds: done on its last activity, 9 March, 4 days late: missed on the
    # 6th; Launch, due 20 March, still open: missed on the 21st
    assert ledger.loc[ledger["derived"], ["date", "kind"]].values.tolist() == [
        [pd.Timestamp("2026-03-06"), "deadline_missed"], [pd.Timestamp("2026-03-07"), "delivered_early"],
        [pd.Timestamp("2026-03-21"), "deadline_missed"]]
    assert [(n.code, n.rows) for n in data.quality] == [("done_from_activity", (3,)), ("task_without_due", (5,))]


def test_json_that_is_no_trello_board_is_named(folder):
    import pytest

    from relhealth.errors import InputError

    path = folder({"time_entries.csv": TIME, "other.json": '{"cards": 3}'})
    with pytest.raises(InputError) as error:
        relhealth.read_dataset(path)
    assert str(error.value) == (
        f"{path / 'other.json'}: is JSON but neither a Trello board export (cards and lists) nor a Telegram Desktop "
        "chat export (messages). relhealth reads a board's Menu > Print, export and share > Export as JSON, and "
        "Telegram Desktop's Export chat history in JSON; move any other .json out of the folder.")


# YouTrack's CSV export: the columns as JetBrains' own mapping of it names them (youtrack-python-scripts,
# youtrackutils/csvClient/youtrackMapping.py), in an order assumed; its long dates; a placeholder assignee
YOUTRACK = """\
    Issue Id,Project,Summary,Reporter,Created,Updated,Resolved,Priority,Type,State,Assignee,Subsystem,Due Date
    WEB-21,Website,Pricing page,oleg,"Monday, March 2, 2026 09:00:00 AM +0300","Thursday, March 12, 2026 05:00:00 PM +0300","Thursday, March 12, 2026 05:00:00 PM +0300",Normal,Task,Fixed,anna,No subsystem,"Friday, March 13, 2026 12:00:00 AM +0300"
    WEB-22,Website,Contact form,oleg,"Monday, March 2, 2026 09:00:00 AM +0300","Monday, March 16, 2026 10:00:00 AM +0300",,Normal,Task,In Progress,<no user>,No subsystem,"Tuesday, March 10, 2026 12:00:00 AM +0300"
"""


def test_youtrack_issues_with_their_long_dates_become_deadline_events(folder):
    data = relhealth.read_dataset(folder({"clients.csv": "client,projects\nAcme,Website\n", "time_entries.csv": TIME,
                                          "youtrack.csv": YOUTRACK}))
    assert {f.path.name: f.format for f in data.files}["youtrack.csv"] == "YouTrack issues"
    ledger = client_report(data, SETTINGS, "Acme", "2026-03").ledger
    # WEB-21 resolved 12 March, due the 13th: met (one day early is not two); WEB-22 due 10 March, open:
    # missed on the 11th
    assert ledger.loc[ledger["derived"], ["date", "kind"]].values.tolist() == [
        [pd.Timestamp("2026-03-11"), "deadline_missed"], [pd.Timestamp("2026-03-12"), "deadline_met"]]
