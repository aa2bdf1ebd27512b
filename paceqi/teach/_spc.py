"""Find ``paceqi.spc`` lazily (it lives in another part of the package)."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from types import ModuleType
from typing import Any


def default_analyse() -> Callable[..., Any]:
    """Return the ``paceqi.spc`` function; ModuleNotFoundError if it is not installed."""
    module = importlib.import_module("paceqi.spc")
    fn = getattr(module, "spc", module)
    if isinstance(fn, ModuleType) or not callable(fn):  # pragma: no cover - defensive
        raise ImportError("paceqi.spc does not provide an spc() function")
    return fn
