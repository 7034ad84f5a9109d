"""The reports' figures. Every function draws on the Axes it is given (a new Figure's when none) and
returns it: axes methods only, no pyplot state, so that tests can check what was drawn.

Text from the inputs (client names, subjects) is drawn as plain text: a ``$`` never starts mathtext.

Every chart is worded in the language of its ``w`` (:func:`relhealth.i18n.words`, English by default): the
catalogue's ``charts.<chart>`` keys for its titles, axes and legends, ``names.<group>`` for the bands,
categories, flags and quadrants, the language's month names under the months, and in a language other than
English its decimal comma in the numbers drawn as text and on the value axes. Text a caller passes in (the
paired counts' labels and title, the waterfall's kinds, client names, invoices, currencies) is drawn as given.
"""
from __future__ import annotations

import matplotlib as mpl
import numpy as np
import pandas as pd
from babel.dates import format_date
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import BoundaryNorm, ListedColormap
from matplotlib.figure import Figure
from matplotlib.ticker import Formatter, FuncFormatter

from relhealth.i18n import ENGLISH, Words
from relhealth.metrics.eba import band_order

#: Colours of the EBA bands from the lowest (overdrawn) to the highest: orange to purple (ColorBrewer's
#: PuOr, safe for the colour-blind and in grey print); the heatmap writes each band's initial in its cells.
BAND_PALETTE = ["#b35806", "#f1a340", "#998ec3", "#542788", "#2d004b", "#1a0033"]
#: Colours of the time categories, in the order they are stacked.
CATEGORY_COLOURS = {
    "delivery": "#4c72b0",
    "extra": "#8172b3",
    "account_management": "#8c8c8c",
    "collections": "#c44e52",
    "internal": "#cccccc",
}
#: The heatmap's cells before a client's first record.
NO_RECORD = "#eef0f3"
#: Good and bad in the Okabe-Ito colours, which the colour-blind tell apart: blue and vermillion.
DEPOSIT, WITHDRAWAL, LINE = "#0072b2", "#d55e00", "#1f2937"
#: An old event fading: the pale colour of what it was.
FADING_DEPOSIT, FADING_WITHDRAWAL = "#a6cde8", "#f5bf99"
#: Where an infinite ratio (chasing with no work hours) is drawn, as a share above the largest finite one.
INF_HEADROOM = 1.25


#: Resolution of the figures in the pages, and the space left around what a figure draws, in inches.
DPI, MARGIN = 110, 0.06


def new_axes(width: float = 9.0, height: float = 3.6) -> Axes:
    """A fresh Axes on a Figure of its own (not registered with pyplot), at the pages' resolution. No layout
    engine: :func:`fit` places the axes once, when the figure is done."""
    figure = Figure(figsize=(width, height), dpi=DPI)
    return figure.add_subplot()


def fit(figure: Figure) -> Figure:
    """Place the axes of a finished ``figure`` of one axes (with its twins) so that its labels, title and
    legends just fit inside, from one measurement of what the axes draw with the renderer that then draws
    the figure (its text sizes are measured once). A layout engine measures twice and costs a page about a
    third of its figures' time; a figure that does not fit stays as it was."""
    if figure.get_layout_engine() is not None:      # a figure of the caller's, laid out its own way
        return figure
    renderer = FigureCanvasAgg(figure).get_renderer()
    boxes = [ax.get_tightbbox(renderer, for_layout_only=True) for ax in figure.axes if ax.get_visible()]
    if not boxes:
        return figure
    width, height = figure.get_size_inches() * figure.dpi
    box = figure.axes[0].get_position().transformed(figure.transFigure)
    pad = MARGIN * figure.dpi
    left = (box.x0 - min(b.x0 for b in boxes) + pad) / width
    right = 1 - (max(b.x1 for b in boxes) - box.x1 + pad) / width
    bottom = (box.y0 - min(b.y0 for b in boxes) + pad) / height
    top = 1 - (max(b.y1 for b in boxes) - box.y1 + pad) / height
    if right - left > 0.2 and top - bottom > 0.2:
        figure.subplots_adjust(left=left, right=right, bottom=bottom, top=top)
    return figure


