"""Reading a data folder into a :class:`~relhealth.io.dataset.Dataset`: every CSV export in it, one after
another, combined per canonical table, client spellings resolved to one name, and the meetings of its
calendars (``.ics``)."""
from __future__ import annotations

import json
import os
from pathlib import Path
from zoneinfo import ZoneInfo

import pandas as pd

from relhealth.columns import (
    CLIENTS,
    CRM_ACTIVITIES,
    INVOICES,
    MAIN_TABLES,
    ROW,
    SOURCE,
    TABLES,
    TASKS,
    TIME_ENTRIES,
    TableSpec,
)
from relhealth.errors import InputError, Problem
from relhealth.i18n import words
from relhealth.io.calendar import calendar_meetings
from relhealth.io.checks import (
    check_invoices,
    drop_overlaps,
    due_from_terms,
    note_duplicates,
    note_invoice_only_clients,
    note_left_out,
    note_time_entries,
    note_unknown_kinds,
    tasks_with_clients,
)
from relhealth.io.conversations import People, mail_rows, read_letters, telegram_chats, telegram_rows
from relhealth.io.dataset import Dataset, FileInfo, add_derived
from relhealth.io.formats import FORMATS, mapped_formats
from relhealth.io.names import ClientDirectory, client_key, kinds_in_words, named_client, note_invisible_names
from relhealth.io.quality import DataQuality, note_long_texts, phrase
from relhealth.io.read_file import FileRead, read_file
from relhealth.io.values import PARSERS, FileContext
from relhealth.io.workbook import WORKBOOK_SUFFIXES


