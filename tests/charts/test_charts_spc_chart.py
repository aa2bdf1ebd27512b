import matplotlib.colors as mcolors
import numpy as np
import pandas as pd
import pytest

from paceqi.charts import spc_chart, theme
from paceqi.charts._figure import caption_of
from paceqi.errors import OptionsError


def _lines(ax, label):
    return [ln for ln in ax.lines if ln.get_label().lstrip("_") == label]


def _texts(fig):
    return [t.get_text() for t in fig.findobj(lambda a: hasattr(a, "get_text"))]


def test_run_chart_has_data_median_and_signal_points_in_theme_colours(shift_down):
    fig = spc_chart(shift_down, title="Days to recommendation", y_label="days")
    ax = fig.axes[0]
    assert ax.get_title(loc="left") == "Days to recommendation"
    assert ax.get_ylabel() == "days"
    (cl,) = _lines(ax, "centre line (median)")
    assert np.allclose(cl.get_ydata(), shift_down.points["cl"].iloc[0])
    x = shift_down.points["x"]
    assert list(pd.to_datetime(cl.get_xdata())) == [x.iloc[0], x.iloc[-1]]  # spans the data
    assert not _lines(ax, "control limits")  # run chart: no limits
    (imp,) = _lines(ax, "signal: improvement")
    assert (
        mcolors.to_hex(imp.get_color()).upper() == theme.POINT_COLOURS["special_cause_improvement"]
    )
    assert imp.get_marker() == theme.POINT_MARKERS["special_cause_improvement"]
    assert len(imp.get_xdata()) == 12
    (common,) = _lines(ax, "common cause")
    assert mcolors.to_hex(common.get_color()).upper() == theme.POINT_COLOURS["common_cause"]


def test_concern_and_neutral_signals_get_their_own_colour_and_shape(make):
    y = [5, 6, 5, 6, 5, 6, 5, 20, 5, 6, 5, 6, 5, 6, -8]
    res = make(y, chart="i", sigma=[7, 14])  # no direction: neutral high / low
    ax = spc_chart(res).axes[0]
    (hi,) = _lines(ax, "signal: high")
    (lo,) = _lines(ax, "signal: low")
    assert hi.get_marker() == "^" and lo.get_marker() == "v"
    assert mcolors.to_hex(hi.get_color()).upper() == theme.PURPLE
    res = make(y, chart="i", sigma=[7], direction="decrease")
    (concern,) = _lines(spc_chart(res).axes[0], "signal: concern")
    assert mcolors.to_hex(concern.get_color()).upper() == theme.ORANGE
    assert concern.get_marker() == "X"


def test_control_chart_draws_limits_and_two_sigma_lines(make):
    res = make([10, 12, 11, 13, 10, 12, 11, 13, 10, 12, 11, 13, 12], chart="i")
    ax = spc_chart(res).axes[0]
    limits = _lines(ax, "control limits")
    assert len(limits) == 2
    assert {round(float(ln.get_ydata()[0]), 6) for ln in limits} == {
        round(res.points["ucl"][0], 6),
        round(res.points["lcl"][0], 6),
    }
    assert len(_lines(ax, "2-sigma lines")) == 2
    assert "centre line (mean)" in [t.get_text() for t in ax.get_legend().get_texts()]


def test_phases_are_separate_segments_with_labels(make):
    res = make(
        [150] * 6 + [149, 151] * 3 + [100, 102] * 6, phases=["Baseline"] * 12 + ["Test"] * 12
    )
    fig = spc_chart(res)
    ax = fig.axes[0]
    assert len(_lines(ax, "centre line (median)")) == 2
    segs = _lines(ax, "centre line (median)")
    x = res.points["x"]
    assert [list(pd.to_datetime(s.get_xdata())) for s in segs] == [
        [x.iloc[0], x.iloc[11]],
        [x.iloc[12], x.iloc[23]],
    ]
    assert [s.get_ydata()[0] for s in segs] == [150.0, 101.0]
    labels = [t.get_text().strip() for t in ax.texts if t.get_label() == "_phase-label"]
    assert labels == ["Baseline", "Test"]
    assert len(_lines(ax, "phase break")) == 1


