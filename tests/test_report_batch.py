"""The batch runner end to end on small fixture notebooks (tests/notebooks/).

One kernel pool is shared by the whole module (starting kernels is the expensive part).
"""

import json
import os
import re
import shutil
from pathlib import Path

import pytest

from paceqi.cli import main
from paceqi.errors import ReportError
from paceqi.report.batch import RunResult, run_batch, run_report
from paceqi.report.jobs import RunSpec
from paceqi.report.kernelpool import Kernel, KernelPool

pytestmark = [pytest.mark.slow, pytest.mark.timeout(180)]

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "tests" / "notebooks"
# generous: CI machines are small and busy (a cold `import pandas` has taken 4 s there)
TIMEOUT = 60


@pytest.fixture(scope="module")
def pool():
    with KernelPool(size=1, recycle_after=100) as shared:
        yield shared


def spec(name, authority, out, **params):
    return RunSpec(
        NOTEBOOKS / f"{name}.ipynb",
        authority,
        {"authority": authority, **params},
        out,
        timeout=params.pop("_timeout", TIMEOUT) if "_timeout" in params else TIMEOUT,
    )


@pytest.fixture(scope="module")
def local_batch(pool, tmp_path_factory):
    """A small batch with a failing report, run once on the shared pool."""
    out = tmp_path_factory.mktemp("local")
    specs = [
        spec("normal", "Fife", out),
        spec("normal", "Angus", out, scale=2.0),
        spec("broken", "Fife", out),
    ]
    return out, specs, run_batch(specs, pool=pool, progress=False)


def test_batch_continues_after_a_failure_and_links_the_error(pool, local_batch):
    tmp_path, specs, results = local_batch
    assert [r.status for r in results] == ["ok", "ok", "failed"]
    fife, angus, broken = results
    # figures read back from the executed notebooks
    assert fife.figures["median_days"] == 10.5
    assert angus.figures["median_days"] == 21.0
    assert fife.figures["variation"] == "common_cause"
    assert fife.figures["monthly_median"] == [40, 38, 41, 35, 33, 30]
    # the failure: name, message, failing cell, executed notebook kept with papermill's banner
    assert (broken.ename, broken.evalue) == ("ValueError", "deliberate failure for the test")
    assert broken.execution_count == 4  # parameters, injected parameters, x = 1, raise
    executed = json.loads((tmp_path / "broken" / "fife.ipynb").read_text())
    first = executed["cells"][0]
    assert "papermill-error-cell-tag" in first["metadata"]["tags"]
    assert "In [4]" in "".join(first["source"])
    assert executed["metadata"]["papermill"]["parameters"]["authority"] == "Fife"
    error_page = (tmp_path / "broken" / "fife.html").read_text()
    assert 'id="papermill-error-cell"' in error_page
    assert "deliberate failure for the test" in error_page
    assert "fine so far" in error_page  # output before the failure is kept
    # the index lists every report and links the failure to its error page
    index = (tmp_path / "index.html").read_text()
    assert 'href="normal/fife.html"' in index and 'href="normal/angus.html"' in index
    assert 'href="broken/fife.html#papermill-error-cell"' in index
    assert "cell 4: ValueError: deliberate failure for the test" in index
    assert "Reports that did not finish (1)" in index  # failures are listed first
    # these test notebooks record loose figures, not a report's key figures: no answer claimed
    assert "No answer recorded" in index
    national = (tmp_path / "national.html").read_text()
    assert "Scotland" in national and "No finished test-of-change reports yet" in national
    for page in (index, national):
        assert "<script" not in page and "http://" not in page and "https://" not in page

    # an unchanged re-run is a no-op: nothing executed, no file rewritten
    stamps = {p: p.stat().st_mtime_ns for p in tmp_path.glob("*/*.*")}
    again = run_batch(specs, pool=pool, progress=False, write_index=False)
    assert all(r.skipped for r in again)
    assert [r.status for r in again] == ["ok", "ok", "failed"]
    assert {p: p.stat().st_mtime_ns for p in tmp_path.glob("*/*.*")} == stamps

    # a changed parameter re-runs that report only; --force re-runs everything
    changed = [specs[0], spec("normal", "Angus", tmp_path, scale=3.0), specs[2]]
    partial = run_batch(changed, pool=pool, progress=False, write_index=False)
    assert [r.skipped for r in partial] == [True, False, True]
    assert partial[1].figures["median_days"] == 31.5
    forced = run_batch(changed[:1], pool=pool, progress=False, force=True, write_index=False)
    assert not forced[0].skipped and forced[0].ok


