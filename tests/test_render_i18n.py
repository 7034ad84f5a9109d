"""The pages' catalogues (relhealth.i18n): the same keys and places in every language, and the
numbers, money, dates and plurals a Russian reader writes."""
from __future__ import annotations

import pandas as pd
import pytest
from babel import Locale

from relhealth.i18n import LANGUAGES, catalogue, placeholders, words


@pytest.mark.parametrize("lang", LANGUAGES[1:])
def test_every_key_is_in_every_language_in_the_same_file_with_the_same_places(lang):
    english, other = catalogue("en"), catalogue(lang)
    # the notebooks' explanations are the notebooks' own text in English
    assert sorted(set(other) - {"notebooks"}) == sorted(english)
    for stem, entries in english.items():
        assert sorted(other[stem]) == sorted(entries), (lang, stem)
        for key, text in entries.items():
            if not key.startswith("plural."):
                assert placeholders(other[stem][key]) == placeholders(text), (lang, key)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_each_counted_word_has_every_plural_form_its_language_needs(lang):
    needed = set(Locale.parse(lang).plural_form.tags) | {"other"}
    for key, forms in words(lang).entries.items():
        if key.startswith("plural."):
            assert set(forms) == needed, (lang, key)


def test_russian_numbers_money_dates_and_plurals():
    ru = words("ru")
    space = "\N{NO-BREAK SPACE}"
    assert ru.number(1234.56).replace("\N{NARROW NO-BREAK SPACE}", space) == f"1{space}234,56"
    assert ru.money(25875, "USD").replace("\N{NARROW NO-BREAK SPACE}", space) == f"25{space}875,00{space}$"
    assert ru.month(pd.Period("2026-10", "M")) == "октябрь 2026"
    assert ru.day("2026-10-31") == "31 октября 2026"
    assert [ru.count(n, "client") for n in (1, 2, 5, 11, 21, 22)] == [
        "1 клиент", "2 клиента", "5 клиентов", "11 клиентов", "21 клиент", "22 клиента"]


def test_english_keeps_the_pages_formats():
    en = words("en")
    assert (en.number(1234.5), en.money(25875, "USD"), en.number(-0.001)) == ("1,234.50", "USD 25,875.00", "0.00")
    assert en.month("2026-10") == "October 2026" and en.day("2026-10-31") == "31 October 2026"
    assert [en.count(n, "client") for n in (1, 4512)] == ["1 client", "4,512 clients"]


@pytest.fixture(scope="module")
def sample_portfolio():
    import relhealth
    from relhealth.resources import SAMPLE_DIR
    from relhealth.review import portfolio_report

    settings = relhealth.load_settings().with_language("ru")
    return portfolio_report(relhealth.read_dataset(SAMPLE_DIR, settings), settings, "2026-10")


def in_russian(*sections) -> str:
    """The text of sections of a Russian page, tags removed and spaces made plain."""
    import re

    html = "".join(str(section()) for section in sections)
    return " ".join(re.sub(r"<[^>]+>", " ", html).replace("\N{NARROW NO-BREAK SPACE}", " ")
                    .replace("\N{NO-BREAK SPACE}", " ").split())


def test_the_portfolios_title_and_month_at_a_glance_read_in_russian(sample_portfolio):
    from relhealth.render import portfolio_page as page

    text = in_russian(lambda: page.title(sample_portfolio), lambda: page.summary(sample_portfolio))
    assert "Портфель клиентов, октябрь 2026" in text and "10 клиентов: сначала те, кому нужно внимание" in text
    assert "Нужно внимание 5 из 10 7 сигналов у 4 клиентов" in text
    assert "3 040,00 €" in text and "37 765,00 $" in text and "самый старый долг: 154 дня" in text
    assert "USD: 3 клиента, больше всех Pinecrest Logistics (25 875,00 $)" in text
    assert "новых в этом месяце: 2, с прошлого месяца: 5" in text


def test_the_portfolios_tables_have_russian_headings_and_money(sample_portfolio):
    from relhealth.render import portfolio_page as page

    text = in_russian(lambda: page.attention_table(sample_portfolio),
                      lambda: page.by_manager(sample_portfolio))
    assert "клиент аккаунт-менеджер сигналы квадрант почему нужно внимание ЭБС (баллы)" in text
    # Pinecrest's 25,875.00 USD owed, the oldest invoice 154 days overdue
    assert "25 875,00 $, самый старый долг 154 дня" in text
    assert "аккаунт-менеджер клиентов нужно внимание сигналов сработало просрочено" in text


@pytest.mark.parametrize("lang", LANGUAGES[1:])
@pytest.mark.parametrize("name, first", [("portfolio_review", "# Обзор портфеля"),
                                         ("client_report", "# Отчёт по клиенту")])
def test_every_explanation_of_the_notebooks_is_in_every_language(lang, name, first):
    import nbformat

    from relhealth.i18n import localised
    from relhealth.resources import CLIENT_NOTEBOOK, PORTFOLIO_NOTEBOOK

    path = {"portfolio_review": PORTFOLIO_NOTEBOOK, "client_report": CLIENT_NOTEBOOK}[name]
    notebook = nbformat.read(path, as_version=4)
    english = [c.source for c in notebook.cells if c.cell_type == "markdown"]
    shown = localised(notebook, name, lang)
    texts = [c.source for c in shown.cells if c.cell_type == "markdown"]
    # every explanation is replaced, and the catalogue names no cell the notebook does not have
    assert len(texts) == len(english) and all(t != e for t, e in zip(texts, english))
    ids = {c.get("id") for c in shown.cells if c.cell_type == "markdown"}
    assert {k.rsplit(".", 1)[1] for k in words(lang).entries if k.startswith(f"notebook.{name}.")} == ids
    assert texts[0].startswith(first)
    assert [c.source for c in shown.cells if c.cell_type == "code"] == [
        c.source for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code"]
