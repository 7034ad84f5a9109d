"""The data-quality notes in the language of the page (relhealth.io.quality, catalogues/*/notes.toml): a
note keeps its code and the values of its places, reads in English on the command line (``str(note)``) and
in Russian on a Russian page (``note.text(words("ru"))``), the user's own words (files, clients, kinds, a
reason of their settings) as written. The sentences are worked out by hand beside each fixture."""
from __future__ import annotations

import ast
import pickle
import textwrap
import tomllib
from pathlib import Path

import pytest
from conftest import write_folder
from test_io_calendar import CALENDAR, CRM
from test_io_calendar import CLIENTS as CALENDAR_CLIENTS

import relhealth
from relhealth.i18n import LANGUAGES, words
from relhealth.io import read_dataset
from relhealth.io.checks import LEFT_OUT_STATUS
from relhealth.render.shared_sections import quality_notes
from relhealth.settings import load_settings

SETTINGS = load_settings()
CLIENTS = "client\nAcme\n"
EN, RU = words("en"), words("ru")


def plain(text: str) -> str:
    """Babel's no-break spaces between thousands made plain spaces."""
    return text.replace("\N{NARROW NO-BREAK SPACE}", " ").replace("\N{NO-BREAK SPACE}", " ")


def notes(folder: Path, files: dict[str, str], settings=SETTINGS) -> list[tuple[str, str]]:
    """Each note of the data folder ``folder`` of ``files`` (clients.csv listing Acme unless given) in
    English and in Russian, ``{d}`` for the folder."""
    path = write_folder(folder, {"clients.csv": CLIENTS, **files})
    data = read_dataset(path, **settings.read_options)
    return [(str(n).replace(str(path), "{d}"), plain(n.text(RU)).replace(str(path), "{d}"))
            for n in data.quality]


def test_blank_lines_and_a_repeated_header(tmp_path):
    # row 1 the header, 3 empty, 4 only commas, 5 the header again (two exports pasted together)
    assert notes(tmp_path / "data", {"time_entries.csv": "date,client,hours\n2026-03-02,Acme,1\n\n,,\nDate,Client,Hours\n"
                                              "2026-03-03,Acme,2\n"}) == [
        ("{d}/time_entries.csv rows 3, 4: blank lines skipped.",
         "{d}/time_entries.csv, строки 3, 4: пустые строки пропущены."),
        ("{d}/time_entries.csv row 5: the header row again (two exports pasted into one file?): skipped.",
         "{d}/time_entries.csv, строка 5: строка заголовка повторяется (две выгрузки склеены в один файл?): пропущена."),
    ]


def test_totals_rows_quote_the_words_as_written(tmp_path):
    invoices = ("invoice,client,issued,due,amount,currency\nINV-1,Acme,2026-03-01,2026-03-31,\"1,200.00\",RUB\n"
                "Итого:,,,,\"1,200.00\",\nGrand total,,,,\"1,200.00\",\n")
    assert notes(tmp_path / "invoices", {"invoices.csv": invoices}) == [(
        "{d}/invoices.csv rows 3, 4: totals rows ('Итого:', 'Grand total'), not records: skipped.",
        "{d}/invoices.csv, строки 3, 4: строки итогов («Итого:», «Grand total»), а не записи: пропущены.")]
    assert notes(tmp_path / "time", {"time_entries.csv": "date,client,hours\n2026-03-02,Acme,1\nTotal,,1\n"}) == [(
        "{d}/time_entries.csv row 3: a totals row ('Total'), not a record: skipped.",
        "{d}/time_entries.csv, строка 3: строка итогов («Total»), а не запись: пропущена.")]


