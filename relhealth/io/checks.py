"""Checks over a whole table once every file is read: the same entry in two exports, exact duplicates,
invoices that cannot be used, and the oddities that become data-quality notes."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from relhealth.columns import ROW, SOURCE, TableSpec
from relhealth.errors import InputError, Problem
from relhealth.io.formats import START
from relhealth.io.names import ClientDirectory
from relhealth.io.quality import DataQuality
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
        pairs = ", ".join(f"row {r} repeats row {int(f)}" for r, f in zip(rows[ROW], rows[DUPLICATE_OF]))
        quality.add(source, "duplicate_row",
                    f"exact duplicate{'s' if len(rows) > 1 else ''}: {pairs}; counted once.",
                    rows=rows[ROW], client=None if pd.isna(client) else client)


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
        shown = ", ".join(str(int(r)) for r in rows["_first_row"][:10]) + (" ..." if count > 10 else "")
        quality.add(source, "overlap", (
            f"{count} entr{'y' if count == 1 else 'ies'} also in {Path(first).name} (row{'s' if count > 1 else ''} "
            f"{shown} there), from an overlapping export; counted once."), rows=rows[ROW])
    return frame[~overlap].reset_index(drop=True)


def check_invoices(invoices: pd.DataFrame, quality: DataQuality) -> pd.DataFrame:
    """Refuse invoices that cannot be used, note the odd ones, and return the invoices without the credit
    notes (a negative amount): those are left out of the invoice figures, with a note."""
    credit = invoices["amount"] < 0
    for client, rows in invoices[credit].groupby("client", sort=False):
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
    _refuse_unusable_invoices(invoices)
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
            quality.add(rows[SOURCE].iloc[0], code, f"invoice {', '.join(rows['invoice'])} {message}", rows=rows[ROW],
                        column=column, client=client)
    return invoices


def _refuse_unusable_invoices(invoices: pd.DataFrame) -> None:
    """One invoice number with two contents, or a paid amount without its date: errors."""
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


def note_time_entries(entries: pd.DataFrame, quality: DataQuality) -> None:
    long = entries[entries["hours"] > LONG_ENTRY_HOURS]
    for client, rows in long.groupby("client", dropna=False, sort=False):
        hours = ", ".join(f"{h:g}" for h in rows["hours"])
        quality.add(rows[SOURCE].iloc[0], "long_entry", (
            f"entr{'ies' if len(rows) > 1 else 'y'} of {hours} hours, over {LONG_ENTRY_HOURS} in a day: "
            "probably a timer left running. Kept as written; correct it in the time tracker."),
            rows=rows[ROW], column="hours", client=None if pd.isna(client) else client)


def note_unknown_kinds(activities: pd.DataFrame, known_kinds: set[str], quality: DataQuality) -> None:
    unknown = activities[~activities["kind"].isin(known_kinds)]
    for (kind, client), rows in unknown.groupby(["kind", "client"], sort=False):
        quality.add(rows[SOURCE].iloc[0], "unknown_kind", (
            f"kind '{kind}' is not in the rubric, so it weighs 0. Give it a weight under [eba.weights] "
            "in your settings file, or correct the kind."), rows=rows[ROW], column="kind", client=client)


def note_invoice_only_clients(invoices: pd.DataFrame, elsewhere: set[str], quality: DataQuality) -> None:
    """Note the clients that have invoices and no record ``elsewhere`` (clients.csv, time, CRM)."""
    lonely = invoices[~invoices["client"].isin(elsewhere)]
    for client, rows in lonely.groupby("client", sort=False):
        quality.add(rows[SOURCE].iloc[0], "invoice_only_client", (
            f"client '{client}' has invoices but no other record (not in clients.csv, no time entries, "
            "no CRM activity). Check the spelling, or add the client to clients.csv with its aliases."),
            rows=rows[ROW], column="client", client=client)
