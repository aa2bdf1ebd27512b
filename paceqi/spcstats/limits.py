"""Centre lines and limits, one function per chart type, chosen through a registry.

Formulas follow qicharts2 0.8 (``R/helper.functions.R``), which follows Montgomery; each function
cites its equations. A function receives the subgroups of *one phase* and the ``base`` mask
(baseline and not excluded) and returns a :class:`Limits` with one value per subgroup.
Missing values are left out of every sum and mean; a moving range next to a missing value is
itself missing (as in qicharts2), whereas an excluded point is removed before the moving ranges
are taken, so the moving range spans it.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from paceqi.constants import (
    D2_MR,
    D4_MR,
    MR_SCREEN_FACTOR,
    SIGMA_INNER,
    SIGMA_LIMITS,
    SIGMA_WARNING,
    T_CHART_POWER,
    XMR_LIMIT_FACTOR_MDC,
)
from paceqi.errors import OptionsError
from paceqi.spcstats.types import ChartType

__all__ = ["Subgroups", "LimitSettings", "Limits", "LIMITS", "register_chart", "get_limits_fn"]


@dataclass(frozen=True)
class Subgroups:
    """The subgroups of one phase, as numpy arrays of equal length.

    Attributes
    ----------
    y : plotted value before any chart transformation (mean, or Σy/Σn with a denominator)
    y_sum : Σy of the subgroup (the count for C charts)
    n : Σn of the subgroup (NaN without a denominator)
    size : number of non-missing observations in the subgroup
    sd : standard deviation of the observations (ddof 1; NaN for a single observation)
    base : bool, the subgroup is in the baseline and not excluded
    """

    y: np.ndarray
    y_sum: np.ndarray
    n: np.ndarray
    size: np.ndarray
    sd: np.ndarray
    base: np.ndarray


@dataclass(frozen=True)
class LimitSettings:
    """Options that change the limits: moving-range screening and the XmR multiplier."""

    screen_mr: bool = True
    mdc_xmr: bool = False  # 2.66·MR-bar (Making Data Count) instead of 3/1.128·MR-bar


@dataclass(frozen=True)
class Limits:
    """Lines of one phase (arrays of the phase's length) and its caveats."""

    y: np.ndarray
    cl: np.ndarray
    lcl: np.ndarray
    ucl: np.ndarray
    lcl_2s: np.ndarray
    ucl_2s: np.ndarray
    lcl_1s: np.ndarray
    ucl_1s: np.ndarray
    mr_zero: bool = False


LimitsFn = Callable[[Subgroups, LimitSettings], Limits]

#: chart type -> limits function
LIMITS: dict[ChartType, LimitsFn] = {}


def register_chart(kind: ChartType) -> Callable[[LimitsFn], LimitsFn]:
    """Register ``fn`` as the limits function of chart ``kind``."""

    def deco(fn: LimitsFn) -> LimitsFn:
        LIMITS[kind] = fn
        return fn

    return deco


def get_limits_fn(kind: str) -> LimitsFn:
    """Return the limits function for ``kind`` or raise :class:`OptionsError` listing the charts."""
    try:
        return LIMITS[ChartType(kind)]
    except (ValueError, KeyError):
        valid = ", ".join(sorted(c.value for c in LIMITS))
        raise OptionsError(f"Unknown chart {kind!r}. Available: {valid}") from None


# --- helpers ----------------------------------------------------------------------------------


def _mean(a: np.ndarray) -> float:
    a = a[~np.isnan(a)]
    return float(a.mean()) if a.size else float("nan")


def _median(a: np.ndarray) -> float:
    a = a[~np.isnan(a)]
    return float(np.median(a)) if a.size else float("nan")


def _valid_base(g: Subgroups, y: np.ndarray | None = None) -> np.ndarray:
    y = g.y if y is None else y
    return np.asarray(g.base & ~np.isnan(y))


def _full(m: int, value: float) -> np.ndarray:
    return np.full(m, value, dtype=float)


def _lines(
    cl: np.ndarray,
    sigma: np.ndarray,
    y: np.ndarray,
    *,
    floor: float | None = None,
    cap: float | None = None,
    mr_zero: bool = False,
) -> Limits:
    """CL ± k·sigma for k = 3, 2, 1, with lower lines floored and upper lines capped."""
    lines = {}
    for name, k in (("", SIGMA_LIMITS), ("_2s", SIGMA_WARNING), ("_1s", SIGMA_INNER)):
        lo = cl - k * sigma
        hi = cl + k * sigma
        if floor is not None:
            lo = np.where(np.isfinite(lo) & (lo < floor), floor, lo)
        if cap is not None:
            hi = np.where(np.isfinite(hi) & (hi > cap), cap, hi)
        lines["lcl" + name] = lo
        lines["ucl" + name] = hi
    return Limits(y=y, cl=cl, mr_zero=mr_zero, **lines)


def _average_moving_range(values: np.ndarray, screen: bool) -> float:
    """MR-bar of ``values`` (NaN moving ranges dropped), screened at MR_SCREEN_FACTOR·MR-bar.

    Screening drops moving ranges >= MR_SCREEN_FACTOR·MR-bar and recomputes the mean (Nelson
    1982; qicharts2 with ``qic.screenedmr``). When MR-bar is 0 there is nothing to screen.
    """
    mr = np.abs(np.diff(values))
    mr = mr[~np.isnan(mr)]
    if mr.size == 0:
        return float("nan")
    amr = float(mr.mean())
    if screen and amr > 0:
        amr = float(mr[mr < MR_SCREEN_FACTOR * amr].mean())
    return amr


def _xmr_sigma(amr: float, settings: LimitSettings) -> float:
    """Sigma-hat from MR-bar: MR-bar / D2_MR, or XMR_LIMIT_FACTOR_MDC·MR-bar / 3 under MDC."""
    if settings.mdc_xmr:
        return XMR_LIMIT_FACTOR_MDC * amr / SIGMA_LIMITS
    return amr / D2_MR


def _c4(n: np.ndarray) -> np.ndarray:
    """c4(n) = sqrt(2/(n-1))·Γ(n/2)/Γ((n-1)/2), exact; NaN for n <= 1 (Montgomery eq. 6.26)."""
    n = np.asarray(n, dtype=float)
    sizes, inverse = np.unique(n, return_inverse=True)
    c4 = np.array(
        [
            math.sqrt(2.0 / (k - 1)) * math.exp(math.lgamma(k / 2) - math.lgamma((k - 1) / 2))
            if k > 1
            else math.nan
            for k in sizes  # a handful of distinct subgroup sizes
        ]
    )
    return c4[inverse].reshape(n.shape)


def _pooled_sd(g: Subgroups) -> tuple[float, bool]:
    """s-bar: pooled SD when subgroup sizes vary, else the mean SD (Montgomery 6.29 / 6.31)."""
    vb = _valid_base(g)
    variable = np.unique(g.size).size > 1
    if variable:
        w = g.size[vb] - 1.0
        s2 = g.sd[vb] ** 2
        ok = ~np.isnan(s2)
        den = w[ok].sum()
        sbar = float(np.sqrt((w[ok] * s2[ok]).sum() / den)) if den > 0 else float("nan")
    else:
        sbar = _mean(g.sd[vb])
    return sbar, variable


def _laney_sigma_z(z: np.ndarray, screen: bool) -> float:
    """Laney's sigma_z = MR-bar(z)/D2_MR over the base z-scores (Laney 2002)."""
    return _average_moving_range(z, screen) / D2_MR


# --- chart types ------------------------------------------------------------------------------


@register_chart(ChartType.RUN)
def run_limits(g: Subgroups, settings: LimitSettings) -> Limits:
    """Run chart: centre line = median of the base points; no limits."""
    m = g.y.size
    cl = _full(m, _median(g.y[_valid_base(g)]))
    nan = _full(m, np.nan)
    return Limits(g.y, cl, nan, nan, nan, nan, nan, nan)


@register_chart(ChartType.I)
def i_limits(g: Subgroups, settings: LimitSettings) -> Limits:
    """I chart: CL = mean; sigma-hat = MR-bar/D2_MR (Montgomery 6.33) or MDC's 2.66·MR-bar/3.

    Moving ranges are taken over the base rows (excluded rows removed first) and screened when
    ``settings.screen_mr`` (see :func:`_average_moving_range`).
    """
    m = g.y.size
    cl = _full(m, _mean(g.y[_valid_base(g)]))
    # qicharts2 takes |diff(y - cl)|; with one centre line per phase that is |diff(y)|, which
    # is exact for whole numbers (so adding a constant to y changes no moving range)
    amr = _average_moving_range(g.y[g.base], settings.screen_mr)
    sigma = _xmr_sigma(amr, settings)
    return _lines(cl, _full(m, sigma), g.y, mr_zero=amr == 0)


@register_chart(ChartType.MR)
def mr_limits(g: Subgroups, settings: LimitSettings) -> Limits:
    """MR chart: y = |y_i - y_{i-1}|; CL = mean MR of the base; UCL = D4_MR·CL; LCL = 0."""
    m = g.y.size
    y = np.full(m, np.nan)
    if m > 1:
        y[1:] = np.abs(np.diff(g.y))
    c = _mean(y[_valid_base(g, y)])
    cl = _full(m, c)
    zero = _full(m, 0.0)
    nan = _full(m, np.nan)
    ucl = _full(m, D4_MR * c)
    ucl_2s = _full(m, (D4_MR / SIGMA_LIMITS) * SIGMA_WARNING * c)
    return Limits(y, cl, zero, ucl, zero, ucl_2s, nan, nan, mr_zero=c == 0)


@register_chart(ChartType.XBAR)
def xbar_limits(g: Subgroups, settings: LimitSettings) -> Limits:
    """Xbar chart: CL = Σn_i·x̄_i/Σn_i (Montgomery 6.30); limits CL ± A3(n_i)·s-bar.

    A3 = 3/(c4(n)·sqrt(n)) with exact c4; s-bar pooled when sizes vary (6.31), else mean SD (6.29).
    """
    vb = _valid_base(g)
    w = g.size[vb]
    c = float((w * g.y[vb]).sum() / w.sum()) if w.sum() > 0 else float("nan")
    sbar, _ = _pooled_sd(g)
    sigma = sbar / (_c4(g.size) * np.sqrt(np.where(g.size > 0, g.size, np.nan)))
    return _lines(_full(g.y.size, c), sigma, g.y)


@register_chart(ChartType.S)
def s_limits(g: Subgroups, settings: LimitSettings) -> Limits:
    """S chart: CL = s-bar; UCL = B4·s-bar, LCL = B3·s-bar with B = 1 ± 3·c5/c4 (exact).

    c5 = sqrt(1 - c4²); B3 floored at 0 (Montgomery 6.27-6.28, qicharts2 >= 0.5.1).
    """
    sbar, _ = _pooled_sd(g)
    c4 = _c4(g.size)
    sigma = sbar * np.sqrt(1 - c4**2) / c4
    return _lines(_full(g.y.size, sbar), sigma, g.sd, floor=0.0)


def _ratio_cl(g: Subgroups) -> float:
    """Σy/Σn over the base subgroups with a value (P and U charts)."""
    vb = _valid_base(g)
    return float(g.y_sum[vb].sum() / g.n[vb].sum()) if vb.any() else float("nan")


def _p_sigma(g: Subgroups) -> tuple[np.ndarray, np.ndarray]:
    c = _ratio_cl(g)
    return _full(g.y.size, c), np.sqrt(c * (1 - c) / g.n)


def _u_sigma(g: Subgroups) -> tuple[np.ndarray, np.ndarray]:
    c = _ratio_cl(g)
    return _full(g.y.size, c), np.sqrt(c / g.n)


def _laney(g: Subgroups, cl: np.ndarray, sigma: np.ndarray, settings: LimitSettings) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        z = (g.y[g.base] - cl[g.base]) / sigma[g.base]
    return sigma * _laney_sigma_z(z, settings.screen_mr)


@register_chart(ChartType.P)
def p_limits(g: Subgroups, settings: LimitSettings) -> Limits:
    """P chart: CL = Σy/Σn over the base; sigma_i = sqrt(CL(1-CL)/n_i) (Montgomery 7.8)."""
    cl, sigma = _p_sigma(g)
    return _lines(cl, sigma, g.y, floor=0.0, cap=1.0)


@register_chart(ChartType.PP)
def pp_limits(g: Subgroups, settings: LimitSettings) -> Limits:
    """P' chart (Laney 2002): P chart sigma_i times sigma_z, the MR-bar/D2_MR of the z-scores."""
    cl, sigma = _p_sigma(g)
    return _lines(cl, _laney(g, cl, sigma, settings), g.y, floor=0.0, cap=1.0)


@register_chart(ChartType.U)
def u_limits(g: Subgroups, settings: LimitSettings) -> Limits:
    """U chart: CL = Σy/Σn over the base; sigma_i = sqrt(CL/n_i) (Montgomery 7.19)."""
    cl, sigma = _u_sigma(g)
    return _lines(cl, sigma, g.y, floor=0.0)


@register_chart(ChartType.UP)
def up_limits(g: Subgroups, settings: LimitSettings) -> Limits:
    """U' chart (Laney 2002): U chart sigma_i times sigma_z."""
    cl, sigma = _u_sigma(g)
    return _lines(cl, _laney(g, cl, sigma, settings), g.y, floor=0.0)


@register_chart(ChartType.C)
def c_limits(g: Subgroups, settings: LimitSettings) -> Limits:
    """C chart: y = Σy per subgroup; CL = mean count; sigma = sqrt(CL) (Montgomery 7.17)."""
    y = g.y_sum
    c = _mean(y[_valid_base(g, y)])
    m = y.size
    return _lines(_full(m, c), _full(m, np.sqrt(c)), y, floor=0.0)


@register_chart(ChartType.G)
def g_limits(g: Subgroups, settings: LimitSettings) -> Limits:
    """G chart: limits from the mean ḡ ± k·sqrt(ḡ(ḡ+1)) (Montgomery p. 319); CL shown = median."""
    vb = _valid_base(g)
    gbar = _mean(g.y[vb])
    m = g.y.size
    lim = _lines(_full(m, gbar), _full(m, np.sqrt(gbar * (gbar + 1))), g.y, floor=0.0)
    return Limits(**{**lim.__dict__, "cl": _full(m, _median(g.y[vb]))})


@register_chart(ChartType.T)
def t_limits(g: Subgroups, settings: LimitSettings) -> Limits:
    """T chart: I chart on y**(1/T_CHART_POWER), lines back-transformed (Nelson 1994).

    A negative transformed lower line becomes 0 after back-transformation.
    """
    yt = g.y ** (1 / T_CHART_POWER)
    lim = i_limits(Subgroups(yt, g.y_sum, g.n, g.size, g.sd, g.base), settings)

    def back(a: np.ndarray) -> np.ndarray:
        pos = np.where(a >= 0, a, 0.0)
        return np.where(np.isnan(a), np.nan, pos**T_CHART_POWER)

    lines = {k: back(getattr(lim, k)) for k in ("cl", "lcl", "ucl", "lcl_2s", "ucl_2s")}
    lines.update(lcl_1s=back(lim.lcl_1s), ucl_1s=back(lim.ucl_1s))
    return Limits(y=g.y, mr_zero=lim.mr_zero, **lines)
