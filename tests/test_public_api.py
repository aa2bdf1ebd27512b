"""The curated public API: exactly these names, each importable."""

import paceqi

EXPECTED = {
    "__version__",
    "PaceqiError",
    "DataValidationError",
    "OptionsError",
    "ReportError",
    "load_catalogue",
    "change_idea_report",
    "load_extract",
    "spc",
    "SPCResult",
    "intervals",
    "measure",
    "kaplan_meier",
    "PDSAStore",
    "pdsa_tracker",
    "pdsa_quality_check",
    "driver_diagram",
    "spc_chart",
    "run_report",
    "run_batch",
    "load_measures",
    "journeys",
    "record",
}


def test_all_is_the_curated_list():
    assert set(paceqi.__all__) == EXPECTED


def test_every_public_name_resolves():
    for name in paceqi.__all__:
        assert getattr(paceqi, name) is not None


def test_unknown_attribute_is_an_attribute_error():
    import pytest

    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        paceqi.nope  # noqa: B018
