"""The month review table and its CSV (relhealth.review), and `relhealth score`."""
import pandas as pd

from relhealth.cli import main
from relhealth.io import read_dataset
from relhealth.render.review_csv import review_to_csv
from relhealth.review import default_month, month_review, review_clients
from relhealth.settings import load_settings

FILES = {
    "clients.csv": "client,account_manager\nListed Only,Maria\nAcme,Oleg\n",
    "crm_activities.csv": """\
        date,client,kind
        2025-03-31,Old Client,praise
        2025-04-01,Year Ago,praise
        2026-03-10,Acme,praise
        2026-03-31 23:30,Acme,deadline_missed
        2026-04-02,Later,praise
    """,
    "time_entries.csv": "date,client,hours\n2026-03-05,,2\n",
}


def test_the_review_has_listed_clients_and_those_active_in_the_12_months_up_to_the_month(folder):
    data = read_dataset(folder(FILES))
    # 12 months up to 2026-03-31 start on 2025-04-01: Year Ago is in, Old Client out; Later is after the month
    assert review_clients(data, "2026-03") == ["Listed Only", "Acme", "Year Ago"]


def test_the_default_month_is_the_month_of_the_newest_record(folder):
    assert default_month(read_dataset(folder(FILES))) == pd.Period("2026-04", "M")


def test_the_review_csv_has_the_design_columns_and_two_decimals(folder):
    data = read_dataset(folder(FILES))
    table = month_review(data, load_settings(), "2026-03")
    # Acme at 2026-03-31: praise 3 * 0.5 ** (21 / 90) = 2.552246; deadline_missed -5 on its day
    # change: the balance at 2026-02-28 was 0
    # Year Ago: praise 3 on 2025-04-01, 364 days before: 3 * 0.5 ** (364 / 90) = 0.181812;
    #           at 2026-02-28, 333 days after: 3 * 0.5 ** (333 / 90) = 0.230840, so the change is -0.049028
    # no client time and no invoice: the ratios and the flag are empty, nothing is overdue
    # no message, no contact from a client, no time: reply times, silence, shares and retainer use are
    # empty, every count 0, no signal fires
    # no chat or mail: no length trend, no contacts; Acme's deadline missed at 23:30 on 31 March counts
    quiet = ",,0,,,,0,0,,,0,0,0,0,0,0,0,"
    assert review_to_csv(table).splitlines() == [
        "client,month,account_manager,eba_balance,eba_band,eba_change,eba_deposits,eba_withdrawals,"
        "work_hours,collection_hours,effort_ratio,effort_ratio_3m,effort_flag,max_days_overdue,"
        "reply_hours_median,unanswered_in,client_reply_hours_median,client_reply_trend,client_silence_days,"
        "meetings_held_3m,meetings_cancelled_3m,extra_share_3m,retainer_use,extras_gifted_3m,extras_sold_3m,"
        "scope_requests_3m,advice_rejected_3m,complaints_3m,rude_3m,part_signals,part_flags,eba_new,eba_fading,"
        "client_reply_length_trend,client_contacts_3m,new_client_contacts_3m,unrecapped_meetings_3m,"
        "deadlines_missed_3m,irritated_3m",
        "Listed Only,2026-03,Maria,0.00,watch,0.00,0.00,0.00,0.00,0.00,,,,0" + quiet + ",0.00,0.00,,0,0,0,0,0",
        # all of Acme's change is new: 2.552246 - 5 = -2.447754; Year Ago's is the old praise fading
        "Acme,2026-03,Oleg,-2.45,overdrawn,-2.45,3.00,-5.00,0.00,0.00,,,,0" + quiet + ",-2.45,0.00,,0,0,0,1,0",
        "Year Ago,2026-03,,0.18,watch,-0.05,0.00,0.00,0.00,0.00,,,,0" + quiet + ",0.00,-0.05,,0,0,0,0,0",
    ]


def test_score_writes_the_table_to_a_file_and_notes_to_stderr(folder, tmp_path, capsys):
    path = folder(FILES)
    out = tmp_path / "review.csv"
    assert main(["score", str(path), "--month", "2026-03", "--out", str(out)]) == 0
    assert out.read_text(encoding="utf-8").splitlines()[2].startswith("Acme,2026-03,Oleg,-2.45,overdrawn,-2.45,3.00,-5.00,")
    assert [p.name for p in tmp_path.iterdir()] == ["data", "review.csv"]   # no temporary file left


def test_score_with_a_month_that_is_not_one_is_wrong_usage(capsys):
    try:
        main(["score", "--month", "2026-13"])
    except SystemExit as exit:
        assert exit.code == 2
    assert "'2026-13' is not a month; write it as YYYY-MM" in capsys.readouterr().err


def test_score_with_a_bad_settings_file_exits_1_naming_the_key(folder, tmp_path, capsys):
    config = tmp_path / "my.toml"
    config.write_text("[eba]\nhalflife = 3\n")
    assert main(["score", str(folder(FILES)), "--config", str(config)]) == 1
    assert capsys.readouterr().err == f"error: {config}: eba.halflife is not a setting. Did you mean eba.half_life_days?\n"


