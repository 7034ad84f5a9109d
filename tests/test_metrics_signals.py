"""The early-warning figures and who answered whom (relhealth.metrics.signals and .replies, DESIGN section 4b),
worked out by hand."""
import pandas as pd

from relhealth.cli import main
from relhealth.io import read_dataset
from relhealth.metrics.replies import our_replies
from relhealth.render.review_csv import review_to_csv
from relhealth.review import client_report, month_review, score
from relhealth.settings import load_settings

HEADER = "date,client,kind,direction,thread,subject\n"


def activities(folder, rows: str, extra: dict | None = None):
    return read_dataset(folder({"crm_activities.csv": HEADER + rows, **(extra or {})}))


def figures(data, month: str, settings=None) -> pd.Series:
    table = month_review(data, settings or load_settings(), month)
    return table.set_index("client").iloc[0]


def test_a_reply_counts_in_the_same_thread_not_in_another(folder):
    data = activities(folder, """\
        2026-03-02 09:00,Acme,email_in,,T1,Brief
        2026-03-02 10:00,Acme,email_out,,T2,Another topic
        2026-03-02 12:00,Acme,email_out,,T1,Re: Brief
        2026-03-10 09:00,Acme,message_in,,,Quick question
        2026-03-10 09:30,Acme,call,out,,Called back (a call is not a message)
        2026-03-10 11:00,Acme,message_out,,T9,Answer
    """)
    ours = our_replies(data.crm_activities)
    # T1 is answered at 12:00 in T1 (3 h), not by T2 at 10:00; the unthreaded question by the next
    # message of any thread (11:00, 2 h), not by the call
    assert ours[["subject", "answer_row", "hours"]].values.tolist() == [["Brief", 4, 3.0], ["Quick question", 7, 2.0]]
    row = figures(data, "2026-03")
    assert (row["reply_hours_median"], row["unanswered_in"]) == (2.5, 0)


def test_an_answer_after_the_months_end_does_not_count_in_that_month(folder):
    data = activities(folder, """\
        2026-03-31 20:00,Acme,email_in,,T3,Late question
        2026-04-01 08:00,Acme,email_out,,T3,Re: Late question
    """)
    march = figures(data, "2026-03")
    assert pd.isna(march["reply_hours_median"]) and march["unanswered_in"] == 1
    # answered 12 h later, within the 24 h limit: no slow_reply
    assert score(data, load_settings(), "2026-03").ledger["kind"].tolist() == ["email_in", "email_out"]
    # in April the message is not of the month; our answer waits for the client's reply, which never comes
    april = figures(data, "2026-04")
    assert pd.isna(april["reply_hours_median"]) and april["unanswered_in"] == 0
    assert pd.isna(april["client_reply_hours_median"])


def test_silence_is_empty_without_inbound_contact_and_counts_days_to_the_months_end(folder):
    data = activities(folder, """\
        2026-03-02 10:00,Quiet,email_out,,T1,Are you there?
        2026-03-03 10:00,Quiet,call,out,,Voicemail
        2026-03-06 16:45,Talker,praise,in,,Thanks for the launch
        2026-03-09 10:00,Talker,email_out,,,Our weekly report
    """)
    table = month_review(data, load_settings(), "2026-03").set_index("client")
    assert pd.isna(table.loc["Quiet", "client_silence_days"])
    # the last inbound contact (a praise, direction in) on 6 March: 31 - 6 = 25 days; our later e-mail does not count
    assert table.loc["Talker", "client_silence_days"] == 25
    assert table.loc["Talker", "unanswered_in"] == 0


def test_the_clients_reply_trend_is_against_its_own_three_months_before(folder):
    data = activities(folder, """\
        2025-11-03 09:00,Acme,email_out,,N,November
        2025-11-07 13:00,Acme,email_in,,N,Re: November
        2025-12-01 09:00,Acme,email_out,,D,December
        2025-12-01 11:00,Acme,email_in,,D,Re: December
        2026-01-05 09:00,Acme,email_out,,J,January
        2026-01-05 13:00,Acme,email_in,,J,Re: January
        2026-02-02 09:00,Acme,email_out,,F,February
        2026-02-02 15:00,Acme,email_in,,F,Re: February
        2026-03-20 09:00,Acme,email_out,,M,March
        2026-03-20 19:00,Acme,email_in,,M,Re: March
    """)
    row = figures(data, "2026-03")
    # March: 10 h. The baseline is Dec-Feb, across the year boundary: median(2, 4, 6) = 4 h; November's
    # 100 h is four months before and does not count. 10 / 4 = 2.5
    assert row["client_reply_hours_median"] == 10.0
    assert row["client_reply_trend"] == 2.5
    assert row["part_flags"] == "no_feedback"
    # our answers are not timed as the client's: every email_in here is a reply, and we never answered
    assert row["unanswered_in"] == 1
    # the CSV: hours to 2 decimals, ratios to 3
    csv = review_to_csv(month_review(data, load_settings(), "2026-03")).splitlines()
    record = dict(zip(csv[0].split(","), csv[1].split(",")))
    assert (record["client_reply_hours_median"], record["client_reply_trend"]) == ("10.00", "2.500")
    # the client's last message on 20 March: 11 days of silence at the month's end
    assert (record["reply_hours_median"], record["client_silence_days"]) == ("", "11")


