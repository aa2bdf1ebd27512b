import xml.etree.ElementTree as ET

import pytest

from paceqi.charts import assurance_icon, theme, variation_icon
from paceqi.errors import OptionsError


@pytest.mark.parametrize("name", theme.VARIATIONS)
def test_variation_icons_are_valid_svg_with_title_and_colour(name):
    svg = variation_icon(name)
    root = ET.fromstring(svg)
    assert root.get("role") == "img" and root.get("aria-label")
    assert root.find("{http://www.w3.org/2000/svg}title").text == root.get("aria-label")
    assert theme.VARIATION_COLOURS[name] in svg
    if name.endswith("_high"):
        assert ">H</text>" in svg
    elif name.endswith("_low"):
        assert ">L</text>" in svg
    else:
        assert "<text" not in svg


@pytest.mark.parametrize(
    "name,letter", [("consistent_pass", "P"), ("consistent_fail", "F"), ("inconsistent", "?")]
)
def test_assurance_icons(name, letter):
    svg = assurance_icon(name, size=24)
    ET.fromstring(svg)
    assert f">{letter}</text>" in svg and 'width="24"' in svg
    assert theme.ASSURANCE_COLOURS[name] in svg


def test_icons_differ_from_each_other():
    icons = [variation_icon(v) for v in theme.VARIATIONS] + [
        assurance_icon(a) for a in theme.ASSURANCES
    ]
    assert len(set(icons)) == len(icons)


def test_missing_and_unknown_values():
    assert variation_icon(None) == "" and assurance_icon(float("nan")) == ""
    with pytest.raises(OptionsError, match="variation: unknown value 'better'"):
        variation_icon("better")
    with pytest.raises(OptionsError, match="expected one of consistent_pass"):
        assurance_icon("pass")
