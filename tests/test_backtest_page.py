"""The backtest page (relhealth.render.backtest_page, DESIGN section 4c) in English and Russian: every section
checked against numbers worked out by hand on three clients, an agency with no churn that has nothing to
measure yet, no English word left on the Russian page, and the notebook run through papermill."""
from __future__ import annotations

import re

import nbformat
import pandas as pd
import pytest
from test_backtest import FILES
from test_pages_in_russian import ALLOWED, latin_words, plain_text

from relhealth.render import backtest_page as page
from relhealth.render.bundles import write_bundle
from relhealth.resources import BACKTEST_NOTEBOOK

SECTIONS = ["title", "summary", "rates", "churned", "aucs", "sensitivity", "quality_notes", "footer"]
#: The fixture of tests/test_backtest.py (Acme ends on 10 May, Beta's hours stop after March, Gamma pays
#: late) with one complaint about Acme on 10 March: -4 points, a balance of -4 * 0.5 ** (21 / 90) = -3.40 at
#: the end of March and -4 * 0.5 ** (51 / 90) = -2.70 at the end of April, both overdrawn, so Acme is warned
#: in March, 2 months before it leaves; Beta and Gamma stay at 0 (watch) and Beta is never warned.
WARNED = {**FILES, "crm_activities.csv": "date,client,kind\n2026-03-10,Acme,complaint\n"}
#: One client working every month: nobody leaves, no invoice.
NO_CHURN = {"time_entries.csv": "date,client,hours\n" + "".join(f"2026-{m:02d}-05,Acme,10\n" for m in range(1, 7))}
#: Latin words the Russian page may show: the AUC, the column of clients.csv it names.
CODES = ALLOWED | {"AUC", "ended"}


def text(fragment) -> str:
    return plain_text(fragment).replace("\N{NO-BREAK SPACE}", " ").replace("\N{NARROW NO-BREAK SPACE}", " ")


@pytest.fixture(scope="module")
def warned_folder(tmp_path_factory):
    from conftest import write_folder
    return write_folder(tmp_path_factory.mktemp("backtest") / "data", WARNED)


def in_language(report, lang: str, tmp_path):
    """``report`` as a run writes it and a notebook opens it in ``lang``, scored once."""
    write_bundle(report, tmp_path / f"backtest-{lang}.pickle")
    return page.open_backtest(str(tmp_path / f"backtest-{lang}.pickle"), lang=lang)


@pytest.fixture(scope="module")
def warned(warned_folder):
    return page.open_backtest(str(warned_folder), reps=50)


@pytest.fixture(scope="module", params=["en", "ru"])
def report(request, warned, tmp_path_factory):
    return in_language(warned, request.param, tmp_path_factory.mktemp("bundle"))


@pytest.fixture(scope="module")
def no_churn(tmp_path_factory):
    from conftest import write_folder
    return page.open_backtest(str(write_folder(tmp_path_factory.mktemp("backtest") / "data", NO_CHURN)), reps=50)


def english(report) -> bool:
    return report.settings["report"]["language"] == "en"


def shows(shown: str, report, en: list[str], ru: list[str]) -> None:
    """Every sentence the report's language expects is on the section."""
    assert [sentence for sentence in (en if english(report) else ru) if sentence not in shown] == []


def test_the_title_names_the_months_the_client_months_and_the_clients(report):
    # March (the third month of the data) to August: Acme 3 months, Beta 6, Gamma 6
    assert text(page.title(report)) == ({
        True: "Backtest: does the score foresee what happened? March 2026 to August 2026: 15 client-months of 3 "
              "clients, each month scored on the data as it stood at its end",
        False: "Бэктест: предвидит ли оценка то, что произошло? С марта 2026 по август 2026: 15 клиент-месяцев, "
               "3 клиента; каждый месяц оценён по данным на его конец"}[english(report)])


