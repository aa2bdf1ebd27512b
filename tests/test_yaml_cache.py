"""The C YAML loader gives the same values and errors; the catalogue cache follows the file."""

import datetime as dt
import shutil

import pytest
import yaml

from paceqi import OptionsError, _yaml, load_catalogue
from paceqi._paths import parameters_dir
from paceqi.catalogue import _parse

DOC = """
name: test
when: 2016-03-01
n: 14
x: 1.5
flag: yes
none: ~
list: [a, "b", 3]
nested: {k: [1, {j: null}]}
text: |
  two
  lines
"""


def test_safe_load_matches_pyyaml_safe_load():
    assert _yaml.safe_load(DOC) == yaml.safe_load(DOC)
    assert _yaml.safe_load(DOC)["when"] == dt.date(2016, 3, 1)


def test_safe_load_error_is_the_pure_python_loaders(monkeypatch):
    bad = "a: [1, 2\nb: 3\n"
    with pytest.raises(yaml.YAMLError) as expected:
        yaml.safe_load(bad)
    with pytest.raises(yaml.YAMLError) as got:
        _yaml.safe_load(bad)
    assert str(got.value) == str(expected.value)


def test_safe_load_refuses_python_tags():
    with pytest.raises(yaml.YAMLError):
        _yaml.safe_load("!!python/object/apply:os.system ['true']")


def test_catalogue_is_parsed_once_per_content_and_shared():
    _parse.cache_clear()
    a, b = load_catalogue(), load_catalogue()
    assert a is b
    assert _parse.cache_info().misses == 1 and _parse.cache_info().hits == 1


def test_catalogue_cache_follows_edits_to_the_file(tmp_path):
    path = tmp_path / "cat.yaml"
    shutil.copy(parameters_dir() / "catalogues" / "scotland.yaml", path)
    before = load_catalogue(path)
    assert before["adm_decision"].target_days == 14
    text = path.read_text(encoding="utf-8")
    # Same length, so only the content tells the two versions apart.
    head, tail = text.rsplit("target_days: 14", 1)  # the last one is adm_decision's
    path.write_text(head + "target_days: 15" + tail, encoding="utf-8")
    after = load_catalogue(path)
    assert after["adm_decision"].target_days == 15
    path.write_text("stages: {}\n", encoding="utf-8")
    with pytest.raises(OptionsError, match="'stages' list"):
        load_catalogue(path)
    path.write_text(text, encoding="utf-8")
    assert load_catalogue(path) == before


def test_catalogue_errors_are_not_cached(tmp_path):
    path = tmp_path / "cat.yaml"
    path.write_text("stages: [\n", encoding="utf-8")
    for _ in range(2):
        with pytest.raises(OptionsError, match="Cannot read stage catalogue"):
            load_catalogue(path)
