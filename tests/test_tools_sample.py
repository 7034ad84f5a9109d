"""The bundled sample agency: committed CSVs == generator output, sensible volumes, every client has records.

Only the standard library and pytest here, so the sample stays checkable without the data stack.
"""
from __future__ import annotations

import csv
import re
import unicodedata
from collections import Counter
from datetime import date, datetime
from pathlib import Path

import pytest

from tools.sample import DEFAULT_SEED, write_sample

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample"
FILES = ("clients.csv", "time_entries.csv", "crm_activities.csv", "invoices.csv")
#: The evidence where it lives: Jira's export (a BOM and CRLF, as Jira writes it), the calendar (CRLF, as
#: RFC 5545 asks), the Russian register, Alpenrose's mailbox and the Telegram Desktop export.
EVIDENCE = ("jira.csv", "calendar.ics", "register.csv", "alpenrose.mbox", "result.json")


def read(name: str, folder: Path = SAMPLE) -> list[dict[str, str]]:
    with (folder / name).open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def key(name: str) -> str:
    """The DESIGN section 2 matching key: quote marks removed, white space trimmed and collapsed, case ignored."""
    text = re.sub("[\"'«»]", "", unicodedata.normalize("NFKC", name))
    return " ".join(text.split()).casefold()


def client_of() -> dict[str, str]:
    """Every known spelling (by key) to the client's name in clients.csv."""
    spellings = {}
    for row in read("clients.csv"):
        for spelling in [row["client"], *filter(None, row["aliases"].split(";"))]:
            spellings[key(spelling)] = row["client"]
    return spellings


