"""Chats and mail as the client's and our messages (DESIGN section 2a): a Telegram Desktop export and an
mbox, each message a derived CRM activity, worked out by hand beside the fixtures."""
from __future__ import annotations

import json

import pandas as pd
import pytest

import relhealth
from relhealth.metrics.replies import our_replies

CHAT = {
    "name": "Acme × Agency", "type": "private_supergroup", "id": 1001,
    "messages": [
        {"id": 1, "type": "service", "date": "2026-03-02T09:00:00", "date_unixtime": "1772442000",
         "actor": "Anna Kovacs", "actor_id": "user22", "action": "create_group", "title": "Acme × Agency", "text": ""},
        {"id": 2, "type": "message", "date": "2026-03-02T10:00:00", "date_unixtime": "1772445600", "from": "Jane Roe",
         "from_id": "user11", "text": "Hi, can we move the launch?", "text_entities": []},
        {"id": 3, "type": "message", "date": "2026-03-02T11:30:00", "date_unixtime": "1772451000",
         "from": "Anna Kovacs", "from_id": "user22", "reply_to_message_id": 2,
         "text": ["Yes, ", {"type": "bold", "text": "Friday"}, " works"]},
        {"id": 4, "type": "message", "date": "2026-03-03T09:00:00", "date_unixtime": "1772528400", "from": "Jane Roe",
         "from_id": "user11", "reply_to_message_id": 3, "photo": "photos/photo_1@03-03-2026_09-00-00.jpg",
         "width": 1280, "height": 960, "text": ""},
        {"id": 5, "type": "message", "date": "2026-03-03T09:05:00", "date_unixtime": "1772528700", "from": "DeployBot",
         "from_id": "user99", "text": "build ok"},
    ],
}
ACCOUNT = {"about": "Here is the data you requested.",
           "chats": {"about": "This page lists all chats from this export.", "list": [
               CHAT,
               {"name": "Beta team", "type": "private_group", "id": 1002, "messages": [
                   {"id": 7, "type": "message", "date": "2026-03-04T12:00:00", "from": "John Doe", "from_id": "user33",
                    "text": "Thanks!", "edited": "2026-03-04T12:01:00"}]},
               {"name": "Family", "type": "personal_chat", "id": 1003, "messages": [
                   {"id": 9, "type": "message", "date": "2026-03-05T20:00:00", "from": "Mum", "from_id": "user44",
                    "text": "Dinner?"}]},
           ]}}
CLIENTS = "client,chats,domains\nAcme,Acme × Agency,acme.test\nBeta,,beta.test\n"
TIME = "date,client,person,hours\n2026-03-02,Acme,Anna Kovacs,1\n"


def test_a_telegram_export_gives_each_persons_message_with_its_length_and_thread(folder):
    data = relhealth.read_dataset(folder({"clients.csv": CLIENTS, "time_entries.csv": TIME,
                                          "result.json": json.dumps(ACCOUNT, ensure_ascii=False)}))
    chat = data.crm_activities.sort_values("date")
    # Anna is ours (she logs time); the bot, the service message and the family chat are left out
    assert chat[["client", "kind", "contact", "length", "thread", "row"]].fillna("").values.tolist() == [
        ["Acme", "message_in", "Jane Roe", 27.0, "telegram:1001:2", 2],       # the root of a reply chain
        ["Acme", "message_out", "Anna Kovacs", 17.0, "telegram:1001:2", 3],    # "Yes, Friday works"
        ["Acme", "message_in", "Jane Roe", 0.0, "telegram:1001:2", 4],          # a photo: no text
        ["Beta", "message_in", "John Doe", 7.0, "", 7],                         # replies to nothing, no reply
    ]
    assert [(n.code, n.message) for n in data.quality] == [
        ("chat_without_client", "the chat 'Family' (1 message) names no client: left out. List its title in the "
                                "client's chats in clients.csv."),
        ("chat_left_out", "1 service message and 1 message of a bot: left out, not messages of a person.")]
    replies = our_replies(data.crm_activities).set_index("row")
    assert replies.loc[2, "hours"] == 1.5                     # Jane at 10:00, Anna at 11:30
    assert pd.isna(replies.loc[4, "hours"])                   # the photo is not answered