def test_the_summary_says_who_left_who_was_warned_and_what_beats_the_baselines(report):
    shown = text(page.summary(report))
    # churn follows Acme's March and April (balance -3.40, -2.70) and Beta's March (0); not Gamma's March to May (0):
    # AUC of -balance = (3 + 3 + 1.5) / 9 = 0.83; late payment follows Gamma's three months only: 1.5 / 9 = 0.17.
    # Every effort ratio is 0 (0.50); falling work hours ties at 0 (0.50); nobody wrote, so no days of silence
    shows(shown, report,
          en=[
            "2 of 3 clients left in these months; the score warned of 1 of them 2 months or more ahead (50%).",
            "Churn: the balance's AUC is 0.83 and the 3-month effort ratio's 0.50, against 0.50 for falling work hours "
            "and none for days since the client's last contact. The balance beats falling work hours. The 3-month "
            "effort ratio does not beat falling work hours. There is no AUC for days since the client's last contact "
            "here. Only 3 client-months followed by churn (fewer than 10): not enough to measure yet, so read these "
            "AUCs as indicative, not as proof.",
            "Late payment: the balance's AUC is 0.17 and the 3-month effort ratio's 0.50, against 0.50 for falling "
            "work hours and none for days since the client's last contact. The balance does not beat falling work "
            "hours. Below 0.5, it ranks the wrong way round on this history.",
            "Only 3 client-months followed by late payment (fewer than 10)",
            "Nothing on this page is fitted to this history: the bands, the effort flags and the signals are the "
            "settings' own"],
          ru=[
            "Ушедших за эти месяцы клиентов: 2 из 3; за 2 месяца и раньше оценка предупредила о 1 из них (50 %).",
            "Отток: AUC у ЭБС — 0,83, у доли усилий за 3 месяца — 0,50; у наивных ориентиров: падение рабочих часов — "
            "0,50, дни с последнего контакта клиента — нет. ЭБС лучше ориентира «падение рабочих часов». Доля усилий "
            "за 3 месяца не лучше ориентира «падение рабочих часов». У ориентира «дни с последнего контакта клиента» "
            "здесь нет AUC. Всего 3 клиент-месяца перед оттоком (меньше 10): для измерения пока мало",
            "Просрочка оплаты: AUC у ЭБС — 0,17",
            "ЭБС не лучше ориентира «падение рабочих часов». Ниже 0,5 — на этой истории ранжирование обратное.",
            "Всего 3 клиент-месяца перед просрочкой оплаты (меньше 10)",
            "Ничего на этой странице не подогнано под эту историю"])


def test_the_rates_by_band_and_quadrant_carry_wilson_intervals_and_a_reading(report):
    shown = text(page.rates(report))
    # overdrawn: Acme's March and April, both followed by churn, neither by late payment; watch: Beta's March
    # (churn) and Gamma's March to May (late). Wilson 2 of 2: 34-100%; 0 of 2: 0-66%; 1 of 4: 5-70%; 3 of 4: 30-95%
    shows(shown, report,
          en=["overdrawn 2 of 2: 100% (34–100%) 0 of 2: 0% (0–66%) watch 1 of 4: 25% (5–70%) 3 of 4: 75% (30–95%) "
                    "healthy – – strong – –",
                    "Churn followed the client-months in the overdrawn band most often, 100%, against 25% in the watch "
                    "band, but the intervals overlap, so it may still be chance.",
                    "Late payment followed the client-months in the watch band most often (75%), not those in the "
                    "overdrawn band (0%): on this history the bands do not put the risk in order.",
                    "consider parting – – renegotiate terms – – fix our service 3 of 6: 50% (19–81%) 3 of 6: 50% (19–81%)",
                    "Churn: every client-month with a known outcome is in “fix our service”, so there is nothing to "
                    "compare it with."],
          ru=["в минусе 2 из 2: 100 % (34–100 %) 0 из 2: 0 % (0–66 %) под наблюдением 1 из 4: 25 % (5–70 %) "
                    "3 из 4: 75 % (30–95 %) в порядке – – крепкий – –",
                    "Отток: чаще всего — после месяцев в зоне «в минусе» (100 %), против 25 % в зоне «под наблюдением», "
                    "но интервалы пересекаются, так что это ещё может быть случайностью.",
                    "Просрочка оплаты: чаще всего — после месяцев в зоне «под наблюдением» (75 %), а не в зоне «в минусе» "
                    "(0 %); на этой истории зоны не выстраивают риск по порядку.",
                    "исправить наш сервис 3 из 6: 50 % (19–81 %) 3 из 6: 50 % (19–81 %)",
                    "интервал Уилсона"])


