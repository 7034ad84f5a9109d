"""Reading a data folder of canonical CSV files into a :class:`Dataset`."""
from __future__ import annotations

import multiprocessing
import os
import signal
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from relhealth.columns import CLIENTS, CRM_ACTIVITIES, INVOICES, MAIN_TABLES, ROW, SOURCE, TABLES, TIME_ENTRIES, TableSpec
from relhealth.errors import InputError, Problem
from relhealth.io.formats import FORMATS, START, Format, mapped_formats, recognise
from relhealth.io.names import ClientDirectory
from relhealth.io.quality import DataQuality
from relhealth.io.text import DELIMITER_NAMES, per_value, read_raw_table
from relhealth.io.values import (PARSERS, FileContext, first_slash_date, has_decimal_comma, has_slash_dates,
                                 point_in_comma_file, slash_date_order, split_money)

#: An entry longer than this is most likely a timer left running.
LONG_ENTRY_HOURS = 24
_DUPLICATE_OF = "_duplicate_of"
#: A folder whose files but the largest hold this many bytes is read by two processes (``_read_files``).
PARALLEL_BYTES = 4 << 20
#: Dates before this are typos or empty spreadsheet cells (shown as 1899-12-30); so are dates more than
#: a year after today.
EARLIEST_DATE = pd.Timestamp("2000-01-01")
#: The first value of a totals row that an export appends: ``Total``, ``Grand total:``, ``Итого``, ...
_TOTALS = r"(?:grand\s+|sub-?)?totals?|sum|итого|итог|всего"
#: The columns of a table holding money: a currency sign in them must agree with the row's currency.
MONEY_COLUMNS = {INVOICES.name: ("amount", "paid_amount")}


@dataclass(frozen=True)
class FileInfo:
    """How one file was read."""

    table: str
    path: Path
    rows: int
    encoding: str
    delimiter: str
    decimal_comma: bool
    format: str = ""
    date_order: str | None = None

    @property
    def delimiter_name(self) -> str:
        return DELIMITER_NAMES[self.delimiter]


@dataclass
class Dataset:
    """The canonical frames of one data folder, with how they were read and the data-quality notes.

    Every row of ``time_entries``, ``crm_activities`` and ``invoices`` carries ``source`` (the file)
    and ``row`` (its line in the file), so that any figure can be traced back to the rows behind it.
    ``client`` holds the resolved display name; in ``time_entries`` it is missing for internal time. In
    the three record tables it is categorical, its categories the clients of ``clients`` in their order,
    so that picking a client's rows compares small codes instead of strings.
    """

    folder: Path
    clients: pd.DataFrame
    time_entries: pd.DataFrame
    crm_activities: pd.DataFrame
    invoices: pd.DataFrame
    quality: DataQuality = field(default_factory=DataQuality)
    files: list[FileInfo] = field(default_factory=list)

    @property
    def client_names(self) -> list[str]:
        return self.clients["client"].tolist()

    #: The dated records: time entries, CRM activities, invoices issued and invoices paid.
    DATED = (("time_entries", "date"), ("crm_activities", "date"), ("invoices", "issued"), ("invoices", "paid_on"))

    def clients_dated(self, first: pd.Timestamp, last: pd.Timestamp) -> set[str]:
        """The clients with a dated record (``DATED``) on a day from ``first`` to ``last``."""
        found: set[str] = set()
        for table, column in self.DATED:
            frame = getattr(self, table)
            dates = frame[column]
            within = (dates >= first.normalize()) & (dates < last.normalize() + pd.Timedelta(days=1))
            found.update(frame.loc[within, "client"].dropna().unique())
        return found

    def for_client(self, client: str) -> "Dataset":
        """The slice of one client: its row of ``clients``, its records and its data-quality notes. Nothing
        of any other client, and no internal time."""
        def own(frame: pd.DataFrame) -> pd.DataFrame:
            mine = frame[frame["client"] == client].reset_index(drop=True)
            if isinstance(mine["client"].dtype, pd.CategoricalDtype):
                # the categories list every client: keep this one's name only
                mine["client"] = mine["client"].cat.set_categories([client])
            return mine
        return Dataset(folder=self.folder, clients=own(self.clients), time_entries=own(self.time_entries),
                       crm_activities=own(self.crm_activities), invoices=own(self.invoices),
                       quality=DataQuality(self.quality.for_client(client)), files=list(self.files))

    def date_range(self) -> tuple[pd.Timestamp, pd.Timestamp] | None:
        """The first and last date of any record, or None when there is none."""
        dates = [getattr(self, table)[column] for table, column in self.DATED]
        spans = [(d.min(), d.max()) for d in dates if d.notna().any()]
        if not spans:
            return None
        return min(low for low, _ in spans).normalize(), max(high for _, high in spans).normalize()


