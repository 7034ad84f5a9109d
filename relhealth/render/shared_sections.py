"""The sections both pages show: the data-quality notes and the footer that says where a page came from."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from relhealth import __version__
from relhealth.i18n import Words, words
from relhealth.render.html import Fragment, section
from relhealth.settings import Settings


def page_words(report) -> Words:
    """The words of a page's language (``[report] language``; ``--lang``). ``report``: a client's report
    or the portfolio."""
    return words(report.settings["report"]["language"])


def quality_notes(notes: list, empty: str = "No data-quality notes.", w: Words | None = None) -> Fragment:
    """The data-quality notes, each in the language of ``w`` (English, ``words()``, when not given)."""
    w = words() if w is None else w
    return section("notes.html.j2", notes=[note.text(w) for note in notes], empty=empty)


@dataclass(frozen=True)
class Provenance:
    """What every page states so that two reports can be compared honestly."""

    folder: str
    month: str
    generated_at: str
    fingerprint: str
    version: str

    @classmethod
    def of(cls, folder: str, month, settings: Settings) -> Provenance:
        return cls(folder=str(folder), month=str(month),
                   generated_at=datetime.now(ZoneInfo(settings["report"]["timezone"])).isoformat(timespec="seconds"),
                   fingerprint=settings.fingerprint, version=__version__)


def footer(report) -> Fragment:
    """The footer of a page: the data folder, the month, when it was generated (in ``[report] timezone``),
    the settings' fingerprint and the version of relhealth. ``report``: a client's report or the portfolio."""
    p, w = Provenance.of(report.folder, report.month, report.settings), page_words(report)
    generated = p.generated_at if w.english else f"{w.when(p.generated_at)} ({report.settings['report']['timezone']})"
    return section("footer.html.j2", p=p, w=w, generated=generated)