def test_an_exact_duplicate_and_a_kind_the_rubric_does_not_know(tmp_path):
    assert notes(tmp_path / "data", {"time_entries.csv": "date,client,hours\n2026-03-02,Acme,1\n2026-03-02,Acme,1\n",
                          "crm_activities.csv": "date,client,kind\n2026-03-02,Acme,High five\n"}) == [
        ("{d}/time_entries.csv row 3: exact duplicate: row 3 repeats row 2; counted once.",
         "{d}/time_entries.csv, строка 3: точная копия: строка 3 повторяет строку 2; учтена один раз."),
        ("{d}/crm_activities.csv row 2, column kind: kind 'high_five' is not in the rubric, so it weighs 0. Give it "
         "a weight under [eba.weights] in your settings file, or correct the kind.",
         "{d}/crm_activities.csv, строка 2, столбец kind: вида события «high_five» нет в рубрике, поэтому его вес — 0. "
         "Задайте ему вес в разделе [eba.weights] файла настроек или исправьте вид."),
    ]


@pytest.mark.parametrize("count, english, russian", [
    (1, "row 2: 1 row left out", "строка 2: 1 строка вне учёта"),
    (2, "rows 2, 3: 2 rows left out", "строки 2, 3: 2 строки вне учёта"),
    (5, "rows 2, 3, 4, 5, 6: 5 rows left out", "строки 2, 3, 4, 5, 6: 5 строк вне учёта"),
    # ten rows shown, then how many more; 21 takes the form of 1 in Russian
    (21, "rows 2, 3, 4, 5, 6, 7, 8, 9, 10, 11 and 11 more: 21 rows left out",
     "строки 2, 3, 4, 5, 6, 7, 8, 9, 10, 11 и ещё 11: 21 строка вне учёта"),
])
def test_the_example_rows_of_a_register_are_counted_in_each_language(tmp_path, count, english, russian):
    comments = "".join(f"#2026-03-{day:02d},Acme,praise\n" for day in range(1, count + 1))
    assert notes(tmp_path / "data", {"register.csv": f"date,client,kind\n{comments}2026-03-25,Acme,praise\n"}) == [(
        f"{{d}}/register.csv {english}: example and comment rows (their date starts with #).",
        f"{{d}}/register.csv, {russian}: строки примеров и комментариев (их дата начинается с #).")]


HUBSPOT = """\
    Activity date,Activity type,Associated Company,Activity subject,Meeting outcome,Activity assigned to
    2026-03-02 10:00,Meeting,Acme,Kick-off,Completed,Oleg
    2026-03-09 10:00,Meeting,Acme,Review,Scheduled,Oleg
    2026-03-10 10:00,Meeting,Acme,Demo,Rescheduled,Oleg
    2026-03-12 10:00,Meeting,Acme; Beta,Joint workshop,Completed,Oleg
"""


def test_a_shipped_mappings_reason_is_worded_a_users_own_is_kept_as_written(tmp_path):
    # HubSpot's scheduled meetings (rows 3, 4) are left out for a reason of relhealth's own settings
    assert notes(tmp_path / "hubspot", {"hubspot.csv": HUBSPOT}) == [
        ("{d}/hubspot.csv row 5: 1 row names several clients: row 5 (Acme; Beta); counted once for each client.",
         "{d}/hubspot.csv, строка 5: 1 строка с несколькими клиентами: строка 5 (Acme; Beta); строка учтена по разу "
         "для каждого из них."),
        ("{d}/hubspot.csv rows 3, 4: 2 rows left out: meetings scheduled, not held (Meeting outcome).",
         "{d}/hubspot.csv, строки 3, 4: 2 строки вне учёта: встречи назначены, но не проведены (Meeting outcome)."),
    ]
    config = tmp_path / "mine.toml"
    config.write_text(textwrap.dedent("""
        [mapping.mycrm]
        table = "crm_activities"
        columns = { date = "When", client = "Company", kind = "What" }
        rules = [{ when = { What = "plan" }, skip = "планы, а не дела" }]
    """), encoding="utf-8")
    mine = {"mycrm.csv": "When,Company,What\n2026-03-03,Acme,praise\n2026-03-04,Acme,plan\n"}
    assert notes(tmp_path / "mine", mine, load_settings(config)) == [
        ("{d}/mycrm.csv row 3: 1 row left out: планы, а не дела.", "{d}/mycrm.csv, строка 3: 1 строка вне учёта: планы, а не дела.")]