def test_three_month_windows_run_across_a_year_boundary(folder):
    data = read_dataset(folder({
        "clients.csv": "client,retainer_hours\nAcme,20\n",
        "crm_activities.csv": HEADER + """\
            2025-10-15,Acme,meeting_held,,,October (outside the window)
            2025-11-14,Acme,meeting_held,,,November
            2025-12-15,Acme,meeting_held,,,December
            2026-01-15,Acme,meeting_held,,,January
            2026-01-20,Acme,scope_request,in,,Can you add a page?
        """,
        "time_entries.csv": """\
            date,client,hours,task,category
            2025-11-10,Acme,10,Design,
            2025-12-10,Acme,5,Extra banners,extra
            2026-01-12,Acme,5,Design,
        """,
    }))
    january = figures(data, "2026-01")
    assert (january["meetings_held_3m"], january["scope_requests_3m"]) == (3, 1)
    # Nov-Jan: 5 extra hours of 20 work hours; January alone: 5 h of a 20 h retainer
    assert (january["extra_share_3m"], january["retainer_use"]) == (0.25, 0.25)
    assert january["part_flags"] == "excessive_demands"
    february = figures(data, "2026-02")
    assert (february["meetings_held_3m"], february["extra_share_3m"], february["retainer_use"]) == (2, 0.5, 0.0)


def test_slow_replies_enter_the_balance_by_their_weight(folder, tmp_path):
    data = activities(folder, """\
        2026-03-02 09:00,Acme,email_in,,T1,Answered in exactly 24 h
        2026-03-03 09:00,Acme,email_out,,T1,Re: in time
        2026-03-05 09:00,Acme,email_in,,T2,Answered a minute late
        2026-03-06 09:01,Acme,email_out,,T2,Re: late
        2026-03-20 10:00,Acme,message_in,,,Never answered
    """)
    config = tmp_path / "flat.toml"
    config.write_text("[eba]\nhalf_life_days = 0\n", encoding="utf-8")
    settings = load_settings(config)
    ledger = score(data, settings, "2026-03").ledger
    slow = ledger[ledger["derived"]]
    # dated when the 24 h passed, traced to the inbound message's row
    assert slow[["date", "kind", "weight", "row"]].values.tolist() == [
        [pd.Timestamp("2026-03-06 09:00"), "slow_reply", -1.0, 4],
        [pd.Timestamp("2026-03-21 10:00"), "slow_reply", -1.0, 6]]
    # each with the inbound message's subject and how late our answer came (none: missing)
    assert slow["subject"].tolist() == ["Answered a minute late", "Never answered"]
    assert slow["reply_hours"].round(2).tolist()[0] == 24.02 and pd.isna(slow["reply_hours"].iloc[1])
    row = figures(data, "2026-03", settings)
    assert (row["eba_balance"], row["eba_withdrawals"]) == (-2.0, -2.0)
    heavier = tmp_path / "heavier.toml"
    heavier.write_text("[eba]\nhalf_life_days = 0\n[eba.weights]\nslow_reply = -2.5\n"
                       "[signals]\nreply_sla_hours = 48\n", encoding="utf-8")
    # with 48 h to answer, only the message never answered is slow
    assert figures(data, "2026-03", load_settings(heavier))["eba_balance"] == -2.5
    report = client_report(data, settings, "Acme", "2026-03")
    assert report.ledger.loc[report.ledger["derived"], "kind"].tolist() == ["slow_reply", "slow_reply"]


# data/sample/README.md, "What the reports should show for 2026-10": the checklist signals that fire
SAMPLE_SIGNALS = {
    "Northwind Outfitters": "", "Alpenrose Hotels GmbH": "no_feedback;no_partnership",
    "Copperleaf Studios": "ignored_advice;excessive_demands", "Pinecrest Logistics": "payment_burden",
    "Harrow Motor Group": "friction;hostility", "Solstice Wellness": "", "Orbita Labs": "",
    "ООО «Северный ветер»": "", "Maison Duval": "", "Tidewater Coffee Co.": "",
}


def test_the_sample_stories_show_their_signals_in_score(capsys):
    assert main(["score"]) == 0
    lines = capsys.readouterr().out.splitlines()
    header = lines[0].split(",")
    assert header[header.index("overdue_USD") + 1:] == [
        "reply_hours_median", "unanswered_in", "client_reply_hours_median", "client_reply_trend",
        "client_silence_days", "meetings_held_3m", "meetings_cancelled_3m", "extra_share_3m", "retainer_use",
        "extras_gifted_3m", "extras_sold_3m", "scope_requests_3m", "advice_rejected_3m", "complaints_3m", "rude_3m",
        "part_signals", "part_flags", "eba_new", "eba_fading", "dso_EUR", "dso_RUB", "dso_USD",
        "client_reply_length_trend", "client_contacts_3m", "new_client_contacts_3m", "unrecapped_meetings_3m",
        "deadlines_missed_3m", "irritated_3m"]
    rows = {line.split(",")[0]: dict(zip(header, line.split(","))) for line in lines[1:]}
    assert {client: row["part_flags"] for client, row in rows.items()} == SAMPLE_SIGNALS
    alpenrose, copperleaf = rows["Alpenrose Hotels GmbH"], rows["Copperleaf Studios"]
    assert (alpenrose["client_silence_days"], alpenrose["meetings_held_3m"], alpenrose["meetings_cancelled_3m"]) == (
        "26", "0", "4")
    assert (copperleaf["scope_requests_3m"], copperleaf["retainer_use"], copperleaf["extra_share_3m"],
            copperleaf["advice_rejected_3m"]) == ("9", "1.479", "0.350", "2")
    assert (rows["Harrow Motor Group"]["complaints_3m"], rows["Harrow Motor Group"]["rude_3m"]) == ("3", "3")
    assert {row["unanswered_in"] for row in rows.values()} == {"0"}
