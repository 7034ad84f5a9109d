"""The export formats relhealth reads, each recognised by its header and mapped to a canonical table.

A format turns a frame of strings with the export's own columns (header names in lower case, see
:mod:`relhealth.io.text`) into a frame of strings with canonical columns; the values are then read by the
parsers of :mod:`relhealth.io.values` exactly as a canonical file's would be.

For the time trackers, one rule holds everywhere: the entry's own text (Toggl's and Clockify's
*Description*, Harvest's *Notes*, Kimai's *Description*) becomes ``task``, and the tool's task or
activity name becomes a tag, so that the category patterns see both. An entry is dated by its start.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from relhealth.columns import CLIENTS, CRM_ACTIVITIES, INVOICES, ROW, TABLES, TASKS, TIME_ENTRIES, TableSpec
from relhealth.i18n import words
from relhealth.io.starter import looks_like
from relhealth.io.text import DETAILED_REPORT, as_categories, as_text, clean_header

#: The time of day an entry started, kept beside the canonical columns to tell two entries apart.
START = "start"
#: Why a row of an export is not a record (a meeting not held yet, ...): set by a mapping's rules, the
#: row is left out with a data-quality note giving the reason. Empty for the rows read.
SKIPPED = "skipped"
#: The reason of the register's example and comment rows (their date starts with ``#``): one of relhealth's
#: own, so that its note reads in the page's language (``notes.reason`` of the catalogue).
COMMENT_ROWS = words("en")("notes.reason.comment_rows")


def _names(column: str | tuple[str, ...]) -> tuple[str, ...]:
    return (column,) if isinstance(column, str) else column


@dataclass(frozen=True)
class Format:
    """One export format: the table it fills, the header columns that identify it, and its mapping."""

    name: str
    table: TableSpec
    #: The header columns that identify the format; a tuple of names stands for any one of them.
    required: tuple[str | tuple[str, ...], ...]
    convert: Callable[[pd.DataFrame], pd.DataFrame]
    known: tuple[str, ...] = ()
    #: Invoices only: one row per invoice line, the amounts of an invoice's rows summed.
    lines: bool = False
    #: Invoices only: the export has no due date; an invoice is due this many days after its issue.
    due_days: int | None = None
    #: The file name (lower case) that is always read in this format, whatever its header.
    file: str = ""
    #: Columns the export may repeat (Jira's ``Labels, Labels``): their values are joined. Any other
    #: column the format reads must appear once.
    repeated: tuple[str, ...] = ()
    #: The file's other columns are kept beside the canonical ones (canonical files, registers, mappings):
    #: then they also tell two rows apart that are otherwise equal, never exact duplicates.
    keeps_other: bool = False

    def missing(self, header: set[str]) -> list[str]:
        """The identifying columns the header lacks, as ``'a'`` or ``'a' or 'b'``."""
        return [" or ".join(f"'{n}'" for n in _names(c)) for c in self.required if not set(_names(c)) & header]

    @property
    def columns(self) -> set[str]:
        return {n for c in self.required for n in _names(c)} | set(self.known)

    def read(self, raw: pd.DataFrame) -> pd.DataFrame:
        """The canonical frame of a raw table (:func:`~relhealth.io.text.read_raw_table`), its value columns
        categorical. A canonical file is already one; an export is mapped as strings."""
        if self.convert is _canonical:
            return raw
        return as_categories(self.convert(as_text(raw)))


# ----- helpers over frames of strings

def _col(raw: pd.DataFrame, *names: str) -> pd.Series:
    """The first of ``names`` that the export has, else empty strings."""
    for name in names:
        if name in raw.columns:
            return raw[name]
    return pd.Series("", index=raw.index, dtype="str")


def _first_filled(*series: pd.Series) -> pd.Series:
    result = series[0]
    for other in series[1:]:
        result = result.where(result != "", other)
    return result


def _join_tags(*series: pd.Series) -> pd.Series:
    """Tags from several columns joined by commas, empty parts left out."""
    result = series[0].str.strip()
    for part in (s.str.strip() for s in series[1:]):
        joined = result.where(result == "", result + ", ") + part
        result = result.where(part == "", joined)
    return result.astype("str")


_CLOCK = re.compile(r"^\s*(\d+):(\d{1,2})(?::(\d{1,2}))?\s*$")


def clock_hours(values: pd.Series) -> pd.Series:
    """``H:MM`` or ``H:MM:SS`` durations (``01:30:00``, ``26:30``) as decimal hours in text; any other
    value is left as it is for the number parser to read or refuse."""
    parts = values.str.extract(_CLOCK.pattern)
    matched = parts[0].notna()
    hours = (parts[0].astype("float64") + parts[1].astype("float64") / 60
             + parts[2].fillna("0").astype("float64") / 3600)
    text = hours.map(lambda h: "" if pd.isna(h) else f"{h:.6f}".rstrip("0").rstrip("."))
    return values.where(~matched, text).astype("str")


def _people(raw: pd.DataFrame) -> pd.Series:
    full = (_col(raw, "first name") + " " + _col(raw, "last name")).str.strip()
    return _first_filled(_col(raw, "user", "username", "name", "пользователь", "person"), full)


def _frame(raw: pd.DataFrame, **columns: pd.Series) -> pd.DataFrame:
    out = pd.DataFrame({name: values.astype("str") for name, values in columns.items()}, index=raw.index)
    out[ROW] = raw[ROW]
    return out


# ----- the formats

def _canonical(raw: pd.DataFrame) -> pd.DataFrame:
    return raw


def _toggl(raw: pd.DataFrame) -> pd.DataFrame:
    return _frame(raw, date=raw["start date"], client=raw["client"], hours=clock_hours(raw["duration"]),
                  project=raw["project"], person=_col(raw, "user"),
                  task=_first_filled(raw["description"], _col(raw, "task")),
                  tags=_join_tags(_col(raw, "tags"), _col(raw, "task")), billable=_col(raw, "billable"),
                  **{START: raw["start time"]})


def _harvest(raw: pd.DataFrame) -> pd.DataFrame:
    return _frame(raw, date=raw["date"], client=raw["client"], hours=raw["hours"], project=raw["project"],
                  person=_people(raw), task=_first_filled(raw["notes"], raw["task"]), tags=raw["task"],
                  billable=_col(raw, "billable?"))


def _clockify(raw: pd.DataFrame) -> pd.DataFrame:
    decimal = _col(raw, "duration (decimal)")
    hours = _first_filled(decimal, clock_hours(raw["duration (h)"]))
    client = raw["client"].where(raw["client"] != "(Without client)", "")   # Clockify's placeholder
    return _frame(raw, date=raw["start date"], client=client, hours=hours, project=raw["project"],
                  person=_col(raw, "user"), task=_first_filled(raw["description"], _col(raw, "task")),
                  tags=_join_tags(_col(raw, "tags"), _col(raw, "task")), billable=_col(raw, "billable"),
                  **{START: raw["start time"]})


def kimai_hours(duration: pd.Series, start: pd.Series, end: pd.Series) -> pd.Series:
    """Kimai's durations as decimal hours in text. Kimai 2.27 and later write ``0:06``, ``0:06:40`` or
    decimal hours (``0.11``); Kimai 1.x to 2.26 and the layout of its importer write whole seconds
    (``400``). A file of whole numbers is in seconds when they fit the span from ``From`` to ``To`` as
    seconds better than as hours (a break makes a duration shorter than its span, never longer), or,
    without those times, when they are too large to be hours of a day."""
    whole = duration.str.fullmatch(r"\d+")
    filled = duration != ""
    if not (filled.any() and whole[filled].all()):
        return clock_hours(duration)
    numbers = pd.to_numeric(duration.where(filled), errors="coerce")
    span = _span_hours(start, end)
    known = span.notna() & numbers.notna()
    if known.any():
        as_seconds = (numbers[known] / 3600 - span[known]).abs().median()
        as_hours = (numbers[known] - span[known]).abs().median()
        seconds = as_seconds <= as_hours
    else:
        seconds = numbers.max() > 24
    if not seconds:
        return duration
    return (numbers / 3600).map(lambda h: "" if pd.isna(h) else f"{h:.6f}".rstrip("0").rstrip(".")).astype("str")


def _span_hours(start: pd.Series, end: pd.Series) -> pd.Series:
    """Hours from a ``HH:MM`` start to a ``HH:MM`` end (past midnight when the end is earlier)."""
    def minutes(times: pd.Series) -> pd.Series:
        parts = times.str.extract(r"(\d{1,2}):(\d{2})").astype("float64")
        return parts[0] * 60 + parts[1]
    span = (minutes(end) - minutes(start)) % (24 * 60)
    return span / 60


@dataclass(frozen=True)
class KimaiLabels:
    """The column labels of one language of Kimai's export (first label the file has wins)."""

    language: str
    date: str
    begin: str
    end: str
    duration: tuple[str, ...]
    customer: str
    project: str
    activity: str
    description: str
    person: tuple[str, ...]
    tags: tuple[str, ...]
    billable: tuple[str, ...]


