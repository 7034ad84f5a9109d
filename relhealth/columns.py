"""Canonical table and column names: the one place they are spelled (DESIGN section 2).

Each table is described by its file name and a mapping of column name to value type. The types are
the names of the parsers in :mod:`relhealth.io.values`.
"""
from __future__ import annotations

from dataclasses import dataclass, field

#: Columns every canonical frame gains when read: where each row came from.
SOURCE = "source"
ROW = "row"

CATEGORIES = ("delivery", "extra", "collections", "account_management", "internal")


@dataclass(frozen=True)
class TableSpec:
    name: str
    file: str
    required: dict[str, str]
    optional: dict[str, str] = field(default_factory=dict)

    @property
    def columns(self) -> dict[str, str]:
        return {**self.required, **self.optional}


CLIENTS = TableSpec(
    name="clients",
    file="clients.csv",
    required={"client": "client"},
    optional={
        "aliases": "text",
        "account_manager": "text",
        "retainer_hours": "number",
        "payment_terms_days": "number",
        "currency": "currency",
        "projects": "text",      # ;-separated projects or project keys of the task tracker
        "domains": "text",       # ;-separated mail domains of the client's people (calendar attendees, mail)
        "chats": "text",         # ;-separated titles of the client's chats (Telegram)
        "hourly_rate": "number",  # the price of an hour, in the client's currency: values the extras given free
        "ended": "date",         # the day the relationship ended: no review after its month; the backtest's churn
    },
)

TIME_ENTRIES = TableSpec(
    name="time_entries",
    file="time_entries.csv",
    required={"date": "date", "client": "client", "hours": "number"},
    optional={
        "project": "text",
        "person": "text",
        "task": "text",
        "tags": "text",
        "notes": "text",
        "billable": "bool",
        "category": "category",
    },
)

CRM_ACTIVITIES = TableSpec(
    name="crm_activities",
    file="crm_activities.csv",
    required={"date": "datetime", "client": "client", "kind": "kind"},
    optional={
        "weight": "number",
        "direction": "direction",
        "channel": "text",
        "subject": "text",
        "contact": "text",
        "thread": "text",
        "benefits_client": "bool",   # DANETOR answers of a scope_request (DESIGN section 4b)
        "benefits_us": "bool",
        "covers_cost": "bool",
        "length": "number",          # a message's characters, quoted replies removed (chats and mail)
        "text": "text",              # a message's own text, for the tone patterns; never shown but on its client's page
    },
)

INVOICES = TableSpec(
    name="invoices",
    file="invoices.csv",
    required={
        "invoice": "text",
        "client": "client",
        "issued": "date",
        "due": "date",
        "amount": "number",
        "currency": "currency",
    },
    optional={"paid_on": "date", "paid_amount": "number", "balance": "number", "status": "text"},
)

TASKS = TableSpec(
    name="tasks",
    file="tasks.csv",
    # a task's client may be empty when its project names the client (clients.csv ``projects``); a task
    # without a due date gives no event (DESIGN section 2a)
    required={"client": "client", "task": "text", "due": "date"},
    optional={"done": "date", "id": "text", "status": "text", "project": "text", "created": "date"},
)

#: The three files of which at least one must be present.
MAIN_TABLES = (TIME_ENTRIES, CRM_ACTIVITIES, INVOICES)
TABLES = (CLIENTS, *MAIN_TABLES, TASKS)

#: The month review table (DESIGN section 5), in order; one ``overdue_<CUR>`` column per currency follows.
REVIEW_COLUMNS = [
    "client", "month", "account_manager",
    "eba_balance", "eba_band", "eba_change", "eba_deposits", "eba_withdrawals",
    "work_hours", "collection_hours", "effort_ratio", "effort_ratio_3m", "effort_flag", "max_days_overdue",
]
OVERDUE_PREFIX = "overdue_"

#: The early-warning columns (DESIGN section 4b) that follow the ``overdue_<CUR>`` columns, in order.
SIGNAL_COLUMNS = [
    "reply_hours_median", "unanswered_in", "client_reply_hours_median", "client_reply_trend",
    "client_silence_days", "meetings_held_3m", "meetings_cancelled_3m", "extra_share_3m", "retainer_use",
    "extras_gifted_3m", "extras_sold_3m", "scope_requests_3m", "advice_rejected_3m", "complaints_3m", "rude_3m",
    "part_signals", "part_flags",
]
#: The change of the balance split in two (DESIGN section 3), after the early warnings; then one
#: ``dso_<CUR>`` column per currency (DESIGN section 4).
EBA_SPLIT_COLUMNS = ["eba_new", "eba_fading"]
DSO_PREFIX = "dso_"
#: The conversation figures (DESIGN section 4b, from chats and mail) that follow the early warnings, in order.
CONVERSATION_COLUMNS = [
    "client_reply_length_trend", "client_contacts_3m", "new_client_contacts_3m", "unrecapped_meetings_3m",
    "deadlines_missed_3m", "irritated_3m",
]
