"""Lazy public names for a package: imported from their module on first use (fast start-up)."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Mapping
from typing import Any


def lazy_attributes(
    package: str,
    names: Mapping[str, str],
    namespace: dict[str, Any],
    submodules: Iterable[str] = (),
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """Return ``__getattr__`` and ``__dir__`` for a package whose names load on first use.

    Parameters
    ----------
    package : str
        The package's name, for error messages.
    names : mapping of str to str
        Public name -> dotted module that defines it.
    namespace : dict
        The package's ``globals()``; a loaded name is cached there.
    submodules : iterable of str, optional
        Names of the package's submodules that are themselves loaded on first use.

    Returns
    -------
    tuple of callables
        The package's ``__getattr__`` and ``__dir__``. Type checkers do not run them: list the
        same names under ``if TYPE_CHECKING:`` imports in the package.
    """
    subs = frozenset(submodules)

    def __getattr__(name: str) -> Any:
        if name in subs:
            value: Any = importlib.import_module(f"{package}.{name}")
        else:
            module = names.get(name)
            if module is None:
                raise AttributeError(f"module '{package}' has no attribute '{name}'")
            value = getattr(importlib.import_module(module), name)
        namespace[name] = value
        return value

    def __dir__() -> list[str]:
        return sorted(set(namespace) | set(names) | subs)

    return __getattr__, __dir__