MBOX = """\
From jane@acme.test Mon Mar  2 07:00:00 2026
From: Jane Roe <jane@acme.test>
To: Anna Kovacs <anna@agency.test>
Subject: =?utf-8?b?0KHRh9GR0YIg0LfQsCDQvNCw0YDRgg==?=
Date: Mon, 02 Mar 2026 10:00:00 +0300
Message-ID: <m1@acme.test>
MIME-Version: 1.0
Content-Type: multipart/alternative; boundary="b1"

--b1
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: 8bit

Пришлите, пожалуйста, счёт.
--b1
Content-Type: text/html; charset=utf-8

<p>Пришлите, пожалуйста, <b>счёт</b>.</p>
--b1--

From anna@agency.test Mon Mar  2 09:30:00 2026
From: Anna Kovacs <anna@agency.test>
To: Jane Roe <jane@acme.test>
Subject: Re: =?utf-8?b?0KHRh9GR0YIg0LfQsCDQvNCw0YDRgg==?=
Date: Mon, 02 Mar 2026 09:30:00 +0000
Message-ID: <m2@agency.test>
In-Reply-To: <m1@acme.test>
References: <m1@acme.test>
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: 8bit

Отправила.

On Mon, 2 Mar 2026 at 10:00, Jane Roe wrote:
> Пришлите, пожалуйста, счёт.

From jane@acme.test Mon Mar  2 09:31:00 2026
From: Jane Roe <jane@acme.test>
To: anna@agency.test
Subject: Out of office
Auto-Submitted: auto-replied
Date: Mon, 02 Mar 2026 12:31:00 +0300
Content-Type: text/plain

I am away until Friday.

From news@shop.test Mon Mar  2 10:00:00 2026
From: Shop <news@shop.test>
To: anna@agency.test
Subject: Our spring sale
Date: Mon, 02 Mar 2026 10:00:00 +0000
Content-Type: text/plain

Sale!
"""


def test_an_mbox_gives_letters_each_side_quoted_replies_removed(folder, tmp_path):
    config = tmp_path / "people.toml"
    config.write_text('[people]\ndomains = ["agency.test"]\n', encoding="utf-8")
    settings = relhealth.load_settings(config)
    data = relhealth.read_dataset(folder({"clients.csv": CLIENTS, "time_entries.csv": TIME, "inbox.mbox": MBOX}),
                                  settings)
    mail = data.crm_activities
    # the dates in UTC: Jane wrote at 07:00 UTC (10:00 +0300), Anna answered at 09:30 UTC
    assert mail[["date", "client", "kind", "subject", "length", "thread", "row"]].values.tolist() == [
        [pd.Timestamp("2026-03-02 07:00"), "Acme", "email_in", "Счёт за март", 27.0, "<m1@acme.test>", 1],
        [pd.Timestamp("2026-03-02 09:30"), "Acme", "email_out", "Re: Счёт за март", 10.0, "<m1@acme.test>", 2],
    ]
    assert our_replies(mail)["hours"].tolist() == [2.5]
    assert [(n.code, n.message) for n in data.quality] == [
        ("mail_automatic", "1 automatic letter (auto-replies, bulk mail): left out."),
        ("mail_stranger", "1 letter of news@shop.test, neither one of ours ([people] domains) nor of a client's "
                          "domains in clients.csv: left out.")]
    files = {f.path.name: f.format for f in data.files}
    assert files["inbox.mbox"] == "mail (.mbox, .eml)"
    # an agency in Moscow (+3) reads the same letters at 10:00 and 12:30, its own times; the reply time stays
    config.write_text('[people]\ndomains = ["agency.test"]\n[report]\ntimezone = "Europe/Moscow"\n', encoding="utf-8")
    moscow = relhealth.read_dataset(data.folder, relhealth.load_settings(config)).crm_activities
    assert moscow["date"].tolist() == [pd.Timestamp("2026-03-02 10:00"), pd.Timestamp("2026-03-02 12:30")]
    assert our_replies(moscow)["hours"].tolist() == [2.5]


