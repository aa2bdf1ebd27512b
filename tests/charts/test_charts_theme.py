import pytest

from paceqi.charts import theme


def test_every_vocabulary_value_has_a_colour_and_a_marker():
    assert set(theme.POINT_COLOURS) == set(theme.POINT_TYPES)
    assert set(theme.POINT_MARKERS) == set(theme.POINT_TYPES)
    assert set(theme.VARIATION_COLOURS) == set(theme.VARIATIONS)
    assert set(theme.ASSURANCE_COLOURS) == set(theme.ASSURANCES)
    assert set(theme.ANNOTATION_STYLES) == set(theme.ANNOTATION_KINDS)


def test_point_types_differ_by_shape_not_only_colour():
    signals = [k for k in theme.POINT_TYPES if k != "common_cause"]
    assert len({theme.POINT_MARKERS[k] for k in theme.POINT_TYPES}) == len(theme.POINT_TYPES)
    assert len({theme.POINT_COLOURS[k] for k in signals}) == 3  # improvement, concern, neutral


@pytest.mark.parametrize(
    "colour",
    sorted(
        {
            *theme.POINT_COLOURS.values(),
            *theme.ACT_COLOURS.values(),
            *theme.LINE_COLOURS.values(),
            *theme.STAGE_COLOURS,
        }
    ),
)
def test_colours_needed_to_read_a_chart_have_3_to_1_contrast_on_white(colour):
    # WCAG 2.1 SC 1.4.11 non-text contrast
    assert theme.contrast_ratio(colour) >= 3.0


def test_contrast_ratio_known_values():
    assert theme.contrast_ratio("#FFFFFF") == pytest.approx(1.0)
    assert theme.contrast_ratio("#767676") == pytest.approx(4.54, abs=0.01)


def test_colours_live_only_in_theme():
    import re
    from pathlib import Path

    pkg = Path(theme.__file__).parents[1]  # all of paceqi, not only the charts
    hexes = re.compile(r"#[0-9A-Fa-f]{6}\b")
    # page stylesheets (index and error pages) are CSS, styled there on purpose
    stylesheets = {"index.py"}
    for path in pkg.rglob("*.py"):
        if path.name != "theme.py" and path.name not in stylesheets:
            assert not hexes.search(path.read_text()), f"colour literal in {path.name}"