def read_dataset(folder: str | Path, known_kinds: set[str] | None = None, date_order: str | None = None,
                 mappings: dict | None = None, aliases: dict[str, str] | None = None,
                 people: dict | None = None, timezone: str = "UTC") -> Dataset:
    """Read every CSV export of ``folder`` into a :class:`Dataset`.

    Each ``.csv`` is recognised by its header, whatever its name (:mod:`relhealth.io.formats`); several
    exports of one table are combined, and an entry found in two of them is counted once and noted.

    Parameters
    ----------
    folder : the data folder.
    known_kinds : the kinds of the rubric; a CRM activity of another kind gets a data-quality note.
        None skips that check.
    date_order : ``"dmy"`` or ``"mdy"``: how to read ``03/04/2026`` in a file whose dates do not tell.
    mappings : the ``[mapping]`` settings: CRM and billing exports read through a mapping of columns and
        values.
    aliases : the ``[eba.aliases]`` settings (word = kind): kinds written in words (``Жалоба``, ``срыв
        срока``) read as the rubric's kinds. Used with ``known_kinds``.
    people : the ``[people]`` settings (``staff``, ``domains``): who is ours in chats and mail.
    timezone : the agency's time zone (``[report] timezone``): a time that carries a zone (a letter's
        ``Date``, a calendar event's) is read into it; a time without one is taken as written in it.

    Raises
    ------
    InputError : with every problem found in every file, when the data cannot be used.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise InputError(Problem(str(folder), "no such data folder. Give the folder that holds the CSV exports."))
    _check_links(folder)
    chats = [(path, data) for path, data in _json_files(folder) if telegram_chats(data) is not None]
    reads = _read_files(folder, date_order, [*FORMATS, *mapped_formats(mappings or {})], {path for path, _ in chats})
    ignored = _ignored_files(folder)
    if not any(read.spec in MAIN_TABLES for read in reads):
        listed = "; ".join(f"{path.name} ({words('en')(f'notes.ignored.{why}')})" for path, why in ignored)
        raise InputError(Problem(str(folder), (
            "no data to read: the folder needs at least one export of time entries, CRM activities or "
            "invoices (see docs/data-format.md)." + (f" Files not read: {listed}." if listed else ""))))
    quality = DataQuality([note for read in reads for note in read.quality])
    for path, why in ignored:
        if why != OTHER_FILE:
            quality.add(str(path), "ignored_file", why=phrase(f"notes.ignored.{why}"))
    by_table = {spec.name: [read for read in reads if read.spec == spec] for spec in TABLES}
    frames = {spec.name: _combined([r.frame for r in by_table[spec.name]]) if by_table[spec.name]
              else _empty_frame(spec) for spec in TABLES}
    directory = ClientDirectory()
    clients_file = next((r.info.path for r in by_table[CLIENTS.name]), None)
    note_invisible_names(frames[CLIENTS.name], quality, ("client", "aliases"))
    clients = _register_clients(frames[CLIENTS.name], directory, clients_file)
    seen: dict[str, list[str]] = {}
    for spec in MAIN_TABLES:
        note_invisible_names(frames[spec.name], quality)
        frames[spec.name]["client"], seen[spec.name] = directory.resolve(frames[spec.name]["client"])
        note_duplicates([r.duplicates for r in by_table[spec.name]], directory, quality)
        note_left_out([r.left_out for r in by_table[spec.name] if r.left_out is not None], directory, quality)
        if len(by_table[spec.name]) > 1:
            frames[spec.name] = drop_overlaps(frames[spec.name], spec, quality)
    terms = clients.set_index("client")["payment_terms_days"].dropna().to_dict()
    frames[INVOICES.name] = due_from_terms(frames[INVOICES.name], [r.derived_due for r in by_table[INVOICES.name]
                                                                   if r.derived_due is not None],
                                           directory, terms, quality)
    lines = {str(r.info.path) for r in by_table[INVOICES.name] if r.lines}
    frames[INVOICES.name] = check_invoices(frames[INVOICES.name], quality, lines, _latest_date(frames))
    note_time_entries(frames[TIME_ENTRIES.name], quality)
    note_long_texts(frames[TIME_ENTRIES.name], quality)
    if known_kinds is not None:
        if aliases:
            frames[CRM_ACTIVITIES.name]["kind"] = kinds_in_words(frames[CRM_ACTIVITIES.name]["kind"], aliases, known_kinds)
        note_unknown_kinds(frames[CRM_ACTIVITIES.name], known_kinds, quality)
    zone = ZoneInfo(timezone)
    infos = [read.info for read in reads] + _with_calendars(folder, frames, clients, seen, quality, zone)
    infos += _with_conversations(folder, chats, frames, clients, seen, people or {}, quality, zone)
    note_long_texts(frames[CRM_ACTIVITIES.name], quality)
    elsewhere = {*clients["client"], *seen[TIME_ENTRIES.name], *seen[CRM_ACTIVITIES.name]}
    note_invoice_only_clients(frames[INVOICES.name], elsewhere, quality)
    tasks = tasks_with_clients(frames[TASKS.name], clients, directory, quality)
    return Dataset(folder=folder, clients=_all_clients(clients, seen), time_entries=frames[TIME_ENTRIES.name],
                   crm_activities=frames[CRM_ACTIVITIES.name], invoices=frames[INVOICES.name], tasks=tasks,
                   quality=quality, files=sorted(infos, key=lambda info: info.path.name))


def _with_calendars(folder: Path, frames: dict[str, pd.DataFrame], clients: pd.DataFrame, seen: dict[str, list[str]],
                    quality: DataQuality, zone: ZoneInfo) -> list:
    """The meetings of the folder's calendars (``.ics``) added to the CRM activities of ``frames`` (their
    clients to ``seen``); how each calendar was read."""
    calendars = sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() == ".ics")
    if not calendars:
        return []
    domains, names = _client_domains_and_names(clients, seen)
    frames[CRM_ACTIVITIES.name], infos = calendar_meetings(calendars, frames[CRM_ACTIVITIES.name], domains, names,
                                                           quality, zone)
    seen[CRM_ACTIVITIES.name] = list(dict.fromkeys([*seen[CRM_ACTIVITIES.name],
                                                    *frames[CRM_ACTIVITIES.name]["client"].dropna()]))
    return infos


def _with_conversations(folder: Path, chats: list[tuple[Path, dict]], frames: dict[str, pd.DataFrame],
                        clients: pd.DataFrame, seen: dict[str, list[str]], people: dict,
                        quality: DataQuality, zone: ZoneInfo) -> list[FileInfo]:
    """The messages of the folder's Telegram exports (``chats``: each file with its JSON) and mail (``.mbox``,
    ``.eml``) added to the CRM activities of ``frames`` as derived events; how each file was read."""
    letters = sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix.lower() in MAIL_SUFFIXES)
    if not chats and not letters:
        return []
    domains, names = _client_domains_and_names(clients, seen)
    staff = {*people.get("staff", []), *frames[TIME_ENTRIES.name]["person"].dropna()}
    ours = People(frozenset(client_key(n) for n in staff),
                  frozenset(d.strip().casefold().lstrip("@") for d in people.get("domains", [])))
    by_title = {client_key(t): client for client, listed in zip(clients["client"], clients["chats"])
                if pd.notna(listed) for t in str(listed).split(";") if t.strip()}
    keys = {client_key(n): c for n, c in names.items()}

    def client_of_chat(title: str) -> str | None:       # listed, else titled as a client, else naming one
        key = client_key(title)
        return by_title.get(key) or keys.get(key) or named_client(title, keys)
    found, infos = [], []
    for path, data in chats:
        rows = telegram_rows(telegram_chats(data), str(path), client_of_chat, ours, quality)
        found.append(rows)
        infos.append(FileInfo(CRM_ACTIVITIES.name, path, len(rows), "UTF-8", "", False, format="Telegram chat export"))
    for path in letters:
        rows = mail_rows(read_letters(path), str(path), domains, ours, quality, zone)
        found.append(rows)
        infos.append(FileInfo(CRM_ACTIVITIES.name, path, len(rows), "", "", False, format="mail (.mbox, .eml)"))
    messages = pd.concat(found, ignore_index=True)
    frames[CRM_ACTIVITIES.name] = add_derived(frames[CRM_ACTIVITIES.name], messages)
    seen[CRM_ACTIVITIES.name] = list(dict.fromkeys([*seen[CRM_ACTIVITIES.name], *messages["client"].dropna()]))
    return infos


def _json_files(folder: Path) -> list[tuple[Path, dict]]:
    """The ``.json`` files of the folder that parse as a JSON object, with their data (the others are read
    as Trello boards, whose reader names what is wrong with them)."""
    found = []
    for path in sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() == ".json"):
        try:
            data = json.loads(path.read_bytes())
        except (UnicodeDecodeError, json.JSONDecodeError):
            continue
        if isinstance(data, dict):
            found.append((path, data))
    return found


def _client_domains_and_names(clients: pd.DataFrame, seen: dict[str, list[str]]) -> tuple[dict, dict]:
    """Mail domain -> client (the ``domains`` of clients.csv), and each client's name and aliases -> the
    client, for the events of a calendar."""
    domains = {domain.strip().casefold().lstrip("@"): client for client, listed in zip(clients["client"], clients["domains"])
               if pd.notna(listed) for domain in str(listed).split(";") if domain.strip()}
    names = {name: name for table in seen.values() for name in table}
    for client, aliases in zip(clients["client"], clients["aliases"]):
        names[client] = client
        names.update({a.strip(): client for a in str(aliases).split(";") if pd.notna(aliases) and a.strip()})
    return domains, names


#: Files of the folder that are not CSV: why each kind is not read, ``notes.ignored.<why>`` of the catalogue.
IGNORED_SUFFIXES = {".xls": "xls", ".ods": "ods", ".numbers": "numbers", ".tsv": "tsv"}
#: Files read as tables (CSV exports, Excel workbooks), and every file read.
TABLE_SUFFIXES = {".csv", *WORKBOOK_SUFFIXES, ".json"}     # .json: Trello boards
MAIL_SUFFIXES = {".mbox", ".eml"}
READ_SUFFIXES = {*TABLE_SUFFIXES, ".ics", *MAIL_SUFFIXES}
OTHER_FILE = "other"


def _check_links(folder: Path) -> None:
    """Every link of the folder named like a file it reads (a ``.csv``, workbook, ``.json``, ``.ics``; a
    mail file in any subfolder) that leads to no file is an error naming it: never a silent skip. Excel's
    lock files (``~$name.xlsx``) and Emacs's (``.#name.csv``, a dangling link by design) are not read."""
    named = [p for p in folder.iterdir() if p.suffix.lower() in READ_SUFFIXES]
    named += [p for p in folder.rglob("*") if p.parent != folder and p.suffix.lower() in MAIL_SUFFIXES]
    broken = sorted(p for p in named if p.is_symlink() and not p.exists() and not p.name.startswith(("~$", ".#")))
    if broken:
        raise InputError([Problem(str(p), (
            f"is a link to {os.readlink(p)}, which leads to no file, so the export it stands for cannot be read. "
            "Copy the export itself into the data folder, or delete the link.")) for p in broken])


