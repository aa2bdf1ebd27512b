"""Synthetic demo data: permanence journeys and PDSA ramps for the 32 Scottish authorities.

The data are **synthetic**: no real child is described. They are realistic enough to exercise
every part of paceqi - skewed stage gaps, route changes, re-presentations to panel, missing
dates, children still waiting at the extract date (censored), placement moves and returns to
care - and they carry a *known truth*: for every change idea of the demo batch, each authority
either does not test it, tests it with no effect, tests it with a real ramped effect of a stated
size, or is a deliberate trap (``paceqi.data._synth_truth``). The truth is written to
``truth.csv`` so that the reports' answers can be scored against it
(``benchmarks/bench_verdicts.py``).

Determinism: every authority draws from its own stream,
``numpy.random.SeedSequence(seed, spawn_key=(i,))`` (the same as
``SeedSequence(seed).spawn(32)[i]``) where ``i`` is its position in
:data:`~paceqi.data.authorities.SCOTTISH_AUTHORITIES`. An authority's data therefore do not
depend on which other authorities are generated, and the same seed writes byte-identical files.

Output layout of :func:`write_synthetic` (other parts of paceqi rely on it)::

    DIR/manifest.yaml          seed, extract_date, generator, truth, authorities: [{name,
                               slug, children, tests, extract, pdsa}]
    DIR/extracts/<slug>.csv    long canonical events (authority, child_id, stage, date,
                               occurrence, route, outcome), sorted by child then date
    DIR/pdsa/<slug>.yaml       PDSA YAML v1: one ramp per change idea the authority tests
    DIR/truth.csv              the known truth, one row per authority and change idea
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
from paceqi.data._synth_pdsa import Journeys, pdsa_document
from paceqi.data._synth_truth import (
    IDEA_NAMES,
    NOT_TESTED,
    RAMP_DAYS,
    IdeaTruth,
    assigned_class,
    draw_truth,
)
from paceqi.data.authorities import SCOTTISH_AUTHORITIES, authority_slug
from paceqi.data.schema import EVENTS_COLUMNS
from paceqi.errors import OptionsError

__all__ = [
    "DEFAULT_SEED",
    "TRUTH_FILE",
    "TRUTH_COLUMNS",
    "EXTRACT_DATE",
    "SynthAuthority",
    "generate_authority",
    "resolve_authorities",
    "write_synthetic",
]

DEFAULT_SEED = P.DEFAULT_SEED
EXTRACT_DATE = P.EXTRACT_DATE

#: The truth file written beside the extracts (docs/synth.md, "The truth file").
TRUTH_FILE = "truth.csv"

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
    truth : dict of str to IdeaTruth
        Per change idea (notebook name): its class, test start, effect start and size.
    events : pandas.DataFrame
        Long canonical events (``EVENTS_COLUMNS``), ``date`` as ISO strings.
    pdsa : dict
        The PDSA YAML v1 document.
    counts : dict of str to tuple of int
        Per change idea: children whose gap started before / after the effect (or test) start
        and reached its end by the extract date (what "large enough to detect" is judged on).
    """

    name: str
    slug: str
    children: int
    truth: dict[str, IdeaTruth]
    events: pd.DataFrame
    pdsa: dict[str, Any]
    counts: dict[str, tuple[int, int]]

    def truth_rows(self) -> list[dict[str, Any]]:
        """Return the authority's rows of ``truth.csv`` (:data:`TRUTH_COLUMNS`)."""
        rows = []
        for idea, t in self.truth.items():
            before, after = self.counts[idea]
            rows.append(
                {
                    "authority": self.name,
                    "slug": self.slug,
                    "change_idea": idea,
                    "class": t.cls,
                    "measures": ";".join(t.spec.measures),
                    "gap_start": t.spec.gap[0],
                    "gap_end": t.spec.gap[1],
                    "size": f"{t.size:.2f}",
                    "effect_start": t.effect_start.isoformat() if t.effect_start else "",
                    "ramp_days": RAMP_DAYS if t.effect_start else "",
                    "test_start": t.test_start.isoformat() if t.test_start else "",
                    "children": self.children,
                    "n_before": before,
                    "n_after": after,
                }
            )
        return rows


