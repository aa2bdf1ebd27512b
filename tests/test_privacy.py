import numpy as np
import pandas as pd
import pytest

from paceqi.errors import OptionsError
from paceqi.privacy import pseudonymise, report_key, suppress


def test_primary_suppression_only():
    t = pd.DataFrame({"n": [0, 1, 4, 5, 30]})
    out = suppress(t, axis="none")
    assert out["n"].isna().tolist() == [False, True, True, False, False]
    assert suppress(t, axis="none", zero=True)["n"].isna().tolist()[0]
    assert suppress(t, min_count=10, axis="none")["n"].isna().tolist() == [
        False,
        True,
        True,
        True,
        False,
    ]


def test_secondary_in_rows_hides_the_complement():
    t = pd.DataFrame(
        {
            "period": ["2024-01", "2024-02"],
            "numerator": [3, 10],
            "not_met": [17, 6],
            "denominator": [20, 16],
            "proportion": [0.15, 10 / 16],
        }
    )
    out = suppress(
        t,
        columns=["numerator", "not_met"],
        axis="rows",
        derived={"proportion": ["numerator", "not_met"]},
    )
    assert out.loc[0, ["numerator", "not_met"]].isna().all()
    assert np.isnan(out.loc[0, "proportion"])
    assert out.loc[0, "denominator"] == 20  # published total reveals nothing now
    assert out.loc[1, "numerator"] == 10 and out.loc[1, "proportion"] == 10 / 16


def test_secondary_in_rows_and_columns_no_cell_recoverable():
    t = pd.DataFrame({"a": [2, 10, 30], "b": [20, 11, 7], "c": [9, 40, 8]}, index=list("xyz"))
    out = suppress(t)
    hidden = out.isna().to_numpy()
    assert hidden[0, 0]  # the 2
    # no row or column has exactly one hidden cell (else totals would reveal it)
    assert not (hidden.sum(axis=1) == 1).any()
    assert not (hidden.sum(axis=0) == 1).any()
    # the complements chosen are the smallest available cells
    assert hidden[0, 2] and hidden[1, 0]  # 9 in row x, 10 in column a


def test_suppress_does_not_mutate_and_checks_input():
    t = pd.DataFrame({"n": [1, 9], "m": [9, 9]})
    before = t.copy()
    suppress(t)
    pd.testing.assert_frame_equal(t, before)
    with pytest.raises(OptionsError, match="min_count"):
        suppress(t, min_count=0)
    with pytest.raises(OptionsError, match=r"column\(s\) \['zz'\]"):
        suppress(t, columns=["zz"])
    with pytest.raises(OptionsError, match="non-negative"):
        suppress(pd.DataFrame({"n": [-1]}))
    with pytest.raises(OptionsError, match="axis"):
        suppress(t, axis="diagonal")


def test_pseudonyms_stable_within_a_report_unlinkable_across():
    f = pd.DataFrame({"authority": ["A", "A", "B"], "child_id": ["c1", "c2", "c1"]})
    p1 = pseudonymise(f, "r1", secret="k")
    again = pseudonymise(f.iloc[::-1], "r1", secret="k").iloc[::-1]
    assert p1["child_id"].tolist() == again["child_id"].tolist()
    assert p1["child_id"].nunique() == 3  # same id in two authorities = two children
    p2 = pseudonymise(f, "r2", secret="k")
    assert not set(p1["child_id"]) & set(p2["child_id"])
    p3 = pseudonymise(f, "r1", secret="other")
    assert not set(p1["child_id"]) & set(p3["child_id"])
    assert not set(p1["child_id"]) & set(f["child_id"])
    assert f["child_id"].tolist() == ["c1", "c2", "c1"]  # input untouched


def test_secret_from_environment_and_workspace(monkeypatch, tmp_path):
    monkeypatch.setenv("PACEQI_PSEUDONYM_KEY", "env-secret")
    assert report_key("r") == report_key("r", "env-secret")
    monkeypatch.delenv("PACEQI_PSEUDONYM_KEY")
    monkeypatch.setenv("PACEQI_HOME", str(tmp_path))
    k1 = report_key("r")
    assert (tmp_path / "workspace" / ".pseudonym_key").exists()
    assert report_key("r") == k1 and report_key("s") != k1
    with pytest.raises(OptionsError, match="report_id"):
        report_key("")


# -- one rule for prose, labels, percentages, paths (issue #14) ---------------------------------
def test_count_text_and_percent_never_publish_one_to_four_children():
    from paceqi.privacy import count_text, is_small, percent

    assert [count_text(n) for n in (0, 1, 4, 5, 1234)] == [
        "no children",
        "fewer than 5 children",
        "fewer than 5 children",
        "5 children",
        "1,234 children",
    ]
    assert count_text(3, "events", min_count=10) == "fewer than 10 events"
    assert percent(2, 4) is None and percent(1, 5) == 20.0 and percent(0, 0) is None
    assert not is_small(float("nan")) and is_small(4.0) and not is_small(True)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("3 children still waiting", "fewer than 5 children still waiting"),
        (
            "has no date for 1 child(ren) (rows 24, 31 and 8 more)",
            "has no date for fewer than 5 children",
        ),
        ("1 team (the East team), 2 children", "1 team (the East team), fewer than 5 children"),
        ("4 newly looked after children", "fewer than 5 newly looked after children"),
        ("of 2 young people (row 7)", "of fewer than 5 children"),
        ("12 children; 40 children", "12 children; 40 children"),
        (
            "within 2 weeks of children becoming looked after",
            "within 2 weeks of children becoming looked after",
        ),
        ("in 2.5 children", "in 2.5 children"),
    ],
)
def test_redact_text_catches_small_counts_in_prose(text, expected):
    from paceqi.privacy import redact_text, small_count_phrases

    assert redact_text(text) == expected
    assert small_count_phrases(redact_text(text)) == []


def test_redact_html_changes_text_only_and_escapes():
    from paceqi.privacy import redact_html

    page = (
        '<style>.a{content:"3 children"}</style><p title="3 children">3 children &amp; <b>x</b></p>'
    )
    out = redact_html(page)
    assert '<style>.a{content:"3 children"}</style>' in out and 'title="3 children"' in out
    assert '<p title="3 children">fewer than 5 children &amp; <b>x</b></p>' in out


def test_public_path_and_marking(monkeypatch, tmp_path):
    from paceqi._paths import project_root
    from paceqi.privacy import HANDLING_MARKING, MARKING_ENV, handling_marking, public_path

    assert public_path(project_root() / "data" / "x.csv") == "data/x.csv"
    assert public_path(tmp_path / "secret" / "fife.csv") == "fife.csv"
    assert public_path("postgresql://user:pw@host/db") == "postgresql database"
    monkeypatch.delenv(MARKING_ENV, raising=False)
    assert handling_marking() == HANDLING_MARKING
    monkeypatch.setenv(MARKING_ENV, "OFFICIAL: synthetic data")
    assert handling_marking() == "OFFICIAL: synthetic data"
