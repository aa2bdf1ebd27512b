"""Dates of any numpy unit sit where the PDSA flags are (a [s] column once fell near 1970)."""

import re

import pandas as pd
import pytest

import paceqi
from paceqi.charts import spc_chart


@pytest.mark.parametrize("unit", ["ns", "us", "ms", "s"])
def test_points_and_flags_share_one_time_axis(unit):
    x = pd.Series(pd.date_range("2015-01-01", periods=12, freq="QS")).astype(f"datetime64[{unit}]")
    res = paceqi.spc(y="y", x="x", data=pd.DataFrame({"x": x, "y": range(12)}))
    notes = pd.DataFrame(
        {"date": [pd.Timestamp("2016-03-01")], "label": ["c1"], "kind": ["pdsa_start"],
         "cycle_no": [1]}
    )  # fmt: skip
    years = {
        int(y)
        for y in re.findall(
            r"<text[^>]*>[^<]*?((?:19|20)\d\d)</text>", spc_chart(res, notes).to_svg()
        )
    }
    assert years and min(years) >= 2014 and max(years) <= 2018, years


@pytest.mark.parametrize(("values", "unit"), [([0.0, 0.0, 0.0], "%"), ([0.0] * 12, "days")])
def test_a_flat_series_of_zeros_has_no_negative_axis(values, unit):
    """Every point 0 (0% of children, 0 days): the axis opens upwards, never below 0."""
    svg = spc_chart(paceqi.spc(values), title="t", unit=unit).to_svg()
    ticks = re.findall(r'text-anchor="end"[^>]*>([^<]+)<', svg)
    assert ticks and not any(t.startswith(("-", "−")) for t in ticks), ticks
