"""The report figures in the page's language (relhealth.render.plotting with ``w=words("ru")``): every title,
axis, legend, tick and number drawn as text in Russian, and English, the default, as it always was."""
from __future__ import annotations

import io
import re
import warnings

import numpy as np
import pandas as pd
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.text import Text

from relhealth.i18n import words
from relhealth.render import plotting

RU = words("ru")
BANDS = {"strong": 15, "healthy": 5, "watch": 0}
MONTHS = pd.period_range("2026-01", "2026-03", freq="M")
AUTUMN = pd.period_range("2025-11", "2026-02", freq="M")
NBSP = "\N{NO-BREAK SPACE}"


def drawn(ax):
    """Draw the figure (so that matplotlib writes its tick labels) and return ``ax``."""
    FigureCanvasAgg(ax.figure).draw()
    return ax


def texts_of(ax) -> list[str]:
    """Every piece of text the figure of ``ax`` draws, its spaces made plain."""
    drawn(ax)
    return [t.get_text().replace("\N{NARROW NO-BREAK SPACE}", NBSP) for t in ax.figure.findobj(Text) if t.get_text()]


def ticks(labels) -> list[str]:
    return [t.get_text().replace("\N{NARROW NO-BREAK SPACE}", NBSP) for t in labels]


def legend(ax) -> list[str]:
    return [t.get_text() for t in ax.get_legend().get_texts()]


# the frames each chart draws, small and hand-made, with the names passed in as data
def eba_history():
    return pd.DataFrame({"month": MONTHS, "balance": [2.0, 6.5, -1.0], "deposits": [2.0, 5.0, 0.0],
                         "withdrawals": [0.0, 0.0, -6.0]})


def moved(kinds=("жалоба", "эскалация", "похвала", "срок соблюдён")):
    return pd.DataFrame({"date": pd.to_datetime(["2026-03-20", "2026-01-15", "2026-02-10", "2026-03-05"]),
                         "kind": list(kinds), "weight": [-4.0, -8.0, 3.0, 2.0], "contribution": [-4.0, 1.2, -0.5, 1.8]})


def hours():
    return pd.DataFrame({"collections": [0.0, 2.0], "delivery": [4.0, 6.0], "account_management": [1.0, 0.5]},
                        index=pd.period_range("2026-02", "2026-03", freq="M"))


def effort():
    return pd.DataFrame({"month": MONTHS, "effort_ratio": [0.5, np.inf, np.nan], "effort_ratio_3m": [0.5, 1.5, 1.5]})


def replies():
    return pd.DataFrame({"month": MONTHS, "reply_hours_median": [2.0, np.nan, 3.0],
                         "client_reply_hours_median": [4.0, 9.0, 30.0],
                         "client_reply_baseline_hours": [np.nan, 4.0, 6.5]})


def lengths():
    return pd.DataFrame({"month": MONTHS, "client_messages": [3, 0, 12], "length": [120.0, np.nan, 1500.5],
                         "length_baseline": [np.nan, 120.0, 80.0]})


def paid():
    return pd.DataFrame({"invoice": ["INV-7", "INV-8"], "paid_on": pd.to_datetime(["2026-05-03", "2026-09-21"]),
                         "days_late": [-3.0, 14.0]})


def paired():
    return pd.DataFrame({"month": MONTHS, "meetings_held": [1, 0, 0], "meetings_cancelled": [0, 1, 2]})


def aging():
    return pd.DataFrame({"current": [700.0], "1-30": [0.0], "31-60": [12000.0], "61-90": [0.0], "90+": [0.0]},
                        index=pd.Index(["EUR"], name="currency"))


def quadrant_table():
    return pd.DataFrame({"client": ["Acme", "ООО «Бета»"], "eba_balance": [-2.5, 8.0], "effort_ratio_3m": [np.inf, 0.1],
                         "quadrant": ["keep and grow", "fix our service"], "quadrant_why": ["", "жалобы копятся"]})


