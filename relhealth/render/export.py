"""An executed report notebook as a whole HTML page, exported by nbconvert: its text and outputs (every
output type a notebook shows: HTML, Markdown, SVG, images, text), no code and no prompts, no cell tagged
``remove-cell``, in our page shell (``templates/relhealth-page``), nothing fetched from the network."""
from __future__ import annotations

import functools
from pathlib import Path

TEMPLATES = Path(__file__).with_name("templates")
TEMPLATE = "relhealth-page"
#: Cells with this tag (the notebooks' introductions for analysts) stay off the page.
REMOVED = "remove-cell"


@functools.cache
def exporter():
    """One HTMLExporter per process: its templates are loaded once."""
    from nbconvert import HTMLExporter
    from nbconvert.preprocessors import TagRemovePreprocessor
    from traitlets.config import Config

    config = Config()
    config.TagRemovePreprocessor.remove_cell_tags = {REMOVED}
    config.HTMLExporter.preprocessors = [TagRemovePreprocessor]
    return HTMLExporter(config=config, extra_template_basedirs=[str(TEMPLATES)], template_name=TEMPLATE,
                        exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True,
                        exclude_anchor_links=True)


@functools.cache
def style() -> str:
    return (TEMPLATES / TEMPLATE / "style.css").read_text(encoding="utf-8")


def export_page(nb, title: str, log: str | Path | None = None, lang: str = "en", record: str = "") -> str:
    """The page of an executed notebook ``nb`` (a NotebookNode), titled ``title``, holding ``record`` (what
    it was made from, :mod:`relhealth.render.records`). What the notebook wrote to stderr (warnings) is
    appended to ``log``, never shown on the page."""
    warnings = [_text(output.get("text", "")) for cell in nb.cells if cell.get("cell_type") == "code"
                for output in cell.get("outputs", [])
                if output.get("output_type") == "stream" and output.get("name") == "stderr"]
    if warnings and log:
        with open(log, "a", encoding="utf-8") as stream:
            stream.write("".join(warnings))
    body, _ = exporter().from_notebook_node(nb, resources={"relhealth": {"title": title, "style": style(),
                                                                         "lang": lang, "record": record}})
    return body


def _text(value) -> str:
    """A notebook's multi-line string, stored as one string or a list of lines."""
    return "".join(value) if isinstance(value, list) else str(value)
