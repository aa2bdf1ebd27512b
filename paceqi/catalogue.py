"""The stage catalogue: permanence stages, their order, routes and target timescales.

The Scottish defaults live in ``parameters/catalogues/scotland.yaml``; an authority can edit
targets there or point at its own catalogue. Loading checks every field and names the stage
and field of any problem.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from paceqi import _yaml
from paceqi._paths import parameters_dir
from paceqi.data.schema import ROUTES
from paceqi.errors import OptionsError

__all__ = ["Stage", "Catalogue", "load_catalogue", "TARGET_BASES"]

#: How firm a target is (DESIGN.md "stage catalogue").
TARGET_BASES = ("statutory", "guidance", "pace_aim", "local")

_STAGE_FIELDS = (
    "code",
    "label",
    "order",
    "routes",
    "target_from",
    "target_days",
    "target_basis",
    "source",
)


@dataclass(frozen=True)
class Stage:
    """One permanence stage of the catalogue."""

    code: str
    label: str
    order: int
    routes: tuple[str, ...]
    target_from: str | None = None
    target_days: int | None = None
    target_basis: str | None = None
    source: str | None = None


@dataclass(frozen=True)
class Catalogue:
    """An ordered set of stages, looked up by code."""

    name: str
    stages: tuple[Stage, ...]
    path: Path | None = None

    @property
    def codes(self) -> tuple[str, ...]:
        """Stage codes in journey order."""
        return tuple(s.code for s in self.stages)

    def __contains__(self, code: object) -> bool:
        return any(s.code == code for s in self.stages)

    def __getitem__(self, code: str) -> Stage:
        for s in self.stages:
            if s.code == code:
                return s
        raise OptionsError(
            f"Unknown stage '{code}'. Stages in the catalogue: {', '.join(self.codes)}"
        )

    def label(self, code: str) -> str:
        """Return the human label of a stage code."""
        return self[code].label


def load_catalogue(path: str | Path | None = None) -> Catalogue:
    """Load a stage catalogue from YAML.

    Parameters
    ----------
    path : str or Path, optional
        A catalogue YAML file, or the name of one in ``parameters/catalogues/``. Defaults to the
        Scottish catalogue.

    Returns
    -------
    Catalogue
        Stages sorted by ``order``.

    Raises
    ------
    OptionsError
        If the file is missing or a stage has a missing or invalid field.

    Examples
    --------
    >>> cat = load_catalogue()
    >>> cat["adm_decision"].target_days
    14
    """
    p = _resolve(path)
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as exc:
        raise OptionsError(f"Cannot read stage catalogue {p}: {exc}") from None
    return _parse(p, text)


@lru_cache(maxsize=16)
def _parse(p: Path, text: str) -> Catalogue:
    """Parse and check a catalogue's text; cached per path and exact file content.

    Reading the file is cheap, parsing it is not (~0.1 s with pure-Python YAML), and a report
    loads the catalogue several times. A :class:`Catalogue` is immutable (frozen dataclasses and
    tuples), so every caller can share one; any edit to the file changes ``text`` and so misses
    the cache. Errors are never cached.
    """
    try:
        doc = _yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise OptionsError(f"Cannot read stage catalogue {p}: {exc}") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("stages"), list):
        raise OptionsError(f"Stage catalogue {p} must be a mapping with a 'stages' list")
    stages = [_stage(p, i, raw) for i, raw in enumerate(doc["stages"], start=1)]
    _check_references(p, stages)
    stages.sort(key=lambda s: s.order)
    return Catalogue(name=str(doc.get("name", p.stem)), stages=tuple(stages), path=p)


def _resolve(path: str | Path | None) -> Path:
    if path is None:
        path = "scotland"
    p = Path(path)
    if p.suffix not in (".yaml", ".yml") and not p.exists():
        p = parameters_dir() / "catalogues" / f"{p.name}.yaml"
    if not p.is_file():
        raise OptionsError(f"Stage catalogue not found: {p}")
    return p


def _stage(p: Path, i: int, raw: object) -> Stage:
    where = f"{p.name}, stage {i}"
    if not isinstance(raw, dict):
        raise OptionsError(f"{where}: expected a mapping of {', '.join(_STAGE_FIELDS)}")
    unknown = sorted(set(raw) - set(_STAGE_FIELDS))
    if unknown:
        raise OptionsError(
            f"{where}: unknown field(s) {unknown}; allowed: {', '.join(_STAGE_FIELDS)}"
        )
    for key in ("code", "label", "order", "routes"):
        if raw.get(key) in (None, ""):
            raise OptionsError(f"{where}: field '{key}' is required")
    code = str(raw["code"])
    where = f"{p.name}, stage '{code}'"
    routes = raw["routes"]
    if not isinstance(routes, list) or not routes or any(r not in ROUTES for r in routes):
        raise OptionsError(f"{where}: 'routes' must be a list drawn from {', '.join(ROUTES)}")
    basis = raw.get("target_basis")
    if basis is not None and basis not in TARGET_BASES:
        raise OptionsError(
            f"{where}: target_basis '{basis}' is not one of {', '.join(TARGET_BASES)}"
        )
    days = raw.get("target_days")
    if days is not None and (not isinstance(days, int) or isinstance(days, bool) or days <= 0):
        raise OptionsError(f"{where}: target_days must be a positive whole number of days")
    if (days is None) != (raw.get("target_from") is None):
        raise OptionsError(f"{where}: give both target_from and target_days, or neither")
    if days is not None and basis is None:
        raise OptionsError(f"{where}: a target needs a target_basis ({', '.join(TARGET_BASES)})")
    return Stage(
        code=code,
        label=str(raw["label"]),
        order=int(raw["order"]),
        routes=tuple(routes),
        target_from=raw.get("target_from"),
        target_days=days,
        target_basis=basis,
        source=raw.get("source"),
    )


def _check_references(p: Path, stages: list[Stage]) -> None:
    codes = [s.code for s in stages]
    dupes = sorted({c for c in codes if codes.count(c) > 1})
    if dupes:
        raise OptionsError(f"{p.name}: stage code(s) {dupes} appear more than once")
    for s in stages:
        if s.target_from is not None and s.target_from not in codes:
            raise OptionsError(
                f"{p.name}, stage '{s.code}': target_from '{s.target_from}' is not a stage code"
            )
