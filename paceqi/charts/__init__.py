"""Charts for paceqi (matplotlib, SVG): SPC charts, journeys, PDSA ramps, small multiples, icons.

Every function returns a :class:`matplotlib.figure.Figure` built without pyplot (nothing leaks
between notebooks) or, for icons, an SVG string. :func:`to_svg` turns a figure into a small,
inline-able, accessible SVG. All colours live in :mod:`paceqi.charts.theme`.

Names are imported on first use, so ``paceqi.charts.theme`` (colours only) and the icons can be
used without importing matplotlib.
"""

from __future__ import annotations

import importlib
from typing import Any

_LAZY = {
    "spc_chart": "paceqi.charts.spc",
    "journeys_chart": "paceqi.charts.journeys",
    "ramp_chart": "paceqi.charts.ramp",
    "small_multiples": "paceqi.charts.multiples",
    "variation_icon": "paceqi.charts.icons",
    "assurance_icon": "paceqi.charts.icons",
    "to_svg": "paceqi.charts.svg",
}

__all__ = [
    "spc_chart",
    "journeys_chart",
    "ramp_chart",
    "small_multiples",
    "variation_icon",
    "assurance_icon",
    "to_svg",
]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'paceqi.charts' has no attribute '{name}'")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))