@pytest.fixture(scope="module")
def regenerated(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("sample")
    write_sample(out)
    return out


@pytest.mark.parametrize("name", FILES + EVIDENCE)
def test_the_committed_sample_is_exactly_what_the_generator_writes(regenerated, name):
    assert (regenerated / name).read_bytes() == (SAMPLE / name).read_bytes(), (
        f"data/sample/{name} differs from the generator's output: run `make sample` and commit the result")


def test_the_default_seed_is_the_one_the_committed_sample_was_made_with():
    assert DEFAULT_SEED == 20261031


def test_another_seed_gives_another_agency(tmp_path):
    write_sample(tmp_path, seed=7)
    assert (tmp_path / "time_entries.csv").read_bytes() != (SAMPLE / "time_entries.csv").read_bytes()


def test_the_files_are_utf8_without_bom_with_unix_line_ends():
    for name in FILES:
        data = (SAMPLE / name).read_bytes()
        assert not data.startswith(b"\xef\xbb\xbf"), name
        assert b"\r\n" not in data, name
        data.decode("utf-8")


def test_the_volumes_are_those_of_a_small_agency_over_fourteen_months():
    clients = read("clients.csv")
    assert len(clients) == 12
    # two of them left before the last months (the backtest's history); ten are still clients in October 2026
    assert {r["client"]: r["ended"] for r in clients if r["ended"]} == {
        "Brightline Media": "2026-05-31", "Kestrel Foods": "2026-03-20"}
    assert 3000 <= len(read("time_entries.csv")) <= 6000
    assert 1000 <= len(read("crm_activities.csv")) <= 2000
    assert 100 <= len(read("invoices.csv")) <= 200


def test_every_client_of_clients_csv_has_time_entries_crm_activities_and_invoices():
    clients = client_of()
    for name in FILES[1:]:
        seen = {clients.get(key(row["client"])) for row in read(name) if row["client"].strip()}
        missing = set(clients.values()) - seen
        assert not missing, f"{name} has no record for {sorted(missing)}"


def test_every_client_spelling_in_the_records_resolves_to_a_client_of_clients_csv():
    clients = client_of()
    for name in FILES[1:]:
        unknown = {row["client"] for row in read(name) if row["client"].strip() and key(row["client"]) not in clients}
        assert not unknown, f"{name}: {sorted(unknown)}"


def test_the_newest_record_is_dated_in_october_2026():
    newest = max(
        [date.fromisoformat(r["date"]) for r in read("time_entries.csv")]
        + [datetime.strptime(r["date"], "%Y-%m-%d %H:%M").date() for r in read("crm_activities.csv")]
        + [date.fromisoformat(d) for r in read("invoices.csv") for d in (r["issued"], r["paid_on"]) if d]
    )
    assert (newest.year, newest.month) == (2026, 10)


def test_the_only_odd_time_entries_are_the_documented_duplicate_and_forgotten_timer():
    rows = read("time_entries.csv")
    counts = Counter(tuple(r.values()) for r in rows)
    assert sorted(n for n in counts.values() if n > 1) == [2], "exactly one row is repeated, once"
    long = [float(r["hours"]) for r in rows if float(r["hours"]) > 8]
    assert long == [26.5]
    assert all(float(r["hours"]) > 0 and float(r["hours"]) * 4 == int(float(r["hours"]) * 4) for r in rows)


def test_invoices_have_unique_ids_and_consistent_dates():
    rows = read("invoices.csv")
    assert len({r["invoice"] for r in rows}) == len(rows)
    for r in rows:
        assert r["due"] >= r["issued"], r["invoice"]
        assert not r["paid_on"] or r["paid_on"] >= r["issued"], r["invoice"]
        assert not r["paid_amount"] or r["paid_on"], r["invoice"]
    assert {r["currency"] for r in rows} >= {"USD", "EUR", "RUB"}
    assert any(r["paid_amount"] for r in rows), "at least one partial payment"


def test_crm_kinds_come_from_the_rubric_and_danetor_answers_only_from_scope_requests():
    rubric = {
        "deadline_met", "delivered_early", "exceeded_expectations", "praise", "extra_sold", "issue_resolved",
        "proactive_report", "deadline_shift_announced", "deadline_missed", "error_found", "complaint",
        "promise_broken", "escalation", "request_declined", "extra_gifted", "meeting_held", "meeting_cancelled",
        "email_in", "email_out", "message_in", "message_out", "call", "payment_reminder", "scope_request",
        "advice_rejected", "rude_message",
    }
    for r in read("crm_activities.csv"):
        assert r["kind"] in rubric, r
        answers = (r["benefits_client"], r["benefits_us"], r["covers_cost"])
        assert answers == ("", "", "") or (r["kind"] == "scope_request" and set(answers) <= {"yes", "no"}), r


def test_no_record_of_a_client_who_left_is_dated_after_the_day_it_ended():
    clients = client_of()
    ended = {r["client"]: r["ended"] for r in read("clients.csv") if r["ended"]}
    for name, column in (("time_entries.csv", "date"), ("crm_activities.csv", "date"), ("invoices.csv", "issued")):
        late = [r for r in read(name) if clients.get(key(r["client"])) in ended
                and r[column][:10] > ended[clients[key(r["client"])]]]
        assert not late, f"{name}: {late[:3]}"


def test_the_clients_who_left_have_invoice_numbers_and_thread_ids_after_everyone_elses():
    ended = {r["client"] for r in read("clients.csv") if r["ended"]}
    invoices = [r["invoice"] for r in read("invoices.csv")]
    left = [r["invoice"] for r in read("invoices.csv") if r["client"] in ended]
    assert invoices[-len(left):] == left == [f"INV-{n}" for n in range(1131, 1147)]
    threads = {r["thread"] for r in read("crm_activities.csv") if r["thread"] and r["client"] not in ended}
    theirs = {r["thread"] for r in read("crm_activities.csv") if r["thread"] and r["client"] in ended}
    assert max(threads) == "T00449" < min(theirs)


def test_the_evidence_files_are_shaped_as_their_tools_write_them():
    jira = (SAMPLE / "jira.csv").read_bytes()
    assert jira.startswith(b"\xef\xbb\xbfSummary,Issue key,") and b"\r\n" in jira
    calendar = (SAMPLE / "calendar.ics").read_bytes()
    assert calendar.startswith(b"BEGIN:VCALENDAR\r\n") and b"RRULE:FREQ=MONTHLY" in calendar
    assert b"STATUS:CANCELLED" in calendar and b"RECURRENCE-ID" in calendar
    register = (SAMPLE / "register.csv").read_text(encoding="utf-8").splitlines()
    assert register[0] == "Дата;Клиент;Событие;Описание;Контакт;Вес;Направление;Канал"
    # every client's story keeps its CRM events where no other tool holds them
    spellings = client_of()
    kinds = Counter(row["kind"] for row in read("crm_activities.csv")
                    if spellings.get(key(row["client"])) == "Pinecrest Logistics")
    assert kinds["deadline_met"] == kinds["deadline_missed"] == 0