def plain(text) -> str:
    """Input text made safe for matplotlib: ``$`` no longer starts mathtext."""
    return str(text).replace("$", r"\$")


def band_colours(bands: dict[str, float]) -> dict[str, str]:
    """A colour per band, ``overdrawn`` first then the bands from the lowest bound up."""
    names = band_order(bands)
    return {name: BAND_PALETTE[min(i, len(BAND_PALETTE) - 1)] for i, name in enumerate(names)}


def band_zones(bands: dict[str, float]) -> list[tuple[str, float, float]]:
    """Each band with the balances it covers, ``(name, from, to)``, from overdrawn up."""
    edges = sorted(bands.items(), key=lambda item: item[1])
    bounds = [-np.inf] + [bound for _, bound in edges] + [np.inf]
    names = band_order(bands)
    return [(name, bounds[i], bounds[i + 1]) for i, name in enumerate(names)]


def _dated(value, key: str, w: Words) -> str:
    """A date or a month written with the catalogue's date pattern ``key`` (a CLDR pattern, as Babel reads
    it): ``Mar 2026``, ``марта 2026``."""
    day = (value.start_time if isinstance(value, pd.Period) else pd.Timestamp(value)).date()
    return format_date(day, w(key), locale=w.lang)


def _month_labels(months, w: Words) -> list[str]:
    """The months under a chart, ``Jan`` / ``янв.``, with the year beneath January and the first month."""
    periods = [pd.Period(m, "M") for m in months]
    return [_dated(p, "charts.months.year_format" if p.month == 1 or i == 0 else "charts.months.tick_format", w)
            for i, p in enumerate(periods)]


def _points(value: float, w: Words, signed: bool = False) -> str:
    """An EBA figure drawn as text: ``+1.20``, ``+1,20``."""
    if w.english:
        return f"{value:+.2f}" if signed else f"{value:.2f}"
    return w.points(value, signed=signed)


def _short(value: float, w: Words, signed: bool = False) -> str:
    """A bound, a weight or a tick drawn as briefly as it is: ``0.25``, ``+2``; ``0,25`` in Russian."""
    if w.english:
        return f"{value:+g}" if signed else f"{value:g}"
    text = w.figure(abs(value))
    return ("-" if value < 0 else "+" if signed else "") + text


class DecimalFormatter(Formatter):
    """The tick labels of a value axis in a language other than English: the fewest decimals that write
    every tick exactly (as matplotlib's own labels), with the language's decimal comma and matplotlib's
    minus sign: ``−2,5  0,0  2,5``."""

    def __init__(self, w: Words, grouped: bool = False):
        self.w, self.grouped, self.ticks = w, grouped, []

    def set_locs(self, locs) -> None:
        self.ticks = list(locs)

    def __call__(self, x, pos=None) -> str:
        return self.write(x, self.decimals(self.ticks or [x]))

    @staticmethod
    def decimals(values) -> int:
        values = np.asarray([v for v in values if np.isfinite(v)], dtype="float64")
        scale = max(float(np.abs(values).max(initial=0.0)), 1.0)
        return next((d for d in range(7) if np.all(np.abs(values - np.round(values, d)) <= 1e-9 * scale)), 6)

    def write(self, value: float, decimals: int) -> str:
        text = self.w.number(value, decimals, grouped=self.grouped)
        return text.replace("-", "\N{MINUS SIGN}") if mpl.rcParams["axes.unicode_minus"] else text


def _value_axis(axis, w: Words) -> None:
    """The language's decimal comma on a value axis; English keeps matplotlib's own labels."""
    if not w.english:
        axis.set_major_formatter(DecimalFormatter(w))


def _band_name(band: str, w: Words) -> str:
    """A band as the language names it; a band of the agency's own as the settings name it."""
    return w.name("band", band, fallback=band)


def _monthly_axes(ax: Axes, months, top: float, ylabel: str, title: str, ncols: int, w: Words) -> Axes:
    """Finish a figure of one value per month: from 0 to ``top``, the months below, a legend on top."""
    ax.set_ylim(0, top)
    ax.set_xticks(np.arange(len(months)), _month_labels(months, w))
    _value_axis(ax.yaxis, w)
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.legend(loc="upper left", fontsize=8, frameon=False, ncols=ncols)
    return ax


