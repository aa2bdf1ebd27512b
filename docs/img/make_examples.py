"""Regenerate the example SVGs in docs/img/ (run from the project root).

    .venv/bin/python docs/img/make_examples.py

The SPC results come from paceqi.spc on the small vectors of tests/charts/conftest.py.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[2]
OUT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT / "tests" / "charts"))

from conftest import AFTER, BEFORE  # noqa: E402

from paceqi.charts import (  # noqa: E402
    assurance_icon,
    journeys_chart,
    ramp_chart,
    small_multiples,
    spc_chart,
    to_svg,
    variation_icon,
)

MONTHS = pd.date_range("2016-01-01", periods=24, freq="MS")


def _result(y, **kw):
    from paceqi.spcstats import spc

    return spc(y, x=MONTHS[: len(y)], **kw)


def main() -> None:
    res = _result(BEFORE + AFTER, direction="decrease", target=120)
    notes = pd.DataFrame({
        "date": ["2016-12-05", "2017-01-20", "2017-02-06", "2017-03-24", "2017-06-01"],
        "label": ["", "", "", "", "New case system"],
        "kind": ["pdsa_start", "pdsa_end", "pdsa_start", "pdsa_end", "system_change"],
        "cycle_no": [1, 1, 2, 2, None],
    })  # fmt: skip
    charts = {
        "spc_run.svg": spc_chart(res, notes, title="Days from looked after to permanence "
                                 "recommendation", y_label="days",
                                 target_label="aim: 120 days"),
        "small_multiples.svg": small_multiples(
            {"Authority A": res, "Authority B": _result(BEFORE + BEFORE),
             "Authority C": _result(AFTER + AFTER)}, y_label="days"),
    }  # fmt: skip
    journeys = pd.DataFrame({
        "child_id": ["C01"] * 3 + ["C02"] * 3 + ["C03"] * 2 + ["C04"] * 2 + ["C05"],
        "stage": ["looked_after", "two_week_meeting", "permanence_recommended"] * 2
        + ["looked_after", "two_week_meeting"] * 2 + ["looked_after"],
        "date": ["2017-01-09", "2017-01-20", "2017-05-30", "2017-02-13", "2017-02-24",
                 "2017-09-01", "2017-04-03", "2017-04-14", "2017-06-12", "2017-06-26",
                 "2017-10-02"],
    })  # fmt: skip
    charts["journeys.svg"] = journeys_chart(journeys, as_of="2017-12-31",
                                            end_stage="permanence_recommended",
                                            title="Children's journeys")  # fmt: skip
    cycles = pd.DataFrame({
        "cycle_no": [1, 2, 3, 4],
        "start_date": ["2016-12-05", "2017-02-06", "2017-04-03", "2017-06-05"],
        "end_date": ["2017-01-20", "2017-03-24", "2017-05-19", None],
        "act": ["adapt", "adapt", "adopt", None],
    })  # fmt: skip
    charts["ramp.svg"] = ramp_chart(cycles, as_of="2017-07-31", title="Two Week Planning Meeting")
    for name, fig in charts.items():
        svg = to_svg(fig, id_prefix=name.split(".")[0] + "-")
        (OUT / name).write_text(svg)
        print(f"{name}: {len(svg.encode()) / 1000:.1f} KB")
    icons = "".join(variation_icon(v) for v in ("common_cause", "improvement_low", "concern_high",
                                                "neutral_high"))  # fmt: skip
    icons += "".join(assurance_icon(a) for a in ("consistent_pass", "consistent_fail",
                                                 "inconsistent"))  # fmt: skip
    (OUT / "icons.html").write_text(f"<p>{icons}</p>\n")


if __name__ == "__main__":
    main()