def heatmap_history():
    return pd.DataFrame({"client": ["Acme", "Acme", "Бета", "Бета"], "month": list(AUTUMN[:2]) * 2,
                         "band": [None, "healthy", "strong", "overdrawn"]})


#: Each chart in Russian, and the ASCII words of the data it is given (client names, invoices, currencies).
CHARTS = {
    "eba": (lambda w: plotting.plot_eba_history(eba_history(), BANDS, w=w), set()),
    "contributions": (lambda w: plotting.plot_contributions(moved(), 3.0, "2026-03", top=3, w=w), set()),
    "hours": (lambda w: plotting.plot_hours(hours(), w=w), set()),
    "effort": (lambda w: plotting.plot_effort_ratio(effort(), {"red": 1.0, "amber": 0.25}, w=w), set()),
    "replies": (lambda w: plotting.plot_reply_times(replies(), 24.5, w=w), set()),
    "lengths": (lambda w: plotting.plot_message_lengths(lengths(), w=w), set()),
    "days_late": (lambda w: plotting.plot_days_late(paid(), w=w), {"INV"}),
    "paired": (lambda w: plotting.plot_paired_counts(paired(), "meetings_held", "meetings_cancelled",
                                                     ("состоялись", "отменены"), "Встречи", w=w), set()),
    "aging": (lambda w: plotting.plot_aging(aging(), w=w), {"EUR"}),
    "quadrant": (lambda w: plotting.plot_quadrant(quadrant_table(), 5.0, 0.25, w=w), {"Acme"}),
    "heatmap": (lambda w: plotting.plot_band_heatmap(heatmap_history(), BANDS, w=w), {"Acme"}),
}


def test_the_eba_history_in_russian():
    ax = drawn(plotting.plot_eba_history(eba_history(), BANDS, w=RU))
    assert ax.get_title() == "Эмоциональный банковский счёт: баланс, пополнения и снятия за месяц"
    assert legend(ax) == ["баланс на конец месяца", "пополнения за месяц", "снятия за месяц"]
    assert ax.get_ylabel() == "баллы"
    assert ticks(ax.get_xticklabels()) == ["янв.\n2026", "февр.", "март"]
    assert ticks(ax.get_yticklabels()) == ["−10", "−5", "0", "5", "10", "15", "20"]
    assert ticks(ax.child_axes[0].get_yticklabels()) == ["в минусе", "под наблюдением", "в порядке", "крепкий"]


def test_the_waterfall_in_russian_with_the_kinds_as_the_caller_words_them():
    ax = drawn(plotting.plot_contributions(moved(), opening=3.0, month="2026-03", top=3, w=RU))
    assert ticks(ax.get_yticklabels()) == [
        "баланс на конец февраля 2026", "новое снятие: 20.03.2026 жалоба -4",
        "угасание старого снятия: 15.01.2026 эскалация -8", "угасание старого пополнения: 10.02.2026 похвала +3",
        "ещё 1 событие", "баланс на конец марта 2026"]
    assert [t.get_text() for t in ax.texts] == [" 3,00", " -4,00", " +1,20", " -0,50", " +1,80", " 1,50"]
    assert ax.get_title() == "Что изменило баланс за март 2026"
    assert ax.get_xlabel() == "баллы"
    assert ticks(ax.get_xticklabels()) == ["−2", "−1", "0", "1", "2", "3", "4"]


@pytest.mark.parametrize("top, rest", [(2, "ещё 2 события"), (1, "ещё 3 события")])
def test_the_waterfalls_other_events_are_counted_in_russian(top, rest):
    ax = plotting.plot_contributions(moved(), opening=3.0, month="2026-03", top=top, w=RU)
    assert ticks(ax.get_yticklabels())[-2] == rest