def plot_eba_history(history: pd.DataFrame, bands: dict[str, float], ax: Axes | None = None, *,
                     w: Words = ENGLISH) -> Axes:
    """The EBA balance at each month's end as a line over the band zones, with the month's deposits and
    withdrawals as bars. ``history``: ``month, balance, deposits, withdrawals`` (from ``monthly_eba``)."""
    ax = ax or new_axes()
    x = np.arange(len(history))
    balance = history["balance"].to_numpy(dtype="float64")
    deposits = history["deposits"].to_numpy(dtype="float64")
    withdrawals = history["withdrawals"].to_numpy(dtype="float64")
    low = min(balance.min(), withdrawals.min(), 0.0)
    high = max(balance.max(), deposits.max(), max(bands.values(), default=0.0))
    pad = 0.08 * (high - low or 1.0)
    low, high = low - pad, high + pad
    colours = band_colours(bands)
    middles, names = [], []
    for name, start, stop in band_zones(bands):
        start, stop = max(start, low), min(stop, high)
        if stop > start:
            ax.axhspan(start, stop, color=colours[name], alpha=0.13, lw=0)
            middles.append((start + stop) / 2)
            names.append(name)
    zones = ax.secondary_yaxis("right")
    zones.set_yticks(middles, [_band_name(name, w) for name in names], fontsize=8)
    zones.tick_params(length=0)
    for label, name in zip(zones.get_yticklabels(), names):
        label.set_color(colours[name])
    ax.bar(x - 0.18, deposits, width=0.34, color=DEPOSIT, alpha=0.75, label=w("charts.eba.deposits"))
    ax.bar(x + 0.18, withdrawals, width=0.34, color=WITHDRAWAL, alpha=0.75, label=w("charts.eba.withdrawals"))
    ax.plot(x, balance, color=LINE, marker="o", lw=2, label=w("charts.eba.balance"))
    ax.axhline(0, color="#555555", lw=0.8)
    ax.set_ylim(low, high)
    ax.set_xlim(-0.6, len(history) - 0.4)
    ax.set_xticks(x, _month_labels(history["month"], w))
    _value_axis(ax.yaxis, w)
    ax.set_ylabel(w("charts.eba.axis"))
    ax.set_title(w("charts.eba.title"))
    ax.legend(loc="upper left", fontsize=8, frameon=False, ncols=3)
    return ax


def movement_words(weight: float, old: bool, *, w: Words = ENGLISH) -> str:
    """What an event did to the month's balance: ``new deposit``, ``new withdrawal``, ``old deposit
    fading`` (it lowers the balance) or ``old withdrawal fading`` (it raises it); «новое пополнение», ..."""
    what = "deposit" if weight >= 0 else "withdrawal"
    return w(f"charts.contributions.{'old' if old else 'new'}_{what}")


