"""The synthetic demo extract passes validation (issue #2: generator output is valid input)."""

import datetime as dt

import yaml

from paceqi import load_extract
from paceqi.data.synth import write_synthetic


def test_generated_extracts_load_without_failures(tmp_path):
    names = ["Shetland Islands", "Fife", "Glasgow City"]
    write_synthetic(tmp_path, seed=7, authorities=names)
    manifest = yaml.safe_load((tmp_path / "manifest.yaml").read_text())
    as_of = dt.date.fromisoformat(manifest["extract_date"])
    for entry in manifest["authorities"]:
        ex = load_extract(tmp_path / entry["extract"], as_of=as_of)
        assert set(ex.events["authority"]) == {entry["name"]}
        assert ex.children["child_id"].nunique() == entry["children"]
        assert ex.events["date"].max().date() <= as_of
        # route changes are kept as separate plans
        assert (ex.plans.groupby("child_id")["plan_seq"].max() > 1).any()
