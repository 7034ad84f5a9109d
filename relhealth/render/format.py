"""What the command line and the CSVs write beside the pages: counted words in English and file names.
The pages write every number, date and word through :mod:`relhealth.i18n` in their own language."""
from __future__ import annotations

from pathlib import Path

import pandas as pd


def plural(count: int, word: str, many: str | None = None) -> str:
    """``plural(1, "row")`` is ``1 row``; ``plural(4512, "row")`` is ``4,512 rows`` (``relhealth validate``)."""
    return f"{count:,} {word if count == 1 else many or word + 's'}"


def file_names(sources: pd.Series) -> pd.Series:
    """The file name of each row's source path, as the pages and the CSVs beside them show it (empty when
    missing)."""
    return sources.map(lambda source: "" if source is None or (not isinstance(source, str) and pd.isna(source))
                       else Path(str(source)).name)
