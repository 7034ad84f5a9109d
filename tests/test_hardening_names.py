"""Client names that cannot break a run or fool a reader (issue 25, class 13): page names unique by
construction and never a file of the run, invisible characters left out when matching and shown escaped,
and no escape sequence of the inputs reaching the terminal raw."""
from __future__ import annotations

import hashlib
import itertools

import pandas as pd
import pytest
from conftest import write_folder

import relhealth
from relhealth.cli import main
from relhealth.errors import printable
from relhealth.io.names import client_key, display_name, note_invisible_names
from relhealth.io.quality import DataQuality
from relhealth.render import batch
from relhealth.render.slugs import RESERVED, assign_slugs, slugify
from relhealth.review import find_client

# ---- page names ---------------------------------------------------------------------------------------------


def test_the_reserved_names_are_every_file_and_folder_a_run_writes_beside_the_pages():
    assert RESERVED == {"index", "portfolio", "review", "logs", "notebooks", "backtest"}
    written = {batch.INDEX.removesuffix(".html"), batch.LOGS, batch.NOTEBOOKS, batch.REVIEW_CSV.removesuffix(".csv"),
               batch.BACKTEST_FOLDER, batch.BACKTEST_CSV.removesuffix(".csv"), "portfolio"}   # portfolio.bundle
    assert written <= RESERVED


def test_a_client_named_like_a_file_of_the_run_gets_a_page_of_its_own():
    # before: "Portfolio" got "portfolio", whose bundle overwrote the portfolio's, and its page failed
    names = ["Portfolio", "Index", "LOGS", "notebooks", "Backtest", "Review", "Acme"]
    assert assign_slugs(names) == {"Portfolio": "portfolio-2", "Index": "index-2", "LOGS": "logs-2",
                                   "notebooks": "notebooks-2", "Backtest": "backtest-2", "Review": "review-2",
                                   "Acme": "acme"}
    assert assign_slugs(["Acme", "Beta"], taken=("acme",)) == {"Acme": "acme-2", "Beta": "beta"}   # taken still counts


def test_names_that_share_a_slug_are_numbered_in_case_folded_order_past_every_other_names_slug():
    # ACME and Acme fold alike, and as written ACME comes first: it keeps acme; "Acme 2" and "acme-3" own
    # acme-2 and acme-3, so Acme takes acme-4
    names = ["ACME", "Acme", "Acme 2", "acme-3"]
    assert assign_slugs(names) == {"ACME": "acme", "Acme": "acme-4", "Acme 2": "acme-2", "acme-3": "acme-3"}


def test_a_crafted_name_cannot_take_another_clients_page():
    # before: Acme Ltd and ACME, Ltd. got acme-ltd-<8 hex of the name's sha256>; a client named so took the page
    crafted = "acme-ltd-" + hashlib.sha256(b"ACME, Ltd.").hexdigest()[:8]
    slugs = assign_slugs(["Acme Ltd", "ACME, Ltd.", crafted, "Acme Ltd 2"])
    assert slugs == {"Acme Ltd": "acme-ltd", "ACME, Ltd.": "acme-ltd-3", crafted: crafted, "Acme Ltd 2": "acme-ltd-2"}


def test_page_names_are_unique_and_the_same_in_any_order_of_the_names():
    names = ["Acme", "ACME", "acme!", "Acme 2", "acme-2", "Acme-2-2", "Index", "index", "index-2", "Portfolio 2",
             "portfolio", "CON", "con-client", "!!!", "client", "Client 2", "x" * 70, "x" * 60 + "-2", "x" * 61]
    first = assign_slugs(names)
    assert len(set(first.values())) == len(names)
    assert not set(first.values()) & RESERVED
    for order in itertools.islice(itertools.permutations(names), 0, 2000, 97):
        assert assign_slugs(list(order)) == first


@pytest.mark.slow
def test_a_report_run_writes_a_page_for_clients_named_like_its_files(tmp_path):
    # before: "the report of Portfolio failed: InputError: .../portfolio.bundle: is not a client report ..."
    names = ["Portfolio", "Index", "Logs", "Acme Ltd", "ACME, Ltd."]
    data = write_folder(tmp_path / "data", {
        "crm_activities.csv": "date,client,kind\n" + "".join(f'2026-03-05,"{n}",praise\n' for n in names),
        "time_entries.csv": "date,client,hours\n" + "".join(f'2026-03-02,"{n}",1\n' for n in names)})
    out = tmp_path / "reports"
    assert main(["report", str(data), "--out", str(out), "--month", "2026-03", "--jobs", "2"]) == 0
    folder = out / "2026-03"
    assert sorted(p.name for p in folder.glob("*.html")) == [
        "acme-ltd-2.html", "acme-ltd.html", "index-2.html", "index.html", "logs-2.html", "portfolio-2.html"]
    assert "<title>Portfolio: relationship health, 2026-03</title>" in (folder / "portfolio-2.html").read_text("utf-8")
    assert not (folder / "logs").exists()                     # no report failed


