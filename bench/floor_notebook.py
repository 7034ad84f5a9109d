"""The floor of a client report: papermill executing a minimal notebook (pandas and matplotlib imported, one
figure drawn) and nbconvert exporting it to HTML, in one long-lived process.

``python bench/floor_notebook.py N`` runs it N times after one warm-up and prints each run's seconds.
"""
from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import nbformat
import papermill
from nbconvert import HTMLExporter

CELLS = [
    "import pandas as pd\nimport matplotlib\nmatplotlib.use('Agg')\nfrom matplotlib.figure import Figure",
    "frame = pd.DataFrame({'month': range(12), 'value': range(12)})\n"
    "ax = Figure(figsize=(6, 3)).add_subplot()\nax.plot(frame['month'], frame['value'])\nax.figure",
]


def run_once(folder: Path, source: Path) -> float:
    start = time.perf_counter()
    out = folder / "out.ipynb"
    papermill.execute_notebook(str(source), str(out), kernel_name="python3", progress_bar=False)
    body, _ = HTMLExporter(template_name="basic", exclude_input=True).from_filename(str(out))
    (folder / "out.html").write_text(body, encoding="utf-8")
    return time.perf_counter() - start


def main(argv: list[str]) -> int:
    runs = int(argv[0]) if argv else 3
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        source = folder / "floor.ipynb"
        notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in CELLS])
        notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
        nbformat.write(notebook, source)
        run_once(folder, source)                    # warm-up: imports and caches, as a long batch has them
        for _ in range(runs):
            print(f"{run_once(folder, source):.4f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
