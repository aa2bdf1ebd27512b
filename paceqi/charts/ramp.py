"""PDSA ramp timeline: each cycle a bar from start to end, numbered, with its act decision."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from paceqi.charts import _figure, theme
from paceqi.errors import OptionsError

__all__ = ["ramp_chart"]

#: Accepted column names (the PDSA store's first, then short forms), by role.
_ALIASES = {
    "cycle_no": ("cycle_no", "cycle"),
    "start": ("start_date", "start"),
    "end": ("end_date", "end"),
    "act": ("act", "act_decision", "decision"),
    "label": ("label", "title", "objective"),
}
#: Average width of a character of the notes, in points (DejaVu Sans at FONT_SIZE - 1).
CHAR_WIDTH = 4.9
ACT_WORDS = {"adopt": "adopt", "adapt": "adapt", "abandon": "abandon", "pending": "no decision yet"}


def _column(frame: pd.DataFrame, role: str, required: bool) -> str | None:
    for name in _ALIASES[role]:
        if name in frame.columns:
            return name
    if required:
        raise OptionsError(
            f"cycles is missing a column for {role!r}: expected one of "
            f"{', '.join(_ALIASES[role])}; columns present: {', '.join(map(str, frame.columns))}"
        )
    return None


def _dates(frame: pd.DataFrame, col: str, allow_missing: bool) -> pd.Series:
    dates = pd.to_datetime(frame[col], errors="coerce")
    bad = dates.isna() & frame[col].notna() if allow_missing else dates.isna()
    rows = np.flatnonzero(bad.to_numpy())
    if len(rows):
        raise OptionsError(
            f"cycles: column {col!r} is {'not a date' if allow_missing else 'empty or not a date'} "
            f"in row(s) {', '.join(map(str, rows[:10]))}"
        )
    return dates


def _predictions(row: pd.Series) -> str:
    """Return "· 1 of 2 predictions met" from the store's n_met and n_predictions columns."""
    n, met = row.get("n_predictions"), row.get("n_met")
    try:
        n, met = int(n), int(met)
    except (TypeError, ValueError):
        return ""
    return f" · {met} of {n} prediction{'s' if n != 1 else ''} met" if n else " · no prediction"