def test_a_change_to_the_paceqi_code_makes_reports_stale(pool, tmp_path, monkeypatch):
    """The up-to-date check hashes the installed paceqi source, not only its version."""
    import paceqi

    code = tmp_path / "code" / "paceqi"  # stands in for the installed (editable) package
    shutil.copytree(
        Path(paceqi.__file__).resolve().parent,
        code,
        ignore=shutil.ignore_patterns("__pycache__", "*.pyc"),
    )
    monkeypatch.setattr(paceqi, "__file__", str(code / "__init__.py"))
    out = tmp_path / "out"
    specs = [spec("normal", "Fife", out)]
    first = run_batch(specs, pool=pool, progress=False, write_index=False)
    assert first[0].ok and not first[0].skipped
    again = run_batch(specs, pool=pool, progress=False, write_index=False)
    assert again[0].skipped  # unchanged code, data and notebook: skipped
    (code / "__pycache__").mkdir(exist_ok=True)
    (code / "__pycache__" / "errors.cpython-311.pyc").write_bytes(b"byte-code")
    assert run_batch(specs, pool=pool, progress=False, write_index=False)[0].skipped
    source = code / "errors.py"
    source.write_text(source.read_text() + "\n# a code change, same version\n")
    changed = run_batch(specs, pool=pool, progress=False, write_index=False)
    assert not changed[0].skipped and changed[0].ok
    assert changed[0].content_hash != first[0].content_hash
    assert run_batch(specs, pool=pool, progress=False, write_index=False)[0].skipped


def test_reused_kernel_starts_clean(pool, tmp_path):
    results = run_batch(
        [spec("leak", "Fife", tmp_path), spec("check_clean", "Fife", tmp_path)],
        pool=pool,
        progress=False,
        write_index=False,
    )
    assert [r.status for r in results] == ["ok", "ok"], results[1].evalue


def test_reused_kernel_keeps_paceqi_imported(pool):
    # the reset restores paceqi's globals instead of re-importing it (its caches survive)
    async def remember(kernel):
        await kernel.run_code(
            "import sys, paceqi.report.jobs\nsys._paceqi_probe = paceqi.report.jobs", 30
        )

    async def same(kernel):
        await kernel.run_code(
            "import sys, paceqi.report.jobs\nassert paceqi.report.jobs is sys._paceqi_probe",
            30,
        )

    pool.call(remember)
    pool.call(same)  # raises ReportError if paceqi was imported afresh


def test_isolation_check_fails_without_the_reset(pool, tmp_path, monkeypatch):
    # the negative control: the same two notebooks without the reset do leak
    async def no_reset(self):
        return None

    monkeypatch.setattr(Kernel, "reset", no_reset)
    results = run_batch(
        [spec("leak", "Fife", tmp_path), spec("check_clean", "Fife", tmp_path)],
        pool=pool,
        progress=False,
        write_index=False,
    )
    assert results[1].status == "failed"
    assert results[1].ename == "AssertionError"


def test_hanging_notebook_is_stopped_by_the_timeout(pool, tmp_path):
    hang = RunSpec(NOTEBOOKS / "hang.ipynb", "Fife", {"authority": "Fife"}, tmp_path, timeout=2)
    before = pool.recycles
    result = run_report(hang, pool=pool)
    assert result.status == "failed" and result.timed_out
    assert result.ename == "CellTimeoutError"
    assert result.duration < 30
    assert pool.recycles == before + 1  # the busy kernel was replaced
    assert "timeout" in (tmp_path / "hang" / "fife.html").read_text()