def _ignored_files(folder: Path) -> list[tuple[Path, str]]:
    """The files of the folder that are not read (not CSV, not a calendar), and why (a key of
    ``notes.ignored``): spreadsheets to save as CSV, and other files."""
    return [(path, IGNORED_SUFFIXES.get(path.suffix.lower(), OTHER_FILE))
            for path in sorted(folder.iterdir())
            if path.is_file() and path.suffix.lower() not in READ_SUFFIXES and not path.name.startswith(".")]


def _latest_date(frames: dict[str, pd.DataFrame]) -> pd.Timestamp:
    """The latest date of the data up to today: time entries, CRM activities, invoices issued and paid.
    A payment the files give no date for is counted from it."""
    today = pd.Timestamp.today().normalize()
    dates = [frames[TIME_ENTRIES.name]["date"], frames[CRM_ACTIVITIES.name]["date"].dt.normalize(),
             frames[INVOICES.name]["issued"], frames[INVOICES.name]["paid_on"]]
    latest = max((d[d <= today].max() for d in dates if not d.empty), default=pd.NaT,
                 key=lambda d: pd.Timestamp.min if pd.isna(d) else d)
    return today if pd.isna(latest) else latest


def _read_files(folder: Path, date_order: str | None, formats, chats: set[Path]) -> list[FileRead]:
    """Every table of the folder (CSV, workbook, Trello board; not the Telegram exports ``chats``) read, in
    the order of their names; every problem of every file at once."""
    reads, problems = [], []
    for path in sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in TABLE_SUFFIXES
                       and not p.name.startswith("~$") and p not in chats):   # ~$name.xlsx: Excel's lock file
        try:
            reads.append(read_file(path, formats, date_order))
        except InputError as exc:
            problems.extend(exc.problems)
    if problems:
        raise InputError(problems)
    return reads


