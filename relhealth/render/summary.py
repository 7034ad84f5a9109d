"""Plain-text summary of a dataset, as ``relhealth validate`` prints it."""
from __future__ import annotations

from relhealth.io import Dataset
from relhealth.render.format import plural

#: Rows read but not counted, by the code of their data-quality note: how to say how many.
SKIPPED = {
    "blank_rows": lambda n: plural(n, "blank line"),
    "duplicate_row": lambda n: plural(n, "exact duplicate"),
    "overlap": lambda n: f"{plural(n, 'entry', 'entries')} also in another export",
    "header_row": lambda n: plural(n, "repeated header"),
    "totals_row": lambda n: plural(n, "totals row"),
    "credit_note": lambda n: plural(n, "credit note"),
    "draft_invoice": lambda n: plural(n, "draft invoice"),
    "void_invoice": lambda n: plural(n, "void invoice"),
    "written_off": lambda n: plural(n, "written-off invoice"),
    "left_out": lambda n: f"{plural(n, 'row')} a rule of the mapping leaves out",
    "meeting_without_client": lambda n: plural(n, "event without a client", "events without a client"),
    "meeting_in_crm": lambda n: f"{plural(n, 'meeting')} also in the CRM",
}


def describe_dataset(dataset: Dataset) -> str:
    """What was read (each file: rows, format, encoding, delimiter, decimal mark, date order), the clients, the date range, then the
    data-quality notes."""
    lines = [f"Data folder: {dataset.folder}", "", "Files"]
    width = max(len(info.path.name) for info in dataset.files)
    orders = {"dmy": "dates day first", "mdy": "dates month first"}
    for info in dataset.files:
        details = [info.format] + ([info.encoding] if info.encoding else []) + (
            [f"{info.delimiter_name}-separated"] if info.delimiter_name else [])
        details += ["decimal comma"] if info.decimal_comma else []
        details += [orders[info.date_order]] if info.date_order else []
        lines.append(f"  {info.path.name:<{width}}  {plural(info.rows, 'row'):>11}  {', '.join(details)}")
        skipped = [(sum(len(n.rows) for n in dataset.quality if n.file == str(info.path) and n.code == code), say)
                   for code, say in SKIPPED.items()]
        if any(count for count, _ in skipped):
            lines.append(f"  {'':<{width}}  {'':>11}  not counted: "
                         + ", ".join(say(count) for count, say in skipped if count))
    clients = dataset.clients
    listed = int(clients["listed"].sum())
    lines += ["", f"Clients: {len(clients)} ({listed} in clients.csv, {len(clients) - listed} only in other files)"]
    lines += [f"  {name}" for name in clients["client"]]
    span = dataset.date_range()
    if span is not None:
        first, last = span
        months = (last.year - first.year) * 12 + last.month - first.month + 1
        lines += ["", f"Dates: {first:%Y-%m-%d} to {last:%Y-%m-%d} ({plural(months, 'month')})"]
    internal = dataset.time_entries[dataset.time_entries["client"].isna()]
    if len(internal):
        lines.append(f"Internal time (no client): {plural(len(internal), 'entry', 'entries')}, {internal['hours'].sum():,.2f} hours")
    lines += ["", f"Data-quality notes: {len(dataset.quality)}"]
    lines += [f"  {note}" for note in dataset.quality]
    lines += ["", "The data is usable."]
    return "\n".join(lines)