def test_every_skip_reason_of_the_shipped_settings_has_its_words():
    shipped = tomllib.loads(Path(relhealth.__file__).with_name("settings.toml").read_text(encoding="utf-8"))
    reasons = {rule["skip"] for mapping in shipped["mapping"].values() for rule in mapping.get("rules", [])
               if "skip" in rule}
    own = {text for key, text in EN.entries.items() if key.startswith("notes.reason.")}
    assert len(reasons) == 5 and reasons <= own


def test_money_and_dates_of_invoice_notes(tmp_path):
    invoices = ("invoice,client,issued,due,amount,currency,paid_on,paid_amount\n"
                "INV-1,Acme,2026-03-01,2026-03-31,100,USD,,100\n"
                "C1,Acme,2026-03-05,2026-03-05,-10,USD,,\nC2,Acme,2026-03-06,2026-03-06,-1234.5,EUR,,\n")
    assert notes(tmp_path / "data", {"invoices.csv": invoices}) == [
        ("{d}/invoices.csv rows 3, 4, column amount: invoices C1 (-10.00 USD), C2 (-1,234.50 EUR) have negative "
         "amounts: credit notes, left out of the invoice figures. Record the settlement on the invoice each corrects "
         "(its paid_on and paid_amount).",
         "{d}/invoices.csv, строки 3, 4, столбец amount: счета C1 (-10,00 USD), C2 (-1 234,50 EUR) с отрицательными "
         "суммами — это кредит-ноты; в показатели по счетам не входят. Отразите зачёт на каждом исправляемом счёте "
         "(его paid_on и paid_amount)."),
        # the latest date of the data is C2's issue, 6 March
        ("{d}/invoices.csv row 2, column paid_on: invoice INV-1 (100.00 of 100.00 USD) was paid on a date the file "
         "does not give: counted as paid from 2026-03-06, the latest date of the data, so the months before it show "
         "it unpaid. Give the payment date (paid_on) to place it.",
         "{d}/invoices.csv, строка 2, столбец paid_on: счёт INV-1 (100,00 из 100,00 USD) оплачен, но дня оплаты в "
         "файле нет: он считается оплаченным с 06.03.2026, последней даты в данных, поэтому в предыдущие месяцы "
         "показан неоплаченным. Укажите дату оплаты (paid_on), чтобы оплата встала на своё место."),
    ]


def test_long_entries_list_their_hours_with_the_languages_decimal_mark(tmp_path):
    assert notes(tmp_path / "data", {"time_entries.csv": "date,client,hours\n2026-03-02,Acme,26.5\n2026-03-03,Acme,30\n"}) == [(
        "{d}/time_entries.csv rows 2, 3, column hours: entries of 26.5, 30 hours, over 24 in a day: probably a timer "
        "left running. Kept as written; correct it in the time tracker.",
        "{d}/time_entries.csv, строки 2, 3, столбец hours: записи на 26,5; 30 ч — больше 24 ч за день: похоже, забыли "
        "выключить таймер. Оставлены как есть; исправьте их в трекере времени.")]


def test_the_meetings_of_a_calendar(tmp_path):
    # the fixture of test_io_calendar: an event of no client (line 65), one in 2099, the kick-off also in the CRM
    config = tmp_path / "berlin.toml"
    config.write_text('[report]\ntimezone = "Europe/Berlin"\n', encoding="utf-8")
    assert notes(tmp_path / "data", {"clients.csv": CALENDAR_CLIENTS, "crm_activities.csv": CRM, "calendar.ics": CALENDAR},
                 load_settings(config)) == [
        ("{d}/calendar.ics row 65: 1 event with no client attendee (no attendee of a client's domains in clients.csv, "
         "no client named in the summary): left out.",
         "{d}/calendar.ics, строка 65: 1 событие без участников со стороны клиента (ни одного адреса из доменов "
         "клиента в clients.csv, клиент не назван в теме) — вне учёта."),
        ("{d}/calendar.ics: 1 event after today: not held yet, not counted.",
         "{d}/calendar.ics: ещё не прошедшие встречи не учитываются: 1 событие позже сегодняшнего дня."),
        ("{d}/calendar.ics row 57: 1 meeting also in the CRM (row 2 of crm_activities.csv): counted once.",
         "{d}/calendar.ics, строка 57: 1 встреча есть и в CRM (строка 2 в crm_activities.csv): учитывается только "
         "запись CRM."),
    ]


