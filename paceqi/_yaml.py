"""Fast, safe YAML parsing shared by the parameter loaders.

PyYAML's pure-Python ``safe_load`` costs ~0.1 s for the stage catalogue, paid several times per
report. :func:`safe_load` parses with libyaml's C ``CSafeLoader`` when PyYAML was built with it
(same safe tags, same Python values) and falls back to the pure-Python loader otherwise. When
the C parser rejects a document, the pure-Python loader parses it again, so error messages (and
any document only the Python parser accepts) stay exactly as before.
"""

from __future__ import annotations

from typing import Any

import yaml

__all__ = ["safe_load", "FAST"]

#: True when libyaml's C loader is available.
FAST: bool = bool(getattr(yaml, "__with_libyaml__", False)) and hasattr(yaml, "CSafeLoader")


def safe_load(text: str) -> Any:
    """Parse one YAML document with the safe loader (C when available).

    Parameters
    ----------
    text : str
        The YAML text.

    Returns
    -------
    Any
        The document, as ``yaml.safe_load`` returns it.

    Raises
    ------
    yaml.YAMLError
        From the pure-Python loader, exactly as ``yaml.safe_load`` raises it.

    Examples
    --------
    >>> safe_load("a: [1, 2]\\nb: 2016-03-01")
    {'a': [1, 2], 'b': datetime.date(2016, 3, 1)}
    """
    if FAST:
        try:
            return yaml.load(text, Loader=yaml.CSafeLoader)  # noqa: S506 - the C *safe* loader
        except yaml.YAMLError:
            pass  # re-parse below for the pure-Python loader's message
    return yaml.safe_load(text)
