"""Where the project's own files are: the bundled sample agency and the report notebooks. Both sit beside
the package in the source tree (the editable install that ``make`` does)."""
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
#: The bundled sample agency, the default data folder of every command.
SAMPLE_DIR = ROOT / "data" / "sample"
NOTEBOOK_DIR = ROOT / "notebooks"
CLIENT_NOTEBOOK = NOTEBOOK_DIR / "client_report.ipynb"
PORTFOLIO_NOTEBOOK = NOTEBOOK_DIR / "portfolio_review.ipynb"