def test_each_churned_client_has_its_first_warning_and_its_run_up(report):
    shown = text(page.churned(report))
    shows(shown, report,
          en=["client left in first warning months ahead warned in time Beta April 2026 none – no warning "
                    "Acme May 2026 March 2026 2 months yes",
                    "Warned 2 months or more ahead: 1 of 2 clients who left (50%).",
                    "Beta: the last months before it left in April 2026 month balance (points) band effort flag "
                    "signals fired warning 2026-03 0.00 watch green",
                    "Acme: the last months before it left in May 2026 month balance (points) band effort flag signals "
                    "fired warning 2026-03 -3.40 overdrawn green warning 2026-04 -2.70 overdrawn green warning"],
          ru=["Beta апрель 2026 не было – без предупреждения Acme май 2026 март 2026 2 месяца да",
                    "Предупреждены за 2 месяца и раньше: 1 из 2 ушедших клиентов (50 %).",
                    "Acme: последние месяцы перед уходом (май 2026)",
                    "март 2026 -3,40 в минусе зелёный предупреждение апр. 2026 -2,70 в минусе зелёный предупреждение"])


def test_the_aucs_carry_their_interval_their_events_and_are_marked_indicative(report):
    shown = text(page.aucs(report))
    if english(report):
        assert re.search(r"EBA balance \(lower: riskier\) 0\.83 \(\d\.\d\d–\d\.\d\d\), indicative 3 of 6 "
                         r"0\.17 \(\d\.\d\d–\d\.\d\d\), indicative 3 of 6", shown)
        # falling work hours needs a month before: Acme's April, Gamma's April and May
        assert "naive baseline: days since the client's last contact – 0 of 0 – 0 of 0" in shown
        assert "0.5 is a coin toss, 1 means every such month was ranked riskier" in shown
    else:
        assert re.search(r"ЭБС \(чем ниже, тем рискованнее\) 0,83 \(\d,\d\d–\d,\d\d\), предварительно 3 из 6", shown)
        assert "наивный ориентир: дни с последнего контакта клиента – 0 из 0 – 0 из 0" in shown
        assert "0,5 — подбрасывание монеты" in shown


def test_the_half_life_hardly_changes_the_ranking_of_a_single_complaint(report):
    shown = text(page.sensitivity(report))
    # every half-life keeps Acme's two months below everyone else's 0
    if english(report):
        assert "30 days 0.83 0.17 60 days 0.83 0.17 90 days (the settings') 0.83 0.17 180 days 0.83 0.17 no decay 0.83 0.17" \
            in shown
        assert "Churn: the balance's AUC runs from 0.83 to 0.83 across these half-lives. The half-life hardly changes it." \
            in shown
    else:
        assert "30 дней 0,83 0,17 60 дней 0,83 0,17 90 дней (из настроек) 0,83 0,17 180 дней 0,83 0,17 без угасания" \
            in shown
        assert "Отток: AUC у ЭБС при этих периодах полураспада — от 0,83 до 0,83." in shown


def test_the_notes_and_the_footer(report, warned_folder):
    assert text(page.quality_notes(report)) in ("No data-quality notes.", "Замечаний о качестве данных нет.")
    shown = text(page.footer(report))
    assert str(warned_folder) in shown and report.settings.fingerprint in shown
    assert "2026-08" in shown or "авг. 2026" in shown


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_an_agency_with_no_churn_has_nothing_to_measure_yet(no_churn, lang, tmp_path):
    report = in_language(no_churn, lang, tmp_path)
    summary, churned = text(page.summary(report)), text(page.churned(report))
    if lang == "en":
        assert summary.startswith("No client left in these months, so there is nothing to measure yet: how well the "
                                  "score foresees churn can only be judged once clients have left.")
        assert "Late payment: no client-month was followed by it within 3 months, so there is nothing to measure yet." \
            in summary
        assert churned.startswith("No client left in these months")
    else:
        assert summary.startswith("За эти месяцы не ушёл ни один клиент, поэтому мерить пока нечего")
        assert "Просрочка оплаты: ни одного случая за 3 месяца после месяца обзора, поэтому мерить пока нечего." in summary
        assert churned.startswith("За эти месяцы не ушёл ни один клиент")
    for name in SECTIONS:                                # every section renders with nothing to measure
        getattr(page, name)(report)


@pytest.mark.parametrize("which", ["warned", "no_churn"])
def test_the_russian_page_has_no_english_word_left(request, which, tmp_path):
    report = in_language(request.getfixturevalue(which), "ru", tmp_path)
    strings = {report.folder, report.settings.fingerprint, *report.panel["client"]}
    left = {name: latin_words(plain_text(getattr(page, name)(report)), strings) - CODES for name in SECTIONS}
    assert {name: found for name, found in left.items() if found} == {}


