"""The batch runner's parts without kernels: progress and its estimate, executors, job order."""

import io
from pathlib import Path

import pytest

from paceqi.errors import ReportError
from paceqi.report.batch import by_authority
from paceqi.report.executors import EXECUTORS, DaskExecutor, LocalExecutor, make_executor
from paceqi.report.jobs import RunSpec
from paceqi.report.progress import Progress


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


def test_progress_estimate_uses_the_rate_since_the_first_report():
    clock, out = Clock(), io.StringIO()
    bar = Progress(10, initial=2, failed=1, stream=out, every=0, clock=clock)
    assert "reports 2/10 (20%), 2 unchanged, 1 failed" in out.getvalue()
    clock.now = 30.0  # kernel start-up: not part of the rate
    bar.update(True)
    clock.now = 32.0
    bar.update(False)
    assert bar.remaining_seconds() is None  # too few reports to estimate
    assert "estimating time left" in bar.line()
    clock.now = 34.0
    bar.update(True)
    # 2 reports in the 4 s since the first finished: 0.5 per second; 5 left -> 10 s
    assert bar.remaining_seconds() == pytest.approx(10.0)
    assert bar.line().endswith("2 failed, 0:34 elapsed, ~0:10 left")
    for _ in range(5):
        bar.update(True)
    assert (
        out.getvalue().splitlines()[-1]
        == "reports 10/10 (100%), 2 unchanged, 2 failed, 0:34 elapsed"
    )


def test_progress_quiet_and_throttled():
    clock, out = Clock(), io.StringIO()
    quiet = Progress(3, stream=out, enabled=False, clock=clock)
    quiet.update(True)
    assert out.getvalue() == ""
    bar = Progress(100, stream=out, every=10, clock=clock)
    for _ in range(5):
        bar.update(True)  # same instant: one line at the start only
    assert len(out.getvalue().splitlines()) == 1
    clock.now = 11
    bar.update(True)
    assert len(out.getvalue().splitlines()) == 2


def test_executors_are_chosen_by_name():
    assert isinstance(make_executor("local", jobs=2), LocalExecutor)
    dask = make_executor("dask", scheduler="tcp://h:1", jobs=1)
    assert isinstance(dask, DaskExecutor) and dask.scheduler == "tcp://h:1"
    assert set(EXECUTORS) == {"local", "dask"}
    with pytest.raises(ReportError, match="unknown executor 'ray'; choose one of: dask, local"):
        make_executor("ray")


def test_jobs_run_grouped_by_authority():
    nb = Path("a.ipynb")
    specs = [RunSpec(nb.with_stem(n), a) for n in ("x", "y") for a in ("Fife", "Angus", "Moray")]
    order = [(s.authority, s.name) for s in by_authority(specs)]
    assert order == [
        ("Fife", "x"), ("Fife", "y"), ("Angus", "x"), ("Angus", "y"), ("Moray", "x"), ("Moray", "y")
    ]  # fmt: skip