def test_five_other_events_and_a_weight_with_a_decimal_comma():
    many = pd.DataFrame({"date": pd.to_datetime([f"2026-10-{d:02d}" for d in range(1, 8)]), "kind": ["отчёт без запроса"] * 7,
                         "weight": [0.5] * 7, "contribution": [0.5, 0.4, 0.3, 0.2, 0.1, 0.1, 0.1]})
    labels = ticks(plotting.plot_contributions(many, opening=0.0, month="2026-10", top=2, w=RU).get_yticklabels())
    assert labels[1] == "новое пополнение: 01.10.2026 отчёт без запроса +0,5"
    assert labels[3] == "ещё 5 событий"
    assert labels[0] == "баланс на конец сентября 2026" and labels[-1] == "баланс на конец октября 2026"


def test_what_an_event_did_in_russian_and_in_english():
    cases = [(2.0, False), (-4.0, False), (3.0, True), (-8.0, True)]
    assert [plotting.movement_words(weight, old, w=RU) for weight, old in cases] == [
        "новое пополнение", "новое снятие", "угасание старого пополнения", "угасание старого снятия"]
    assert [plotting.movement_words(weight, old) for weight, old in cases] == [
        "new deposit", "new withdrawal", "old deposit fading", "old withdrawal fading"]


def test_hours_by_category_in_russian():
    ax = drawn(plotting.plot_hours(hours(), w=RU))
    assert legend(ax) == ["работа по проекту", "ведение клиента", "выбивание оплаты"]
    assert (ax.get_title(), ax.get_ylabel()) == ("Часы по категориям", "часы")
    assert ticks(ax.get_xticklabels()) == ["февр.\n2026", "март"]


def test_the_effort_ratio_in_russian_with_decimal_commas():
    ax = drawn(plotting.plot_effort_ratio(effort(), {"red": 1.0, "amber": 0.25}, w=RU))
    assert ax.get_title() == "Доля усилий на выбивание просроченной оплаты"
    assert ax.get_ylabel() == "часы выбивания оплаты / часы работы"
    assert legend(ax) == ["доля усилий за месяц", "выбивание оплаты без часов работы", "доля усилий за 3 месяца"]
    assert [t.get_text() for t in ax.texts] == [" красный порог 1", " жёлтый порог 0,25"]
    assert ticks(ax.get_yticklabels()) == ["0,00", "0,25", "0,50", "0,75", "1,00", "1,25", "1,50", "1,75", "2,00", "2,25"]
    assert ticks(ax.get_xticklabels()) == ["янв.\n2026", "февр.", "март"]


def test_reply_times_in_russian():
    ax = drawn(plotting.plot_reply_times(replies(), 24.5, w=RU))
    assert (ax.get_title(), ax.get_ylabel()) == ("Время ответа", "медиана часов до ответа")
    assert legend(ax) == ["клиент отвечает нам", "обычное время клиента (3 месяца до того)", "мы отвечаем клиенту"]
    assert [t.get_text() for t in ax.texts] == [" наш срок ответа 24,5 ч"]


def test_message_lengths_in_russian():
    ax = drawn(plotting.plot_message_lengths(lengths(), w=RU))
    counts = next(other for other in ax.figure.axes if other is not ax)
    assert (ax.get_title(), ax.get_ylabel(), counts.get_ylabel()) == (
        "Длина сообщений клиента", "знаков", "сообщений клиента")
    assert legend(ax) == ["медианная длина сообщений клиента", "обычная длина у клиента (3 месяца до того)"]
    # Russian writes a four-digit number without a separator, as matplotlib does in English
    assert ticks(ax.get_yticklabels()) == ["0", "250", "500", "750", "1000", "1250", "1500", "1750", "2000"]


def test_days_late_in_russian():
    ax = drawn(plotting.plot_days_late(paid(), w=RU))
    assert ax.get_title() == "Платёжная дисциплина: дни просрочки по счетам, оплаченным за последние 12 месяцев"
    assert ax.get_ylabel() == "дней после срока оплаты"
    assert ticks(ax.get_xticklabels()) == ["INV-7\n3 мая", "INV-8\n21 сент."]
    assert [t.get_text() for t in ax.texts] == ["-3", "+14"]