SAMPLE_BANDS = {   # data/sample/README.md, "What the reports should show for 2026-10"
    "Northwind Outfitters": "strong", "Alpenrose Hotels GmbH": "watch", "Copperleaf Studios": "watch",
    "Pinecrest Logistics": "overdrawn", "Harrow Motor Group": "overdrawn", "Solstice Wellness": "healthy",
    "Orbita Labs": "healthy", "ООО «Северный ветер»": "healthy", "Maison Duval": "watch",
    "Tidewater Coffee Co.": "healthy",
}


def test_the_sample_clients_sit_in_the_bands_their_stories_call_for(capsys):
    assert main(["score"]) == 0          # the bundled sample and its newest month, 2026-10
    rows = [line.split(",") for line in capsys.readouterr().out.splitlines()[1:]]
    assert {row[0]: row[4] for row in rows} == SAMPLE_BANDS
    assert {row[1] for row in rows} == {"2026-10"}


def test_the_balance_worked_out_in_docs_metrics_is_the_one_printed(capsys):
    main(["score", "--month", "2026-10"])
    lines = capsys.readouterr().out.splitlines()
    assert any(line.startswith("Orbita Labs,2026-10,Dmitry Sokolov,7.54,healthy,5.46,6.50,0.00,36.00,0.00,0.000,0.000,"
                               "green,0,0.00,0.00,0.00,") for line in lines)


def test_the_sample_late_payer_is_red_with_chasing_above_the_work(capsys):
    main(["score", "--month", "2026-10"])
    lines = capsys.readouterr().out.splitlines()
    header = lines[0].split(",")
    assert header[14:17] == ["overdue_EUR", "overdue_RUB", "overdue_USD"]
    row = dict(zip(header, next(line for line in lines if line.startswith("Pinecrest")).split(",")))
    # October: 10 collection hours against 4 work hours; 3m: 35.5 / 19.0
    assert (row["work_hours"], row["collection_hours"], row["effort_ratio"], row["effort_ratio_3m"]) == (
        "4.00", "10.00", "2.500", "1.868")
    assert row["effort_flag"] == "red"
    # INV-1069 (half paid) to INV-1106: 2,875 + 4 * 5,750; the oldest due 2026-05-30, 154 days before
    assert (row["max_days_overdue"], row["overdue_USD"], row["overdue_EUR"]) == ("154", "25875.00", "0.00")
    # DSO: 25,875 owed against 5,750 invoiced in the 90 days to 31 October (INV-1106 of 31 August), * 90
    assert (row["dso_USD"], row["dso_EUR"]) == ("405.00", "")
    # no event of October weighs anything: the balance moves only by old withdrawals fading (+0.93)
    assert (row["eba_change"], row["eba_new"], row["eba_fading"]) == ("0.93", "0.00", "0.93")


SAMPLE_CONVERSATIONS = {   # data/sample/README.md, "The conversation figures at 2026-10"
    # client: length trend, contacts 3m, new 3m, unrecapped 3m, deadlines missed 3m, irritated 3m
    "Alpenrose Hotels GmbH": ("0.545", "2", "0", "0", "0", "0"),
    "Copperleaf Studios": ("1.000", "5", "3", "3", "0", "0"),
    "Pinecrest Logistics": ("", "2", "0", "0", "1", "0"),
    "Harrow Motor Group": ("1.542", "2", "0", "0", "0", "2"),
    "Northwind Outfitters": ("", "2", "0", "0", "0", "0"),
}


def test_the_sample_conversations_give_the_figures_its_readme_works_out(capsys):
    main(["score", "--month", "2026-10"])
    lines = capsys.readouterr().out.splitlines()
    header = lines[0].split(",")
    rows = {line.split(",")[0]: dict(zip(header, line.split(","))) for line in lines[1:]}
    columns = ["client_reply_length_trend", "client_contacts_3m", "new_client_contacts_3m", "unrecapped_meetings_3m",
               "deadlines_missed_3m", "irritated_3m"]
    assert header[-len(columns):] == columns
    for client, figures in SAMPLE_CONVERSATIONS.items():
        assert tuple(rows[client][c] for c in columns) == figures, client
    # Alpenrose's letters shrink: 85.5 / 164.5 in June, 33 / 143 in July, 8.5 / 85.5 in August
    main(["score", "--month", "2026-08"])
    august = next(line for line in capsys.readouterr().out.splitlines() if line.startswith("Alpenrose"))
    assert august.split(",")[-6] == "0.099"


def test_text_a_spreadsheet_would_run_as_a_formula_is_written_with_a_quote(folder):
    data = read_dataset(folder({"clients.csv": 'client,account_manager\n"=HYPERLINK(""http://x"")",+Oleg\n'
                                              "@Acme,-Maria\n",
                                "crm_activities.csv": "date,client,kind\n2026-03-02,@Acme,complaint\n"}))
    lines = review_to_csv(month_review(data, load_settings(), "2026-03")).splitlines()
    assert lines[1].startswith("\"'=HYPERLINK(\"\"http://x\"\")\",2026-03,'+Oleg,0.00,")
    # a negative number stays a number: the complaint of 2 March, -4 * 0.5 ** (29 / 90) = -3.198 at the 31st
    assert lines[2].startswith("'@Acme,2026-03,'-Maria,-3.20,overdrawn,-3.20,0.00,-4.00,")
