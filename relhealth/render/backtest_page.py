"""The sections of the backtest page (DESIGN section 4c), each a :class:`~relhealth.render.html.Fragment` that
the backtest notebook shows, and :func:`open_backtest`, what its first cell calls.

Every figure comes from :func:`relhealth.review.backtest.backtest`; this module only puts it into words.
"""
from __future__ import annotations

import dataclasses
from pathlib import Path
from types import SimpleNamespace

import pandas as pd

from relhealth import read_dataset
from relhealth.i18n import DASH, Words
from relhealth.metrics.eba import band_order
from relhealth.render.bundles import read_bundle
from relhealth.render.html import Fragment, section, table
from relhealth.render.shared_sections import footer as shared_footer
from relhealth.render.shared_sections import page_words
from relhealth.render.shared_sections import quality_notes as notes_section
from relhealth.render.words import signal_title
from relhealth.resources import SAMPLE_DIR
from relhealth.review.backtest import FEW_EVENTS, OUTCOMES, RUN_UP, BacktestReport, backtest, warns
from relhealth.review.portfolio import QUADRANTS
from relhealth.settings import load_settings

#: The score's two figures, then the two naive baselines the score has to beat.
SCORE, BASELINES = ("eba_balance", "effort_ratio_3m"), ("work_hours_falling", "client_silence_days")
#: Under this spread of the balance's AUC across the half-lives, the half-life hardly matters.
STEADY = 0.05


def open_backtest(data: str | None = None, config: str | None = None, first: str | None = None,
                  last: str | None = None, lang: str | None = None, *, reps: int = 1000) -> BacktestReport:
    """The backtest written by ``relhealth backtest`` (a file), or the backtest of a data folder (default: the
    bundled sample) over the months ``first`` to ``last`` ("YYYY-MM"; default: from the third month of the
    data to the month of its newest record), scored with ``config`` (default: the shipped settings), its
    page in ``lang`` (default: ``[report] language``). ``reps``: the bootstrap's resamples."""
    if data and Path(data).is_file():
        report = read_bundle(data, BacktestReport)
        return dataclasses.replace(report, settings=report.settings.with_language(lang))
    settings = load_settings(config or None).with_language(lang)
    dataset = read_dataset(data or SAMPLE_DIR, settings)
    return backtest(dataset, settings, first or None, last or None, reps=reps)


def title(report: BacktestReport) -> Fragment:
    """The page's title, the months replayed and how many client-months and clients they hold."""
    w = page_words(report)
    if not len(report.months):
        subtitle = w("backtest.title.no_months")
    else:
        subtitle = w("backtest.title.subtitle", first=w.month_of(report.months[0]), last=w.month(report.months[-1]),
                     client_months=w.count(len(report.panel), "backtest_client_month"),
                     clients=w.count(report.panel["client"].nunique(), "client"))
    return section("portfolio/title.html.j2", title=w("backtest.title.title"), subtitle=subtitle)


def summary(report: BacktestReport) -> Fragment:
    """What a director should conclude: how many clients left and how many of them were warned early
    enough; whether the balance (and the effort ratio) rank each outcome better than the naive baselines,
    or that there is nothing, or not enough, to measure yet; and that nothing was fitted."""
    w = page_words(report)
    lines = [_churn_line(report, w)]
    for outcome in OUTCOMES:
        if outcome == "churned" and report.churned.empty:
            continue                          # the churn line has said there is nothing to measure
        lines.append(_auc_line(report, outcome, w))
    lines.append(w("backtest.summary.nothing_fitted"))
    return Fragment("").join(section("paragraph.html.j2", text=line, css="") for line in lines)


def _churn_line(report: BacktestReport, w: Words) -> str:
    if report.churned.empty:
        return w("backtest.summary.no_churn")
    churned, warned = len(report.churned), int(report.churned["warned"].sum())
    return w("backtest.summary.churn", churned=churned, clients=report.panel["client"].nunique(), warned=warned,
             lead=_lead(report, w), share=_percent(warned / churned, w))