def test_paired_counts_draw_the_callers_words_and_russian_months():
    ax = drawn(CHARTS["paired"][0](RU))
    assert legend(ax) == ["состоялись", "отменены"] and ax.get_title() == "Встречи"
    assert ticks(ax.get_xticklabels()) == ["янв.\n2026", "февр.", "март"]


def test_aging_in_russian_with_grouped_amounts():
    ax = drawn(plotting.plot_aging(aging(), w=RU))
    assert ax.get_title() == "Неоплаченные счета по давности"
    assert ax.get_ylabel() == "не оплачено, EUR"
    assert ticks(ax.get_xticklabels()) == ["срок оплаты\nне наступил", "просрочка\n1-30 дней", "просрочка\n31-60 дней",
                                           "просрочка\n61-90 дней", "просрочка\n90+ дней"]
    assert ticks(ax.get_yticklabels()) == ["0"] + [f"{n}{NBSP}000" for n in (2, 4, 6, 8, 10, 12, 14)]
    several = plotting.plot_aging(pd.concat([aging(), aging().rename(index={"EUR": "USD"})]), w=RU)
    assert several.get_ylabel() == "не оплачено"


def test_the_quadrant_in_russian():
    ax = drawn(plotting.plot_quadrant(quadrant_table(), 5.0, 0.25, w=RU))
    assert ax.get_title() == "Где стоит каждый клиент"
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("баланс ЭБС на конец месяца (доверие)", "доля усилий за 3 месяца (цена)")
    texts = {t.get_text().strip() for t in ax.texts}
    assert {"подумать о расставании", "пересмотреть условия", "исправить наш сервис", "беречь и растить"} <= texts
    # a client its signals placed elsewhere says where, the quadrant named in Russian
    assert {"Acme", "ООО «Бета» → исправить наш сервис"} <= texts
    assert ticks(ax.get_yticklabels()) == ["0", "0,1", "0,25", "0,5", "1", "2", "5"]
    assert ticks(ax.get_xticklabels()) == ["−4", "−2", "0", "2", "4", "6", "8", "10"]


def test_the_band_heatmap_in_russian_with_an_initial_per_band():
    ax = drawn(plotting.plot_band_heatmap(heatmap_history(), BANDS, w=RU))
    assert ax.get_title() == "Зона ЭБС на конец каждого месяца"
    assert legend(ax) == ["М  в минусе", "Н  под наблюдением", "П  в порядке", "К  крепкий", "записей ещё нет"]
    # Acme: nothing, then healthy; Бета: strong, then overdrawn
    assert [t.get_text() for t in ax.texts] == ["П", "К", "М"]
    assert ticks(ax.get_xticklabels()) == ["нояб.\n2025", "дек."]


def english_words() -> set[str]:
    """The ASCII words of the English catalogue's charts and names (not the CLDR date patterns)."""
    found = set()
    for key, text in words("en").entries.items():
        if key.startswith(("charts.", "names.", "plural.event")) and not key.endswith("_format"):
            for value in text.values() if isinstance(text, dict) else [text]:
                found |= {word.lower() for word in re.findall(r"[A-Za-z]+", value)}
    return found


@pytest.mark.parametrize("chart", sorted(CHARTS))
def test_a_russian_chart_draws_no_english_word_but_the_names_it_is_given(chart):
    draw, data = CHARTS[chart]
    texts = texts_of(draw(RU))
    ascii_words = {word for text in texts for word in re.findall(r"[A-Za-z]+", text)}
    assert ascii_words <= data, (chart, ascii_words - data)
    assert not {word.lower() for word in ascii_words} & english_words()
    # and the decimal point of English nowhere (a date's dots aside): a number drawn as text has its comma
    assert not [text for text in texts if re.search(r"(?<![\d.])\d+\.\d+(?![\d.])", text)], chart


def test_english_charts_are_checked_for_english_words_too():
    # the check above would find them: the same charts in English draw the catalogue's words
    texts = texts_of(CHARTS["effort"][0](words("en")))
    assert {"ratio", "over", "month"} <= {w for t in texts for w in re.findall(r"[a-z]+", t)}


