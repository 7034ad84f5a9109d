"""DANETOR (DESIGN section 4b): a scope request weighed by three yes/no answers."""
from __future__ import annotations

import numpy as np
import pandas as pd

DANETOR_ANSWERS = ("benefits_client", "benefits_us", "covers_cost")
DANETOR_COLUMNS = ["date", "subject", *DANETOR_ANSWERS, "noes", "verdict", "source", "row"]


def danetor(activities: pd.DataFrame) -> pd.DataFrame:
    """The ``scope_request`` rows with their DANETOR verdict: ``decline`` when two or more of the three
    answers (does it benefit the client, does it benefit us, does it cover its cost) are no; ``accept``
    when fewer than two would be no even if every missing answer were no; ``not assessed`` when none is
    given; ``incomplete`` when the missing answers could still change the verdict."""
    requests = activities[activities["kind"] == "scope_request"]
    answers = requests[list(DANETOR_ANSWERS)].astype("boolean")
    noes = answers.eq(False).sum(axis=1).astype("int64")
    given = answers.notna().sum(axis=1)
    missing = len(DANETOR_ANSWERS) - given
    verdict = np.select([noes >= 2, noes + missing < 2, given == 0], ["decline", "accept", "not assessed"],
                        "incomplete")
    result = requests.assign(**{a: answers[a] for a in DANETOR_ANSWERS}, noes=noes,
                             verdict=pd.Series(verdict, index=requests.index, dtype="str"))
    return result[DANETOR_COLUMNS].reset_index(drop=True)
