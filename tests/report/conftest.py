"""Session fixture: one real report built from synthetic data (see ``report_build``)."""

from pathlib import Path

import pytest
from report_build import FIFE, FIFE_NOTEBOOKS, BuiltReport, build_demo, build_report, build_reports


@pytest.fixture(scope="session")
def built_report(tmp_path_factory) -> BuiltReport:
    """The Two Week Planning Meeting report for one synthetic authority, and its index."""
    return build_report(tmp_path_factory.mktemp("report"))


@pytest.fixture(scope="session")
def demo_reports(tmp_path_factory) -> Path:
    """Every change-idea report for the small demo authorities, with index and roll-up."""
    return build_demo(tmp_path_factory.mktemp("demo"))


@pytest.fixture(scope="session")
def fife_reports(tmp_path_factory) -> Path:
    """Fife's Two Week Planning Meeting report (a test recorded) and a report with no test."""
    return build_reports(tmp_path_factory.mktemp("fife"), [FIFE], FIFE_NOTEBOOKS)
