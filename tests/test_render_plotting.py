"""The report figures (relhealth.plotting), checked on what they draw, not on pixels."""
import numpy as np
import pandas as pd
import pytest
from matplotlib.collections import PathCollection
from matplotlib.colors import to_hex, to_rgba

from relhealth.render import plotting

BANDS = {"strong": 15, "healthy": 5, "watch": 0}
MONTHS = pd.period_range("2026-01", "2026-03", freq="M")


def bar_heights(ax, label):
    container = next(c for c in ax.containers if c.get_label() == label)
    return [round(bar.get_height(), 6) for bar in container]


def test_eba_history_draws_the_balance_line_and_the_months_deposits_and_withdrawals():
    history = pd.DataFrame({"month": MONTHS, "balance": [2.0, 6.5, -1.0], "deposits": [2.0, 5.0, 0.0],
                            "withdrawals": [0.0, 0.0, -6.0]})
    ax = plotting.plot_eba_history(history, BANDS)
    line = next(drawn for drawn in ax.lines if drawn.get_label() == "balance at month end")
    assert list(line.get_ydata()) == [2.0, 6.5, -1.0]
    assert bar_heights(ax, "deposits in the month") == [2.0, 5.0, 0.0]
    assert bar_heights(ax, "withdrawals in the month") == [0.0, 0.0, -6.0]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["Jan\n2026", "Feb", "Mar"]
    assert ax.get_title().startswith("Emotional bank account")
    # the band zones: overdrawn below 0, watch 0-5, healthy 5-15 (strong is above the drawn range)
    assert len(ax.child_axes) == 1
    names = [t.get_text() for t in ax.child_axes[0].get_yticklabels()]
    assert names == ["overdrawn", "watch", "healthy", "strong"]


def test_the_waterfall_runs_from_last_months_balance_through_each_event_to_this_months():
    moved = pd.DataFrame({"date": pd.to_datetime(["2026-03-20", "2026-01-15", "2026-02-10", "2026-03-05"]),
                          "kind": ["complaint", "escalation", "praise", "deadline_met"],
                          "weight": [-4.0, -8.0, 3.0, 2.0], "contribution": [-4.0, 1.2, -0.5, 1.8]})
    ax = plotting.plot_contributions(moved, opening=3.0, month="2026-03", top=3)
    bars = ax.containers[0]
    # opening 3.0; complaint -4.0 from 3.0; the escalation fading +1.2 from -1.0; praise fading -0.5 from 0.2;
    # 1 other event +1.8 from -0.3; closing 1.5
    assert [round(b.get_width(), 6) for b in bars] == [3.0, -4.0, 1.2, -0.5, 1.8, 1.5]
    assert [round(b.get_x(), 6) for b in bars] == [0.0, 3.0, -1.0, 0.2, -0.3, 0.0]
    assert [t.get_text() for t in ax.get_yticklabels()] == [
        "balance at the end of Feb 2026", "new withdrawal: 20 Mar 2026 complaint -4",
        "old withdrawal fading: 15 Jan 2026 escalation -8", "old deposit fading: 10 Feb 2026 praise +3",
        "1 other event", "balance at the end of Mar 2026"]
    # a fading withdrawal raises the balance but is drawn as what it was, a withdrawal, pale and hatched
    colours = [to_hex(b.get_facecolor()) for b in bars]
    assert colours[1:4] == [plotting.WITHDRAWAL, plotting.FADING_WITHDRAWAL, plotting.FADING_DEPOSIT]
    assert [b.get_hatch() or "" for b in bars][1:4] == ["", "///", "///"]
    assert ax.get_title() == "What moved the balance in March 2026"


