"""What a report notebook receives from ``relhealth report``, in a file of its own: one client's report
(only that client's rows, DESIGN section 8) or the month's portfolio, scored once by the run.

A bundle is a pickle written by relhealth for its own notebooks in the run's work folder; it is not an
exchange format. Load only bundles that relhealth wrote.
"""
from __future__ import annotations

import pickle
from pathlib import Path

from relhealth import __version__
from relhealth.errors import InputError, Problem
from relhealth.render.atomic import write_bytes_atomic

BUNDLE_FORMAT = "relhealth-bundle-1"


def write_bundle(content, path: str | Path) -> None:
    """Write ``content`` (a ``ClientReport``, a ``PortfolioReport`` or a ``BacktestReport``) to ``path``."""
    payload = {"format": BUNDLE_FORMAT, "version": __version__, "content": content}
    write_bytes_atomic(path, pickle.dumps(payload, protocol=pickle.HIGHEST_PROTOCOL))


def read_bundle(path: str | Path, expected: type):
    """The content of a bundle written by :func:`write_bundle`, which must be an ``expected``."""
    path = Path(path)
    what = {"ClientReport": "client report", "BacktestReport": "backtest"}.get(expected.__name__, "portfolio")

    def wrong(why: str = "") -> InputError:
        return InputError(Problem(str(path), f"is not a {what} written by relhealth{why}. Give a data folder, or "
                                             f"the {what} file a report run wrote."))
    try:
        with path.open("rb") as handle:
            payload = pickle.load(handle)
    except (pickle.UnpicklingError, EOFError, AttributeError, ImportError, IndexError) as exc:
        raise wrong(f" ({exc})") from None
    if not isinstance(payload, dict) or payload.get("format") != BUNDLE_FORMAT:
        raise wrong()
    if not isinstance(payload["content"], expected):
        raise wrong()
    return payload["content"]