def ramp_chart(
    cycles: pd.DataFrame,
    *,
    as_of: Any = None,
    title: str | None = None,
    show_labels: bool = False,
) -> Figure:
    """Draw a PDSA ramp: cycles as bars in time, numbered, coloured and hatched by act decision.

    Parameters
    ----------
    cycles : pandas.DataFrame
        One row per cycle: ``cycle_no``, ``start_date``, ``end_date`` (empty while the cycle
        runs) and ``act`` (``adopt | adapt | abandon``, empty while undecided); optionally
        ``label``, ``ramp`` (cycles of one ramp are kept together and linked by arrows) and
        ``n_predictions`` / ``n_met`` (shown as "1 of 2 predictions met"). Short names ``cycle,
        start, end, act_decision, decision, title`` are accepted, so the frame of the PDSA
        store's ``ramp()`` fits as it is.
    as_of : date-like, optional
        Where a running cycle's bar ends (default: the latest date in the frame).
    title : str, optional
        Chart title.
    show_labels : bool
        Also print each cycle's label (user text, shortened) after its bar.

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    OptionsError
        Missing columns, unparseable dates, an end before its start, or an unknown act.

    Examples
    --------
    >>> import pandas as pd
    >>> c = pd.DataFrame({"cycle_no": [1, 2], "start_date": ["2017-01-09", "2017-02-06"],
    ...                   "end_date": ["2017-01-30", None], "act": ["adapt", None]})
    >>> fig = ramp_chart(c, as_of="2017-03-01")
    >>> sorted(t.get_text() for t in fig.axes[0].texts if t.get_label() == "_cycle")
    ['PDSA 1', 'PDSA 2']
    """
    if not isinstance(cycles, pd.DataFrame):
        raise OptionsError(f"cycles: expected a DataFrame, got {type(cycles).__name__}")
    cols = {role: _column(cycles, role, role in ("cycle_no", "start")) for role in _ALIASES}
    frame = cycles.reset_index(drop=True)
    start = _dates(frame, cols["start"], allow_missing=False)
    end = (
        _dates(frame, cols["end"], allow_missing=True)
        if cols["end"]
        else pd.Series(pd.NaT, index=frame.index)
    )
    backwards = np.flatnonzero((end < start).to_numpy())
    if len(backwards):
        raise OptionsError(
            f"cycles: end date before start date in row(s) {', '.join(map(str, backwards[:10]))}"
        )
    acts = frame[cols["act"]] if cols["act"] else pd.Series(None, index=frame.index, dtype=object)
    acts = acts.where(acts.notna(), "pending").astype(str).str.lower()
    unknown = sorted(set(acts) - set(theme.ACT_COLOURS))
    if unknown:
        raise OptionsError(
            f"cycles: column {cols['act']!r} has unknown value(s) "
            f"{', '.join(u[:20] for u in unknown[:5])}; "
            f"expected {', '.join(theme.ACT_DECISIONS)} or empty"
        )
    latest = pd.concat([start, end]).max()
    as_of_ts = pd.Timestamp(as_of) if as_of is not None else latest
    running = end.isna()
    end = end.fillna(as_of_ts)
    ramps = (
        frame["ramp"].astype(str) if "ramp" in frame.columns else pd.Series("", index=frame.index)
    )
    # Cycles of one ramp stay together (ramps in order of their first cycle), then by start.
    first = start.groupby(ramps).transform("min")
    order = np.lexsort((start.to_numpy(), ramps.to_numpy(), first.to_numpy()))
    several = ramps.nunique() > 1
    with _figure.themed():
        fig = _figure.new_figure(theme.FIG_WIDTH, 1.6 + 0.32 * len(frame))
        ax = fig.add_subplot()
        for lane, i in enumerate(order):
            act = acts.iloc[i]
            width = max(end.iloc[i] - start.iloc[i], pd.Timedelta(days=1))
            ax.barh(
                lane,
                width,
                left=start.iloc[i],
                height=0.6,
                color=theme.ACT_COLOURS[act],
                hatch=theme.ACT_HATCHES[act],
                edgecolor=theme.INK,
                linewidth=0.6,
                alpha=0.85,
                label="_cycle",
            )
            cycle = frame[cols["cycle_no"]].iloc[i]
            _figure.plain_text(
                ax,
                start.iloc[i],
                lane - 0.38,
                _figure.shorten(f"{ramps.iloc[i]}: PDSA {cycle}", 40)
                if several
                else f"PDSA {cycle}",
                ha="left",
                va="bottom",
                fontsize=theme.FONT_SIZE - 1,
                label="_cycle",
            )
            note = ACT_WORDS[act] + (" (running)" if running.iloc[i] else "")
            note += _predictions(frame.iloc[i])
            if show_labels and cols["label"] and pd.notna(frame[cols["label"]].iloc[i]):
                note += " · " + _figure.shorten(frame[cols["label"]].iloc[i], 40)
            _figure.plain_text(
                ax,
                start.iloc[i] + width,
                lane,
                "  " + note,
                ha="left",
                va="center",
                fontsize=theme.FONT_SIZE - 1,
                label="_act",
            )
            if lane and ramps.iloc[order[lane - 1]] == ramps.iloc[i]:
                prev = order[lane - 1]
                ax.annotate(
                    "",
                    xy=(start.iloc[i], lane - 0.3),
                    xytext=(end.iloc[prev], lane - 0.7),
                    arrowprops={"arrowstyle": "->", "color": theme.GREY, "lw": 0.8},
                )
        ax.set_yticks([])
        ax.set_ylim(len(frame) - 0.4, -0.9)
        ax.spines["left"].set_visible(False)
        # Room on the right for the longest note: its width in points as a share of the axes.
        longest = max((len(t.get_text()) for t in ax.texts if t.get_label() == "_act"), default=0)
        share = min(longest * CHAR_WIDTH / (theme.FIG_WIDTH * 72 * 0.95), 0.6)
        right = max(end.max(), as_of_ts)
        span = right - start.min() + pd.Timedelta(days=3)
        ax.set_xlim(start.min() - pd.Timedelta(days=3), right + span * (share / (1 - share)))
        _figure.date_axis(ax)
        if title:
            ax.set_title(title, loc="left", parse_math=False)
        present = [a for a in (*theme.ACT_DECISIONS, "pending") if a in set(acts)]
        handles = [
            Patch(
                facecolor=theme.ACT_COLOURS[a],
                hatch=theme.ACT_HATCHES[a],
                edgecolor=theme.INK,
                label=ACT_WORDS[a],
            )
            for a in present
        ]
        _figure.legend_below(ax, handles)
    counts = ", ".join(f"{int((acts == a).sum())} {ACT_WORDS[a]}" for a in present)
    _figure.set_alt_text(
        fig,
        title or "PDSA ramp",
        f"PDSA ramp of {len(frame)} cycles from {start.min():%B %Y} to {end.max():%B %Y}: "
        f"{counts}.",
    )
    return fig
