"""A report on an SSDA903 extract: stages the return does not record are named, not waited for."""

from __future__ import annotations

from pathlib import Path

import paceqi

DATA = Path(__file__).parent / "data"


def _report(tmp_path, change_idea):
    return paceqi.change_idea_report(
        authority="Northshire",
        extract=str(DATA / "ssda903_stacked.csv"),
        mapping="ssda903_episodes",
        pdsa=f"sqlite:///{tmp_path / 'empty.db'}",  # no PDSA cycles yet: normal
        change_idea=change_idea,
        min_cell=1,
        interactive=False,
    )


def test_unrecorded_stages_are_left_out_of_medians_and_headlines(tmp_path):
    report = _report(tmp_path, "baseline_journeys")
    a = report.analysis
    assert {"two_week_meeting", "first_review", "kinship_assessed"} <= a.unrecorded
    assert "looked_after" not in a.unrecorded and "order_granted" not in a.unrecorded
    segments = report.segment_summary()
    assert not (segments["start"].isin(a.unrecorded) | segments["end"].isin(a.unrecorded)).any()
    delay = report.delay().html
    assert "Two Week Planning Meeting" not in delay and "First review" not in delay
    quality = report.data_quality().html
    assert "Stages in this extract" in quality
    assert "This extract does not record" in quality and "not in this extract" in quality
    # 3 children (N1, N3, N4, by hand): a published report never shows fewer than 5
    assert "Child becomes looked after</td><td>recorded for fewer than 5 children" in quality
    # the other council's rows are left out, with a note
    assert "left out, unchecked" in quality


def test_waiting_counts_skip_stages_the_extract_does_not_record(tmp_path):
    report = _report(tmp_path, "two_week_planning_meeting")
    html = report.waiting().html
    assert "Two Week Planning Meeting" not in html and "two week" not in html.lower()
