"""Charts for paceqi (matplotlib, SVG): SPC charts, journeys, PDSA ramps, small multiples, icons.

Every function returns a :class:`matplotlib.figure.Figure` built without pyplot (nothing leaks
between notebooks) or, for icons, an SVG string. :func:`to_svg` turns a figure into a small,
inline-able, accessible SVG. All colours live in :mod:`paceqi.charts.theme`.

Names are imported on first use, so ``paceqi.charts.theme`` (colours only) and the icons can be
used without importing matplotlib.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from paceqi._lazy import lazy_attributes

_LAZY = {
    "spc_chart": "paceqi.charts.spc",
    "spc_figure": "paceqi.charts.spc",
    "journeys_chart": "paceqi.charts.journeys",
    "ramp_chart": "paceqi.charts.ramp",
    "small_multiples": "paceqi.charts.multiples",
    "variation_icon": "paceqi.charts.icons",
    "assurance_icon": "paceqi.charts.icons",
    "to_svg": "paceqi.charts.svg",
    # for matplotlib figures drawn outside this package (notebooks, small multiples)
    "new_figure": "paceqi.charts._figure",
    "set_alt_text": "paceqi.charts._figure",
    "themed": "paceqi.charts._figure",
}

__all__ = [
    "spc_chart",
    "spc_figure",
    "journeys_chart",
    "ramp_chart",
    "small_multiples",
    "variation_icon",
    "assurance_icon",
    "to_svg",
    "new_figure",
    "set_alt_text",
    "themed",
]


__getattr__, __dir__ = lazy_attributes(__name__, _LAZY, globals())

if TYPE_CHECKING:  # the same names as _LAZY, for type checkers and IDEs (never run)
    from paceqi.charts._figure import new_figure as new_figure
    from paceqi.charts._figure import set_alt_text as set_alt_text
    from paceqi.charts._figure import themed as themed
    from paceqi.charts.icons import assurance_icon as assurance_icon
    from paceqi.charts.icons import variation_icon as variation_icon
    from paceqi.charts.journeys import journeys_chart as journeys_chart
    from paceqi.charts.multiples import small_multiples as small_multiples
    from paceqi.charts.ramp import ramp_chart as ramp_chart
    from paceqi.charts.spc import spc_chart as spc_chart
    from paceqi.charts.spc import spc_figure as spc_figure
    from paceqi.charts.svg import to_svg as to_svg