def test_every_russian_chart_draws_with_the_bundled_font_and_no_missing_glyph():
    for chart, (draw, _) in CHARTS.items():
        ax = draw(RU)
        with warnings.catch_warnings():
            warnings.simplefilter("error")            # matplotlib warns "Glyph ... missing from font(s)"
            ax.figure.savefig(io.BytesIO(), format="png")
        assert "DejaVu Sans" in ax.title.get_fontname(), chart


def test_english_stays_the_default_and_draws_what_it_always_drew():
    ax = drawn(plotting.plot_eba_history(eba_history(), BANDS))
    assert ax.get_title() == "Emotional bank account: balance and the month's deposits and withdrawals"
    assert ticks(ax.get_xticklabels()) == ["Jan\n2026", "Feb", "Mar"]
    assert legend(ax) == ["balance at month end", "deposits in the month", "withdrawals in the month"]
    assert ticks(ax.child_axes[0].get_yticklabels()) == ["overdrawn", "watch", "healthy", "strong"]
    waterfall = drawn(plotting.plot_contributions(moved(["complaint", "escalation", "praise", "deadline met"]), 3.0,
                                                  "2026-03", top=2))
    assert ticks(waterfall.get_yticklabels()) == [
        "balance at the end of Feb 2026", "new withdrawal: 20 Mar 2026 complaint -4",
        "old withdrawal fading: 15 Jan 2026 escalation -8", "2 other events", "balance at the end of Mar 2026"]
    assert [t.get_text() for t in waterfall.texts] == [" 3.00", " -4.00", " +1.20", " +1.30", " 1.50"]
    assert waterfall.get_title() == "What moved the balance in March 2026"
    ratio = drawn(plotting.plot_effort_ratio(effort(), {"red": 1.0, "amber": 0.25}))
    assert [t.get_text() for t in ratio.texts] == [" red 1", " amber 0.25"]
    assert ticks(ratio.get_yticklabels())[:3] == ["0.00", "0.25", "0.50"]
    assert ticks(drawn(plotting.plot_aging(aging())).get_yticklabels())[-2:] == ["12,000", "14,000"]
    assert [t.get_text() for t in plotting.plot_days_late(paid()).get_xticklabels()] == ["INV-7\n03 May", "INV-8\n21 Sep"]
    heatmap = plotting.plot_band_heatmap(heatmap_history(), BANDS)
    assert legend(heatmap) == ["O  overdrawn", "W  watch", "H  healthy", "S  strong", "no record yet"]
    assert [t.get_text() for t in heatmap.texts] == ["H", "S", "O"]
    quadrant = plotting.plot_quadrant(quadrant_table(), 5.0, 0.25)
    assert {"Acme", "ООО «Бета» → fix our service"} <= {t.get_text() for t in quadrant.texts}
    assert [t.get_text() for t in quadrant.get_yticklabels()] == ["0", "0.1", "0.25", "0.5", "1", "2", "5"]


def test_a_band_of_the_agencys_own_keeps_its_name_and_initial():
    bands = {"superb": 25, **BANDS}
    history = pd.DataFrame({"client": ["Acme"], "month": [AUTUMN[0]], "band": ["superb"]})
    assert legend(plotting.plot_band_heatmap(history, bands, w=RU))[-1] == "S  superb"
    assert legend(plotting.plot_band_heatmap(history, bands))[-1] == "S  superb"


def test_the_decimal_formatter_writes_the_fewest_decimals_every_tick_needs():
    formatter = plotting.DecimalFormatter(RU)
    assert formatter.format_ticks([-2.5, 0.0, 2.5]) == ["−2,5", "0,0", "2,5"]
    assert formatter.format_ticks([0.0, 0.1 * 3, 0.6000000000000001]) == ["0,0", "0,3", "0,6"]
    assert formatter.format_ticks([0, 5, 10]) == ["0", "5", "10"]