#: The labels of Kimai's timesheet export (``translations/messages.*.xlf`` of kimai/kimai, 1.x to 2.x):
#: ``Name`` is the user's display name and ``User`` the login (in 1.x the other way round); the display
#: name is preferred. Russian 2.0 and 1.x say Продолжительность, Теги, Платный; later releases
#: Длительность, Метки, Подлежащий оплате.
KIMAI_LABELS = (
    KimaiLabels("English", "date", "from", "to", ("duration",), "customer", "project", "activity", "description",
                ("name", "user"), ("tags",), ("billable",)),
    KimaiLabels("German", "datum", "von", "bis", ("dauer",), "kunde", "projekt", "tätigkeit", "beschreibung",
                ("name", "benutzer"), ("schlagworte",), ("abrechenbar",)),
    KimaiLabels("Russian", "дата", "с", "до", ("длительность", "продолжительность"), "клиент", "проект",
                "активность", "описание", ("имя", "имя пользователя", "пользователь"), ("метки", "теги"),
                ("подлежащий оплате", "платный")),
)


def _kimai(labels: KimaiLabels) -> Callable[[pd.DataFrame], pd.DataFrame]:
    def convert(raw: pd.DataFrame) -> pd.DataFrame:
        activity = raw[labels.activity]
        duration = _col(raw, *labels.duration)
        return _frame(raw, date=raw[labels.date], client=raw[labels.customer],
                      hours=kimai_hours(duration, raw[labels.begin], raw[labels.end]),
                      project=raw[labels.project], person=_first_filled(*(_col(raw, n) for n in labels.person)),
                      task=_first_filled(_col(raw, labels.description), activity),
                      tags=_join_tags(_col(raw, *labels.tags), activity), billable=_col(raw, *labels.billable),
                      **{START: raw[labels.begin]})
    return convert


