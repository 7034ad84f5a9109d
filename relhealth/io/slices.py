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


def read_slice(path: str | Path, expected: type | None = None, what: str = "client"):
    """The content of a slice written by :func:`write_slice`; when ``expected`` is given, it must be of
    that type (``what`` names it in the message: a ``client`` or ``portfolio`` slice)."""
    path = Path(path)
    def wrong(why: str = "") -> InputError:
        return InputError(Problem(str(path), f"is not a {what} slice written by relhealth{why}. Give a {what} "
                                             "slice or a data folder."))
    try:
        with path.open("rb") as handle:
            payload = pickle.load(handle)
    except (pickle.UnpicklingError, EOFError, AttributeError, ImportError, IndexError) as exc:
        raise wrong(f" ({exc})") from None
    if not isinstance(payload, dict) or payload.get("format") != SLICE_FORMAT:
        raise wrong()
    if expected is not None and not isinstance(payload["content"], expected):
        raise wrong()
    return payload["content"]


def load_data(data: str | Path, **options) -> Dataset:
    """A data folder read with :func:`read_dataset` (``options`` are its keyword arguments), or a client
    slice file read with :func:`read_slice`."""
    path = Path(data)
    if not path.is_file():
        return read_dataset(path, **options)
    return read_slice(path, Dataset, "client")