def read_dataset(folder: str | Path, known_kinds: set[str] | None = None, date_order: str | None = None,
                 mappings: dict | None = None) -> Dataset:
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

    Raises
    ------
    InputError : with every problem found in every file, when the data cannot be used.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise InputError(Problem(str(folder), "no such data folder. Give the folder that holds the CSV exports."))
    problems: list[Problem] = []
    quality = DataQuality()
    found: dict[str, list[pd.DataFrame]] = {spec.name: [] for spec in TABLES}
    repeated: dict[str, list[pd.DataFrame]] = {spec.name: [] for spec in TABLES}
    files: list[FileInfo] = []
    formats = [*FORMATS, *mapped_formats(mappings or {})]
    paths = sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() == ".csv")
    for path, (result, notes) in zip(paths, _read_files(paths, date_order, formats)):
        quality.notes.extend(notes)
        if isinstance(result, list):
            problems.extend(result)
            continue
        spec, frame, info, duplicates = result
        # text stays categorical until here: cheaper to filter and to pass between processes
        text = [c for c in frame.columns if spec.columns.get(c, "text") == "text" and c not in (ROW, SOURCE)]
        found[spec.name].append(frame.astype({c: "str" for c in text}))
        repeated[spec.name].append(duplicates)
        files.append(info)
    if problems:
        raise InputError(problems)
    if not any(found[spec.name] for spec in MAIN_TABLES):
        raise InputError(Problem(str(folder), (
            "no data to read: the folder needs at least one export of time entries, CRM activities or "
            "invoices (see docs/data-format.md).")))
    frames = {spec.name: _combined(found[spec.name]) if found[spec.name] else _empty_frame(spec) for spec in TABLES}

    directory = ClientDirectory()
    clients_files = [info.path for info in files if info.table == CLIENTS.name]
    clients = _register_clients(frames[CLIENTS.name], directory, clients_files[0] if clients_files else None)
    for spec in MAIN_TABLES:
        frames[spec.name]["client"] = directory.resolve(frames[spec.name]["client"])
        _note_duplicates(repeated[spec.name], directory, quality)
        if len(found[spec.name]) > 1:
            frames[spec.name] = _drop_overlaps(frames[spec.name], spec, quality)
    frames[INVOICES.name] = _check_invoices(frames[INVOICES.name], quality)
    _note_time_entries(frames[TIME_ENTRIES.name], quality)
    if known_kinds is not None:
        _note_unknown_kinds(frames[CRM_ACTIVITIES.name], known_kinds, quality)
    clients = _all_clients(clients, directory, frames)
    _note_invoice_only_clients(frames, clients, quality)
    for spec in MAIN_TABLES:
        # One category per client, in the order of the clients: slicing a client out is a compare of codes.
        frames[spec.name]["client"] = frames[spec.name]["client"].cat.set_categories(clients["client"])
    return Dataset(folder=folder, clients=clients, time_entries=frames[TIME_ENTRIES.name],
                   crm_activities=frames[CRM_ACTIVITIES.name], invoices=frames[INVOICES.name],
                   quality=quality, files=files)