def _kimai_formats() -> list[Format]:
    """One format per language and spelling of the duration column."""
    return [Format(f"Kimai export{'' if labels.language == 'English' else f' ({labels.language})'}", TIME_ENTRIES,
                   (labels.date, labels.begin, labels.end, duration, labels.customer, labels.project, labels.activity),
                   _kimai(labels), (labels.description, *labels.person, *labels.tags, *labels.billable))
            for labels in KIMAI_LABELS for duration in labels.duration]


# ----- task trackers: tasks with due dates (DESIGN section 2a)

#: The columns a task tracker may give the client in (a custom field): the first that holds a value wins.
_TASK_CLIENT = ("client", "customer", "клиент", "заказчик", "custom field (client)", "custom field (customer)",
                "custom field (клиент)")


def _task_frame(raw: pd.DataFrame, **columns: pd.Series) -> pd.DataFrame:
    client = _first_filled(*[raw[c] for c in _TASK_CLIENT if c in raw.columns] or [_col(raw)])
    return _frame(raw, client=client, **columns)


def _jira(raw: pd.DataFrame) -> pd.DataFrame:
    return _task_frame(raw, task=raw["summary"], id=raw["issue key"], status=raw["status"],
                       project=_col(raw, "project name"), project_key=_col(raw, "project key"),
                       created=raw["created"], done=_col(raw, "resolved"), due=_col(raw, "due date"))


