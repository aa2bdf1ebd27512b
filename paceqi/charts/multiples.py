"""Small multiples: one compact SPC chart per authority, side by side."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from matplotlib.figure import Figure

from paceqi.charts import _figure, theme
from paceqi.charts.spc import _rules_line, spc_figure
from paceqi.errors import OptionsError
from paceqi.spcread import chart_type, check_result

__all__ = ["small_multiples"]

PANEL_HEIGHT = 2.0  # inches per row of panels


def small_multiples(
    results: Mapping[str, Any],
    *,
    ncols: int = 3,
    sharey: bool | None = None,
    title: str | None = None,
    y_label: str | None = None,
) -> Figure:
    """Draw one compact SPC chart per key (e.g. per authority) in a grid.

    Parameters
    ----------
    results : Mapping[str, SPCResult]
        Panel title -> analysis, drawn in the mapping's order.
    ncols : int
        Panels per row.
    sharey : bool, optional
        Share the y axis. By default shared when every result has the same chart type (the same
        measure on the same scale), so heights compare directly.
    title, y_label : str, optional
        Figure title and y-axis label.

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    OptionsError
        ``results`` is empty or holds something that is not an SPC result.

    Examples
    --------
    >>> import paceqi
    >>> r = paceqi.spc([3.0, 5, 4, 6])
    >>> fig = small_multiples({"Angus": r, "Fife": r})
    >>> [ax.get_title() for ax in fig.axes]
    ['Angus', 'Fife']
    """
    if not isinstance(results, Mapping) or not results:
        raise OptionsError("results: expected a non-empty mapping of name -> SPCResult")
    for name, res in results.items():
        check_result(res, f"results[{name!r}]")
    if ncols < 1:
        raise OptionsError(f"ncols: expected a positive number, got {ncols!r}")
    n = len(results)
    cols = min(ncols, n)
    rows = math.ceil(n / cols)
    if sharey is None:
        sharey = len({chart_type(r) for r in results.values()}) == 1
    from paceqi.narrative import alt_text

    with _figure.themed():
        fig = _figure.new_figure(theme.FIG_WIDTH, 1.0 + PANEL_HEIGHT * rows)
        axes = fig.subplots(rows, cols, sharex=False, sharey=sharey, squeeze=False).ravel()
        legend: dict[str, Any] = {}
        for ax, (name, res) in zip(axes, results.items(), strict=False):
            spc_figure(res, ax=ax)
            ax.set_title(str(name), fontsize=theme.FONT_SIZE, loc="center", parse_math=False)
            ax.tick_params(labelsize=theme.FONT_SIZE - 2)
            for handle, label in zip(*ax.get_legend_handles_labels(), strict=True):
                legend.setdefault(label, handle)
        for ax in axes[n:]:
            fig.delaxes(ax)
        if title:
            fig.suptitle(title, x=0.01, ha="left", fontsize=theme.FONT_SIZE + 2)
        if y_label:
            fig.supylabel(y_label, fontsize=theme.FONT_SIZE)
        if legend:
            fig.legend(
                list(legend.values()),
                list(legend),
                loc="outside upper center",
                ncol=min(len(legend), 4),
            )
        _figure.add_caption(fig, list(dict.fromkeys(_rules_line(r) for r in results.values())))
    measure = y_label or title or "the measure"
    desc = f"{n} small charts of {measure}. " + " ".join(
        f"{name}: {alt_text(res, measure, unit='').split('; ', 1)[-1]}"
        for name, res in results.items()
    )
    _figure.set_alt_text(fig, title or "Small multiples", desc)
    return fig