def test_a_note_travels_pickled_and_the_pages_show_it_in_their_language(folder):
    path = folder({"clients.csv": CLIENTS, "time_entries.csv": "date,client,hours\n2026-03-02,Acme,1\n\n"
                                                                "2026-03-03,Acme,2\n"})
    [note] = read_dataset(path).quality
    again = pickle.loads(pickle.dumps(note))
    assert again == note and hash(again) == hash(note) and again.text(RU) == note.text(RU)
    assert (note.code, note.values, note.rows, note.message) == ("blank_rows", (), (3,), "blank lines skipped.")
    assert str(quality_notes([note], w=RU)).count(f"{path}/time_entries.csv, строка 3: пустые строки пропущены.") == 1
    assert f"{path}/time_entries.csv row 3: blank lines skipped." in str(quality_notes([note]))


def _codes_in_io() -> set[str]:
    """The codes of the notes that relhealth/io makes: the second argument of each ``quality.add``; a code
    held in a name is the first item of the tuples listed in the same function (the invoice checks) or
    handed over as a file's notes (``notes.append((code, ...))``)."""
    codes, named = set(), []
    for source in sorted(Path(relhealth.__file__).with_name("io").glob("*.py")):
        tree = ast.parse(source.read_text(encoding="utf-8"))
        for function in [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)]:
            listed = {t.elts[0].value for lst in ast.walk(function) if isinstance(lst, ast.List) for t in lst.elts
                      if isinstance(t, ast.Tuple) and isinstance(t.elts[0], ast.Constant)}
            for call in [n for n in ast.walk(function) if isinstance(n, ast.Call)]:
                func = call.func
                if not isinstance(func, ast.Attribute):
                    continue
                if func.attr == "append" and getattr(func.value, "id", None) == "notes":
                    codes.add(call.args[0].elts[0].value)
                if func.attr != "add" or getattr(func.value, "id", None) != "quality":
                    continue
                code = call.args[1]
                if isinstance(code, ast.Constant):
                    codes.add(code.value)
                elif isinstance(code, ast.JoinedStr):       # f"{meaning}_invoice"
                    suffix = "".join(part.value for part in code.values if isinstance(part, ast.Constant))
                    codes |= {f"{meaning}{suffix}" for meaning in set(LEFT_OUT_STATUS.values())}
                else:
                    assert isinstance(code, ast.Name), ast.unparse(call)
                    named.append(listed)
    for listed in named:
        codes |= listed
    return codes


def test_every_note_code_of_relhealth_io_has_its_sentence_in_every_language():
    codes = _codes_in_io()
    assert {"blank_rows", "header_row", "totals_row", "duplicate_row", "left_out", "draft_invoice", "void_invoice",
            "paid_before_issued", "due_before_issued", "overpaid", "done_from_activity", "meeting_later"} <= codes
    assert len(codes) == 34
    for lang in LANGUAGES:
        entries = words(lang).entries
        for code in codes:
            one_or_several = {f"notes.{code}.one", f"notes.{code}.several"} <= set(entries)
            assert (f"notes.{code}" in entries) != one_or_several, (lang, code)
    # and the catalogue words no code that is never noted
    sentences = {key.split(".")[1] for key in EN.entries if key.startswith("notes.")}
    assert sentences - {"where", "part", "reason", "ignored"} == codes
