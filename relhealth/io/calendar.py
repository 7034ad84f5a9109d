"""Meetings from calendars (DESIGN section 2a): the ``.ics`` files of a data folder (RFC 5545, as Google
Calendar, Outlook and Apple Calendar export them), recurring events expanded, as derived CRM activities.

An event whose attendees include a client's ``domains`` (clients.csv), or whose summary names the client,
becomes ``meeting_held`` once its end has passed, or ``meeting_cancelled`` when it, or that one occurrence,
has ``STATUS:CANCELLED`` or every client attendee declined. A time with a zone (``TZID``, ``Z``) is read
into the agency's time zone (``[report] timezone``); a floating time or a day is taken as written, as
the CSV exports are. Each event is traced to its file and the line where its
``BEGIN:VEVENT`` (or the block of that one occurrence) starts.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from relhealth.columns import CRM_ACTIVITIES, ROW, SOURCE
from relhealth.errors import InputError, Problem
from relhealth.io.dataset import FileInfo, add_derived
from relhealth.io.names import client_key, named_client
from relhealth.io.quality import Count, phrase

MEETING_HELD, MEETING_CANCELLED = "meeting_held", "meeting_cancelled"
#: How far apart a calendar meeting and a CRM meeting of one client may start and still be one meeting.
SAME_MEETING = pd.Timedelta(minutes=30)


@dataclass(frozen=True)
class Meeting:
    start: dt.datetime          # in the agency's time zone, naive
    end_passed: bool
    cancelled: bool
    summary: str
    domains: tuple[str, ...]    # the attendees' mail domains
    declined: tuple[str, ...]   # the domains of attendees who declined
    line: int
    uid: str


def _address_domain(attendee) -> str:
    address = str(attendee).removeprefix("mailto:").removeprefix("MAILTO:")
    return address.rsplit("@", 1)[-1].strip().casefold() if "@" in address else ""


def _attendees(event) -> list:
    found = event.get("ATTENDEE")
    return [] if found is None else found if isinstance(found, list) else [found]


def _local(value, zone: dt.tzinfo) -> dt.datetime:
    """A DTSTART as a naive time of the agency's ``zone``: a time with a zone converted into it, a floating
    time as written, a date at its midnight."""
    if isinstance(value, dt.datetime):
        return (value.astimezone(zone) if value.tzinfo else value).replace(tzinfo=None)
    return dt.datetime.combine(value, dt.time())


def _aware(value) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
    return dt.datetime.combine(value, dt.time(), tzinfo=dt.UTC)


def _block_lines(text: str) -> dict[tuple[str, str | None], int]:
    """The line where each VEVENT block starts, by its UID and RECURRENCE-ID (as written; None for a
    series or a single event)."""
    lines, begin, uid, rid = {}, 0, "", None
    for number, line in enumerate(text.splitlines(), start=1):
        upper = line.upper()
        if upper.startswith("BEGIN:VEVENT"):
            begin, uid, rid = number, "", None
        elif upper.startswith("UID:"):
            uid = line[4:].strip()
        elif upper.startswith("RECURRENCE-ID"):
            rid = line.split(":", 1)[-1].strip()
        elif upper.startswith("END:VEVENT"):
            lines.setdefault((uid, rid), begin)
    return lines


def read_meetings(path: Path, now: dt.datetime | None = None, zone: dt.tzinfo = dt.UTC) -> tuple[list[Meeting], int]:
    """The meetings of one ``.ics`` file, each occurrence of a recurring event on its own, its start in the
    agency's ``zone``, and how many events start after ``now`` (not yet held: no event yet).

    Raises
    ------
    InputError : when the file does not parse as a calendar.
    """
    import icalendar
    import recurring_ical_events

    data = path.read_bytes()
    try:
        calendar = icalendar.Calendar.from_ical(data)
        occurrences = list(recurring_ical_events.of(calendar).between(dt.date(2000, 1, 1), dt.date(2100, 1, 1)))
    except Exception as exc:    # icalendar and recurring-ical-events raise several kinds for a broken file
        raise InputError(Problem(str(path), (
            f"does not read as a calendar (iCalendar, RFC 5545): {exc}. Export it again from the calendar "
            "(Google Calendar: Settings > Import & export > Export), or move it out of the folder."))) from None
    now = now or dt.datetime.now(dt.UTC)
    lines = _block_lines(data.decode("utf-8", errors="replace"))
    meetings, later = [], 0
    for event in occurrences:
        start = event.get("DTSTART").dt
        end = event.get("DTEND").dt if event.get("DTEND") is not None else start
        if _aware(start) > now:
            later += 1
            continue
        uid = str(event.get("UID", ""))
        written = event.get("RECURRENCE-ID")
        rid = written.to_ical().decode() if written is not None else None
        attendees = _attendees(event)
        meetings.append(Meeting(
            start=_local(start, zone), end_passed=_aware(end) <= now,
            cancelled=str(event.get("STATUS", "")).upper() == "CANCELLED", summary=str(event.get("SUMMARY", "")),
            domains=tuple(_address_domain(a) for a in attendees),
            declined=tuple(_address_domain(a) for a in attendees
                           if str(a.params.get("PARTSTAT", "")).upper() == "DECLINED"),
            line=lines.get((uid, rid), lines.get((uid, None), 1)), uid=uid))
    return meetings, later


def meeting_rows(meetings: list[Meeting], source: str, domains: dict[str, str], names: dict[str, str]) -> pd.DataFrame:
    """The meetings as CRM activities: ``date, client, kind, subject, channel, thread, source, row``.
    ``domains``: mail domain -> client; ``names``: the matching key of each client name and alias ->
    client, looked for as whole words in the summary. A meeting of no client has no client (the caller
    leaves it out with a note); one whose end has not passed yet is not a meeting held yet."""
    rows = []
    for meeting in meetings:
        theirs = [d for d in meeting.domains if d in domains]
        client = domains[theirs[0]] if theirs else named_client(meeting.summary, names)
        declined = bool(theirs) and all(d in meeting.declined for d in theirs)
        if not (meeting.end_passed or meeting.cancelled or declined):
            continue
        rows.append({"date": pd.Timestamp(meeting.start), "client": client,
                     "kind": MEETING_CANCELLED if meeting.cancelled or declined else MEETING_HELD,
                     "subject": meeting.summary, "channel": "calendar", "thread": meeting.uid, SOURCE: source,
                     ROW: meeting.line})
    return pd.DataFrame(rows, columns=["date", "client", "kind", "subject", "channel", "thread", SOURCE, ROW])


def calendar_meetings(paths: list[Path], crm: pd.DataFrame, domains: dict[str, str], names: dict[str, str],
                      quality, zone: dt.tzinfo = dt.UTC) -> tuple[pd.DataFrame, list[FileInfo]]:
    """The CRM activities with the meetings of the calendars ``paths`` added as derived events
    (``derived`` = True), and how each file was read: meetings of no client, meetings also logged in the
    CRM (same client, start within :data:`SAME_MEETING`) and events not yet held are left out, each with
    a note."""
    found, problems, infos = [], [], []
    for path in paths:
        try:
            meetings, later = read_meetings(path, zone=zone)
        except InputError as exc:
            problems.extend(exc.problems)
            continue
        rows = meeting_rows(meetings, str(path), domains, {client_key(n): c for n, c in names.items()})
        nobody = rows["client"].isna()
        if nobody.any():
            quality.add(str(path), "meeting_without_client", rows=sorted(set(rows.loc[nobody, ROW])),
                        events=Count(nobody.sum(), "note_event"))
        if later:
            quality.add(str(path), "meeting_later", events=Count(later, "note_event"))
        found.append(rows[~nobody])
        infos.append(FileInfo(CRM_ACTIVITIES.name, path, len(rows), "iCalendar", "", False, format="calendar (.ics)"))
    if problems:
        raise InputError(problems)
    if not found or all(f.empty for f in found):
        return crm, infos
    meetings = _not_in_crm(pd.concat(found, ignore_index=True), crm, quality)
    return add_derived(crm, meetings), infos


def _not_in_crm(meetings: pd.DataFrame, crm: pd.DataFrame, quality) -> pd.DataFrame:
    """The calendar's meetings but those the CRM logs too (same client, starts within 30 minutes)."""
    logged = crm[crm["kind"].isin([MEETING_HELD, MEETING_CANCELLED])]
    if logged.empty:
        return meetings
    pairs = meetings.reset_index().merge(logged[["client", "date", SOURCE, ROW]], on="client", suffixes=("", "_crm"))
    same = pairs[(pairs["date"] - pairs["date_crm"]).abs() <= SAME_MEETING]
    for (source, client), rows in same.groupby([SOURCE, "client"], sort=False):
        quality.add(source, "meeting_in_crm", rows=sorted(set(rows[ROW])), client=client,
                    meetings=Count(len(rows), "note_meeting"),
                    crm_rows=[phrase("notes.part.row", row=r) for r in rows[ROW + "_crm"]],
                    crm_file=Path(str(rows[SOURCE + "_crm"].iloc[0])).name)
    return meetings.drop(index=same["index"].unique()).reset_index(drop=True)



__all__ = ["MEETING_CANCELLED", "MEETING_HELD", "SAME_MEETING", "Meeting", "calendar_meetings", "meeting_rows",
           "read_meetings"]
