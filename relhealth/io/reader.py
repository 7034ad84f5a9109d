"""Reading a data folder of canonical CSV files into a :class:`Dataset`."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from relhealth.columns import CLIENTS, CRM_ACTIVITIES, INVOICES, MAIN_TABLES, ROW, SOURCE, TABLES, TIME_ENTRIES, TableSpec
from relhealth.errors import InputError, Problem
from relhealth.io.formats import FORMATS, START, Format, mapped_formats, recognise
from relhealth.io.names import ClientDirectory
from relhealth.io.quality import DataQuality
from relhealth.io.text import DELIMITER_NAMES, per_value, read_raw_table
from relhealth.io.values import (PARSERS, FileContext, first_slash_date, has_decimal_comma, has_slash_dates,
                                 slash_date_order)

#: An entry longer than this is most likely a timer left running.
LONG_ENTRY_HOURS = 24
_DUPLICATE_OF = "_duplicate_of"


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

    def record_dates(self) -> pd.DataFrame:
        """Every dated record as ``client, date`` (the day): time entries, CRM activities, invoices issued
        and invoices paid. The client is missing for internal time."""
        def dated(frame: pd.DataFrame, column: str) -> pd.DataFrame:
            return pd.DataFrame({"client": frame["client"], "date": frame[column].dt.normalize()})
        return pd.concat([dated(self.time_entries, "date"), dated(self.crm_activities, "date"),
                          dated(self.invoices, "issued"), dated(self.invoices, "paid_on")],
                         ignore_index=True).dropna(subset=["date"])

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
        dates = self.record_dates()["date"]
        return (dates.min(), dates.max()) if len(dates) else None


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
    files: list[FileInfo] = []
    formats = [*FORMATS, *mapped_formats(mappings or {})]
    for path in sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() == ".csv"):
        try:
            spec, frame, info = _read_file(path, quality, date_order, formats)
        except InputError as exc:
            problems.extend(exc.problems)
            continue
        found[spec.name].append(frame)
        files.append(info)
    if problems:
        raise InputError(problems)
    if not any(found[spec.name] for spec in MAIN_TABLES):
        raise InputError(Problem(str(folder), (
            "no data to read: the folder needs at least one export of time entries, CRM activities or "
            "invoices (see docs/data-format.md).")))
    frames = {spec.name: pd.concat(found[spec.name], ignore_index=True) if found[spec.name] else _empty_frame(spec)
              for spec in TABLES}

    directory = ClientDirectory()
    clients_files = [info.path for info in files if info.table == CLIENTS.name]
    clients = _register_clients(frames[CLIENTS.name], directory, clients_files[0] if clients_files else None)
    for spec in MAIN_TABLES:
        frames[spec.name]["client"] = directory.resolve(frames[spec.name]["client"])
        frames[spec.name] = _drop_duplicates(frames[spec.name], quality)
        if len(found[spec.name]) > 1:
            frames[spec.name] = _drop_overlaps(frames[spec.name], spec, quality)
    _check_invoices(frames[INVOICES.name], quality)
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


def _empty_frame(spec: TableSpec) -> pd.DataFrame:
    context = FileContext()
    empty = pd.Series([], dtype="str")
    frame = pd.DataFrame({name: PARSERS[kind].parse(empty, context) for name, kind in spec.columns.items()})
    frame[SOURCE] = empty
    frame[ROW] = pd.Series([], dtype="int64")
    return frame


def _read_file(path: Path, quality: DataQuality, date_order: str | None,
               formats: list[Format]) -> tuple[TableSpec, pd.DataFrame, FileInfo]:
    """Read one export: recognise its format by the header, map it to its canonical table, parse it."""
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

    numeric = [c for c, kind in spec.columns.items() if kind == "number" and c in raw.columns]
    decimal_comma = bool(numeric) and has_decimal_comma(_distinct(raw, numeric), table.delimiter)
    order = _date_order(raw, spec, file, date_order)
    context = FileContext(decimal_comma=decimal_comma, date_order=order)

    problems: list[Problem] = []
    parsed = {}
    for column, kind in spec.columns.items():
        values = raw[column] if column in raw.columns else pd.Series("", index=raw.index, dtype="category")
        parser = PARSERS[kind]
        result = per_value(values, lambda distinct: parser.parse(distinct, context), categorical=kind == "client")
        bad = (values != "") & result.isna()
        for index in bad[bad].index:
            problems.append(Problem(file, f"'{values[index]}' is not {parser.expects}.",
                                    row=int(raw.at[index, ROW]), column=column))
        parsed[column] = result
    frame = pd.DataFrame(parsed, index=raw.index, copy=False)
    for column in value_columns:
        if column not in spec.columns:
            frame[column] = raw[column].astype("str")
    frame[SOURCE] = file
    frame[ROW] = raw[ROW]
    from relhealth.io.schemas import schema_problems  # pandera, only when reading CSVs: not in a report kernel

    problems.extend(p for p in schema_problems(spec, frame, raw, file)
                    if (p.row, p.column) not in {(q.row, q.column) for q in problems})
    if problems:
        problems.sort(key=lambda p: (p.row or 0, list(spec.columns).index(p.column)
                                     if p.column in spec.columns else 99))
        raise InputError(problems)

    repeated = raw.duplicated(subset=value_columns, keep=False)
    if repeated.any():
        copies = raw[repeated]
        first = copies.groupby(value_columns, sort=False, dropna=False, observed=True)[ROW].transform("first")
        frame[_DUPLICATE_OF] = first.where(copies.duplicated(subset=value_columns, keep="first"))
    info = FileInfo(spec.name, path, len(frame), table.encoding, table.delimiter, decimal_comma, fmt.name, order)
    return spec, frame, info


def _date_order(raw: pd.DataFrame, spec: TableSpec, file: str, setting: str | None) -> str | None:
    """How the file's ``03/04/2026`` reads: proved by a value with a first (day) or second (day) part
    above 12, else the setting; an error when neither tells or when the file mixes both orders."""
    values = _distinct(raw, [c for c, kind in spec.columns.items() if kind in ("date", "datetime") and c in raw.columns])
    if not has_slash_dates(values):
        return None
    order = slash_date_order(values)
    if order == "both":
        raise InputError(Problem(file, (
            "the dates mix day-first (such as 13/04/2026) and month-first (such as 04/13/2026) values. "
            "Export the file again with one date format.")))
    if order is None and setting is None:
        raise InputError(Problem(file, (
            f"cannot tell whether a date such as {first_slash_date(values)} puts the day or the month first: "
            "no date in the file has a part above 12. Set date_order = \"dmy\" (day first) or \"mdy\" "
            "(month first) under [input] in a settings file and pass it with --config.")))
    return order or setting


def _distinct(raw: pd.DataFrame, columns: list[str]) -> pd.Series:
    """The distinct values of some categorical columns of a raw table, as one Series of strings."""
    return pd.Series([v for c in columns for v in raw[c].cat.categories], dtype="str")


def _drop_duplicates(frame: pd.DataFrame, quality: DataQuality) -> pd.DataFrame:
    """Report exact duplicate rows (one note per client) and keep the first copy of each."""
    if _DUPLICATE_OF not in frame.columns:
        return frame
    duplicates = frame[frame[_DUPLICATE_OF].notna()]
    for client, rows in duplicates.groupby("client", dropna=False, sort=False):
        pairs = ", ".join(f"row {r} repeats row {int(f)}" for r, f in zip(rows[ROW], rows[_DUPLICATE_OF]))
        quality.add(rows[SOURCE].iloc[0], "duplicate_row",
                    f"exact duplicate{'s' if len(rows) > 1 else ''}: {pairs}; counted once.",
                    rows=rows[ROW], client=None if pd.isna(client) else client)
    return frame[frame[_DUPLICATE_OF].isna()].drop(columns=_DUPLICATE_OF).reset_index(drop=True)


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


def _check_invoices(invoices: pd.DataFrame, quality: DataQuality) -> None:
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