def _message(number, when, sender, text):
    return {"id": number, "type": "message", "date": when, "from": sender, "from_id": f"user{len(sender)}",
            "text": text}


MONTH_CHAT = {"name": "Acme × Agency", "type": "private_supergroup", "id": 1001, "messages": [
    _message(1, "2025-12-03T10:00:00", "Jane Roe", "x" * 40),
    _message(2, "2025-12-10T10:00:00", "Jane Roe", "x" * 60),
    _message(3, "2026-02-11T10:00:00", "Jane Roe", "x" * 50),
    _message(4, "2026-03-10T15:00:00", "Anna Kovacs", "Recap: launch moved to Friday."),
    _message(5, "2026-03-12T09:00:00", "Jane Roe", "Опять задержка?!"),
    _message(6, "2026-03-12T09:05:00", "Jane Roe", "ok"),
    _message(7, "2026-03-13T11:00:00", "Bob Stone", "Hello"),
    _message(8, "2026-04-02T09:00:00", "Bob Stone", "WHERE IS IT?! Canary-after-March"),
]}


@pytest.fixture
def month_folder(folder):
    return folder({"clients.csv": CLIENTS, "time_entries.csv": TIME,
                   "result.json": json.dumps(MONTH_CHAT, ensure_ascii=False),
                   "crm_activities.csv": "date,client,kind,subject\n2026-03-10 10:00,Acme,meeting_held,Launch review\n"
                                         "2026-03-20 11:00,Acme,call,Budget call\n",
                   "tasks.csv": "client,task,due,done\nAcme,Banners,2026-03-05,\n"})


def test_the_conversation_figures_of_a_month_worked_out_by_hand(month_folder):
    path = month_folder
    row = relhealth.month_review(relhealth.read_dataset(path), relhealth.load_settings(), "2026-03").set_index(
        "client").loc["Acme"]
    # lengths in March: 16 ("Опять задержка?!"), 2, 5: median 5; Dec-Feb: 40, 60, 50: median 50; 5 / 50
    assert row["client_reply_length_trend"] == pytest.approx(0.1)
    # Jane and Bob wrote in Jan-Mar; Jane wrote in December too, Bob never before
    assert (row["client_contacts_3m"], row["new_client_contacts_3m"]) == (2, 1)
    # the meeting of 10 March has Anna's recap five hours later; the call of 20 March has none
    assert row["unrecapped_meetings_3m"] == 1
    # the banners were due on 5 March and are not done; "Опять ...?!" is irritated (April's message is later)
    assert (row["deadlines_missed_3m"], row["irritated_3m"]) == (1, 1)


def test_the_client_page_shows_the_conversation_behind_the_figures(month_folder):
    from relhealth.render import client_page
    from relhealth.review import client_report

    settings = relhealth.load_settings()
    report = client_report(relhealth.read_dataset(month_folder, settings), settings, "Acme", "2026-03")
    march = report.talk_history.set_index("month").loc[pd.Period("2026-03")]
    # March: Jane's 16 and 2 characters, Bob's 5: median 5; December to February: 40, 60, 50: median 50
    assert (march["client_messages"], march["length"], march["length_baseline"]) == (3, 5, 50)
    # Jane wrote three times in January to March (once in February, twice in March), Bob once and never before
    assert report.writers[["contact", "messages_3m", "new"]].values.tolist() == [["Jane Roe", 3, False],
                                                                              ["Bob Stone", 1, True]]
    assert report.unrecapped[["kind", "subject"]].values.tolist() == [["call", "Budget call"]]
    assert report.tone[["contact", "matched", "text"]].values.tolist() == [["Jane Roe", "Опять, ?!", "Опять задержка?!"]]
    html = str(client_page.conversation(report))
    for shown in ("3 messages: a median of 5 characters against 50", "2 people of the client", "1 of them new",
                  "<td>Bob Stone</td><td>new</td>", "<td>Budget call</td>", "<td>Опять, ?!</td>"):
        assert shown in html, shown
    assert "Canary-after-March" not in html                     # nothing dated after the month shows