def _read_files(paths: list[Path], date_order: str | None, formats: list[Format]) -> list[tuple]:
    """Each file read as :func:`_read_file` reads it: in the order of ``paths``, its result (what
    :func:`_read_file` returns, or the list of its problems) and its data-quality notes.

    When the files other than the largest add up to ``PARALLEL_BYTES`` or more, a forked process reads them
    while this one reads the largest (on Linux, with two cores or more): pandas holds Python's lock while it
    parses, so threads would take turns. Not from a process running threads (a notebook's kernel): a fork
    copies none of them, and could find a lock one of them held. If that process fails in any way, this one
    reads its files too."""
    def read(path: Path) -> tuple:
        quality = DataQuality()
        try:
            return _read_file(path, quality, date_order, formats), quality.notes
        except InputError as exc:
            return exc.problems, quality.notes

    sizes = {path: path.stat().st_size for path in paths}
    largest = max(paths, key=sizes.get, default=None)
    others = [path for path in paths if path != largest]
    if (sum(sizes[path] for path in others) < PARALLEL_BYTES or (os.cpu_count() or 1) < 2
            or sys.platform != "linux" or threading.active_count() > 1):
        return [read(path) for path in paths]
    context = multiprocessing.get_context("fork")   # the child has the formats and settings already
    receive, send = context.Pipe(duplex=False)

    def helper() -> None:
        signal.signal(signal.SIGINT, signal.SIG_IGN)    # an interrupt is this process's to handle: it stops
        signal.signal(signal.SIGTERM, signal.SIG_DFL)   # the helper, which has nothing to save
        try:
            send.send([read(path) for path in others])
        except BaseException:   # whatever went wrong, this process finds it again when it reads those files
            return
    child = context.Process(target=helper, name="relhealth-read", daemon=True)
    child.start()
    send.close()
    try:
        mine = read(largest)
        try:
            theirs = dict(zip(others, receive.recv()))
        except EOFError:   # the process ended without an answer: read its files here
            theirs = {path: read(path) for path in others}
    except BaseException:
        child.kill()
        raise
    finally:
        receive.close()
        child.join()
    return [mine if path == largest else theirs[path] for path in paths]


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


def _read_file(path: Path, quality: DataQuality, date_order: str | None,
               formats: list[Format]) -> tuple[TableSpec, pd.DataFrame, FileInfo, pd.DataFrame]:
    """Read one export: recognise its format by the header, map it to its canonical table, parse it.
    Returns its table, its frame without exact duplicate rows (text columns categorical), how it was read,
    and the duplicate rows (``_without_duplicates``)."""
    file = str(path)
    table = read_raw_table(path, set().union(*(f.columns for f in formats)))
    header = [c for c in table.frame.columns if c != ROW]
    fmt, closest = recognise(header, path.name, formats)
    if fmt is None:
        missing = closest.missing(set(header))
        names = ", ".join(f"'{c}'" for c in missing)
        found = ", ".join(header) or "none"
        if closest.table.file == path.name.lower():
            raise InputError(Problem(file, (
                f"the required column{'s' if len(missing) > 1 else ''} {names} "
                f"{'are' if len(missing) > 1 else 'is'} missing. Columns found: {found}. "
                "Name the columns in the header row as docs/data-format.md lists them.")))
        raise InputError(Problem(file, (
            f"relhealth does not recognise this file. Its columns are: {found}. The closest format, "
            f"{closest.name}, also needs {names}. Export the file again with "
            f"{'those columns' if len(missing) > 1 else 'that column'}, name the columns as "
            "docs/data-format.md lists them, or move the file out of the folder.")))
    spec = fmt.table
    raw = fmt.read(table.frame)
    value_columns = [c for c in raw.columns if c != ROW]
    if table.blank_rows:
        quality.add(file, "blank_rows", "blank lines skipped.", rows=table.blank_rows)
    if table.header_rows:
        quality.add(file, "header_row", "the header row again (two exports pasted into one file?): skipped.",
                    rows=table.header_rows)
    raw = _skip_totals(table.frame, raw, spec, file, quality)
    signs = {}
    for column in MONEY_COLUMNS.get(spec.name, ()):
        if column in raw.columns:
            # split once per distinct value; per_value hands its function the same distinct values in order
            number, code = split_money(pd.Series(raw[column].cat.categories, dtype="str"))
            signs[column] = (raw[column], per_value(raw[column], lambda _: code))
            raw[column] = per_value(raw[column], lambda _: number, categorical=True)

    numeric = [c for c, kind in spec.columns.items() if kind == "number" and c in raw.columns]
    decimal_comma = bool(numeric) and has_decimal_comma(_distinct(raw, numeric), table.delimiter)
    order = _date_order(raw, spec, file, date_order)
    context = FileContext(decimal_comma=decimal_comma, date_order=order)

    problems: list[Problem] = []
    parsed = {}
    latest = pd.Timestamp.today().normalize() + pd.DateOffset(years=1)
    for column, kind in spec.columns.items():
        values = raw[column] if column in raw.columns else pd.Series("", index=raw.index, dtype="category")
        parser = PARSERS[kind]
        unread: list[str] = []

        def parse(distinct: pd.Series) -> pd.Series:
            parsed_values = parser.parse(distinct, context)
            unread.extend(distinct[(distinct != "") & parsed_values.isna()])   # checked once per distinct value
            return parsed_values
        result = per_value(values, parse, categorical=kind in ("client", "text"))
        bad = values.isin(unread) if unread else pd.Series(False, index=values.index)
        point = (point_in_comma_file(values[bad].astype("str"), context) if kind == "number" and bad.any()
                 else pd.Series(False, index=bad[bad].index))
        for index in bad[bad].index:
            message = (f"'{values[index]}' has a decimal point, but the numbers of this file have a decimal comma "
                       "(7,5 for 7.5). Write it with a decimal comma too." if point[index]
                       else f"'{values[index]}' is not {parser.expects}.")
            problems.append(Problem(file, message, row=int(raw.at[index, ROW]), column=column))
        if kind in ("date", "datetime"):
            problems.extend(_far_dates(values, result, latest, raw[ROW], file, column))
        parsed[column] = result
    frame = pd.DataFrame(parsed, index=raw.index, copy=False)
    for column, (written, sign) in signs.items():
        other = sign.notna() & frame["currency"].notna() & (sign != frame["currency"])
        for index in other[other].index:
            problems.append(Problem(file, (
                f"'{written[index]}' is an amount in {sign[index]}, but the row's currency is "
                f"{frame.at[index, 'currency']}. Correct the amount or the currency."),
                row=int(raw.at[index, ROW]), column=column))
    for column in value_columns:
        if column not in spec.columns:
            frame[column] = raw[column]
    frame[ROW] = raw[ROW]
    from relhealth.io.schemas import schema_problems  # pandera, only when reading CSVs: not in a report kernel

    problems.extend(p for p in schema_problems(spec, frame, raw, file)
                    if (p.row, p.column) not in {(q.row, q.column) for q in problems})
    if problems:
        problems.sort(key=lambda p: (p.row or 0, list(spec.columns).index(p.column)
                                     if p.column in spec.columns else 99))
        raise InputError(problems)

    info = FileInfo(spec.name, path, len(frame), table.encoding, table.delimiter, decimal_comma, fmt.name, order)
    frame, duplicates = _without_duplicates(frame, raw, value_columns if spec in MAIN_TABLES else [])
    frame[SOURCE] = file
    frame[ROW] = frame.pop(ROW)   # source, then row: the last two columns of every table
    duplicates[SOURCE] = file
    return spec, frame, info, duplicates