def test_frozen_baseline_is_extended_dashed(make):
    res = make([10, 12, 11, 13] * 5, chart="i", freeze=12)
    ax = spc_chart(res).axes[0]
    (ext,) = _lines(ax, "centre line extended from baseline")
    assert ext.get_linestyle() == "--"


def test_excluded_points_are_hollow(make):
    res = make([10, 12, 11, 30, 10, 12, 11, 13, 10, 12, 11, 13], chart="i", excluded=[3])
    ax = spc_chart(res).axes[0]
    (ex,) = _lines(ax, "excluded from calculations")
    assert ex.get_markerfacecolor() == "none"
    assert list(ex.get_ydata()) == [30]
    (common,) = _lines(ax, "common cause")
    assert 30 not in list(common.get_ydata())


def test_target_line_with_label(make):
    res = make([10, 12, 11, 13] * 4, target=9.0)
    ax = spc_chart(res, target_label="PACE aim: 9 days").axes[0]
    (t,) = _lines(ax, "PACE aim: 9 days")
    assert list(t.get_ydata()) == [9.0, 9.0]
    assert mcolors.to_hex(t.get_color()).upper() == theme.LINE_COLOURS["target"]


def test_pdsa_annotations_are_labelled_with_cycle_numbers(shift_down):
    notes = pd.DataFrame(
        {
            "date": ["2016-12-15", "2017-02-01", "2017-03-01", "2017-06-01"],
            "label": ["first test", "", "x", "New IT system $5"],
            "kind": ["pdsa_start", "pdsa_end", "pdsa_start", "system_change"],
            "cycle_no": [1, 1, 2, None],
        }
    )
    original = notes.copy()
    fig = spc_chart(shift_down, notes)
    ax = fig.axes[0]
    labels = [t.get_text().strip() for t in ax.texts if t.get_label() == "_annotation"]
    assert labels == ["PDSA 1 start", "PDSA 1 end", "PDSA 2 start", "New IT system $5"]
    assert len([ln for ln in ax.lines if ln.get_label().startswith("_annotation")]) == 4
    pd.testing.assert_frame_equal(notes, original)  # input untouched


def test_bad_annotations_are_clear_errors(shift_down):
    with pytest.raises(OptionsError, match="missing column.*kind"):
        spc_chart(shift_down, pd.DataFrame({"date": ["2017-01-01"], "label": ["a"]}))
    with pytest.raises(OptionsError, match=r"row 1, column 'kind': unknown kind"):
        spc_chart(
            shift_down,
            pd.DataFrame(
                {"date": ["2017-01-01"] * 2, "label": ["a", "b"], "kind": ["pdsa_start", "meeting"]}
            ),
        )
    with pytest.raises(OptionsError, match=r"'date' is empty or not a date in row\(s\) 0"):
        spc_chart(
            shift_down,
            pd.DataFrame({"date": ["soon"], "label": ["Jo Bloggs"], "kind": ["pdsa_end"]}),
        )


def test_error_messages_never_echo_labels(shift_down):
    with pytest.raises(OptionsError) as err:
        spc_chart(
            shift_down,
            pd.DataFrame({"date": ["nope"], "label": ["Jo Bloggs"], "kind": ["pdsa_end"]}),
        )
    assert "Jo Bloggs" not in str(err.value)


def test_caveats_become_the_caption(make):
    res = make([10, 12, 11, 13, 12, 10, 11], chart="i")
    fig = spc_chart(res)
    caption = caption_of(fig)
    assert "Trial limits: fewer than 12 points" in caption
    assert "Too few useful points for the runs analysis" in caption
    assert "I chart; centre line: mean; signals by IHI rules." in caption.replace("\n", " ")


def test_all_points_on_centre_line_caveat(make):
    fig = spc_chart(make([7] * 12))
    caption = caption_of(fig)
    assert "All points lie on the centre line" in caption.replace("\n", " ")


def test_mr_zero_caveat_from_collapsed_limits(make):
    fig = spc_chart(make([7] * 14, chart="i"))
    caption = caption_of(fig).replace("\n", " ")
    assert "average moving range is 0" in caption


