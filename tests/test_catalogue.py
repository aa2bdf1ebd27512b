import pytest

from paceqi import OptionsError, load_catalogue
from paceqi.data.schema import ROUTES


def test_scottish_catalogue_has_the_design_stages_in_order():
    cat = load_catalogue()
    assert cat.codes[0] == "looked_after"
    for code in (
        "two_week_meeting",
        "first_review",
        "second_review",
        "kinship_assessed",
        "permanence_recommended",
        "legal_referral",
        "legal_opinion",
        "panel",
        "adm_decision",
        "scra_referral",
        "advice_hearing",
        "application_lodged",
        "order_granted",
        "home_confirmed",
    ):
        assert code in cat
    orders = [s.order for s in cat.stages]
    assert orders == sorted(orders)


@pytest.mark.parametrize(
    ("code", "start", "days", "basis"),
    [
        ("first_review", "looked_after", 42, "statutory"),
        ("permanence_recommended", "looked_after", 182, "pace_aim"),
        ("panel", "permanence_recommended", 84, "local"),
        ("adm_decision", "panel", 14, "statutory"),
    ],
)
def test_targets_and_their_basis(code, start, days, basis):
    s = load_catalogue()[code]
    assert (s.target_from, s.target_days, s.target_basis) == (start, days, basis)
    assert s.source


def test_every_stage_has_known_routes():
    for s in load_catalogue().stages:
        assert set(s.routes) <= set(ROUTES)


def test_unknown_stage_lists_the_valid_ones():
    with pytest.raises(
        OptionsError, match=r"Unknown stage 'panle'\. Stages in the catalogue: looked_after"
    ):
        load_catalogue()["panle"]


def _write(tmp_path, body):
    p = tmp_path / "cat.yaml"
    p.write_text(body)
    return p


def test_bad_catalogue_names_stage_and_field(tmp_path):
    p = _write(
        tmp_path,
        "stages:\n  - {code: a, label: A, order: 1, routes: [home]}\n"
        "  - {code: b, label: B, order: 2, routes: [home], target_from: a, target_days: -3,"
        " target_basis: local}\n",
    )
    with pytest.raises(OptionsError, match=r"cat.yaml, stage 'b': target_days must be a positive"):
        load_catalogue(p)


def test_unknown_field_and_unknown_reference(tmp_path):
    p = _write(
        tmp_path, "stages:\n  - {code: a, label: A, order: 1, routes: [home], colour: red}\n"
    )
    with pytest.raises(OptionsError, match=r"unknown field\(s\) \['colour'\]"):
        load_catalogue(p)
    p = _write(
        tmp_path,
        "stages:\n  - {code: a, label: A, order: 1, routes: [home], target_from: zz,"
        " target_days: 3, target_basis: local}\n",
    )
    with pytest.raises(OptionsError, match="target_from 'zz' is not a stage code"):
        load_catalogue(p)


def test_missing_catalogue(tmp_path):
    with pytest.raises(OptionsError, match="Stage catalogue not found"):
        load_catalogue(tmp_path / "nope.yaml")