def plot_contributions(moved: pd.DataFrame, opening: float, month: str, top: int = 8,
                       ax: Axes | None = None, *, w: Words = ENGLISH) -> Axes:
    """A waterfall from the balance at the end of the month before to the balance at the month's end:
    one bar per event, largest movement first, the rest summed into one bar.

    ``moved``: ``date, kind, weight, contribution`` (from ``contributions``), largest first; ``opening``:
    the balance at the end of the month before. The kinds are drawn as given: the caller words them.
    """
    ax = ax or new_axes(height=max(2.4, 0.42 * (min(len(moved), top) + 3)))
    month = pd.Period(month, "M")
    shown = moved.head(top)
    rest = moved["contribution"].iloc[top:].sum() if len(moved) > top else None
    labels = [w("charts.contributions.balance", month=_dated(month - 1, "charts.contributions.balance_format", w))]
    starts, widths, colours = [0.0], [opening], ["#9ca3af"]
    level = opening
    hatches = [""]
    for row in shown.itertuples():
        when = _dated(row.date, "charts.contributions.date_format", w)
        old = pd.Timestamp(row.date).to_period("M") != month
        labels.append(plain(w("charts.contributions.event", what=movement_words(row.weight, old, w=w), date=when,
                                kind=row.kind, weight=_short(row.weight, w, signed=True))))
        starts.append(level)
        widths.append(row.contribution)
        # the colour says what the event was (deposit, withdrawal), the hatching that it is an old one fading
        colours.append((FADING_DEPOSIT if old else DEPOSIT) if row.weight >= 0 else
                       (FADING_WITHDRAWAL if old else WITHDRAWAL))
        hatches.append("///" if old else "")
        level += row.contribution
    if rest is not None:
        others = len(moved) - top
        labels.append(w("charts.contributions.rest", count=w.number(others, 0, grouped=False),
                        events=w.form(others, "event")))
        starts.append(level)
        widths.append(rest)
        colours.append("#d1d5db")
        hatches.append("")
        level += rest
    labels.append(w("charts.contributions.balance", month=_dated(month, "charts.contributions.balance_format", w)))
    starts.append(0.0)
    widths.append(level)
    colours.append(LINE)
    hatches.append("")
    y = np.arange(len(labels))
    bars = ax.barh(y, widths, left=starts, color=colours, height=0.6, edgecolor="#4b5563", linewidth=0.3)
    for bar, hatch in zip(bars, hatches):
        bar.set_hatch(hatch)
    for yi, start, width in zip(y, starts, widths):
        ax.text(max(start, start + width), yi, " " + _points(width, w, signed=0 < yi < len(labels) - 1),
                va="center", ha="left", fontsize=8)
    ax.axvline(0, color="#555555", lw=0.8)
    ax.set_yticks(y, labels, fontsize=8)
    ax.invert_yaxis()
    _value_axis(ax.xaxis, w)
    ax.set_xlabel(w("charts.contributions.axis"))
    ax.use_sticky_edges = False
    ax.margins(x=0.12)
    ax.set_title(w("charts.contributions.title", month=_dated(month, "charts.contributions.title_format", w)))
    return ax


def plot_hours(hours: pd.DataFrame, ax: Axes | None = None, *, w: Words = ENGLISH) -> Axes:
    """Hours by category per month as stacked bars. ``hours``: months as the index, one column per
    category."""
    ax = ax or new_axes()
    x = np.arange(len(hours))
    bottom = np.zeros(len(hours))
    order = [c for c in CATEGORY_COLOURS if c in hours.columns] + [c for c in hours.columns if c not in CATEGORY_COLOURS]
    for category in order:
        values = hours[category].to_numpy(dtype="float64")
        ax.bar(x, values, bottom=bottom, color=CATEGORY_COLOURS.get(category, "#dddddd"), width=0.7,
               label=w.name("category", category))
        bottom += values
    ax.set_xticks(x, _month_labels(hours.index, w))
    _value_axis(ax.yaxis, w)
    ax.set_ylabel(w("charts.hours.axis"))
    ax.set_title(w("charts.hours.title"))
    if order:                            # a client without time entries has no category to name
        ax.legend(loc="upper left", fontsize=8, frameon=False, ncols=len(order))
    ax.set_ylim(0, max(bottom.max(), 1.0) * 1.18)
    return ax


def plot_effort_ratio(effort: pd.DataFrame, flags: dict[str, float], ax: Axes | None = None, *,
                      w: Words = ENGLISH) -> Axes:
    """The effort ratio of each month and over three months, against the line where chasing equals the
    work (1.0) and the other flag bounds. An infinite ratio (chasing, no work hours) is drawn at the top
    with a triangle. ``effort``: ``month, effort_ratio, effort_ratio_3m``."""
    ax = ax or new_axes()
    x = np.arange(len(effort))
    month_ratio = effort["effort_ratio"].to_numpy(dtype="float64")
    three = effort["effort_ratio_3m"].to_numpy(dtype="float64")
    finite = np.concatenate([month_ratio[np.isfinite(month_ratio)], three[np.isfinite(three)], [1.0]])
    top = finite.max() * INF_HEADROOM
    for values, key, style in ((month_ratio, "month", "-o"), (three, "three_months", "--s")):
        ax.plot(x, np.where(np.isinf(values), top, values), style, lw=1.8, ms=4, label=w(f"charts.effort.{key}"))
        infinite = np.isinf(values)
        if infinite.any():
            ax.plot(x[infinite], np.full(infinite.sum(), top), "^", color=WITHDRAWAL, ms=9,
                    label=w("charts.effort.infinite") if key == "month" else None)
    for name, bound in flags.items():
        ax.axhline(bound, color=WITHDRAWAL if bound >= 1 else "#e8a33d", lw=1, ls=":")
        ax.text(-0.5, bound, w("charts.effort.flag", flag=w.name("flag", name, fallback=name), bound=_short(bound, w)),
                va="bottom", fontsize=8, color="#555555")
    return _monthly_axes(ax, effort["month"], top * 1.08, w("charts.effort.axis"), w("charts.effort.title"), ncols=3, w=w)