def _auc_line(report: BacktestReport, outcome: str, w: Words) -> str:
    """For one outcome: the AUCs of the score and of the baselines, whether the balance and the effort
    ratio beat the baselines, and whether there are enough events to tell."""
    aucs = report.aucs.set_index(["predictor", "outcome"])
    events = int(aucs.loc[("eba_balance", outcome), "events"])
    name = w(f"backtest.outcome.{outcome}")
    if not events:
        return w("backtest.summary.no_events", outcome=name, horizon=_horizon(report, w))
    value = {p: aucs.loc[(p, outcome), "auc"] for p in (*SCORE, *BASELINES)}
    said = {p: w("format.none") if _missing(v) else _auc(v, w) for p, v in value.items()}
    parts = [w("backtest.summary.aucs", outcome=name, balance=said["eba_balance"], effort=said["effort_ratio_3m"],
               hours=said["work_hours_falling"], silence=said["client_silence_days"])]
    parts += [_verdict(predictor, value, w) for predictor in SCORE] + [_missing_baselines(value, w)]
    if events < FEW_EVENTS:
        parts.append(w("backtest.summary.indicative", events=w.count(events, f"backtest_{outcome}_event"),
                       few=FEW_EVENTS))
    return " ".join(part for part in parts if part)


def _verdict(predictor: str, value: dict, w: Words) -> str:
    """Whether ``predictor`` ranks better (a higher AUC) than each naive baseline that can be measured, in
    one sentence."""
    subject = w(f"backtest.subject.{predictor}")
    if _missing(value[predictor]):
        return w("backtest.summary.unmeasured", subject=subject)
    measured = [b for b in BASELINES if not _missing(value[b])]
    beaten = [w(f"backtest.baseline.{b}") for b in measured if value[predictor] > value[b]]
    lost = [w(f"backtest.baseline.{b}") for b in measured if value[predictor] <= value[b]]
    if not measured:
        return ""
    if len(beaten) == 2:
        text = w("backtest.summary.beats_both", subject=subject)
    elif len(lost) == 2:
        text = w("backtest.summary.beats_neither", subject=subject)
    elif beaten and lost:
        text = w("backtest.summary.beats_not", subject=subject, beaten=beaten[0], lost=lost[0])
    elif beaten:
        text = w("backtest.summary.beats", subject=subject, beaten=beaten[0])
    else:
        text = w("backtest.summary.loses", subject=subject, lost=lost[0])
    return text + (" " + w("backtest.summary.reversed") if value[predictor] < 0.5 else "")


def _missing_baselines(value: dict, w: Words) -> str:
    """Which naive baselines have no AUC, in one sentence (empty when both have one)."""
    missing = [w(f"backtest.baseline.{b}") for b in BASELINES if _missing(value[b])]
    if len(missing) == 2:
        return w("backtest.summary.no_baseline")
    return w("backtest.summary.no_auc", missing=missing[0]) if missing else ""


def rates(report: BacktestReport) -> Fragment:
    """How often each outcome followed a month in each band (the lowest first) and in each quadrant, with
    Wilson's 95% interval, and a sentence of reading under each table."""
    w = page_words(report)
    bands = band_order(report.settings["eba"]["bands"])
    quadrants = [name for name, _, _ in QUADRANTS]
    parts = Fragment("")
    for by, order, css in (("eba_band", bands, "band"), ("quadrant", quadrants, "quadrant")):
        found = report.rates[report.rates["by"] == by]
        order = order + [g for g in found["group"].unique() if g not in order]
        rows = []
        for group in order:
            cells = {o: found[(found["group"] == group) & (found["outcome"] == o)] for o in OUTCOMES}
            rows.append([w.name(css, group)] + [_rate_cell(cells[o], w) for o in OUTCOMES])
        frame = pd.DataFrame(rows, columns=[w(f"backtest.rates.{css}"), *(w(f"backtest.rates.{o}") for o in OUTCOMES)])
        parts += section("subheading.html.j2", text=w(f"backtest.rates.by_{css}"))
        parts += table(frame, empty=w("backtest.rates.empty"), w=w)
        readings = [_rate_reading(found, order, outcome, css, w) for outcome in OUTCOMES]
        parts += section("paragraph.html.j2", text=" ".join(readings), css="")
    return parts + section("paragraph.html.j2", text=w("backtest.rates.wilson", horizon=_horizon(report, w)), css="sub")


def _rate_cell(rows: pd.DataFrame, w: Words) -> str:
    if rows.empty or not rows["client_months"].iloc[0]:
        return DASH
    r = rows.iloc[0]
    return w("backtest.rates.cell", events=int(r["events"]), months=int(r["client_months"]),
             rate=_percent_number(r["rate"], w), low=_percent_number(r["low"], w), high=_percent_number(r["high"], w))


