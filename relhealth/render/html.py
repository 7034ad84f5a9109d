"""HTML sections from Jinja2 templates (``render/templates``) that escape every value by default, the
tables and figures inside them, and :class:`Fragment`, what a notebook cell shows as HTML."""
from __future__ import annotations

import base64
import functools
import io

import pandas as pd
from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup
from matplotlib.axes import Axes

from relhealth.i18n import ENGLISH, Words
from relhealth.render import plotting


class Fragment(Markup):
    """A piece of HTML that a notebook shows as HTML (its plain repr is a short label). Adding text to it
    escapes the text, as Markup does."""

    def _repr_html_(self) -> str:
        return str(self)

    def __repr__(self) -> str:
        return f"<HTML fragment, {len(self):,} characters>"


@functools.cache
def environment() -> Environment:
    """The templates' environment: autoescape on, an undefined name is an error."""
    return Environment(loader=PackageLoader("relhealth.render", "templates"), autoescape=True,
                       undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=False)


def section(template: str, **context) -> Fragment:
    """The template ``template`` (a name under ``render/templates``) rendered with ``context``."""
    return Fragment(environment().get_template(template).render(**context).strip())


def figure(ax: Axes, alt: str) -> Fragment:
    """The figure of ``ax`` as an embedded PNG (no file, nothing fetched)."""
    buffer = io.BytesIO()
    plotting.fit(ax.figure).savefig(buffer, format="png", dpi=plotting.DPI)
    return section("figure.html.j2", data=base64.b64encode(buffer.getvalue()).decode("ascii"), alt=alt)


def marked(w: Words, key: str, **values) -> Markup:
    """A catalogue sentence that holds HTML (``<b>``), its values escaped."""
    return Markup(w.entries[key]).format(**values)


def table(frame: pd.DataFrame, formats: dict | None = None, empty: str = "None.", w: Words = ENGLISH) -> Fragment:
    """``frame`` as an HTML table, each column written by its function in ``formats`` (a missing value is
    an empty cell), under its heading in ``w``'s words (``headings.<column>`` of the catalogue; a column
    the catalogue does not name is shown as it is)."""
    formats = formats or {}

    def cell(column: str, value) -> str:
        if value is None or (not isinstance(value, str) and pd.isna(value)):
            return ""
        return formats[column](value) if column in formats else str(value)
    columns = [str(c) for c in frame.columns]
    rows = [[cell(c, v) for c, v in zip(columns, values)] for values in frame.itertuples(index=False, name=None)]
    return section("table.html.j2", columns=[w.entries.get(f"headings.{c}", c) for c in columns], rows=rows, empty=empty)
