"""Compatibility layer: the old import path of :mod:`paceqi.spcstats`.

The SPC analysis lives in :mod:`paceqi.spcstats`; ``paceqi.spc`` is its entry point, the
*function* :func:`paceqi.spcstats.spc` (``paceqi.spc(y, ...)`` returns an ``SPCResult``).
Until 2026-12 the package itself was called ``paceqi.spc``, so notebooks may still write::

    from paceqi.spc import SPCResult, spc, POINT_COLUMNS
    from paceqi.spc import rules

Those imports keep working: this module re-exports every public name of
:mod:`paceqi.spcstats` (its ``__all__``) and its submodules as attributes. The dotted form
``import paceqi.spc.rules`` (or ``from paceqi.spc.limits import ...``) works too: each
submodule is registered in ``sys.modules`` under its old dotted name as well. New code imports
from :mod:`paceqi.spcstats` (or calls ``paceqi.spc``); nothing inside paceqi imports this module.

Why this module makes itself callable. ``import paceqi.spc`` (or any ``from paceqi.spc import
...``) loads this module, and the import system then binds it as the attribute ``spc`` of the
``paceqi`` package, replacing the function that ``paceqi.spc`` normally is. Python offers no
way to stop that rebinding (a package cannot intercept the assignment), so after such an import
``paceqi.spc(y)`` would call a module. To keep that call working, this module's class is set to
a subclass of ``ModuleType`` with ``__call__`` forwarding to :func:`paceqi.spcstats.spc`
(assigning ``__class__`` of a module is supported since Python 3.5). This is the only such swap
in paceqi. Type checkers see ``paceqi.spc`` as the function (``paceqi/__init__.py`` imports it
under ``TYPE_CHECKING``); ``tests/typecheck/spc_contract.py`` checks that under mypy. Only
``import paceqi.spc as m; m(y)`` runs but does not type-check (``m`` is a module to mypy).
"""

from __future__ import annotations

import sys
from types import ModuleType
from typing import Any

from paceqi.spcstats import (
    CAVEAT_COLUMNS,
    POINT_COLUMNS,
    SUMMARY_COLUMNS,
    Assurance,
    ChartType,
    Direction,
    PointType,
    RuleSet,
    SPCOptions,
    SPCResult,
    Variation,
    spc,
)
from paceqi.spcstats import analyse as analyse
from paceqi.spcstats import classify as classify
from paceqi.spcstats import inputs as inputs
from paceqi.spcstats import limits as limits
from paceqi.spcstats import options as options
from paceqi.spcstats import rules as rules
from paceqi.spcstats import types as types

# the public names of paceqi.spcstats (tests/test_spc_compat.py checks they are the same)
__all__ = [
    "spc",
    "SPCResult",
    "SPCOptions",
    "ChartType",
    "RuleSet",
    "Direction",
    "PointType",
    "Variation",
    "Assurance",
    "POINT_COLUMNS",
    "CAVEAT_COLUMNS",
    "SUMMARY_COLUMNS",
]


class _CallableModule(ModuleType):
    """The class of ``paceqi.spc``: a module callable as :func:`paceqi.spcstats.spc`."""

    def __call__(self, *args: Any, **kwargs: Any) -> SPCResult:
        return spc(*args, **kwargs)


sys.modules[__name__].__class__ = _CallableModule
# ``import paceqi.spc.rules`` finds the submodule here once this module has loaded
for _sub in (analyse, classify, inputs, limits, options, rules, types):
    sys.modules.setdefault(f"{__name__}.{_sub.__name__.rpartition('.')[2]}", _sub)
del _sub