def test_a_canary_phrase_of_one_clients_chat_shows_on_no_other_page_nor_the_portfolio(folder):
    from test_render_sections import CLIENT_SECTIONS, PORTFOLIO_SECTIONS

    from relhealth.render import client_page, portfolio_page
    from relhealth.review import client_report, portfolio_report

    canary = "Canary-7f3a: our secret tender price"
    chat = {"name": "Acme × Agency", "type": "private_supergroup", "id": 1001, "messages": [
        _message(1, "2026-03-02T10:00:00", "Jane Roe", canary),
        _message(2, "2026-03-02T11:00:00", "Anna Kovacs", f"Re: {canary}")]}
    beta = {"name": "Beta team", "type": "private_group", "id": 1002, "messages": [
        _message(3, "2026-03-03T10:00:00", "John Doe", "Hello")]}
    path = folder({"clients.csv": CLIENTS, "time_entries.csv": TIME,
                   "acme.json": json.dumps(chat, ensure_ascii=False), "beta.json": json.dumps(beta)})
    settings = relhealth.load_settings()
    data = relhealth.read_dataset(path, settings)
    beta_page = client_report(data, settings, "Beta", "2026-03")
    for name in CLIENT_SECTIONS:
        assert "Canary-7f3a" not in str(getattr(client_page, name)(beta_page)), name
    portfolio = portfolio_report(data, settings, "2026-03")
    for name in PORTFOLIO_SECTIONS:
        section = getattr(portfolio_page, name)
        html = str(section(portfolio, {}, {}) if name == "attention_table" else section(portfolio))
        assert "Canary-7f3a" not in html, name
    # and the score's table carries figures, never text
    assert "Canary-7f3a" not in relhealth.month_review(data, settings, "2026-03").to_csv()


@pytest.mark.parametrize("quoted", [
    "On Mon, 5 Oct 2026 at 10:00, Ben Carter <ben@agency.test> wrote:\n> Draft attached",
    "Am 05.10.2026 um 10:00 schrieb Ben Carter <ben@agency.test>:\n> Entwurf anbei",
    "5 окт. 2026 г., в 10:00, Бен Картер написал(а):\n> Макет во вложении",
    "-----Ursprüngliche Nachricht-----\nVon: Ben Carter\nGesendet: Montag",
    "From: Ben Carter <ben@agency.test>\nSent: Monday",
])
def test_a_letters_own_text_ends_where_the_quoted_reply_starts(quoted):
    from relhealth.io.conversations import own_text

    assert own_text(f"Passt, danke.\n\n{quoted}") == "Passt, danke."


def _letter(number, when, sender, to, subject, body, replies_to=None):
    """One letter of an mbox, dated in UTC."""
    thread = f"In-Reply-To: <{replies_to}>\nReferences: <{replies_to}>\n" if replies_to else ""
    return (f"From {sender.split('<')[-1].rstrip('>')} {pd.Timestamp(when):%a %b %d %H:%M:%S %Y}\nFrom: {sender}\n"
            f"To: {to}\nSubject: {subject}\nDate: {pd.Timestamp(when):%a, %d %b %Y %H:%M:%S} +0000\n"
            f"Message-ID: <l{number}@mail.test>\n{thread}Content-Type: text/plain; charset=utf-8\n\n{body}\n\n")


