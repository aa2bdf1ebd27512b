"""Units of paceqi.report that need no kernel: jobs, record, index, render, atomic writes."""

import datetime
import json
import math
import os
import subprocess
from pathlib import Path

import numpy as np
import pytest

from paceqi.errors import OptionsError
from paceqi.report import RECORD_MIMETYPE, read_records, record
from paceqi.report._files import atomic_write_text
from paceqi.report.batch import RunResult, content_hash, format_summary
from paceqi.report.index import icon, sparkline, write_index
from paceqi.report.jobs import (
    RunSpec,
    check_json_parameters,
    expand_environment,
    load_manifest,
    resolve_path_parameters,
    spec_from_parameters_file,
    specs_from_manifest,
)
from paceqi.report.render import add_contents

ROOT = Path(__file__).resolve().parents[1]
NB = ROOT / "tests" / "notebooks" / "normal.ipynb"


# -- jobs ---------------------------------------------------------------------------------------
def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


@pytest.fixture
def project(tmp_path):
    nbs = tmp_path / "nbs"
    nbs.mkdir()
    (nbs / "idea.ipynb").write_bytes(NB.read_bytes())
    auth = tmp_path / "auth"
    write(auth / "fife.yaml", "authority: Fife\nextract: data/fife.csv\n")
    write(auth / "angus.yaml", "authority: Angus\nparameters:\n  rules: mdc\n")
    return tmp_path


def build(project, manifest_text, **kw):
    manifest = write(project / "m.yaml", manifest_text)
    return specs_from_manifest(
        manifest,
        output_dir=project / "out",
        notebooks_folder=project / "nbs",
        authorities_folder=project / "auth",
        root=project,
        **kw,
    )


def test_specs_merge_manifest_and_authority_parameters(project):
    specs = build(
        project, "notebooks: [idea]\nauthorities: [Fife, Angus]\nparameters:\n  rules: ihi\n"
    )
    fife, angus = specs
    assert fife.parameters == {
        "rules": "ihi",
        "authority": "Fife",
        "extract": str(project / "data" / "fife.csv"),
    }
    assert angus.parameters == {"rules": "mdc", "authority": "Angus"}
    assert fife.html_path == project / "out" / "idea" / "fife.html"
    assert fife.timeout == 600


def test_only_selects_by_name_or_slug_and_rejects_unknown(project):
    text = "notebooks: [idea]\nauthorities: [Fife, Angus]\n"
    assert [s.authority for s in build(project, text, only=["angus"])] == ["Angus"]
    with pytest.raises(OptionsError, match="not in the manifest: moray"):
        build(project, text, only=["Moray"])


def test_unknown_key_in_manifest_names_key_and_file(project):
    with pytest.raises(OptionsError, match=r"m\.yaml: unknown key 'notebok'"):
        build(project, "notebok: [idea]\n")


def test_unknown_key_in_authority_file_names_key_and_file(project):
    write(project / "auth" / "fife.yaml", "authority: Fife\nextrakt: x.csv\n")
    with pytest.raises(OptionsError, match=r"fife\.yaml: unknown key 'extrakt'"):
        build(project, "notebooks: [idea]\nauthorities: [Fife]\n")


def test_missing_authority_file_is_named(project):
    with pytest.raises(OptionsError, match=r"moray\.yaml: file not found"):
        build(project, "notebooks: [idea]\nauthorities: [Moray]\n")


def test_unquoted_yaml_date_is_rejected_with_the_fix(project):
    with pytest.raises(OptionsError, match=r"parameter 'as_of' is a date.*\"2021-03-31\""):
        build(project, "notebooks: [idea]\nauthorities: [Fife]\nparameters:\n  as_of: 2021-03-31\n")


def test_missing_notebook_and_bad_yaml(project):
    with pytest.raises(OptionsError, match="notebook 'nope' not found"):
        build(project, "notebooks: [nope]\nauthorities: [Fife]\n")
    with pytest.raises(OptionsError, match="not valid YAML at line 2, column 1"):
        build(project, "notebooks: [idea\n")


def test_authority_file_name_cannot_escape_its_folder(project):
    # a hostile name in the manifest is looked up as a slug inside the authorities folder
    with pytest.raises(OptionsError) as err:
        build(project, "notebooks: [idea]\nauthorities: ['../../etc/passwd']\n")
    assert str(project / "auth" / "etc_passwd.yaml") in str(err.value)