def test_explicit_caveat_columns_win(make):
    res = make([10, 12, 11, 13] * 5, chart="i")
    summary = res.summary.assign(limits_are_trial=True)
    res2 = type(res)(points=res.points, summary=summary, options=res.options)
    caption = caption_of(spc_chart(res2))
    assert "Trial limits" in caption
    assert "Trial limits" not in " ".join(t.get_text() for t in spc_chart(res).texts)


def test_proportions_are_shown_as_percentages(make):
    res = make([0.5, 0.6, 0.55, 0.62] * 4, chart="p")
    ax = spc_chart(res).axes[0]
    ax.figure.canvas.draw() if hasattr(ax.figure.canvas, "draw") else None
    assert ax.yaxis.get_major_formatter().__class__.__name__ == "PercentFormatter"


def test_chart_does_not_mutate_result_or_touch_pyplot(shift_down):
    import matplotlib as mpl
    import matplotlib.pyplot as plt

    before = shift_down.points.copy()
    rc = dict(mpl.rcParams)
    n_figs = len(plt.get_fignums())
    spc_chart(shift_down)
    pd.testing.assert_frame_equal(shift_down.points, before)
    assert len(plt.get_fignums()) == n_figs
    assert mpl.rcParams["svg.fonttype"] == rc["svg.fonttype"]
    assert mpl.rcParams["font.size"] == rc["font.size"]


def test_numeric_x_and_draw_into_given_axes(make):
    from matplotlib.figure import Figure

    res = make([10, 12, 11, 13, 10, 12, 11, 13, 10, 12, 11], x=range(1, 12), chart="i")
    fig = Figure()
    ax = fig.add_subplot()
    assert spc_chart(res, ax=ax) is fig
    assert [t.get_text() for t in ax.texts if t.get_label() == "_caveat-note"][0].startswith("⚠")


def test_not_a_result_is_a_clear_error():
    with pytest.raises(OptionsError, match="expected an SPCResult"):
        spc_chart(pd.DataFrame({"y": [1, 2]}))


def test_unknown_point_type_is_a_clear_error(shift_down):
    pts = shift_down.points.assign(point_type="odd")
    with pytest.raises(OptionsError, match="unknown value"):
        spc_chart(
            type(shift_down)(points=pts, summary=shift_down.summary, options=shift_down.options)
        )


def test_annotations_on_a_numeric_axis_are_not_lost_silently(make):
    res = make([10, 12, 11, 13] * 3, x=range(12))
    notes = pd.DataFrame({"date": ["2017-01-01"], "label": [""], "kind": ["pdsa_start"]})
    fig = spc_chart(res, notes)
    assert "Annotations are not shown" in caption_of(fig)
    assert not [t for t in fig.axes[0].texts if t.get_label() == "_annotation"]


def test_long_series_marks_only_signals_and_stays_small(make):
    from paceqi.charts import to_svg

    rng = np.random.default_rng(3)
    y = np.r_[rng.normal(150, 10, 300), rng.normal(60, 10, 300)]
    res = make(y, direction="decrease", shift=range(300, 600), start="2010-01-01")
    fig = spc_chart(res, title="Days")
    ax = fig.axes[0]
    assert not _lines(ax, "common cause")
    assert len(_lines(ax, "signal: improvement")[0].get_xdata()) == 300
    assert "only signals are marked" in caption_of(fig)
    assert len(to_svg(fig).encode()) < 60_000


def test_varying_limits_are_drawn_as_steps(make):
    res = make([0.5, 0.6, 0.55, 0.62] * 4, chart="p")
    pts = res.points.copy()
    pts["ucl"] = pts["cl"] + np.linspace(0.1, 0.2, len(pts))  # as with varying denominators
    res = type(res)(points=pts, summary=res.summary, options=res.options)
    ax = spc_chart(res).axes[0]
    ucl = [ln for ln in _lines(ax, "control limits") if len(ln.get_xdata()) == len(pts)]
    assert len(ucl) == 1 and ucl[0].get_drawstyle() == "steps-mid"