def plot_reply_times(history: pd.DataFrame, sla_hours: float, ax: Axes | None = None, *,
                     w: Words = ENGLISH) -> Axes:
    """The median reply time of each month, ours and the client's, against the client's own baseline
    (the median of the three months before) and our reply limit. A month without a reply is a gap.
    ``history``: ``month, reply_hours_median, client_reply_hours_median, client_reply_baseline_hours``."""
    ax = ax or new_axes(height=3.2)
    x = np.arange(len(history))
    ours = history["reply_hours_median"].to_numpy(dtype="float64")
    theirs = history["client_reply_hours_median"].to_numpy(dtype="float64")
    baseline = history["client_reply_baseline_hours"].to_numpy(dtype="float64")
    ax.plot(x, theirs, "-o", color=WITHDRAWAL, lw=1.8, ms=4, label=w("charts.replies.client"))
    ax.plot(x, baseline, "--", color="#e8a33d", lw=1.4, label=w("charts.replies.baseline"))
    ax.plot(x, ours, "-s", color="#4c72b0", lw=1.8, ms=4, label=w("charts.replies.ours"))
    ax.axhline(sla_hours, color="#8c8c8c", lw=1, ls=":")
    ax.text(-0.5, sla_hours, w("charts.replies.limit", hours=_short(sla_hours, w)), va="bottom", fontsize=8,
            color="#555555")
    top = np.nanmax(np.concatenate([ours, theirs, baseline, [sla_hours]]))
    return _monthly_axes(ax, history["month"], top * 1.25, w("charts.replies.axis"), w("charts.replies.title"), ncols=3,
                         w=w)


def plot_message_lengths(history: pd.DataFrame, ax: Axes | None = None, *, w: Words = ENGLISH) -> Axes:
    """The median length of the client's messages each month against its own baseline (the median of the
    three months before), over bars of how many messages the client wrote. A month without a text is a gap.
    ``history``: ``month, client_messages, length, length_baseline``."""
    ax = ax or new_axes(height=3.2)
    x = np.arange(len(history))
    counts = ax.twinx()
    counts.bar(x, history["client_messages"].to_numpy(dtype="float64"), width=0.6, color="#d9dee7", zorder=0)
    counts.set_ylabel(w("charts.lengths.messages"), fontsize=8, color="#6b7280")
    counts.yaxis.get_major_locator().set_params(integer=True)
    _value_axis(counts.yaxis, w)
    counts.set_ylim(0, max(float(history["client_messages"].max()), 1) * 2.2)
    ax.set_zorder(counts.get_zorder() + 1)
    ax.patch.set_visible(False)
    length = history["length"].to_numpy(dtype="float64")
    baseline = history["length_baseline"].to_numpy(dtype="float64")
    ax.plot(x, length, "-o", color=WITHDRAWAL, lw=1.8, ms=4, label=w("charts.lengths.length"))
    ax.plot(x, baseline, "--", color="#e8a33d", lw=1.4, label=w("charts.lengths.baseline"))
    top = np.nanmax(np.concatenate([length, baseline, [1.0]]))
    return _monthly_axes(ax, history["month"], top * 1.3, w("charts.lengths.axis"), w("charts.lengths.title"), ncols=2,
                         w=w)