#: Columns of ``truth.csv`` (docs/synth.md, "The truth file").
TRUTH_COLUMNS = (
    "authority",
    "slug",
    "change_idea",
    "class",
    "measures",
    "gap_start",
    "gap_end",
    "size",
    "effect_start",
    "ramp_days",
    "test_start",
    "children",
    "n_before",
    "n_after",
)


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
    """Pick the authority with an abandoned PDSA cycle and the one with missing study text.

    The abandoned cycle is a Two Week Planning Meeting variation, so it is picked among the
    authorities that test the meeting; the missing write-up among those that test anything.
    """
    rng = np.random.default_rng(_seed_sequence(seed, _PROGRAMME_KEY))
    twm = [a for a in SCOTTISH_AUTHORITIES if _tests(a, "two_week_planning_meeting")]
    any_idea = [a for a in SCOTTISH_AUTHORITIES if any(_tests(a, i) for i in IDEA_NAMES)]
    a = twm[int(rng.integers(len(twm)))]
    rest = [x for x in any_idea if x != a]
    return a, rest[int(rng.integers(len(rest)))]


def _tests(authority: str, idea: str) -> bool:
    return assigned_class(authority, idea) != NOT_TESTED


def generate_authority(name: str, seed: int = DEFAULT_SEED) -> SynthAuthority:
    """Generate one authority's synthetic events, PDSA ramps and truth.

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
    n, truth = _setup(name, np.random.default_rng(setup_ss))
    raw = simulate(np.random.default_rng(child_ss), n, truth, day_number(P.EXTRACT_DATE))
    events = _canonical(name, n, raw)
    journeys = Journeys.from_raw(n, raw, STAGES)
    abandoned, missing_study = _programme_picks(seed)
    pdsa = pdsa_document(
        np.random.default_rng(pdsa_ss),
        name,
        [t for t in truth.values() if t.tested],
        journeys,
        abandoned="two_week_planning_meeting" if name == abandoned else None,
        missing_study=name == missing_study,
    )
    return SynthAuthority(
        name=name,
        slug=authority_slug(name),
        children=n,
        truth=truth,
        events=events,
        pdsa=pdsa,
        counts={idea: _counts(journeys, t) for idea, t in truth.items()},
    )


def _setup(name: str, rng: np.random.Generator) -> tuple[int, dict[str, IdeaTruth]]:
    """Draw an authority's number of children and its change ideas' test start dates."""
    years = (P.LOOKED_AFTER_TO - P.LOOKED_AFTER_FROM).days / 365.25
    mean = P.LOOKED_AFTER_2016[name] * P.ENTRY_RATE_PER_LOOKED_AFTER * years
    n = int(rng.poisson(mean))
    return n, draw_truth(name, rng)


def _counts(journeys: Journeys, t: IdeaTruth) -> tuple[int, int]:
    """Children whose gap's anchor fell before / on or after the split date and who reached its end.

    The anchor is the gap's start stage (plus ``anchor_offset``); the split is the effect start
    (or the test start, for ideas without an effect; 1 January 2016 when untested).
    """
    start, end = t.spec.gap
    s, e = journeys.first[start] + t.spec.anchor_offset, journeys.first[end]
    split = t.effect_start or t.test_start or dt.date(2016, 1, 1)
    day = day_number(split)
    done = ~np.isnan(s) & ~np.isnan(e) & (e >= s)
    return int((done & (s < day)).sum()), int((done & (s >= day)).sum())


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
    ['README.txt', 'extracts', 'manifest.yaml', 'pdsa', 'truth.csv']
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
    truth = pd.DataFrame([r for a in written for r in a.truth_rows()], columns=TRUTH_COLUMNS)
    _write_csv(root / TRUTH_FILE, truth.astype(str))
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
        "truth": TRUTH_FILE,
        "authorities": [
            {
                "name": a.name,
                "slug": a.slug,
                "children": a.children,
                "tests": [i for i, t in a.truth.items() if t.tested],
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
    return str(yaml.dump(doc, Dumper=dumper, sort_keys=False, allow_unicode=True, width=100))


def _dump_yaml(path: Path, doc: dict[str, Any]) -> None:
    path.write_text(_yaml_text(doc), encoding="utf-8")


_README = """\
SYNTHETIC DATA - NOT REAL CHILDREN

Everything in this folder was made up by `paceqi synth` (seed {seed}). The authority names
are real Scottish council areas, but every child, date, route and PDSA cycle is invented.
Do not use these files as evidence about any authority.

manifest.yaml     seed, extract date and, per authority, the number of children, the change
                  ideas it tests and where its files are
extracts/*.csv    long canonical events: authority, child_id, stage, date, occurrence, route,
                  outcome (one row per stage a child reached; children still waiting at the
                  extract date have no later stages and must be treated as censored)
pdsa/*.yaml       the authority's PDSA ramps, one per change idea it tests (PDSA YAML v1)
truth.csv         what really happens in the simulation, per authority and change idea:
                  class (effect, no_effect, not_tested, trap_*), the stage gap and measures
                  it moves, the size and start of the effect (docs/synth.md)
"""