def test_a_backtest_written_by_a_run_opens_in_another_language(warned, tmp_path):
    written = warned
    report = in_language(written, "ru", tmp_path)
    assert text(page.title(report)).startswith("Бэктест: предвидит ли оценка то, что произошло? С марта 2026")
    assert report.aucs.equals(written.aucs) and written.settings["report"]["language"] == "en"
    # the report keeps the folder's data-quality notes (none here) and shows them in the page's language
    assert report.quality == written.quality == [] and text(page.quality_notes(report)) == "Замечаний о качестве данных нет."


def test_the_backtest_notebook_is_kept_without_outputs_and_each_cell_has_an_id():
    nb = nbformat.read(BACKTEST_NOTEBOOK, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(not c.outputs and c.execution_count is None for c in code)
    assert "parameters" in code[0].metadata.get("tags", []) and all(c.get("id") for c in nb.cells)
    assert "page.open_backtest(data, config, first, last, lang)" in code[1].source


def test_every_explanation_of_the_backtest_notebook_is_in_russian():
    from relhealth.i18n import localised, words

    notebook = nbformat.read(BACKTEST_NOTEBOOK, as_version=4)
    english_texts = [c.source for c in notebook.cells if c.cell_type == "markdown"]
    shown = localised(notebook, "backtest", "ru")
    texts = [c.source for c in shown.cells if c.cell_type == "markdown"]
    assert len(texts) == len(english_texts) and all(t != e for t, e in zip(texts, english_texts))
    ids = {c.get("id") for c in shown.cells if c.cell_type == "markdown"}
    assert {k.rsplit(".", 1)[1] for k in words("ru").entries if k.startswith("notebook.backtest.")} == ids
    assert texts[0].startswith("# Бэктест")
    prose = " ".join(re.sub(r"`[^`]*`", " ", t) for t in texts)
    assert set(re.findall(r"[A-Za-z][A-Za-z_]*", prose)) - CODES == set()


@pytest.mark.slow
def test_the_backtest_notebook_runs_on_a_data_folder(warned_folder, tmp_path):
    import papermill

    assert set(papermill.inspect_notebook(str(BACKTEST_NOTEBOOK))) == {"data", "config", "first", "last", "lang"}
    nb = papermill.execute_notebook(str(BACKTEST_NOTEBOOK), str(tmp_path / "ran.ipynb"), kernel_name="python3",
                                    progress_bar=False, parameters={"data": str(warned_folder)},
                                    execution_timeout=300)
    html = "".join(o.get("data", {}).get("text/html", "") for c in nb.cells for o in c.get("outputs", []))
    assert "<h1>Backtest: does the score foresee what happened?</h1>" in html
    assert "Warned 2 months or more ahead: 1 of 2 clients who left (50%)." in html


@pytest.mark.slow
def test_the_sample_backtest_shows_what_its_readme_says():
    report = page.open_backtest(reps=1000)
    assert (len(report.panel), report.panel["client"].nunique()) == (132, 12)
    churned = report.churned.set_index("client")
    assert churned.loc["Brightline Media", "lead_months"] == 2 and churned.loc["Brightline Media", "warned"]
    assert pd.isna(churned.loc["Kestrel Foods", "first_warning"]) and not churned.loc["Kestrel Foods", "warned"]
    rates = report.rates.set_index(["by", "group", "outcome"])
    assert rates.loc[("eba_band", "overdrawn", "churned"), ["events", "client_months"]].tolist() == [2, 13]
    assert rates.loc[("eba_band", "healthy", "churned"), ["events", "client_months"]].tolist() == [3, 55]
    assert rates.loc[("quadrant", "consider parting", "paid_late"), ["events", "client_months"]].tolist() == [4, 8]
    aucs = report.aucs.set_index(["predictor", "outcome"])["auc"].round(2)
    assert aucs.to_dict() == {
        ("eba_balance", "churned"): 0.52, ("eba_balance", "paid_late"): 0.35,
        ("effort_ratio_3m", "churned"): 0.47, ("effort_ratio_3m", "paid_late"): 0.78,
        ("work_hours_falling", "churned"): 0.65, ("work_hours_falling", "paid_late"): 0.63,
        ("client_silence_days", "churned"): 0.49, ("client_silence_days", "paid_late"): 0.54}
    summary = text(page.summary(report))
    assert "2 of 12 clients left in these months; the score warned of 1 of them 2 months or more ahead (50%)." in summary