def plot_days_late(paid: pd.DataFrame, ax: Axes | None = None, *, w: Words = ENGLISH) -> Axes:
    """Days late of each invoice paid in the last 12 months, in the order paid: above 0 late (vermillion),
    at or below on time or early (blue), each bar labelled with its days. ``paid``: ``invoice, paid_on,
    days_late``."""
    ax = ax or new_axes(height=3.0)
    x = np.arange(len(paid))
    late = paid["days_late"].to_numpy(dtype="float64")
    ax.bar(x, late, width=0.6, color=[WITHDRAWAL if d > 0 else DEPOSIT for d in late])
    for xi, days in zip(x, late):
        ax.text(xi, days, f"{days:+.0f}" if days else "0", ha="center", va="bottom" if days >= 0 else "top",
                fontsize=7)
    ax.axhline(0, color="#555555", lw=0.8)
    ax.set_xticks(x, [f"{plain(i)}\n{_dated(d, 'charts.days_late.paid_format', w)}"
                      for i, d in zip(paid["invoice"], paid["paid_on"])], fontsize=7)
    top = max(float(np.nanmax(np.abs(late), initial=1.0)), 1.0)
    ax.set_ylim(min(float(np.nanmin(late, initial=0.0)), 0) - 0.15 * top, max(float(np.nanmax(late, initial=0.0)), 0)
                + 0.2 * top)
    _value_axis(ax.yaxis, w)
    ax.set_ylabel(w("charts.days_late.axis"))
    ax.set_title(w("charts.days_late.title"))
    return ax


def plot_paired_counts(history: pd.DataFrame, good: str, bad: str, labels: tuple[str, str], title: str,
                       ax: Axes | None = None, *, w: Words = ENGLISH) -> Axes:
    """Two monthly counts side by side, the healthy one (``good``, green) left of the worrying one
    (``bad``, red): meetings held and cancelled, extras sold and gifted. ``history``: ``month`` and both
    columns; ``labels`` and ``title`` are drawn as given (the caller words them in ``w``'s language)."""
    ax = ax or new_axes(width=4.4, height=2.8)
    x = np.arange(len(history))
    ax.bar(x - 0.2, history[good].to_numpy(dtype="float64"), width=0.4, color=DEPOSIT, label=labels[0])
    ax.bar(x + 0.2, history[bad].to_numpy(dtype="float64"), width=0.4, color=WITHDRAWAL, label=labels[1])
    top = max(history[good].max(), history[bad].max(), 1)
    ax.set_ylim(0, top * 1.35)
    ax.yaxis.get_major_locator().set_params(integer=True)
    _value_axis(ax.yaxis, w)
    ax.set_xticks(x, _month_labels(history["month"], w), fontsize=7)
    ax.set_title(title, fontsize=10)
    ax.legend(loc="upper left", fontsize=8, frameon=False, ncols=2)
    return ax


def plot_aging(aging: pd.DataFrame, ax: Axes | None = None, *, w: Words = ENGLISH) -> Axes:
    """Outstanding amounts by aging bucket, one group of bars per currency. ``aging``: currencies as the
    index, the buckets as columns."""
    ax = ax or new_axes(height=3.0)
    buckets = list(aging.columns)
    x = np.arange(len(buckets))
    width = 0.8 / max(len(aging), 1)
    for i, (currency, row) in enumerate(aging.iterrows()):
        ax.bar(x - 0.4 + width * (i + 0.5), row.to_numpy(dtype="float64"), width=width * 0.95,
               color=["#74a9cf", "#fdd49e", "#fdbb84", "#fc8d59", "#d7301f"][: len(buckets)] if len(aging) == 1
               else None, label=plain(currency))
    ax.set_xticks(x, [w("charts.aging.current") if b == "current" else w("charts.aging.overdue", bucket=b)
                      for b in buckets])
    ax.set_ylabel(w("charts.aging.axis") if len(aging) != 1 else w("charts.aging.axis_currency", currency=aging.index[0]))
    ax.set_title(w("charts.aging.title"))
    if len(aging) > 1:
        ax.legend(fontsize=8, frameon=False)
    if w.english:
        ax.yaxis.set_major_formatter(lambda value, _: f"{value:,.0f}")
    else:
        amounts = DecimalFormatter(w, grouped=True)
        ax.yaxis.set_major_formatter(FuncFormatter(lambda value, _: amounts.write(value, 0)))
    return ax


