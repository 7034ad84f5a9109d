"""Where the files that ship with relhealth are: the report notebooks and the sample agency.

The repository keeps one copy of each at its top (``notebooks/``, ``data/sample/``); a wheel carries them
inside the package (``relhealth/notebooks``, ``relhealth/sample_data``), read with :mod:`importlib.resources`.
"""
from __future__ import annotations

from importlib import resources
from pathlib import Path


def _shipped(packaged: str, checkout: str) -> Path:
    """The folder ``packaged`` inside the installed package, else ``checkout`` in the source tree."""
    inside = resources.files("relhealth").joinpath(packaged)
    if inside.is_dir():
        return Path(str(inside))
    return Path(__file__).resolve().parent.parent / checkout


#: The bundled sample agency, the default data folder of every command.
SAMPLE_DIR = _shipped("sample_data", "data/sample")
NOTEBOOK_DIR = _shipped("notebooks", "notebooks")
CLIENT_NOTEBOOK = NOTEBOOK_DIR / "client_report.ipynb"
PORTFOLIO_NOTEBOOK = NOTEBOOK_DIR / "portfolio_review.ipynb"
BACKTEST_NOTEBOOK = NOTEBOOK_DIR / "backtest.ipynb"
