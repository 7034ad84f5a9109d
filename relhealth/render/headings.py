"""The column headings of the pages' tables: each frame column a page shows, in words with its unit. The
frames (the notebook's, the review's CSV) keep the codes; a column not named here is shown as it is."""
from __future__ import annotations

HEADINGS = {
    # the balance
    "balance": "balance (points)", "change": "change", "deposits": "deposits", "withdrawals": "withdrawals",
    "contribution": "moved the balance by", "weight_from": "weight from",
    # effort
    "work_hours": "work (h)", "collection_hours": "chasing payment (h)", "effort_ratio": "effort ratio",
    "effort_ratio_3m": "effort ratio, 3 months", "effort_flag": "flag", "hours": "hours",
    "gifted_hours": "extras not billed (h)", "category_rule": "rule",
    # invoices
    "amount": "amount", "outstanding": "outstanding", "days_overdue": "days overdue", "bucket": "age",
    "issued": "issued", "due": "due",
    # scope requests (DANETOR)
    "benefits_client": "benefits the client", "benefits_us": "benefits us", "covers_cost": "covers its cost",
    "noes": "no answers",
    # the rows behind a figure
    "source": "file", "row": "row",
}