def _combined(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """The frames of one table's files, one after another (one file's frame as it is: no copy)."""
    return frames[0] if len(frames) == 1 else pd.concat(frames, ignore_index=True)


def _empty_frame(spec: TableSpec) -> pd.DataFrame:
    context = FileContext()
    empty = pd.Series([], dtype="str")
    frame = pd.DataFrame({name: PARSERS[kind].parse(empty, context) for name, kind in spec.columns.items()})
    frame[SOURCE] = empty
    frame[ROW] = pd.Series([], dtype="int64")
    return frame


def _register_clients(clients: pd.DataFrame, directory: ClientDirectory, path: Path | None) -> pd.DataFrame:
    """The clients of ``clients.csv`` registered with their aliases, under their display names."""
    problems = []
    display = []
    for record in clients.itertuples(index=False):
        aliases = [a for a in str(record.aliases).split(";") if a.strip()] if pd.notna(record.aliases) else []
        before = set(directory.listed)
        clashes = directory.add_listed(record.client, aliases)
        name = directory.listed[-1]
        if name in before:
            problems.append(Problem(str(path), f"client '{record.client}' is listed twice. Keep one row per "
                                    "client; put other spellings in aliases.", row=record.row, column="client"))
        elif clashes:
            problems.append(Problem(str(path), (
                f"the spellings {', '.join(clashes)} belong to two clients. Each spelling may name one "
                "client only."), row=record.row, column="aliases"))
        display.append(name)
    if problems:
        raise InputError(problems)
    return clients.assign(client=pd.Series(display, index=clients.index, dtype="str"))


def _all_clients(listed: pd.DataFrame, seen: dict[str, list[str]]) -> pd.DataFrame:
    """Every client: those of clients.csv first, in their order, then the others in the order seen (``seen``:
    the clients of each record table, in order)."""
    listed = listed[list(CLIENTS.columns)].assign(listed=True)
    known = set(listed["client"])
    others = [name for name in dict.fromkeys(n for spec in MAIN_TABLES for n in seen[spec.name]) if name not in known]
    extra = listed.iloc[:0].reindex(range(len(others)))
    extra["client"] = pd.Series(others, dtype="str")
    extra["listed"] = False
    return pd.concat([listed, extra], ignore_index=True)
