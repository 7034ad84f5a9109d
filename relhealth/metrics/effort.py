"""Effort (DESIGN section 4): time categories, hours by client and month, and the overdue-payment effort
ratio: collection hours against work hours."""
from __future__ import annotations

import re

import numpy as np
import pandas as pd

from relhealth.metrics.months import monthly_and_trailing
from relhealth.metrics.scale import level_of, ratio
from relhealth.settings import PATTERN_TEXT_LIMIT

#: The order in which pattern categories are tried (collections first).
PATTERN_ORDER = ("collections", "account_management", "extra")
WORK = ("delivery", "extra")
COLLECTIONS = "collections"
EXTRA = "extra"

RULE_COLUMN = "category column"
RULE_NO_CLIENT = "no client: internal"
RULE_DEFAULT = "no pattern matched: delivery"


def _first_match(texts: pd.Series, patterns: dict[str, list[str]], what: str) -> pd.DataFrame:
    """For each distinct text, the first pattern (in category order, then list order) that matches it:
    its rank, category and a readable rule. Texts that match nothing get rank inf.

    A category's patterns are first tried as one expression, so a text that matches none of them (most
    texts) costs one search per category, not one per pattern; only the texts it matches are tried
    pattern by pattern to find the first."""
    unique = pd.Series(texts.dropna().unique(), dtype="str")
    rank = pd.Series(np.inf, index=unique.index)
    category = pd.Series(pd.NA, index=unique.index, dtype="str")
    rule = pd.Series(pd.NA, index=unique.index, dtype="str")
    order = 0
    for name in PATTERN_ORDER:
        listed = patterns.get(name, [])
        open_texts = unique[np.isinf(rank)]
        any_of = _any_of(listed)
        if any_of is not None:
            open_texts = open_texts[[any_of.search(text) is not None for text in open_texts]]
        for pattern in listed:
            expression = re.compile(pattern, re.IGNORECASE)
            hit = open_texts[[expression.search(text) is not None for text in open_texts]]
            rank[hit.index] = order
            category[hit.index] = name
            rule[hit.index] = [f"{name}: {what} '{text}' matches '{pattern}'" for text in hit]
            open_texts = open_texts.drop(hit.index)
            order += 1
    return pd.DataFrame({"rank": rank.to_numpy(), "category": category.to_numpy(), "rule": rule.to_numpy()},
                        index=unique.to_numpy())


def _any_of(listed: list[str]) -> re.Pattern | None:
    """One expression matching wherever any of ``listed`` matches; None when they cannot be joined (a
    back-reference would point at another pattern's group, a flag for the whole expression must open it;
    a flag of one group, ``(?m:^)``, joins)."""
    if not listed or any(re.search(r"\\\d|\(\?P=|\(\?[aiLmsux]+\)", p) for p in listed):
        return None
    try:
        return re.compile("|".join(f"(?:{p})" for p in listed), re.IGNORECASE)
    except re.error:
        return None


def categorise(entries: pd.DataFrame, patterns: dict[str, list[str]]) -> pd.DataFrame:
    """The time entries with their ``category`` decided and ``category_rule`` saying why.

    An explicit ``category`` wins; an entry without a client is ``internal``; otherwise the patterns of
    ``[effort.categories]`` over the task and each tag decide, collections first; otherwise ``delivery``.
    The patterns are tried once per distinct task and per distinct list of tags, the choice between them
    made once per distinct pair of the two, and each row only picks its pair's answer. They read the first
    ``PATTERN_TEXT_LIMIT`` characters of a task and of a list of tags (the reading notes longer ones).
    """
    task_codes, task_values = pd.factorize(entries["task"])
    task_texts = pd.Series(task_values, dtype="str").str.slice(0, PATTERN_TEXT_LIMIT)
    tasks = _first_match(task_texts, patterns, "task").reindex(task_texts)

    tag_codes, tag_values = pd.factorize(entries["tags"])
    tags = pd.Series(tag_values, dtype="str").str.slice(0, PATTERN_TEXT_LIMIT).str.split(",").explode().str.strip()
    tags = tags[tags != ""]
    tag_rules = _first_match(tags, patterns, "tag")
    best = pd.DataFrame({"rank": tags.map(tag_rules["rank"]).astype("float64"),
                         "category": tags.map(tag_rules["category"]), "rule": tags.map(tag_rules["rule"])})
    best = best.sort_values("rank", kind="stable")
    best = best[~best.index.duplicated(keep="first")].reindex(range(len(tag_values)))

    # each distinct (task, tags) pair; -1 (no task, no tags) takes the last row of the tables: no match
    width = len(tag_values) + 1
    pair_codes, pairs = pd.factorize(task_codes.astype("int64") * width + tag_codes + 1)
    task_of, tag_of = pairs // width, pairs % width - 1

    def of(table: pd.DataFrame, codes: np.ndarray, column: str) -> np.ndarray:
        values = table[column].to_numpy(dtype="float64" if column == "rank" else object)
        values = np.append(values, np.inf if column == "rank" else None)
        return values[np.where(codes < 0, len(values) - 1, codes)]
    task_rank, tag_rank = of(tasks, task_of, "rank"), np.nan_to_num(of(best, tag_of, "rank"), nan=np.inf)
    use_tag = tag_rank < task_rank
    pair_category = np.where(use_tag, of(best, tag_of, "category"), of(tasks, task_of, "category"))
    pair_rule = np.where(use_tag, of(best, tag_of, "rule"), of(tasks, task_of, "rule"))
    matched = pd.notna(pair_category)
    pair_category = np.where(matched, pair_category, "delivery")
    pair_rule = np.where(matched, pair_rule, RULE_DEFAULT)

    # the answer of each row: its pair's, unless the row names its category or has no client
    explicit_codes, explicit_values = pd.factorize(entries["category"])
    explicit = explicit_codes >= 0
    internal = ~explicit & entries["client"].isna().to_numpy()
    pairs_count, explicit_count = len(pairs), len(explicit_values)
    answer = np.where(explicit, pairs_count + explicit_codes,
                      np.where(internal, pairs_count + explicit_count, pair_codes))
    categories = pd.array([*pair_category, *explicit_values, "internal"], dtype="str")
    rules = pd.array([*pair_rule, *[RULE_COLUMN] * explicit_count, RULE_NO_CLIENT], dtype="str")
    return entries.assign(category=pd.Series(categories.take(answer), index=entries.index),
                          category_rule=pd.Series(rules.take(answer), index=entries.index))