def test_all_means_the_32_scottish_authorities(tmp_path):
    info = load_manifest(write(tmp_path / "m.yaml", "notebooks: [x]\n"))
    assert len(info["authorities"]) == 32 and "Fife" in info["authorities"]


def test_demo_manifest_and_authority_files_agree():
    from paceqi.report.jobs import load_authority_parameters

    info = load_manifest(ROOT / "parameters" / "batch" / "demo.yaml")
    # the demo covers every change-idea notebook (issue #7) for all 32 authorities
    on_disk = {p.stem for p in (ROOT / "notebooks" / "change_ideas").glob("*.ipynb")}
    assert set(info["notebooks"]) == on_disk and "two_week_planning_meeting" in on_disk
    assert len(info["authorities"]) == 32
    for name in info["authorities"]:
        params, path = load_authority_parameters(name, ROOT / "parameters" / "authorities")
        assert params["authority"] == name
        assert params["extract"] == f"data/synthetic/extracts/{path.stem}.csv"


def test_demo_manifests_follow_paceqi_db(monkeypatch):
    """make reports and the demo manifests use $PACEQI_DB when it is set (#16)."""
    for name in ("demo.yaml", "quick.yaml"):
        manifest = ROOT / "parameters" / "batch" / name
        monkeypatch.delenv("PACEQI_DB", raising=False)
        default = specs_from_manifest(manifest, only=["Fife"])[0].parameters["pdsa"]
        assert default == str(ROOT / "workspace" / "paceqi.db")  # unchanged default
        monkeypatch.setenv("PACEQI_DB", "workspace/fife.db")  # relative: the project's
        assert specs_from_manifest(manifest, only=["Fife"])[0].parameters["pdsa"] == str(
            ROOT / "workspace" / "fife.db"
        )
        url = "postgresql+psycopg://fife_qi@db.example.org/paceqi_fife"
        monkeypatch.setenv("PACEQI_DB", url)  # a URL reaches the notebook as it is
        assert specs_from_manifest(manifest, only=["Fife"])[0].parameters["pdsa"] == url
        monkeypatch.setenv("PACEQI_DB", "")  # empty counts as unset, as in a shell
        assert specs_from_manifest(manifest, only=["Fife"])[0].parameters["pdsa"] == default


