"""Meetings from calendars (DESIGN section 2a): an .ics export, recurring events expanded, as derived CRM
activities, worked out by hand beside the fixture."""
from __future__ import annotations

import pandas as pd
import pytest

import relhealth
from relhealth.errors import InputError
from relhealth.settings import load_settings

SETTINGS = load_settings()

BERLIN = """\
BEGIN:VTIMEZONE
TZID:Europe/Berlin
BEGIN:DAYLIGHT
TZOFFSETFROM:+0100
TZOFFSETTO:+0200
TZNAME:CEST
DTSTART:19700329T020000
RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU
END:DAYLIGHT
BEGIN:STANDARD
TZOFFSETFROM:+0200
TZOFFSETTO:+0100
TZNAME:CET
DTSTART:19701025T030000
RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU
END:STANDARD
END:VTIMEZONE
"""


def vevent(uid, start, end, summary, *lines):
    return "\n".join(["BEGIN:VEVENT", f"DTSTART;TZID=Europe/Berlin:{start}", f"DTEND;TZID=Europe/Berlin:{end}",
                      f"UID:{uid}", f"SUMMARY:{summary}", "ORGANIZER:mailto:oleg@agency.test", *lines,
                      "END:VEVENT"])


CALENDAR = "\n".join([
    "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Google Inc//Google Calendar 70.9054//EN", BERLIN.strip(),
    # a weekly meeting over the change to summer time (29 March): 17, 24 (cancelled), 31 (moved to 2 April), 7 April
    vevent("weekly@agency.test", "20260317T100000", "20260317T110000", "Acme weekly", "RRULE:FREQ=WEEKLY;COUNT=4",
           "ATTENDEE;PARTSTAT=ACCEPTED:mailto:jane@acme.test", "STATUS:CONFIRMED"),
    vevent("weekly@agency.test", "20260324T100000", "20260324T110000", "Acme weekly",
           "RECURRENCE-ID;TZID=Europe/Berlin:20260324T100000", "STATUS:CANCELLED"),
    vevent("weekly@agency.test", "20260402T150000", "20260402T160000", "Acme weekly (moved)",
           "RECURRENCE-ID;TZID=Europe/Berlin:20260331T100000", "ATTENDEE;PARTSTAT=ACCEPTED:mailto:jane@acme.test"),
    # Beta's only attendee declined; the kick-off is also in the CRM; the team sync has no client; the last is to come
    vevent("beta@agency.test", "20260320T090000", "20260320T100000", "Review",
           "ATTENDEE;PARTSTAT=DECLINED:mailto:john@beta.test"),
    vevent("kickoff@agency.test", "20260326T140000", "20260326T150000", "Kick-off",
           "ATTENDEE;PARTSTAT=ACCEPTED:mailto:jane@acme.test"),
    vevent("sync@agency.test", "20260327T090000", "20260327T093000", "Team sync",
           "ATTENDEE;PARTSTAT=ACCEPTED:mailto:ben@agency.test"),
    vevent("later@agency.test", "20990110T090000", "20990110T100000", "Acme planning",
           "ATTENDEE:mailto:jane@acme.test"),
    "END:VCALENDAR", ""]).replace("\n", "\r\n")
CLIENTS = "client,domains\nAcme,acme.test\nBeta,beta.test\n"
CRM = "date,client,kind,subject\n2026-03-26 14:15,Acme,meeting_held,Kick-off meeting\n"


def in_zone(tmp_path, zone: str):
    """The shipped settings of an agency in the time zone ``zone``."""
    config = tmp_path / f"{zone.replace('/', '-')}.toml"
    config.write_text(f'[report]\ntimezone = "{zone}"\n', encoding="utf-8")
    return load_settings(config)


def test_a_calendar_gives_meetings_held_and_cancelled_once_each(folder, tmp_path):
    files = {"clients.csv": CLIENTS, "crm_activities.csv": CRM, "calendar.ics": CALENDAR}
    data = relhealth.read_dataset(folder(files), in_zone(tmp_path, "Europe/Berlin"))
    meetings = data.crm_activities.sort_values("date")
    # an agency in Berlin: the times of Berlin on both sides of the change to summer time, as its CRM writes
    # them; the kick-off once, from the CRM
    assert meetings[["date", "client", "kind", "derived"]].values.tolist() == [
        [pd.Timestamp("2026-03-17 10:00"), "Acme", "meeting_held", True],
        [pd.Timestamp("2026-03-20 09:00"), "Beta", "meeting_cancelled", True],
        [pd.Timestamp("2026-03-24 10:00"), "Acme", "meeting_cancelled", True],
        [pd.Timestamp("2026-03-26 14:15"), "Acme", "meeting_held", False],
        [pd.Timestamp("2026-04-02 15:00"), "Acme", "meeting_held", True],
        [pd.Timestamp("2026-04-07 10:00"), "Acme", "meeting_held", True],
    ]
    # each traced to the line where its block starts: the series (line 21) for 17 March and 7 April, Beta's
    # review (49), the cancelled occurrence (31) and the moved one (40)
    assert meetings.loc[meetings["derived"].astype(bool), "row"].tolist() == [21, 49, 31, 40, 21]
    assert [(n.code, n.client) for n in data.quality] == [
        ("meeting_without_client", None), ("meeting_later", None), ("meeting_in_crm", "Acme")]
    review = relhealth.month_review(data, SETTINGS, "2026-03").set_index("client")
    assert review["meetings_held_3m"].to_dict() == {"Acme": 2, "Beta": 0}
    assert review["meetings_cancelled_3m"].to_dict() == {"Acme": 1, "Beta": 1}
    files = {info.path.name: info for info in data.files}
    # seven occurrences up to today, of which the team sync and the kick-off are not counted
    assert (files["calendar.ics"].format, files["calendar.ics"].rows) == ("calendar (.ics)", 7)


def test_a_calendar_is_read_into_the_agencys_time_zone(folder, tmp_path):
    files = {"clients.csv": CLIENTS, "calendar.ics": CALENDAR, "time_entries.csv": "date,client,hours\n2026-03-02,Acme,1\n"}
    held = {zone: relhealth.read_dataset(folder(files), in_zone(tmp_path, zone)).crm_activities.query(
        "kind == 'meeting_held'")["date"].sort_values().tolist() for zone in ("UTC", "Europe/Moscow")}
    # 10:00 in Berlin is 09:00 UTC in winter (CET, +1) and 08:00 after 29 March (CEST, +2); Moscow is +3 all year
    assert held["UTC"] == [pd.Timestamp("2026-03-17 09:00"), pd.Timestamp("2026-03-26 13:00"),
                           pd.Timestamp("2026-04-02 13:00"), pd.Timestamp("2026-04-07 08:00")]
    assert held["Europe/Moscow"] == [pd.Timestamp("2026-03-17 12:00"), pd.Timestamp("2026-03-26 16:00"),
                                     pd.Timestamp("2026-04-02 16:00"), pd.Timestamp("2026-04-07 11:00")]


def test_a_calendar_that_does_not_parse_is_named(folder):
    path = folder({"clients.csv": CLIENTS, "crm_activities.csv": CRM, "broken.ics": "BEGIN:VCALENDAR\nnot a line\n"})
    with pytest.raises(InputError) as error:
        relhealth.read_dataset(path)
    assert str(error.value).startswith(f"{path / 'broken.ics'}: does not read as a calendar (iCalendar, RFC 5545): ")
    assert str(error.value).endswith("Export it again from the calendar (Google Calendar: Settings > Import & export > "
                                     "Export), or move it out of the folder.")
