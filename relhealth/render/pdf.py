"""The pages printed to PDF (``relhealth report --pdf``) by a Chromium installed on the machine, through
its own command line: the page's print stylesheet gives A4 pages with every column and the folded lists
open. Each PDF is written atomically beside its page; each Chromium ends with its page or its time limit."""
from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from relhealth.render.atomic import FILE_MODE, TEMP_SUFFIX

#: The names a Chromium goes by on Linux, macOS (on the PATH) and Windows.
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome", "msedge")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-pdf-header-footer"]


def find_chromium() -> str | None:
    """The path of a Chromium (or Chrome) on the PATH, else None."""
    return next((found for name in CHROMIUM_NAMES if (found := shutil.which(name))), None)


def print_page(page: Path, chromium: str, timeout: float) -> Path:
    """Print ``page`` to ``page.pdf`` beside it; raises ``RuntimeError`` naming the page when Chromium fails."""
    out = page.with_suffix(".pdf")
    handle, temporary = tempfile.mkstemp(prefix=f".{out.name}.", suffix=TEMP_SUFFIX, dir=out.parent)
    os.close(handle)
    try:
        with tempfile.TemporaryDirectory(prefix="relhealth-chromium-") as profile:
            done = subprocess.run([chromium, *CHROMIUM_ARGS, f"--user-data-dir={profile}",
                                   f"--print-to-pdf={temporary}", page.resolve().as_uri()],
                                  capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL)
        if done.returncode != 0 or os.path.getsize(temporary) == 0:
            raise RuntimeError(f"Chromium could not print {page.name}: {done.stderr.strip()[-300:]}")
        os.chmod(temporary, FILE_MODE)
        os.replace(temporary, out)
        return out
    except subprocess.TimeoutExpired:
        raise RuntimeError(f"Chromium did not print {page.name} within {timeout:g} s") from None
    finally:
        Path(temporary).unlink(missing_ok=True)


def print_pages(pages: list[Path], chromium: str, jobs: int = 2, timeout: float = 120) -> list[Path]:
    """Print every page to a PDF beside it, ``jobs`` at a time; the PDFs in the order of ``pages``."""
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        return list(pool.map(lambda page: print_page(page, chromium, timeout), pages))