def test_makefile_imports_the_demo_cycles_into_paceqi_db(tmp_path):
    def dry_run(*extra: str, env: dict[str, str] | None = None) -> str:
        base = {k: v for k, v in os.environ.items() if k != "PACEQI_DB"}
        done = subprocess.run(
            ["make", "-n", "reports", *extra],
            cwd=ROOT,
            env={**base, **(env or {})},
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 0, done.stderr
        return next(line for line in done.stdout.splitlines() if "pdsa import" in line)

    assert dry_run().endswith("--db 'workspace/paceqi.db'")
    assert dry_run(env={"PACEQI_DB": str(tmp_path / "a.db")}).endswith(f"--db '{tmp_path}/a.db'")
    assert dry_run(f"PACEQI_DB={tmp_path}/b.db").endswith(f"--db '{tmp_path}/b.db'")


def test_environment_references_in_parameter_files(tmp_path, monkeypatch):
    monkeypatch.setenv("PQ_TEST_STORE", "stores/x.db")
    monkeypatch.delenv("PQ_TEST_UNSET", raising=False)
    assert expand_environment(
        {"pdsa": "${PQ_TEST_STORE}", "a": "${PQ_TEST_UNSET:-d.db}", "b": "x ${PQ_TEST_STORE}"}
    ) == {"pdsa": "stores/x.db", "a": "d.db", "b": "x ${PQ_TEST_STORE}"}  # whole values only
    manifest = write(
        tmp_path / "m.yaml",
        "notebooks: [n]\nauthorities: [Fife]\nparameters:\n  pdsa: ${PQ_TEST_UNSET}\n",
    )
    with pytest.raises(OptionsError, match=r"m.yaml: parameter 'pdsa' reads \$\{PQ_TEST_UNSET\}"):
        load_manifest(manifest)
    flat = write(tmp_path / "p.yaml", "authority: Fife\npdsa: ${PQ_TEST_STORE}\n")
    spec = spec_from_parameters_file(NB, flat, output_dir=tmp_path, root=tmp_path)
    assert spec.parameters["pdsa"] == str(tmp_path / "stores" / "x.db")


def test_json_parameter_checks():
    check_json_parameters({"a": [1, {"b": None}], "c": 1.5, "d": True})
    with pytest.raises(OptionsError, match=r"'t' is a date \(datetime\)"):
        check_json_parameters({"t": [datetime.datetime(2021, 1, 1)]})
    with pytest.raises(OptionsError, match="'x' has type set"):
        check_json_parameters({"x": {1}})
    with pytest.raises(OptionsError, match="finite"):
        check_json_parameters({"x": math.nan})


def test_path_parameters_resolve_and_input_is_not_mutated(tmp_path):
    params = {"extract": "a/b.csv", "pdsa_file": "/abs/p.yaml", "rules": "a/b", "mapping": None}
    before = dict(params)
    out = resolve_path_parameters(params, tmp_path)
    assert params == before
    assert out == {
        "extract": str(tmp_path / "a" / "b.csv"),
        "pdsa_file": "/abs/p.yaml",
        "rules": "a/b",
        "mapping": None,
    }


def test_run_spec_from_a_parameters_file(tmp_path):
    flat = write(tmp_path / "p.yaml", "authority: Fife\nscale: 2.0\nextract: d.csv\n")
    spec = spec_from_parameters_file(NB, flat, output_dir=tmp_path, root=tmp_path)
    assert spec.parameters == {
        "authority": "Fife",
        "scale": 2.0,
        "extract": str(tmp_path / "d.csv"),
    }
    with pytest.raises(OptionsError, match="missing 'authority'"):
        spec_from_parameters_file(NB, write(tmp_path / "q.yaml", "scale: 1\n"))


def test_run_spec_rejects_dates_and_bad_timeout(tmp_path):
    with pytest.raises(OptionsError, match="quoted ISO strings"):
        RunSpec(NB, "Fife", {"as_of": datetime.date(2021, 3, 31)}, tmp_path)
    with pytest.raises(OptionsError, match="timeout"):
        RunSpec(NB, "Fife", {}, tmp_path, timeout=0)


# -- content hash -------------------------------------------------------------------------------
def test_content_hash_follows_notebook_parameters_and_data(tmp_path):
    data = write(tmp_path / "d.csv", "a\n1\n")
    nb = tmp_path / "n.ipynb"
    nb.write_bytes(NB.read_bytes())
    spec = RunSpec(nb, "Fife", {"extract": str(data)}, tmp_path)
    first = content_hash(spec)
    assert content_hash(spec) == first
    assert content_hash(RunSpec(nb, "Fife", {"extract": str(data), "x": 1}, tmp_path)) != first
    data.write_text("a\n2\n")
    os.utime(data, ns=(1, 1))  # a different mtime too, so the memo cannot hide the change
    second = content_hash(spec)
    assert second != first
    nb.write_bytes(NB.read_bytes() + b" ")
    assert content_hash(spec) != second


def test_source_digest_follows_the_code_not_its_byte_code(tmp_path):
    import paceqi
    from paceqi.report.hashing import source_digest

    package = tmp_path / "pkg"
    (package / "sub").mkdir(parents=True)
    write(package / "__init__.py", "x = 1\n")
    write(package / "sub" / "rules.yaml", "a: 1\n")
    first = source_digest(package)
    (package / "__pycache__").mkdir()
    write(package / "__pycache__" / "m.cpython-311.pyc", "junk")
    write(package / "sub" / "old.pyc", "junk")
    assert source_digest(package) == first
    write(package / "sub" / "rules.yaml", "a: 2\n")
    os.utime(package / "sub" / "rules.yaml", ns=(1, 1))
    second = source_digest(package)
    assert second != first
    write(package / "new.py", "")
    assert source_digest(package) != second
    # by default: the imported paceqi package
    assert source_digest() == source_digest(Path(paceqi.__file__).resolve().parent)
    spec = RunSpec(NB, "Fife", {}, tmp_path)
    assert content_hash(spec, source=first) != content_hash(spec, source=second)
    assert content_hash(spec) == content_hash(spec, source=source_digest())


# -- record -------------------------------------------------------------------------------------
def test_record_converts_numpy_and_rejects_objects(capsys):
    assert record("n", np.int64(3)) == 3
    assert record("m", np.float64(np.nan)) is None
    assert record("s", np.array([1.5, 2.0])) == [1.5, 2.0]
    assert record("d", datetime.date(2021, 3, 31)) == "2021-03-31"
    assert "n = 3" in capsys.readouterr().out
    with pytest.raises(TypeError, match="cannot be recorded"):
        record("o", object())
    with pytest.raises(ValueError, match="non-empty"):
        record(" ", 1)


def test_read_records_last_value_wins():
    out = {"output_type": "display_data", "data": {RECORD_MIMETYPE: {"name": "a", "value": 1}}}
    out2 = {"output_type": "display_data", "data": {RECORD_MIMETYPE: {"name": "a", "value": 2}}}
    nb = {"cells": [{"outputs": [out]}, {"outputs": [out2, {"output_type": "stream"}]}, {}]}
    assert read_records(nb) == {"a": 2}


# -- index --------------------------------------------------------------------------------------
def result(authority, status="ok", **kw):
    return RunResult(
        "idea",
        authority,
        authority.lower(),
        status,
        html_path=f"idea/{authority.lower()}.html",
        **kw,
    ).to_dict()


def test_icons_have_accessible_labels():
    assert 'role="img"' in icon("assurance", "consistent_pass")
    assert "<title>" in icon("variation", "improvement_low")
    assert icon("variation", None) == ""
    assert icon("variation", "odd") == "odd"
    assert sparkline([1, 1]).startswith("<svg")


def test_write_index_reads_the_result_files(tmp_path):
    write(tmp_path / "idea" / "fife.json", json.dumps(result("Fife")))
    write(tmp_path / "idea" / "junk.json", "{not json")
    write_index(tmp_path)
    assert "Fife" in (tmp_path / "index.html").read_text()
    assert (tmp_path / "national.html").is_file()


def test_summary_table():
    text = format_summary(
        [
            RunResult("idea", "Fife", "fife", "ok", duration=1.25),
            RunResult(
                "idea", "Angus", "angus", "failed", "E", "boom", execution_count=2, skipped=True
            ),
        ]
    )
    assert "cell 2: E: boom" in text
    assert text.endswith("2 reports: 1 ok, 1 failed, 1 unchanged (not re-run)")


# -- render, atomic writes ----------------------------------------------------------------------
def test_contents_list_from_headings():
    page = '<!--paceqi:toc--><main><h2 id="aim">Aim <a class="anchor-link" href="#aim">¶</a></h2>'
    page += "<h3>Run &amp; chart</h3><h2>Run &amp; chart</h2></main><footer><h2>Provenance</h2>"
    out = add_contents(page)
    assert '<a href="#aim">Aim</a>' in out
    assert '<a href="#run-chart">Run &amp; chart</a>' in out and 'href="#run-chart-2"' in out
    assert '<h3 id="run-chart">' in out
    assert "Provenance</a>" not in out  # footer headings stay out of the contents
    assert add_contents("<main></main>") == "<main></main>"


def test_atomic_write_leaves_the_old_file_on_failure(tmp_path, monkeypatch):
    target = tmp_path / "r.html"
    atomic_write_text(target, "old")
    assert oct(target.stat().st_mode & 0o777) != oct(0o600)

    def boom(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(OSError, match="disk full"):
        atomic_write_text(target, "new")
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["r.html"]  # no temporary file left


def test_cli_help_lists_run_and_batch(capsys):
    from paceqi.cli import main

    with pytest.raises(SystemExit):
        main(["batch", "--help"])
    assert "--scheduler ADDRESS" in capsys.readouterr().out


def test_cli_reports_manifest_errors_without_traceback(tmp_path, capsys):
    from paceqi.cli import main

    bad = write(tmp_path / "m.yaml", "notebooks: [x]\ncolour: red\n")
    assert main(["batch", str(bad), "--out", str(tmp_path / "o"), "--quiet"]) == 1
    assert "unknown key 'colour'" in capsys.readouterr().err