def _rate_reading(found: pd.DataFrame, order: list[str], outcome: str, css: str, w: Words) -> str:
    """Whether the outcome followed the group at the risky end (the lowest band, "consider parting") most
    often, against the group at the safe end, among the groups with a month whose outcome is known."""
    name = w(f"backtest.outcome.{outcome}")
    rows = found[(found["outcome"] == outcome) & (found["client_months"] > 0)].set_index("group")
    known = [g for g in order if g in rows.index]
    if not int(rows["events"].sum()):
        return w("backtest.rates.none", outcome=name)
    if len(known) < 2:
        return w(f"backtest.rates.one_{css}", outcome=name, group=w.name(css, known[0]))
    worst, best = rows.loc[known[0]], rows.loc[known[-1]]
    top = max(known, key=lambda g: (rows.loc[g, "rate"], -known.index(g)))
    if top != known[0]:
        return w(f"backtest.rates.misranked_{css}", outcome=name, top=w.name(css, top),
                 top_rate=_percent(rows.loc[top, "rate"], w), worst=w.name(css, known[0]),
                 worst_rate=_percent(worst["rate"], w))
    verdict = w("backtest.rates.apart" if worst["low"] > best["high"] else "backtest.rates.overlap")
    return w(f"backtest.rates.reading_{css}", outcome=name, worst=w.name(css, known[0]), best=w.name(css, known[-1]),
             worst_rate=_percent(worst["rate"], w), best_rate=_percent(best["rate"], w), verdict=verdict)


def churned(report: BacktestReport) -> Fragment:
    """Every client that left: when, its first warning and how many months ahead; then each one's last
    months before it left; then the share warned ``[backtest] lead_months`` or more ahead."""
    w = page_words(report)
    if report.churned.empty:
        return section("paragraph.html.j2", css="empty", text=w(
            "backtest.churned.none", churn_months=w.count(report.settings["backtest"]["churn_months"], "backtest_month")))
    keys = ("client", "left", "first_warning", "ahead", "warned")
    rows = []
    for r in report.churned.to_dict("records"):
        first = r["first_warning"]
        ahead = r["lead_months"]
        state = "in_time" if r["warned"] else "too_late" if first is not None and not pd.isna(first) else "never"
        rows.append([r["client"], w.month(r["churn_month"]),
                     w.month(first) if state != "never" else w("backtest.churned.no_warning"),
                     w.count(int(ahead), "backtest_month") if state != "never" else DASH,
                     w(f"backtest.churned.{state}")])
    frame = pd.DataFrame(rows, columns=[w(f"backtest.churned.{k}") for k in keys])
    count, warned = len(report.churned), int(report.churned["warned"].sum())
    parts = table(frame, w=w) + section("paragraph.html.j2", css="", text=w(
        "backtest.churned.share", lead=_lead(report, w), warned=warned, churned=count, share=_percent(warned / count, w)))
    parts += section("paragraph.html.j2", css="sub", text=w("backtest.churned.warning", run_up=w.count(RUN_UP, "backtest_month")))
    for r in report.churned.to_dict("records"):
        parts += section("subheading.html.j2", text=w("backtest.churned.run_up", client=r["client"],
                                                        month=w.month(r["churn_month"])))
        parts += _run_up(report.run_up[report.run_up["client"] == r["client"]], w)
    return parts


def _run_up(rows: pd.DataFrame, w: Words) -> Fragment:
    keys = ("month", "balance", "band", "flag", "signals", "warns")
    signals = rows["part_flags"].fillna("").ne("").astype(int)
    shown = []
    for r, warned in zip(rows.to_dict("records"), warns(rows.assign(part_signals=signals))):
        flag = r["effort_flag"] if isinstance(r["effort_flag"], str) else ""
        codes = r["part_flags"].split(";") if isinstance(r["part_flags"], str) and r["part_flags"] else []
        shown.append([w.month_short(r["month"]), w.points(r["eba_balance"]), w.name("band", r["eba_band"]),
                      w.name("flag", flag) if flag else "", "; ".join(signal_title(c, w) for c in codes),
                      w("backtest.churned.warns") if warned else ""])
    return table(pd.DataFrame(shown, columns=[w(f"backtest.run_up.{k}") for k in keys]), w=w)


