"""Chart and narrative inputs built by the real engine (``paceqi.spc``) on small vectors."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd
import pytest


def make_result(
    y: Sequence[float],
    *,
    x: Sequence[Any] | None = None,
    start: str = "2016-01-01",
    excluded: Sequence[int] = (),
    **options: Any,
):
    """Analyse ``y`` (monthly from ``start`` unless ``x`` is given) with ``paceqi.spc``.

    ``options`` go to the engine as they are (``chart``, ``rules``, ``direction``, ``target``,
    ``phases`` (positions, or one label per point), ``freeze``); ``excluded`` is ``exclude``.
    """
    from paceqi.spcstats import spc

    x = pd.date_range(start, periods=len(y), freq="MS") if x is None else list(x)
    return spc(list(y), x=x, exclude=list(excluded) or None, **options)


#: 24 months of days-to-recommendation: about 150 for a year, then about 100.
BEFORE = [152, 148, 160, 141, 155, 149, 158, 145, 151, 162, 147, 150]
AFTER = [104, 98, 110, 95, 101, 99, 107, 96, 103, 100, 94, 102]


@pytest.fixture
def make():
    return make_result


MONTHS = pd.date_range("2016-01-01", periods=24, freq="MS")


@pytest.fixture
def shift_down():
    """Run chart (real engine), lower is better, a shift below the median in the last year."""
    from paceqi.spcstats import spc

    return spc(BEFORE + AFTER, x=MONTHS, chart="run", direction="decrease")


@pytest.fixture
def flat():
    """Run chart (real engine) with no signal."""
    from paceqi.spcstats import spc

    y = [10, 12, 13, 11, 11, 13, 12, 10, 12, 13, 11, 10, 13, 12, 11, 10]
    return spc(y, x=MONTHS[:16], chart="run", direction="decrease")
