"""No input, however broken, escapes as anything but a DataValidationError."""

import string

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from paceqi.catalogue import load_catalogue
from paceqi.data.load import load_extract
from paceqi.errors import DataValidationError

HEADERS = ["authority", "child_id", "stage", "date", "looked_after", "panel", "route", "x", ""]
CELLS = st.one_of(
    st.sampled_from(
        [
            "",
            "A",
            "1",
            "panel",
            "looked_after",
            "po",
            "2016-02-03",
            "31/02/2016",
            "03/02/2016",
            "2099-01-01",
            '"',
            "\u00a3",
            "\x00",
        ]
    ),
    st.text(alphabet=string.printable, max_size=6),
)


CATALOGUE = load_catalogue()


def _try(path):
    try:
        load_extract(path, as_of="2021-01-01", catalogue=CATALOGUE)
    except DataValidationError as err:
        assert len(err.failures) >= 1
        assert err.failures["message"].map(lambda m: isinstance(m, str) and m != "").all()


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.binary(max_size=300))
def test_random_bytes(tmp_path, data):
    p = tmp_path / "f.csv"
    p.write_bytes(data)
    _try(p)


@settings(
    max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    header=st.lists(st.sampled_from(HEADERS), min_size=1, max_size=6),
    rows=st.lists(st.lists(CELLS, max_size=7), max_size=6),
    sep=st.sampled_from([",", ";", "\t"]),
)
def test_random_tables(tmp_path, header, rows, sep):
    p = tmp_path / "t.csv"
    text = "\n".join(sep.join(r) for r in [header, *rows])
    p.write_bytes(text.encode("utf-8", "surrogatepass"))
    _try(p)