def test_parameter_not_in_the_notebook_fails_naming_it(pool, tmp_path):
    result = run_report(spec("normal", "Fife", tmp_path, colour="red"), pool=pool)
    assert result.status == "failed" and result.ename == "ParameterError"
    assert "'colour'" in result.evalue and "normal.ipynb" in result.evalue
    page = (tmp_path / "normal" / "fife.html").read_text()
    assert "This report could not run" in page and "colour" in page


def test_report_template_is_offline_codeless_and_small(pool, tmp_path):
    data_file = str(NOTEBOOKS / "normal.ipynb")  # any existing file will do as "data"
    result = run_report(spec("normal", "Fife", tmp_path, extract=data_file, rules="mdc"), pool=pool)
    assert result.ok, result.evalue
    page = (tmp_path / "normal" / "fife.html").read_text()
    assert len(page.encode()) < 400_000
    lowered = page.lower()
    for banned in ("<script", "cdn", "unpkg", "mathjax", "require.js", "mermaid", "@import"):
        assert banned not in lowered, banned
    # every URL in the page is an XML namespace, never something to fetch
    assert set(re.findall(r"https?://[^\s\"'<>)]+", page)) <= {
        "http://www.w3.org/2000/svg",
        "http://www.w3.org/1999/xlink",
    }
    # no code, no prompts, no parameters cell, no raw record outputs
    for code in ("plt.subplots", "import pandas", "record(", 'authority = "Fixture', "In&nbsp;["):
        assert code not in page, code
    assert "median_days = " not in page
    # outputs, contents list, provenance footer
    assert "<img" in page and "Median 10.5 days for Fife" in page
    assert 'class="pq-toc"' in page and 'href="#Run-chart"' in page
    assert 'class="pq-provenance"' in page and "paceqi version" in page
    assert "<dt>Rule set</dt><dd>mdc</dd>" in page
    assert "Data file <code>extract</code>" in page  # hash of the data file named in parameters
    assert "@media print" in page


def test_cli_batch_exit_code_and_rerun(tmp_path, monkeypatch, capsys):
    project = tmp_path / "project"
    (project / "notebooks" / "change_ideas").mkdir(parents=True)
    for name in ("normal", "broken"):
        shutil.copy(NOTEBOOKS / f"{name}.ipynb", project / "notebooks" / "change_ideas")
    shutil.copytree(ROOT / "templates", project / "templates")
    auth = project / "parameters" / "authorities"
    auth.mkdir(parents=True)
    (auth / "fife.yaml").write_text("authority: Fife\nextract: data/fife.csv\n")
    (auth / "na_h_eileanan_siar.yaml").write_text(
        "authority: Na h-Eileanan Siar\nparameters:\n  scale: 2.0\n"
    )
    manifest = project / "parameters" / "batch" / "t.yaml"
    manifest.parent.mkdir()
    manifest.write_text(
        "notebooks: [normal, broken]\n"
        "authorities: [Na h-Eileanan Siar, Fife]\n"
        f"timeout: {TIMEOUT}\n"
        "parameters:\n  rules: ihi\n"
    )
    monkeypatch.setenv("PACEQI_HOME", str(project))
    out = tmp_path / "reports"
    args = ["batch", str(manifest), "--out", str(out), "--jobs", "1", "--quiet"]
    assert main(args + ["--only", "Fife"]) == 1
    text = capsys.readouterr()
    assert "2 reports: 1 ok, 1 failed" in text.out
    assert "ValueError: deliberate failure" in text.out
    assert "1 report(s) failed" in text.err
    assert not (out / "normal" / "na_h_eileanan_siar.html").exists()
    executed = json.loads((out / "normal" / "fife.ipynb").read_text())
    # relative paths were made absolute against the project root before reaching the kernel
    assert executed["metadata"]["papermill"]["parameters"]["extract"] == str(
        project / "data" / "fife.csv"
    )
    # unchanged: nothing re-run, still exit 1 because a report failed
    assert main(args + ["--only", "fife"]) == 1
    assert "2 reports: 1 ok, 1 failed, 2 unchanged" in capsys.readouterr().out


