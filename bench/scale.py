"""Synthetic agencies at scale, grown from the bundled sample's generator (``tools/sample.py``).

The sample has twelve clients, each living one story; the bench grows the ten still active in its last
month. An agency of N clients takes client k's rows from story
``k % 10`` under a name of its own (``Northwind Outfitters 017``), keeps the last 12 months, and repeats
rows to reach the asked numbers: a time entry repeated r times carries 1/r of its hours, a CRM event is
repeated a few minutes apart (in a thread of its own), an invoice is split into parts of equal amounts.
So the shapes that the metrics see (stories, categories, threads, payment delays) stay those of the sample,
at any size.

``python -m bench.scale OUT_DIR [--clients N] [--time-entries N] [--crm N] [--invoices N]``
"""
from __future__ import annotations

import argparse
import math
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

from relhealth.io.names import client_key
from tools.sample import write_sample

MONTHS = 12
SAMPLE_CLIENTS = 10


def _base(seed: int) -> dict[str, pd.DataFrame]:
    with tempfile.TemporaryDirectory() as tmp:
        write_sample(tmp, seed)
        return {name: pd.read_csv(Path(tmp) / f"{name}.csv", dtype=str, keep_default_na=False)
                for name in ("clients", "time_entries", "crm_activities", "invoices")}


def _copies(frame: pd.DataFrame, story_of: pd.Series, clients: int,
            target: int) -> tuple[pd.DataFrame, np.ndarray, np.ndarray, int]:
    """Rows of every copy (client k takes the rows of story k % 10) repeated to about ``target`` rows:
    the frame, the copy number and the repetition number of each row, and how many times rows repeat."""
    per_story = story_of.value_counts().reindex(range(SAMPLE_CLIENTS), fill_value=0)
    copies_of_story = np.bincount(np.arange(clients) % SAMPLE_CLIENTS, minlength=SAMPLE_CLIENTS)
    rows = int((per_story.to_numpy() * copies_of_story).sum())
    repeat = max(1, math.ceil(target / max(rows, 1)))
    parts, copy_ids = [], []
    for k in range(clients):
        part = frame[story_of.to_numpy() == k % SAMPLE_CLIENTS]
        parts.append(part)
        copy_ids.append(np.full(len(part), k))
    base = pd.concat(parts, ignore_index=True)
    copy = np.concatenate(copy_ids)
    index = np.repeat(np.arange(len(base)), repeat)
    out = base.iloc[index].reset_index(drop=True)
    rep = np.tile(np.arange(repeat), len(base))
    keep = np.sort(np.random.default_rng(7).choice(len(out), size=min(target, len(out)), replace=False))
    return out.iloc[keep].reset_index(drop=True), copy[index][keep], rep[keep], repeat


def write_agency(out_dir: str | Path, clients: int = 500, time_entries: int = 1_000_000, crm: int = 200_000,
                 invoices: int = 20_000, seed: int = 20261031) -> Path:
    """Write an agency of ``clients`` clients with about these many rows over 12 months to ``out_dir``."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    base = _base(seed)
    listed = base["clients"]
    spellings = {}
    for i, row in listed.iterrows():
        for spelling in [row["client"], *filter(None, row["aliases"].split(";"))]:
            spellings[client_key(spelling)] = i
    first = (pd.Period("2026-10", "M") - (MONTHS - 1)).start_time.strftime("%Y-%m-%d")

    def story(names: pd.Series) -> pd.Series:
        return names.map(lambda name: spellings[client_key(name)]).astype("int64")

    def name_of(k: np.ndarray) -> np.ndarray:
        names = listed["client"].to_numpy()[k % SAMPLE_CLIENTS]
        return np.char.add(names.astype(str), np.char.add(" ", np.char.zfill((k // SAMPLE_CLIENTS + 1).astype(str), 3)))

    copies = np.arange(clients)
    table = listed.iloc[copies % SAMPLE_CLIENTS].reset_index(drop=True)
    table["client"] = name_of(copies)
    table["aliases"] = ""
    table.to_csv(out / "clients.csv", index=False)

    entries = base["time_entries"]
    entries = entries[(entries["date"] >= first) & (entries["client"] != "")].reset_index(drop=True)
    rows, copy, rep, repeat = _copies(entries, story(entries["client"]), clients, time_entries)
    rows["client"] = name_of(copy)
    rows["hours"] = (rows["hours"].astype(float) / repeat).round(4).astype(str)
    rows["task"] = rows["task"].where(rep == 0, rows["task"] + " (part " + (rep + 1).astype(str) + ")")
    rows.sort_values(["date", "client"], kind="stable").to_csv(out / "time_entries.csv", index=False)

    activities = base["crm_activities"]
    activities = activities[activities["date"] >= first].reset_index(drop=True)
    rows, copy, rep, _ = _copies(activities, story(activities["client"]), clients, crm)
    rows["client"] = name_of(copy)
    stamp = pd.to_datetime(rows["date"]) + pd.to_timedelta(rep * 3, unit="min")
    rows["date"] = stamp.dt.strftime("%Y-%m-%d %H:%M")
    threaded = rows["thread"] != ""
    rows.loc[threaded, "thread"] = rows.loc[threaded, "thread"] + "-" + copy[threaded].astype(str) + "-" + rep[threaded].astype(str)
    rows.sort_values(["date", "client"], kind="stable").to_csv(out / "crm_activities.csv", index=False)

    bills = base["invoices"]
    bills = bills[bills["issued"] >= first].reset_index(drop=True)
    rows, copy, rep, repeat = _copies(bills, story(bills["client"]), clients, invoices)
    rows["client"] = name_of(copy)
    rows["invoice"] = rows["invoice"] + "-" + copy.astype(str) + "-" + rep.astype(str)
    for column in ("amount", "paid_amount"):
        values = pd.to_numeric(rows[column], errors="coerce") / repeat
        rows[column] = values.map(lambda v: "" if pd.isna(v) else f"{v:.2f}")
    rows.to_csv(out / "invoices.csv", index=False)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.scale", description=__doc__.splitlines()[0])
    parser.add_argument("out_dir")
    parser.add_argument("--clients", type=int, default=500)
    parser.add_argument("--time-entries", type=int, default=1_000_000)
    parser.add_argument("--crm", type=int, default=200_000)
    parser.add_argument("--invoices", type=int, default=20_000)
    args = parser.parse_args(argv)
    print(write_agency(args.out_dir, args.clients, args.time_entries, args.crm, args.invoices))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