def test_hours_are_stacked_by_category_delivery_first():
    hours = pd.DataFrame({"collections": [0.0, 2.0], "delivery": [4.0, 6.0]},
                         index=pd.period_range("2026-02", "2026-03", freq="M"))
    ax = plotting.plot_hours(hours)
    assert [c.get_label() for c in ax.containers] == ["delivery", "collections"]
    assert bar_heights(ax, "collections") == [0.0, 2.0]
    assert [round(b.get_y(), 6) for b in ax.containers[1]] == [4.0, 6.0]   # on top of delivery


def test_the_effort_ratio_is_drawn_against_the_flag_bounds_and_infinity_at_the_top():
    effort = pd.DataFrame({"month": MONTHS, "effort_ratio": [0.5, np.inf, np.nan],
                           "effort_ratio_3m": [0.5, 1.5, 1.5]})
    ax = plotting.plot_effort_ratio(effort, {"red": 1.0, "amber": 0.25})
    month_line = next(drawn for drawn in ax.lines if drawn.get_label() == "ratio over the month")
    top = 1.5 * plotting.INF_HEADROOM
    assert list(month_line.get_ydata()[:2]) == [0.5, top] and np.isnan(month_line.get_ydata()[2])
    marker = next(drawn for drawn in ax.lines if drawn.get_label() == "chasing with no work hours")
    assert list(marker.get_xdata()) == [1] and list(marker.get_ydata()) == [top]
    assert sorted(drawn.get_ydata()[0] for drawn in ax.lines if drawn.get_linestyle() == ":") == [0.25, 1.0]


def test_aging_draws_each_bucket_of_one_currency():
    aging = pd.DataFrame({"current": [700.0], "1-30": [0.0], "31-60": [1000.0], "61-90": [0.0], "90+": [0.0]},
                         index=pd.Index(["EUR"], name="currency"))
    ax = plotting.plot_aging(aging)
    assert bar_heights(ax, "EUR") == [700.0, 0.0, 1000.0, 0.0, 0.0]
    assert ax.get_ylabel() == "outstanding, EUR"


def test_the_quadrant_places_each_client_and_names_the_four_quadrants():
    table = pd.DataFrame({"client": ["Acme $5$", "Beta", "Gamma"], "eba_balance": [-2.0, 8.0, 1.0],
                          "effort_ratio_3m": [np.inf, 0.1, np.nan]})
    ax = plotting.plot_quadrant(table, trust_bound=5, cost_bound=0.25)
    points = next(c for c in ax.collections if isinstance(c, PathCollection)).get_offsets()
    assert points[:, 0].tolist() == [-2.0, 8.0, 1.0]
    # on the r / (r + 0.25) axis an infinite ratio is drawn at 0.9 of the way up; a missing one at 0
    assert points[1, 1] == pytest.approx(0.1) and points[2, 1] == 0.0
    assert points[0, 1] == pytest.approx(0.25 * 0.9 / 0.1)
    texts = {t.get_text().strip() for t in ax.texts}
    assert {"consider parting", "renegotiate terms", "fix our service", "keep and grow"} <= texts
    assert r"Acme \$5\$" in texts        # a $ in a name is text, not mathtext


def test_the_quadrant_names_only_the_clients_asked_and_draws_every_point():
    table = pd.DataFrame({"client": ["Acme", "Beta", "Gamma"], "eba_balance": [-2.0, 8.0, 1.0],
                          "effort_ratio_3m": [0.5, 0.1, 0.2]})
    ax = plotting.plot_quadrant(table, trust_bound=5, cost_bound=0.25, labelled=["Gamma", "Acme"])
    points = next(c for c in ax.collections if isinstance(c, PathCollection)).get_offsets()
    assert len(points) == 3
    names = {t.get_text() for t in ax.texts} - {f"  {q}  " for q in ("consider parting", "renegotiate terms",
                                                                      "fix our service", "keep and grow")}
    assert names == {"Acme", "Gamma"}


