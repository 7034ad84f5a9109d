"""The sentences that put figures into words (relhealth.render.words)."""
import pandas as pd

from relhealth.i18n import words
from relhealth.io import read_dataset
from relhealth.metrics.checklist import SIGNALS
from relhealth.metrics.evidence import evidence
from relhealth.render.words import event_subject, evidence_words, signal_lines
from relhealth.review import client_report, score
from relhealth.settings import load_settings

HEADER = "date,client,kind,direction,thread,subject\n"


def test_a_slow_reply_says_what_it_was_about_and_how_late_the_answer_came(folder, tmp_path):
    data = read_dataset(folder({"crm_activities.csv": HEADER + """\
        2026-03-05 09:00,Acme,email_in,,T2,Answered a minute late
        2026-03-06 09:01,Acme,email_out,,T2,Re: late
        2026-03-20 10:00,Acme,message_in,,,Never answered
        2026-03-21 10:00,Acme,message_in,,,
    """}))
    ledger = score(data, load_settings(), "2026-03").ledger
    slow = ledger[ledger["derived"]]
    assert [event_subject(event, 24) for event in slow.itertuples()] == [
        "No reply within 24 h: Answered a minute late (replied after 24.02 h)",
        "No reply within 24 h: Never answered (no reply)",
        "No reply within 24 h: (no subject) (no reply)"]
    logged = ledger[~ledger["derived"]]
    assert [event_subject(event, 24) for event in logged.itertuples()] == [
        "Answered a minute late", "Re: late", "Never answered", ""]


def test_the_rows_behind_no_feedback_name_the_last_contact_and_the_messages_left_unanswered(folder):
    data = read_dataset(folder({"crm_activities.csv": HEADER + """\
        2026-02-20 10:00,Acme,praise,in,,Thanks
        2026-03-02 10:00,Acme,email_out,,T1,Are you there?
        2026-03-03 10:00,Acme,email_out,,T2,Status report
        2026-03-04 09:00,Acme,email_in,,T2,Re: Status report
    """}))
    rows = evidence_words(evidence("no_feedback", data.crm_activities, data.time_entries, pd.Period("2026-03", "M")))
    shown = rows[["what", "detail", "hours"]].astype(object)
    assert shown.where(shown.notna(), "").values.tolist() == [
        ["e-mail of ours", "Are you there? (no reply by the month's end)", ""],
        ["e-mail of ours", "Status report", 23.0],
        ["last inbound contact: e-mail from the client", "Re: Status report", ""]]


def test_each_signal_is_written_with_its_title_tests_and_answer(folder):
    data = read_dataset(folder({"crm_activities.csv": HEADER + """\
        2026-03-02,Acme,rude_message,in,,You people are useless
        2026-03-10,Acme,meeting_cancelled,,,Weekly call
    """}))
    report = client_report(data, load_settings(), "Acme", "2026-03")
    lines = {line["signal"]: line for line in signal_lines(report.checklist)}
    assert list(lines) == list(SIGNALS)
    assert lines["hostility"] == {"signal": "hostility", "title": "The client is rude", "fired": True,
                                  "evidence": "✔ rude messages in 3 months: 1 (≥ 1)",
                                  "reason": "rude messages in 3 months: 1 (≥ 1)",
                                  "answer": "Rudeness is outside business relations; prepare to part."}
    assert lines["no_partnership"]["evidence"] == (
        "all of: ✔ meetings held in 3 months: 0 (≤ 0); ✔ meetings cancelled in 3 months: 1 (≥ 1)")
    # the rude message of 2 March is the last contact from the client: 31 - 2 = 29 days of silence
    assert lines["no_feedback"]["evidence"] == (
        "any of: ✔ days since the client's last contact: 29 (≥ 21); ✘ the client's reply time against its "
        "baseline: none (≥ 2)")
    assert lines["no_feedback"]["reason"] == "days since the client's last contact: 29 (≥ 21)"
    assert not lines["friction"]["fired"] and lines["friction"]["reason"] == ""
    russian = {line["signal"]: line for line in signal_lines(report.checklist, words("ru"))}
    assert russian["hostility"] == {
        "signal": "hostility", "title": "Клиент груб", "fired": True,
        "evidence": "✔ грубых сообщений за 3 месяца: 1 (≥ 1)", "reason": "грубых сообщений за 3 месяца: 1 (≥ 1)",
        "answer": "Грубость выходит за рамки деловых отношений: с таким клиентом пора расставаться."}
    assert russian["no_feedback"]["evidence"] == (
        "любое из условий: ✔ дней с последнего контакта клиента: 29 (≥ 21); ✘ время ответа клиента к его обычному: "
        "нет (≥ 2)")