def test_dask_cluster_gives_the_same_reports(local_batch, tmp_path):
    distributed = pytest.importorskip("distributed")
    local_out, _, local_results = local_batch
    local = [local_results[0], local_results[2]]  # normal/fife and broken/fife
    specs_dask = [spec("normal", "Fife", tmp_path), spec("broken", "Fife", tmp_path)]
    with distributed.LocalCluster(
        n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None
    ) as cluster:
        remote = run_batch(specs_dask, scheduler=cluster.scheduler_address, progress=False)
    assert [(r.status, r.ename, r.figures) for r in remote] == [
        (r.status, r.ename, r.figures) for r in local
    ]

    def body(path):  # the report without its run-time stamps
        page = path.read_text()
        return page[page.index("<main>") : page.index("</main>")]

    for name in ("normal/fife.html", "broken/fife.html"):
        assert body(tmp_path / name) == body(local_out / name)
    assert (tmp_path / "index.html").is_file()


def test_run_result_round_trips_through_json():
    result = RunResult(
        "nb", "Fife", "fife", "failed", "E", "msg", 3, 2, 1.5, "a", "b", {"x": 1}, "h"
    )
    assert RunResult.from_dict(json.loads(json.dumps(result.to_dict()))) == result


def test_output_files_stay_inside_the_output_folder(tmp_path):
    evil = RunSpec(NOTEBOOKS / "normal.ipynb", "../../etc/passwd", {}, tmp_path / "out")
    for path in (evil.html_path, evil.ipynb_path, evil.result_path):
        assert path.resolve().is_relative_to((tmp_path / "out").resolve())
        assert ".." not in path.relative_to(tmp_path / "out").parts
    assert evil.slug == "etc_passwd"
    assert os.sep not in evil.slug


def _pid_alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # a zombie is dead too
        return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"
    except OSError:
        return True


def test_isolate_gives_every_job_a_fresh_kernel_and_close_stops_them():
    async def set_x(kernel):
        await kernel.run_code("x = 1", timeout=30)
        return kernel.km.provisioner.pid

    async def check_x(kernel):
        await kernel.run_code("assert 'x' not in globals()", timeout=30)
        return kernel.km.provisioner.pid

    with KernelPool(size=1, isolate=True) as isolated:
        first = isolated.call(set_x)
        second = isolated.call(check_x)  # would raise ReportError if x were still defined
    assert first != second
    assert isolated.recycles >= 1
    assert not _pid_alive(first) and not _pid_alive(second)


def test_reused_kernel_is_recycled_after_k_jobs():
    async def pid(kernel):
        await kernel.run_code("pass", timeout=30)
        return kernel.km.provisioner.pid

    async def spoil(kernel):
        kernel.dirty = True

    async def cannot_start():
        raise OSError("no more processes")

    with KernelPool(size=1, recycle_after=2) as small:
        pids = [small.call(pid) for _ in range(3)]
        assert pids[0] == pids[1] != pids[2]
        assert small.recycles >= 1
        # when no replacement kernel can be started, later jobs fail clearly instead of hanging
        small._new_kernel = cannot_start
        small.call(spoil)
        with pytest.raises(ReportError, match="could not start a new kernel: OSError"):
            small.submit(pid).result(timeout=30)


def test_kernel_over_its_memory_limit_is_recycled():
    async def pid(kernel):
        await kernel.run_code("pass", timeout=30)
        assert kernel.rss_mb() > 10  # a Python kernel with IPython loaded
        return kernel.km.provisioner.pid

    with KernelPool(size=1, max_rss_mb=1.0) as small:
        first, second = small.call(pid), small.call(pid)
    assert first != second and small.recycles >= 1


def test_cli_run_one_failing_report(tmp_path, capsys):
    params = tmp_path / "fife.yaml"
    params.write_text("authority: Fife\n")
    out = tmp_path / "out"
    code = main(
        ["run", str(NOTEBOOKS / "broken.ipynb"), "--params", str(params), "--out", str(out)]
    )
    assert code == 1
    assert "ValueError: deliberate failure" in capsys.readouterr().out
    assert 'id="papermill-error-cell"' in (out / "broken" / "fife.html").read_text()
    assert "broken/fife.html#papermill-error-cell" in (out / "index.html").read_text()
