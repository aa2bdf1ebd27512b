"""Driver diagram SVG: structure, escaping, readable size."""

import xml.etree.ElementTree as ET

import paceqi
from paceqi.pdsa.diagram import FONT_PX, driver_diagram

NS = {"s": "http://www.w3.org/2000/svg"}


def test_the_sample_diagram(store, fife_yaml, tmp_path):
    store.import_file(fife_yaml)
    d = paceqi.driver_diagram(store, "Fife")
    root = ET.fromstring(d.svg)
    assert root.get("role") == "img"
    assert root.find("s:title", NS).text == "Driver diagram: Fife"
    texts = [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")]
    assert texts[:4] == ["Aim", "Primary drivers", "Secondary drivers", "Change ideas"]
    assert "Two Week Planning" in " ".join(texts) and "testing" in texts
    # aim->2 primaries, 2 primaries->2 secondaries, 1 secondary->1 idea
    assert len(root.findall("s:path", NS)) == 5
    natural = float(root.get("viewBox").split()[2])
    assert root.get("width") == "100%" and f"max-width:{natural:.0f}px" in root.get("style")
    assert 900 <= natural <= 1100 and FONT_PX >= 12
    assert d._repr_svg_() == d.svg
    assert d.save(tmp_path / "d.svg").read_text(encoding="utf-8") == d.svg


def test_user_text_is_escaped_and_control_characters_replaced():
    doc = {
        "authority": 'A"&<b>',
        "aims": [{"id": "a", "statement": "<script>alert('x')</script> \x01 & done"}],
        "drivers": [
            {"id": "p", "level": "primary", "text": "P", "aim": "a", "parents": []},
            {"id": "s", "level": "secondary", "text": "S", "parents": ["p"], "strength": "weak"},
        ],
        "change_ideas": [{"id": "c", "name": "x" * 400, "status": "idea", "drivers": ["s"]}],
    }
    svg = driver_diagram(doc).svg
    root = ET.fromstring(svg)  # well-formed XML
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    assert 'stroke-dasharray="5,4"' in svg  # weak link dashed
    long_lines = [t.text for t in root.iter("{http://www.w3.org/2000/svg}text") if t.text]
    assert max(len(t) for t in long_lines) <= 30  # wrapped
    assert any(t.endswith("\u2026") for t in long_lines)  # capped


def test_empty_authority_still_draws():
    root = ET.fromstring(driver_diagram({"authority": "Nowhere"}).svg)
    texts = [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")]
    assert "No aim recorded" in texts
