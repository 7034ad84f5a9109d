"""Time categories, hours and the overdue-payment effort ratio (relhealth.metrics.effort)."""
import math

import pandas as pd
import pytest

from relhealth.io import read_dataset
from relhealth.metrics.effort import categorise, flag_of, monthly_effort
from relhealth.metrics.scale import ratio
from relhealth.settings import load_settings

SETTINGS = load_settings()
PATTERNS = SETTINGS["effort"]["categories"]
FLAGS = SETTINGS["effort"]["flags"]


def entries_of(folder, text):
    return categorise(read_dataset(folder({"time_entries.csv": text})).time_entries, PATTERNS)


def one_entry(folder, task="", tags="", client="Acme", category=""):
    text = f'date,client,hours,task,tags,category\n2026-03-02,{client},1,"{task}","{tags}",{category}\n'
    return entries_of(folder, text).iloc[0]


@pytest.mark.parametrize("task", [
    "Invoice follow-up", "Payment reminder call", "Chasing overdue invoice 1043", "Reconciliation",
    "Напоминание об оплате", "Акт сверки", "Закрывающие документы", "Statement of account for their finance team",
    "Follow up on unpaid invoices",
])
def test_the_shipped_patterns_catch_payment_chasing(folder, task):
    assert one_entry(folder, task=task)["category"] == "collections"


@pytest.mark.parametrize("task", [
    "Checkout payment page design", "Payment gateway integration", "Расчёт медиаплана", "Invoice template design",
    "Spring collection lookbook", "Fix overdue tasks widget", "Сверка макета с ТЗ",
])
def test_the_shipped_patterns_leave_delivery_that_only_mentions_payments(folder, task):
    entry = one_entry(folder, task=task)
    assert (entry["category"], entry["category_rule"]) == ("delivery", "no pattern matched: delivery")


def test_a_collections_tag_decides_and_the_rule_says_why(folder):
    entry = one_entry(folder, task="Call with the CFO", tags="phone, collections")
    assert entry["category"] == "collections"
    assert entry["category_rule"] == "collections: tag 'collections' matches '^collections?$'"


def test_collections_come_before_the_other_categories_across_task_and_tags(folder):
    # the task says account management, a tag says collections: collections are tried first
    entry = one_entry(folder, task="Weekly status call", tags="collections")
    assert entry["category"] == "collections"
    assert one_entry(folder, task="Weekly status call")["category"] == "account_management"
    assert one_entry(folder, task="Event flyer (out of scope)")["category"] == "extra"
    assert one_entry(folder, task="Banners", tags="design,extra")["category"] == "extra"


def test_an_explicit_category_wins_and_time_without_a_client_is_internal(folder):
    explicit = one_entry(folder, task="Invoice follow-up", category="delivery")
    assert (explicit["category"], explicit["category_rule"]) == ("delivery", "category column")
    internal = one_entry(folder, task="Invoice follow-up", client="")
    assert (internal["category"], internal["category_rule"]) == ("internal", "no client: internal")


def test_ratio_is_infinite_without_work_and_empty_without_hours():
    assert ratio([3, 3, 0, 0], [6, 0, 0, 5]).tolist()[0:2] == [0.5, math.inf]
    assert math.isnan(ratio([0], [0])[0])
    assert ratio([0], [5])[0] == 0


@pytest.mark.parametrize("value, flag", [(1.0, "red"), (0.999, "amber"), (0.25, "amber"), (0.2499, "green"),
                                         (math.inf, "red"), (0, "green"), (math.nan, None)])
def test_flag_of_takes_the_highest_bound_reached(value, flag):
    assert flag_of(value, FLAGS) == flag


def test_monthly_effort_sums_three_months_across_a_year_boundary(folder):
    entries = entries_of(folder, """\
        date,client,hours,task
        2025-10-31,Acme,100,Design
        2025-11-03,Acme,8,Design
        2025-11-04,Acme,2,Invoice follow-up
        2025-12-01,Acme,1.5,Weekly status call
        2025-12-02,Acme,4,Banner (out of scope)
        2026-01-05,Acme,3,Reconciliation
        2026-01-06,,5,Team meeting
        2026-01-07,Beta,1,Payment reminder call
    """)
    table = monthly_effort(entries, ["Acme", "Beta"], pd.PeriodIndex(["2025-12", "2026-01"], freq="M"), FLAGS)
    acme = table[table["client"] == "Acme"].set_index("month")
    # December: work = 4 (extra; the status call is account management), collections 0
    assert acme.loc[pd.Period("2025-12", "M"), ["work_hours", "collection_hours", "effort_ratio"]].tolist() == [4, 0, 0]
    # January: no work, 3 collection hours: infinite, red
    january = acme.loc[pd.Period("2026-01", "M")]
    assert (january["work_hours"], january["collection_hours"], january["effort_ratio"], january["effort_flag"]) == (
        0, 3, math.inf, "red")
    # 3m at 2026-01 = Nov + Dec + Jan: work 8 + 4 + 0 = 12, collections 2 + 0 + 3 = 5 (October is out)
    assert (january["work_hours_3m"], january["collection_hours_3m"]) == (12, 5)
    assert january["effort_ratio_3m"] == pytest.approx(5 / 12)
    beta = table[table["client"] == "Beta"].set_index("month")
    # Beta in December: no hours at all: the ratio and the flag are empty
    assert math.isnan(beta.loc[pd.Period("2025-12", "M"), "effort_ratio"])
    assert pd.isna(beta.loc[pd.Period("2025-12", "M"), "effort_flag"])


def test_a_categorys_patterns_joined_or_tried_one_by_one_find_the_same_first_pattern():
    from relhealth.metrics.effort import _any_of, _first_match

    patterns = {"collections": [r"\bunpaid\b", r"(chase)\s+\1"], "extra": [r"rush", r"(?i)EXTRA"]}
    assert _any_of(patterns["collections"]) is None          # \1 would name another pattern's group
    assert _any_of(patterns["extra"]) is None                # an inline flag must open its expression
    assert _any_of([r"\bunpaid\b", r"INV-\d+"]).search("see INV-12") is not None
    texts = pd.Series(["Unpaid INV", "chase chase", "rush job", "an extra page", "design"])
    found = _first_match(texts, patterns, "task")
    assert found["rank"].tolist() == [0, 1, 2, 3, float("inf")]
    assert found.loc["rush job", "rule"] == "extra: task 'rush job' matches 'rush'"
