"""Argument checks shared by the teaching simulations (clear OptionsError messages)."""

from __future__ import annotations

import numpy as np

from paceqi.errors import OptionsError


def check_int(name: str, value: object, *, minimum: int = 0, maximum: int | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer):
        raise OptionsError(f"{name} must be a whole number, got {value!r}")
    if value < minimum or (maximum is not None and value > maximum):
        upper = f" and at most {maximum}" if maximum is not None else ""
        raise OptionsError(f"{name} must be at least {minimum}{upper}, got {value}")
    return int(value)


def check_float(
    name: str,
    value: object,
    *,
    minimum: float | None = None,
    maximum: float | None = None,
    strict_min: bool = False,
) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float | np.integer | np.floating):
        raise OptionsError(f"{name} must be a number, got {value!r}")
    v = float(value)
    if not np.isfinite(v):
        raise OptionsError(f"{name} must be a finite number, got {value!r}")
    if minimum is not None and (v < minimum or (strict_min and v == minimum)):
        op = "greater than" if strict_min else "at least"
        raise OptionsError(f"{name} must be {op} {minimum}, got {value}")
    if maximum is not None and v > maximum:
        raise OptionsError(f"{name} must be at most {maximum}, got {value}")
    return v


def rng_from(seed: int | np.random.Generator | None) -> np.random.Generator:
    """A numpy Generator from a seed (a Generator is used as given; no global state)."""
    if isinstance(seed, np.random.Generator):
        return seed
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int | np.integer)):
        raise OptionsError(f"seed must be a whole number or None, got {seed!r}")
    return np.random.default_rng(seed)