def plot_quadrant(table: pd.DataFrame, trust_bound: float, cost_bound: float, ax: Axes | None = None,
                  labelled: list[str] | None = None, *, w: Words = ENGLISH) -> Axes:
    """Each client as a point: EBA balance across, three-month effort ratio up, with the four quadrants
    named. ``table``: ``client, eba_balance, effort_ratio_3m`` and, from the portfolio, ``quadrant`` and
    ``quadrant_why`` (a client placed elsewhere by its signals is ringed and labelled with its quadrant);
    ``labelled``: the clients whose points carry their name (default: all).

    The ratio axis is scaled by ``r / (r + cost_bound)``: the bound sits half-way up, 0 at the bottom and
    an infinite ratio (chasing, no work hours) at the top. A missing ratio (no hours) is drawn at 0.
    """
    ax = ax or new_axes(width=9.0, height=5.5)
    x = table["eba_balance"].to_numpy(dtype="float64")
    y = np.nan_to_num(table["effort_ratio_3m"].to_numpy(dtype="float64"), nan=0.0, posinf=np.inf)

    def forward(r):
        r = np.asarray(r, dtype="float64")
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(np.isinf(r), 1.0, r / (np.maximum(r, 0) + cost_bound))

    def inverse(u):
        u = np.asarray(u, dtype="float64")
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(u >= 1, np.inf, cost_bound * u / (1 - np.minimum(u, 0.999999)))

    span = max(x.max(initial=trust_bound) - x.min(initial=trust_bound), 10.0)
    left = min(x.min(initial=trust_bound), trust_bound) - 0.08 * span
    right = max(x.max(initial=trust_bound), trust_bound) + 0.08 * span
    ax.set_yscale("function", functions=(forward, inverse))
    ax.set_xlim(left, right)
    ax.set_ylim(0, inverse(0.97))
    ax.axvline(trust_bound, color="#555555", lw=1)
    ax.axhline(cost_bound, color="#555555", lw=1)
    names = [("consider parting", left, "left", inverse(0.95), "top"),
             ("renegotiate terms", right, "right", inverse(0.95), "top"),
             ("fix our service", left, "left", inverse(0.48), "top"),
             ("keep and grow", right, "right", inverse(0.48), "top")]
    for name, cx, align, cy, va in names:
        ax.text(cx, cy, f"  {w.name('quadrant', name)}  ", ha=align, va=va, fontsize=10, color="#6b7280", weight="bold")
    drawn_y = np.where(np.isinf(y), inverse(0.9), y)
    ax.scatter(x, drawn_y, s=42, color=LINE, zorder=3)
    named = table["client"].isin(table["client"] if labelled is None else labelled).to_numpy()
    # a client its signals placed elsewhere (the portfolio's quadrant) is ringed and says where
    placed = table["quadrant"] if "quadrant" in table.columns else pd.Series("", index=table.index)
    moved = table.get("quadrant_why", pd.Series("", index=table.index)).fillna("").astype("str") != ""
    ax.scatter(x[moved.to_numpy()], drawn_y[moved.to_numpy()], s=160, facecolors="none", edgecolors=WITHDRAWAL,
               linewidths=1.5, zorder=4)
    texts = [w("charts.quadrant.placed", client=plain(name), quadrant=w.name("quadrant", where, fallback=str(where)))
             if m else plain(name) for name, where, m in zip(table["client"], placed, moved)]
    _label_points(ax, x[named], drawn_y[named], [t for t, n in zip(texts, named) if n])
    ticks = [t for t in (0, 0.1, cost_bound, 0.5, 1, 2, 5, 20) if forward(t) < 0.97]
    ax.set_yticks(sorted(set(ticks)), [_short(t, w) for t in sorted(set(ticks))])
    ax.minorticks_off()
    _value_axis(ax.xaxis, w)
    ax.set_xlabel(w("charts.quadrant.trust"))
    ax.set_ylabel(w("charts.quadrant.cost"))
    ax.set_title(w("charts.quadrant.title"))
    return ax


