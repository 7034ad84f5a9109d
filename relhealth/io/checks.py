"""Checks over a whole table once every file is read: the same entry in two exports, exact duplicates,
invoices that cannot be used, and the oddities that become data-quality notes."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from relhealth.columns import ROW, SOURCE, TableSpec
from relhealth.errors import InputError, Problem
from relhealth.i18n import words
from relhealth.io.formats import START
from relhealth.io.names import ClientDirectory, client_key
from relhealth.io.quality import Amount, Count, DataQuality, phrase
from relhealth.io.read_file import DUPLICATE_OF

#: An entry longer than this is most likely a timer left running.
LONG_ENTRY_HOURS = 24


def note_duplicates(found: list[pd.DataFrame], directory: ClientDirectory, quality: DataQuality) -> None:
    """Note the exact duplicate rows that were left out (:attr:`~relhealth.io.read_file.FileRead.duplicates`):
    one note per file and client."""
    duplicates = pd.concat(found, ignore_index=True) if len(found) > 1 else found[0] if found else None
    if duplicates is None or duplicates.empty:
        return
    duplicates = duplicates.assign(client=directory.resolve(duplicates["client"])[0])
    for (source, client), rows in duplicates.groupby([SOURCE, "client"], dropna=False, sort=False):
        pairs = [phrase("notes.part.duplicate_pair", row=r, of=int(f)) for r, f in zip(rows[ROW], rows[DUPLICATE_OF])]
        quality.add(source, "duplicate_row", rows=rows[ROW], client=None if pd.isna(client) else client, pairs=pairs)


def note_left_out(found: list[pd.DataFrame], directory: ClientDirectory, quality: DataQuality) -> None:
    """Note the rows a mapping's rules left out (:attr:`~relhealth.io.read_file.FileRead.left_out`): one
    note per file, client and reason. A reason of relhealth's own (``notes.reason`` of the catalogue: its
    mappings', the register's) reads in the language of the page, any other as the user wrote it."""
    if not found:
        return
    rows = pd.concat(found, ignore_index=True)
    rows = rows.assign(client=directory.resolve(rows["client"].replace("", pd.NA))[0])
    own = {text: key for key, text in words("en").entries.items() if key.startswith("notes.reason.")}
    for (source, client, reason), group in rows.groupby([SOURCE, "client", "reason"], dropna=False, sort=False):
        quality.add(source, "left_out", rows=group[ROW], client=None if pd.isna(client) else client,
                    count=Count(len(group), "note_row"), reason=phrase(own[reason]) if reason in own else reason)


def due_from_terms(invoices: pd.DataFrame, found: list[pd.DataFrame], directory: ClientDirectory,
                   terms: dict[str, float], quality: DataQuality) -> pd.DataFrame:
    """The invoices of exports without due dates (:attr:`~relhealth.io.read_file.FileRead.derived_due`,
    dated ``due_days`` after issue when read) due after the client's ``payment_terms_days`` of
    clients.csv when it gives them; and a note per file and client: the overdue figures rest on that term."""
    if not found:
        return invoices
    rows = pd.concat(found, ignore_index=True)
    rows = rows.assign(client=directory.resolve(rows["client"].replace("", pd.NA))[0])
    rows["terms"] = rows["client"].map(terms)
    contract = rows[rows["terms"].notna()]
    if not contract.empty:
        days = pd.MultiIndex.from_frame(invoices[[SOURCE, ROW]]).map(
            dict(zip(zip(contract[SOURCE], contract[ROW]), contract["terms"])))
        days = pd.Series(days, index=invoices.index, dtype="float64")
        due = invoices["issued"] + pd.to_timedelta(days, unit="D")
        invoices = invoices.assign(due=due.where(days.notna(), invoices["due"]))
    for (source, client, mapping), group in rows.groupby([SOURCE, "client", "mapping"], dropna=False, sort=False):
        term = group["terms"].iloc[0]
        why = (phrase("notes.part.terms_days", days=Count(term, "day")) if pd.notna(term) else
               phrase("notes.part.due_days", days=Count(group["days"].iloc[0], "day"), mapping=mapping))
        quality.add(source, "due_from_terms", rows=group[ROW], column="due",
                    client=None if pd.isna(client) else client, why=why)
    return invoices


def drop_overlaps(frame: pd.DataFrame, spec: TableSpec, quality: DataQuality) -> pd.DataFrame:
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
        quality.add(source, "overlap", rows=rows[ROW], entries=Count(count, "note_entry"), first=Path(first).name,
                    shown=[int(r) for r in rows["_first_row"][:10]], more=" ..." if count > 10 else "")
    return frame[~overlap].reset_index(drop=True)


#: Invoice statuses that are no invoice (yet, or any more), in the words of the tools, and what they mean.
LEFT_OUT_STATUS = {"draft": "draft", "void": "void", "voided": "void", "cancelled": "void", "canceled": "void",
                   "deleted": "void", "черновик": "draft", "аннулирован": "void", "аннулирован.": "void",
                   "отменен": "void", "отменён": "void", "отклонен": "void", "отклонён": "void",
                   "entwurf": "draft", "storniert": "void"}
#: Below this, an amount is zero (a cent's rounding in a balance).
_CENT = 0.005


def check_invoices(invoices: pd.DataFrame, quality: DataQuality, lines: set[str] = frozenset(),
                   latest: pd.Timestamp | None = None) -> pd.DataFrame:
    """Refuse invoices that cannot be used, note the odd ones, and return one row per invoice that counts:
    draft and void invoices (``status``) and credit notes (a negative amount) left out with a note, the
    lines of one invoice made one row (summed for the files in ``lines``, whose rows are invoice lines),
    and the payments read as the tools write them (:func:`_payments`; ``latest``: the latest date of the
    data, for payments without a date)."""
    invoices = _without_status(invoices, quality)
    invoices = _one_row_per_invoice(invoices, lines, quality)
    credit = invoices["amount"] < 0
    for client, rows in invoices[credit].groupby("client", sort=False):
        amounts = [phrase("notes.part.credit_amount", invoice=invoice, amount=Amount(amount), currency=currency)
                   for invoice, amount, currency in zip(rows["invoice"], rows["amount"], rows["currency"])]
        quality.add(rows[SOURCE].iloc[0], "credit_note", rows=rows[ROW], column="amount", client=client,
                    amounts=amounts)
    if credit.any():
        invoices = invoices[~credit].reset_index(drop=True)
    _refuse_unusable_invoices(invoices, lines)
    invoices = _payments(invoices, quality, latest)
    checks = [
        ("paid_before_issued", invoices["paid_on"] < invoices["issued"], "paid_on"),
        ("due_before_issued", invoices["due"] < invoices["issued"], "due"),
        ("overpaid", invoices["paid_amount"] > invoices["amount"], "paid_amount"),
    ]
    for code, mask, column in checks:
        for client, rows in invoices[mask.fillna(False)].groupby("client", sort=False):
            quality.add(rows[SOURCE].iloc[0], code, rows=rows[ROW], column=column, client=client,
                        invoices=rows["invoice"])
    return invoices


def _without_status(invoices: pd.DataFrame, quality: DataQuality) -> pd.DataFrame:
    """Draft and void invoices (their ``status``, :data:`LEFT_OUT_STATUS`) left out, with a note."""
    status = invoices["status"].str.strip().str.casefold().map(LEFT_OUT_STATUS)
    out = status.notna()
    for (client, meaning), rows in invoices[out].assign(_status=status[out]).groupby(["client", "_status"], sort=False):
        written = [w for w in dict.fromkeys(rows["status"]) if w.strip().casefold() != meaning]
        quality.add(rows[SOURCE].iloc[0], f"{meaning}_invoice", rows=rows[ROW], column="status", client=client,
                    invoices=rows["invoice"], written=f" ({', '.join(written)})" if written else "")
    return invoices[~out].reset_index(drop=True) if out.any() else invoices


#: The columns that all the rows of one invoice repeat (an export with a row per invoice line).
_INVOICE_FIGURES = ("client", "issued", "due", "currency", "paid_on", "paid_amount", "balance", "status")


def _one_row_per_invoice(invoices: pd.DataFrame, lines: set[str], quality: DataQuality) -> pd.DataFrame:
    """An invoice over several rows of one file (one row per invoice line) made one row: the rows agree
    on every figure but the amount; their amounts are summed when the file's rows are lines
    (``lines``), and taken once when every row repeats the invoice's total. Anything else is left for
    :func:`_refuse_unusable_invoices`."""
    repeated = invoices[invoices.duplicated([SOURCE, "invoice"], keep=False)]
    if repeated.empty:
        return invoices
    merged, dropped = {}, []
    for (source, invoice), rows in repeated.groupby([SOURCE, "invoice"], sort=False):
        figures = rows[list(_INVOICE_FIGURES)].astype("str").drop_duplicates()
        summed = source in lines
        if len(figures) > 1 or not (summed or rows["amount"].nunique(dropna=False) == 1):
            continue
        first = rows.index[0]
        merged[first] = rows["amount"].sum() if summed else rows["amount"].iloc[0]
        dropped += list(rows.index[1:])
        what = (phrase("notes.part.lines_summed", lines=Count(len(rows), "note_line"), shown=rows[ROW],
                       total=Amount(merged[first]), currency=rows["currency"].iloc[0]) if summed else
                phrase("notes.part.lines_repeated", rows=Count(len(rows), "note_row"), shown=rows[ROW]))
        quality.add(source, "invoice_lines", rows=rows[ROW], column="invoice", client=rows["client"].iloc[0],
                    invoice=invoice, what=what)
    if not merged:
        return invoices
    invoices = invoices.copy()
    invoices.loc[list(merged), "amount"] = pd.Series(merged)
    return invoices.drop(index=dropped).reset_index(drop=True)


def _payments(invoices: pd.DataFrame, quality: DataQuality, latest: pd.Timestamp | None) -> pd.DataFrame:
    """Payments as the tools write them. A ``paid_amount`` of 0 without a paid date is unpaid (Harvest,
    Invoice2go). A ``balance`` (what is still owed) gives the amount paid, ``amount - balance``; a balance
    of 0 with less paid is written off, left out with a note. A payment without a date (Xero writes none)
    is counted from ``latest``, the latest date of the data, with a note: the months before it show the
    invoice unpaid."""
    paid = invoices["paid_amount"].where(~((invoices["paid_amount"].abs() < _CENT) & invoices["paid_on"].isna()))
    balance = invoices["balance"]
    written_off = (balance.abs() < _CENT) & (paid.fillna(0) < invoices["amount"] - _CENT) & invoices["paid_on"].isna()
    for client, rows in invoices[written_off].groupby("client", sort=False):
        quality.add(rows[SOURCE].iloc[0], "written_off", rows=rows[ROW], column="balance", client=client,
                    invoices=rows["invoice"])
    partly = balance.notna() & paid.isna() & (balance >= _CENT) & (balance < invoices["amount"] - _CENT)
    paid = paid.where(~partly, invoices["amount"] - balance)
    in_full = balance.notna() & (balance.abs() < _CENT) & ~written_off
    undated = (paid.fillna(0) >= _CENT) | in_full
    undated &= invoices["paid_on"].isna() & ~written_off
    paid_on = invoices["paid_on"]
    if undated.any():
        paid_on = paid_on.where(~undated, latest)
        for client, rows in invoices[undated].assign(_paid=paid[undated].fillna(invoices["amount"])).groupby(
                "client", sort=False):
            amounts = [phrase("notes.part.paid_amount", invoice=invoice, paid=Amount(amount), total=Amount(total),
                              currency=currency) for invoice, amount, total, currency
                       in zip(rows["invoice"], rows["_paid"], rows["amount"], rows["currency"])]
            quality.add(rows[SOURCE].iloc[0], "undated_payment", rows=rows[ROW], column="paid_on", client=client,
                        amounts=amounts, latest=pd.Timestamp(latest))
    kept = invoices.assign(paid_amount=paid, paid_on=paid_on)
    return kept[~written_off].reset_index(drop=True) if written_off.any() else kept


def _refuse_unusable_invoices(invoices: pd.DataFrame, lines: set[str]) -> None:
    """One invoice number with two contents: an error."""
    problems = []
    repeated = invoices[invoices["invoice"].duplicated(keep=False)]
    for invoice, rows in repeated.groupby("invoice", sort=False):
        row_list = " and ".join(str(r) for r in rows[ROW])
        lines_hint = "" if set(rows[SOURCE]) & lines or rows[SOURCE].nunique() > 1 else (
            " If the rows are the lines of one invoice, read the file through a [mapping] with lines = true.")
        problems.append(Problem(rows[SOURCE].iloc[0], (
            f"invoice '{invoice}' appears on rows {row_list} with different content. Keep one row per "
            f"invoice (correct the paid_on and paid_amount of that row as payments come in).{lines_hint}"),
            row=int(rows[ROW].iloc[1]), column="invoice"))
    if problems:
        raise InputError(problems)


def note_time_entries(entries: pd.DataFrame, quality: DataQuality) -> None:
    long = entries[entries["hours"] > LONG_ENTRY_HOURS]
    for client, rows in long.groupby("client", dropna=False, sort=False):
        quality.add(rows[SOURCE].iloc[0], "long_entry", rows=rows[ROW], column="hours",
                    client=None if pd.isna(client) else client, hours=[float(h) for h in rows["hours"]],
                    limit=LONG_ENTRY_HOURS)


def note_unknown_kinds(activities: pd.DataFrame, known_kinds: set[str], quality: DataQuality) -> None:
    unknown = activities[~activities["kind"].isin(known_kinds)]
    for (kind, client), rows in unknown.groupby(["kind", "client"], sort=False):
        quality.add(rows[SOURCE].iloc[0], "unknown_kind", rows=rows[ROW], column="kind", client=client, kind=kind)


def note_invoice_only_clients(invoices: pd.DataFrame, elsewhere: set[str], quality: DataQuality) -> None:
    """Note the clients that have invoices and no record ``elsewhere`` (clients.csv, time, CRM)."""
    lonely = invoices[~invoices["client"].isin(elsewhere)]
    for client, rows in lonely.groupby("client", sort=False):
        quality.add(rows[SOURCE].iloc[0], "invoice_only_client", rows=rows[ROW], column="client", client=client,
                    name=client)


def tasks_with_clients(tasks: pd.DataFrame, clients: pd.DataFrame, directory: ClientDirectory,
                       quality: DataQuality) -> pd.DataFrame:
    """The tasks that can give an event: each with its client (its own ``client``, else the client whose
    ``projects`` in clients.csv lists the task's project or project key) and a due date. The others are
    left out with a note: a task without a client names its project, one without a due date its client."""
    if tasks.empty:
        return tasks.assign(client=pd.Series([], dtype="str"))
    tasks = tasks.assign(client=directory.resolve(tasks["client"])[0])
    by_project = {client_key(project): client for client, listed in zip(clients["client"], clients["projects"])
                  if pd.notna(listed) for project in str(listed).split(";") if project.strip()}
    for column in [c for c in ("project", "project_key") if c in tasks.columns]:
        found = tasks[column].map(lambda p: by_project.get(client_key(p)) if isinstance(p, str) else None)
        tasks["client"] = tasks["client"].fillna(found.astype("str"))
    no_client = tasks["client"].isna()
    for source, rows in tasks[no_client].groupby(SOURCE, sort=False):
        names = ", ".join(dict.fromkeys(rows["project"].dropna().astype("str")))
        projects = (phrase("notes.part.projects" if "," in names else "notes.part.project", names=names) if names
                    else phrase("notes.part.no_project"))
        quality.add(source, "task_without_client", rows=rows[ROW], tasks=Count(len(rows), "note_task"),
                    projects=projects)
    no_due = ~no_client & tasks["due"].isna()
    for (source, client), rows in tasks[no_due].groupby([SOURCE, "client"], sort=False):
        quality.add(source, "task_without_due", rows=rows[ROW], column="due", client=client,
                    tasks=Count(len(rows), "note_task"))
    return tasks[~no_client & ~no_due].reset_index(drop=True)
