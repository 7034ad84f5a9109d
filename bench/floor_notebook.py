"""The floors of a client report: papermill executing a minimal notebook (pandas and matplotlib imported, one
figure drawn) and nbconvert exporting it to HTML.

``python bench/floor_notebook.py N`` runs it N times in one long-lived process, after one warm-up (what one
more page of a batch costs at best), and prints each run's seconds. ``python bench/floor_notebook.py N
--by-hand`` runs it N times as a user does by hand, in fresh processes: the papermill command line, then
``jupyter nbconvert --to html --no-input`` (what one page costs at best when nothing is running yet).
"""
from __future__ import annotations

import subprocess
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


def by_hand(folder: Path, source: Path) -> float:
    """Seconds of the papermill command line, then nbconvert's, each a fresh process."""
    bin_ = Path(sys.executable).parent
    start = time.perf_counter()
    out = folder / "out.ipynb"
    subprocess.run([str(bin_ / "papermill"), "--no-progress-bar", "--log-level", "WARNING", str(source), str(out)],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    subprocess.run([str(bin_ / "jupyter"), "nbconvert", "--to", "html", "--no-input", str(out), "--output",
                    "out.html"], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    if not (folder / "out.html").exists():
        raise SystemExit("floor: nbconvert wrote no page")
    return time.perf_counter() - start


def main(argv: list[str]) -> int:
    runs = int(argv[0]) if argv else 3
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        source = folder / "floor.ipynb"
        notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in CELLS])
        notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
        nbformat.write(notebook, source)
        if "--by-hand" in argv:
            for _ in range(runs):
                print(f"{by_hand(folder, source):.4f}")
            return 0
        run_once(folder, source)                    # warm-up: imports and caches, as a long batch has them
        for _ in range(runs):
            print(f"{run_once(folder, source):.4f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
