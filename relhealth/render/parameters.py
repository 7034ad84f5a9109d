"""A report notebook with its parameters written into its own ``parameters`` cell, for an analyst to open
and re-run: a later ``papermill -p month ...`` run injects only what it is given after that cell, so the
client written here stays (papermill would replace a cell it had injected itself)."""
from __future__ import annotations

import re
from pathlib import Path

import nbformat

from relhealth.i18n import LANGUAGES, localised
from relhealth.render.atomic import write_text_atomic

#: ``name = value  # comment`` in a parameters cell.
_ASSIGNMENT = re.compile(r"^(?P<name>[A-Za-z_]\w*)\s*=\s*(?P<value>.*?)(?P<comment>\s+#.*)?$")


def with_parameters(source: str, values: dict) -> str:
    """``source`` (a parameters cell) with each ``name = ...`` of ``values`` set to the value's Python
    literal, its comment kept; a value the cell does not name is an error."""
    lines, done = [], set()
    for line in source.splitlines():
        match = _ASSIGNMENT.match(line)
        if match and match["name"] in values:
            comment = (match["comment"] or "").strip()
            line = f"{match['name']} = {values[match['name']]!r}" + (f"  {comment}" if comment else "")
            done.add(match["name"])
        lines.append(line.rstrip())
    missing = set(values) - done
    if missing:
        raise ValueError(f"the parameters cell sets no {', '.join(sorted(missing))}")
    return "\n".join(lines)


def write_parametrised(template: str | Path, out: str | Path, values: dict, lang: str = LANGUAGES[0]) -> None:
    """Write the notebook ``template`` to ``out`` with ``values`` in its cell tagged ``parameters`` and its
    explanations in ``lang``."""
    notebook = localised(nbformat.read(str(template), as_version=4), Path(template).stem, lang)
    cell = next(c for c in notebook.cells if "parameters" in c.get("metadata", {}).get("tags", []))
    cell.source = with_parameters(cell.source, values)
    write_text_atomic(out, nbformat.writes(notebook) + "\n")
