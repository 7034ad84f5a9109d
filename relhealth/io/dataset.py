"""What a data folder holds once read: the canonical frames, how each file was read, the data-quality notes."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from relhealth.io.quality import DataQuality
from relhealth.io.text import DELIMITER_NAMES


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
        """``comma``, ``semicolon``, ``tab``; empty for a file that is no table (a calendar)."""
        return DELIMITER_NAMES.get(self.delimiter, "")


@dataclass
class Dataset:
    """The canonical frames of one data folder, with how they were read and the data-quality notes.

    Every row of ``time_entries``, ``crm_activities`` and ``invoices`` carries ``source`` (the file)
    and ``row`` (its line in the file), so that any figure can be traced back to the rows behind it.
    ``client`` holds the resolved display name; in ``time_entries`` it is missing for internal time.
    """

    folder: Path
    clients: pd.DataFrame
    time_entries: pd.DataFrame
    crm_activities: pd.DataFrame
    invoices: pd.DataFrame
    #: Tasks of the task trackers with a client and a due date (DESIGN section 2a): the source of the
    #: derived deadline events (:mod:`relhealth.metrics.tasks`).
    tasks: pd.DataFrame
    quality: DataQuality = field(default_factory=DataQuality)
    files: list[FileInfo] = field(default_factory=list)

    #: The dated records: time entries, CRM activities, invoices issued and invoices paid.
    DATED = (("time_entries", "date"), ("crm_activities", "date"), ("invoices", "issued"), ("invoices", "paid_on"))

    @property
    def client_names(self) -> list[str]:
        return self.clients["client"].tolist()

    def clients_dated(self, first: pd.Timestamp, last: pd.Timestamp) -> set[str]:
        """The clients with a dated record (``DATED``) on a day from ``first`` to ``last``."""
        found: set[str] = set()
        for table, column in self.DATED:
            frame = getattr(self, table)
            dates = frame[column]
            within = (dates >= first.normalize()) & (dates < last.normalize() + pd.Timedelta(days=1))
            found.update(frame.loc[within, "client"].dropna().unique())
        return found

    def for_client(self, client: str) -> Dataset:
        """The slice of one client: its row of ``clients``, its records and its data-quality notes. Nothing
        of any other client, and no internal time."""
        def own(frame: pd.DataFrame) -> pd.DataFrame:
            return frame[frame["client"] == client].reset_index(drop=True)
        return Dataset(folder=self.folder, clients=own(self.clients), time_entries=own(self.time_entries),
                       crm_activities=own(self.crm_activities), invoices=own(self.invoices), tasks=own(self.tasks),
                       quality=DataQuality(self.quality.for_client(client)), files=list(self.files))

    def as_of(self, day: pd.Timestamp) -> Dataset:
        """The data as it stood at the end of ``day``: every row dated after it gone (time entries and CRM
        activities by their date, invoices by the day issued, tasks by the day created), an invoice paid
        after it unpaid, a task done after it open, a relationship ended after it not ended."""
        cut = pd.Timestamp(day).normalize() + pd.Timedelta(days=1)
        invoices = self.invoices[self.invoices["issued"] < cut]
        later = invoices["paid_on"] >= cut
        invoices = invoices.assign(paid_on=invoices["paid_on"].mask(later),
                                   paid_amount=invoices["paid_amount"].mask(later))
        tasks = self.tasks[~(self.tasks["created"] >= cut)] if "created" in self.tasks.columns else self.tasks
        if "done" in tasks.columns:
            tasks = tasks.assign(done=tasks["done"].mask(tasks["done"] >= cut))
        clients = self.clients
        if "ended" in clients.columns:
            clients = clients.assign(ended=clients["ended"].mask(clients["ended"] >= cut))
        return Dataset(folder=self.folder, clients=clients,
                       time_entries=self.time_entries[self.time_entries["date"] < cut].reset_index(drop=True),
                       crm_activities=self.crm_activities[self.crm_activities["date"] < cut].reset_index(drop=True),
                       invoices=invoices.reset_index(drop=True), tasks=tasks.reset_index(drop=True),
                       quality=self.quality, files=list(self.files))

    def date_range(self) -> tuple[pd.Timestamp, pd.Timestamp] | None:
        """The first and last date of any record, or None when there is none."""
        dates = [getattr(self, table)[column] for table, column in self.DATED]
        spans = [(d.min(), d.max()) for d in dates if d.notna().any()]
        if not spans:
            return None
        return min(low for low, _ in spans).normalize(), max(high for _, high in spans).normalize()


def add_derived(crm: pd.DataFrame, rows: pd.DataFrame) -> pd.DataFrame:
    """The CRM activities with ``rows`` (meetings of a calendar, messages of chats and mail) added as
    derived events: ``derived`` is True for them and False for the rows logged, each column of its type."""
    rows = rows.reindex(columns=crm.columns).astype({c: crm[c].dtype for c in crm.columns})
    logged = crm if "derived" in crm.columns else crm.assign(derived=False)
    return pd.concat([logged, rows.assign(derived=True)], ignore_index=True)
