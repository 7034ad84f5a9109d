"""What a value of a canonical frame must be once parsed (DESIGN section 2): declared here once per table,
validated with pandera, lazily, so that a user sees every problem of a file at once and fixes it in one pass.

pandera is imported only for a frame that breaks a rule (a quick look at the declared columns tells):
importing it costs a fifth of reading a large folder whose data are sound.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass

import pandas as pd

from relhealth.columns import CLIENTS, CRM_ACTIVITIES, INVOICES, ROW, TASKS, TIME_ENTRIES, TableSpec
from relhealth.errors import Problem
from relhealth.io.text import quoted

_CORRECT = "Correct the value"


@dataclass(frozen=True)
class Rule:
    """One column's rule: it must not be empty (``what`` names what every row needs), and/or be at least
    ``minimum`` (``fix`` says what to do otherwise)."""

    what: str | None = None         # required: "a date", "the hours", ... (None: may be empty)
    minimum: float | None = None
    noun: str = ""                  # "hours must be 0 or more"
    fix: str = _CORRECT


RULES: dict[str, dict[str, Rule]] = {
    CLIENTS.name: {
        "client": Rule("a client name"),
        "retainer_hours": Rule(minimum=0, noun="retainer hours"),
        "payment_terms_days": Rule(minimum=0, noun="payment terms"),
    },
    TIME_ENTRIES.name: {
        "date": Rule("a date"),
        "hours": Rule("the hours", 0, "hours", "Correct the entry in the time tracker and export again"),
    },
    CRM_ACTIVITIES.name: {
        "date": Rule("a date"),
        "client": Rule("a client"),
        "kind": Rule("a kind"),
    },
    INVOICES.name: {
        "invoice": Rule("an invoice number"),
        "client": Rule("a client"),
        "issued": Rule("an issue date"),
        "due": Rule("a due date"),
        # a negative amount is a credit note: left out of the figures, with a note (io.checks)
        "amount": Rule("an amount"),
        "currency": Rule("a currency"),
        "paid_amount": Rule(minimum=0, noun="paid amounts", fix="Write what the client paid on this invoice"),
    },
    TASKS.name: {
        "task": Rule("a task name"),
    },
}


def _broken(rules: dict[str, Rule], frame: pd.DataFrame) -> bool:
    """Whether any value of ``frame`` breaks a rule."""
    for column, rule in rules.items():
        if column not in frame.columns:
            continue
        values = frame[column]
        if rule.what and values.isna().any() or rule.minimum is not None and (values < rule.minimum).any():
            return True
    return False


@functools.cache
def schema(table: str):
    """The pandera schema of a canonical table, from its rules."""
    import pandera.pandas as pa

    def column(rule: Rule):
        checks = [] if rule.minimum is None else [pa.Check.ge(rule.minimum, error=(
            f"is negative; {rule.noun} must be {rule.minimum:g} or more. {rule.fix}"))]
        return pa.Column(nullable=rule.what is None, required=rule.what is not None, checks=checks,
                         description=rule.what)
    return pa.DataFrameSchema({name: column(rule) for name, rule in RULES[table].items()})


def schema_problems(spec: TableSpec, frame: pd.DataFrame, raw: pd.DataFrame, file: str) -> list[Problem]:
    """Validate a parsed frame against its table's rules and return every failure as a :class:`Problem`
    naming the row and column. ``raw`` holds the values as written, for the messages."""
    if not _broken(RULES[spec.name], frame):
        return []
    import pandera.pandas as pa

    checked = schema(spec.name)
    try:
        checked.validate(frame[[c for c in frame.columns if c in checked.columns]], lazy=True)
    except pa.errors.SchemaErrors as exc:
        failures = exc.failure_cases
    else:
        return []
    problems = []
    for failure in failures.itertuples(index=False):
        column = failure.column
        if pd.isna(failure.index):
            problems.append(Problem(file, f"{failure.check}", column=column))
            continue
        index = int(failure.index)
        row = int(frame.at[index, ROW])
        if failure.check == "not_nullable":
            message = f"is empty; every row needs {checked.columns[column].description}. Fill it in, or remove the row."
        else:
            message = f"{quoted(raw.at[index, column])} {failure.check}."
        problems.append(Problem(file, message, row=row, column=column))
    return sorted(problems, key=lambda p: (p.row or 0, list(frame.columns).index(p.column)))