def monthly_hours(categorised: pd.DataFrame) -> pd.DataFrame:
    """Hours by client, month and category: a tidy frame ``client, month, category, hours``."""
    with_client = categorised[categorised["client"].notna()]
    grouped = with_client.groupby(
        [with_client["client"], with_client["date"].dt.to_period("M").rename("month"), with_client["category"]],
        sort=True)["hours"].sum()
    return grouped.reset_index()


def gifted_extras(categorised: pd.DataFrame, months: pd.PeriodIndex) -> pd.DataFrame:
    """The extra hours given without charge (category ``extra``, ``billable`` no) of each month:
    ``month, gifted_hours``. An entry that does not say whether it is billable is not counted."""
    free = categorised[(categorised["category"] == EXTRA) & categorised["billable"].eq(False).fillna(False)]
    hours = free.groupby(free["date"].dt.to_period("M").rename("month"))["hours"].sum()
    months = pd.PeriodIndex(months, freq="M", name="month")
    return hours.reindex(months, fill_value=0.0).rename("gifted_hours").reset_index()


def flag_of(value: float, flags: dict[str, float]) -> str | None:
    """The flag of an effort ratio: the first bound (highest first) it reaches, else ``green``; None when
    the ratio is missing."""
    return level_of(value, flags, "green")


def monthly_effort(categorised: pd.DataFrame, clients: list[str], months: pd.PeriodIndex,
                   flags: dict[str, float]) -> pd.DataFrame:
    """Work and collection hours, the effort ratio and its flag, for each client and month, and the same
    over three months (M-2..M).

    Returns one row per client and month: ``client, month, work_hours, collection_hours, effort_ratio,
    work_hours_3m, collection_hours_3m, effort_ratio_3m, effort_flag, extra_hours_3m``. The flag is that
    of the month's ratio; the three-month ratio feeds the quadrant and the checklist, the three-month
    extra hours the checklist's extra share.
    """
    hours = monthly_hours(categorised)
    hours["kind"] = np.select([hours["category"].isin(WORK), hours["category"] == COLLECTIONS],
                              ["work", "collection"], "other")
    extra = hours[hours["category"] == EXTRA].assign(kind="extra")
    sums = (pd.concat([hours[hours["kind"] != "other"], extra])
            .pivot_table(index=["client", "month"], columns="kind", values="hours", aggfunc="sum")
            .reindex(columns=["work", "collection", "extra"]))
    month, trailing = monthly_and_trailing(sums, clients, months)
    result = pd.DataFrame({
        "work_hours": month["work"],
        "collection_hours": month["collection"],
        "work_hours_3m": trailing["work"],
        "collection_hours_3m": trailing["collection"],
        "extra_hours_3m": trailing["extra"],
    }).reset_index()
    result["effort_ratio"] = ratio(result["collection_hours"], result["work_hours"])
    result["effort_ratio_3m"] = ratio(result["collection_hours_3m"], result["work_hours_3m"])
    result["effort_flag"] = pd.Series([flag_of(v, flags) for v in result["effort_ratio"]], dtype="str")
    return result[["client", "month", "work_hours", "collection_hours", "effort_ratio",
                   "work_hours_3m", "collection_hours_3m", "effort_ratio_3m", "effort_flag", "extra_hours_3m"]]
