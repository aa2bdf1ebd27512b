"""What a user sees of the measure semantics in a change-idea report (issue "Right answers").

A hand-built extract with known answers is written as a CSV and loaded like a user's file.
"""

from __future__ import annotations

import re

import pandas as pd
import pytest

import paceqi

AS_OF = "2021-03-31"


@pytest.fixture(scope="module")
def extract(tmp_path_factory):
    rows = []
    for i in range(24):  # two per month of 2019: 12 still waiting for everything
        start = pd.Timestamp("2019-01-03") + pd.DateOffset(months=i // 2)
        kid = f"K{i:03d}"
        rows.append((kid, "looked_after", start, "undecided"))
        if i % 2:  # moved on: recommended (home), no review or meeting dated, then home confirmed
            rows.append((kid, "permanence_recommended", start + pd.Timedelta(days=150), "home"))
            rows.append((kid, "home_confirmed", start + pd.Timedelta(days=400), "home"))
    for i in range(6):  # went home early: journey ended at day 20 with nothing else dated
        start = pd.Timestamp("2020-02-03") + pd.DateOffset(months=i)
        rows.append((f"H{i:03d}", "looked_after", start, "undecided"))
        rows.append((f"H{i:03d}", "home_confirmed", start + pd.Timedelta(days=20), "home"))
    ev = pd.DataFrame(rows, columns=["child_id", "stage", "date", "route"])
    ev.insert(0, "authority", "Fife")
    ev["date"] = ev["date"].dt.strftime("%Y-%m-%d")
    path = tmp_path_factory.mktemp("semantics") / "fife.csv"
    ev.to_csv(path, index=False)
    return path


def _report(extract):
    return paceqi.change_idea_report(
        authority="Fife",
        extract=str(extract),
        change_idea="two_week_planning_meeting",
        as_of=AS_OF,
        interactive=False,
    )


def _cells(html: str) -> list[list[str]]:
    rows = re.findall(r"<tr>(.*?)</tr>", html, flags=re.S)
    return [
        [
            re.sub(r"<[^>]+>", "", c).strip()
            for c in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", r, flags=re.S)
        ]
        for r in rows
    ]


def test_still_waiting_table_counts_only_children_who_can_still_reach_the_stage(extract):
    html = str(_report(extract).waiting())
    rows = {r[0]: r[1:] for r in _cells(html) if r}
    review = next(v for k, v in rows.items() if k.startswith("First looked after child review"))
    # 12 still waiting (all past 42 days); the 12 recommended without a review date are a
    # data-quality count; the 6 who went home at day 20 are neither
    assert review == ["12", "12", "12"]
    rec = next(v for k, v in rows.items() if k.startswith("Permanence recommendation"))
    assert rec == ["12", "12", "0"]


def test_charts_state_the_time_order_on_the_axis(extract):
    html = str(_report(extract).measures("process"))
    # the chart's caption is wrapped over several SVG <text> lines: read the words in order
    words = " ".join(re.sub(r"<[^>]+>", " ", html).split())
    assert "Quarter the child became looked after (start cohort" in words or (
        "Month the child became looked after (start cohort" in words
    )