def _asana(raw: pd.DataFrame) -> pd.DataFrame:
    # a task in several projects lists them with commas: the first is its project
    project = raw["projects"].str.split(",").str[0].fillna("").str.strip()
    return _task_frame(raw, task=raw["name"], id=raw["task id"], project=project, created=raw["created at"],
                       done=raw["completed at"], due=raw["due date"])


def _bitrix_tasks(raw: pd.DataFrame) -> pd.DataFrame:
    return _task_frame(raw, task=raw["название"], id=_col(raw, "id"), status=raw["статус"], project=_col(raw, "проект"),
                       created=_col(raw, "дата создания"), done=_col(raw, "дата закрытия"), due=raw["крайний срок"])


def _youtrack(raw: pd.DataFrame) -> pd.DataFrame:
    return _task_frame(raw, task=raw["summary"], id=raw["issue id"], status=_col(raw, "state"), project=raw["project"],
                       created=raw["created"], done=_col(raw, "resolved"), due=_col(raw, "due date"))


TASK_FORMATS = [
    # without its Due date column, a Jira export gives no deadline: refused, naming the column to export
    Format("Jira issues", TASKS, ("summary", "issue key", "status", "created", "due date"), _jira,
           ("issue id", "issue type", "project key", "project name", "resolved", "labels", *_TASK_CLIENT),
           repeated=("labels", "watchers", "sprint", "component/s", "fix version/s", "affects version/s",
                     "attachment", "comment", "log work", "outward issue link (blocks)", "inward issue link (blocks)")),
    Format("Asana tasks", TASKS, ("task id", "created at", "completed at", "name", "due date", "projects"), _asana,
           ("last modified", "section/column", "assignee", "assignee email", "start date", "tags", "notes",
            "parent task", *_TASK_CLIENT)),
    # the columns as YouTrack names them (JetBrains' own mapping of its CSV export): custom fields under
    # their plain names, so the due date is the project's "Due Date" field
    Format("YouTrack issues", TASKS, ("issue id", "project", "summary", "created", "due date"), _youtrack,
           ("project id", "reporter", "updated", "resolved", "priority", "type", "state", "assignee", "subsystem",
            "fix versions", "tags", "description", *_TASK_CLIENT)),
    Format("Bitrix24 tasks", TASKS, ("название", "статус", "крайний срок"), _bitrix_tasks,
           ("id", "проект", "дата создания", "дата закрытия", "постановщик", "ответственный", *_TASK_CLIENT)),
]

#: A register account managers keep by hand (``register.csv``, DESIGN section 2): CRM activities, kinds
#: often in words. A row whose date starts with ``#`` is an example or a comment, left out with a note.
REGISTER_FILE = "register.csv"
#: The Russian header of a register (``relhealth template register --lang ru``): header -> canonical column.
REGISTER_RU = {"дата": "date", "клиент": "client", "событие": "kind", "описание": "subject", "контакт": "contact",
               "вес": "weight", "направление": "direction", "канал": "channel"}


def _register(names: dict[str, str] | None) -> Callable[[pd.DataFrame], pd.DataFrame]:
    def convert(raw: pd.DataFrame) -> pd.DataFrame:
        frame = raw.rename(columns=names) if names else raw.copy()
        comment = frame["date"].str.startswith("#")
        frame[SKIPPED] = pd.Series("", index=frame.index, dtype="str").mask(comment, COMMENT_ROWS)
        return frame
    return convert


FORMATS: list[Format] = [
    *[Format(f"canonical {spec.name.replace('_', ' ')}", spec, tuple(spec.required), _canonical, tuple(spec.optional),
             file=spec.file, keeps_other=True) for spec in (CLIENTS, TIME_ENTRIES, CRM_ACTIVITIES, INVOICES, TASKS)],
    *TASK_FORMATS,
    Format("register", CRM_ACTIVITIES, tuple(CRM_ACTIVITIES.required), _register(None), tuple(CRM_ACTIVITIES.optional),
           file=REGISTER_FILE, keeps_other=True),
    Format("register (Russian)", CRM_ACTIVITIES, ("дата", "клиент", "событие"), _register(REGISTER_RU),
           tuple(n for n in REGISTER_RU if n not in ("дата", "клиент", "событие")), file=REGISTER_FILE,
           keeps_other=True),
    Format("Toggl Track detailed report", TIME_ENTRIES,
           ("client", "project", "description", "start date", "start time", "duration"), _toggl,
           ("user", "email", "task", "billable", "end date", "end time", "tags")),
    Format("Harvest detailed time report", TIME_ENTRIES,
           ("date", "client", "project", "project code", "task", "notes", "hours"), _harvest,
           ("first name", "last name", "billable?")),
    Format("Clockify detailed report", TIME_ENTRIES,
           ("project", "client", "description", "start date", "start time", "duration (h)"), _clockify,
           ("task", "user", "email", "tags", "billable", "end date", "end time", "duration (decimal)")),
    *_kimai_formats(),
]