def test_the_page_of_an_ordinary_name_keeps_its_name():
    sample = relhealth.load_sample().client_names
    assert assign_slugs(sample) == {name: slugify(name) for name in sample}
    assert assign_slugs(["ООО «Северный ветер»", "Café Zürich", "Maison Duval & Fils"]) == {
        "ООО «Северный ветер»": "ooo-severnyy-veter", "Café Zürich": "cafe-zurich",
        "Maison Duval & Fils": "maison-duval-fils"}


# ---- invisible characters -----------------------------------------------------------------------------------

INVISIBLES = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u202a", "\u202b", "\u202c", "\u202d", "\u202e",
              "\u2066", "\u2067", "\u2068", "\u2069", "\u200e", "\u200f", "\u00ad"]


@pytest.mark.parametrize("mark", INVISIBLES)
def test_an_invisible_character_makes_no_other_client(mark):
    assert client_key(f"Ac{mark}me") == client_key(f"{mark}Acme{mark}") == client_key("ACME") == "acme"
    assert display_name(f"Acme{mark} Ltd") == "Acme Ltd"


def test_names_with_invisible_characters_are_one_client_found_by_any_spelling(folder):
    path = folder({"time_entries.csv": "date,client,hours\n2026-03-02,Acme,1\n2026-03-03,Acme\u200b,2\n"
                                       "2026-03-04,\u202eAcme\u202c,3\n2026-03-05,\u200bBeta,1\n"})
    data = relhealth.read_dataset(path)
    assert data.client_names == ["Acme", "Beta"]
    assert data.time_entries["client"].tolist() == ["Acme", "Acme", "Acme", "Beta"]
    assert find_client(data, "acme\u2060") == "Acme"
    assert find_client(data, "Beta") == "Beta"


def test_a_name_with_invisible_characters_is_noted_naming_its_file_rows_and_the_names_escaped(folder):
    path = folder({"time_entries.csv": "date,client,hours\n2026-03-02,Acme,1\n2026-03-03,Acme\u200b,2\n"
                                       "2026-03-04,\u202eAcme,3\n2026-03-05,Acme\u200b,1\n"})
    frame = pd.DataFrame({"client": pd.Series(["Acme", "Acme\u200b", "\u202eAcme", "Acme\u200b"], dtype="str"),
                          "source": str(path / "time_entries.csv"), "row": [2, 3, 4, 5]})
    quality = DataQuality()
    note_invisible_names(frame, quality)
    assert [str(note) for note in quality] == [
        f"{path}/time_entries.csv rows 3, 4, 5, column client: names written with invisible characters "
        r"(zero-width or text-direction marks), matched and shown without them: 'Acme\u200b', '\u202eAcme'."]


def test_validate_shows_the_note_of_a_name_with_invisible_characters(folder, capsys):
    path = folder({"time_entries.csv": "date,client,hours\n2026-03-02,Acme,1\n2026-03-03,Acme\u200b,2\n"})
    assert main(["validate", str(path)]) == 0
    assert (f"{path}/time_entries.csv row 3, column client: names written with invisible characters (zero-width or "
            r"text-direction marks), matched and shown without them: 'Acme\u200b'.") in capsys.readouterr().out


# ---- the terminal -------------------------------------------------------------------------------------------


def test_printable_escapes_control_and_invisible_characters_and_keeps_the_rest():
    assert printable("Acme\u200b \x1b[31mred\x1b[0m") == r"Acme\u200b \x1b[31mred\x1b[0m"
    assert printable("\u202egnp.exe\x07\r\x00\x7f\x9b") == r"\u202egnp.exe\x07\x0d\x00\x7f\x9b"
    assert printable("tab\tand\nnewline, Ünïcode, ООО «Ветер», 👋") == "tab\tand\nnewline, Ünïcode, ООО «Ветер», 👋"


def test_validate_shows_escape_sequences_of_the_inputs_escaped(folder, capsys):
    path = folder({"time_entries.csv": "date,client,hours\n2026-03-02,\x1b[31mRed\x1b[0m,1\n2026-03-03,Acme\u200b,1\n"})
    assert main(["validate", str(path)]) == 0
    out = capsys.readouterr().out
    assert "\n  \\x1b[31mRed\\x1b[0m\n  Acme\n" in out
    assert "\x1b" not in out


def test_score_shows_the_notes_escaped_and_writes_the_table_whole_to_a_file(folder, tmp_path, capsys):
    path = folder({"crm_activities.csv": "date,client,kind\n2026-03-02,Acme,\x1b]0;owned\x07\n"})
    out = tmp_path / "review.csv"
    assert main(["score", str(path), "--out", str(out)]) == 0
    err = capsys.readouterr().err
    assert (f"note: {path}/crm_activities.csv row 2, column kind: kind '\\x1b]0;owned\\x07' is not in the rubric, "
            "so it weighs 0.") in err
    assert "\x1b" not in err and "\x07" not in err
    assert out.read_text(encoding="utf-8").startswith("client,month,")


def test_an_error_naming_a_spelling_shows_its_invisible_characters(folder, capsys):
    path = folder({"clients.csv": "client\nAcme\nAcme\u200b\n", "time_entries.csv": "date,client,hours\n2026-03-02,Acme,1\n"})
    assert main(["validate", str(path)]) == 1
    assert (r"row 3, column client: client 'Acme\u200b' is listed twice. Keep one row per client; put other spellings "
            "in aliases.") in capsys.readouterr().err
