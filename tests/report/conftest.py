"""Session fixture: one real report built from synthetic data (see ``report_build``)."""

import pytest
from report_build import BuiltReport, build_report


@pytest.fixture(scope="session")
def built_report(tmp_path_factory) -> BuiltReport:
    """The Two Week Planning Meeting report for one synthetic authority, and its index."""
    return build_report(tmp_path_factory.mktemp("report"))