# ----- exports read through a mapping of the settings ([mapping.<name>])

def _value_key(value: str) -> str:
    return re.sub(r"[\s_-]+", "_", str(value).strip().casefold())


def _fits(raw: pd.DataFrame, when: dict) -> pd.Series:
    """The rows whose columns hold the values of a rule's ``when`` (a value, or a list of values any of
    which fits; ``"*"`` fits any value), compared as :func:`_value_key` does."""
    fits = pd.Series(True, index=raw.index)
    for column, value in when.items():
        source = clean_header(column)
        wanted = {_value_key(v) for v in (value if isinstance(value, list) else [value])}
        if source not in raw.columns:
            fits &= False
        elif "*" not in wanted:
            fits &= raw[source].map(_value_key).isin(wanted)
    return fits


def _sources(mapping: dict) -> dict[str, tuple[str, ...]]:
    """Per canonical column, the export's columns that may hold it (a mapping may name several: each row
    takes the first of them that holds a value), as header names."""
    return {canon: tuple(clean_header(s) for s in ([source] if isinstance(source, str) else source))
            for canon, source in mapping["columns"].items()}


def _mapped(mapping: dict, spec: TableSpec) -> Callable[[pd.DataFrame], pd.DataFrame]:
    sources = _sources(mapping)

    def convert(raw: pd.DataFrame) -> pd.DataFrame:
        empty = pd.Series("", index=raw.index, dtype="str")
        frame = pd.DataFrame({canon: _first_filled(*[raw[n] for n in names if n in raw.columns] or [empty])
                              for canon, names in sources.items()}, index=raw.index)
        for canon, value in mapping["set"].items():
            frame[canon] = str(value)
        if spec is TIME_ENTRIES and "hours" in frame.columns:
            frame["hours"] = clock_hours(frame["hours"])
        for canon, table in mapping["values"].items():
            if canon in frame.columns and table:
                lookup = {_value_key(k): str(v) for k, v in table.items()}
                frame[canon] = frame[canon].map(lambda v: lookup.get(_value_key(v), v)).astype("str")
        decided = pd.Series(False, index=raw.index)
        frame[SKIPPED] = empty
        for rule in mapping["rules"]:
            fits = ~decided & _fits(raw, rule["when"])
            for canon, value in {**rule.get("set", {}), **({SKIPPED: rule["skip"]} if "skip" in rule else {})}.items():
                if canon not in frame.columns:
                    frame[canon] = empty
                frame.loc[fits, canon] = str(value)
            decided |= fits
        # the export's other columns are kept beside the canonical ones (and ignored): two lines of one
        # invoice differ there, so they are never taken for exact duplicates
        others = [c for c in raw.columns if c not in frame.columns and c != ROW]
        frame = pd.concat([frame, raw[others]], axis=1) if others else frame
        frame[ROW] = raw[ROW]
        for canon, separator in mapping["split"].items():
            frame = _split(frame, canon, separator)
        return frame
    return convert


def _split(frame: pd.DataFrame, column: str, separator: str) -> pd.DataFrame:
    """One row per part of the values of ``column`` that list several (``Acme; Beta``), each keeping its
    row number; empty parts left out."""
    listed = frame[column].str.contains(separator, regex=False)
    if not listed.any():
        return frame
    parts = frame[column].where(~listed, frame[column].str.split(separator, regex=False))
    frame = frame.assign(**{column: parts}).explode(column, ignore_index=True)
    frame[column] = frame[column].astype("str").str.strip()
    return frame[(frame[column] != "") | ~frame[ROW].duplicated(keep=False)].reset_index(drop=True)