def test_the_heatmap_colours_each_client_and_month_by_band():
    history = pd.DataFrame({"client": ["A", "A", "B", "B"], "month": list(MONTHS[:2]) * 2,
                            "band": ["overdrawn", "watch", "strong", "healthy"]})
    ax = plotting.plot_band_heatmap(history, BANDS, clients=["B", "A"])
    codes = ax.images[0].get_array()
    # overdrawn 0, watch 1, healthy 2, strong 3; rows in the order asked
    assert codes.tolist() == [[3.0, 2.0], [0.0, 1.0]]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["B", "A"]


def test_the_heatmap_leaves_the_months_before_a_clients_first_record_grey():
    history = pd.DataFrame({"client": ["New", "New"], "month": list(MONTHS[:2]), "band": [None, "healthy"]})
    ax = plotting.plot_band_heatmap(history, BANDS)
    codes = ax.images[0].get_array()
    assert codes.mask.tolist() == [[True, False]] and codes[0, 1] == 2.0
    assert ax.images[0].cmap.get_bad().tolist() == list(to_rgba(plotting.NO_RECORD))
    assert "no record yet" in [t.get_text() for t in ax.get_legend().get_texts()]


def test_reply_times_draw_both_sides_the_clients_baseline_and_our_limit():
    history = pd.DataFrame({"month": MONTHS, "reply_hours_median": [2.0, np.nan, 3.0],
                            "client_reply_hours_median": [4.0, 9.0, 30.0],
                            "client_reply_baseline_hours": [np.nan, 4.0, 6.5]})
    ax = plotting.plot_reply_times(history, 24)
    lines = {drawn.get_label(): drawn for drawn in ax.lines}
    assert list(lines["the client answers us"].get_ydata()) == [4.0, 9.0, 30.0]
    assert list(lines["the client's baseline (3 months before)"].get_ydata()[1:]) == [4.0, 6.5]
    ours = lines["we answer the client"].get_ydata()
    assert ours[0] == 2.0 and np.isnan(ours[1]) and ours[2] == 3.0     # a month without an answer is a gap
    assert [drawn.get_ydata()[0] for drawn in ax.lines if drawn.get_linestyle() == ":"] == [24]
    assert ax.get_ylim()[1] == pytest.approx(30.0 * 1.25)


def test_paired_counts_put_the_healthy_count_beside_the_worrying_one():
    history = pd.DataFrame({"month": MONTHS, "meetings_held": [1, 0, 0], "meetings_cancelled": [0, 1, 2]})
    ax = plotting.plot_paired_counts(history, "meetings_held", "meetings_cancelled", ("held", "cancelled"), "Meetings")
    assert bar_heights(ax, "held") == [1, 0, 0] and bar_heights(ax, "cancelled") == [0, 1, 2]
    held, cancelled = (next(c for c in ax.containers if c.get_label() == name) for name in ("held", "cancelled"))
    assert held[0].get_x() < cancelled[0].get_x()
    assert held[0].get_facecolor() == to_rgba(plotting.DEPOSIT)
    assert cancelled[0].get_facecolor() == to_rgba(plotting.WITHDRAWAL)


def test_cyrillic_labels_draw_with_the_bundled_font_and_no_missing_glyph():
    import io
    import warnings

    table = pd.DataFrame({"client": ["ООО «Северный ветер»", "Ёлка & Ко"], "eba_balance": [10.6, -2.0],
                          "effort_ratio_3m": [0.01, 0.5]})
    ax = plotting.plot_quadrant(table, 5.0, 0.25)
    ax.set_title("Где стоит каждый клиент: доверие и цена")
    with warnings.catch_warnings():
        warnings.simplefilter("error")            # matplotlib warns "Glyph ... missing from font(s)"
        ax.figure.savefig(io.BytesIO(), format="png")
    # DejaVu Sans, which matplotlib ships, has Cyrillic: no other font is needed
    from matplotlib import font_manager
    assert "DejaVu" in font_manager.FontProperties(family=ax.title.get_fontfamily()).get_name()
