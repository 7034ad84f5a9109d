"""relhealth: how healthy each client relationship of an agency is, from the exports it already has.

Data flows one way, and the package's folders say so: ``io`` reads a data folder, ``metrics`` computes the
figures, ``review`` joins them into the month review, the portfolio and each client's report, ``render``
writes what a person sees. The names below are the analyst's way in::

    import relhealth

    settings = relhealth.load_settings()                  # or load_settings("my-settings.toml")
    data = relhealth.load_sample()                         # or relhealth.read_dataset("data/my-agency", ...)
    review = relhealth.month_review(data, settings, "2026-10")
    report = relhealth.client_report(data, settings, "Orbita Labs", "2026-10")
"""
__version__ = "0.1.0"

from relhealth.io import read_dataset as _read_folder
from relhealth.resources import SAMPLE_DIR
from relhealth.review import client_report, month_review, portfolio_report
from relhealth.settings import Settings, load_settings

__all__ = ["__version__", "client_report", "load_sample", "load_settings", "month_review", "portfolio_report",
           "read_dataset"]


def read_dataset(folder, settings: Settings | None = None):
    """Every export of a data folder read into a :class:`~relhealth.io.Dataset`, with the reading options
    of ``settings`` (the rubric's kinds, the date order, the ``[mapping]`` tables; default: the shipped
    settings)."""
    return _read_folder(folder, **(settings or load_settings()).read_options)


def load_sample(settings: Settings | None = None):
    """The bundled sample agency (``data/sample``: twelve clients, each living one story; ten at its end)."""
    return read_dataset(SAMPLE_DIR, settings)
