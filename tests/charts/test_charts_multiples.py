import pytest

from paceqi.charts import small_multiples, to_svg
from paceqi.errors import OptionsError


def test_one_panel_per_authority_shared_y(shift_down, flat):
    fig = small_multiples(
        {"Angus": shift_down, "Fife": flat, "Moray": shift_down, "Perth": flat}, ncols=3
    )
    assert [ax.get_title() for ax in fig.axes] == ["Angus", "Fife", "Moray", "Perth"]
    a, b = fig.axes[0], fig.axes[1]
    assert a.get_shared_y_axes().joined(a, b)
    assert len(fig.legends) == 1
    svg = to_svg(fig)
    assert "shift below the median from January 2017" in svg


def test_mixed_chart_types_do_not_share_y(make, flat):
    res_i = make([10, 12, 11, 13] * 4, chart="i")
    fig = small_multiples({"A": flat, "B": res_i})
    assert not fig.axes[0].get_shared_y_axes().joined(fig.axes[0], fig.axes[1])


def test_bad_input(flat):
    with pytest.raises(OptionsError, match="non-empty mapping"):
        small_multiples({})
    with pytest.raises(OptionsError, match=r"results\['B'\]: expected an SPCResult"):
        small_multiples({"A": flat, "B": object()})