def mapped_formats(mappings: dict) -> list[Format]:
    """The formats of the ``[mapping]`` settings: an export whose header holds the columns mapped to the
    table's required columns (those not set to one value for every row) is read through that mapping."""
    specs = {spec.name: spec for spec in TABLES}
    formats = []
    for name, mapping in mappings.items():
        spec = specs[mapping["table"]]
        sources = _sources(mapping)
        when = {clean_header(c) for rule in mapping["rules"] for c in rule["when"]}
        required = tuple(sources[c] if len(sources[c]) > 1 else sources[c][0] for c in spec.required
                         if c in sources and c not in mapping["set"])
        formats.append(Format(f"mapping {name}", spec, required, _mapped(mapping, spec),
                              tuple(sorted({n for names in sources.values() for n in names} | when)),
                              lines=bool(mapping["lines"]), due_days=mapping["due_days"], keeps_other=True))
    return formats


_WEEKDAYS = (r"(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?(?:,? .*)?|пн|вт|ср|чт|пт|сб|вс"
             r"|\d{4}-\d{2}-\d{2}|\d{1,2}[./]\d{1,2}(?:[./]\d{2,4})?")


def totals_report(header: list[str]) -> str | None:
    """The tool whose report of totals (a Summary or Weekly report: time per project or per day, no
    entries) a header is, or None. Its hours have no dates, so it cannot be read; the Detailed report
    can."""
    names = set(header)
    dated = any(n in names for n in ("start date", "date", "start time"))
    if {"time (h)", "time (decimal)"} & names and not dated:
        return "Clockify"
    if "duration" in names and names <= {"project", "client", "description", "title", "user", "task", "duration",
                                         "member", "email", "tags"} | {n for n in names if n.startswith("amount")}:
        return "Toggl Track"
    days = [n for n in header if re.fullmatch(_WEEKDAYS, n)]
    if len(days) >= 5 and not dated:
        return "Clockify" if "time (h)" in names or any(n.startswith("total (h)") for n in names) else "Toggl Track"
    return None


def recognise(header: list[str], file_name: str = "", formats: list[Format] | None = None) -> tuple[Format | None, Format]:
    """The format of a file with ``header``, or None; and the closest format, to say what is missing.

    A canonical file name (``time_entries.csv``, ``register.csv``, ...) decides the format. Otherwise, of the formats whose
    identifying columns are all in the header, the one that knows most of the header's columns wins (the
    most specific on a tie). When a format that lacks some identifying columns knows more of the header
    than the winner, the file is taken for a broken export of that format: ``date, client, hrs`` is time
    entries missing ``hours``, not a client list. A header with columns of records (amounts, durations,
    activity types: :func:`~relhealth.io.starter.looks_like`) is never a client list, and its closest
    format is one of the table it looks like.
    """
    formats = formats or FORMATS
    names = set(header)
    by_name = [f for f in formats if f.file and f.file == file_name.lower()]
    if by_name:
        # a canonical name decides the table; an export of that table under that name reads too
        same_table = [f for f in formats if f.table is by_name[0].table and not f.missing(names)]
        fitting = [f for f in by_name if not f.missing(names)] or sorted(same_table, key=lambda f: -len(names & f.columns))
        return (fitting[0] if fitting else None), (fitting or by_name)[0]
    records = looks_like(header)
    if records is not None:
        formats = [f for f in formats if f.table is not CLIENTS]

    def known(f: Format) -> int:
        return len(names & f.columns)

    closest = max(formats, key=lambda f: (f.table is records, known(f), -len(f.missing(names))))
    matching = [f for f in formats if not f.missing(names)]
    if not matching:
        return None, closest
    best = max(matching, key=lambda f: (known(f), len(f.required)))
    rival = max(formats, key=lambda f: (known(f), -len(f.missing(names))))
    return (None, rival) if known(rival) > known(best) else (best, closest)


__all__ = ["DETAILED_REPORT", "FORMATS", "Format", "SKIPPED", "START", "clock_hours", "mapped_formats", "recognise", "totals_report"]