JANE, ANNA, TOM = "Jane Roe <jane@acme.test>", "Anna Kovacs <anna@agency.test>", "Tom Black <tom@acme.test>"
#: Toggl Track's detailed report: Anna is ours because she logs time.
TOGGL = """\
User,Email,Client,Project,Task,Description,Billable,Start date,Start time,End date,End time,Duration,Tags,Amount (USD)
Anna Kovacs,anna@agency.test,Acme,Website,,Homepage layout,Yes,2026-03-02,09:00:00,2026-03-02,11:30:00,02:30:00,,250.00
"""


def test_a_folder_of_a_chat_a_mailbox_and_a_toggl_report_gives_the_hand_worked_figures(folder):
    from relhealth.render import client_page
    from relhealth.review import client_report

    chat = {"name": "Acme × Agency", "type": "private_supergroup", "id": 1001, "messages": [
        _message(1, "2025-12-04T10:00:00", "Jane Roe", "x" * 30),
        _message(2, "2026-03-02T10:00:00", "Jane Roe", "Where is the draft? Third time I ask."),
        {**_message(3, "2026-03-02T12:00:00", "Anna Kovacs", "Sorry, today."), "reply_to_message_id": 2},
        _message(4, "2026-03-06T09:00:00", "Anna Kovacs", "Can we meet Friday?"),
        {**_message(5, "2026-03-06T09:30:00", "Jane Roe", "ok"), "reply_to_message_id": 4},
        {**_message(6, "2026-03-06T10:00:00", "Anna Kovacs", "Great"), "reply_to_message_id": 5},
    ]}
    mbox = "".join([
        _letter(1, "2026-02-10 09:00", JANE, ANNA, "Brief", "y" * 50),
        _letter(2, "2026-03-03 09:00", TOM, ANNA, "Invoice", "Please send the invoice copy."),
        _letter(3, "2026-03-03 13:00", ANNA, TOM, "Re: Invoice", "Attached.\n\n> Please send the invoice copy.", "l2@mail.test"),
        _letter(4, "2026-03-04 10:00", ANNA, JANE, "Draft", "Draft attached."),
        _letter(5, "2026-03-05 10:00", JANE, ANNA, "Re: Draft", "Thanks.\n\nOn 4 Mar 2026, Anna wrote:\n> Draft attached.",
                "l4@mail.test"),
        _letter(6, "2026-03-05 11:00", ANNA, JANE, "Re: Draft", "You are welcome.", "l4@mail.test"),
    ])
    path = folder({"clients.csv": CLIENTS, "toggl.csv": TOGGL, "result.json": json.dumps(chat, ensure_ascii=False),
                   "inbox.mbox": mbox})
    settings = relhealth.load_settings()
    data = relhealth.read_dataset(path, settings)
    row = relhealth.month_review(data, settings, "2026-03").set_index("client").loc["Acme"]
    # we answered Jane's chat in 2 h, Tom's letter in 4 h, Jane's letter in 1 h and her "ok" in 0.5 h: median 1.5
    assert (row["reply_hours_median"], row["unanswered_in"]) == (1.5, 0)
    # Jane answered our draft after 24 h and "Can we meet Friday?" after 0.5 h; our other four were not
    # answered in their threads: median 12.25
    assert row["client_reply_hours_median"] == 12.25
    # the client's March lengths: 37 ("Where is ... I ask."), 29 (Tom), 7 ("Thanks.", the quote removed), 2:
    # median 18; December to February: 30 and 50, median 40
    assert row["client_reply_length_trend"] == pytest.approx(18 / 40)
    # Jane and Tom wrote in January to March; only Jane in the twelve months before; "Third time" is irritated
    assert (row["client_contacts_3m"], row["new_client_contacts_3m"], row["irritated_3m"]) == (2, 1, 1)
    report = client_report(data, settings, "Acme", "2026-03")
    html = str(client_page.reply_times(report)) + str(client_page.conversation(report))
    for shown in ("median of 1.5 h", "median of 12.2 h", "4 messages: a median of 18 characters against 40",
                  "(0.450 times)", "<td>Tom Black</td><td>new</td><td>email</td>", "<td>Third time</td>"):
        assert shown in html, shown
