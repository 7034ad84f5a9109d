"""What each page was made from, so that a second run of an unchanged month renders nothing again.

A page's **record** is a SHA-256 over everything its notebook reads: the client's slice of the data (its
row of ``clients.csv``, its time entries, activities, invoices, tasks and data-quality notes), the month,
the data folder, the settings' fingerprint, the language, the notebook and the version of relhealth; the
index's adds every client's slice and the links, failures and notes it shows. The record is written into
the page itself (``<meta name="relhealth-record">``), so a page and its record are renamed into place
together: a run interrupted halfway leaves records only for whole pages.
"""
from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from relhealth import __version__
from relhealth.io import Dataset
from relhealth.settings import Settings

#: A page's record in its head (nbconvert writes the attributes in an order of its own), and how long the
#: head a record is looked for in.
_FOUND = re.compile(r'<meta\s(?=[^>]*\bname="relhealth-record")[^>]*\bcontent="([0-9a-f]{64})"')
HEAD = 8192
#: The tables of a client's slice, each hashed row by row.
SLICE = ("clients", "time_entries", "crm_activities", "invoices", "tasks")


def client_slices(dataset: Dataset) -> dict[str, str]:
    """A hash of each client's slice of ``dataset``: its rows of every table and its data-quality notes."""
    digests: dict[str, hashlib._Hash] = {}
    for name in SLICE:
        frame = getattr(dataset, name)
        if frame.empty:
            continue
        rows = pd.util.hash_pandas_object(frame, index=False).to_numpy()
        header = ",".join(map(str, frame.columns)).encode()
        for client, positions in frame.groupby("client", sort=False).indices.items():
            digest = digests.setdefault(client, hashlib.sha256())
            digest.update(name.encode() + header + rows[positions].tobytes())
    for note in dataset.quality:
        if note.client is not None:
            digests.setdefault(note.client, hashlib.sha256()).update(str(note).encode())
    return {client: digest.hexdigest() for client, digest in digests.items()}


def recorder(settings: Settings, notebook: str | Path) -> Callable[..., str]:
    """The record of a page of ``notebook`` made with ``settings`` from ``parts`` (JSON values):
    ``recorder(settings, notebook)("client", month, ...)``. The settings and the notebook are hashed once,
    for every page of a run."""
    base = hashlib.sha256()
    base.update(json.dumps([__version__, settings.fingerprint, settings["report"]["language"]]).encode())
    base.update(Path(notebook).read_bytes())

    def record(*parts) -> str:
        digest = base.copy()
        digest.update(json.dumps(list(parts), sort_keys=True, ensure_ascii=False, default=str).encode())
        return digest.hexdigest()
    return record


def page_record(page: str | Path) -> str | None:
    """The record a page written by relhealth holds; None for a missing page or one without a record."""
    try:
        with open(page, "rb") as handle:
            head = handle.read(HEAD).decode("utf-8", errors="replace")
    except OSError:
        return None
    found = _FOUND.search(head)
    return found.group(1) if found else None
