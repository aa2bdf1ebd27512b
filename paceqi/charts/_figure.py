"""Figure plumbing shared by every chart: themed figures, captions, alt text, date axes."""

from __future__ import annotations

import contextlib
import textwrap
from collections.abc import Iterator
from typing import Any

import matplotlib as mpl
import matplotlib.dates as mdates
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from paceqi.charts import theme

#: Attribute under which a figure carries its accessible title and description.
_ALT_ATTR = "_paceqi_alt"
#: Characters per caption line at the default width.
CAPTION_WIDTH = 120


@contextlib.contextmanager
def themed() -> Iterator[None]:
    """Apply the theme's rcParams for the duration of the block only (no global change)."""
    with mpl.rc_context(dict(theme.RC)):  # theme.RC's keys are rcParams names (RcKeyType)
        yield


def root_figure(ax: Axes) -> Figure:
    """Return the figure ``ax`` is drawn on (the whole figure when ``ax`` is in a subfigure)."""
    fig = ax.figure
    while not isinstance(fig, Figure):  # a SubFigure: its parent holds it
        fig = fig.figure
    return fig


def new_figure(width: float = theme.FIG_WIDTH, height: float = theme.FIG_HEIGHT) -> Figure:
    """Return a themed, constrained-layout figure that is not registered with pyplot."""
    return Figure(figsize=(width, height), layout="constrained", facecolor=theme.BACKGROUND)


def set_alt_text(fig: Figure, title: str, desc: str) -> None:
    """Attach the accessible title and description that :func:`to_svg` writes."""
    setattr(fig, _ALT_ATTR, (title, desc))


def alt_text_of(fig: Figure) -> tuple[str, str] | None:
    """Return the ``(title, description)`` attached by :func:`set_alt_text`, if any."""
    return getattr(fig, _ALT_ATTR, None)


def add_caption(fig: Figure, lines: list[str]) -> None:
    """Write caption sentences under the plot (a left-aligned figure x-label, so the
    constrained layout reserves room for it)."""
    if not lines:
        return
    width_chars = int(CAPTION_WIDTH * fig.get_figwidth() / theme.FIG_WIDTH)
    wrapped = [w for line in lines for w in textwrap.wrap(line, width_chars)]
    fig.supxlabel(
        "\n".join(wrapped),
        x=0.01,
        ha="left",
        fontsize=theme.FONT_SIZE - 1,
        color=theme.INK,
        parse_math=False,
        label="_caption",
    )


def legend_below(ax: Axes, handles: list[Any] | None = None, ncol: int = 4) -> None:
    """Put the legend in rows under the x axis (inside the constrained layout)."""
    if handles is None:
        handles = ax.get_legend_handles_labels()[0]
    if handles:
        ax.legend(
            handles=handles,
            loc="upper center",
            bbox_to_anchor=(0.5, 0),
            borderaxespad=2.2,
            ncol=min(len(handles), ncol),
        )


def caption_of(fig: Figure) -> str:
    """Return the caption text of a figure ("" when it has none)."""
    label = getattr(fig, "_supxlabel", None)
    return label.get_text() if label is not None else ""


def date_axis(ax: Axes) -> None:
    """Concise date ticks on the x axis."""
    locator = mdates.AutoDateLocator(minticks=3, maxticks=9)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))


def plain_text(ax: Axes, *args: Any, **kwargs: Any) -> Any:
    """``ax.text`` with maths parsing off, so user text with ``$`` shows as typed."""
    kwargs.setdefault("parse_math", False)
    return ax.text(*args, **kwargs)


def shorten(text: str, limit: int = 32) -> str:
    """Cut a label to ``limit`` characters with an ellipsis."""
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
