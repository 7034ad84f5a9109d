"""The sections of both pages (relhealth.render.client_page, .portfolio_page): Jinja2 templates that escape
every value, so text from the inputs stays text in every section."""
import json
import re

import pytest

from relhealth.io import read_dataset
from relhealth.render import client_page, portfolio_page
from relhealth.render.html import Fragment, table
from relhealth.review import client_report, portfolio_report
from relhealth.settings import load_settings

NAME = "Acme <script>alert('name')</script>"
SUBJECT = "<img src=x onerror=alert('subject')>"
FILES = {
    "clients.csv": f"""\
        client,account_manager,retainer_hours
        "{NAME}",<b>Oleg</b>,10
    """,
    "crm_activities.csv": f"""\
        date,client,kind,direction,thread,subject,benefits_client,benefits_us,covers_cost
        2026-03-02 09:00,"{NAME}",email_in,,T1,"{SUBJECT}",,,
        2026-03-05,"{NAME}",complaint,in,,"{SUBJECT}",,,
        2026-03-06,"{NAME}",complaint,in,,second <u>complaint</u>,,,
        2026-03-09,"{NAME}",scope_request,in,,<i>more pages</i>,no,no,yes
        2026-03-10,"{NAME}",meeting_cancelled,,,<s>call</s>,,,
        2026-03-12,"{NAME}",praise,in,,"{SUBJECT}",,,
    """,
    "time_entries.csv": f"""\
        date,client,hours,task
        2026-03-02,"{NAME}",3,<script>task()</script>
        2026-03-03,"{NAME}",4,Payment reminder <b>call</b>
    """,
    "invoices.csv": f"""\
        invoice,client,issued,due,amount,currency
        <i>INV-1</i>,"{NAME}",2026-01-01,2026-01-15,500,USD
    """,
    "chat.json": json.dumps({"name": NAME, "type": "private_group", "id": 5, "messages": [
        {"id": 1, "type": "message", "date": "2026-03-04T10:00:00", "from": "<b>Jane</b>", "from_id": "user1",
         "text": ["Unacceptable ", {"type": "bold", "text": "<script>alert('chat')</script>"}]}]}),
}
CLIENT_SECTIONS = ["title", "headline", "checklist", "eba_history", "what_moved", "month_ledger", "effort", "invoices",
                   "reply_times", "conversation", "meetings_and_extras", "scope_requests", "footer"]
PORTFOLIO_SECTIONS = ["title", "summary", "attention_table", "by_manager", "quadrant", "band_heatmap", "footer"]


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    from conftest import write_folder

    settings = load_settings()
    return read_dataset(write_folder(tmp_path_factory.mktemp("hostile") / "data", FILES), **settings.read_options)


def assert_text_only(html: str) -> None:
    for raw in ("<script", "<img src=x", "<b>Oleg", "<i>", "<u>", "<s>"):
        assert raw not in html, raw


@pytest.mark.parametrize("name", CLIENT_SECTIONS)
def test_every_client_section_shows_input_text_escaped(data, name):
    report = client_report(data, load_settings(), NAME, "2026-03")
    html = str(getattr(client_page, name)(report))
    assert_text_only(html)


def test_the_client_sections_show_the_escaped_texts_where_they_belong(data):
    report = client_report(data, load_settings(), NAME, "2026-03")
    assert "<h1>Acme &lt;script&gt;alert(&#39;name&#39;)&lt;/script&gt;</h1>" in str(client_page.title(report))
    assert "account manager &lt;b&gt;Oleg&lt;/b&gt;" in str(client_page.title(report))
    ledger = str(client_page.month_ledger(report))
    assert "&lt;img src=x onerror=alert(&#39;subject&#39;)&gt;" in ledger
    assert "No reply within 24 h: &lt;img src=x" in ledger                  # the derived slow reply's subject
    assert "&lt;i&gt;more pages&lt;/i&gt;" in str(client_page.scope_requests(report))
    assert "&lt;i&gt;INV-1&lt;/i&gt;" in str(client_page.invoices(report))
    talk = str(client_page.conversation(report))                      # the tone match: who, the words, the text
    assert "&lt;b&gt;Jane&lt;/b&gt;" in talk and "<td>Unacceptable</td>" in talk
    assert "Unacceptable &lt;script&gt;alert(&#39;chat&#39;)&lt;/script&gt;" in talk
    checklist = str(client_page.checklist(report))
    assert "second &lt;u&gt;complaint&lt;/u&gt;" in checklist              # the rows behind friction
    assert re.search(r"✔ complaints in 3 months: 2 \(≥ 2\)", checklist)


@pytest.mark.parametrize("name", PORTFOLIO_SECTIONS)
def test_every_portfolio_section_shows_input_text_escaped(data, name):
    report = portfolio_report(data, load_settings(), "2026-03")
    section = getattr(portfolio_page, name)
    html = str(section(report, {NAME: "acme.html"}, {}) if name == "attention_table" else section(report))
    assert_text_only(html)


def test_the_index_links_a_page_and_names_a_failure_as_text(data):
    report = portfolio_report(data, load_settings(), "2026-03")
    linked = str(portfolio_page.attention_table(report, {NAME: "acme.html"}, {}))
    assert '<a href="acme.html">Acme &lt;script&gt;alert(&#39;name&#39;)&lt;/script&gt;</a>' in linked
    failed = str(portfolio_page.attention_table(report, {}, {NAME: "<b>boom</b>"}))
    assert 'Acme &lt;script&gt;alert(&#39;name&#39;)&lt;/script&gt; <span class="failed">report failed</span>' in failed
    failures = str(portfolio_page.failures(report, {NAME: "RuntimeError: <b>boom</b>"}))
    assert "<b>Acme &lt;script&gt;" in failures and "RuntimeError: &lt;b&gt;boom&lt;/b&gt;" in failures
    assert str(portfolio_page.failures(report, {})) == ""


def test_a_fragment_shows_as_html_in_a_notebook_and_escapes_what_is_added_to_it():
    fragment = table(__import__("pandas").DataFrame({"name": ["<b>x</b>"]}))
    assert isinstance(fragment, Fragment) and fragment._repr_html_() == str(fragment)
    assert "<td>&lt;b&gt;x&lt;/b&gt;</td>" in str(fragment)
    assert str(fragment + "<i>") .endswith("&lt;i&gt;")
    assert repr(fragment).startswith("<HTML fragment, ")