def _label_points(ax: Axes, x, y, labels: list[str], fontsize: float = 8) -> None:
    """Label each point beside it, moving a label up or down when it would cover one already placed."""
    figure = ax.figure
    figure.canvas.draw_idle()
    to_pixels = ax.transData.transform
    scale = figure.dpi / 72
    placed: list[tuple[float, float, float, float]] = []
    order = np.argsort(x, kind="stable")
    frame = ax.bbox
    for i in order:
        px, py = to_pixels((x[i], y[i]))
        width, height = 0.6 * fontsize * len(labels[i]) * scale, 1.25 * fontsize * scale
        dx = 6 if px + 6 * scale + width <= frame.x1 else -6 - width / scale
        for dy in (4, 14, -14, 24, -24, 34, -34, 44, -44, 54, 64, 74, 84):
            box = (px + dx * scale, py + dy * scale, px + dx * scale + width, py + dy * scale + height)
            inside = box[1] >= frame.y0 and box[3] <= frame.y1
            if inside and not any(box[0] < b[2] and b[0] < box[2] and box[1] < b[3] and b[1] < box[3]
                                  for b in placed):
                break
        placed.append(box)
        ax.annotate(labels[i], (x[i], y[i]), xytext=(dx, dy), textcoords="offset points", fontsize=fontsize,
                    arrowprops={"arrowstyle": "-", "color": "#9ca3af", "lw": 0.6} if abs(dy) > 4 else None)


def plot_band_heatmap(history: pd.DataFrame, bands: dict[str, float], clients: list[str] | None = None,
                      ax: Axes | None = None, *, w: Words = ENGLISH) -> Axes:
    """Clients by months, each cell coloured by the EBA band at that month's end (grey before the
    client's first record). ``history``: ``client, month, band``; ``clients`` sets the order of the rows
    (default: as they come)."""
    clients = clients if clients is not None else list(dict.fromkeys(history["client"]))
    months = sorted(history["month"].unique())
    ax = ax or new_axes(height=max(2.5, 0.34 * len(clients) + 1.2))
    colours = band_colours(bands)
    names = list(colours)
    codes = (history.assign(code=history["band"].map({n: i for i, n in enumerate(names)}))
             .pivot(index="client", columns="month", values="code").reindex(index=clients, columns=months))
    cmap = ListedColormap([colours[n] for n in names]).with_extremes(bad=NO_RECORD)
    norm = BoundaryNorm(np.arange(len(names) + 1) - 0.5, len(names))
    ax.imshow(codes.to_numpy(dtype="float64"), aspect="auto", cmap=cmap, norm=norm, interpolation="nearest")
    ax.set_yticks(np.arange(len(clients)), [plain(c) for c in clients], fontsize=8)
    ax.set_xticks(np.arange(len(months)), _month_labels(months, w), fontsize=8)
    ax.set_xticks(np.arange(len(months) + 1) - 0.5, minor=True)
    ax.set_yticks(np.arange(len(clients) + 1) - 0.5, minor=True)
    ax.grid(which="minor", color="white", lw=1.5)
    ax.tick_params(which="minor", length=0)
    shown = {n: _band_name(n, w) for n in names}
    initials = {n: w.entries.get(f"charts.heatmap.initial.{n}", shown[n][:1].upper()) for n in names}
    values = codes.to_numpy(dtype="float64")
    for (row, column), code in np.ndenumerate(values):       # the band's initial: a cue beside the colour
        if not np.isnan(code):
            ax.text(column, row, initials[names[int(code)]], ha="center", va="center", fontsize=7,
                    color="white" if int(code) in (0, *range(2, len(names))) else LINE)
    handles = [ax.bar(0, 0, color=colours[n], label=w("charts.heatmap.band", initial=initials[n], band=shown[n]))
               for n in names]
    if codes.isna().to_numpy().any():
        handles.append(ax.bar(0, 0, color=NO_RECORD, label=w("charts.heatmap.no_record")))
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=8, frameon=False)
    ax.set_title(w("charts.heatmap.title"))
    return ax