def aucs(report: BacktestReport) -> Fragment:
    """The AUC of the balance, of the 3-month effort ratio and of the two naive baselines for each outcome,
    with the bootstrap interval and the events behind it, "indicative" under ``FEW_EVENTS`` events."""
    w = page_words(report)
    found = report.aucs.set_index(["predictor", "outcome"])
    rows = []
    for predictor in (*SCORE, *BASELINES):
        row = [w(f"backtest.predictor.{predictor}")]
        for outcome in OUTCOMES:
            r = found.loc[(predictor, outcome)]
            row += [_auc_cell(r, w), w("backtest.aucs.events_of", events=int(r["events"]), rows=int(r["rows"]))]
        rows.append(row)
    columns = [w("backtest.aucs.predictor")] + [w(f"backtest.aucs.{key}_{o}") for o in OUTCOMES for key in ("auc", "events")]
    return table(pd.DataFrame(rows, columns=columns), w=w) + Fragment("").join(
        section("paragraph.html.j2", text=w(f"backtest.aucs.{key}", few=FEW_EVENTS), css="sub")
        for key in ("meaning", "bootstrap", "indicative_note", "missing"))


def _auc_cell(r: pd.Series, w: Words) -> str:
    if _missing(r["auc"]):
        return DASH
    if _missing(r["low"]) or _missing(r["high"]):
        text = w("backtest.aucs.no_interval", auc=_auc(r["auc"], w))
    else:
        text = w("backtest.aucs.interval", auc=_auc(r["auc"], w), low=_auc(r["low"], w), high=_auc(r["high"], w))
    return w("backtest.aucs.indicative", auc=text) if r["indicative"] else text


def sensitivity(report: BacktestReport) -> Fragment:
    """The balance's AUC for each outcome under each half-life of the sensitivity table, the settings' own
    marked, with a reading."""
    w = page_words(report)
    current = report.settings["eba"]["half_life_days"]
    found = report.sensitivity.set_index(["half_life_days", "outcome"])
    days = list(dict.fromkeys(report.sensitivity["half_life_days"]))
    rows = []
    for d in days:
        label = _half_life(d, w)
        label = w("backtest.sensitivity.current", half_life=label) if d == current else label
        rows.append([label] + [_auc(found.loc[(d, o), "auc"], w) for o in OUTCOMES])
    frame = pd.DataFrame(rows, columns=[w("backtest.sensitivity.half_life"),
                                        *(w(f"backtest.sensitivity.{o}") for o in OUTCOMES)])
    readings = []
    for outcome in OUTCOMES:
        values = report.sensitivity[report.sensitivity["outcome"] == outcome].dropna(subset=["auc"])
        name = w(f"backtest.outcome.{outcome}")
        if values.empty:
            readings.append(w("backtest.sensitivity.none", outcome=name))
            continue
        low, high = values["auc"].min(), values["auc"].max()
        text = w("backtest.sensitivity.reading", outcome=name, low=_auc(low, w), high=_auc(high, w))
        if high - low < STEADY:
            text += " " + w("backtest.sensitivity.steady")
        else:
            best = values.loc[values["auc"].idxmax(), "half_life_days"]
            text += " " + w("backtest.sensitivity.varies", best=_half_life(best, w))
        readings.append(text)
    return table(frame, w=w) + section("paragraph.html.j2", text=" ".join(readings), css="") + section(
        "paragraph.html.j2", text=w("backtest.sensitivity.choice", half_life=_half_life(current, w)), css="sub")


def quality_notes(report: BacktestReport) -> Fragment:
    """The data-quality notes of the folder, in the page's language."""
    w = page_words(report)
    return notes_section(report.quality, empty=w("backtest.page.no_notes"), w=w)


def footer(report: BacktestReport) -> Fragment:
    """The footer: the data folder, the last month replayed, when the page was generated, the settings'
    fingerprint and the version of relhealth."""
    last = report.months[-1] if len(report.months) else pd.Timestamp.now().to_period("M")
    return shared_footer(SimpleNamespace(folder=report.folder, month=last, settings=report.settings))


def _missing(value) -> bool:
    return value is None or bool(pd.isna(value))


def _auc(value, w: Words) -> str:
    return DASH if _missing(value) else w.number(value, 2)


def _percent_number(value: float, w: Words) -> str:
    return w.number(value * 100, 0)


def _percent(value: float, w: Words) -> str:
    return w("backtest.percent", value=_percent_number(value, w))


def _half_life(days, w: Words) -> str:
    return w("backtest.sensitivity.no_decay") if not days else w.count(int(days), "day")


def _lead(report: BacktestReport, w: Words) -> str:
    return w.count(report.settings["backtest"]["lead_months"], "backtest_month")


def _horizon(report: BacktestReport, w: Words) -> str:
    return w.count(report.settings["backtest"]["horizon_months"], "backtest_month")