def _without_duplicates(frame: pd.DataFrame, raw: pd.DataFrame,
                        columns: list[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``frame`` without the rows whose values in ``columns`` of ``raw`` (as written) repeat an earlier
    row's, and those rows: their ``client`` as written, ``row`` and the row they repeat (``_duplicate_of``)."""
    keys = _row_keys(raw, columns)
    ordered = np.sort(keys)   # a sort of whole numbers is fast: most files have no duplicate at all
    repeated = ordered[1:][ordered[1:] == ordered[:-1]] if columns else ordered[:0]
    if not len(repeated):
        return frame, pd.DataFrame({"client": pd.Series([], dtype="str"), ROW: pd.Series([], dtype="int64"),
                                    _DUPLICATE_OF: pd.Series([], dtype="int64")})
    copies = pd.Series(keys, index=raw.index)
    copies = copies[copies.isin(repeated)]
    first = raw.loc[copies.index, ROW].groupby(copies, sort=False).transform("first")
    later = copies.duplicated(keep="first")
    again = pd.Series(False, index=raw.index)
    again[later[later].index] = True
    duplicates = pd.DataFrame({"client": frame.loc[again, "client"].astype("str"), ROW: raw.loc[again, ROW],
                               _DUPLICATE_OF: first[later]}).reset_index(drop=True)
    return frame[~again].reset_index(drop=True), duplicates


def _far_dates(values: pd.Series, dates: pd.Series, latest: pd.Timestamp, rows: pd.Series, file: str,
               column: str) -> list[Problem]:
    """Dates before 2000 or more than a year after today: a typo in the year, or an empty spreadsheet cell
    read as a date."""
    problems = []
    far = (dates < EARLIEST_DATE) | (dates >= latest + pd.Timedelta(days=1))
    for index in far[far].index:
        if dates[index] < EARLIEST_DATE:
            why = ("is before 2000: a typo, or an empty date cell (spreadsheets show one as 1899-12-30). "
                   "Check the year.")
        else:
            why = f"is more than a year after today (after {latest:%Y-%m-%d}). Check the year."
        problems.append(Problem(file, f"'{values[index]}' {why}", row=int(rows[index]), column=column))
    return problems


def _skip_totals(table: pd.DataFrame, raw: pd.DataFrame, spec: TableSpec, file: str,
                 quality: DataQuality) -> pd.DataFrame:
    """Leave out the totals rows an export appends (first value ``Total``, ``Итого``, ... and no date),
    with a note. Looked for in the first column's distinct values, so a file without any costs nothing."""
    dated = [c for c, kind in spec.required.items() if kind in ("date", "datetime")]
    first = [c for c in table.columns if c != ROW][:1]
    if not dated or not first or raw.empty:
        return raw
    values = pd.Series(table[first[0]].cat.categories, dtype="str")
    words = values[values.str.rstrip(":. ").str.fullmatch(_TOTALS, case=False)]
    if words.empty:
        return raw
    candidates = table[first[0]].isin(words)
    dates = raw.loc[candidates, dated[0]].astype("str")
    is_date = pd.Series(False, index=dates.index)
    for order in ("dmy", "mdy"):
        is_date |= PARSERS["datetime"].parse(dates, FileContext(date_order=order)).notna()
    totals = dates.index[~is_date]
    if totals.empty:
        return raw
    written = list(dict.fromkeys(table.loc[totals, first[0]].astype("str")))
    several = len(totals) > 1
    quality.add(file, "totals_row", (
        f"{'totals rows' if several else 'a totals row'} ({', '.join(repr(w) for w in written)}), not "
        f"{'records' if several else 'a record'}: skipped."), rows=raw.loc[totals, ROW])
    kept = raw.drop(index=totals).reset_index(drop=True)
    return kept.assign(**{c: kept[c].cat.remove_unused_categories() for c in kept.columns if c != ROW})


def _date_order(raw: pd.DataFrame, spec: TableSpec, file: str, setting: str | None) -> str | None:
    """How the file's ``03/04/2026`` reads: proved by a value with a first (day) or second (day) part
    above 12, else the setting; an error when neither tells or when the file mixes both orders."""
    values = _distinct(raw, [c for c, kind in spec.columns.items() if kind in ("date", "datetime") and c in raw.columns])
    if not has_slash_dates(values):
        return None
    order = slash_date_order(values)
    if order == "both":
        day_first, month_first = _slash_examples(raw, spec)
        raise InputError(Problem(file, (
            f"the dates mix day first ({day_first}) and month first ({month_first}). Export the file again "
            "with one date format, or correct the dates that differ.")))
    if order is None and setting is None:
        raise InputError(Problem(file, (
            f"cannot tell whether a date such as {first_slash_date(values)} puts the day or the month first: "
            "no date in the file has a part above 12. Set date_order = \"dmy\" (day first) or \"mdy\" "
            "(month first) under [input] in a settings file and pass it with --config.")))
    return order or setting


def _slash_examples(raw: pd.DataFrame, spec: TableSpec) -> tuple[str, str]:
    """A day-first and a month-first date of a file that mixes them, each as ``'13/04/2026' on row 2``."""
    found = {}
    for column in [c for c, kind in spec.columns.items() if kind in ("date", "datetime") and c in raw.columns]:
        text = raw[column].astype("str")
        parts = text.str.extract(r"^(\d{1,2})/(\d{1,2})/\d{4}").astype("float64")
        for which, mask in (("dmy", parts[0] > 12), ("mdy", parts[1] > 12)):
            if which not in found and mask.any():
                index = mask.idxmax()
                found[which] = f"'{text[index]}' on row {raw.at[index, ROW]}, column {column}"
    return found["dmy"], found["mdy"]


def _distinct(raw: pd.DataFrame, columns: list[str]) -> pd.Series:
    """The distinct values of some categorical columns of a raw table, as one Series of strings."""
    return pd.Series([v for c in columns for v in raw[c].cat.categories], dtype="str")


def _row_keys(raw: pd.DataFrame, columns: list[str]) -> np.ndarray:
    """A whole number per row, the same for two rows exactly when their values in ``columns`` are: the
    columns' category codes combined, as digits of one number, renumbered whenever the next column could
    overflow. Several times as fast as ``DataFrame.duplicated``, which hashes every column's codes again."""
    keys = np.zeros(len(raw), dtype=np.int64)
    size = 1
    for column in columns:
        values = raw[column]
        if isinstance(values.dtype, pd.CategoricalDtype):
            codes, count = values.cat.codes.to_numpy(), len(values.cat.categories)
        else:
            codes, uniques = pd.factorize(values)
            count = len(uniques)
        count += 1   # a missing value's code is -1
        if size * count >= 2 ** 62:
            keys, uniques = pd.factorize(keys)
            size = len(uniques)
        keys *= count       # in place: a million rows make every temporary array count
        keys += codes
        keys += 1
        size *= count
    return keys


def _note_duplicates(found: list[pd.DataFrame], directory: ClientDirectory, quality: DataQuality) -> None:
    """Note the exact duplicate rows that were left out (``_without_duplicates``): one note per file and
    client."""
    duplicates = pd.concat(found, ignore_index=True) if len(found) > 1 else found[0] if found else None
    if duplicates is None or duplicates.empty:
        return
    duplicates["client"] = directory.resolve(duplicates["client"])
    for (source, client), rows in duplicates.groupby([SOURCE, "client"], dropna=False, sort=False, observed=True):
        pairs = ", ".join(f"row {r} repeats row {int(f)}" for r, f in zip(rows[ROW], rows[_DUPLICATE_OF]))
        quality.add(source, "duplicate_row",
                    f"exact duplicate{'s' if len(rows) > 1 else ''}: {pairs}; counted once.",
                    rows=rows[ROW], client=None if pd.isna(client) else client)


def _drop_overlaps(frame: pd.DataFrame, spec: TableSpec, quality: DataQuality) -> pd.DataFrame:
    """The same entry in two exports (overlapping periods, or two copies of one export): rows equal in
    every canonical column (and start time, when they have one) but from different files are counted
    once, the first file's row kept, and noted."""
    if frame.empty or frame[SOURCE].nunique() < 2:
        return frame
    key = [c for c in [*spec.columns, START] if c in frame.columns]
    same = frame.groupby(frame[key].astype("str").fillna("").groupby(key, sort=False, dropna=False).ngroup())
    first_source = same[SOURCE].transform("first")
    first_row = same[ROW].transform("first")
    overlap = frame[SOURCE] != first_source
    if not overlap.any():
        return frame
    dropped = frame[overlap].assign(_first=first_source[overlap], _first_row=first_row[overlap])
    for (source, first), rows in dropped.groupby([SOURCE, "_first"], sort=False):
        count = len(rows)
        shown = ", ".join(str(int(r)) for r in rows["_first_row"][:10]) + (" ..." if count > 10 else "")
        quality.add(source, "overlap", (
            f"{count} entr{'y' if count == 1 else 'ies'} also in {Path(first).name} (row{'s' if count > 1 else ''} "
            f"{shown} there), from an overlapping export; counted once."), rows=rows[ROW])
    return frame[~overlap].reset_index(drop=True)


def _register_clients(clients: pd.DataFrame, directory: ClientDirectory, path: Path | None) -> pd.DataFrame:
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
    clients = clients.copy()
    clients["client"] = pd.Series(display, index=clients.index, dtype="str")
    return clients


def _all_clients(listed: pd.DataFrame, directory: ClientDirectory, frames: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Every client: those of clients.csv first, in their order, then the others in the order seen."""
    columns = list(CLIENTS.columns)
    listed = listed[columns].assign(listed=True)
    seen = dict.fromkeys(name for spec in MAIN_TABLES for name in frames[spec.name]["client"].dropna().unique())
    known = set(listed["client"])
    others = [name for name in seen if name not in known]
    extra = listed.iloc[:0].reindex(range(len(others)))
    extra["client"] = pd.Series(others, dtype="str")
    extra["listed"] = False
    return pd.concat([listed, extra], ignore_index=True)


def _check_invoices(invoices: pd.DataFrame, quality: DataQuality) -> pd.DataFrame:
    """Refuse invoices that cannot be used, note the odd ones, and return the invoices without the credit
    notes (a negative amount): those are left out of the invoice figures, with a note."""
    credit = invoices["amount"] < 0
    for client, rows in invoices[credit].groupby("client", sort=False, observed=True):
        amounts = ", ".join(f"{invoice} ({amount:,.2f} {currency})"
                            for invoice, amount, currency in zip(rows["invoice"], rows["amount"], rows["currency"]))
        one = len(rows) == 1
        what = ("has a negative amount: a credit note" if one else "have negative amounts: credit notes")
        quality.add(rows[SOURCE].iloc[0], "credit_note", (
            f"invoice{'' if one else 's'} {amounts} {what}, left out of the invoice figures. Record the "
            f"settlement on the invoice {'it corrects' if one else 'each corrects'} (its paid_on and paid_amount)."),
            rows=rows[ROW], column="amount", client=client)
    if credit.any():
        invoices = invoices[~credit].reset_index(drop=True)
    problems = []
    repeated = invoices[invoices["invoice"].duplicated(keep=False)]
    for invoice, rows in repeated.groupby("invoice", sort=False):
        row_list = " and ".join(str(r) for r in rows[ROW])
        problems.append(Problem(rows[SOURCE].iloc[0], (
            f"invoice '{invoice}' appears on rows {row_list} with different content. Keep one row per "
            "invoice (correct the paid_on and paid_amount of that row as payments come in)."),
            row=int(rows[ROW].iloc[1]), column="invoice"))
    unpaid_with_amount = invoices[invoices["paid_on"].isna() & invoices["paid_amount"].notna()]
    for record in unpaid_with_amount.itertuples(index=False):
        problems.append(Problem(record.source, (
            "has a paid_amount but no paid_on date. Add the date of the payment, or clear the amount."),
            row=record.row, column="paid_on"))
    if problems:
        raise InputError(problems)
    checks = [
        ("paid_before_issued", invoices["paid_on"] < invoices["issued"], "paid_on",
         "paid before it was issued; the dates are kept as written, check them."),
        ("due_before_issued", invoices["due"] < invoices["issued"], "due",
         "due before it was issued; the dates are kept as written, check them."),
        ("overpaid", invoices["paid_amount"] > invoices["amount"], "paid_amount",
         "paid more than invoiced; the overpayment is not counted as outstanding."),
    ]
    for code, mask, column, message in checks:
        for client, rows in invoices[mask.fillna(False)].groupby("client", sort=False):
            ids = ", ".join(rows["invoice"])
            quality.add(rows[SOURCE].iloc[0], code, f"invoice {ids} {message}", rows=rows[ROW],
                        column=column, client=client)
    return invoices


def _note_time_entries(entries: pd.DataFrame, quality: DataQuality) -> None:
    long = entries[entries["hours"] > LONG_ENTRY_HOURS]
    for client, rows in long.groupby("client", dropna=False, sort=False):
        hours = ", ".join(f"{h:g}" for h in rows["hours"])
        quality.add(rows[SOURCE].iloc[0], "long_entry", (
            f"entr{'ies' if len(rows) > 1 else 'y'} of {hours} hours, over {LONG_ENTRY_HOURS} in a day: "
            "probably a timer left running. Kept as written; correct it in the time tracker."),
            rows=rows[ROW], column="hours", client=None if pd.isna(client) else client)


def _note_unknown_kinds(activities: pd.DataFrame, known_kinds: set[str], quality: DataQuality) -> None:
    unknown = activities[~activities["kind"].isin(known_kinds)]
    for (kind, client), rows in unknown.groupby(["kind", "client"], sort=False):
        quality.add(rows[SOURCE].iloc[0], "unknown_kind", (
            f"kind '{kind}' is not in the rubric, so it weighs 0. Give it a weight under [eba.weights] "
            "in your settings file, or correct the kind."), rows=rows[ROW], column="kind", client=client)


def _note_invoice_only_clients(frames: dict[str, pd.DataFrame], clients: pd.DataFrame,
                               quality: DataQuality) -> None:
    invoices = frames[INVOICES.name]
    elsewhere = set(clients.loc[clients["listed"], "client"])
    for spec in (TIME_ENTRIES, CRM_ACTIVITIES):
        elsewhere |= set(frames[spec.name]["client"].dropna().unique())
    lonely = invoices[~invoices["client"].isin(elsewhere)]
    for client, rows in lonely.groupby("client", sort=False):
        quality.add(rows[SOURCE].iloc[0], "invoice_only_client", (
            f"client '{client}' has invoices but no other record (not in clients.csv, no time entries, "
            "no CRM activity). Check the spelling, or add the client to clients.csv with its aliases."),
            rows=rows[ROW], column="client", client=client)
