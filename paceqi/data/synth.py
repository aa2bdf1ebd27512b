"""Synthetic demo data: permanence journeys and PDSA ramps for the 32 Scottish authorities.

The data are **synthetic**: no real child is described. They are realistic enough to exercise
every part of paceqi - skewed stage gaps, route changes, re-presentations to panel, missing
dates, children still waiting at the extract date (censored) - and each authority has a date on
which it introduced the Two Week Planning Meeting. In some authorities (``twm_effect``) the
early stages shorten afterwards; in the others nothing changes, so run charts show real signals
and real absences of signal.

Determinism: every authority draws from its own stream,
``numpy.random.SeedSequence(seed, spawn_key=(i,))`` (the same as
``SeedSequence(seed).spawn(32)[i]``) where ``i`` is its position in
:data:`~paceqi.data.authorities.SCOTTISH_AUTHORITIES`. An authority's data therefore do not
depend on which other authorities are generated, and the same seed writes byte-identical files.

Output layout of :func:`write_synthetic` (other parts of paceqi rely on it)::

    DIR/manifest.yaml          seed, extract_date, generator, authorities: [{name, slug,
                               children, twm_introduced, twm_effect, extract, pdsa}]
    DIR/extracts/<slug>.csv    long canonical events (authority, child_id, stage, date,
                               occurrence, route, outcome), sorted by child then date
    DIR/pdsa/<slug>.yaml       PDSA YAML v1: the authority's Two Week Planning Meeting ramp
    DIR/README.txt             says the data are synthetic
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from paceqi.data import _synth_params as P
from paceqi.data._synth_journeys import OUTCOMES, ROUTE_CODES, STAGES, day_number, simulate
from paceqi.data._synth_pdsa import pdsa_document
from paceqi.data.authorities import SCOTTISH_AUTHORITIES, authority_slug
from paceqi.data.schema import EVENTS_COLUMNS
from paceqi.errors import OptionsError

__all__ = [
    "DEFAULT_SEED",
    "EXTRACT_DATE",
    "SynthAuthority",
    "generate_authority",
    "resolve_authorities",
    "write_synthetic",
]

DEFAULT_SEED = P.DEFAULT_SEED
EXTRACT_DATE = P.EXTRACT_DATE

#: Sub-streams of an authority's seed sequence, in spawn order.
_SETUP, _CHILDREN, _PDSA = range(3)
#: Spawn key of the stream that picks the authorities with PDSA data-quality problems.
_PROGRAMME_KEY = 1000


@dataclass(frozen=True)
class SynthAuthority:
    """One authority's synthetic data.

    Attributes
    ----------
    name, slug : str
        Authority name (as in ``SCOTTISH_AUTHORITIES``) and its file-name stem.
    children : int
        Number of children in the extract.
    twm_introduced : datetime.date
        When the Two Week Planning Meeting was introduced.
    twm_effect : bool
        Whether the meeting shortens the early stages in this authority.
    events : pandas.DataFrame
        Long canonical events (``EVENTS_COLUMNS``), ``date`` as ISO strings.
    pdsa : dict
        The PDSA YAML v1 document.
    """

    name: str
    slug: str
    children: int
    twm_introduced: dt.date
    twm_effect: bool
    events: pd.DataFrame
    pdsa: dict[str, Any]


def resolve_authorities(names: Iterable[str] | None) -> tuple[str, ...]:
    """Return the authority names to generate, in ``SCOTTISH_AUTHORITIES`` order.

    Parameters
    ----------
    names : iterable of str, optional
        Authority names or slugs (``"Fife"``, ``"glasgow_city"``); ``None`` means all 32.

    Returns
    -------
    tuple of str
        Official names.

    Raises
    ------
    OptionsError
        If a name is not a Scottish authority.

    Examples
    --------
    >>> resolve_authorities(["shetland_islands", "Fife"])
    ('Fife', 'Shetland Islands')
    """
    if names is None:
        return SCOTTISH_AUTHORITIES
    by_key = {authority_slug(a): a for a in SCOTTISH_AUTHORITIES}
    wanted = set()
    for raw in names:
        key = authority_slug(raw)
        if key not in by_key:
            raise OptionsError(
                f"--authorities: '{raw}' is not a Scottish authority. "
                f"Available: {', '.join(SCOTTISH_AUTHORITIES)}"
            )
        wanted.add(by_key[key])
    if not wanted:
        raise OptionsError("--authorities: give at least one authority name")
    return tuple(a for a in SCOTTISH_AUTHORITIES if a in wanted)


def _seed_sequence(seed: int, key: int) -> np.random.SeedSequence:
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        raise OptionsError(f"seed must be a non-negative whole number, got {seed!r}")
    return np.random.SeedSequence(int(seed), spawn_key=(key,))


def _programme_picks(seed: int) -> tuple[str, str]:
    """Pick the authority with an abandoned PDSA cycle and the one with missing study text."""
    rng = np.random.default_rng(_seed_sequence(seed, _PROGRAMME_KEY))
    a, b = rng.choice(len(SCOTTISH_AUTHORITIES), 2, replace=False)
    return SCOTTISH_AUTHORITIES[a], SCOTTISH_AUTHORITIES[b]


def generate_authority(name: str, seed: int = DEFAULT_SEED) -> SynthAuthority:
    """Generate one authority's synthetic events and PDSA ramp.

    Parameters
    ----------
    name : str
        An authority in ``SCOTTISH_AUTHORITIES`` (or its slug).
    seed : int
        Programme seed; the authority's own stream is derived from it and its index.

    Returns
    -------
    SynthAuthority

    Examples
    --------
    >>> a = generate_authority("Orkney Islands", seed=1)
    >>> a.children < 100, list(a.events.columns)[:4]
    (True, ['authority', 'child_id', 'stage', 'date'])
    """
    (name,) = resolve_authorities([name])
    setup_ss, child_ss, pdsa_ss = _seed_sequence(seed, SCOTTISH_AUTHORITIES.index(name)).spawn(3)
    n, introduced, effect = _setup(name, np.random.default_rng(setup_ss))
    raw = simulate(
        np.random.default_rng(child_ss),
        n,
        day_number(introduced),
        effect,
        day_number(P.EXTRACT_DATE),
    )
    events = _canonical(name, n, raw)
    abandoned, missing_study = _programme_picks(seed)
    pdsa = pdsa_document(
        np.random.default_rng(pdsa_ss),
        name,
        introduced,
        effect,
        *_first_days(n, raw),
        abandoned=name == abandoned,
        missing_study=name == missing_study,
    )
    return SynthAuthority(
        name=name,
        slug=authority_slug(name),
        children=n,
        twm_introduced=introduced,
        twm_effect=effect,
        events=events,
        pdsa=pdsa,
    )


def _setup(name: str, rng: np.random.Generator) -> tuple[int, dt.date, bool]:
    """Draw an authority's number of children, meeting start date and whether it has an effect."""
    years = (P.LOOKED_AFTER_TO - P.LOOKED_AFTER_FROM).days / 365.25
    n = int(rng.poisson(P.POPULATION_THOUSANDS[name] * P.ENTRY_RATE_PER_1000 * years))
    months = (P.TWM_TO.year - P.TWM_FROM.year) * 12 + P.TWM_TO.month - P.TWM_FROM.month + 1
    m = int(rng.integers(months))
    introduced = dt.date(P.TWM_FROM.year + m // 12, m % 12 + 1, 1)
    return n, introduced, bool(rng.random() < P.TWM_EFFECT_SHARE)


def _canonical(name: str, n: int, raw: pd.DataFrame) -> pd.DataFrame:
    """Turn integer-coded events into the canonical long table with ISO date strings."""
    ids = np.array([f"C{i + 1:05d}" for i in range(n)], dtype=object)
    days, inverse = np.unique(raw["day"].to_numpy(), return_inverse=True)
    iso = np.datetime_as_string(days.astype("datetime64[D]"), unit="D").astype(object)
    out = pd.DataFrame(
        {
            "authority": name,
            "child_id": ids[raw["child"].to_numpy()],
            "stage": np.array(STAGES, dtype=object)[raw["stage"].to_numpy()],
            "date": iso[inverse],
            "occurrence": raw["occurrence"].to_numpy(),
            "route": np.array(ROUTE_CODES, dtype=object)[raw["route"].to_numpy()],
            "outcome": np.array(OUTCOMES, dtype=object)[raw["outcome"].to_numpy()],
        }
    )
    return out[list(EVENTS_COLUMNS)]


def _first_days(n: int, raw: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Per child: day looked after and day of the first recommendation (NaN if none)."""
    la = np.full(n, np.nan)
    pr = np.full(n, np.nan)
    stage, occ = raw["stage"].to_numpy(), raw["occurrence"].to_numpy()
    first_la = stage == STAGES.index("looked_after")
    first_pr = (stage == STAGES.index("permanence_recommended")) & (occ == 1)
    la[raw["child"].to_numpy()[first_la]] = raw["day"].to_numpy()[first_la]
    pr[raw["child"].to_numpy()[first_pr]] = raw["day"].to_numpy()[first_pr]
    return la, pr


def write_synthetic(
    out: str | Path,
    seed: int = DEFAULT_SEED,
    authorities: Sequence[str] | None = None,
) -> list[SynthAuthority]:
    """Write the synthetic demo data set to a folder.

    Parameters
    ----------
    out : str or Path
        Output folder (created if needed; files of the same names are overwritten).
    seed : int
        Programme seed; the same seed writes byte-identical files.
    authorities : sequence of str, optional
        Names or slugs of the authorities to write; all 32 by default.

    Returns
    -------
    list of SynthAuthority
        What was written, in ``SCOTTISH_AUTHORITIES`` order.

    Raises
    ------
    OptionsError
        For an unknown authority, a bad seed or an output folder that cannot be written.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as d:
    ...     written = write_synthetic(d, seed=7, authorities=["Shetland Islands"])
    ...     sorted(p.name for p in Path(d).iterdir())
    ['README.txt', 'extracts', 'manifest.yaml', 'pdsa']
    """
    names = resolve_authorities(authorities)
    root = Path(out)
    try:
        (root / "extracts").mkdir(parents=True, exist_ok=True)
        (root / "pdsa").mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OptionsError(f"--out: cannot create folder {root}: {exc.strerror}") from None
    written = [generate_authority(name, seed) for name in names]
    for a in written:
        _write_csv(root / "extracts" / f"{a.slug}.csv", a.events)
        _dump_yaml(root / "pdsa" / f"{a.slug}.yaml", a.pdsa)
    _dump_yaml(root / "manifest.yaml", _manifest(seed, written))
    (root / "README.txt").write_text(_README.format(seed=seed), encoding="utf-8")
    return written


def _write_csv(path: Path, df: pd.DataFrame) -> None:
    """Write a frame of strings and integers as CSV (the C csv writer: ~10x pandas' to_csv)."""
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(df.columns)
        writer.writerows(zip(*(df[c].tolist() for c in df.columns), strict=True))


def _manifest(seed: int, written: list[SynthAuthority]) -> dict[str, Any]:
    from paceqi import __version__

    return {
        "seed": int(seed),
        "extract_date": P.EXTRACT_DATE.isoformat(),
        "generator": f"paceqi {__version__}",
        "authorities": [
            {
                "name": a.name,
                "slug": a.slug,
                "children": a.children,
                "twm_introduced": a.twm_introduced.isoformat(),
                "twm_effect": a.twm_effect,
                "extract": f"extracts/{a.slug}.csv",
                "pdsa": f"pdsa/{a.slug}.yaml",
            }
            for a in written
        ],
    }


#: libyaml's emitter is ~7x faster and writes the same bytes as PyYAML's (tested); fall back to
#: the pure-Python one where PyYAML was built without libyaml.
_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def _yaml_text(doc: dict[str, Any], dumper: type = _DUMPER) -> str:
    return yaml.dump(doc, Dumper=dumper, sort_keys=False, allow_unicode=True, width=100)


def _dump_yaml(path: Path, doc: dict[str, Any]) -> None:
    path.write_text(_yaml_text(doc), encoding="utf-8")


_README = """\
SYNTHETIC DATA - NOT REAL CHILDREN

Everything in this folder was made up by `paceqi synth` (seed {seed}). The authority names
are real Scottish council areas, but every child, date, route and PDSA cycle is invented.
Do not use these files as evidence about any authority.

manifest.yaml     seed, extract date and, per authority, the number of children, when the
                  Two Week Planning Meeting was introduced, whether it had an effect in the
                  simulation (twm_effect), and where its files are
extracts/*.csv    long canonical events: authority, child_id, stage, date, occurrence, route,
                  outcome (one row per stage a child reached; children still waiting at the
                  extract date have no later stages and must be treated as censored)
pdsa/*.yaml       the authority's PDSA ramp for the Two Week Planning Meeting (PDSA YAML v1)
"""
