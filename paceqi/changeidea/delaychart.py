"""The "where is the delay" chart: Kaplan–Meier median days per segment against its target."""

from __future__ import annotations

import textwrap

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

__all__ = ["delay_chart"]

#: Characters per line of a segment's label on the y axis.
LABEL_WIDTH = 42


def delay_chart(delay: pd.DataFrame, *, title: str = "Where is the delay?") -> Figure:
    """Horizontal bars of each segment's Kaplan–Meier median, with its interval and target.

    Parameters
    ----------
    delay : pandas.DataFrame
        From :func:`paceqi.changeidea.segments.where_is_the_delay` (its order is kept, top
        to bottom).
    title : str
        Chart title.

    Returns
    -------
    matplotlib.figure.Figure
        Segments past their target are drawn in the theme's concern colour, the others in grey;
        a median not reached (more than half still waiting) is drawn to the longest wait with
        an arrow-shaped end and labelled "not reached". Targets are black ticks.
    """
    from paceqi.charts import new_figure, set_alt_text, theme, themed

    rows = delay.reset_index(drop=True)
    n = len(rows)
    with themed():
        fig = new_figure(height=max(2.2, 0.5 * n + 1.4))
        ax = fig.add_subplot()
        y = np.arange(n)[::-1]
        med = rows["km_median"].to_numpy(dtype=float)
        finite = np.isfinite(med)
        upper = rows["km_upper"].to_numpy(dtype=float)
        longest = np.nanmax(np.where(np.isfinite(upper), upper, med[finite].max(initial=0)))
        shown = np.where(finite, med, longest if np.isfinite(longest) else 0)
        over = (rows["over_target"] > 0).to_numpy() & finite
        colours = [theme.ORANGE if o else theme.GREY for o in over]
        ax.barh(y, np.nan_to_num(shown), color=colours, height=0.6, label="Median days (KM)")
        lo = rows["km_lower"].to_numpy(dtype=float)
        ok = finite & np.isfinite(lo) & np.isfinite(upper)
        ax.errorbar(
            med[ok],
            y[ok],
            xerr=[med[ok] - lo[ok], upper[ok] - med[ok]],
            fmt="none",
            ecolor=theme.INK,
            capsize=3,
            lw=1,
            label="95% interval",
        )
        target = pd.to_numeric(rows["target_days"], errors="coerce").to_numpy(dtype=float)
        has = np.isfinite(target)
        ax.scatter(target[has], y[has], marker="|", s=260, color=theme.INK, lw=2.5, label="Target")
        label_at = np.where(ok, np.fmax(shown, upper), shown)  # clear of the whisker
        for yi, m, at, f in zip(y, shown, label_at, finite, strict=True):
            ax.annotate(
                f"{m:.0f}" if f else "not reached",
                (np.nan_to_num(at), yi),
                xytext=(4, 0),
                textcoords="offset points",
                va="center",
                fontsize=theme.FONT_SIZE - 1,
                color=theme.INK,
            )
        ax.set_yticks(y, [textwrap.fill(str(s), LABEL_WIDTH) for s in rows["segment"]])
        ax.tick_params(axis="y", labelsize=theme.FONT_SIZE - 1)
        ax.set_xlabel("Median days (Kaplan–Meier)")
        ax.set_title(title, loc="left")
        ax.margins(x=0.22)
        fig.legend(loc="outside lower center", ncol=3, frameon=False)
    desc = "; ".join(
        f"{s}: median {m:.0f} days" if f else f"{s}: median not reached"
        for s, m, f in zip(rows["segment"], med, finite, strict=True)
    )
    set_alt_text(fig, title, desc)
    return fig
