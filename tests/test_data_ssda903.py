"""A realistic multi-year, two-council SSDA903 episodes sample through the shipped mapping.

``tests/data/ssda903_stacked.csv`` (pseudonymous, written by hand) stacks two annual returns
(2018-19, then 2019-20: episodes open at 31 March appear again, closed or still open), holds
two councils (an ``LA`` column) and mixes ISO and dd/mm/yyyy dates. Every expected value below
was worked out by hand from the rows (see the comments).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd

from paceqi.data.coverage import stage_coverage
from paceqi.data.load import load_extract

DATA = Path(__file__).parent / "data"
SAMPLE = DATA / "ssda903_stacked.csv"


def _events(ex):
    ev = ex.events.assign(date=ex.events["date"].dt.strftime("%Y-%m-%d"))
    return {
        (r.child_id, r.stage, r.date, r.route if isinstance(r.route, str) else "")
        for r in ev.itertuples()
    }


def test_children_councils_and_the_end_of_the_data():
    ex = load_extract(SAMPLE, "ssda903_episodes")
    kids = ex.children.groupby("authority")["child_id"].apply(sorted).to_dict()
    assert kids == {"Northshire": ["N1", "N2", "N3", "N4"], "Southby": ["S1", "S2", "S3"]}
    assert ex.as_of == dt.date(2020, 2, 10)  # N1's adoption order: the latest date in the file
    south = load_extract(SAMPLE, "ssda903_episodes", authority="Southby")
    assert south.as_of == dt.date(2020, 1, 31)  # S3 left care: Southby's own end of data
    assert set(south.children["child_id"]) == {"S1", "S2", "S3"}


def test_starts_of_care_and_children_already_in_care():
    ex = load_extract(SAMPLE, "ssda903_episodes")
    la = ex.events.loc[ex.events["stage"] == "looked_after"]
    starts = sorted(zip(la["child_id"], la["date"].dt.strftime("%Y-%m-%d"), strict=True))
    # RNE S rows only; N2's first episode is RNE P (in care before the file starts): no start;
    # N4 came back into care (a second RNE S); stacked repeats of S rows count once
    assert starts == [
        ("N1", "2018-04-10"),
        ("N3", "2019-02-01"),
        ("N4", "2018-06-01"),
        ("N4", "2019-05-01"),
        ("S1", "2018-07-01"),
        ("S2", "2018-10-15"),
        ("S3", "2019-03-03"),
    ]
    assert la.loc[la["child_id"] == "N4", "occurrence"].tolist() == [1, 2]
    notes = ex.notes.set_index("check")["message"]
    assert notes["already_in_care"].startswith("1 child(ren) were already in care")
    assert notes["repeated_rows"].startswith("1 row(s) repeat an earlier row exactly")


def test_orders_exits_and_routes():
    got = _events(load_extract(SAMPLE, "ssda903_episodes"))
    ends = {e for e in got if e[1] in ("order_granted", "home_confirmed", "adm_decision")}
    assert ends == {
        ("N1", "adm_decision", "2019-01-15", "adoption"),  # LS E1 placement order (first row)
        ("N1", "order_granted", "2020-02-10", "adoption"),  # REC E11
        ("N2", "order_granted", "2018-11-20", "kco"),  # E45: SGO, relative former foster carer
        ("N3", "order_granted", "2019-08-15", "po"),  # E48: SGO to a non-relative
        ("N4", "home_confirmed", "2018-12-01", "home"),  # E4A
        ("S1", "home_confirmed", "2019-01-14", ""),  # E8: left care, other reason (dd/mm)
        ("S3", "home_confirmed", "2020-01-31", ""),  # E3: another council took over
    }
    ex = load_extract(SAMPLE, "ssda903_episodes")
    other = ex.events.loc[ex.events["outcome"] == "left_care_other_reason", "child_id"]
    assert sorted(other) == ["S1", "S3"]
    plans = ex.plans.set_index("child_id")["route"].to_dict()
    assert plans == {"N1": "adoption", "N2": "kco", "N3": "po", "N4": "home"}


def test_placement_moves_and_placed_for_adoption():
    ex = load_extract(SAMPLE, "ssda903_episodes")
    moves = ex.events.loc[ex.events["stage"] == "placement_move"]
    got = sorted(
        zip(
            moves["child_id"],
            moves["date"].dt.strftime("%Y-%m-%d"),
            moves["occurrence"],
            moves["outcome"].fillna(""),
            strict=True,
        )
    )
    # RNE P/T/B/U (a changed PLACE) are moves; RNE L (N1's legal change only) is not
    assert got == [
        ("N1", "2018-09-01", 1, ""),
        ("N1", "2019-06-01", 2, "placed_for_adoption"),  # PLACE A4
        ("N2", "2018-05-01", 1, ""),
        ("S3", "2019-04-20", 1, ""),
        ("S3", "2019-07-07", 2, ""),
    ]
    assert moves["route"].isna().all()  # care events carry no route


def test_coverage_names_what_an_ssda903_return_does_not_record():
    ex = load_extract(SAMPLE, "ssda903_episodes", authority="Northshire")
    cov = stage_coverage(ex).set_index("stage")["coverage"]
    assert cov["looked_after"] == "recorded for 3 children"  # N1, N3, N4
    assert cov["order_granted"] == "recorded for 3 children"
    assert cov["two_week_meeting"] == "not in this extract"
    assert cov["kinship_assessed"] == "not in this extract"
    assert cov["permanence_recommended"] == "not in this extract"
    assert cov["returned_to_care"] == "not in this extract"
    assert isinstance(cov, pd.Series)


def test_the_older_sample_still_loads():
    ex = load_extract(DATA / "ssda903_episodes.csv", "ssda903_episodes", as_of="2021-03-31")
    la = ex.events.loc[ex.events["stage"] == "looked_after"]
    assert sorted(la["child_id"]) == ["101", "102", "103", "104", "104", "105"]
