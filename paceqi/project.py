"""``paceqi init DIR``: write a council's project folder (light command module).

The folder holds everything a council edits or adds: parameters (the stage catalogue, measure
definitions, example mappings and a mapping template, an authority file and a batch manifest
for the council), the change-idea notebooks, an empty PDSA store (``workspace/paceqi.db``) and
``data/`` for its extract. paceqi finds the folder by its ``paceqi-project.yaml`` (run commands
inside it, or set ``PACEQI_HOME``); the report templates stay inside the package.
"""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

__all__ = ["register", "init_project"]

#: Copied from the defaults into the project (folders, or files), relative to the defaults.
COPIED = (
    "parameters/catalogues",
    "parameters/measures",
    "parameters/mappings",
    "parameters/authorities",
    "notebooks/change_ideas",
    "notebooks/pdsa_tracker.ipynb",
)

MAPPING_TEMPLATE = """\
# Column mapping for {authority}'s extract (docs/data.md, "Mapping files"). Every key is
# optional: delete what you do not need. Check it with
#   paceqi validate data/extract.csv --mapping parameters/mappings/{slug}.yaml --notes
description: {authority}'s permanence tracker
# layout: wide                 # wide (one row per child) or long (one row per event)
# sheet: 1                     # an XLSX sheet name or number
# header_row: 1                # the row holding the column names
date_format: ["%d/%m/%Y", "%Y-%m-%d"]   # UK then ISO dates
authority: {authority}
columns:                       # your column name: paceqi's name (a canonical column or stage code)
  # Child Ref: child_id
  # Date became looked after: looked_after
  # Recommendation: permanence_recommended
  # Panel date: panel
  # Plan: route
routes:                        # your route labels: home, po, kco, adoption or undecided
  # Return home: home
  # Permanence Order: po
"""

AUTHORITY_FILE = """\
# Parameters for {authority} (docs/batch.md). Relative paths resolve against this project
# folder (the folder holding paceqi-project.yaml).
authority: {authority}
extract: {extract}
{mapping_line}
parameters:
  pdsa: workspace/paceqi.db      # this project's PDSA store (empty at first: that is normal)
  rules: ihi
  interactive: false
"""

MANIFEST = """\
# {authority}: every change idea's report (docs/batch.md).
#   paceqi batch parameters/batch/{slug}.yaml --out reports
description: {authority}'s change-idea reports
notebooks:
{notebooks}
authorities:
  - {authority}
timeout: 600
parameters: {{}}
"""

MARKER = """\
# A paceqi project folder (written by paceqi init). paceqi looks for this file in the current
# folder and the folders above it; relative paths in the parameters resolve against here.
authority: {authority}
"""


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``init`` sub-command."""
    p = subparsers.add_parser(
        "init",
        help="write a project folder for a council (parameters, notebooks, PDSA store)",
        description="Write DIR: paceqi-project.yaml, parameters/ (catalogue, measures, "
        "mappings and a mapping template, the council's authority file and batch manifest), "
        "notebooks/, an empty PDSA store workspace/paceqi.db and data/ for the extract.",
    )
    p.add_argument("folder", metavar="DIR", help="the folder to create (must be new or empty)")
    p.add_argument(
        "--authority",
        default="Fife",
        metavar="NAME",
        help="the council, as named in its extract (default Fife, for the synthetic demo)",
    )
    p.add_argument(
        "--extract",
        default=None,
        metavar="PATH",
        help="the extract, relative to DIR (default data/synthetic/extracts/<slug>.csv, "
        "which paceqi synth --out data/synthetic writes)",
    )
    p.set_defaults(func=_init)


def _init(args: argparse.Namespace) -> int:
    folder = init_project(args.folder, authority=args.authority, extract=args.extract)
    print(f"Wrote the project folder {folder}")
    print(f"Next: cd {folder} and read README.txt")
    return 0


def init_project(
    folder: str | Path, *, authority: str = "Fife", extract: str | None = None
) -> Path:
    """Write a project folder for one council.

    Parameters
    ----------
    folder : str or Path
        The folder to write; it must not exist or be empty.
    authority : str, default "Fife"
        The council's name, as its extract names it.
    extract : str, optional
        The extract's path relative to the folder (default: the synthetic demo's file).

    Returns
    -------
    Path
        The folder (absolute).

    Raises
    ------
    OptionsError
        If the folder exists and is not empty, or is a file.
    """
    from paceqi._paths import PROJECT_MARKER, defaults_dir
    from paceqi.data.authorities import slugify
    from paceqi.errors import OptionsError

    root = Path(folder).expanduser().resolve()
    if root.exists() and (not root.is_dir() or any(root.iterdir())):
        raise OptionsError(f"{root} exists and is not an empty folder; choose a new folder")
    if not authority.strip():
        raise OptionsError("--authority must name the council")
    slug = slugify(authority)
    src = defaults_dir()
    root.mkdir(parents=True, exist_ok=True)
    for rel in COPIED:
        s, d = src / rel, root / rel
        if s.is_dir():
            shutil.copytree(s, d, ignore=shutil.ignore_patterns(".*", "__pycache__"))
        else:
            d.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(s, d)
    fmt = {"authority": authority, "slug": slug}
    (root / PROJECT_MARKER).write_text(MARKER.format(**fmt), encoding="utf-8")
    (root / "parameters" / "mappings" / f"{slug}.yaml").write_text(
        MAPPING_TEMPLATE.format(**fmt), encoding="utf-8"
    )
    path = extract or f"data/synthetic/extracts/{slug}.csv"
    mapping_line = f"# mapping: parameters/mappings/{slug}.yaml   # once your columns are mapped"
    (root / "parameters" / "authorities" / f"{slug}.yaml").write_text(
        AUTHORITY_FILE.format(extract=path, mapping_line=mapping_line, **fmt), encoding="utf-8"
    )
    names = sorted(p.stem for p in (root / "notebooks" / "change_ideas").glob("*.ipynb"))
    (root / "parameters" / "batch").mkdir(parents=True, exist_ok=True)
    (root / "parameters" / "batch" / f"{slug}.yaml").write_text(
        MANIFEST.format(notebooks="\n".join(f"  - {n}" for n in names), **fmt), encoding="utf-8"
    )
    (root / "data").mkdir(exist_ok=True)
    (root / "workspace").mkdir(exist_ok=True)
    from paceqi.pdsa.store import PDSAStore

    store = PDSAStore(f"sqlite:///{root / 'workspace' / 'paceqi.db'}")
    store.engine.dispose()
    (root / "README.txt").write_text(_readme(authority, slug, path), encoding="utf-8")
    return root


def _readme(authority: str, slug: str, extract: str) -> str:
    return f"""\
paceqi project folder for {authority}

Run every command inside this folder (paceqi finds it by paceqi-project.yaml).

1. Try it on synthetic data:
     paceqi synth --out data/synthetic --authorities "{authority}"
     paceqi batch parameters/batch/{slug}.yaml --out reports
2. Your own extract: save it as data/extract.csv (or .xlsx), map its columns in
   parameters/mappings/{slug}.yaml, check it:
     paceqi validate data/extract.csv --mapping parameters/mappings/{slug}.yaml --notes
   then set extract and mapping in parameters/authorities/{slug}.yaml (now: {extract}).
3. One report: paceqi run notebooks/change_ideas/baseline_journeys.ipynb \\
     --params parameters/authorities/{slug}.yaml --out reports
The PDSA store is workspace/paceqi.db (empty: reports say no cycles are recorded yet).
"""
