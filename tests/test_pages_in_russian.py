"""The pages in Russian (DESIGN section 6, ``--lang ru``): every word of ours on every section of the
sample's portfolio and client pages is Russian; what stays Latin is the data (names, subjects, message
texts, file names) and the codes the review table uses."""
from __future__ import annotations

import re

import pandas as pd
import pytest

import relhealth
from relhealth.metrics.checklist import SIGNALS
from relhealth.render import client_page, portfolio_page
from relhealth.resources import SAMPLE_DIR
from relhealth.review import portfolio_of, report_of, score
from relhealth.review.clients import HISTORY_MONTHS

CLIENT_SECTIONS = ["title", "headline", "checklist", "eba_history", "what_moved", "month_ledger", "effort", "invoices",
                   "reply_times", "conversation", "meetings_and_extras", "scope_requests", "quality_notes", "footer"]
PORTFOLIO_SECTIONS = ["title", "summary", "attention_table", "by_manager", "quadrant", "band_heatmap", "quality_notes",
                      "footer"]
#: Latin words a Russian page may show besides the data: codes, currencies, formats, products and files.
ALLOWED = {*SIGNALS, "USD", "EUR", "RUB", "UTC", "DSO", "CSV", "Telegram", "relhealth", "docs", "metrics", "md",
           "clients", "csv", "hourly_rate", "chats", "review"}
#: Columns of the reports' frames that hold the data's own text (the rest are codes the pages put in words).
WORDED = {"kind", "what", "category", "category_rule", "band", "effort_flag", "verdict", "weight_from", "channel",
          "bucket", "note", "quadrant", "quadrant_placed", "quadrant_why", "eba_band", "part_flags", "direction",
          "derived", "month", "new"}


@pytest.fixture(scope="module")
def scored():
    settings = relhealth.load_settings().with_language("ru")
    return score(relhealth.read_dataset(SAMPLE_DIR, settings), settings, "2026-10", HISTORY_MONTHS)


def plain_text(html) -> str:
    html = re.sub(r'src="data:[^"]+"', "", str(html))
    return " ".join(re.sub(r"<[^>]+>", " ", html).replace("&#39;", "'").replace("&amp;", "&")
                    .replace("&lt;", "<").replace("&gt;", ">").replace("&#34;", '"').replace("&quot;", '"').split())


def data_strings(report) -> set[str]:
    """Every text of the data a report holds: names, subjects, contacts, message texts, files, patterns."""
    found = {report.folder, report.client, report.settings.fingerprint,
             *(str(v) for v in report.info.values() if isinstance(v, str))}
    frames = [value for value in vars(report).values() if isinstance(value, pd.DataFrame)]
    frames += list(getattr(report, "evidence", {}).values())
    for frame in frames:
        for column in frame.columns:
            if column in WORDED or pd.api.types.is_numeric_dtype(frame[column]):
                continue
            found |= {str(v) for v in frame[column].dropna()}
            found |= {" ".join(str(v).split()) for v in frame[column].dropna()}
    for rule in getattr(report, "time_rules", pd.DataFrame(columns=["category_rule"]))["category_rule"]:
        found |= set(re.findall(r"'(.*?)'(?: matches|$)", str(rule))) | set(re.findall(r"matches '(.*)'$", str(rule)))
    for note in report.quality:
        found |= {note.file, note.column or "", *(str(v) for _, v in note.values if isinstance(v, str))}
    return {text for text in found if text}


def latin_words(text: str, strings: set[str]) -> set[str]:
    for data in sorted(filter(None, strings), key=len, reverse=True):
        text = text.replace(data, " ")
    text = re.sub(r"\S+\.(?:csv|json|mbox|ics|html)\b", " ", text)       # file names
    return set(re.findall(r"[A-Za-z][A-Za-z_]*", text)) - ALLOWED


def test_the_sample_portfolio_page_has_no_english_word_left(scored):
    report = portfolio_of(scored)
    strings = {report.folder, report.settings.fingerprint, *report.table["client"],
               *report.table["account_manager"].dropna()}
    for note in report.quality:
        strings |= {note.file, note.column or "", *(str(v) for _, v in note.values if isinstance(v, str))}
    left = {name: latin_words(plain_text(getattr(portfolio_page, name)(report)), strings)
            for name in PORTFOLIO_SECTIONS}
    assert {name: words for name, words in left.items() if words} == {}


#: The stories whose pages show the most sections with something in them: overdue invoices, tone matches and
#: a rude client, scope requests with new people and meetings without a recap, mail, a Russian register.
@pytest.mark.parametrize("client", ["Pinecrest Logistics", "Harrow Motor Group", "Copperleaf Studios",
                                    "Alpenrose Hotels GmbH", "ООО «Северный ветер»"])
def test_every_section_of_a_sample_client_page_has_no_english_word_left(scored, client):
    report = report_of(scored, client)
    strings = data_strings(report)
    left = {name: latin_words(plain_text(getattr(client_page, name)(report)), strings) for name in CLIENT_SECTIONS}
    assert {name: words for name, words in left.items() if words} == {}


def test_a_russian_client_page_writes_numbers_dates_and_money_in_russian(scored):
    text = plain_text("".join(str(getattr(client_page, name)(report_of(scored, "Pinecrest Logistics")))
                              for name in ("title", "headline", "invoices")))
    text = text.replace("\N{NARROW NO-BREAK SPACE}", " ").replace("\N{NO-BREAK SPACE}", " ")
    assert "Pinecrest Logistics Здоровье отношений за октябрь 2026" in text
    # Pinecrest owes 25,875.00 USD, 154 days overdue at the oldest (data/sample/README.md)
    assert "25 875,00 $" in text and "154 дня" in text
    assert "Срок оборота дебиторской задолженности (DSO)" in text and "USD: 405 дней" in text


@pytest.mark.parametrize("name", ["portfolio_review", "client_report"])
def test_the_notebooks_explanations_in_russian_have_no_english_word_but_code_and_names(name):
    import nbformat

    from relhealth.i18n import localised
    from relhealth.resources import CLIENT_NOTEBOOK, PORTFOLIO_NOTEBOOK

    path = {"portfolio_review": PORTFOLIO_NOTEBOOK, "client_report": CLIENT_NOTEBOOK}[name]
    shown = localised(nbformat.read(path, as_version=4), name, "ru")
    text = " ".join(re.sub(r"`[^`]*`", " ", cell.source) for cell in shown.cells if cell.cell_type == "markdown")
    # the menu of JupyterLab and the products named keep their own names
    assert set(re.findall(r"[A-Za-z][A-Za-z_]*", text)) - ALLOWED - {"CRM", "JupyterLab", "Run", "All", "Cells"} == set()
