"""What a report's notebook receives, in a file of its own: one client's slice of a dataset, so that the
notebook gets that client's rows and nothing of any other client (DESIGN section 8), or the scored
portfolio for the index page.

A slice is a pickle written by relhealth for its own notebooks in a work folder; it is not an exchange
format. Load only slices that relhealth wrote.
"""
from __future__ import annotations

import pickle
from pathlib import Path

from relhealth import __version__
from relhealth.errors import InputError, Problem
from relhealth.files import write_bytes_atomic
from relhealth.io.reader import Dataset, read_dataset

SLICE_FORMAT = "relhealth-slice-1"


def write_slice(content, path: str | Path) -> None:
    """Write ``content`` (a :class:`Dataset` from :meth:`Dataset.for_client`, or a scored portfolio) to
    ``path``."""
    payload = {"format": SLICE_FORMAT, "version": __version__, "content": content}
    write_bytes_atomic(path, pickle.dumps(payload, protocol=pickle.HIGHEST_PROTOCOL))


def read_slice(path: str | Path):
    """The content of a slice written by :func:`write_slice`."""
    path = Path(path)
    try:
        with path.open("rb") as handle:
            payload = pickle.load(handle)
    except (pickle.UnpicklingError, EOFError, AttributeError, ImportError, IndexError) as exc:
        raise InputError(Problem(str(path), f"is not a client slice written by relhealth ({exc}). "
                                            "Give a data folder instead.")) from None
    if not isinstance(payload, dict) or payload.get("format") != SLICE_FORMAT:
        raise InputError(Problem(str(path), "is not a client slice written by relhealth. Give a data folder instead."))
    return payload["content"]


def load_data(data: str | Path, **options) -> Dataset:
    """A data folder read with :func:`read_dataset` (``options`` are its keyword arguments), or a slice
    file read with :func:`read_slice`."""
    path = Path(data)
    if not path.is_file():
        return read_dataset(path, **options)
    content = read_slice(path)
    if not isinstance(content, Dataset):
        raise InputError(Problem(str(path), "holds no client data (it is a portfolio slice). Give a client slice "
                                            "or a data folder."))
    return content
