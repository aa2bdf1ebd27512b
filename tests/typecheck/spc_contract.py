"""What type checkers see of ``paceqi.spc``: the function, whichever way it is imported.

mypy checks this file with the package (``files`` in ``[tool.mypy]``, so ``make typecheck``
and ``make test`` fail if it stops holding); ``tests/test_spc_compat.py`` runs it in a fresh
interpreter, where the same lines must hold at run time. pytest does not collect this
directory (``--ignore`` in ``addopts``): importing ``paceqi.spc`` in the test process would
rebind ``paceqi.spc`` for every later test (see ``paceqi/spc.py``).
"""

from __future__ import annotations

from typing import assert_type

Y = [5.0, 7.0, 6.0, 8.0, 5.0, 6.0, 7.0, 6.0, 5.0, 7.0, 6.0, 8.0]


def function_after_import_paceqi() -> None:
    """``import paceqi``: ``paceqi.spc`` is :func:`paceqi.spcstats.spc`."""
    import paceqi
    from paceqi.spcstats import SPCResult, spc

    assert paceqi.spc is spc
    assert_type(paceqi.spc(Y, chart="i"), SPCResult)


def callable_after_import_paceqi_spc() -> None:
    """``import paceqi.spc`` (old notebooks): still called as the function, typed as it."""
    import paceqi.spc
    from paceqi.spcstats import SPCResult

    res = paceqi.spc(Y, chart="i")
    assert_type(res, SPCResult)
    assert isinstance(res, SPCResult)
    assert res.summary["cl"].iat[0] == sum(Y) / len(Y)


def old_names_are_the_new_objects() -> None:
    """``from paceqi.spc import ...`` gives the objects of :mod:`paceqi.spcstats`."""
    import paceqi.spcstats
    from paceqi.spc import POINT_COLUMNS, ChartType, SPCResult, rules, spc

    assert spc is paceqi.spcstats.spc
    assert SPCResult is paceqi.spcstats.SPCResult
    assert ChartType is paceqi.spcstats.ChartType
    assert POINT_COLUMNS is paceqi.spcstats.POINT_COLUMNS
    assert rules is paceqi.spcstats.rules
    assert_type(spc(Y), SPCResult)


def never_called() -> None:
    """Misuse mypy must flag: with ``warn_unused_ignores`` each ignore below must be needed."""
    import paceqi

    paceqi.spc(Y, colour="red")  # type: ignore[call-arg]
    _ = paceqi.spc(Y).not_a_field  # type: ignore[attr-defined]


if __name__ == "__main__":
    function_after_import_paceqi()  # first: before anything imports paceqi.spc
    callable_after_import_paceqi_spc()
    old_names_are_the_new_objects()
    print("ok")
