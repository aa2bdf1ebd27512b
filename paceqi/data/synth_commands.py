"""``paceqi synth``: write the synthetic demo extract and PDSA ramps (light command module)."""

from __future__ import annotations

import argparse

from paceqi._argtypes import whole_number

#: Kept equal to ``paceqi.data._synth_params.DEFAULT_SEED`` (a test checks it); repeated here
#: so that ``paceqi --help`` does not import numpy.
DEFAULT_SEED = 20140101


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``synth`` sub-command."""
    p = subparsers.add_parser(
        "synth",
        help="write a synthetic demo extract and PDSA cycles for the Scottish authorities",
        description=(
            "Write synthetic (invented) permanence journeys and PDSA ramps for the 32 Scottish "
            "authorities, with a known truth of which change ideas work where: "
            "DIR/manifest.yaml, DIR/extracts/<slug>.csv, DIR/pdsa/<slug>.yaml, DIR/truth.csv "
            "and DIR/README.txt. The same seed writes identical files."
        ),
    )
    p.add_argument("--out", required=True, metavar="DIR", help="output folder")
    p.add_argument(
        "--seed",
        type=whole_number(0),
        default=DEFAULT_SEED,
        metavar="N",
        help=f"random seed, a non-negative whole number (default {DEFAULT_SEED})",
    )
    p.add_argument(
        "--authorities",
        nargs="+",
        metavar="NAME",
        help="only these authorities (names or slugs, e.g. 'Fife' glasgow_city); default all 32",
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Generate the data and print one line per authority."""
    from paceqi.data.synth import write_synthetic

    written = write_synthetic(args.out, seed=args.seed, authorities=args.authorities)
    for a in written:
        tested = [t for t in a.truth.values() if t.tested]
        effects = sum(t.cls == "effect" for t in tested)
        print(
            f"{a.name}: {a.children} children, {len(a.events)} events, "
            f"tests {len(tested)} change idea{'s' if len(tested) != 1 else ''} "
            f"({effects} with an effect) -> extracts/{a.slug}.csv, pdsa/{a.slug}.yaml"
        )
    print(
        f"Wrote {len(written)} authorities and truth.csv to {args.out} "
        f"(seed {args.seed}; synthetic data)"
    )
    return 0
